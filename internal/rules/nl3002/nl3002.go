// Package nl3002 is rule NL3002: Policy allows every action of a service.
//
// It reports execution roles whose policies allow "service:*" (s3:*,
// dynamodb:*), which includes deleting data and changing resource policies.
package nl3002

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3002.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3002",
		Title:      "Policy allows every action of a service",
		Category:   rule.IAM,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust:     kit.Exposed(rule.Medium),
		Doc: rule.Doc{
			Description: "A \"service:*\" action grants every current and future action of the service, including destructive and permissions-management ones (s3:PutBucketPolicy, dynamodb:DeleteTable). Functions rarely need more than a handful of data actions.",
			Bad: `- Effect: Allow
  Action: dynamodb:*
  Resource: !GetAtt Orders.Arn`,
			Good: `- Effect: Allow
  Action: [dynamodb:GetItem, dynamodb:PutItem, dynamodb:Query]
  Resource: !GetAtt Orders.Arn`,
			Remediation: "Replace the service wildcard with the actions the function calls.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.Flags(ctx, p, iam.FlagServiceWildcard) {
		if f.Managed || !keep(ctx, p, f) {
			continue
		}
		kit.ReportGrant(p, f, fmt.Sprintf("%s is allowed every action of a service: %s; this includes deleting data and changing its access policies", kit.Who(f.Functions), f.Message))
	}
	return nil
}

func keep(ctx context.Context, p *rule.Pass, f kit.RoleFlag) bool { return true }
