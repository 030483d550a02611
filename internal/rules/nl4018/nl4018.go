// Package nl4018 is rule NL4018: API-invoked function times out after the API.
//
// It reports functions behind API Gateway routes whose timeout exceeds the
// 29-second integration timeout: callers get a 504 while the function keeps
// running (and billing).
package nl4018

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL4018.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4018",
		Title:      "API-invoked function times out after the API",
		Category:   rule.Misconfig,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "API Gateway gives up on an integration after 29 seconds (by default). A function with a longer timeout keeps running after the caller has received a 504, billed for work nobody receives — and an attacker can trigger that on purpose. Long work belongs in an asynchronous flow.",
			Bad: `Fn:
  Properties:
    Timeout: 300
    Events: {Api: {Type: Api, Properties: {Path: /report, Method: post}}}`,
			Good: `Fn:
  Properties:
    Timeout: 25   # long work is queued to a worker instead`,
			Remediation: "Lower the function timeout below the integration timeout, or return 202 and hand long work to a queue or Step Functions.",
		},
		Run: run,
	}
}

const apiTimeout = 29

func run(ctx context.Context, p *rule.Pass) error {
	seen := map[string]bool{}
	for _, ep := range p.Stack.EntryPoints {
		if ep.Kind != model.EntryRoute || ep.API == "" || seen[ep.Function] {
			continue
		}
		fn := p.Stack.Function(ep.Function)
		if fn == nil {
			continue
		}
		t, ok := fn.Timeout.AsInt()
		if !ok || t <= apiTimeout+1 {
			continue
		}
		seen[fn.ID] = true
		p.Reportf(fn.Timeout.PosOr(fn.Pos), fn.ID, "function %s has a %ds timeout but is called through %s, which gives up after %ds: it can keep running, and billing, after the caller got a 504", fn.ID, t, kit.EntryName(ep), apiTimeout)
	}
	return nil
}
