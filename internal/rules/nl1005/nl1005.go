// Package nl1005 is rule NL1005: Authorizer defined but attached to nothing.
//
// It reports API Gateway authorizers that no route uses and that are not the
// API default: a sign that the author believed routes were protected when
// they are not. AppSync authorization modes apply to the whole API and are
// not reported.
package nl1005

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL1005.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1005",
		Title:      "Authorizer defined but attached to nothing",
		Category:   rule.AttackSurface,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceMedium,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "An authorizer that no route references and that is not the API's default authorizer protects nothing. This usually means the author meant to protect the API and forgot to attach the authorizer to the routes (or set it as the default), so the routes are open.",
			Bad: `Authorizer:
  Type: AWS::ApiGatewayV2::Authorizer
  Properties:
    AuthorizerType: JWT
Route:
  Type: AWS::ApiGatewayV2::Route
  Properties:
    AuthorizationType: NONE`,
			Good: `Route:
  Type: AWS::ApiGatewayV2::Route
  Properties:
    AuthorizationType: JWT
    AuthorizerId: !Ref Authorizer`,
			Remediation: "Attach the authorizer to the routes it was meant to protect (or make it the API default authorizer), or delete it.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	used := map[string]bool{}
	for _, ep := range p.Stack.EntryPoints {
		if ep.Auth.Authorizer != "" {
			used[ep.API+"\x00"+ep.Auth.Authorizer] = true
		}
	}
	for _, api := range p.Stack.APIs {
		switch api.Kind {
		case model.APIRest, model.APIHTTP, model.APIWebSocket:
		default:
			continue // AppSync and ALB authorization modes apply to the whole API
		}
		for _, a := range api.Authorizers {
			if used[api.ID+"\x00"+a.Name] || api.DefaultAuthorizer == a.Name {
				continue
			}
			p.Reportf(a.Pos, api.ID, "authorizer %s of API %s is attached to no route and is not the default authorizer, so it protects nothing", a.Name, api.ID)
		}
	}
	return nil
}
