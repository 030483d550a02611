// Package nl1001 is rule NL1001: API route callable without authentication.
//
// It reports REST and HTTP API routes that anyone on the internet can call:
// no authorizer, no IAM auth and no API key. OPTIONS preflight routes,
// private APIs and APIs whose resource policy pins the caller are not
// reported. A route that reaches no data by configuration is medium (see
// kit.Contain); a MOCK route, which only answers from its template, is low.
package nl1001

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1001.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1001",
		Title:      "API route callable without authentication",
		Category:   rule.AttackSurface,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "An API route with no authorization lets anyone who finds the URL invoke the function behind it. Routes get authentication from a default authorizer, a per-method authorizer, IAM (SigV4) or a Cognito/JWT authorizer; this rule reports the routes where none applies. CORS preflight (OPTIONS) routes, PRIVATE endpoint APIs and APIs whose resource policy restricts callers (aws:SourceVpce, aws:SourceIp, …) are skipped.",
			Bad: `Route:
  Type: AWS::ApiGatewayV2::Route
  Properties:
    RouteKey: GET /orders
    AuthorizationType: NONE`,
			Good: `Route:
  Type: AWS::ApiGatewayV2::Route
  Properties:
    RouteKey: GET /orders
    AuthorizationType: JWT
    AuthorizerId: !Ref OrdersAuthorizer`,
			Remediation: "Attach an authorizer (Cognito, JWT, Lambda) or IAM auth to the route, or set a default authorizer on the API; if the route is public on purpose, suppress the finding with a reason.",
		},
		Adjust: append(kit.OpenEntryAdjust(rule.High), rule.Adjustment{Severity: rule.Low,
			When: "when the route's integration is MOCK: API Gateway answers from its mapping template and nothing behind it runs"}),
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, ep := range p.Stack.EntryPoints {
		if ep.Kind != model.EntryRoute || ep.Auth.Type != model.AuthNone || kit.IsWebSocket(p.Stack, ep) {
			continue
		}
		if strings.EqualFold(ep.Method, "OPTIONS") {
			continue
		}
		if api := p.Stack.API(ep.API); api != nil {
			if api.Private() || kit.PolicyRestrictsCallers(api.Policy) {
				continue
			}
		}
		target := ep.Function
		if target == "" {
			target = "its integration"
		}
		f := rule.Finding{
			Resource: kit.Resource(ep),
			File:     ep.Auth.Pos.File, Line: ep.Auth.Pos.Line, Col: ep.Auth.Pos.Col,
			Message: fmt.Sprintf("%s can be called by anyone on the internet: no authorizer, IAM auth or API key protects it, so anyone can invoke %s", kit.EntryName(ep), target),
			Path:    kit.EntryPath(p, ep),
		}
		var why string
		if in := ep.Integration; in != nil && in.Type == "MOCK" && ep.Function == "" {
			f.Severity = rule.Low
			f.Message = fmt.Sprintf("%s can be called by anyone on the internet: no authorizer, IAM auth or API key protects it (severity lowered from %s: its integration is MOCK, so API Gateway answers from the mapping template and nothing behind it runs; check that the answer holds nothing private)", kit.EntryName(ep), p.Rule.Severity)
			p.Report(f)
			continue
		}
		f.Severity, why = kit.OpenEntry(ctx, p, ep)
		f.Message += why
		p.Report(f)
	}
	return nil
}
