// Package nl4003 is rule NL4003: Bucket ACL grants public access.
//
// It reports buckets whose canned ACL is public-read, public-read-write or
// authenticated-read.
package nl4003

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4003.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4003",
		Title:      "Bucket ACL grants public access",
		Category:   rule.Misconfig,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A public canned ACL (PublicRead, PublicReadWrite, AuthenticatedRead) lets anyone — or any AWS account — list and read (or write) the bucket. ACLs are a legacy mechanism; AWS recommends disabling them with Object Ownership \"BucketOwnerEnforced\".",
			Bad: `Bucket:
  Type: AWS::S3::Bucket
  Properties:
    AccessControl: PublicRead`,
			Good: `Bucket:
  Type: AWS::S3::Bucket
  Properties:
    OwnershipControls:
      Rules: [{ObjectOwnership: BucketOwnerEnforced}]`,
			Remediation: "Remove the public ACL and disable ACLs (ObjectOwnership: BucketOwnerEnforced); serve public content through CloudFront.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, st := range p.Stack.Stores {
		acl := st.Attr(model.AttrACL)
		if st.Kind != model.StoreBucket || acl == nil {
			continue
		}
		switch acl.String() {
		case model.ACLPublicRead, model.ACLPublicReadWrite, model.ACLAuthenticatedRead:
			p.Reportf(acl.PosOr(st.Pos), st.ID, "bucket %s has the public ACL %s: anyone can read%s its objects", st.ID, acl.String(), map[bool]string{true: " and write", false: ""}[acl.String() == model.ACLPublicReadWrite])
		}
	}
	return nil
}
