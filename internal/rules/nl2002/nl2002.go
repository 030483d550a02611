// Package nl2002 is rule NL2002: Anonymous input flows into an internal function.
//
// It reports functions that are not exposed themselves but are triggered by
// a queue, topic, bucket, stream or bus that a function behind an
// unauthenticated entry point writes to: internet input reaches them one hop
// later.
package nl2002

import (
	"context"
	"fmt"
	"sort"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL2002.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL2002",
		Title:      "Anonymous input flows into an internal function",
		Category:   rule.DataFlow,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceMedium,
		Platforms:  []model.Provider{model.AnyProvider},
		Adjust: []rule.Adjustment{
			{Severity: rule.Low, When: "when every write into the source is only inferred from a role the writer shares with other functions"},
		},
		Doc: rule.Doc{
			Description: "Internal functions — queue workers, stream processors — are often written as if their input were trusted. When a function behind a public entry point writes to the queue or bucket that triggers them, internet input reaches them unfiltered, and they usually hold broader permissions than the public function.",
			Bad:         `# POST /import (no auth) -> Importer -> sqs:SendMessage Jobs -> Worker (dynamodb:* on Orders)`,
			Good:        `# validate and normalise in Importer, authenticate POST /import, and keep Worker's permissions narrow`,
			Remediation: "Authenticate the entry point, validate input before forwarding it, and treat messages from the source as untrusted in the internal function.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	public := map[string]*model.EntryPoint{}
	for _, ep := range p.Stack.EntryPoints {
		if kit.Public(p.Stack, ep) && ep.Function != "" && public[ep.Function] == nil {
			public[ep.Function] = ep
		}
	}
	// One finding per (internal function, source): several events of one
	// source (ObjectCreated and ObjectRemoved) and several public writers
	// are one flow.
	type flow struct {
		feeds []kit.Feed
	}
	var order []string
	flows := map[string]*flow{}
	for _, fd := range kit.Feeds(ctx, p) {
		ep := public[fd.Fn.ID]
		to := fd.Trigger.Function
		if ep == nil || to == fd.Fn.ID || public[to] != nil {
			continue
		}
		key := to + "\x00" + fd.Trigger.Source
		fl := flows[key]
		if fl == nil {
			fl = &flow{}
			flows[key] = fl
			order = append(order, key)
		}
		dup := false
		for _, o := range fl.feeds {
			dup = dup || o.Fn.ID == fd.Fn.ID
		}
		if !dup {
			fl.feeds = append(fl.feeds, fd)
		}
	}
	for _, key := range order {
		fds := flows[key].feeds
		sort.SliceStable(fds, func(i, j int) bool { return fds[i].Fn.ID < fds[j].Fn.ID })
		first := fds[0]
		to, src := first.Trigger.Function, first.Trigger.Source
		conf := rule.ConfidenceLow
		var writers []string
		for _, fd := range fds {
			if fd.Confidence.Rank() > conf.Rank() {
				conf = fd.Confidence
			}
			writers = append(writers, fmt.Sprintf("%s (%s)", fd.Fn.ID, kit.EntryName(public[fd.Fn.ID])))
		}
		sev, why := kit.FeedSeverity(p.Rule.Severity, fds...)
		var msg string
		if len(fds) == 1 {
			msg = fmt.Sprintf("internet input reaches function %s: %s (public) lets %s write to %s, which triggers %s%s%s", to, kit.EntryName(public[first.Fn.ID]), first.Fn.ID, src, to, first.Inferred(), why)
		} else {
			msg = fmt.Sprintf("internet input reaches function %s: %d functions behind public entry points can write to %s, which triggers %s: %s%s", to, len(fds), src, to, kit.Actions(writers, 6), why)
		}
		f := rule.Finding{Resource: to, Confidence: conf, Severity: sev, Message: msg,
			Path: append(kit.EntryPath(p, public[first.Fn.ID]), kit.StoreNode(p, src), kit.FnNode(p, to))}
		f.At(first.Trigger.Pos)
		p.Report(f)
	}
	return nil
}
