// Package nl4026 is rule NL4026: Identity pool accepts revoked user pool
// tokens.
//
// It reports identity pool providers with ServerSideTokenCheck off: the
// identity pool then exchanges a user pool token for AWS credentials
// without asking the user pool whether the user signed out, was disabled or
// had their tokens revoked.
package nl4026

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL4026.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4026",
		Title:      "Identity pool accepts revoked user pool tokens",
		Category:   rule.Misconfig,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Without ServerSideTokenCheck, an identity pool checks only the signature and expiry of a user pool ID token. A user you disabled, or whose session you revoked with GlobalSignOut or AdminUserGlobalSignOut, keeps getting AWS credentials until the token expires (up to a day). The check is off by default.",
			Bad: `CognitoIdentityProviders:
  - ClientId: !Ref Client
    ProviderName: !GetAtt UserPool.ProviderName`,
			Good: `CognitoIdentityProviders:
  - ClientId: !Ref Client
    ProviderName: !GetAtt UserPool.ProviderName
    ServerSideTokenCheck: true`,
			Remediation: "Set ServerSideTokenCheck (server_side_token_check) to true on each user pool provider of the identity pool.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, ip := range p.Stack.IdentityPools {
		for _, pr := range ip.Providers {
			if kit.Truthy(pr.ServerSideTokenCheck) || pr.ServerSideTokenCheck.IsSet() && !pr.ServerSideTokenCheck.IsResolved() {
				continue
			}
			pool := "its user pool"
			if pr.Pool != "" {
				pool = "user pool " + pr.Pool
			}
			pos := pr.ServerSideTokenCheck.PosOr(pr.Pos)
			p.Report(rule.Finding{
				Resource: ip.ID, File: pos.File, Line: pos.Line,
				Message: fmt.Sprintf("identity pool %s does not check tokens of %s server-side: disabled or signed-out users keep getting AWS credentials until their token expires", ip.ID, pool),
			})
		}
	}
	return nil
}
