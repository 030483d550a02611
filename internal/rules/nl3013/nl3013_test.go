package nl3013_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3013"
)

// TestSeverity checks that severity follows what an outsider gets.
func TestSeverity(t *testing.T) {
	got := map[string]rule.Severity{}
	for _, f := range ruletest.Findings(t, "testdata/any.txtar", nl3013.Rule()) {
		got[f.Resource] = f.Severity
	}
	want := map[string]rule.Severity{
		"Admin":      rule.Critical, // anyone becomes administrator
		"ReadOnly":   rule.High,     // anyone reads
		"Partner":    rule.Medium,   // one named account
		"KnowsTheID": rule.High,     // anyone who learns the external ID
		"Everyone":   rule.High,     // NotPrincipal, role with no permissions
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("severities (-want +got):\n%s", diff)
	}
}
