// Package nl1009 is rule NL1009: Bucket policy allows public access.
//
// It reports bucket policies that allow Principal "*" without a condition
// pinning the caller. CloudFront origin access control (a service principal
// with aws:SourceArn) is not public. A public policy that S3 Block Public
// Access neutralises (BlockPublicPolicy or RestrictPublicBuckets, on the
// bucket or the account) is reported at low severity as blocked.
package nl1009

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
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
		Adjust: []rule.Adjustment{
			{Severity: rule.Low, When: "when S3 Block Public Access neutralises the policy (BlockPublicPolicy or RestrictPublicBuckets on every bucket it governs)"},
			{Severity: rule.Medium, When: "when the statement only reads objects (s3:GetObject, s3:GetObjectVersion) of buckets that host a static website: public reads are their purpose, and everything stored in them is published"},
		},
		Doc: rule.Doc{
			Description: "A bucket policy statement that allows Principal \"*\" without a condition on the caller (aws:SourceArn, aws:SourceVpce, aws:PrincipalOrgID, …) makes the objects readable (or writable) by anyone on the internet. When the bucket's or the account's Block Public Access settings neutralise the policy (BlockPublicPolicy: S3 refuses it; RestrictPublicBuckets: only AWS services and the owner account may use it), the finding says it is blocked and is low: one setting change away from public. Serving a site through CloudFront with origin access control uses the cloudfront.amazonaws.com service principal and an aws:SourceArn condition, which is not public.",
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
		block := blockedBy(p.Stack, rp)
		for _, s := range kit.PublicStatements(rp.Doc) {
			target := rp.ID
			if len(rp.Targets) > 0 {
				target = strings.Join(rp.Targets, ", ")
			}
			f := rule.Finding{
				Resource: target,
				File:     kit.PolicyPos(s, rp.Doc).File, Line: kit.PolicyPos(s, rp.Doc).Line,
				Message: fmt.Sprintf("the %s policy %s lets anyone (Principal \"*\", no condition on the caller) %s on %s", noun(rp.Kind), rp.ID, strings.Join(s.ActionStrings(), ", "), target),
			}
			if site := website(p.Stack, rp, s); site != "" && block == "" {
				f.Severity = rule.Medium
				f.Message += fmt.Sprintf(" (severity lowered from %s: %s, so public reads are its purpose; everything stored in it is published)", p.Rule.Severity, site)
			}
			if block != "" {
				f.Severity = rule.Low
				f.Message = fmt.Sprintf("the %s policy %s is public (Principal \"*\", no condition on the caller, %s on %s) but blocked by Block Public Access: %s; it becomes public if that setting is turned off", noun(rp.Kind), rp.ID, strings.Join(s.ActionStrings(), ", "), target, block)
			}
			p.Report(f)
		}
	}
	return nil
}

// blockedBy says how S3 Block Public Access settings neutralise a public
// policy on every bucket it governs ("" when some bucket is not
// protected): BlockPublicPolicy makes S3 refuse the policy,
// RestrictPublicBuckets lets only AWS services and the bucket owner's
// account use it. Settings come from the bucket or the account.
func blockedBy(st *model.Stack, rp *model.ResourcePolicy) string {
	if len(rp.Targets) == 0 {
		return ""
	}
	var why []string
	for _, id := range rp.Targets {
		b := st.Store(id)
		if b == nil {
			return ""
		}
		switch bp, rb := b.Attr(model.AttrBlockPublicPolicy), b.Attr(model.AttrRestrictPublicBuckets); {
		case kit.Truthy(bp):
			why = append(why, fmt.Sprintf("BlockPublicPolicy (%s) makes S3 refuse to attach it to %s", at(bp, b), id))
		case kit.Truthy(rb):
			why = append(why, fmt.Sprintf("RestrictPublicBuckets (%s) limits %s to AWS services and the owner account", at(rb, b), id))
		default:
			return ""
		}
	}
	return strings.Join(why, "; ")
}

// website says which buckets governed by rp host a static website, when
// statement s only reads their objects ("" otherwise: another action, or a
// bucket without website hosting).
func website(st *model.Stack, rp *model.ResourcePolicy, s *iam.Statement) string {
	if s.NotAction || len(rp.Targets) == 0 {
		return ""
	}
	for _, a := range s.ActionStrings() {
		switch strings.ToLower(a) {
		case "s3:getobject", "s3:getobjectversion":
		default:
			return ""
		}
	}
	var why []string
	for _, id := range rp.Targets {
		b := st.Store(id)
		if b == nil || b.Attr(model.AttrWebsite) == nil {
			return ""
		}
		why = append(why, fmt.Sprintf("%s hosts a static website (%s)", id, at(b.Attr(model.AttrWebsite), b)))
	}
	return strings.Join(why, "; ")
}

// at renders where a setting is written, relative to the bucket's file.
func at(v *model.Value, b *model.Store) string {
	pos := v.PosOr(b.Pos)
	if pos.File == b.Pos.File || pos.File == "" {
		return fmt.Sprintf("line %d", pos.Line)
	}
	return fmt.Sprintf("%s:%d", filepath.Base(pos.File), pos.Line)
}
