// Package nl4007 is rule NL4007: Stream trigger without an on-failure destination.
//
// It reports Kinesis and DynamoDB stream event source mappings without an
// on-failure destination.
package nl4007

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4007.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4007",
		Title:      "Stream trigger without an on-failure destination",
		Category:   rule.Misconfig,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A failing batch from a Kinesis or DynamoDB stream is retried until the records expire (24 hours to a year), blocking the shard the whole time; then the records are dropped. An on-failure destination (with MaximumRetryAttempts and BisectBatchOnFunctionError) keeps the stream moving and keeps the failed records.",
			Bad: `Mapping:
  Type: AWS::Lambda::EventSourceMapping
  Properties:
    EventSourceArn: !GetAtt Orders.StreamArn`,
			Good: `Mapping:
  Type: AWS::Lambda::EventSourceMapping
  Properties:
    EventSourceArn: !GetAtt Orders.StreamArn
    MaximumRetryAttempts: 5
    DestinationConfig: {OnFailure: {Destination: !GetAtt Failed.Arn}}`,
			Remediation: "Set DestinationConfig.OnFailure (an SQS queue or SNS topic), MaximumRetryAttempts and BisectBatchOnFunctionError on the mapping.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, tr := range p.Stack.Triggers {
		if (tr.Kind != model.TriggerKinesis && tr.Kind != model.TriggerDynamoDB) || tr.OnFailure.IsSet() {
			continue
		}
		src := tr.Source
		if src == "" {
			src = tr.SourceValue.String()
		}
		p.Reportf(tr.Pos, tr.ID, "%s stream trigger of %s from %s has no on-failure destination: a failing batch blocks the shard until its records expire, then they are lost", tr.Kind, tr.Function, src)
	}
	return nil
}
