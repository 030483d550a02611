package nl4003_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4003"
)

// TestBlockedSeverity checks that an ACL Block Public Access neutralises is
// low and an open one keeps the rule's severity.
func TestBlockedSeverity(t *testing.T) {
	got := map[string]rule.Severity{}
	for _, f := range ruletest.Findings(t, "testdata/blocked.txtar", nl4003.Rule()) {
		got[f.Resource] = f.Severity
	}
	want := map[string]rule.Severity{"Ignored": rule.Low, "Refused": rule.Low, "Open": rule.High}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("severities (-want +got):\n%s", diff)
	}
}
