// Package nl4003 is rule NL4003: Bucket ACL grants public access.
//
// It reports buckets whose canned ACL is public-read, public-read-write or
// authenticated-read. An ACL that S3 Block Public Access ignores
// (IgnorePublicAcls) or refuses (BlockPublicAcls) is reported at low
// severity as blocked.
package nl4003

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
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
			Description: "A public canned ACL (PublicRead, PublicReadWrite, AuthenticatedRead) lets anyone — or any AWS account — list and read (or write) the bucket. ACLs are a legacy mechanism; AWS recommends disabling them with Object Ownership \"BucketOwnerEnforced\". When the bucket's or the account's Block Public Access ignores public ACLs (IgnorePublicAcls) or refuses them (BlockPublicAcls), the finding says so and is low.",
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
			what := "anyone can read"
			if acl.String() == model.ACLAuthenticatedRead {
				what = "any AWS account can read"
			}
			if acl.String() == model.ACLPublicReadWrite {
				what += " and write"
			}
			f := rule.Finding{Resource: st.ID, Message: fmt.Sprintf("bucket %s has the public ACL %s: %s its objects", st.ID, acl.String(), what)}
			f.At(acl.PosOr(st.Pos))
			if v := st.Attr(model.AttrIgnorePublicACLs); kit.Truthy(v) {
				f.Severity = rule.Low
				f.Message = fmt.Sprintf("bucket %s has the public ACL %s but Block Public Access ignores it (IgnorePublicAcls, line %d): S3 does not honour public ACLs on it; it becomes public if that setting is turned off", st.ID, acl.String(), v.PosOr(st.Pos).Line)
			} else if v := st.Attr(model.AttrBlockPublicACLs); kit.Truthy(v) {
				f.Severity = rule.Low
				f.Message = fmt.Sprintf("bucket %s has the public ACL %s but Block Public Access blocks it (BlockPublicAcls, line %d): S3 refuses to set a public ACL, so the deployment fails", st.ID, acl.String(), v.PosOr(st.Pos).Line)
			}
			p.Report(f)
		}
	}
	return nil
}
