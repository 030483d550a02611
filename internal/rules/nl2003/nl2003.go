// Package nl2003 is rule NL2003: Data flow denied by the flow policy.
//
// It reports flows of the application graph that the configuration file's
// flow policy denies (flows.deny, minus flows.allow) and reach across trust
// boundaries, with the shortest path as evidence. Without a configuration
// file it reports nothing.
package nl2003

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL2003.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL2003",
		Title:      "Data flow denied by the flow policy",
		Category:   rule.DataFlow,
		Severity:   rule.High,
		Confidence: rule.ConfidenceMedium,
		Platforms:  []model.Provider{model.AnyProvider},
		Scope:      rule.AppScope,
		// Without a flow policy it finds nothing.
		WholeApp: func(cfg *config.Config) bool {
			if cfg == nil {
				return false
			}
			fp := cfg.FlowPolicy()
			return len(fp.Flows.Deny)+len(fp.Flows.Allow)+len(fp.Boundaries) > 0
		},
		Doc: rule.Doc{
			Description: "The flow policy in nightlight.yaml states which data may not flow where (\"pii must not reach the internet\", \"nothing reachable anonymously may write the orders table\", \"payments and marketing functions must not reach each other\"). nightlight checks it on the application graph — invocations, triggers, reads and writes derived from the effective IAM permissions — and reports each violating flow with its shortest path.",
			Bad: `# nightlight.yaml
flows:
  deny:
    - {from: pii, to: internet, reason: PII is never served to anonymous callers}
# and GET /orders (no auth) -> ListOrders -> reads UsersTable [pii]`,
			Good:        `# GET /orders requires an authorizer, or ListOrders no longer reads UsersTable`,
			Remediation: "Cut the path (authenticate the entry point, narrow the function’s permissions, move the data) or, if the flow is intended, add an allow rule with a reason to the flow policy.",
		},
		Run: run,
	}
}

// run checks the flow policy once over the whole graph (flows cross
// stacks) and reports each violation in the stack its path starts in.
func run(ctx context.Context, p *rule.Pass) error {
	if p.Config == nil || p.Graph == nil {
		return nil
	}
	for _, v := range graph.CheckFlows(p.Graph, p.Config.FlowPolicy()) {
		st := p.App.Stack(stackOf(v.Path))
		if st == nil {
			continue
		}
		f := rule.Finding{Resource: resourceOf(p, v), Message: fmt.Sprintf("flow policy %q: %s", v.Rule, v.Message), Path: v.Path, Stack: st.ID}
		f.At(evidence(st, v))
		p.Report(f)
	}
	return nil
}

// stackOf returns the stack of the first model node on the path.
func stackOf(path []graph.NodeID) string {
	for _, id := range path {
		if id.Stack != "" {
			return id.Stack
		}
	}
	return ""
}

// resourceOf names the model object the flow starts from.
func resourceOf(p *rule.Pass, v graph.Violation) string {
	for _, id := range v.Path {
		if n := p.Graph.Node(id); n != nil && n.Ref != "" {
			return n.Ref
		}
	}
	return ""
}

// evidence is where the first step of the path that is declared in the
// stack's file is written (where the data leaves its source).
func evidence(st *model.Stack, v graph.Violation) model.Pos {
	for _, step := range v.Steps {
		if e := step.Evidence; e.File == st.File && e.Line > 0 {
			return e
		}
	}
	return model.Pos{File: st.File}
}
