package sam

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
)

// samOnly are actions SAM's own policy templates grant that IAM does not
// know (SAM writes them into SQSPollerPolicy); they are kept because SAM
// deploys them, and are harmless.
var samOnly = map[string]bool{
	"sqs:ChangeMessageVisibilityBatch": true,
	"sqs:DeleteMessageBatch":           true,
}

// TestTemplateActionsAreReal checks every action of every SAM policy
// template against the IAM action catalog, so a typo in the table (or an
// action AWS renamed) cannot slip into the effective permissions.
func TestTemplateActionsAreReal(t *testing.T) {
	cat := catalog.New()
	if len(policyTemplates) < 60 {
		t.Fatalf("%d policy templates, want at least 60", len(policyTemplates))
	}
	for _, name := range PolicyTemplateNames() {
		for _, s := range policyTemplates[name].stmts {
			for _, a := range s.actions {
				if pr := cat.Check(a); pr != catalog.OK && !samOnly[a] {
					t.Errorf("%s: action %s: %s", name, a, pr)
				}
			}
		}
	}
}
