// Package nl3012 is rule NL3012: Allow with NotAction.
//
// It reports Allow statements that use NotAction, which grant every action
// except the listed ones — including every action AWS adds later.
package nl3012

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3012.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3012",
		Title:      "Allow with NotAction",
		Category:   rule.IAM,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust:     kit.Reached(rule.High),
		Doc: rule.Doc{
			Description: "\"Allow NotAction: iam:*\" reads like a restriction but grants everything else in every service, including actions that do not exist yet. It is almost always broader than intended.",
			Bad: `- Effect: Allow
  NotAction: iam:*
  Resource: "*"`,
			Good: `- Effect: Allow
  Action: [s3:GetObject, s3:PutObject]
  Resource: !Sub "${Bucket.Arn}/*"`,
			Remediation: "List the allowed actions with Action; keep NotAction for Deny statements.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.Flags(ctx, p, iam.FlagNotAction) {
		if f.Managed || !keep(ctx, p, f) {
			continue
		}
		kit.ReportFlag(p, f, fmt.Sprintf("%s: %s", kit.Who(f.Functions), f.Message))
	}
	return nil
}

func keep(ctx context.Context, p *rule.Pass, f kit.RoleFlag) bool { return true }
