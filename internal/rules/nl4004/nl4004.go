// Package nl4004 is rule NL4004: Bucket public access block turned off.
//
// It reports buckets whose public access block explicitly turns off one of
// its four protections. New buckets block public access by default, so a
// bucket without the setting is not reported.
package nl4004

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL4004.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:       "NL4004",
		Title:    "Bucket public access block turned off",
		Category: rule.Misconfig,
		Severity: rule.Medium,
		Adjust: []rule.Adjustment{
			{Severity: rule.Low, When: "IgnorePublicAcls and RestrictPublicBuckets still neutralise public ACLs and policies"},
		},
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
		if len(off) == 0 {
			continue
		}
		// BlockPublicAcls/BlockPublicPolicy refuse new public grants;
		// IgnorePublicAcls/RestrictPublicBuckets neutralise existing ones.
		var open []string
		if kit.Falsy(st.Attr(model.AttrIgnorePublicACLs)) {
			open = append(open, "a public ACL")
		}
		if kit.Falsy(st.Attr(model.AttrRestrictPublicBuckets)) {
			open = append(open, "a public bucket policy")
		}
		f := rule.Finding{Resource: st.ID}
		if len(open) == 0 {
			f.Severity = rule.Low
			f.Message = fmt.Sprintf("bucket %s turns off part of its public access block (%s): public ACLs or policies can be written, but IgnorePublicAcls and RestrictPublicBuckets still keep them from taking effect", st.ID, strings.Join(off, ", "))
		} else {
			f.Message = fmt.Sprintf("bucket %s turns off its public access block (%s): %s would take effect (unless the account's public access block stops it)", st.ID, strings.Join(off, ", "), strings.Join(open, " or "))
		}
		f.At(pos)
		p.Report(f)
	}
	return nil
}
