// Package depkit holds what the dependency rules (NL6003–NL6019) share:
// a function's exposure from the graph, severity arithmetic and the way a
// package is named in messages.
package depkit

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Exposure is how outsiders reach a function.
type Exposure struct {
	// Untrusted is true when anyone on the Internet (an API key included)
	// or any AWS account can make the function run, directly or through
	// what an entry point they reach writes or triggers (a bucket anyone
	// may write to that notifies the function, a queue another exposed
	// function fills).
	Untrusted bool
	// Why names the way in ("anonymous via route GET /items"); Path is the
	// graph path caller → entry point → … → function.
	Why  string
	Path []graph.NodeID
}

// exposureAnalysis maps function nodes to their most open exposure, from
// the attack surface of the whole graph (computed once per scan).
var exposureAnalysis = &rule.Analysis[map[graph.NodeID]Exposure]{Name: "dependency exposure",
	Run: func(_ context.Context, p *rule.Pass) (map[graph.NodeID]Exposure, error) {
		out := map[graph.NodeID]Exposure{}
		if p.Graph == nil {
			return out, nil
		}
		rows := graph.Surface(p.Graph)
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Access.Rank() < rows[j].Access.Rank() })
		for _, r := range rows {
			if !untrusted(r.Access) {
				continue
			}
			for _, f := range r.Reaches {
				if _, ok := out[f]; ok {
					continue
				}
				pth := []graph.NodeID{}
				if len(r.Principals) > 0 {
					pth = append(pth, r.Principals[0])
				}
				pth = append(pth, r.EntryPoint)
				if f != r.EntryPoint {
					pth = append(pth, f)
				}
				out[f] = Exposure{Untrusted: true, Why: fmt.Sprintf("%s via %s %s", r.Access, r.Kind, r.Name), Path: pth}
			}
		}
		return out, nil
	}}

// ExposureOf returns how outsiders reach fn of the pass's stack.
func ExposureOf(ctx context.Context, p *rule.Pass, fn *model.Function) Exposure {
	ex, err := rule.ResultOf(ctx, p, exposureAnalysis)
	if err != nil {
		return Exposure{}
	}
	return ex[graph.ID(p.Stack.ID, graph.NodeFunction, fn.ID)]
}

func untrusted(a graph.Access) bool {
	return a.Anonymous() || a == graph.AccessAnyAccount || a == graph.AccessConfused
}

// Shift moves s up (n > 0) or down (n < 0) by n steps, between low and
// critical.
func Shift(s rule.Severity, n int) rule.Severity {
	order := []rule.Severity{rule.Low, rule.Medium, rule.High, rule.Critical}
	i := s.Rank() - 1 + n
	switch {
	case s.Rank() < 1:
		return s
	case i < 0:
		i = 0
	case i >= len(order):
		i = len(order) - 1
	}
	return order[i]
}

// Reachability says whether the function's code imports a package.
type Reachability int

// Reachability values.
const (
	ReachUnknown Reachability = iota
	Imported
	NotImported
)

// String describes r for messages.
func (r Reachability) String() string {
	switch r {
	case Imported:
		return "the handler imports it"
	case NotImported:
		return "the handler's code never imports it"
	}
	return "reachability unknown"
}

// Where names the file that declares a package, with its layer.
func Where(pkg *model.Package) string {
	s := path.Base(pkg.Pos.File)
	if pkg.Layer != "" {
		s += " of layer " + pkg.Layer
	}
	return s
}

// Functions lists function IDs for a message: "A", "A and B", "A, B and 3
// more".
func Functions(ids []string) string {
	switch len(ids) {
	case 0:
		return ""
	case 1:
		return ids[0]
	case 2:
		return ids[0] + " and " + ids[1]
	}
	if len(ids) > 3 {
		return fmt.Sprintf("%s, %s and %d more", ids[0], ids[1], len(ids)-2)
	}
	return strings.Join(ids[:len(ids)-1], ", ") + " and " + ids[len(ids)-1]
}
