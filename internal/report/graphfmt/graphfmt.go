// Package graphfmt writes the application graph as Graphviz DOT and as a
// Mermaid flowchart for pull requests. Output is deterministic: nodes and
// edges are written in ID order whatever order the graph holds them in.
package graphfmt

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Options select what is drawn. The zero value draws principals, entry
// points, functions and stores, without roles.
type Options struct {
	// Roles includes role nodes and assumes edges.
	Roles bool
}

// column orders node kinds left to right.
func column(k graph.NodeKind) int {
	switch k {
	case graph.NodePrincipal:
		return 0
	case graph.NodeEntryPoint:
		return 1
	case graph.NodeFunction:
		return 2
	case graph.NodeStore:
		return 3
	}
	return 4
}

// selected returns the nodes and edges to draw, sorted: nodes by column
// then ID, edges by (from, to, kind).
func selected(g *graph.Graph, opt Options) ([]*graph.Node, []*graph.Edge, map[graph.NodeID]int) {
	var nodes []*graph.Node
	for _, n := range g.Nodes {
		if n.ID.Kind == graph.NodeRole && !opt.Roles {
			continue
		}
		nodes = append(nodes, n)
	}
	sort.SliceStable(nodes, func(i, j int) bool {
		if ci, cj := column(nodes[i].ID.Kind), column(nodes[j].ID.Kind); ci != cj {
			return ci < cj
		}
		return nodes[i].ID.Less(nodes[j].ID)
	})
	num := make(map[graph.NodeID]int, len(nodes))
	for i, n := range nodes {
		num[n.ID] = i
	}
	var edges []*graph.Edge
	for _, e := range g.Edges {
		if _, ok := num[e.From]; !ok {
			continue
		}
		if _, ok := num[e.To]; !ok {
			continue
		}
		edges = append(edges, e)
	}
	sort.SliceStable(edges, func(i, j int) bool {
		a, b := edges[i], edges[j]
		if c := a.From.Compare(b.From); c != 0 {
			return c < 0
		}
		if c := a.To.Compare(b.To); c != 0 {
			return c < 0
		}
		return a.Kind < b.Kind
	})
	return nodes, edges, num
}

// anonymous reports whether an entry point is open to anyone (no auth, or
// an API key only).
func anonymous(n *graph.Node) bool {
	if n.ID.Kind != graph.NodeEntryPoint {
		return false
	}
	a, _, _ := strings.Cut(n.Auth, ",")
	return (a == "none" || a == "api-key") && !strings.Contains(n.Auth, "private")
}

// multiStack reports whether the nodes come from more than one stack, in
// which case labels name their stack.
func multiStack(nodes []*graph.Node) bool {
	first := ""
	for _, n := range nodes {
		if n.ID.Stack == "" {
			continue
		}
		if first == "" {
			first = n.ID.Stack
		} else if n.ID.Stack != first {
			return true
		}
	}
	return false
}

// label is the text shown for a node; withStack appends its stack.
func label(n *graph.Node, withStack bool) string {
	s := n.Name
	switch n.ID.Kind {
	case graph.NodeEntryPoint:
		if n.Auth != "" {
			s += " (" + n.Auth + ")"
		}
	case graph.NodeStore:
		s += " [" + n.Sub + "]"
		if n.Classification != "" {
			s += " " + n.Classification
		}
	}
	if withStack && n.ID.Stack != "" {
		s += " · " + n.ID.Stack
	}
	return s
}

