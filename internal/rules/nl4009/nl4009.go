// Package nl4009 is rule NL4009: Lambda runtime deprecated within six months.
//
// It reports functions on a runtime AWS deprecates within the next 180 days,
// per the dated table in internal/rules/internal/runtimes.
package nl4009

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/runtimes"
)

// Rule returns NL4009.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4009",
		Title:      "Lambda runtime deprecated within six months",
		Category:   rule.Misconfig,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "AWS stops patching a Lambda runtime on its deprecation date, then blocks creating and later updating functions that use it. nightlight checks runtimes against a dated table (internal/rules/internal/runtimes, checked on " + runtimes.TableDate + ") of AWS's published deprecation dates. This rule gives six months of notice before NL4008 fires.",
			Bad:         `Runtime: nodejs22.x   # deprecated 2027-04-30`,
			Good:        `Runtime: nodejs24.x`,
			Remediation: "Plan the move to the successor runtime named in the message before the deprecation date.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, g := range kit.RuntimeGroups(p.Stack) {
		rt, ok := runtimes.Lookup(g.Runtime)
		if !ok || !p.Now.Before(rt.Deprecated) || rt.Deprecated.Sub(p.Now) > runtimes.SoonWindow {
			continue
		}
		days := int(rt.Deprecated.Sub(p.Now).Hours() / 24)
		p.Report(rule.Finding{Resource: g.Functions[0], File: g.Pos.File, Line: g.Pos.Line, Col: g.Pos.Col, Path: g.Path(p),
			Message: fmt.Sprintf("%s on %s, which AWS deprecates on %s (in %d days); plan the move to %s",
				g.Runs(), rt.ID, rt.Deprecated.Format("2006-01-02"), days, rt.Move())})
	}
	return nil
}
