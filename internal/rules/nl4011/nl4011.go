// Package nl4011 is rule NL4011: Function logs kept forever.
//
// It reports functions whose log group has no retention set (CloudWatch Logs
// then keeps logs forever).
package nl4011

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4011.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4011",
		Title:      "Function logs kept forever",
		Category:   rule.Misconfig,
		Severity:   rule.Info,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Lambda creates its log group on first invocation with retention \"never expire\" unless the template declares the log group (or LoggingConfig) with RetentionInDays. Logs pile up, cost grows, and any personal data or secrets logged by mistake are kept indefinitely.",
			Bad: `Fn:
  Type: AWS::Serverless::Function   # no log group declared`,
			Good: `FnLogs:
  Type: AWS::Logs::LogGroup
  Properties:
    LogGroupName: !Sub /aws/lambda/${Fn}
    RetentionInDays: 30`,
			Remediation: "Declare the function’s log group with RetentionInDays (or set a retention with LoggingConfig) sized to your audit needs.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, fn := range p.Stack.Functions {
		if fn.LogRetention.IsSet() {
			continue
		}
		if lg := p.Stack.Store(fn.LogGroup); lg != nil && lg.Attr(model.AttrRetentionDays).IsSet() {
			continue
		}
		p.Reportf(fn.Pos, fn.ID, "function %s has no log retention: its logs (and anything logged by mistake) are kept forever", fn.ID)
	}
	return nil
}
