// Package nl3009 is rule NL3009: Execution role shared by several functions.
//
// It reports execution roles used by more than one function: each function
// gets the union of the permissions all of them need.
package nl3009

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3009.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3009",
		Title:      "Execution role shared by several functions",
		Category:   rule.IAM,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust:     kit.Reached(rule.Low),
		Doc: rule.Doc{
			Description: "When several functions share one execution role, each gets every permission any of them needs: the public API handler can also do what the nightly admin job does. One role per function keeps a compromise contained.",
			Bad: `Api:   {Properties: {Role: !GetAtt AppRole.Arn}}
Admin: {Properties: {Role: !GetAtt AppRole.Arn}}`,
			Good: `Api:   {Properties: {Role: !GetAtt ApiRole.Arn}}
Admin: {Properties: {Role: !GetAtt AdminRole.Arn}}`,
			Remediation: "Give each function its own role with only the permissions it uses (SAM creates one per function when you use Policies instead of Role).",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.Flags(ctx, p, iam.FlagSharedRole) {
		if f.Managed || !keep(ctx, p, f) {
			continue
		}
		kit.ReportFlag(p, f, fmt.Sprintf("role %s is shared by %s: each of them gets the permissions all of them need", f.Role, strings.Join(f.Functions, ", ")))
	}
	return nil
}

func keep(ctx context.Context, p *rule.Pass, f kit.RoleFlag) bool { return len(f.Functions) > 1 }
