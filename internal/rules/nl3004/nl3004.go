// Package nl3004 is rule NL3004: Function can change permissions.
//
// It reports execution roles allowed permissions-management actions (iam:*,
// s3:PutBucketPolicy, lambda:AddPermission, kms:PutKeyPolicy…).
package nl3004

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3004.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3004",
		Title:      "Function can change permissions",
		Category:   rule.IAM,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust:     kit.Exposed(rule.High),
		Doc: rule.Doc{
			Description: "Permissions-management actions change who may do what: attaching policies, editing resource policies, granting Lambda permissions. A function allowed them can open the application (or the account) to anyone; very few functions need them.",
			Bad: `- Effect: Allow
  Action: [s3:PutBucketPolicy]
  Resource: "*"`,
			Good:        `# no permissions-management actions: set bucket policies in the template`,
			Remediation: "Remove the permissions-management actions, or move the work that needs them to the deployment pipeline.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.Flags(ctx, p, iam.FlagPermissionsManagement) {
		if f.Managed || !keep(ctx, p, f) {
			continue
		}
		kit.ReportGrant(p, f, fmt.Sprintf("%s can change permissions: %s", kit.Who(f.Functions), f.Message))
	}
	return nil
}

func keep(ctx context.Context, p *rule.Pass, f kit.RoleFlag) bool {
	return !kit.Broader(ctx, p, f) && (f.Resource == "*" || strings.HasSuffix(f.Resource, ":*"))
}
