// Package nl5001 is rule NL5001: Worst-case spend of a public entry point.
//
// It reports, for each entry point callable without authentication (or with
// only an API key), the worst-case spend per hour computed by internal/cost:
// the request rate the throttles allow, the concurrency, timeout, memory and
// architecture of the function, its downstream writes and the functions they
// trigger. Severity grows with the figure: high from $100/h, medium from
// $10/h, low below.
package nl5001

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/cost"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL5001.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL5001",
		Title:      "Worst-case spend of a public entry point",
		Category:   rule.DenialOfWallet,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceMedium,
		Doc: rule.Doc{
			Description: "Anyone can call a public entry point as fast as its throttles allow. If every call runs to the function's timeout, the bill grows with API requests, Lambda GB-seconds and everything the function writes downstream (queues, tables, topics) and the functions those writes trigger. nightlight computes that worst case from the template, using the account defaults (10,000 requests/s for API Gateway, 1,000 concurrent executions) where nothing tighter is set, and a dated price table (internal/cost).",
			Bad: `Fn:
  Type: AWS::Lambda::Function
  Properties:
    MemorySize: 3008
    Timeout: 900`,
			Good: `Fn:
  Type: AWS::Lambda::Function
  Properties:
    MemorySize: 512
    Timeout: 10
    ReservedConcurrentExecutions: 20
Stage:
  Properties:
    DefaultRouteSettings: {ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100}`,
			Remediation: "Throttle the stage or route, set reserved concurrency on the function, lower its timeout, and add AWS Budgets alarms; put a WAF rate-based rule in front of public APIs.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	if !kit.IsAWS(p.Stack) {
		return nil // Azure, Google and OpenWhisk have their own rules (NL1040-NL1042, NL5010)
	}
	m := kit.CostModel(ctx, p)
	for _, ep := range p.Stack.EntryPoints {
		if !kit.Public(ep) || ep.Function == "" {
			continue
		}
		e := m.EntryPoint(ctx, ep)
		sev := rule.Low
		switch {
		case e.PerHour >= 100:
			sev = rule.High
		case e.PerHour >= 10:
			sev = rule.Medium
		}
		f := rule.Finding{Resource: kit.Resource(ep), Severity: sev, CostPerHour: e.PerHour,
			Message: fmt.Sprintf("anyone can run up the bill through %s: %s, at AWS prices of %s", kit.EntryName(ep), e.Summary(), cost.PriceDate),
			Path:    kit.EntryPath(p, ep)}
		f.At(ep.Pos)
		p.Report(f)
	}
	return nil
}
