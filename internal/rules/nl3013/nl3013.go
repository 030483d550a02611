// Package nl3013 is rule NL3013: Role trusts too broadly.
//
// It reports roles whose trust policy lets any AWS principal, or every
// principal of another account, assume them with no condition that keeps
// outsiders out (aws:PrincipalOrgID, aws:PrincipalArn, aws:SourceIp, an
// sts:ExternalId for a third-party account…). Conditions the caller
// chooses (its own tags, session name, whether it used MFA in its own
// account) do not count.
package nl3013

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3013.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:       "NL3013",
		Title:    "Role trusts too broadly",
		Category: rule.IAM,
		Severity: rule.Critical,
		Adjust: []rule.Adjustment{
			{Severity: rule.High, When: "the role only reads, or an external ID is the only condition"},
			{Severity: rule.Medium, When: "the trusted account is one named foreign account"},
		},
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A trust policy decides who can become the role. Principal \"*\" (or {\"AWS\": \"*\"}, or an Allow with NotPrincipal) without a condition that keeps outsiders out lets any principal of any AWS account assume it: critical when the role can write or escalate, high when it can only read. An sts:ExternalId alone does not close such a trust (the ID is not a secret): high. Conditions the caller chooses do not close it either: its own tags, its session name, aws:MultiFactorAuthPresent (the caller signs in with MFA in its own account). A whole other account (its root or ID) without sts:ExternalId or an organization condition is medium: every principal that account allows can become the role, and if the account is a third party's, any of its customers can make it do so (the confused deputy). The app's own account and specific role or user ARNs are not reported; nor are service principals (the way in is iam:PassRole).",
			Bad: `AssumeRolePolicyDocument:
  Statement:
    - Effect: Allow
      Principal: {AWS: "*"}
      Action: sts:AssumeRole`,
			Good: `AssumeRolePolicyDocument:
  Statement:
    - Effect: Allow
      Principal: {AWS: "arn:aws:iam::999988887777:root"}
      Action: sts:AssumeRole
      Condition:
        StringEquals: {sts:ExternalId: partner-7f3a}`,
			Remediation: "Trust only the specific role ARNs that need the role; for another account add an aws:PrincipalOrgID condition (your organization) or an sts:ExternalId (a third party); never trust \"*\" without aws:PrincipalOrgID or aws:PrincipalArn.",
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
			if g.Kind != iam.TrustAnyone && g.Kind != iam.TrustAccount {
				continue
			}
			if !g.Open && !(g.ExternalID && g.Kind == iam.TrustAnyone) {
				continue
			}
			if an == nil {
				an = p.Facts.IAM(ctx)
			}
			report(p, an, r, g)
		}
	}
	return nil
}

func report(p *rule.Pass, an *iam.Analysis, r *model.Role, g iam.TrustGrant) {
	var a *iam.Actor
	if an != nil {
		a = an.Principal(iam.RolePrincipal, r.ID)
	}
	power, strong := kit.RolePower(a)
	f := rule.Finding{Resource: r.ID, Path: []graph.NodeID{graph.ID(p.Stack.ID, graph.NodeRole, r.ID)}}
	f.At(g.Pos)
	who := "any principal of any AWS account"
	if g.Principal == "NotPrincipal" {
		who += " (an Allow with NotPrincipal)"
	}
	switch {
	case g.Kind == iam.TrustAccount:
		f.Severity, f.Confidence = rule.Medium, rule.ConfidenceMedium
		f.Message = fmt.Sprintf("role %s can be assumed by every principal of account %s that its administrators allow, with no sts:ExternalId or aws:PrincipalOrgID condition; if %s is a third party's account, any of its customers can make it act on this role (confused deputy)%s", r.ID, g.Account, g.Account, power)
	case g.ExternalID:
		f.Severity = rule.High
		f.Message = fmt.Sprintf("role %s can be assumed by %s that knows the external ID: the only condition is %s, and an external ID is not a secret%s", r.ID, who, strings.Join(g.Guards, ", "), power)
	default:
		f.Severity = rule.High
		if strong {
			f.Severity = rule.Critical
		}
		extra := ""
		if g.MFA {
			extra = " (aws:MultiFactorAuthPresent only asks the caller to use MFA in its own account)"
		}
		f.Message = fmt.Sprintf("role %s can be assumed by %s: no condition keeps outsiders out%s%s", r.ID, who, extra, power)
	}
	p.Report(f)
}
