// Package nl3013 is rule NL3013: Role trusts too broadly.
//
// It reports roles whose trust policy lets any principal, or any principal
// of another account, assume them without a condition (sts:ExternalId,
// aws:PrincipalOrgID, aws:SourceArn…).
package nl3013

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3013.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3013",
		Title:      "Role trusts too broadly",
		Category:   rule.IAM,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A trust policy decides who can become the role. Principal \"*\" — or a whole other account — without a condition lets far more principals assume it than intended; for third-party accounts, AWS requires an sts:ExternalId to prevent the confused-deputy problem. Execution roles should trust only lambda.amazonaws.com.",
			Bad: `AssumeRolePolicyDocument:
  Statement:
    - Effect: Allow
      Principal: {AWS: "*"}
      Action: sts:AssumeRole`,
			Good: `AssumeRolePolicyDocument:
  Statement:
    - Effect: Allow
      Principal: {Service: lambda.amazonaws.com}
      Action: sts:AssumeRole`,
			Remediation: "Trust only the service or the specific role ARNs that need the role; for other accounts add sts:ExternalId or aws:PrincipalOrgID conditions.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, r := range p.Stack.Roles {
		for _, s := range kit.Statements(r.Trust) {
			if s.Effect != iam.Allow || kit.Restricted(s) || kit.HasCondition(s, "sts:ExternalId") {
				continue
			}
			who := ""
			if kit.AnyPrincipal(s) {
				who = "any AWS principal"
			} else {
				for _, pr := range s.Principals {
					if pr.Type == iam.PrincipalAWS && !pr.Symbolic && strings.HasSuffix(pr.Value, ":root") && !strings.Contains(pr.Value, "${") {
						who = "every principal of account " + strings.TrimSuffix(strings.TrimPrefix(pr.Value[strings.Index(pr.Value, "::")+2:], ""), ":root")
					}
				}
			}
			if who == "" {
				continue
			}
			pos := kit.PolicyPos(s, r.Trust)
			p.Report(rule.Finding{Resource: r.ID, File: pos.File, Line: pos.Line,
				Message: fmt.Sprintf("role %s can be assumed by %s without a condition such as sts:ExternalId or aws:PrincipalOrgID", r.ID, who)})
		}
	}
	return nil
}
