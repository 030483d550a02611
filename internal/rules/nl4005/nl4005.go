// Package nl4005 is rule NL4005: SNS topic not encrypted.
//
// It reports SNS topics without server-side encryption (SNS does not encrypt
// by default).
package nl4005

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4005.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4005",
		Title:      "SNS topic not encrypted",
		Category:   rule.Misconfig,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Unlike SQS and DynamoDB, SNS topics are not encrypted at rest unless KmsMasterKeyId is set. Messages held for retries are stored in clear.",
			Bad: `Topic:
  Type: AWS::SNS::Topic`,
			Good: `Topic:
  Type: AWS::SNS::Topic
  Properties:
    KmsMasterKeyId: alias/aws/sns`,
			Remediation: "Set KmsMasterKeyId (alias/aws/sns, or a customer-managed key for classified data).",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, st := range p.Stack.Stores {
		if st.Kind == model.StoreTopic && st.Encryption.Kind == model.EncryptionNone {
			p.Reportf(st.Encryption.Pos, st.ID, "SNS topic %s is not encrypted at rest (SNS does not encrypt unless KmsMasterKeyId is set)", st.ID)
		}
	}
	return nil
}
