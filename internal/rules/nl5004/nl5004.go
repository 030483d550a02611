// Package nl5004 is rule NL5004: One event fans out to many functions.
//
// It reports event sources (topics, buckets, buses, streams) that invoke
// three or more functions, so that each event is multiplied.
package nl5004

import (
	"context"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL5004.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL5004",
		Title:      "One event fans out to many functions",
		Category:   rule.DenialOfWallet,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceMedium,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "When one topic, bucket, bus or stream triggers several functions, every event is processed several times. That is often intended, but it multiplies the cost of any flood of events — and of any loop through the source — by the number of subscribers.",
			Bad:         `# Orders topic subscribed by Email, Invoice, Analytics, Audit, Search …`,
			Good:        `# one subscriber that fans out deliberately (Step Functions Map), or filter policies so each event reaches only the functions that need it`,
			Remediation: "Check that every subscriber needs every event; add filter policies or event patterns, and bound each function with reserved concurrency.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	fns := map[string][]string{}
	var order []string
	for _, tr := range p.Stack.Triggers {
		if tr.Source == "" || tr.Function == "" || tr.Filter.IsSet() {
			continue
		}
		if _, ok := fns[tr.Source]; !ok {
			order = append(order, tr.Source)
		}
		fns[tr.Source] = append(fns[tr.Source], tr.Function)
	}
	for _, src := range order {
		list := model.SortedUnique(fns[src])
		if len(list) < 3 {
			continue
		}
		st := p.Stack.Store(src)
		pos := model.Pos{File: p.Stack.File}
		kind := "source"
		if st != nil {
			pos, kind = st.Pos, string(st.Kind)
		}
		p.Reportf(pos, src, "every event on %s %s invokes %d functions (%s) without filters: a flood of events costs %d times over", kind, src, len(list), strings.Join(list, ", "), len(list))
	}
	return nil
}
