// Package nl3016 is rule NL3016: sts:AssumeRole on every role.
//
// It reports functions allowed sts:AssumeRole on Resource "*" without
// conditions.
package nl3016

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3016.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3016",
		Title:      "sts:AssumeRole on every role",
		Category:   rule.IAM,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "sts:AssumeRole on \"*\" lets the function become any role whose trust policy trusts its account — often far more roles than the one it needs, in this account and others.",
			Bad: `- Effect: Allow
  Action: sts:AssumeRole
  Resource: "*"`,
			Good: `- Effect: Allow
  Action: sts:AssumeRole
  Resource: arn:aws:iam::210987654321:role/reporting-reader`,
			Remediation: "Name the roles the function needs to assume.",
		},
		Run: run,
	}
}

const action = "sts:AssumeRole"

func run(ctx context.Context, p *rule.Pass) error {
	kit.UnconditionalOnAny(ctx, p, action, func(pos model.Pos, res, who string) {
		p.Reportf(pos, res, "%s can assume any role that trusts its account (sts:AssumeRole on \"*\")", who)
	})
	return nil
}
