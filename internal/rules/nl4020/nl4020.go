// Package nl4020 is rule NL4020: Bucket serves a public website.
//
// It reports buckets with static website hosting turned on: the website
// endpoint is plain HTTP and requires the bucket to be public.
package nl4020

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4020.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4020",
		Title:      "Bucket serves a public website",
		Category:   rule.Misconfig,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceMedium,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "S3 static website hosting serves objects over plain HTTP from a public bucket. CloudFront with origin access control serves the same content over HTTPS from a private bucket, with caching and WAF.",
			Bad: `Site:
  Type: AWS::S3::Bucket
  Properties:
    WebsiteConfiguration: {IndexDocument: index.html}`,
			Good:        `# private bucket + AWS::CloudFront::Distribution with OriginAccessControlId`,
			Remediation: "Serve the site through CloudFront with origin access control and keep the bucket private.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, st := range p.Stack.Stores {
		if v := st.Attr(model.AttrWebsite); st.Kind == model.StoreBucket && v.IsSet() {
			p.Reportf(v.PosOr(st.Pos), st.ID, "bucket %s hosts a static website: the endpoint is plain HTTP and needs the bucket to be public", st.ID)
		}
	}
	return nil
}
