// Package nl1007 is rule NL1007: Lambda permission lets anyone invoke the function.
//
// It reports Lambda permissions (resource policies) granting
// lambda:InvokeFunction to Principal "*" without a condition on the caller.
package nl1007

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1007.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1007",
		Title:      "Lambda permission lets anyone invoke the function",
		Category:   rule.AttackSurface,
		Severity:   rule.Critical,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A Lambda permission with Principal \"*\" and no aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID condition lets any AWS account invoke the function directly through the Lambda API. Function URL permissions (lambda:InvokeFunctionUrl) are reported by NL1002 instead.",
			Bad: `Permission:
  Type: AWS::Lambda::Permission
  Properties:
    Action: lambda:InvokeFunction
    FunctionName: !Ref Fn
    Principal: "*"`,
			Good: `Permission:
  Type: AWS::Lambda::Permission
  Properties:
    Action: lambda:InvokeFunction
    FunctionName: !Ref Fn
    Principal: "123456789012"`,
			Remediation: "Name the account or service principal that needs to invoke the function, and add SourceArn/SourceAccount (or PrincipalOrgID) to pin the caller.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, rp := range p.Stack.ResourcePolicies {
		if rp.Kind != model.RPLambdaPermission {
			continue
		}
		for _, s := range kit.PublicStatements(rp.Doc) {
			if kit.HasCondition(s, "lambda:FunctionUrlAuthType") || urlOnly(s) {
				continue
			}
			fn := strings.Join(rp.Targets, ", ")
			if fn == "" {
				fn = rp.ID
			}
			pos := kit.PolicyPos(s, rp.Doc)
			p.Report(rule.Finding{
				Resource: rp.ID, File: pos.File, Line: pos.Line,
				Message: fmt.Sprintf("permission %s lets any AWS account invoke %s (Principal \"*\" with no SourceArn, SourceAccount or PrincipalOrgID condition)", rp.ID, fn),
			})
		}
	}
	return nil
}

func urlOnly(s *iam.Statement) bool {
	for _, a := range s.ActionStrings() {
		if !strings.EqualFold(a, "lambda:InvokeFunctionUrl") {
			return false
		}
	}
	return true
}
