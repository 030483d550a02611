// Package nl1022 is rule NL1022: Identity pool gives AWS credentials to
// anyone.
//
// It reports Cognito identity pools with unauthenticated identities
// enabled: anyone on the internet can call GetId and GetCredentialsForIdentity
// and receive credentials of the unauthenticated role.
package nl1022

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1022.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1022",
		Title:      "Identity pool gives AWS credentials to anyone",
		Category:   rule.AttackSurface,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "With AllowUnauthenticatedIdentities, a Cognito identity pool hands temporary AWS credentials of its unauthenticated role to anyone who knows the pool ID, which ships inside every web and mobile client. Whatever that role allows is allowed to the whole internet, signed with real AWS credentials that bypass API Gateway, its throttling and its authorizers. Guest access is sometimes intended (analytics, public maps); then the role must grant only that.",
			Bad: `IdentityPool:
  Type: AWS::Cognito::IdentityPool
  Properties:
    AllowUnauthenticatedIdentities: true`,
			Good: `IdentityPool:
  Type: AWS::Cognito::IdentityPool
  Properties:
    AllowUnauthenticatedIdentities: false`,
			Remediation: "Turn unauthenticated identities off unless guests need AWS access; if they do, grant the unauthenticated role only the few actions guests need, on named resources, and review it as a public entry point.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, ip := range p.Stack.IdentityPools {
		if !kit.Truthy(ip.AllowUnauthenticated) {
			continue
		}
		role := "its unauthenticated role"
		if ip.UnauthenticatedRole != "" {
			role = "role " + ip.UnauthenticatedRole
		}
		pos := ip.AllowUnauthenticated.PosOr(ip.Pos)
		var path []graph.NodeID
		if ip.UnauthenticatedRole != "" {
			path = []graph.NodeID{kit.RoleNode(p, ip.UnauthenticatedRole)}
		}
		p.Report(rule.Finding{
			Resource: ip.ID, File: pos.File, Line: pos.Line, Path: path,
			Message: fmt.Sprintf("identity pool %s allows unauthenticated identities: anyone who knows the pool ID gets AWS credentials of %s", ip.ID, role),
		})
	}
	return nil
}
