// Package nl1025 is rule NL1025: S3 notification policy without
// SourceAccount.
//
// It reports queue and topic policies that let s3.amazonaws.com send
// messages without an aws:SourceAccount condition. Bucket ARNs carry no
// account ID: an aws:SourceArn condition alone names a bucket that anyone
// can create in their own account once yours is deleted (or under a name
// you never created).
package nl1025

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1025.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1025",
		Title:      "S3 notification policy without SourceAccount",
		Category:   rule.AttackSurface,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A queue or topic policy that lets s3.amazonaws.com send messages must pin the bucket's account with aws:SourceAccount (or aws:SourceOrgID). Bucket ARNs (arn:aws:s3:::name) carry no account ID, so aws:SourceArn alone trusts whoever owns a bucket of that name: after you delete the bucket, or for a name nobody has taken yet, another account can create it and send forged event notifications into your application. Without any condition, every bucket of every account can.",
			Bad: `Statement:
  - Effect: Allow
    Principal: {Service: s3.amazonaws.com}
    Action: sqs:SendMessage
    Resource: !GetAtt Queue.Arn
    Condition:
      ArnLike: {aws:SourceArn: arn:aws:s3:::uploads}`,
			Good: `    Condition:
      ArnLike: {aws:SourceArn: arn:aws:s3:::uploads}
      StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}`,
			Remediation: "Add an aws:SourceAccount (StringEquals, your account ID) condition next to aws:SourceArn.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, rp := range p.Stack.ResourcePolicies {
		if rp.Kind != model.RPQueue && rp.Kind != model.RPTopic {
			continue
		}
		for _, s := range kit.Statements(rp.Doc) {
			if s.Effect != iam.Allow || !fromS3(s) {
				continue
			}
			if kit.HasCondition(s, "aws:SourceAccount") || kit.HasCondition(s, "aws:SourceOrgID") || kit.HasCondition(s, "aws:SourceOwner") {
				continue
			}
			what := "queue"
			if rp.Kind == model.RPTopic {
				what = "topic"
			}
			target := strings.Join(rp.Targets, ", ")
			if target == "" {
				target = rp.ID
			}
			msg := fmt.Sprintf("%s policy %s lets S3 send to %s with aws:SourceArn but no aws:SourceAccount: bucket ARNs carry no account, so a bucket of that name in another account can send forged notifications", what, rp.ID, target)
			if !kit.HasCondition(s, "aws:SourceArn") {
				msg = fmt.Sprintf("%s policy %s lets S3 send to %s from any bucket of any account (no aws:SourceArn or aws:SourceAccount)", what, rp.ID, target)
			}
			pos := kit.PolicyPos(s, rp.Doc)
			p.Report(rule.Finding{Resource: rp.ID, File: pos.File, Line: pos.Line, Message: msg})
		}
	}
	return nil
}

func fromS3(s *iam.Statement) bool {
	if s.NotPrincipal {
		return false
	}
	for _, pr := range s.Principals {
		if pr.Type == iam.PrincipalService && strings.EqualFold(pr.Value, "s3.amazonaws.com") {
			return true
		}
	}
	return false
}
