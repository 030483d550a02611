// Package nl4006 is rule NL4006: Asynchronous trigger without a dead-letter queue or failure destination.
//
// It reports functions invoked asynchronously (S3, SNS, EventBridge,
// schedules, …) that have neither a dead-letter queue nor an on-failure
// destination.
package nl4006

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

const scheduleWhen = "when the function's only asynchronous triggers are schedules: their events carry no data, so a failure loses one run, not an event from outside"

// Rule returns NL4006.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4006",
		Title:      "Asynchronous trigger without a dead-letter queue or failure destination",
		Category:   rule.Misconfig,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Asynchronous invocations are retried twice and then dropped. Without a dead-letter queue or an on-failure destination, the events that failed — an upload that was never processed, an order event — are lost without a trace.",
			Bad: `Fn:
  Type: AWS::Serverless::Function
  Properties:
    Events:
      Upload: {Type: S3, Properties: {Bucket: !Ref Uploads, Events: s3:ObjectCreated:*}}`,
			Good: `Fn:
  Type: AWS::Serverless::Function
  Properties:
    EventInvokeConfig:
      DestinationConfig:
        OnFailure: {Type: SQS, Destination: !GetAtt FailedEvents.Arn}`,
			Remediation: "Add an on-failure destination (EventInvokeConfig / AWS::Lambda::EventInvokeConfig) or a DeadLetterQueue to the function.",
		},
		Adjust: []rule.Adjustment{{Severity: rule.Low, When: scheduleWhen}},
		Run:    run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	byFn := map[string][]*model.Trigger{}
	for _, tr := range p.Stack.Triggers {
		if tr.Kind.Async() && tr.Function != "" {
			byFn[tr.Function] = append(byFn[tr.Function], tr)
		}
	}
	for _, fn := range p.Stack.Functions {
		trs := byFn[fn.ID]
		if len(trs) == 0 || fn.DeadLetter.IsSet() || fn.OnFailure.IsSet() {
			continue
		}
		var kinds []string
		for _, tr := range trs {
			kinds = append(kinds, string(tr.Kind))
		}
		kinds = model.SortedUnique(kinds)
		f := rule.Finding{Resource: fn.ID, File: fn.Pos.File, Line: fn.Pos.Line, Col: fn.Pos.Col,
			Message: fmt.Sprintf("function %s is invoked asynchronously (%s) but has no dead-letter queue or on-failure destination: events that still fail after 2 retries are lost", fn.ID, strings.Join(kinds, ", "))}
		if len(kinds) == 1 && kinds[0] == string(model.TriggerSchedule) {
			f.Severity = rule.Low
			f.Message += " (severity lowered from medium: its only asynchronous trigger is a schedule, whose events carry no data: a failed run is lost and the next one starts on time)"
		}
		p.Report(f)
	}
	return nil
}
