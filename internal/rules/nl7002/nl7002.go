// Package nl7002 is rule NL7002: Code evaluated from event data.
//
// It reports flows that internal/code found in the handler source.
package nl7002

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/codekit"
)

// Rule returns NL7002.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL7002",
		Title:      "Code evaluated from event data",
		Platforms:  []model.Provider{model.AnyProvider},
		Category:   rule.Code,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Doc: rule.Doc{
			Description: "The handler evaluates code (eval, exec, new Function, the vm module) that includes event data an outsider controls: whoever controls the data runs code inside the function, with its role and environment variables.",
			Bad: `def handler(event, context):
    return eval(event["body"])`,
			Good: `import json
def handler(event, context):
    return json.loads(event["body"])`,
			Remediation: "Never evaluate data: parse it (json.loads, JSON.parse, ast.literal_eval) and dispatch on allow-listed values.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	codekit.ReportFlows(p, model.FlowEval, func(f *model.Flow) rule.Severity {
		if codekit.Exposed(f) {
			return rule.Critical
		}
		return ""
	}, func(fn *model.Function, f *model.Flow) string {
		return fmt.Sprintf("function %s evaluates code built from %s: %s", fn.ID, codekit.Via(f), f.Sink)
	})
	return nil
}
