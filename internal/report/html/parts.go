package html

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"maps"
	"sort"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/report"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// A scan analysed part by part (internal/scan) writes the page from its
// parts: each part's stacks, nodes, edges, findings and attack surface
// are built from the part's graph alone (NewPart) and kept encoded,
// and WriteParts writes the page from them, byte for byte what Write
// writes for the whole document. That holds when no graph edge or
// finding reaches from one part into another; NewPart checks what it
// can see and returns ErrCrossPart otherwise.

// ErrCrossPart says that a part's graph or findings refer to another
// part, so that the part's page data would differ from the whole page's.
var ErrCrossPart = errors.New("the page data of the part depends on other parts")

// Part is the page data of one part of a scan, each entry encoded as the
// page embeds it. Nodes and Edges are those of the part's stacks: the
// shared principals (nodes without a stack) and the edges from them are
// the caller's to keep (PrincipalNodes, PrincipalEdges).
type Part struct {
	Stacks, Nodes, Edges, Surface [][]byte
	// StackIDs are the IDs of Stacks, sorted.
	StackIDs []string
	// Findings are in the page's order within the part.
	Findings []PartFinding
	// Worst is the highest severity of the part's findings that touch
	// each shared principal.
	Worst map[graph.NodeID]rule.Severity
	// Assumed are the shared principals on the part's findings' paths
	// that its graph lacks: the part's data is the whole page's only if
	// the whole graph has them (another part's graph does).
	Assumed []graph.NodeID
	// PrincipalsFirst is true when the part's nodes sort after the shared
	// principals' ("principal:…"), false when before; its nodes never
	// straddle them.
	PrincipalsFirst bool
}

// PartFinding is one finding of a part as the page shows it, with the
// keys the page orders findings by first: parts are disjoint folders in
// path order, so findings of one severity and rule follow each other
// part after part (the next key is the file).
type PartFinding struct {
	Rank int
	Rule string
	JSON []byte
}

