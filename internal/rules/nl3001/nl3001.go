// Package nl3001 is rule NL3001: Policy allows every action ("*").
//
// It reports execution roles whose policies allow Action "*": full
// administrator rights for the function.
package nl3001

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3001.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3001",
		Title:      "Policy allows every action (\"*\")",
		Category:   rule.IAM,
		Severity:   rule.Critical,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust:     kit.Reached(rule.Critical),
		Doc: rule.Doc{
			Description: "An Allow statement with Action \"*\" gives the function every permission in the account (on the resources listed). Any code injection, vulnerable dependency or leaked credential in the function becomes full control of the account.",
			Bad: `- Effect: Allow
  Action: "*"
  Resource: "*"`,
			Good: `- Effect: Allow
  Action: [dynamodb:GetItem, dynamodb:PutItem]
  Resource: !GetAtt Orders.Arn`,
			Remediation: "List the actions the function needs (SAM policy templates such as DynamoDBCrudPolicy help) on the resources it uses.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.Flags(ctx, p, iam.FlagFullWildcard) {
		if f.Managed || !keep(ctx, p, f) {
			continue
		}
		kit.ReportFlag(p, f, fmt.Sprintf("%s can perform every action of every AWS service (%s): a bug or vulnerable dependency in it gives an attacker control of the account", kit.Who(f.Functions), f.Message))
	}
	return nil
}

func keep(ctx context.Context, p *rule.Pass, f kit.RoleFlag) bool { return true }
