package rule

import (
	"context"
	"fmt"
	"sync"

	"github.com/nightlight-sec/nightlight/internal/conc"
)

// Scope says what one call of a rule's Run checks.
type Scope int

const (
	// StackScope rules run once per stack (p.Stack is set); most rules.
	StackScope Scope = iota
	// AppScope rules run once per application, after the stack rules,
	// with p.Stack and p.Facts nil: they judge relations across stacks
	// (flow policy over the whole graph, say). Their findings name their
	// file; Report fills Stack from the finding's path or file.
	AppScope
)

// Analysis is a computation that several rules share, in the spirit of
// go/analysis: a typed result (T) keyed by the *Analysis value itself, so
// that rules ask for what they need by name and type instead of through
// string-keyed memos and type assertions.
//
// A per-stack analysis (PerStack) is computed at most once per stack and
// its Run sees the stack's pass (p.Stack, p.Facts); an application-wide
// one is computed at most once per rule.Run, whichever rule asks first,
// and its Run sees a pass with Stack and Facts nil. Results are computed
// on first use and must not be modified by their users.
//
// Declare analyses as package-level variables (they hold no state; the
// memo lives in the run):
//
//	var Flows = &rule.Analysis[[]graph.Violation]{Name: "flows", Run: …}
//	vs, err := rule.ResultOf(ctx, p, Flows)
type Analysis[T any] struct {
	// Name identifies the analysis in errors.
	Name string
	// PerStack computes the analysis once per stack rather than once per
	// application.
	PerStack bool
	// Run computes the result.
	Run func(ctx context.Context, p *Pass) (T, error)
}

// ResultOf returns a's result for the pass's run (and stack, for a
// per-stack analysis), computing it on first use. A per-stack analysis
// asked for from an app-scope pass is an error.
func ResultOf[T any](ctx context.Context, p *Pass, a *Analysis[T]) (T, error) {
	var zero T
	var m *memo
	if a.PerStack {
		if p.Facts == nil {
			return zero, fmt.Errorf("analysis %s is per stack; the pass has no stack", a.Name)
		}
		m = p.Facts.analyses()
	} else {
		m = p.shared
		if m == nil {
			m = newMemo() // a pass made outside Run: compute without sharing
		}
	}
	e := m.entry(a)
	e.once.Do(func() {
		q := p
		if !a.PerStack {
			// Application-wide: the result must not depend on which
			// rule or stack asked first.
			q = &Pass{App: p.App, Graph: p.Graph, Now: p.Now, Config: p.Config, IAM: p.IAM, shared: p.shared}
		}
		e.err = conc.Safely("computing analysis "+a.Name, func() error {
			v, err := a.Run(ctx, q)
			e.v = v
			return err
		})
	})
	if e.err != nil {
		return zero, e.err
	}
	v, _ := e.v.(T)
	return v, nil
}

// memo holds analysis results keyed by *Analysis. It is safe for
// concurrent use.
type memo struct {
	mu   sync.Mutex
	vals map[any]*memoEntry
}

type memoEntry struct {
	once sync.Once
	v    any
	err  error
}

func newMemo() *memo { return &memo{vals: map[any]*memoEntry{}} }

func (m *memo) entry(key any) *memoEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.vals[key]
	if e == nil {
		e = &memoEntry{}
		m.vals[key] = e
	}
	return e
}
