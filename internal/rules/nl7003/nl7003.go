// Package nl7003 is rule NL7003: Unsafe deserialization of event data.
//
// It reports flows that internal/code found in the handler source.
package nl7003

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/codekit"
)

// Rule returns NL7003.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL7003",
		Title:      "Unsafe deserialization of event data",
		Platforms:  []model.Provider{model.AnyProvider},
		Category:   rule.Code,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Doc: rule.Doc{
			Description: "The handler deserializes event data with a format that can construct arbitrary objects (pickle, yaml.load without SafeLoader, jsonpickle, marshal, node-serialize): a crafted payload runs code when it is loaded.",
			Bad: `import pickle, base64
def handler(event, context):
    return pickle.loads(base64.b64decode(event["body"]))`,
			Good: `import json
def handler(event, context):
    return json.loads(event["body"])`,
			Remediation: "Use a data-only format (JSON) or a safe loader (yaml.safe_load); never unpickle or unserialize data from outside.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	codekit.ReportFlows(p, model.FlowDeserialize, func(f *model.Flow) rule.Severity {
		if codekit.Exposed(f) {
			return rule.Critical
		}
		return ""
	}, func(fn *model.Function, f *model.Flow) string {
		return fmt.Sprintf("function %s deserializes %s unsafely: %s", fn.ID, codekit.Via(f), f.Sink)
	})
	return nil
}
