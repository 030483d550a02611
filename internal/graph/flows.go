package graph

import (
	"fmt"
	"sort"
	"strings"

	globpkg "github.com/nightlight-sec/nightlight/internal/glob"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Violation is a flow the policy denies that the graph has.
type Violation struct {
	// Rule names the rule: its name, or "deny #N" / "boundary NAME".
	Rule string `json:"rule"`
	// Kind is the rule's flow kind (data, reach, write).
	Kind string `json:"kind"`
	// From and To are the node IDs the path joins.
	From NodeID `json:"from"`
	To   NodeID `json:"to"`
	// Path is the full path of node IDs, From first, To last; Steps the
	// edges along it with their evidence.
	Path  []NodeID `json:"path"`
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
func CheckFlows(g *Graph, policy *model.FlowPolicy) []Violation {
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
				out = append(out, fc.check(name, model.FlowReach, fc.group(ga), fc.group(gb), b.Pos, func(from, to *Node) string {
					return fmt.Sprintf("%s (group %s) reaches %s (group %s) across a trust boundary", describe(from), ga, describe(to), gb)
				})...)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Pos != b.Pos {
			return a.Pos.Before(b.Pos)
		}
		if c := a.From.Compare(b.From); c != 0 {
			return c < 0
		}
		return a.To.Less(b.To)
	})
	return out
}

func verb(kind string) string {
	switch kind {
	case model.FlowReach:
		return "reaches"
	case model.FlowWrite:
		return "can write to"
	}
	return "flows to"
}

func describe(n *Node) string {
	switch n.ID.Kind {
	case NodeStore:
		s := n.Sub + " " + n.Name
		if n.Classification != "" {
			s += " (" + n.Classification + ")"
		}
		return s
	case NodePrincipal:
		return n.Name
	}
	return strings.ReplaceAll(string(n.ID.Kind), "-", " ") + " " + n.Name
}

// flowChecker holds the graph's data-flow adjacency and the policy.
type flowChecker struct {
	g      *Graph
	policy *model.FlowPolicy
	ix     *Index
	byID   map[NodeID]*Node
	data   map[NodeID][]NodeID // data-flow successors, sorted
	writer map[NodeID][]NodeID // nodes that write or manage a node
	allow  []allowRule
}

type allowRule struct {
	kind     string
	from, to map[NodeID]bool
}

func newFlowChecker(g *Graph, policy *model.FlowPolicy) *flowChecker {
	fc := &flowChecker{g: g, policy: policy, ix: g.index(), byID: map[NodeID]*Node{}, data: map[NodeID][]NodeID{}, writer: map[NodeID][]NodeID{}}
	for _, n := range g.Nodes {
		fc.byID[n.ID] = n
	}
	add := func(from, to NodeID) { fc.data[from] = append(fc.data[from], to) }
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
			if from.ID.Kind == NodePrincipal || from.ID.Kind == NodeFunction ||
				from.ID.Kind == NodeEntryPoint && from.Sub != "authorizer" {
				add(e.To, e.From)
			}
		}
		if e.Kind == EdgeAssumes && (from.ID.Kind == NodeEntryPoint || from.ID.Kind == NodePrincipal) {
			// Whoever assumes a role gets what the role reads.
			add(e.To, e.From)
		}
		if e.Kind == EdgeWrites || e.Kind == EdgeManages {
			fc.writer[e.To] = append(fc.writer[e.To], e.From)
		}
	}
	for k, v := range fc.data {
		fc.data[k] = sortedUniqueIDs(v)
	}
	for k, v := range fc.writer {
		fc.writer[k] = sortedUniqueIDs(v)
	}
	for _, r := range policy.Flows.Allow {
		fc.allow = append(fc.allow, allowRule{kind: r.Kind, from: set(fc.sel(r.From)), to: set(fc.sel(r.To))})
	}
	return fc
}

