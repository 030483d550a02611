// Package nl7001 is rule NL7001: OS command built from event data.
//
// It reports flows that internal/code found in the handler source.
package nl7001

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/codekit"
)

// Rule returns NL7001.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL7001",
		Title:      "OS command built from event data",
		Platforms:  []model.Provider{model.AnyProvider},
		Category:   rule.Code,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Doc: rule.Doc{
			Description: "The handler runs an operating-system command through a shell, and part of the command comes from event data an outsider controls (an API request, an object key, a queue message). Shell metacharacters in that data run commands of the attacker's choice with the function's role.",
			Bad: `import os
def handler(event, context):
    os.system("convert " + event["queryStringParameters"]["file"])`,
			Good: `import subprocess
def handler(event, context):
    subprocess.run(["convert", event["queryStringParameters"]["file"]])  # no shell`,
			Remediation: "Pass arguments as a list without a shell (subprocess.run([...]), execFile/spawn without shell: true), or quote them with shlex.quote; better, validate against an allow-list.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	codekit.ReportFlows(p, model.FlowCommand, func(f *model.Flow) rule.Severity {
		if codekit.Exposed(f) {
			return rule.Critical
		}
		return ""
	}, func(fn *model.Function, f *model.Flow) string {
		return fmt.Sprintf("function %s runs a shell command built from %s: %s", fn.ID, codekit.Via(f), f.Sink)
	})
	return nil
}
