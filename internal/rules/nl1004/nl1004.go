// Package nl1004 is rule NL1004: API key used as the only authentication.
//
// It reports routes protected only by an API key. API keys identify callers
// for usage plans; they are not secrets and do not authenticate.
package nl1004

import (
	"context"
	"fmt"

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

func run(ctx context.Context, p *rule.Pass) error {
	for _, ep := range p.Stack.EntryPoints {
		if ep.Auth.Type != model.AuthAPIKey {
			continue
		}
		f := rule.Finding{
			Resource: kit.Resource(ep),
			Message:  fmt.Sprintf("%s is protected only by an API key; API keys identify callers for usage plans but do not authenticate them", kit.EntryName(ep)),
			Path:     kit.EntryPath(p, ep),
		}
		f.At(ep.Auth.Pos)
		if !ep.Auth.Pos.IsValid() {
			f.At(ep.Pos)
		}
		p.Report(f)
	}
	return nil
}
