// Package nl7008 is rule NL7008: Stack trace returned to the caller.
//
// It reports flows that internal/code found in the handler source.
package nl7008

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/codekit"
)

// Rule returns NL7008.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL7008",
		Title:      "Stack trace returned to the caller",
		Platforms:  []model.Provider{model.AnyProvider},
		Category:   rule.Code,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Doc: rule.Doc{
			Description: "The HTTP handler returns an error's stack trace (err.stack, traceback.format_exc()) in its response: callers learn file paths, library versions and code structure that help an attack.",
			Bad: `import traceback
def handler(event, context):
    try:
        return work(event)
    except Exception:
        return {"statusCode": 500, "body": traceback.format_exc()}`,
			Good: `import logging, traceback
def handler(event, context):
    try:
        return work(event)
    except Exception:
        logging.exception("failed")
        return {"statusCode": 500, "body": "internal error"}`,
			Remediation: "Log the stack trace and return a generic error message with a correlation ID.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	codekit.ReportFlows(p, model.FlowStackTrace, nil, func(fn *model.Function, f *model.Flow) string {
		return fmt.Sprintf("function %s returns %s to the caller: %s", fn.ID, "an error stack trace ("+f.Source+")", f.Sink)
	})
	return nil
}
