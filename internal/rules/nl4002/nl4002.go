// Package nl4002 is rule NL4002: Classified data without a customer-managed key.
//
// It reports stores tagged with a data classification that are encrypted
// only with an AWS-owned or AWS-managed key. Unclassified stores are not
// reported: the default key is fine for them.
package nl4002

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4002.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4002",
		Title:      "Classified data without a customer-managed key",
		Category:   rule.Misconfig,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A store tagged as holding classified data (DataClassification: confidential, pii, …) encrypted with an AWS-owned or AWS-managed key cannot have its key access restricted, audited per use in CloudTrail or revoked. Customer-managed KMS keys give that control. Stores without a classification are not reported, so this rule does not flag every default-encrypted table.",
			Bad: `Orders:
  Type: AWS::DynamoDB::Table
  Properties:
    Tags: [{Key: DataClassification, Value: confidential}]`,
			Good: `Orders:
  Type: AWS::DynamoDB::Table
  Properties:
    SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: !Ref DataKey}
    Tags: [{Key: DataClassification, Value: confidential}]`,
			Remediation: "Encrypt the store with a customer-managed KMS key whose key policy names the roles that may use it.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, st := range p.Stack.Stores {
		if st.Classification == "" {
			continue
		}
		switch st.Encryption.Kind {
		case model.EncryptionAWSOwned, model.EncryptionAWSManaged:
			p.Reportf(st.Encryption.Pos, st.ID, "%s %s holds %s data but is encrypted with an %s key, which you cannot restrict, audit per use or revoke", st.Kind, st.ID, st.Classification, st.Encryption.Kind)
		}
	}
	return nil
}
