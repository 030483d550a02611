// Package nl1004 is rule NL1004: API key used as the only authentication.
//
// It reports routes protected only by an API key. API keys identify callers
// for usage plans; they are not secrets and do not authenticate.
package nl1004

import (
	"context"
	"fmt"
	"sort"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1004.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1004",
		Title:      "API key used as the only authentication",
		Category:   rule.AttackSurface,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "API Gateway API keys are meant for usage plans and metering. They are sent in clear in a header, often embedded in web and mobile clients, and cannot be scoped to a user: AWS documents that they must not be used for authentication. A route whose only protection is an API key is effectively public to anyone who has seen one request.",
			Bad: `Method:
  Type: AWS::ApiGateway::Method
  Properties:
    AuthorizationType: NONE
    ApiKeyRequired: true`,
			Good: `Method:
  Type: AWS::ApiGateway::Method
  Properties:
    AuthorizationType: COGNITO_USER_POOLS
    AuthorizerId: !Ref UserPoolAuthorizer
    ApiKeyRequired: true`,
			Remediation: "Add a real authorizer (Cognito, JWT, Lambda or IAM) and keep the API key only for usage plans and throttling.",
		},
		Run: run,
	}
}

// run reports one finding per place the API-key-only decision is written:
// routes that inherit an API's default share one finding listing them.
func run(ctx context.Context, p *rule.Pass) error {
	type group struct {
		eps []*model.EntryPoint
		pos model.Pos
	}
	var order []string
	groups := map[string]*group{}
	for _, ep := range p.Stack.EntryPoints {
		if ep.Auth.Type != model.AuthAPIKey {
			continue
		}
		pos := ep.Auth.Pos
		if !pos.IsValid() {
			pos = ep.Pos
		}
		key := ep.API + "\x00" + pos.String()
		if ep.API == "" {
			key = "ep:" + ep.ID
		}
		g := groups[key]
		if g == nil {
			g = &group{pos: pos}
			groups[key] = g
			order = append(order, key)
		}
		g.eps = append(g.eps, ep)
	}
	for _, key := range order {
		g := groups[key]
		ep := g.eps[0]
		what := kit.EntryName(ep) + " is"
		if len(g.eps) > 1 {
			names := make([]string, len(g.eps))
			for i, e := range g.eps {
				names[i] = kit.EntryName(e)
			}
			sort.Strings(names)
			noun := kit.EntryNoun(ep)
			what = fmt.Sprintf("%d %s of API %s (%s) are", len(g.eps), noun, ep.API, kit.Actions(names, 8))
		}
		f := rule.Finding{
			Resource: kit.Resource(ep),
			Message:  what + " protected only by an API key; API keys identify callers for usage plans but do not authenticate them",
			Path:     kit.EntryPath(p, ep),
		}
		if api := p.Stack.API(ep.API); api != nil && api.Kind == model.APIGraphQL {
			f.Message = what + " protected only by an AppSync API key: the key ships in every client, identifies no user and is valid until it expires, so anyone who has seen one request can call them"
			if len(g.eps) == 1 {
				f.Message = what + " protected only by an AppSync API key: the key ships in every client, identifies no user and is valid until it expires, so anyone who has seen one request can call it"
			}
			f.Remediation = "Make Cognito user pools, OIDC, IAM or a Lambda authorizer the API's default authentication and allow API_KEY only on fields meant to be public (@aws_api_key)."
		}
		f.At(g.pos)
		p.Report(f)
	}
	return nil
}
