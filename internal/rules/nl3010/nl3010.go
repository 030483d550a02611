// Package nl3010 is rule NL3010: Permissions nightlight cannot see.
//
// It reports functions whose permissions are partly unknown: a managed
// policy whose document nightlight does not know, an execution role defined
// outside the stack, a symbolic action.
package nl3010

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3010.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3010",
		Title:      "Permissions nightlight cannot see",
		Category:   rule.IAM,
		Severity:   rule.Info,
		Confidence: rule.ConfidenceLow,
		Platforms:  []model.Provider{model.AWS},
		Adjust:     kit.Reached(rule.Info),
		Doc: rule.Doc{
			Description: "When a function's role comes from outside the template, or a policy is a customer-managed policy referenced by ARN, nightlight cannot tell what the function may do; every IAM rule is then blind for that part. This finding makes the gap visible.",
			Bad: `Fn:
  Properties:
    Role: arn:aws:iam::123456789012:role/shared-lambda-role`,
			Good: `Fn:
  Properties:
    Role: !GetAtt FnRole.Arn    # declared in this template`,
			Remediation: "Declare the role and its policies in the template, or review the external role separately.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.Flags(ctx, p, iam.FlagUnknownGrants) {
		if !keep(ctx, p, f) {
			continue
		}
		kit.ReportFlag(p, f, fmt.Sprintf("%s: %s; nightlight cannot check these permissions", kit.Who(f.Functions), strings.TrimPrefix(f.Message, "unknown permissions: ")))
	}
	return nil
}

func keep(ctx context.Context, p *rule.Pass, f kit.RoleFlag) bool {
	return !strings.Contains(f.Resource, ":iam::aws:policy/")
}