// NewPart builds the page data of a part: g is the part's graph (the
// nodes and edges of its stacks, and the shared principals with their
// edges into them), findings its reported findings, stacks the IDs of
// its stacks and root the scanned path.
func NewPart(g *graph.Graph, findings []rule.Finding, stacks map[string]bool, root string) (*Part, error) {
	g = sortedGraph(g)
	byID := make(map[string]*graph.Node, len(g.Nodes))
	for _, n := range g.Nodes {
		byID[n.ID.String()] = n
	}
	// What the whole graph would have beyond the part's: nodes of other
	// stacks and principals the part's graph lacks.
	foreign := func(id graph.NodeID) bool {
		return byID[id.String()] == nil && !stacks[id.Stack]
	}
	for _, e := range g.Edges {
		to := e.To
		if e.Kind == graph.EdgeReads {
			to = e.From
		}
		if to.Stack == "" {
			// Reached from the part, a principal would lead to the other
			// parts that reach it: the attack surface would differ.
			return nil, fmt.Errorf("%w: an edge into %s", ErrCrossPart, to)
		}
		if foreign(e.From) || foreign(e.To) {
			return nil, fmt.Errorf("%w: edge %s → %s", ErrCrossPart, e.From, e.To)
		}
	}
	p := &Part{Worst: map[graph.NodeID]rule.Severity{}}
	anon := anonymous(g, byID)
	edgesByID := maps.Clone(byID)
	byRef := map[string][]string{}
	for _, n := range g.Nodes {
		if n.Ref != "" {
			byRef[n.Ref] = append(byRef[n.Ref], n.ID.String())
		}
	}
	// A finding's path may start at a shared principal the part's graph
	// lacks (a rule names the internet as the caller): the whole graph
	// has it if another part's has. It is taken as present, and the
	// caller checks at the end (Part.Assumed).
	principals := map[string]graph.NodeID{}
	for _, n := range g.Nodes {
		if n.ID.Stack == "" {
			principals[n.ID.String()] = n.ID
		}
	}
	for _, f := range findings {
		for _, nid := range f.Path {
			if id := nid.String(); nid.Stack == "" && nid.Kind == graph.NodePrincipal && byID[id] == nil {
				byID[id] = &graph.Node{ID: nid}
				principals[id] = nid
				p.Assumed = append(p.Assumed, nid)
			}
		}
	}
	fs := append([]rule.Finding(nil), findings...)
	sort.SliceStable(fs, func(i, j int) bool { return findingLess(&fs[i], &fs[j]) })
	worst := map[string]rule.Severity{}
	for i := range fs {
		f := &fs[i]
		if f.Resource != "" && !stacks[f.Stack] {
			return nil, fmt.Errorf("%w: a finding of %s on %s of stack %q", ErrCrossPart, f.Rule, f.Resource, f.Stack)
		}
		for _, nid := range f.Path {
			if _, _, _, ok := nid.Step(); !ok && foreign(nid) {
				return nil, fmt.Errorf("%w: a finding of %s through %s", ErrCrossPart, f.Rule, nid)
			}
		}
		vf := findingView(f, byID, byRef, worst)
		b, err := marshal(vf)
		if err != nil {
			return nil, err
		}
		p.Findings = append(p.Findings, PartFinding{Rank: f.Severity.Rank(), Rule: f.Rule, JSON: b})
	}
	before, after := false, false
	seen := map[string]bool{}
	var stackIDs []string
	for id, nid := range principals {
		if w, ok := worst[id]; ok {
			p.Worst[nid] = w
		}
	}
	for _, n := range g.Nodes {
		id := n.ID.String()
		if n.ID.Stack == "" {
			continue
		}
		if id < principalPrefix {
			before = true
		} else {
			after = true
		}
		b, err := marshal(nodeView(n, anon, worst))
		if err != nil {
			return nil, err
		}
		p.Nodes = append(p.Nodes, b)
		if !seen[n.ID.Stack] {
			seen[n.ID.Stack] = true
			stackIDs = append(stackIDs, n.ID.Stack)
		}
	}
	if before && after {
		return nil, fmt.Errorf("%w: its nodes sort on both sides of the shared principals", ErrCrossPart)
	}
	p.PrincipalsFirst = after
	sort.Strings(stackIDs)
	p.StackIDs = stackIDs
	for _, id := range stackIDs {
		b, err := marshal(viewStack{ID: id, Name: stackName(root, id)})
		if err != nil {
			return nil, err
		}
		p.Stacks = append(p.Stacks, b)
	}
	for _, e := range g.Edges {
		if e.From.Stack == "" || edgesByID[e.From.String()] == nil || edgesByID[e.To.String()] == nil {
			continue
		}
		b, err := marshal(edgeView(e))
		if err != nil {
			return nil, err
		}
		p.Edges = append(p.Edges, b)
	}
	for _, r := range surface(g, edgesByID, anon) {
		b, err := marshal(r)
		if err != nil {
			return nil, err
		}
		p.Surface = append(p.Surface, b)
	}
	return p, nil
}

// principalPrefix starts the text of every shared principal's node ID.
const principalPrefix = "principal:"

// PrincipalNodes encodes the shared principals' nodes (sorted by ID), each
// with the highest severity of the findings that touch it.
func PrincipalNodes(nodes []*graph.Node, worst map[graph.NodeID]rule.Severity) report.Elements {
	return encodeEach(len(nodes), func(i int) any {
		n := nodes[i]
		w := map[string]rule.Severity{}
		if s, ok := worst[n.ID]; ok {
			w[n.ID.String()] = s
		}
		return nodeView(n, anonymous(&graph.Graph{Nodes: []*graph.Node{n}}, nil), w)
	})
}

// PrincipalEdges encodes the edges from the shared principals (sorted).
// Each one's ends must be in the page: a part whose principal edge has an
// end outside its graph is refused by NewPart.
func PrincipalEdges(edges []*graph.Edge) report.Elements {
	return encodeEach(len(edges), func(i int) any { return edgeView(edges[i]) })
}

