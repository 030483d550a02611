// Package nl4021 is rule NL4021: Classified table without point-in-time recovery.
//
// It reports DynamoDB tables tagged with a data classification that do not
// enable point-in-time recovery.
package nl4021

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL4021.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4021",
		Title:      "Classified table without point-in-time recovery",
		Category:   rule.Misconfig,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Point-in-time recovery lets you restore a table to any second of the last 35 days after a bad deployment, a buggy batch job or a malicious delete. Tables holding classified data should have it; unclassified tables are not reported.",
			Bad: `Orders:
  Type: AWS::DynamoDB::Table
  Properties:
    Tags: [{Key: DataClassification, Value: pii}]`,
			Good: `Orders:
  Type: AWS::DynamoDB::Table
  Properties:
    PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}`,
			Remediation: "Enable PointInTimeRecoverySpecification on the table.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, st := range p.Stack.Stores {
		if st.Kind != model.StoreTable || st.Classification == "" || kit.Truthy(st.Attr(model.AttrPointInTimeRecovery)) {
			continue
		}
		p.Reportf(st.Attr(model.AttrPointInTimeRecovery).PosOr(st.Pos), st.ID, "table %s holds %s data but has no point-in-time recovery: a bad write or delete cannot be undone", st.ID, st.Classification)
	}
	return nil
}
