// Package nl1010 is rule NL1010: Queue, topic or event bus policy allows anyone.
//
// It reports SQS queue, SNS topic and EventBridge bus policies that allow
// Principal "*" without a condition pinning the caller.
package nl1010

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1010.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1010",
		Title:      "Queue, topic or event bus policy allows anyone",
		Category:   rule.AttackSurface,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A queue, topic or event bus policy that allows Principal \"*\" without a condition lets any AWS account send messages into your application (or read them). Those messages then trigger your functions: an unauthenticated entry point that does not show up in the API inventory.",
			Bad: `Statement:
  - Effect: Allow
    Principal: "*"
    Action: sqs:SendMessage
    Resource: !GetAtt Queue.Arn`,
			Good: `Statement:
  - Effect: Allow
    Principal: {Service: sns.amazonaws.com}
    Action: sqs:SendMessage
    Resource: !GetAtt Queue.Arn
    Condition:
      ArnEquals: {aws:SourceArn: !Ref Topic}`,
			Remediation: "Name the principals that may use the queue, topic or bus, or add an aws:SourceArn / aws:SourceAccount / aws:PrincipalOrgID condition.",
		},
		Run: run,
	}
}

var kinds = map[model.ResourcePolicyKind]bool{model.RPQueue: true, model.RPTopic: true, model.RPEventBus: true}

func noun(k model.ResourcePolicyKind) string {
	switch k {
	case model.RPQueue:
		return "queue"
	case model.RPTopic:
		return "topic"
	}
	return "event bus"
}

func run(ctx context.Context, p *rule.Pass) error {
	kit.ReportPublicPolicies(p, kinds, noun)
	return nil
}
