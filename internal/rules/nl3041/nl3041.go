// Package nl3041 is rule NL3041: Google function runs with a primitive
// role.
//
// It reports Cloud Functions whose service account is granted
// roles/owner or roles/editor (google_project_iam_member/binding), and
// functions that set no service account, which run as the project's
// default service account (Editor in projects created before Google
// stopped granting it automatically, in 2024).
package nl3041

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3041.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3041",
		Title:      "Google function runs with a primitive role",
		Category:   rule.IAM,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.Google},
		Adjust: []rule.Adjustment{
			{Severity: rule.Low, When: "when the function sets no service account: it runs as the project's default service account, which holds roles/editor only unless the organisation policy removed that grant"},
		},
		Doc: rule.Doc{
			Description: "roles/owner and roles/editor are primitive roles: Editor can change almost every resource of the project and Owner can also grant roles. A function whose service account holds one turns any code execution bug into control of the project. A function with no service_account_email runs as the default service account, which held Editor in every project created before Google's 2024 change (reported with low confidence: the organisation policy may have removed the grant).",
			Bad: `resource "google_project_iam_member" "fn" {
  role   = "roles/editor"
  member = "serviceAccount:${google_service_account.fn.email}"
}`,
			Good: `resource "google_project_iam_member" "fn" {
  role   = "roles/datastore.user"
  member = "serviceAccount:${google_service_account.fn.email}"
}`,
			Remediation: "Give the function a dedicated service account with predefined roles on the resources it uses (roles/datastore.user, roles/storage.objectViewer on one bucket, roles/pubsub.publisher on one topic) and remove primitive roles.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	if p.Stack.Provider != model.Google {
		return nil
	}
	for _, f := range p.Stack.Functions {
		r := p.Stack.Role(f.Role)
		if r == nil {
			if f.RoleARN.IsSet() || p.Stack.Format == model.FormatFirebase || p.Stack.Format == model.FormatServerless {
				// Firebase/serverless functions may set a service account
				// nightlight does not read; do not guess.
				continue
			}
			p.Report(rule.Finding{Resource: f.ID, File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col,
				Severity: rule.Low, Confidence: rule.ConfidenceLow,
				Message: fmt.Sprintf("function %s sets no service account: it runs as the project's default service account, which holds roles/editor unless the organisation policy removed that grant", f.ID),
				Path:    []graph.NodeID{kit.FnNode(p, f.ID)}})
			continue
		}
		for _, pd := range r.Policies {
			switch pd.Name {
			case "roles/owner", "roles/editor":
			default:
				continue
			}
			p.Report(rule.Finding{Resource: f.ID, File: pd.Pos.File, Line: pd.Pos.Line, Col: pd.Pos.Col,
				Message: fmt.Sprintf("function %s runs as service account %s, which holds %s on the project: code execution in the function controls the project", f.ID, r.ID, pd.Name),
				Path:    []graph.NodeID{kit.FnNode(p, f.ID)}})
		}
	}
	return nil
}
