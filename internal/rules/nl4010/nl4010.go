// Package nl4010 is rule NL4010: Function without X-Ray tracing.
//
// It reports functions behind an entry point or trigger whose tracing mode
// is not Active.
package nl4010

import (
	"context"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4010.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4010",
		Title:      "Function without X-Ray tracing",
		Category:   rule.Misconfig,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Without active tracing, a request that crosses API Gateway, several functions and data stores cannot be followed end to end, which slows down incident response — including investigating abuse of a public endpoint. Only functions invoked by an entry point or a trigger are reported.",
			Bad: `Fn:
  Type: AWS::Serverless::Function`,
			Good: `Fn:
  Type: AWS::Serverless::Function
  Properties:
    Tracing: Active`,
			Remediation: "Set Tracing: Active on the function (or Globals.Function.Tracing) and allow xray:PutTraceSegments in its role (SAM adds it).",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	used := map[string]bool{}
	for _, ep := range p.Stack.EntryPoints {
		used[ep.Function] = true
	}
	for _, tr := range p.Stack.Triggers {
		used[tr.Function] = true
	}
	for _, fn := range p.Stack.Functions {
		if !used[fn.ID] || strings.EqualFold(fn.Tracing.String(), "Active") {
			continue
		}
		p.Reportf(fn.Tracing.PosOr(fn.Pos), fn.ID, "function %s does not have active X-Ray tracing: requests through it cannot be followed end to end", fn.ID)
	}
	return nil
}
