// Package nl3015 is rule NL3015: iam:PassRole on every role.
//
// It reports functions allowed iam:PassRole on Resource "*" without
// conditions.
package nl3015

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3015.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3015",
		Title:      "iam:PassRole on every role",
		Category:   rule.IAM,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "iam:PassRole lets a principal hand a role to a service (a new function, an EC2 instance, a Step Functions state machine). On \"*\", the function can pass any role in the account — including administrator roles — to any service that accepts one, a building block of most privilege-escalation paths.",
			Bad: `- Effect: Allow
  Action: iam:PassRole
  Resource: "*"`,
			Good: `- Effect: Allow
  Action: iam:PassRole
  Resource: !GetAtt WorkerRole.Arn
  Condition: {StringEquals: {iam:PassedToService: states.amazonaws.com}}`,
			Remediation: "Limit iam:PassRole to the role ARNs the function needs to pass and add an iam:PassedToService condition.",
		},
		Run: run,
	}
}

const action = "iam:PassRole"

func run(ctx context.Context, p *rule.Pass) error {
	kit.UnconditionalOnAny(ctx, p, action, func(pos model.Pos, res, who string) {
		p.Reportf(pos, res, "%s can pass any role in the account to any service (iam:PassRole on \"*\"), including roles more powerful than its own", who)
	})
	return nil
}
