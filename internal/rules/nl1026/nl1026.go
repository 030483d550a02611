// Package nl1026 is rule NL1026: API authorizer attached to no route.
//
// It reports an authorizer that no route of its API uses, and that is not
// the API's default, while routes of the same API accept anonymous
// callers: the API looks protected in review but is not.
package nl1026

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1026.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1026",
		Title:      "API authorizer attached to no route",
		Category:   rule.AttackSurface,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Defining an authorizer protects nothing until a method uses it (AuthorizationType and AuthorizerId on the method, Auth.Authorizer on a SAM event, or the API's default authorizer). An authorizer that no route uses, next to routes that accept anonymous callers, usually means the author believes the API is protected when it is not.",
			Bad: `Authorizer:
  Type: AWS::ApiGateway::Authorizer
  Properties: {Type: COGNITO_USER_POOLS, RestApiId: !Ref Api, ProviderARNs: [!GetAtt Pool.Arn]}
GetOrders:
  Type: AWS::ApiGateway::Method
  Properties: {AuthorizationType: NONE, HttpMethod: GET, ...}`,
			Good: `GetOrders:
  Type: AWS::ApiGateway::Method
  Properties: {AuthorizationType: COGNITO_USER_POOLS, AuthorizerId: !Ref Authorizer, HttpMethod: GET, ...}`,
			Remediation: "Attach the authorizer to the routes that need it (or make it the API's default authorizer); delete it if the routes are meant to be public.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, api := range p.Stack.APIs {
		if api.Kind == model.APIGraphQL || api.Kind == model.APIFunction || len(api.Authorizers) == 0 {
			continue
		}
		used := map[string]bool{api.DefaultAuthorizer: true}
		var open []string
		var path []graph.NodeID
		for _, ep := range p.Stack.EntryPoints {
			if ep.API != api.ID {
				continue
			}
			used[ep.Auth.Authorizer] = true
			if kit.Public(p.Stack, ep) {
				open = append(open, strings.TrimSpace(ep.Method+" "+ep.Path))
				path = append(path, kit.EntryNode(p, ep))
			}
		}
		if len(open) == 0 {
			continue
		}
		for _, a := range api.Authorizers {
			if used[a.Name] {
				continue
			}
			p.Report(rule.Finding{Resource: a.Name, File: a.Pos.File, Line: a.Pos.Line, Col: a.Pos.Col, Path: path,
				Message: fmt.Sprintf("%s authorizer %s of API %s is attached to no route, while %s %s callers without authentication", a.Type, a.Name, api.ID, list(open), accept(len(open)))})
		}
	}
	return nil
}

func list(routes []string) string {
	if len(routes) > 5 {
		return strings.Join(routes[:5], ", ") + fmt.Sprintf(" and %d more routes", len(routes)-5)
	}
	return strings.Join(routes, ", ")
}

func accept(n int) string {
	if n == 1 {
		return "accepts"
	}
	return "accept"
}
