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
	for _, fd := range kit.Feeds(ctx, p) {
		ep := public[fd.Fn.ID]
		to := fd.Trigger.Function
		if ep == nil || to == fd.Fn.ID || public[to] != nil {
			continue
		}
		f := rule.Finding{Resource: to, Confidence: fd.Confidence,
			Message: fmt.Sprintf("internet input reaches function %s: %s (public) lets %s write to %s, which triggers %s", to, kit.EntryName(ep), fd.Fn.ID, fd.Trigger.Source, to),
			Path:    append(kit.EntryPath(p, ep), kit.StoreNode(p, fd.Trigger.Source), kit.FnNode(p, to))}
		f.At(fd.Trigger.Pos)
		p.Report(f)
	}
	return nil
}
