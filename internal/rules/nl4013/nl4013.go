// Package nl4013 is rule NL4013: Queue consumed by a function has no dead-letter queue.
//
// It reports SQS queues that trigger a function and have no redrive policy.
// Queues that are themselves dead-letter queues are not reported.
package nl4013

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL4013.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4013",
		Title:      "Queue consumed by a function has no dead-letter queue",
		Category:   rule.Misconfig,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "When a function keeps failing on a message, SQS redelivers it until the retention period ends (4 days by default): the poison message is retried — and billed — again and again, and then silently deleted. A redrive policy moves it to a dead-letter queue after a few attempts.",
			Bad: `Jobs:
  Type: AWS::SQS::Queue`,
			Good: `Jobs:
  Type: AWS::SQS::Queue
  Properties:
    RedrivePolicy: {deadLetterTargetArn: !GetAtt JobsDLQ.Arn, maxReceiveCount: 5}`,
			Remediation: "Add a RedrivePolicy with a dead-letter queue and a small maxReceiveCount, and alarm on the dead-letter queue’s depth.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	dlq := kit.RedriveTargets(p.Stack)
	done := map[string]bool{}
	for _, tr := range p.Stack.Triggers {
		if tr.Kind != model.TriggerSQS || tr.Source == "" || done[tr.Source] {
			continue
		}
		st := p.Stack.Store(tr.Source)
		if st == nil || st.Attr(model.AttrRedriveTarget).IsSet() || dlq[st.ID] {
			continue
		}
		done[st.ID] = true
		p.Reportf(st.Pos, st.ID, "queue %s triggers %s but has no dead-letter queue: a message that keeps failing is retried until it expires, then lost", st.ID, tr.Function)
	}
	return nil
}