// Inputs encodes the scan's inputs, sorted by path.
func Inputs(inputs []result.Input) report.Elements {
	return encodeEach(len(inputs), func(i int) any {
		in := inputs[i]
		return viewInput{Path: in.Path, Format: string(in.Format), Error: in.Error}
	})
}

// Encoded gives encoded entries as page elements.
func Encoded(list [][]byte) report.Elements {
	return report.Elements{N: len(list), Each: func(yield func([]byte) error) error {
		for _, b := range list {
			if err := yield(b); err != nil {
				return err
			}
		}
		return nil
	}}
}

func encodeEach(n int, at func(i int) any) report.Elements {
	return report.Elements{N: n, Each: func(yield func([]byte) error) error {
		for i := range n {
			b, err := marshal(at(i))
			if err != nil {
				return err
			}
			if err := yield(b); err != nil {
				return err
			}
		}
		return nil
	}}
}

// marshal encodes one entry as marshalView does inside the page's data.
func marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("html report: %w", err)
	}
	return b, nil
}

// Parts are the page's data given list by list, each entry encoded by
// NewPart, PrincipalNodes, PrincipalEdges, Inputs or Encoded, in the
// page's order.
type Parts struct {
	Tool result.Tool
	// Title names the application ("": none); Root is the scanned path.
	Title, Root                                     string
	Stacks, Inputs, Nodes, Edges, Findings, Surface report.Elements
}

// WriteParts writes the page Write writes, from its data given list by
// list.
func WriteParts(w io.Writer, p Parts) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	title := "nightlight report"
	if p.Title != "" {
		title = p.Title + " — " + title
	}
	writeHead(bw, p.Tool, title)
	bw.WriteString("<script type=\"application/json\" id=\"" + DataElementID + "\">")
	var err error
	put := func(b []byte) {
		if err == nil {
			_, err = bw.Write(b)
		}
	}
	field := func(name string, v any) {
		b, merr := marshal(v)
		if merr != nil && err == nil {
			err = merr
		}
		put([]byte(`"` + name + `":`))
		put(b)
		put([]byte(","))
	}
	list := func(name string, es report.Elements, last bool) {
		put([]byte(`"` + name + `":[`))
		n := 0
		if err == nil && es.N > 0 {
			err = es.Each(func(b []byte) error {
				if n > 0 {
					put([]byte(","))
				}
				n++
				put(b)
				return err
			})
		}
		if err == nil && n != es.N {
			err = fmt.Errorf("html report: %d elements given for a list of %d", n, es.N)
		}
		put([]byte("]"))
		if !last {
			put([]byte(","))
		}
	}
	put([]byte("{"))
	field("tool", p.Tool)
	field("title", p.Title)
	field("root", p.Root)
	list("stacks", p.Stacks, false)
	list("inputs", p.Inputs, false)
	list("nodes", p.Nodes, false)
	list("edges", p.Edges, false)
	list("findings", p.Findings, false)
	list("surface", p.Surface, true)
	put([]byte("}"))
	if err != nil {
		return err
	}
	bw.WriteString("</script>\n<script>" + script + "</script>\n</body>\n</html>\n")
	return bw.Flush()
}

// writeHead writes the page up to the data block.
func writeHead(w *bufio.Writer, tool result.Tool, title string) {
	csp := "default-src 'none'; script-src '" + hash(script) + "'; style-src '" + hash(style) +
		"'; img-src data:; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
	w.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	w.WriteString("<meta http-equiv=\"Content-Security-Policy\" content=\"" + html.EscapeString(csp) + "\">\n")
	w.WriteString("<meta name=\"referrer\" content=\"no-referrer\">\n")
	w.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	w.WriteString("<meta name=\"generator\" content=\"" + html.EscapeString(tool.Name+" "+tool.Version) + "\">\n")
	w.WriteString("<title>" + html.EscapeString(title) + "</title>\n")
	w.WriteString("<style>" + style + "</style>\n</head>\n<body>\n")
	w.WriteString(body)
}

// DefaultTitle is the title Write gives a page whose Options.Title is "":
// the last element of the scanned path root.
func DefaultTitle(root string) string { return defaultTitle(root) }
