// Package nl5006 is rule NL5006: State machine loops on its own failures.
//
// It reports Step Functions states whose Catch on States.ALL leads back to
// the state itself (directly or through Pass and Wait states), and Retry
// rules on States.ALL with many attempts: a persistent error (bad input, a
// missing permission, a downstream outage) then runs the task again and
// again, each round paid for.
package nl5006

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/decode"
	"github.com/nightlight-sec/nightlight/internal/decode/jsonv"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL5006.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:       "NL5006",
		Title:    "State machine loops on its own failures",
		Category: rule.DenialOfWallet,
		Severity: rule.Medium,
		Adjust: []rule.Adjustment{
			{Severity: rule.Low, When: "a Retry on States.ALL makes many attempts (bounded, but every failure is paid for many times)"},
		},
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "States.ALL matches every error, including the ones retrying cannot fix: invalid input, a missing permission, a bug. A Catch on States.ALL whose Next leads back to the failing state turns one bad event into a loop that runs the task (a Lambda invocation, a database write, a model call) until the execution hits its history limit (25,000 events for a standard workflow) or its time limit (5 minutes for express), and every state transition and task call is billed. A Retry on States.ALL with many attempts does the same within a bound.",
			Bad: `Process:
  Type: Task
  Resource: !GetAtt Worker.Arn
  Catch:
    - ErrorEquals: [States.ALL]
      Next: Process`,
			Good: `Process:
  Type: Task
  Resource: !GetAtt Worker.Arn
  Retry:
    - ErrorEquals: [Lambda.TooManyRequestsException, States.Timeout]
      MaxAttempts: 3
      BackoffRate: 2
  Catch:
    - ErrorEquals: [States.ALL]
      Next: Failed`,
			Remediation: "Catch States.ALL into a terminal Fail state (or a queue for later inspection); retry only the transient errors (throttling, timeouts, service exceptions) with a small MaxAttempts and backoff.",
		},
		Run: run,
	}
}

// manyAttempts is the Retry MaxAttempts on States.ALL from which a retry
// policy is reported (the default is 3).
const manyAttempts = 10

func run(ctx context.Context, p *rule.Pass) error {
	for _, st := range p.Stack.Stores {
		if st.Kind != model.StoreStateMachine || ctx.Err() != nil {
			continue
		}
		written := st.Attr(model.AttrDefinition)
		def := definition(written)
		if def == nil {
			continue
		}
		// Inside JSON text, positions are the text's own: report at the
		// property that holds it.
		fallback := model.Pos{}
		if def != written {
			fallback = written.PosOr(st.Pos)
		}
		machine(p, st, def.Get("States"), fallback)
	}
	return nil
}

// definition returns the definition as a structured value: written as a
// mapping, or as JSON text (DefinitionString, a definition file).
func definition(v *model.Value) *model.Value {
	if v == nil || v.Kind == model.Map {
		return v
	}
	if v.Kind != model.String || !v.IsResolved() {
		return nil
	}
	d, err := jsonv.Decode(v.Pos.File, []byte(v.Str), decode.Limits{})
	if err != nil || d.Kind != model.Map {
		return nil
	}
	return d
}

// machine checks one States map and the nested ones of Parallel and Map
// states. fallback, when valid, positions every finding (a definition
// written as JSON text).
func machine(p *rule.Pass, st *model.Store, states *model.Value, fallback model.Pos) {
	byName := map[string]*model.Value{}
	for _, s := range states.Entries() {
		byName[s.Key] = s.Value
	}
	at := func(v *model.Value) model.Pos {
		if fallback.IsValid() || v == nil {
			return fallback
		}
		return v.Pos
	}
	for _, s := range states.Entries() {
		name, state := s.Key, s.Value
		for _, c := range state.Get("Catch").Elems() {
			if !matchesAll(c.Get("ErrorEquals")) {
				continue
			}
			if via, ok := leadsBack(byName, c.Get("Next").String(), name); ok {
				path := "goes back to it"
				if len(via) > 0 {
					path = "goes back to it through " + strings.Join(via, " → ")
				}
				f := rule.Finding{Resource: st.ID, Message: fmt.Sprintf("state %q of state machine %s catches States.ALL and %s: a persistent error repeats the state until the execution's history or time limit ends it, each round paid for", name, st.ID, path),
					Path: []graph.NodeID{kit.StoreNode(p, st.ID)}}
				f.At(at(c))
				p.Report(f)
			}
		}
		for _, r := range state.Get("Retry").Elems() {
			n, ok := r.Get("MaxAttempts").AsInt()
			if ok && n >= manyAttempts && matchesAll(r.Get("ErrorEquals")) {
				f := rule.Finding{Resource: st.ID, Severity: rule.Low, Message: fmt.Sprintf("state %q of state machine %s retries States.ALL up to %d times: errors that retrying cannot fix are paid for %d times over", name, st.ID, n, n+1),
					Path: []graph.NodeID{kit.StoreNode(p, st.ID)}}
				f.At(at(r.Get("MaxAttempts")))
				p.Report(f)
			}
		}
		for _, b := range state.Get("Branches").Elems() {
			machine(p, st, b.Get("States"), fallback)
		}
		for _, key := range []string{"Iterator", "ItemProcessor"} {
			machine(p, st, state.Path(key, "States"), fallback)
		}
	}
}

func matchesAll(errs *model.Value) bool {
	for _, e := range append([]*model.Value{errs}, errs.Elems()...) {
		if e != nil && e.Kind == model.String && e.Str == "States.ALL" {
			return true
		}
	}
	return false
}

// leadsBack follows Next from start through Pass and Wait states (which
// cannot fail or stop the loop) and reports whether it reaches target,
// with the states passed on the way.
func leadsBack(states map[string]*model.Value, start, target string) ([]string, bool) {
	var via []string
	seen := map[string]bool{}
	for cur := start; cur != "" && !seen[cur]; {
		if cur == target {
			return via, true
		}
		seen[cur] = true
		s := states[cur]
		switch s.Get("Type").String() {
		case "Pass", "Wait":
			via = append(via, cur)
			cur = s.Get("Next").String()
		default:
			return nil, false
		}
	}
	return nil, false
}
