// Package nl1042 is rule NL1042: Google Cloud / Firebase function open to
// the public.
//
// It reports HTTP functions on Google Cloud (Terraform, serverless.yml,
// Firebase projects) that anyone may invoke: an invoker binding to
// allUsers or allAuthenticatedUsers, invoker_iam_disabled, a Firebase
// HTTPS function with the default public invoker, or a callable function
// whose handler never reads the caller's auth.
package nl1042

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1042.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1042",
		Title:      "Google Cloud function open to the public",
		Category:   rule.AttackSurface,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.Google},
		Doc: rule.Doc{
			Description: "A Cloud Function (or Cloud Run service) is public when roles/cloudfunctions.invoker or roles/run.invoker is granted to allUsers or allAuthenticatedUsers (any Google account), or when invoker IAM is disabled. The Firebase CLI makes HTTPS functions public unless `invoker` says otherwise, and callable (onCall) functions accept calls without a Firebase Auth token unless the handler rejects them. Functions behind Firebase Hosting rewrites inherit the function's invoker. Functions whose ingress settings allow internal traffic only (ALLOW_INTERNAL_ONLY) are not reported.",
			Bad: `export const orders = onRequest({ invoker: "public" }, handler);

resource "google_cloudfunctions2_function_iam_member" "public" {
  role   = "roles/cloudfunctions.invoker"
  member = "allUsers"
}`,
			Good: `export const orders = onRequest({ invoker: "private" }, handler);

resource "google_cloudfunctions2_function_iam_member" "frontend" {
  role   = "roles/cloudfunctions.invoker"
  member = "serviceAccount:frontend@PROJECT.iam.gserviceaccount.com"
}`,
			Remediation: "Grant the invoker role to the service accounts or groups that need it (invoker: \"private\" or a list in Firebase), check request.auth in callable functions, or put the function behind API Gateway / IAP; if it is public on purpose, suppress the finding with a reason.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	if p.Stack.Provider != model.Google {
		return nil
	}
	for _, ep := range p.Stack.EntryPoints {
		if ep.Kind != model.EntryRoute || ep.Auth.Type != model.AuthNone {
			continue
		}
		if _, internal := kit.InternalOnly(p.Stack.Function(ep.Function)); internal {
			continue // reachable only from inside the VPC network
		}
		var why string
		switch {
		case p.Stack.Format == model.FormatFirebase && strings.Contains(strings.ToLower(ep.Event), "call"):
			why = "it is a callable function whose handler never reads the caller's auth (request.auth / context.auth)"
		case p.Stack.Format == model.FormatFirebase:
			why = "its invoker is public (the Firebase default for HTTPS functions)"
		default:
			why = "its invoker is granted to allUsers or allAuthenticatedUsers, or invoker IAM is disabled"
		}
		if ep.Event == "hosting rewrite" {
			why += ", and Firebase Hosting routes " + ep.Path + " to it"
		}
		p.Report(rule.Finding{
			Resource: kit.Resource(ep),
			File:     ep.Auth.Pos.File, Line: ep.Auth.Pos.Line, Col: ep.Auth.Pos.Col,
			Message: fmt.Sprintf("%s runs function %s for anyone on the internet: %s", kit.EntryName(ep), ep.Function, why),
			Path:    kit.EntryPath(p, ep),
		})
	}
	return nil
}
