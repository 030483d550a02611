// Package nl5005 is rule NL5005: Functions trigger each other in a cycle.
//
// It reports cycles of two or more functions where each writes to a source
// that triggers the next (A writes queue Q1 which triggers B, B writes topic
// T which triggers A).
package nl5005

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL5005.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL5005",
		Title:      "Functions trigger each other in a cycle",
		Category:   rule.DenialOfWallet,
		Severity:   rule.High,
		Confidence: rule.ConfidenceMedium,
		Platforms:  []model.Provider{model.AWS},
		Adjust: []rule.Adjustment{
			{Severity: rule.Medium, When: "when a write on the cycle is only inferred from a role shared with other functions, or every trigger on the cycle filters its events"},
		},
		Doc: rule.Doc{
			Description: "A cycle through several functions is a recursive loop that is harder to see than a function writing to its own trigger: each function looks fine alone. Every event that enters the cycle runs forever, multiplied by any fan-out on the way.",
			Bad: `# A: Events SQS Requests; Policies SNSPublishMessagePolicy Results
# B: Events SNS Results;  Policies SQSSendMessagePolicy Requests`,
			Good:        `# B writes to a different queue that A does not consume, or carries a hop counter and stops`,
			Remediation: "Break the cycle: route one of the writes to a destination outside it, or add a hop count / idempotency check and a reserved-concurrency circuit breaker.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	next := map[string][]kit.Feed{}
	for _, fd := range kit.Feeds(ctx, p) {
		if fd.Trigger.Function != fd.Fn.ID {
			next[fd.Fn.ID] = append(next[fd.Fn.ID], fd)
		}
	}
	reported := map[string]bool{}
	for _, fn := range p.Stack.Functions {
		var path []kit.Feed
		var walk func(id string, depth int)
		walk = func(id string, depth int) {
			if depth > 6 {
				return
			}
			for _, fd := range next[id] {
				to := fd.Trigger.Function
				path = append(path, fd)
				if to == fn.ID {
					report(p, path, reported)
				} else if to > fn.ID && !onPath(path[:len(path)-1], to) {
					walk(to, depth+1)
				}
				path = path[:len(path)-1]
			}
		}
		walk(fn.ID, 0)
	}
	return nil
}

func onPath(path []kit.Feed, id string) bool {
	for _, fd := range path {
		if fd.Fn.ID == id {
			return true
		}
	}
	return false
}

// report reports the cycle once; cycles are found from their smallest
// function ID.
func report(p *rule.Pass, path []kit.Feed, done map[string]bool) {
	var hops, keys []string
	var ids []graph.NodeID
	for _, fd := range path {
		hops = append(hops, fmt.Sprintf("%s writes %s", fd.Fn.ID, fd.Trigger.Source))
		ids = append(ids, kit.FnNode(p, fd.Fn.ID), kit.StoreNode(p, fd.Trigger.Source))
		keys = append(keys, fd.Fn.ID, fd.Trigger.Source)
	}
	key := strings.Join(keys, ">")
	if done[key] {
		return
	}
	done[key] = true
	// The cycle is as certain as its weakest hop. A hop only inferred
	// from a shared role, or every trigger of the cycle filtering its
	// events (only matching writes go round), lowers the severity.
	conf := rule.ConfidenceHigh
	var inferred, filters []string
	for _, fd := range path {
		if fd.Confidence.Rank() < conf.Rank() {
			conf = fd.Confidence
		}
		if len(fd.SharedWith) > 0 {
			inferred = append(inferred, fd.Fn.ID)
		}
		if fd.Filtered {
			filters = append(filters, fd.Trigger.Function)
		}
	}
	sev := p.Rule.Severity
	var why string
	switch {
	case len(inferred) > 0:
		sev = kit.Lower(sev)
		why = fmt.Sprintf(" (severity lowered from %s: the writes of %s are inferred from a role shared with other functions, not from their own configuration)", p.Rule.Severity, strings.Join(model.SortedUnique(inferred), ", "))
	case len(filters) == len(path):
		sev = kit.Lower(sev)
		why = fmt.Sprintf(" (severity lowered from %s: every trigger on the cycle filters its events, so only writes that match the filters go round)", p.Rule.Severity)
	}
	f := rule.Finding{Resource: path[0].Fn.ID, Confidence: conf, Severity: sev,
		Message: fmt.Sprintf("functions trigger each other in a cycle: %s, which triggers %s again; every event that enters the cycle runs until stopped%s", strings.Join(hops, ", "), path[0].Fn.ID, why),
		Path:    append(ids, kit.FnNode(p, path[0].Fn.ID))}
	f.At(path[0].Pos)
	if f.File != p.Stack.File {
		f.At(path[0].Fn.Pos)
	}
	p.Report(f)
}
