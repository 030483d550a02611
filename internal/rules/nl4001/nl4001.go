// Package nl4001 is rule NL4001: Data store not encrypted at rest.
//
// It reports queues, tables, buckets, streams, caches and databases whose
// encryption at rest is turned off. SNS topics and SSM parameters have their
// own rules (NL4005, NL4108).
package nl4001

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4001.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4001",
		Title:      "Data store not encrypted at rest",
		Category:   rule.Misconfig,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Most AWS data stores encrypt at rest by default, but some can be switched off (SqsManagedSseEnabled: false) or are unencrypted unless configured (Kinesis streams, ElastiCache, RDS without StorageEncrypted). Unencrypted data is readable from backups, snapshots and underlying storage, and fails most compliance baselines.",
			Bad: `Queue:
  Type: AWS::SQS::Queue
  Properties:
    SqsManagedSseEnabled: false`,
			Good: `Queue:
  Type: AWS::SQS::Queue
  Properties:
    KmsMasterKeyId: !Ref QueueKey`,
			Remediation: "Turn encryption at rest on (the service default key at least; a customer-managed KMS key for classified data).",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, st := range p.Stack.Stores {
		if st.Encryption.Kind != model.EncryptionNone || skip[st.Kind] {
			continue
		}
		p.Reportf(st.Encryption.Pos, st.ID, "%s %s is not encrypted at rest", st.Kind, st.ID)
	}
	return nil
}

// skip lists kinds other rules cover or where encryption at rest does not
// apply.
var skip = map[model.StoreKind]bool{model.StoreTopic: true, model.StoreParameter: true, model.StoreLogGroup: true, model.StoreOther: true, model.StoreEventBus: true, model.StoreStateMachine: true, model.StoreUserPool: true}
