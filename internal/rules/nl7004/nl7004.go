// Package nl7004 is rule NL7004: SQL statement built from event data.
//
// It reports flows that internal/code found in the handler source.
package nl7004

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/codekit"
)

// Rule returns NL7004.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL7004",
		Title:      "SQL statement built from event data",
		Platforms:  []model.Provider{model.AnyProvider},
		Category:   rule.Code,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Doc: rule.Doc{
			Description: "The handler builds a SQL statement by concatenating or formatting event data into it and runs it: the data can change the statement (SQL injection), reading or modifying any row the database user can reach.",
			Bad: `def handler(event, context):
    cur.execute("SELECT * FROM orders WHERE id = '" + event["pathParameters"]["id"] + "'")`,
			Good: `def handler(event, context):
    cur.execute("SELECT * FROM orders WHERE id = %s", (event["pathParameters"]["id"],))`,
			Remediation: "Use parameterised queries (placeholders and a separate parameter list); never format data into SQL text.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	codekit.ReportFlows(p, model.FlowSQL, nil, func(fn *model.Function, f *model.Flow) string {
		return fmt.Sprintf("function %s builds a SQL statement from %s: %s", fn.ID, codekit.Via(f), f.Sink)
	})
	return nil
}
