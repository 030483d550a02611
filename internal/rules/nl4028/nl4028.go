// Package nl4028 is rule NL4028: Kafka trigger without an on-failure
// destination.
//
// It reports Amazon MSK and self-managed Kafka event sources without an
// on-failure destination: a record the function cannot process is retried
// until it expires from the topic, and the partition stalls meanwhile.
package nl4028

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4028.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4028",
		Title:      "Kafka trigger without an on-failure destination",
		Category:   rule.Misconfig,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Lambda reads a Kafka partition (Amazon MSK or a self-managed cluster) in order. When a batch fails, it is retried until the records expire from the topic (the topic's retention, often days), and nothing behind it in the partition is processed meanwhile: one poison record stalls the consumer and the records are then dropped without a trace. Kafka event source mappings accept an on-failure destination (SQS, SNS, S3 or another Kafka topic) together with MaximumRetryAttempts.",
			Bad: `Events:
  Orders:
    Type: MSK
    Properties:
      Stream: !Ref Cluster
      Topics: [orders]`,
			Good: `Events:
  Orders:
    Type: MSK
    Properties:
      Stream: !Ref Cluster
      Topics: [orders]
      DestinationConfig:
        OnFailure:
          Destination: !GetAtt OrdersDLQ.Arn`,
			Remediation: "Set DestinationConfig.OnFailure (destination_config.on_failure) on the event source mapping, with MaximumRetryAttempts, so failed records are kept and the partition moves on.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, tr := range p.Stack.Triggers {
		if tr.Kind != model.TriggerKafka || tr.OnFailure.IsSet() {
			continue
		}
		src := tr.Source
		if src == "" {
			src = tr.SourceValue.String()
		}
		if src == "" {
			src = "its Kafka cluster"
		}
		p.Reportf(tr.Pos, tr.ID, "Kafka trigger of %s from %s has no on-failure destination: a record it cannot process stalls the partition until the record expires, then it is lost", tr.Function, src)
	}
	return nil
}
