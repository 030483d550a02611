// Package nl1001 is rule NL1001: API route callable without authentication.
//
// It reports REST and HTTP API routes that anyone on the internet can call:
// no authorizer, no IAM auth and no API key; and Lambda targets of load
// balancer listeners that forward without authenticating first. OPTIONS preflight routes,
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
			Description: "An API route with no authorization lets anyone who finds the URL invoke the function behind it. Routes get authentication from a default authorizer, a per-method authorizer, IAM (SigV4) or a Cognito/JWT authorizer; this rule reports the routes where none applies. CORS preflight (OPTIONS) routes, PRIVATE endpoint APIs and APIs whose resource policy restricts callers (aws:SourceVpce, aws:SourceIp, …) are skipped. A Lambda target of an Application Load Balancer listener is reported the same way when the listener (or listener rule) forwards without an authenticate-cognito or authenticate-oidc action first, unless the load balancer is internal.",
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
			Remediation: "Attach an authorizer (Cognito, JWT, Lambda) or IAM auth to the route, or set a default authorizer on the API; on a load balancer, add an authenticate-cognito or authenticate-oidc action before the forward; if the route is public on purpose, suppress the finding with a reason.",
		},
		Adjust: append(kit.OpenEntryAdjust(rule.High), rule.Adjustment{Severity: rule.Low,
			When: "when the route's integration is MOCK: API Gateway answers from its mapping template and nothing behind it runs"}),
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, ep := range p.Stack.EntryPoints {
		if ep.Kind == model.EntryALB {
			loadBalancerTarget(ctx, p, ep)
			continue
		}
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

// loadBalancerTarget reports a Lambda target of a load balancer listener
// that forwards without an authenticate-cognito or authenticate-oidc
// action first. An internal load balancer answers only inside its VPC and
// is not reported; one the input does not declare is reported with medium
// confidence, as it may be internal.
func loadBalancerTarget(ctx context.Context, p *rule.Pass, ep *model.EntryPoint) {
	if ep.Auth.Type != model.AuthNone || ep.Internal() || ep.Function == "" {
		return
	}
	f := rule.Finding{
		Resource: kit.Resource(ep),
		File:     ep.Auth.Pos.File, Line: ep.Auth.Pos.Line, Col: ep.Auth.Pos.Col,
		Message: fmt.Sprintf("%s can be called by anyone on the internet: the listener forwards without an authenticate-cognito or authenticate-oidc action, so anyone can invoke %s", kit.EntryName(ep), ep.Function),
		Path:    kit.EntryPath(p, ep),
	}
	if ep.Scheme == "" {
		f.Confidence = rule.ConfidenceMedium
		f.Message += " (its load balancer is not declared in the input: this holds if it is internet-facing)"
	}
	var why string
	f.Severity, why = kit.OpenEntry(ctx, p, ep)
	f.Message += why
	p.Report(f)
}
