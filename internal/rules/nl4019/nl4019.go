// Package nl4019 is rule NL4019: Queue visibility timeout shorter than the function timeout.
//
// It reports SQS queues whose visibility timeout is shorter than the timeout
// of the function they trigger, so a slow message is delivered again while
// it is still being processed.
package nl4019

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4019.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4019",
		Title:      "Queue visibility timeout shorter than the function timeout",
		Category:   rule.Misconfig,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Lambda polls SQS and hides each message for the queue's visibility timeout. If the function can run longer than that, the message reappears and is processed a second time in parallel: duplicate side effects and doubled cost. AWS recommends a visibility timeout of at least six times the function timeout.",
			Bad: `Jobs:
  Type: AWS::SQS::Queue      # default visibility timeout: 30 s
Worker:
  Properties: {Timeout: 120}`,
			Good: `Jobs:
  Type: AWS::SQS::Queue
  Properties: {VisibilityTimeout: 720}`,
			Remediation: "Set the queue VisibilityTimeout to at least six times the function timeout.",
		},
		Run: run,
	}
}

const defaultVisibility = 30

func run(ctx context.Context, p *rule.Pass) error {
	for _, tr := range p.Stack.Triggers {
		if tr.Kind != model.TriggerSQS || tr.Source == "" {
			continue
		}
		fn, st := p.Stack.Function(tr.Function), p.Stack.Store(tr.Source)
		if fn == nil || st == nil {
			continue
		}
		timeout := int64(model.DefaultLambdaTimeoutSeconds)
		if t, ok := fn.Timeout.AsInt(); ok {
			timeout = t
		} else if fn.Timeout.IsSet() {
			continue
		}
		vis := int64(defaultVisibility)
		v := st.Attr(model.AttrVisibilityTimeout)
		if n, ok := v.AsInt(); ok {
			vis = n
		} else if v.IsSet() {
			continue
		}
		if vis >= timeout {
			continue
		}
		p.Reportf(v.PosOr(st.Pos), st.ID, "queue %s hides messages for %ds but %s may run for %ds: a slow message is delivered again while still being processed", st.ID, vis, fn.ID, timeout)
	}
	return nil
}
