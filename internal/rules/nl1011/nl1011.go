// Package nl1011 is rule NL1011: Secret or key policy allows anyone.
//
// It reports Secrets Manager resource policies and KMS key policies that
// allow Principal "*" without a condition pinning the caller.
package nl1011

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1011.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1011",
		Title:      "Secret or key policy allows anyone",
		Category:   rule.AttackSurface,
		Severity:   rule.Critical,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A secret's resource policy or a KMS key policy that allows Principal \"*\" without a condition makes the secret readable, or the key usable, by any AWS account. For keys, the usual pattern is to trust the account root and let IAM policies decide.",
			Bad: `KeyPolicy:
  Statement:
    - Effect: Allow
      Principal: "*"
      Action: kms:*
      Resource: "*"`,
			Good: `KeyPolicy:
  Statement:
    - Effect: Allow
      Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}
      Action: kms:*
      Resource: "*"`,
			Remediation: "Trust the account root (and let IAM policies grant use) or name the roles that need the secret or key; never Principal \"*\" without conditions.",
		},
		Run: run,
	}
}

var kinds = map[model.ResourcePolicyKind]bool{model.RPSecret: true, model.RPKey: true}

func noun(k model.ResourcePolicyKind) string {
	if k == model.RPKey {
		return "key"
	}
	return "secret"
}

func run(ctx context.Context, p *rule.Pass) error {
	kit.ReportPublicPolicies(p, kinds, noun)
	return nil
}
