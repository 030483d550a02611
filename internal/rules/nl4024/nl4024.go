// Package nl4024 is rule NL4024: Weak user pool password policy.
//
// It reports Cognito user pools whose password policy allows passwords
// shorter than 8 characters or requires no character class at all.
package nl4024

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL4024.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4024",
		Title:      "Weak user pool password policy",
		Category:   rule.Misconfig,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A user pool whose password policy accepts passwords shorter than 8 characters, or requires no uppercase letter, lowercase letter, number or symbol at all, lets users pick passwords that fall to guessing and credential stuffing. The Cognito default (8 characters and every class) is not reported.",
			Bad: `Policies:
  PasswordPolicy:
    MinimumLength: 6
    RequireNumbers: false
    RequireSymbols: false
    RequireUppercase: false
    RequireLowercase: false`,
			Good: `Policies:
  PasswordPolicy:
    MinimumLength: 12
    RequireNumbers: true
    RequireLowercase: true`,
			Remediation: "Require at least 8 characters (12 or more is better) and at least one character class, or enforce MFA.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, u := range p.Stack.UserPools {
		pp := u.Password
		if pp == nil {
			continue
		}
		var weak []string
		pos := pp.Pos
		if n, ok := pp.MinLength.AsInt(); ok && n < 8 {
			weak = append(weak, fmt.Sprintf("a minimum length of %d", n))
			pos = pp.MinLength.PosOr(pos)
		}
		// A class left out of the policy is required (the default), and
		// a symbolic setting is not judged.
		classes := 0
		for _, v := range []*model.Value{pp.RequireUppercase, pp.RequireLowercase, pp.RequireNumbers, pp.RequireSymbols} {
			if !kit.Falsy(v) {
				classes++
			}
		}
		if classes == 0 {
			weak = append(weak, "no required character class")
		}
		if len(weak) == 0 {
			continue
		}
		p.Report(rule.Finding{
			Resource: u.ID, File: pos.File, Line: pos.Line,
			Message: fmt.Sprintf("user pool %s accepts weak passwords: %s", u.ID, strings.Join(weak, " and ")),
		})
	}
	return nil
}
