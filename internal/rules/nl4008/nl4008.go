// Package nl4008 is rule NL4008: Deprecated Lambda runtime.
//
// It reports functions on a runtime whose AWS deprecation date has passed,
// per the dated table in internal/rules/internal/runtimes.
package nl4008

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/runtimes"
)

// Rule returns NL4008.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4008",
		Title:      "Deprecated Lambda runtime",
		Category:   rule.Misconfig,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "AWS stops patching a Lambda runtime on its deprecation date, then blocks creating and later updating functions that use it. nightlight checks runtimes against a dated table (internal/rules/internal/runtimes, checked on " + runtimes.TableDate + ") of AWS's published deprecation dates. A function on a deprecated runtime no longer gets security fixes.",
			Bad:         `Runtime: python3.8`,
			Good:        `Runtime: python3.13`,
			Remediation: "Move the function to a supported runtime (the message names the successor) and test it.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, g := range kit.RuntimeGroups(p.Stack) {
		rt, ok := runtimes.Lookup(g.Runtime)
		if !ok || p.Now.Before(rt.Deprecated) {
			continue
		}
		p.Report(rule.Finding{Resource: g.Functions[0], File: g.Pos.File, Line: g.Pos.Line, Col: g.Pos.Col, Path: g.Path(p),
			Message: fmt.Sprintf("%s on %s, deprecated by AWS since %s: no more security patches; move to %s",
				g.Runs(), rt.ID, rt.Deprecated.Format("2006-01-02"), rt.Move())})
	}
	return nil
}