// WriteDOT writes g as a Graphviz digraph, left to right.
func WriteDOT(w io.Writer, g *graph.Graph, opt Options) error {
	bw := bufio.NewWriter(w)
	nodes, edges, num := selected(g, opt)
	multi := multiStack(nodes)
	fmt.Fprintln(bw, "digraph nightlight {")
	fmt.Fprintln(bw, "  rankdir=LR;")
	fmt.Fprintln(bw, `  node [fontname="Helvetica", fontsize=10];`)
	fmt.Fprintln(bw, `  edge [fontname="Helvetica", fontsize=9];`)
	for _, n := range nodes {
		attrs := []string{"label=" + dotQuote(label(n, multi))}
		switch n.ID.Kind {
		case graph.NodePrincipal:
			attrs = append(attrs, "shape=oval")
		case graph.NodeEntryPoint:
			attrs = append(attrs, "shape=parallelogram")
		case graph.NodeFunction:
			attrs = append(attrs, "shape=box")
		case graph.NodeStore:
			attrs = append(attrs, "shape=cylinder")
		case graph.NodeRole:
			attrs = append(attrs, "shape=hexagon")
		}
		switch {
		case n.ID == graph.PrincipalInternet || anonymous(n):
			attrs = append(attrs, `style=filled`, `fillcolor="#f8d7da"`, `color="#b02a37"`)
		case n.ID.Kind == graph.NodeStore && n.Classification != "":
			attrs = append(attrs, `style=filled`, `fillcolor="#fff3cd"`, `color="#997404"`)
		}
		if n.File != "" {
			attrs = append(attrs, "tooltip="+dotQuote(fmt.Sprintf("%s:%d", n.File, n.Line)))
		}
		fmt.Fprintf(bw, "  n%d [%s]; // %s\n", num[n.ID], strings.Join(attrs, ", "), n.ID)
	}
	for _, e := range edges {
		attrs := []string{"label=" + dotQuote(string(e.Kind))}
		style := ""
		switch e.Kind {
		case graph.EdgeReads:
			attrs = append(attrs, `color="#0d6efd"`)
		case graph.EdgeWrites:
			attrs = append(attrs, `color="#dc3545"`)
		case graph.EdgeManages:
			attrs = append(attrs, `color="#6f42c1"`)
			style = "bold"
		case graph.EdgeAssumes:
			style = "dotted"
		}
		if e.Confidence == model.ConfidenceLow {
			style = "dashed"
		}
		if style != "" {
			attrs = append(attrs, "style="+style)
		}
		if e.Evidence.File != "" {
			attrs = append(attrs, "tooltip="+dotQuote(strings.TrimSpace(fmt.Sprintf("%s:%d %s", e.Evidence.File, e.Evidence.Line, e.Via))))
		}
		fmt.Fprintf(bw, "  n%d -> n%d [%s];\n", num[e.From], num[e.To], strings.Join(attrs, ", "))
	}
	fmt.Fprintln(bw, "}")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write dot: %w", err)
	}
	return nil
}

func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// WriteMermaid writes g as a Mermaid flowchart, left to right: principals,
// entry points, functions and stores in columns; anonymous entry points
// and the Internet in red, classified stores in amber. The chart pastes
// into a GitHub pull request inside a ```mermaid block.
func WriteMermaid(w io.Writer, g *graph.Graph, opt Options) error {
	bw := bufio.NewWriter(w)
	nodes, edges, num := selected(g, opt)
	multi := multiStack(nodes)
	fmt.Fprintln(bw, "flowchart LR")
	titles := []string{"Principals", "Entry points", "Functions", "Stores", "Roles"}
	col := -1
	var anon, classified []string
	for _, n := range nodes {
		if c := column(n.ID.Kind); c != col {
			if col >= 0 {
				fmt.Fprintln(bw, "  end")
			}
			col = c
			fmt.Fprintf(bw, "  subgraph c%d[%s]\n", c, titles[c])
			fmt.Fprintln(bw, "    direction TB")
		}
		id := fmt.Sprintf("n%d", num[n.ID])
		text := mermaidText(label(n, multi))
		var shape string
		switch n.ID.Kind {
		case graph.NodePrincipal:
			shape = "([" + text + "])"
		case graph.NodeEntryPoint:
			shape = "[/" + text + "/]"
		case graph.NodeStore:
			shape = "[(" + text + ")]"
		case graph.NodeRole:
			shape = "{{" + text + "}}"
		default:
			shape = "[" + text + "]"
		}
		fmt.Fprintf(bw, "    %s%s\n", id, shape)
		switch {
		case n.ID == graph.PrincipalInternet || anonymous(n):
			anon = append(anon, id)
		case n.ID.Kind == graph.NodeStore && n.Classification != "":
			classified = append(classified, id)
		}
	}
	if col >= 0 {
		fmt.Fprintln(bw, "  end")
	}
	for _, e := range edges {
		arrow := "-->"
		switch {
		case e.Confidence == model.ConfidenceLow:
			arrow = "-.->"
		case e.Kind == graph.EdgeManages:
			arrow = "==>"
		}
		fmt.Fprintf(bw, "  n%d %s|%s| n%d\n", num[e.From], arrow, e.Kind, num[e.To])
	}
	fmt.Fprintln(bw, "  classDef anon fill:#f8d7da,stroke:#b02a37,color:#58151c")
	fmt.Fprintln(bw, "  classDef classified fill:#fff3cd,stroke:#997404,color:#664d03")
	if len(anon) > 0 {
		fmt.Fprintf(bw, "  class %s anon\n", strings.Join(anon, ","))
	}
	if len(classified) > 0 {
		fmt.Fprintf(bw, "  class %s classified\n", strings.Join(classified, ","))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write mermaid: %w", err)
	}
	return nil
}

// mermaidText quotes a label for Mermaid, escaping characters that would
// end it or be read as markup.
func mermaidText(s string) string {
	r := strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "\n", " ")
	return `"` + r.Replace(s) + `"`
}
