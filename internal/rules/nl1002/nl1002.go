// Package nl1002 is rule NL1002: Function URL without authentication.
//
// It reports Lambda function URLs whose AuthType is NONE.
package nl1002

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1002.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1002",
		Title:      "Function URL without authentication",
		Category:   rule.AttackSurface,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A function URL with AuthType NONE is a public HTTPS endpoint: anyone can invoke the function, with no throttling other than the function's concurrency. Use AWS_IAM and sign requests, or put the function behind an API with an authorizer.",
			Bad: `Url:
  Type: AWS::Lambda::Url
  Properties:
    AuthType: NONE
    TargetFunctionArn: !GetAtt Fn.Arn`,
			Good: `Url:
  Type: AWS::Lambda::Url
  Properties:
    AuthType: AWS_IAM
    TargetFunctionArn: !GetAtt Fn.Arn`,
			Remediation: "Set AuthType: AWS_IAM on the function URL (callers sign with SigV4, CloudFront can use origin access control), or expose the function through an API with an authorizer.",
		},
		Adjust: kit.OpenEntryAdjust(rule.High),
		Run:    run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, ep := range p.Stack.EntryPoints {
		if ep.Kind != model.EntryFunctionURL || ep.Auth.Type != model.AuthNone {
			continue
		}
		f := rule.Finding{
			Resource: ep.ID,
			Message:  fmt.Sprintf("the function URL of %s has AuthType NONE: anyone on the internet can invoke %s directly", ep.Function, ep.Function),
			Path:     kit.EntryPath(p, ep),
		}
		f.At(ep.Auth.Pos)
		if !ep.Auth.Pos.IsValid() {
			f.At(ep.Pos)
		}
		var why string
		f.Severity, why = kit.OpenEntry(ctx, p, ep)
		f.Message += why
		p.Report(f)
	}
	return nil
}
