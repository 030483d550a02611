// Package nl1041 is rule NL1041: OpenWhisk web action or API route
// without authentication.
//
// It reports web actions (web: true|raw, web-export: true) without
// require-whisk-auth and API gateway routes of OpenWhisk / IBM Cloud
// Functions apps, from wskdeploy manifests and serverless.yml.
package nl1041

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1041.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1041",
		Title:      "OpenWhisk web action callable without authentication",
		Category:   rule.AttackSurface,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.OpenWhisk},
		Doc: rule.Doc{
			Description: "A web action answers https://HOST/api/v1/web/NAMESPACE/PACKAGE/ACTION for anyone: OpenWhisk checks no credential unless the action is annotated require-whisk-auth (true: the namespace's API key; a string: a secret the caller sends in X-Require-Whisk-Auth). Routes declared under apis go through the API gateway, which needs no key unless one is configured outside the manifest. Every default parameter not marked final can also be overridden by the anonymous caller.",
			Bad: `actions:
  list-orders:
    function: actions/list-orders.js
    web: true`,
			Good: `actions:
  list-orders:
    function: actions/list-orders.js
    web: true
    annotations:
      require-whisk-auth: true`,
			Remediation: "Annotate the action with require-whisk-auth (or stop exporting it with web: false and call it with the API key), and protect API gateway routes with an API key or OAuth; if the action is public on purpose, suppress the finding with a reason.",
		},
		Adjust: kit.OpenEntryAdjust(rule.High),
		Run:    run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	if p.Stack.Provider != model.OpenWhisk {
		return nil
	}
	for _, ep := range p.Stack.EntryPoints {
		if ep.Auth.Type != model.AuthNone {
			continue
		}
		var msg string
		switch ep.Kind {
		case model.EntryWebAction:
			msg = fmt.Sprintf("web action %s runs for anyone on the internet: it is web-exported without require-whisk-auth", ep.Function)
		case model.EntryRoute:
			msg = fmt.Sprintf("API route %s runs action %s for anyone on the internet: no API key or OAuth is declared", kit.EntryName(ep), ep.Function)
		default:
			continue
		}
		f := rule.Finding{Resource: kit.Resource(ep), File: ep.Auth.Pos.File, Line: ep.Auth.Pos.Line, Col: ep.Auth.Pos.Col, Message: msg, Path: kit.EntryPath(p, ep)}
		var why string
		f.Severity, why = kit.OpenEntry(ctx, p, ep)
		f.Message += why
		p.Report(f)
	}
	return nil
}
