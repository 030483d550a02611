// Package nl1040 is rule NL1040: Azure HTTP function allows anonymous
// access.
//
// It reports HTTP-triggered Azure Functions whose authLevel is anonymous
// (function.json, code-first registrations, serverless.yml,
// azurerm_function_app_function) and that no App Service Authentication
// protects. Function and admin keys count as protection: a key is a shared
// secret, which NL1004-style reviews may still question, but the URL alone
// does not run the function.
package nl1040

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1040.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1040",
		Title:      "Azure HTTP function allows anonymous access",
		Category:   rule.AttackSurface,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.Azure},
		Doc: rule.Doc{
			Description: "An HTTP trigger with authLevel anonymous runs the function for anyone who knows its URL: no function key, no admin key and, unless App Service Authentication (Easy Auth) is turned on for the app, no identity check. The default level is function, so anonymous is a deliberate choice that reviewers should see. Routes on OPTIONS only are skipped. Code-first registrations whose level is not a literal are reported by no rule (their auth is unknown).",
			Bad: `{"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req",
  "authLevel": "anonymous", "methods": ["get"]}]}`,
			Good: `{"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req",
  "authLevel": "function", "methods": ["get"]}]}`,
			Remediation: "Set authLevel to function (callers send a function key) or turn on App Service Authentication (authsettingsV2 with unauthenticatedClientAction RedirectToLoginPage/Return401) or put the app behind API Management; if the endpoint is public on purpose, suppress the finding with a reason.",
		},
		Adjust: kit.OpenEntryAdjust(rule.High),
		Run:    run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	if p.Stack.Provider != model.Azure {
		return nil
	}
	for _, ep := range p.Stack.EntryPoints {
		if ep.Kind != model.EntryRoute || ep.Auth.Type != model.AuthNone || strings.EqualFold(ep.Method, "OPTIONS") {
			continue
		}
		who := ep.Function
		if f := p.Stack.Function(ep.Function); f != nil && f.Name.IsResolved() {
			who = f.Name.String()
		}
		f := rule.Finding{
			Resource: kit.Resource(ep),
			File:     ep.Auth.Pos.File, Line: ep.Auth.Pos.Line, Col: ep.Auth.Pos.Col,
			Message: fmt.Sprintf("%s runs Azure function %s for anyone on the internet: its HTTP trigger is anonymous and no App Service Authentication protects the app", kit.EntryName(ep), who),
			Path:    kit.EntryPath(p, ep),
		}
		var why string
		f.Severity, why = kit.OpenEntry(ctx, p, ep)
		f.Message += why
		p.Report(f)
	}
	return nil
}
