// Package nl4022 is rule NL4022: Classified bucket without versioning.
//
// It reports S3 buckets tagged with a data classification whose versioning
// is not enabled.
package nl4022

import (
	"context"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL4022.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4022",
		Title:      "Classified bucket without versioning",
		Category:   rule.Misconfig,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Without versioning, an overwritten or deleted object is gone: a compromised function with s3:PutObject can destroy classified data silently. Versioning (with a lifecycle rule for old versions) keeps it recoverable. Unclassified buckets are not reported.",
			Bad: `Records:
  Type: AWS::S3::Bucket
  Properties:
    Tags: [{Key: DataClassification, Value: pii}]`,
			Good: `Records:
  Type: AWS::S3::Bucket
  Properties:
    VersioningConfiguration: {Status: Enabled}`,
			Remediation: "Enable VersioningConfiguration (Status: Enabled) and add a lifecycle rule that expires noncurrent versions.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, st := range p.Stack.Stores {
		if st.Kind != model.StoreBucket || st.Classification == "" {
			continue
		}
		v := st.Attr(model.AttrVersioning)
		if strings.EqualFold(v.String(), "Enabled") || kit.Truthy(v) || (v.IsSet() && !v.IsResolved()) {
			continue
		}
		p.Reportf(v.PosOr(st.Pos), st.ID, "bucket %s holds %s data without versioning: an overwrite or delete cannot be undone", st.ID, st.Classification)
	}
	return nil
}
