// Package nl3021 is rule NL3021: Web identity trust without a subject or
// audience condition.
//
// It reports roles that an OpenID Connect or web identity provider may
// assume (sts:AssumeRoleWithWebIdentity) with no condition that pins the
// caller: a GitHub Actions trust without a sub condition naming the
// repository owner, a Cognito identity pool trust without an aud
// condition, a Google/Facebook/Amazon trust without the application ID, an
// EKS cluster trust without the service account.
package nl3021

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3021.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3021",
		Title:      "Web identity trust without a subject or audience condition",
		Category:   rule.IAM,
		Severity:   rule.Critical,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A role trusted by an OpenID Connect provider is assumed with a token of that provider. Some providers give tokens to anyone: every GitHub Actions workflow of every repository gets a token from token.actions.githubusercontent.com (with the audience it asks for), every identity of every Amazon Cognito identity pool one from cognito-identity.amazonaws.com, every Google, Facebook or Amazon application its users' tokens. Without a condition that pins the caller — the sub claim naming your GitHub organization (\"repo:acme/*\"; \"repo:acme*\" also matches \"acme-evil\"), the identity pool in cognito-identity.amazonaws.com:aud, the application ID — anyone can become the role: critical when the role can write or escalate, high when it only reads. An aud condition on GitHub's sts.amazonaws.com pins nothing. A provider of one tenant (an EKS cluster, a company's identity provider) without a sub condition lets every workload or user of it in: medium.",
			Bad: `Principal:
  Federated: !Sub arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com
Action: sts:AssumeRoleWithWebIdentity
Condition:
  StringEquals: {token.actions.githubusercontent.com:aud: sts.amazonaws.com}`,
			Good: `Principal:
  Federated: !Sub arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com
Action: sts:AssumeRoleWithWebIdentity
Condition:
  StringEquals: {token.actions.githubusercontent.com:aud: sts.amazonaws.com}
  StringLike: {token.actions.githubusercontent.com:sub: "repo:acme/api:ref:refs/heads/main"}`,
			Remediation: "Add a condition on the subject: for GitHub, StringLike token.actions.githubusercontent.com:sub \"repo:OWNER/REPO:ref:refs/heads/BRANCH\" (or an environment); for Cognito, StringEquals cognito-identity.amazonaws.com:aud with the identity pool ID; for Google, Facebook and Amazon, the application ID; for EKS, the service account in ISSUER:sub.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	var an *iam.Analysis
	for _, r := range p.Stack.Roles {
		if r.External || !r.Trust.Known() {
			continue
		}
		gs, _ := iam.TrustGrants(r.Trust)
		for _, g := range gs {
			if g.Kind != iam.TrustWebIdentity || !g.Open {
				continue
			}
			if an == nil {
				an = p.Facts.IAM(ctx)
			}
			var a *iam.Actor
			if an != nil {
				a = an.Principal(iam.RolePrincipal, r.ID)
			}
			power, strong := kit.RolePower(a)
			f := rule.Finding{Resource: r.ID, Path: []graph.NodeID{graph.ID(p.Stack.ID, graph.NodeRole, r.ID)}}
			f.At(g.Pos)
			switch {
			case !iam.MultiTenantIssuer(g.Provider):
				f.Severity = rule.Medium
			case strong:
				f.Severity = rule.Critical
			default:
				f.Severity = rule.High
			}
			f.Message = fmt.Sprintf("role %s trusts %s with no condition on %s:%s that pins the caller: %s can assume it%s", r.ID, g.Provider, g.Provider, g.Missing, g.Audience, power)
			p.Report(f)
		}
	}
	return nil
}
