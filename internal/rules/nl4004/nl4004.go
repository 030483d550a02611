// Package nl4004 is rule NL4004: Bucket public access block turned off.
//
// It reports buckets whose public access block explicitly turns off one of
// its four protections. New buckets block public access by default, so a
// bucket without the setting is not reported.
package nl4004

import (
	"context"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL4004.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4004",
		Title:      "Bucket public access block turned off",
		Category:   rule.Misconfig,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Since April 2023 new buckets block public access by default. A template that sets BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls or RestrictPublicBuckets to false removes that safety net, so a later ACL or bucket policy mistake makes the data public.",
			Bad: `PublicAccessBlockConfiguration:
  BlockPublicAcls: false
  BlockPublicPolicy: false`,
			Good: `PublicAccessBlockConfiguration:
  BlockPublicAcls: true
  BlockPublicPolicy: true
  IgnorePublicAcls: true
  RestrictPublicBuckets: true`,
			Remediation: "Set all four public access block settings to true; publish content through CloudFront with origin access control instead.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	keys := []struct{ attr, name string }{
		{model.AttrBlockPublicACLs, "BlockPublicAcls"}, {model.AttrBlockPublicPolicy, "BlockPublicPolicy"},
		{model.AttrIgnorePublicACLs, "IgnorePublicAcls"}, {model.AttrRestrictPublicBuckets, "RestrictPublicBuckets"},
	}
	for _, st := range p.Stack.Stores {
		if st.Kind != model.StoreBucket {
			continue
		}
		var off []string
		var pos model.Pos
		for _, k := range keys {
			if v := st.Attr(k.attr); kit.Falsy(v) {
				if !pos.IsValid() {
					pos = v.Pos
				}
				off = append(off, k.name)
			}
		}
		if len(off) > 0 {
			p.Reportf(pos, st.ID, "bucket %s turns off its public access block (%s): a public ACL or policy would take effect", st.ID, strings.Join(off, ", "))
		}
	}
	return nil
}
