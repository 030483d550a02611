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
	"sort"

	"github.com/nightlight-sec/nightlight/internal/cost"
	"github.com/nightlight-sec/nightlight/internal/model"
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
		Platforms:  []model.Provider{model.AWS},
		Adjust:     kit.SpendAdjust(),
		Doc: rule.Doc{
			Description: "Anyone can call a public entry point as fast as its throttles allow. If every call runs to the function's timeout, the bill grows with API requests, Lambda GB-seconds and everything the function writes downstream (queues, tables, topics) and the functions those writes trigger. nightlight computes that worst case from the template, using the account defaults (10,000 requests/s for API Gateway, 2,000 request tokens/s for AppSync, 1,000 concurrent executions) where nothing tighter is set, and a dated price table (internal/cost).",
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
	m := kit.CostModel(ctx, p)
	// One finding per API (its public routes listed, the costliest
	// described) and one per entry point outside an API (function URLs).
	type group struct {
		worst  *cost.Estimate
		ep     *model.EntryPoint
		routes []string
	}
	var order []string
	groups := map[string]*group{}
	for _, ep := range p.Stack.EntryPoints {
		if !kit.Public(p.Stack, ep) || (ep.Function == "" && len(cost.IntegrationStores(p.Stack, ep)) == 0) {
			continue
		}
		e := m.EntryPoint(ctx, ep)
		key := "ep:" + ep.ID
		if ep.API != "" {
			key = "api:" + ep.API
		}
		g := groups[key]
		if g == nil {
			g = &group{}
			groups[key] = g
			order = append(order, key)
		}
		g.routes = append(g.routes, kit.EntryName(ep))
		if g.worst == nil || e.PerHour > g.worst.PerHour {
			g.worst, g.ep = e, ep
		}
	}
	for _, key := range order {
		g := groups[key]
		e, ep := g.worst, g.ep
		sev := kit.SpendSeverity(e.PerHour)
		msg := fmt.Sprintf("anyone can run up the bill through %s: %s, at AWS prices of %s", kit.EntryName(ep), e.Summary(), cost.PriceDate)
		if len(g.routes) > 1 {
			sort.Strings(g.routes)
			noun := kit.EntryNoun(ep)
			msg = fmt.Sprintf("anyone can run up the bill through API %s (%d public %s: %s); the costliest, %s: %s, at AWS prices of %s",
				ep.API, len(g.routes), noun, kit.Actions(g.routes, 8), kit.EntryName(ep), e.Summary(), cost.PriceDate)
		}
		f := rule.Finding{Resource: kit.Resource(ep), Severity: sev, CostPerHour: e.PerHour, Message: msg, Path: kit.EntryPath(p, ep)}
		if api := p.Stack.API(ep.API); api != nil && api.Kind == model.APIGraphQL {
			f.Remediation = "Put a WAF web ACL with a rate-based rule on the AppSync API, limit query depth and resolver count, set reserved concurrency on the function and lower its timeout, and add AWS Budgets alarms."
		}
		pos := ep.Pos
		if api := p.Stack.API(ep.API); api != nil && len(g.routes) > 1 && api.Pos.IsValid() {
			pos = api.Pos
		}
		f.At(pos)
		p.Report(f)
	}
	return nil
}
