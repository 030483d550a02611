// Package nl3005 is rule NL3005: Function can escalate its privileges.
//
// It reports execution roles that allow a known privilege-escalation path
// (iam:PassRole with lambda:CreateFunction, iam:PutRolePolicy,
// iam:CreatePolicyVersion, …).
package nl3005

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3005.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3005",
		Title:      "Function can escalate its privileges",
		Category:   rule.IAM,
		Severity:   rule.Critical,
		Confidence: rule.ConfidenceHigh,
		Doc: rule.Doc{
			Description: "Some combinations of permissions let a principal grant itself more: passing a more powerful role to a new function and invoking it, writing an inline policy on its own role, creating a new default policy version. A function with such a path effectively has the most powerful permissions reachable through it.",
			Bad: `- Effect: Allow
  Action: [iam:PassRole, lambda:CreateFunction, lambda:InvokeFunction]
  Resource: "*"`,
			Good: `- Effect: Allow
  Action: lambda:InvokeFunction
  Resource: !GetAtt Worker.Arn`,
			Remediation: "Remove one step of the path (usually iam:PassRole on \"*\" or the iam:Put*/Attach* action), or scope iam:PassRole to a specific role with an iam:PassedToService condition.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.Flags(ctx, p, iam.FlagPrivilegeEscalation) {
		if !keep(ctx, p, f) {
			continue
		}
		kit.ReportFlag(p, f, fmt.Sprintf("%s can escalate its privileges: %s", kit.Who(f.Functions), strings.TrimPrefix(f.Message, "privilege escalation: ")))
	}
	return nil
}

func keep(ctx context.Context, p *rule.Pass, f kit.RoleFlag) bool { return true }
