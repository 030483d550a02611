// Package nl3020 is rule NL3020: MFA condition that callers without MFA
// satisfy.
//
// It reports statements whose MFA condition reads as "MFA required" but
// lets requests signed with long-term access keys through: an Allow with
// BoolIfExists aws:MultiFactorAuthPresent "true", a Deny with Bool
// aws:MultiFactorAuthPresent "false" (and the aws:MultiFactorAuthAge
// equivalents), in trust, identity and resource policies.
package nl3020

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3020.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3020",
		Title:      "MFA condition that callers without MFA satisfy",
		Category:   rule.IAM,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "aws:MultiFactorAuthPresent is absent — not false — from requests signed with long-term access keys (an IAM user's keys, including sts:AssumeRole called with them). An Allow with BoolIfExists aws:MultiFactorAuthPresent \"true\" therefore admits those requests without MFA, and a Deny with Bool aws:MultiFactorAuthPresent \"false\" never stops them; the same holds for aws:MultiFactorAuthAge with and without IfExists. The policy reads as \"MFA required\" and protects nothing against a leaked access key.",
			Bad: `- Effect: Allow
  Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}
  Action: sts:AssumeRole
  Condition:
    BoolIfExists: {aws:MultiFactorAuthPresent: "true"}`,
			Good: `- Effect: Allow
  Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}
  Action: sts:AssumeRole
  Condition:
    Bool: {aws:MultiFactorAuthPresent: "true"}`,
			Remediation: "In an Allow, require MFA with Bool aws:MultiFactorAuthPresent \"true\" (no IfExists); in a Deny, use BoolIfExists aws:MultiFactorAuthPresent \"false\" so that requests without the key are denied too.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	seen := map[model.Pos]bool{}
	for _, d := range kit.PolicyDocs(p.Stack) {
		pol, _ := iam.ParseDoc(d.Doc)
		for _, s := range pol.Statements {
			for _, c := range s.Conditions {
				why := c.MFATrap(s.Effect)
				if why == "" || seen[c.Pos] {
					continue
				}
				seen[c.Pos] = true // a standalone policy attached to several principals: once
				f := rule.Finding{Resource: d.Resource, Message: fmt.Sprintf("%s statement of %s: %s", s.Effect, d.What, why)}
				pos := c.Pos
				if !pos.IsValid() {
					pos = s.Pos
				}
				f.At(pos)
				p.Report(f)
			}
		}
	}
	return nil
}
