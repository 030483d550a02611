// Package nl1009 is rule NL1009: Bucket policy allows public access.
//
// It reports bucket policies that allow Principal "*" without a condition
// pinning the caller. CloudFront origin access control (a service principal
// with aws:SourceArn) is not public.
package nl1009

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1009.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1009",
		Title:      "Bucket policy allows public access",
		Category:   rule.AttackSurface,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A bucket policy statement that allows Principal \"*\" without a condition on the caller (aws:SourceArn, aws:SourceVpce, aws:PrincipalOrgID, …) makes the objects readable (or writable) by anyone on the internet, unless the account's public access block overrides it. Serving a site through CloudFront with origin access control uses the cloudfront.amazonaws.com service principal and an aws:SourceArn condition, which is not public.",
			Bad: `Statement:
  - Effect: Allow
    Principal: "*"
    Action: s3:GetObject
    Resource: !Sub "${Site.Arn}/*"`,
			Good: `Statement:
  - Effect: Allow
    Principal: {Service: cloudfront.amazonaws.com}
    Action: s3:GetObject
    Resource: !Sub "${Site.Arn}/*"
    Condition:
      StringEquals: {AWS:SourceArn: !Sub "arn:aws:cloudfront::${AWS::AccountId}:distribution/${Cdn}"}`,
			Remediation: "Serve public content through CloudFront with origin access control, or restrict the statement to known principals or conditions.",
		},
		Run: run,
	}
}

var kinds = map[model.ResourcePolicyKind]bool{model.RPBucket: true}

func noun(model.ResourcePolicyKind) string { return "bucket" }

func run(ctx context.Context, p *rule.Pass) error {
	for _, rp := range p.Stack.ResourcePolicies {
		if !kinds[rp.Kind] {
			continue
		}
		if blocked(p.Stack, rp) {
			continue
		}
		for _, s := range kit.PublicStatements(rp.Doc) {
			target := rp.ID
			if len(rp.Targets) > 0 {
				target = strings.Join(rp.Targets, ", ")
			}
			p.Report(rule.Finding{
				Resource: target,
				File:     kit.PolicyPos(s, rp.Doc).File, Line: kit.PolicyPos(s, rp.Doc).Line,
				Message: fmt.Sprintf("the %s policy %s lets anyone (Principal \"*\", no condition on the caller) %s on %s", noun(rp.Kind), rp.ID, strings.Join(s.ActionStrings(), ", "), target),
			})
		}
	}
	return nil
}

// blocked reports whether every bucket the policy governs has S3 Block
// Public Access settings that neutralise a public policy: BlockPublicPolicy
// (S3 refuses the policy) or RestrictPublicBuckets (only AWS services and
// the owner account may use it).
func blocked(st *model.Stack, rp *model.ResourcePolicy) bool {
	if len(rp.Targets) == 0 {
		return false
	}
	for _, id := range rp.Targets {
		b := st.Store(id)
		if b == nil || !(kit.Truthy(b.Attr(model.AttrBlockPublicPolicy)) || kit.Truthy(b.Attr(model.AttrRestrictPublicBuckets))) {
			return false
		}
	}
	return true
}
