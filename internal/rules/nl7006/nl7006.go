// Package nl7006 is rule NL7006: File path built from event data.
//
// It reports flows that internal/code found in the handler source.
package nl7006

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/codekit"
)

// Rule returns NL7006.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL7006",
		Title:      "File path built from event data",
		Platforms:  []model.Provider{model.AnyProvider},
		Category:   rule.Code,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Doc: rule.Doc{
			Description: "The handler opens, writes or deletes a file whose path comes from event data: '../' sequences or absolute names read or overwrite files outside the intended directory (the code itself, /tmp of other invocations, credentials files).",
			Bad: `def handler(event, context):
    return open("/tmp/" + event["queryStringParameters"]["name"]).read()`,
			Good: `import os
def handler(event, context):
    return open("/tmp/" + os.path.basename(event["queryStringParameters"]["name"])).read()`,
			Remediation: "Reduce the name to its base name (os.path.basename, path.basename), or map it to a generated name, and keep the directory fixed.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	codekit.ReportFlows(p, model.FlowPath, nil, func(fn *model.Function, f *model.Flow) string {
		return fmt.Sprintf("function %s uses a file path built from %s: %s", fn.ID, codekit.Via(f), f.Sink)
	})
	return nil
}
