// Package nl7009 is rule NL7009: Object written to S3 with a public ACL.
//
// It reports flows that internal/code found in the handler source.
package nl7009

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/codekit"
)

// Rule returns NL7009.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL7009",
		Title:      "Object written to S3 with a public ACL",
		Platforms:  []model.Provider{model.AWS},
		Category:   rule.Code,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Doc: rule.Doc{
			Description: "The handler writes S3 objects with a public canned ACL (public-read, public-read-write, authenticated-read): each object is readable by anyone on the internet (unless the account blocks public ACLs), whatever the bucket's own settings in the template say.",
			Bad:         `s3.put_object(Bucket=BUCKET, Key=key, Body=data, ACL="public-read")`,
			Good:        `s3.put_object(Bucket=BUCKET, Key=key, Body=data)  # serve through CloudFront or presigned URLs`,
			Remediation: "Drop the ACL (and keep the bucket's public access block on); share objects with presigned URLs or CloudFront with origin access control.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	codekit.ReportFlows(p, model.FlowPublicWrite, nil, func(fn *model.Function, f *model.Flow) string {
		return fmt.Sprintf("function %s writes objects with %s: %s", fn.ID, "the canned "+f.Source, f.Sink)
	})
	return nil
}
