// Package nl1023 is rule NL1023: Identity pool allows the classic
// authentication flow.
//
// It reports Cognito identity pools with AllowClassicFlow: the basic
// (classic) flow lets a client take an OpenID token from the pool and call
// sts:AssumeRoleWithWebIdentity itself, for any role whose trust policy
// names the pool, without the enhanced flow's session policy.
package nl1023

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1023.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1023",
		Title:      "Identity pool allows the classic authentication flow",
		Category:   rule.AttackSurface,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "In the classic (basic) flow the client gets an OpenID token from the identity pool and calls sts:AssumeRoleWithWebIdentity itself. The client chooses the role: any role whose trust policy admits cognito-identity.amazonaws.com for this pool, not only the one the pool's role mapping would pick, and the enhanced flow's scope-down session policy (which removes services such as IAM and STS from unauthenticated credentials) does not apply.",
			Bad: `IdentityPool:
  Type: AWS::Cognito::IdentityPool
  Properties:
    AllowClassicFlow: true`,
			Good: `IdentityPool:
  Type: AWS::Cognito::IdentityPool
  Properties:
    AllowClassicFlow: false`,
			Remediation: "Set AllowClassicFlow (allow_classic_flow) to false and use the enhanced flow (GetCredentialsForIdentity).",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, ip := range p.Stack.IdentityPools {
		if !kit.Truthy(ip.AllowClassicFlow) {
			continue
		}
		pos := ip.AllowClassicFlow.PosOr(ip.Pos)
		p.Report(rule.Finding{
			Resource: ip.ID, File: pos.File, Line: pos.Line,
			Message: fmt.Sprintf("identity pool %s allows the classic flow: clients assume roles themselves, choosing any role that trusts the pool, without the enhanced flow's session policy", ip.ID),
		})
	}
	return nil
}
