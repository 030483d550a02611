package nl3021_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3021"
)

// TestSeverity checks that severity follows who can get a token and what
// the role can do.
func TestSeverity(t *testing.T) {
	got := map[string]rule.Severity{}
	for _, f := range ruletest.Findings(t, "testdata/open.txtar", nl3021.Rule()) {
		got[f.Resource] = f.Severity
	}
	want := map[string]rule.Severity{
		"Deploy":          rule.Critical, // any repository, administrator
		"PrefixOwner":     rule.High,     // any repository, read only
		"AnyPool":         rule.Critical, // any identity pool, writes
		"Cluster":         rule.Medium,   // one cluster's workloads
		"aws_iam_role.ci": rule.High,     // any repository, no permissions
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("severities (-want +got):\n%s", diff)
	}
}
