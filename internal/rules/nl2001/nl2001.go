// Package nl2001 is rule NL2001: Anonymous entry point reaches classified data.
//
// It reports data stores tagged with a classification that a function behind
// an unauthenticated (or API-key-only) entry point can read or write, with
// the path internet → entry point → function → store.
package nl2001

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL2001.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL2001",
		Title:      "Anonymous entry point reaches classified data",
		Category:   rule.DataFlow,
		Severity:   rule.High,
		Adjust:     kit.CallerCheckAdjust(rule.High),
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AnyProvider},
		Doc: rule.Doc{
			Description: "When a function that anyone on the internet can call is allowed to read or write a store holding classified data, the data is one bug away from the internet: an injection, an IDOR or a missing check in the handler exposes it. This rule follows the path from each anonymous entry point through its function's permissions to stores tagged with a data classification.",
			Bad:         `# GET /orders (no auth) -> ListOrders -> dynamodb:Query on Orders [confidential]`,
			Good:        `# GET /orders requires a Cognito authorizer, or ListOrders only reads a public catalogue table`,
			Remediation: "Require authentication on the entry point, or split the function so the public part cannot touch classified data.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, ep := range p.Stack.EntryPoints {
		fn := p.Stack.Function(ep.Function)
		if fn == nil || !kit.Public(p.Stack, ep) {
			continue
		}
		for _, a := range p.Facts.Access(ctx, fn) {
			if a.Store.Classification == "" || !a.Exact {
				continue
			}
			verb := "read"
			switch {
			case a.Read && a.Write:
				verb = "read and write"
			case a.Write:
				verb = "write"
			}
			f := rule.Finding{Resource: a.Store.ID,
				Message: fmt.Sprintf("%s data in %s %s can be %s through %s, which anyone on the internet can call (via function %s, %s)", a.Store.Classification, a.Store.Kind, a.Store.ID, verbPast(verb), kit.EntryName(ep), fn.ID, a.Action),
				Path:    append(kit.EntryPath(p, ep), kit.StoreNode(p, a.Store.ID))}
			f.At(ep.Auth.Pos)
			if !ep.Auth.Pos.IsValid() {
				f.At(ep.Pos)
			}
			var why string
			f.Severity, why = kit.CallerCheck(p, p.Rule.Severity, p.Rule.Severity, ep)
			f.Message += why
			p.Report(f)
		}
	}
	return nil
}

func verbPast(v string) string {
	switch v {
	case "read and write":
		return "read and changed"
	case "write":
		return "changed"
	}
	return "read"
}
