// Package nl1003 is rule NL1003: WebSocket API accepts unauthenticated connections.
//
// It reports WebSocket APIs whose $connect route has no authorization;
// WebSocket APIs authenticate only on $connect, so every other route is then
// open too.
package nl1003

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1003.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1003",
		Title:      "WebSocket API accepts unauthenticated connections",
		Category:   rule.AttackSurface,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A WebSocket API checks authorization only when a client connects (the $connect route). With AuthorizationType NONE on $connect, anyone can open a connection and send messages to every route of the API.",
			Bad: `Connect:
  Type: AWS::ApiGatewayV2::Route
  Properties:
    RouteKey: $connect
    AuthorizationType: NONE`,
			Good: `Connect:
  Type: AWS::ApiGatewayV2::Route
  Properties:
    RouteKey: $connect
    AuthorizationType: CUSTOM
    AuthorizerId: !Ref ConnectAuthorizer`,
			Remediation: "Put a Lambda (REQUEST) authorizer or IAM auth on the $connect route.",
		},
		Adjust: kit.OpenEntryAdjust(rule.High),
		Run:    run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, ep := range p.Stack.EntryPoints {
		if ep.Kind != model.EntryRoute || !kit.IsWebSocket(p.Stack, ep) || ep.Path != "$connect" || ep.Auth.Type != model.AuthNone {
			continue
		}
		f := rule.Finding{
			Resource: ep.API,
			Message:  fmt.Sprintf("WebSocket API %s accepts connections from anyone: its $connect route has no authorizer, and WebSocket routes are only authorized on connect", ep.API),
			Path:     kit.EntryPath(p, ep),
		}
		f.At(ep.Auth.Pos)
		// Every route of the API is open once a client is connected.
		var routes []*model.EntryPoint
		for _, r := range p.Stack.EntryPoints {
			if r.Kind == model.EntryRoute && r.API == ep.API {
				routes = append(routes, r)
			}
		}
		var why string
		f.Severity, why = kit.OpenEntry(ctx, p, ep, routes...)
		f.Message += why
		p.Report(f)
	}
	return nil
}
