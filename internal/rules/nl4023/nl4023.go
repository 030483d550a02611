// Package nl4023 is rule NL4023: State machine without execution logging.
//
// It reports Step Functions state machines without a logging configuration.
package nl4023

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4023.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4023",
		Title:      "State machine without execution logging",
		Category:   rule.Misconfig,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Without execution logging, failed or abused workflow executions leave no trace beyond the execution history (kept 90 days for standard workflows, not at all for express ones).",
			Bad: `Flow:
  Type: AWS::Serverless::StateMachine`,
			Good: `Flow:
  Type: AWS::Serverless::StateMachine
  Properties:
    Logging:
      Level: ERROR
      Destinations: [{CloudWatchLogsLogGroup: {LogGroupArn: !GetAtt FlowLogs.Arn}}]`,
			Remediation: "Add a LoggingConfiguration with a CloudWatch Logs destination (level ERROR at least, ALL for express workflows).",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, st := range p.Stack.Stores {
		if st.Kind != model.StoreStateMachine || st.Attr(model.AttrLoggingConfig).IsSet() {
			continue
		}
		p.Reportf(st.Pos, st.ID, "state machine %s writes no execution logs", st.ID)
	}
	return nil
}
