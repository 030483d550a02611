// Package nl3008 is rule NL3008: Function can decrypt with every KMS key.
//
// It reports execution roles allowed kms:Decrypt on Resource "*".
package nl3008

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3008.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3008",
		Title:      "Function can decrypt with every KMS key",
		Category:   rule.IAM,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust:     kit.Exposed(rule.Medium),
		Doc: rule.Doc{
			Description: "kms:Decrypt on \"*\" lets the function decrypt anything encrypted with any key whose key policy defers to IAM: other teams' data, encrypted environment variables of other functions, secrets. Limit decryption to the keys the function's data uses.",
			Bad: `- Effect: Allow
  Action: kms:Decrypt
  Resource: "*"`,
			Good: `- Effect: Allow
  Action: kms:Decrypt
  Resource: !GetAtt DataKey.Arn`,
			Remediation: "Name the keys the function needs in Resource, or add a kms:ViaService condition.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.Flags(ctx, p, iam.FlagKMSDecryptAny) {
		if f.Managed || !keep(ctx, p, f) {
			continue
		}
		kit.ReportGrant(p, f, fmt.Sprintf("%s can use kms:Decrypt on every key (Resource \"*\"): it can decrypt data protected by any key that trusts IAM policies", kit.Who(f.Functions)))
	}
	return nil
}

func keep(ctx context.Context, p *rule.Pass, f kit.RoleFlag) bool { return true }
