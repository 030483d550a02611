package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Violation is a flow the policy denies that the graph has.
type Violation struct {
	// Rule names the rule: its name, or "deny #N" / "boundary NAME".
	Rule string `json:"rule"`
	// Kind is the rule's flow kind (data, reach, write).
	Kind string `json:"kind"`
	// From and To are the node IDs the path joins.
	From string `json:"from"`
	To   string `json:"to"`
	// Path is the full path of node IDs, From first, To last; Steps the
	// edges along it with their evidence.
	Path  []string `json:"path"`
	Steps []*Edge  `json:"steps"`
	// Message says what flows where, and why it is denied.
	Message string `json:"message"`
	// Pos is where the rule is written in the configuration.
	Pos model.Pos `json:"pos"`
}

// CheckFlows returns the flows of g that policy denies, with the shortest
// path as evidence: one violation per (rule, from, to), sorted by rule
// position, then From, then To. Flows matched by an allow rule are left
// out. A nil policy denies nothing.
func CheckFlows(g *Graph, policy *config.Config) []Violation {
	if policy == nil {
		return nil
	}
	fc := newFlowChecker(g, policy)
	var out []Violation
	for i, r := range policy.Flows.Deny {
		name := r.Name
		if name == "" {
			name = fmt.Sprintf("deny #%d", i+1)
		}
		reason := r.Reason
		out = append(out, fc.check(name, r.Kind, fc.sel(r.From), fc.sel(r.To), r.Pos, func(from, to *Node) string {
			msg := fmt.Sprintf("%s %s %s", describe(from), verb(r.Kind), describe(to))
			if reason != "" {
				msg += ": " + reason
			}
			return msg
		})...)
	}
	for _, b := range policy.Boundaries {
		name := b.Name
		if name == "" {
			name = "boundary " + strings.Join(b.Groups, "|")
		}
		for _, ga := range b.Groups {
			for _, gb := range b.Groups {
				if ga == gb {
					continue
				}
				ga, gb := ga, gb
				out = append(out, fc.check(name, config.FlowReach, fc.group(ga), fc.group(gb), b.Pos, func(from, to *Node) string {
					return fmt.Sprintf("%s (group %s) reaches %s (group %s) across a trust boundary", describe(from), ga, describe(to), gb)
				})...)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Pos != b.Pos {
			return posLess(a.Pos, b.Pos)
		}
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	return out
}

func verb(kind string) string {
	switch kind {
	case config.FlowReach:
		return "reaches"
	case config.FlowWrite:
		return "can write to"
	}
	return "flows to"
}

func describe(n *Node) string {
	switch n.Kind {
	case NodeStore:
		s := n.Sub + " " + n.Name
		if n.Classification != "" {
			s += " (" + n.Classification + ")"
		}
		return s
	case NodePrincipal:
		return n.Name
	}
	return strings.ReplaceAll(string(n.Kind), "-", " ") + " " + n.Name
}

// flowChecker holds the graph's data-flow adjacency and the policy.
type flowChecker struct {
	g      *Graph
	policy *config.Config
	ix     *Index
	byID   map[string]*Node
	data   map[string][]string // data-flow successors, sorted
	writer map[string][]string // nodes that write or manage a node
	allow  []allowRule
}

type allowRule struct {
	kind     string
	from, to map[string]bool
}

func newFlowChecker(g *Graph, policy *config.Config) *flowChecker {
	fc := &flowChecker{g: g, policy: policy, ix: g.index(), byID: map[string]*Node{}, data: map[string][]string{}, writer: map[string][]string{}}
	for _, n := range g.Nodes {
		fc.byID[n.ID] = n
	}
	add := func(from, to string) { fc.data[from] = append(fc.data[from], to) }
	for _, e := range g.Edges {
		from, to := fc.byID[e.From], fc.byID[e.To]
		if from == nil || to == nil {
			continue
		}
		switch e.Kind {
		case EdgeReads, EdgeWrites:
			add(e.From, e.To)
		case EdgeInvokes:
			add(e.From, e.To)
			// A synchronous call returns data to its caller: requests to
			// entry points, entry points' functions, function-to-function
			// calls. Event sources (store → function) get nothing back,
			// nor does a Lambda authorizer's caller.
			if from.Kind == NodePrincipal || from.Kind == NodeFunction ||
				from.Kind == NodeEntryPoint && from.Sub != "authorizer" {
				add(e.To, e.From)
			}
		}
		if e.Kind == EdgeAssumes && (from.Kind == NodeEntryPoint || from.Kind == NodePrincipal) {
			// Whoever assumes a role gets what the role reads.
			add(e.To, e.From)
		}
		if e.Kind == EdgeWrites || e.Kind == EdgeManages {
			fc.writer[e.To] = append(fc.writer[e.To], e.From)
		}
	}
	for k, v := range fc.data {
		fc.data[k] = model.SortedUnique(v)
	}
	for k, v := range fc.writer {
		fc.writer[k] = model.SortedUnique(v)
	}
	for _, r := range policy.Flows.Allow {
		fc.allow = append(fc.allow, allowRule{kind: r.Kind, from: set(fc.sel(r.From)), to: set(fc.sel(r.To))})
	}
	return fc
}

func set(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func (fc *flowChecker) allowed(kind, from, to string) bool {
	for _, a := range fc.allow {
		if (a.kind == kind || a.kind == "") && a.from[from] && a.to[to] {
			return true
		}
	}
	return false
}

// check finds, for every source, the shortest path to every target.
func (fc *flowChecker) check(rule, kind string, sources, targets []string, pos model.Pos, msg func(from, to *Node) string) []Violation {
	tset := set(targets)
	var out []Violation
	for _, s := range sources {
		var paths map[string][]string
		switch kind {
		case config.FlowReach:
			paths = fc.reachPaths(s, tset)
		case config.FlowWrite:
			paths = fc.writePaths(s, tset)
		default:
			paths = fc.dataPaths(s, tset)
		}
		for _, t := range sortedKeys(paths) {
			if t == s || fc.allowed(kind, s, t) {
				continue
			}
			p := paths[t]
			out = append(out, Violation{Rule: rule, Kind: kind, From: s, To: t, Path: p, Steps: fc.steps(kind, p),
				Message: msg(fc.byID[s], fc.byID[t]), Pos: pos})
		}
	}
	return out
}

// steps returns the edges along a path; a data step against an invokes
// or assumes edge (a response, what a role reads) is that edge.
func (fc *flowChecker) steps(kind string, path []string) []*Edge {
	if kind != config.FlowData {
		if es := fc.ix.PathEdges(path); es != nil {
			return es
		}
	}
	var out []*Edge
	for i := 0; i+1 < len(path); i++ {
		var found *Edge
		for _, e := range fc.g.Edges {
			if e.From == path[i] && e.To == path[i+1] || e.From == path[i+1] && e.To == path[i] && (e.Kind == EdgeInvokes || e.Kind == EdgeAssumes) {
				if found == nil || e.From == path[i] && found.From != path[i] {
					found = e
				}
			}
		}
		if found != nil {
			out = append(out, found)
		}
	}
	return out
}

// bfs runs a breadth-first search from s over succ and returns the
// shortest path to every target reached.
func bfs(s string, succ func(string) []string, targets map[string]bool) map[string][]string {
	parent := map[string]string{s: s}
	queue := []string{s}
	out := map[string][]string{}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, v := range succ(u) {
			if _, ok := parent[v]; ok {
				continue
			}
			parent[v] = u
			queue = append(queue, v)
			if targets[v] {
				var p []string
				for x := v; ; x = parent[x] {
					p = append(p, x)
					if x == s {
						break
					}
				}
				for i, j := 0, len(p)-1; i < j; i, j = i+1, j-1 {
					p[i], p[j] = p[j], p[i]
				}
				out[v] = p
			}
		}
	}
	return out
}

func (fc *flowChecker) dataPaths(s string, targets map[string]bool) map[string][]string {
	return bfs(s, func(u string) []string { return fc.data[u] }, targets)
}

func (fc *flowChecker) reachPaths(s string, targets map[string]bool) map[string][]string {
	out := map[string][]string{}
	for t := range targets {
		if p := fc.ix.ShortestPath(s, t); p != nil {
			out[t] = p
		}
	}
	return out
}

// writePaths: s reaches (or is) a node that writes or manages the target.
func (fc *flowChecker) writePaths(s string, targets map[string]bool) map[string][]string {
	out := map[string][]string{}
	for _, t := range sortedKeys(targets) {
		var best []string
		for _, w := range fc.writer[t] {
			var p []string
			if w == s {
				p = []string{s}
			} else if p = fc.ix.ShortestPath(s, w); p == nil {
				continue
			}
			if best == nil || len(p)+1 < len(best) {
				best = append(append([]string(nil), p...), t)
			}
		}
		if best != nil {
			out[t] = best
		}
	}
	return out
}

// sel resolves a selector to node IDs, sorted.
func (fc *flowChecker) sel(s string) []string {
	kind, arg, hasKind := strings.Cut(s, ":")
	var out []string
	pick := func(ok func(n *Node) bool) {
		for _, n := range fc.g.Nodes {
			if ok(n) {
				out = append(out, n.ID)
			}
		}
	}
	matchRef := func(n *Node, glob string) bool {
		return config.Glob(glob, n.Ref) || config.Glob(glob, n.Name) || strings.Contains(glob, "#") && config.Glob(glob, n.Stack+"#"+n.Ref)
	}
	lower := strings.ToLower(s)
	switch {
	case lower == "internet" || lower == "anonymous":
		out = []string{PrincipalInternet}
	case lower == "api-key":
		out = []string{PrincipalAPIKey}
	case lower == "authenticated":
		pick(func(n *Node) bool { return n.Kind == NodePrincipal && n.Sub == SubAuthenticated })
	case lower == "account" || lower == "accounts":
		pick(func(n *Node) bool { return n.Kind == NodePrincipal && n.Sub == SubAccount })
	case hasKind && kind == "principal":
		pick(func(n *Node) bool { return n.Kind == NodePrincipal && config.Glob("principal:"+arg, n.ID) })
	case hasKind && kind == "function":
		pick(func(n *Node) bool { return n.Kind == NodeFunction && matchRef(n, arg) })
	case hasKind && kind == "store":
		pick(func(n *Node) bool { return n.Kind == NodeStore && matchRef(n, arg) })
	case hasKind && kind == "group":
		return fc.group(arg)
	case hasKind && kind == "class":
		pick(func(n *Node) bool { return n.Kind == NodeStore && strings.EqualFold(n.Classification, arg) })
	default:
		pick(func(n *Node) bool { return n.Kind == NodeStore && strings.EqualFold(n.Classification, s) })
		if len(out) == 0 {
			pick(func(n *Node) bool { return n.Kind == NodeStore && matchRef(n, s) })
		}
		if len(out) == 0 {
			pick(func(n *Node) bool { return n.Kind == NodeFunction && matchRef(n, s) })
		}
		if len(out) == 0 {
			return fc.group(s)
		}
	}
	sort.Strings(out)
	return out
}

// group returns the function nodes of a group, sorted.
func (fc *flowChecker) group(name string) []string {
	var out []string
	for _, n := range fc.g.Nodes {
		if n.Kind == NodeFunction && n.Group == name {
			out = append(out, n.ID)
		}
	}
	return out
}
