// Package nl4025 is rule NL4025: User pool without MFA.
//
// It reports Cognito user pools whose MFA configuration is OFF (the
// default) when the pool matters to the app: an API authorizer of the
// stack accepts its tokens or an identity pool trusts it.
package nl4025

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL4025.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4025",
		Title:      "User pool without MFA",
		Category:   rule.Misconfig,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "With MfaConfiguration OFF (the default), a stolen or guessed password is all it takes to sign in as a user of the pool. The rule reports pools whose tokens an API authorizer of the stack accepts or that an identity pool trusts; pools nothing in the stack relies on are left alone.",
			Bad: `UserPool:
  Type: AWS::Cognito::UserPool
  Properties:
    MfaConfiguration: "OFF"`,
			Good: `UserPool:
  Type: AWS::Cognito::UserPool
  Properties:
    MfaConfiguration: OPTIONAL
    EnabledMfas: [SOFTWARE_TOKEN_MFA]`,
			Remediation: "Set MfaConfiguration (mfa_configuration) to ON, or OPTIONAL with software tokens, and require MFA for privileged users.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, u := range p.Stack.UserPools {
		if u.MFA.IsSet() && (!u.MFA.IsResolved() || !strings.EqualFold(u.MFA.String(), "OFF")) {
			continue
		}
		if len(kit.PoolRoutes(p.Stack, u.ID)) == 0 && len(kit.PoolIdentityPools(p.Stack, u.ID)) == 0 {
			continue
		}
		pos := u.MFA.PosOr(u.Pos)
		how := "MFA is off by default"
		if u.MFA.IsSet() {
			how = "MFA is OFF"
		}
		p.Report(rule.Finding{
			Resource: u.ID, File: pos.File, Line: pos.Line,
			Message: fmt.Sprintf("user pool %s guards the app but %s: a stolen password is enough to sign in", u.ID, how),
		})
	}
	return nil
}