func set(ids []NodeID) map[NodeID]bool {
	m := make(map[NodeID]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func (fc *flowChecker) allowed(kind string, from, to NodeID) bool {
	for _, a := range fc.allow {
		if (a.kind == kind || a.kind == "") && a.from[from] && a.to[to] {
			return true
		}
	}
	return false
}

// check finds, for every source, the shortest path to every target.
func (fc *flowChecker) check(rule, kind string, sources, targets []NodeID, pos model.Pos, msg func(from, to *Node) string) []Violation {
	tset := set(targets)
	var out []Violation
	for _, s := range sources {
		var paths map[NodeID][]NodeID
		switch kind {
		case model.FlowReach:
			paths = fc.reachPaths(s, tset)
		case model.FlowWrite:
			paths = fc.writePaths(s, tset)
		default:
			paths = fc.dataPaths(s, tset)
		}
		for _, t := range sortedIDKeys(paths) {
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
func (fc *flowChecker) steps(kind string, path []NodeID) []*Edge {
	if kind != model.FlowData {
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
func bfs(s NodeID, succ func(NodeID) []NodeID, targets map[NodeID]bool) map[NodeID][]NodeID {
	parent := map[NodeID]NodeID{s: s}
	queue := []NodeID{s}
	out := map[NodeID][]NodeID{}
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
				var p []NodeID
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

func (fc *flowChecker) dataPaths(s NodeID, targets map[NodeID]bool) map[NodeID][]NodeID {
	return bfs(s, func(u NodeID) []NodeID { return fc.data[u] }, targets)
}

func (fc *flowChecker) reachPaths(s NodeID, targets map[NodeID]bool) map[NodeID][]NodeID {
	out := map[NodeID][]NodeID{}
	for t := range targets {
		if p := fc.ix.ShortestPath(s, t); p != nil {
			out[t] = p
		}
	}
	return out
}

// writePaths: s reaches (or is) a node that writes or manages the target.
func (fc *flowChecker) writePaths(s NodeID, targets map[NodeID]bool) map[NodeID][]NodeID {
	out := map[NodeID][]NodeID{}
	for _, t := range sortedIDKeys(targets) {
		var best []NodeID
		for _, w := range fc.writer[t] {
			var p []NodeID
			if w == s {
				p = []NodeID{s}
			} else if p = fc.ix.ShortestPath(s, w); p == nil {
				continue
			}
			if best == nil || len(p)+1 < len(best) {
				best = append(append([]NodeID(nil), p...), t)
			}
		}
		if best != nil {
			out[t] = best
		}
	}
	return out
}

// sel resolves a selector to node IDs, sorted.
func (fc *flowChecker) sel(s string) []NodeID {
	kind, arg, hasKind := strings.Cut(s, ":")
	var out []NodeID
	pick := func(ok func(n *Node) bool) {
		for _, n := range fc.g.Nodes {
			if ok(n) {
				out = append(out, n.ID)
			}
		}
	}
	matchRef := func(n *Node, glob string) bool {
		return globpkg.Match(glob, n.Ref) || globpkg.Match(glob, n.Name) || strings.Contains(glob, "#") && globpkg.Match(glob, n.ID.Stack+"#"+n.Ref)
	}
	lower := strings.ToLower(s)
	switch {
	case lower == "internet" || lower == "anonymous":
		out = []NodeID{PrincipalInternet}
	case lower == "api-key":
		out = []NodeID{PrincipalAPIKey}
	case lower == "authenticated":
		pick(func(n *Node) bool { return n.ID.Kind == NodePrincipal && n.Sub == SubAuthenticated })
	case lower == "account" || lower == "accounts":
		pick(func(n *Node) bool { return n.ID.Kind == NodePrincipal && n.Sub == SubAccount })
	case hasKind && kind == "principal":
		pick(func(n *Node) bool {
			return n.ID.Kind == NodePrincipal && globpkg.Match("principal:"+arg, n.ID.String())
		})
	case hasKind && kind == "function":
		pick(func(n *Node) bool { return n.ID.Kind == NodeFunction && matchRef(n, arg) })
	case hasKind && kind == "store":
		pick(func(n *Node) bool { return n.ID.Kind == NodeStore && matchRef(n, arg) })
	case hasKind && kind == "group":
		return fc.group(arg)
	case hasKind && kind == "class":
		pick(func(n *Node) bool { return n.ID.Kind == NodeStore && strings.EqualFold(n.Classification, arg) })
	default:
		pick(func(n *Node) bool { return n.ID.Kind == NodeStore && strings.EqualFold(n.Classification, s) })
		if len(out) == 0 {
			pick(func(n *Node) bool { return n.ID.Kind == NodeStore && matchRef(n, s) })
		}
		if len(out) == 0 {
			pick(func(n *Node) bool { return n.ID.Kind == NodeFunction && matchRef(n, s) })
		}
		if len(out) == 0 {
			return fc.group(s)
		}
	}
	SortIDs(out)
	return out
}

// group returns the function nodes of a group, sorted.
func (fc *flowChecker) group(name string) []NodeID {
	var out []NodeID
	for _, n := range fc.g.Nodes {
		if n.ID.Kind == NodeFunction && n.Group == name {
			out = append(out, n.ID)
		}
	}
	return out
}
