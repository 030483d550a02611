package nl1009_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1009"
)

// TestBlockedSeverity checks that a policy Block Public Access neutralises
// is low and an open one keeps the rule's severity.
func TestBlockedSeverity(t *testing.T) {
	got := map[string]rule.Severity{}
	for _, file := range []string{"testdata/blocked_and_access_points.txtar", "testdata/account_block.txtar"} {
		for _, f := range ruletest.Findings(t, file, nl1009.Rule()) {
			got[f.Resource] = f.Severity
		}
	}
	want := map[string]rule.Severity{"Blocked": rule.Low, "aws_s3_bucket.site": rule.Low, "Open": rule.High}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("severities (-want +got):\n%s", diff)
	}
}
