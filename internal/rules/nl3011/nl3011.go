// Package nl3011 is rule NL3011: Unknown or misspelled IAM action.
//
// It reports policy actions that name no real action: misspelled names
// (dynamodb:GetItems), unknown service prefixes, wildcards matching nothing.
// Checked against the IAM action catalog.
package nl3011

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3011.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3011",
		Title:      "Unknown or misspelled IAM action",
		Category:   rule.IAM,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "IAM accepts actions that do not exist without complaint. A misspelled action grants nothing — so the function fails at run time, or someone \"fixes\" it with a wildcard — and a misspelled Deny protects nothing. nightlight checks every action against the IAM catalog.",
			Bad:         `Action: [dynamodb:GetItems, s3:GetObjects]`,
			Good:        `Action: [dynamodb:GetItem, s3:GetObject]`,
			Remediation: "Fix the spelling (the IAM catalog and `nightlight iam` list valid actions).",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.Flags(ctx, p, iam.FlagUnknownAction) {
		if f.Managed || !keep(ctx, p, f) {
			continue
		}
		kit.ReportFlag(p, f, fmt.Sprintf("%s: IAM action %s names nothing (%s), so it grants nothing", kit.Who(f.Functions), f.Actions[0], strings.TrimPrefix(f.Message[strings.LastIndex(f.Message, ":")+1:], " ")))
	}
	return nil
}

func keep(ctx context.Context, p *rule.Pass, f kit.RoleFlag) bool { return len(f.Actions) > 0 }
