// Package html writes a report as one self-contained HTML file: an
// interactive data-flow graph (principals → entry points → functions →
// stores and roles), the findings beside it, the denial-of-wallet figures and
// the attack surface as sortable tables.
//
// The file makes no network request: the script and the style sheet are
// inline and allowed by their SHA-256 hashes in a strict
// Content-Security-Policy, and the report data is embedded as JSON in a
// non-executed script block, escaped so that no value from the scanned
// templates can end the block or inject markup. Every name is put on the page
// by the script as text, never as HTML. The output is byte-identical for
// equal documents: everything is sorted and nothing depends on the clock.
package html

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

//go:embed assets/report.js
var script string

//go:embed assets/report.css
var style string

// DataElementID is the id of the <script type="application/json"> element
// that holds the report data; tests and tools may read it back.
const DataElementID = "nl-data"

// Options are the choices a caller makes about the page.
type Options struct {
	// Title names the application in the page title and heading, usually
	// the scanned folder's name. "" takes the last element of the scanned
	// path (doc.App.Root).
	Title string
}

// Write writes doc as one self-contained HTML page to w. A nil graph or an
// empty document gives a page that says there is nothing to show.
func Write(w io.Writer, doc *result.Document, opts Options) error {
	if doc == nil {
		doc = &result.Document{}
	}
	v := buildView(doc)
	v.Title = opts.Title
	if v.Title == "" {
		v.Title = defaultTitle(v.Root)
	}
	data, err := marshalView(v)
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	title := "nightlight report"
	if v.Title != "" {
		title = v.Title + " — " + title
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	writeHead(bw, doc.Tool, title)
	bw.WriteString("<script type=\"application/json\" id=\"" + DataElementID + "\">")
	bw.Write(data)
	bw.WriteString("</script>\n<script>" + script + "</script>\n</body>\n</html>\n")
	return bw.Flush()
}

// defaultTitle is the last element of the scanned path, or "" when it
// names no folder ("." or "/").
func defaultTitle(root string) string {
	root = strings.TrimRight(strings.ReplaceAll(root, "\\", "/"), "/")
	if i := strings.LastIndex(root, "/"); i >= 0 {
		root = root[i+1:]
	}
	switch root {
	case "", ".", "..":
		return ""
	}
	return root
}

// hash is the CSP source expression allowing an inline element whose text is s.
func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// marshalView encodes v as JSON that is safe inside a script element:
// encoding/json escapes <, > and & (so "</script>" and "<!--" cannot occur)
// and U+2028/U+2029.
func marshalView(v *view) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// body is the static page skeleton the script fills in.
const body = `<header class="bar">
<h1 id="nl-title">nightlight</h1>
<span id="nl-stacks" class="stacks" hidden><button id="nl-expand" type="button" title="Expand every stack">Expand all</button><button id="nl-collapse" type="button" title="Collapse every stack into one box">Collapse all</button></span>
<input id="nl-search" type="search" placeholder="Search nodes…" aria-label="Search nodes by name">
<label>Severity <select id="nl-severity" aria-label="Filter by finding severity">
<option value="">all</option><option value="info">≥ info</option><option value="low">≥ low</option>
<option value="medium">≥ medium</option><option value="high">≥ high</option><option value="critical">critical</option>
</select></label>
<label>Entry point <select id="nl-entry" aria-label="Filter by entry point"><option value="">all</option></select></label>
<label>Data <select id="nl-class" aria-label="Filter by data classification"><option value="">all</option></select></label>
<button id="nl-focus" type="button" title="Show only the highlighted nodes" disabled>Focus</button>
<button id="nl-clear" type="button" title="Clear selection and filters">Clear</button>
<span class="zoom"><button id="nl-zoom-out" type="button" title="Zoom out">−</button><button id="nl-fit" type="button" title="Fit to view">Fit</button><button id="nl-zoom-in" type="button" title="Zoom in">+</button></span>
<span id="nl-status" class="status" aria-live="polite"></span>
</header>
<main>
<section id="nl-graph" class="graph" aria-label="Data-flow graph">
<div class="canvas"><svg id="nl-svg" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Application graph"></svg>
<div class="mini" hidden><svg id="nl-mini" xmlns="http://www.w3.org/2000/svg" aria-label="Overview: drag to scroll"></svg></div>
<div id="nl-tip" class="tip" hidden></div>
</div>
<div id="nl-legend" class="legend"></div>
</section>
<aside class="side">
<nav class="tabs" role="tablist">
<button type="button" role="tab" data-tab="findings" aria-selected="true">Findings <span id="nl-count-findings"></span></button>
<button type="button" role="tab" data-tab="surface" aria-selected="false">Surface <span id="nl-count-surface"></span></button>
<button type="button" role="tab" data-tab="cost" aria-selected="false">Cost <span id="nl-count-cost"></span></button>
<button type="button" role="tab" data-tab="inputs" aria-selected="false">Inputs <span id="nl-count-inputs"></span></button>
</nav>
<div id="nl-tab-findings" class="tab" role="tabpanel"></div>
<div id="nl-tab-surface" class="tab" role="tabpanel" hidden></div>
<div id="nl-tab-cost" class="tab" role="tabpanel" hidden></div>
<div id="nl-tab-inputs" class="tab" role="tabpanel" hidden></div>
</aside>
</main>
<noscript><p>This report draws its graph with JavaScript; the data is in the script block with id "nl-data".</p></noscript>
`

// view is the data the page renders, derived from a result.Document and
// sorted for byte-identical output.
type view struct {
	Tool result.Tool `json:"tool"`
	// Title names the application (the scanned folder); Root is the
	// scanned path as given.
	Title string `json:"title"`
	Root  string `json:"root"`
	// Stacks lists the stacks the nodes belong to, sorted by ID: the page
	// groups nodes by stack when there are several.
	Stacks   []viewStack   `json:"stacks"`
	Inputs   []viewInput   `json:"inputs"`
	Nodes    []viewNode    `json:"nodes"`
	Edges    []viewEdge    `json:"edges"`
	Findings []viewFinding `json:"findings"`
	Surface  []surfaceRow  `json:"surface"`
}

// viewStack is one stack: its ID (as nodes carry it) and its name for
// display, the ID relative to the scanned root.
type viewStack struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type viewInput struct {
	Path   string `json:"path"`
	Format string `json:"format"`
	Error  string `json:"error,omitempty"`
}

type viewNode struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	Sub   string `json:"sub,omitempty"`
	Stack string `json:"stack,omitempty"`
	At    string `json:"at,omitempty"` // file:line
	Auth  string `json:"auth,omitempty"`
	Class string `json:"class,omitempty"`
	// Anon marks an entry point anyone can call, or the anonymous principal.
	Anon bool `json:"anon,omitempty"`
	// Classified marks a store holding classified data.
	Classified bool `json:"classified,omitempty"`
	// Severity is the highest severity of the findings that touch the node.
	Severity string `json:"severity,omitempty"`
}

type viewEdge struct {
	From       string `json:"from"`
	To         string `json:"to"`
	Kind       string `json:"kind"`
	Via        string `json:"via,omitempty"`
	At         string `json:"at,omitempty"` // file:line:col
	Confidence string `json:"confidence,omitempty"`
}

type viewFinding struct {
	Rule        string  `json:"rule"`
	Category    string  `json:"category"`
	Severity    string  `json:"severity"`
	Confidence  string  `json:"confidence,omitempty"`
	Resource    string  `json:"resource,omitempty"`
	At          string  `json:"at,omitempty"` // file:line[:col]
	Message     string  `json:"message"`
	Remediation string  `json:"remediation,omitempty"`
	CostPerHour float64 `json:"costPerHour,omitempty"`
	// Path is the finding's graph path, restricted to nodes in the graph.
	Path []string `json:"path,omitempty"`
	// Steps are the finding's steps inside handler code (a taint path
	// from the source line to the sink line), in order.
	Steps []viewStep `json:"steps,omitempty"`
	// Nodes is every graph node the finding touches: its path and the
	// nodes standing for its resource.
	Nodes []string `json:"nodes,omitempty"`
}

// viewStep is one step of a path inside handler code.
type viewStep struct {
	At   string `json:"at,omitempty"` // file:line
	Note string `json:"note"`
}

// surfaceRow is one entry point of the attack surface.
type surfaceRow struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Sub        string   `json:"sub,omitempty"`
	Auth       string   `json:"auth"`
	Anon       bool     `json:"anon,omitempty"`
	At         string   `json:"at,omitempty"`
	Principals []string `json:"principals,omitempty"` // node IDs of the principals that reach it
	Functions  []string `json:"functions,omitempty"`  // node IDs of the functions it reaches
	Stores     []string `json:"stores,omitempty"`     // node IDs of the stores it reaches
	Classified int      `json:"classified,omitempty"` // how many of those stores hold classified data
}

func pos(file string, line, col int) string {
	switch {
	case file == "":
		return ""
	case line == 0:
		return file
	case col == 0:
		return fmt.Sprintf("%s:%d", file, line)
	}
	return fmt.Sprintf("%s:%d:%d", file, line, col)
}

// isClassified reports whether a store's classification marks sensitive data.
func isClassified(c string) bool {
	switch strings.ToLower(c) {
	case "", "public", "none", "unclassified":
		return false
	}
	return true
}

func buildView(doc *result.Document) *view {
	v := &view{Tool: doc.Tool, Inputs: []viewInput{}, Nodes: []viewNode{}, Edges: []viewEdge{},
		Findings: []viewFinding{}, Surface: []surfaceRow{}, Stacks: []viewStack{}}
	if doc.App != nil {
		v.Root = doc.App.Root
	}
	for _, in := range doc.Inputs {
		v.Inputs = append(v.Inputs, viewInput{Path: in.Path, Format: string(in.Format), Error: in.Error})
	}
	sort.SliceStable(v.Inputs, func(i, j int) bool { return v.Inputs[i].Path < v.Inputs[j].Path })

	g := sortedGraph(doc.Graph)
	byID := make(map[string]*graph.Node, len(g.Nodes))
	for _, n := range g.Nodes {
		byID[n.ID.String()] = n
	}
	anon := anonymous(g, byID)

	// Findings, most severe first, and the nodes each touches.
	findings := append([]rule.Finding(nil), doc.Findings...)
	sort.SliceStable(findings, func(i, j int) bool { return findingLess(&findings[i], &findings[j]) })
	byRef := map[string][]string{}
	for _, n := range g.Nodes {
		if n.Ref != "" {
			byRef[n.Ref] = append(byRef[n.Ref], n.ID.String())
		}
	}
	worst := map[string]rule.Severity{}
	for i := range findings {
		v.Findings = append(v.Findings, findingView(&findings[i], byID, byRef, worst))
	}

	for _, n := range g.Nodes {
		v.Nodes = append(v.Nodes, nodeView(n, anon, worst))
	}
	for _, e := range g.Edges {
		if byID[e.From.String()] == nil || byID[e.To.String()] == nil {
			continue
		}
		v.Edges = append(v.Edges, edgeView(e))
	}
	stacks := map[string]bool{}
	for _, n := range v.Nodes {
		if n.Stack != "" && !stacks[n.Stack] {
			stacks[n.Stack] = true
			v.Stacks = append(v.Stacks, viewStack{ID: n.Stack, Name: stackName(v.Root, n.Stack)})
		}
	}
	sort.Slice(v.Stacks, func(i, j int) bool { return v.Stacks[i].ID < v.Stacks[j].ID })
	v.Surface = surface(g, byID, anon)
	return v
}

// findingView is f as the page shows it: its graph path restricted to
// the nodes in byID, its steps inside handler code, and every node it
// touches (its path and the nodes standing for its resource, from byRef),
// whose highest severity so far worst records.
func findingView(f *rule.Finding, byID map[string]*graph.Node, byRef map[string][]string, worst map[string]rule.Severity) viewFinding {
	vf := viewFinding{Rule: f.Rule, Category: string(f.Category), Severity: string(f.Severity),
		Confidence: string(f.Confidence), Resource: f.Resource, At: pos(f.File, f.Line, 0),
		Message: f.Message, Remediation: f.Remediation, CostPerHour: f.CostPerHour}
	seen := map[string]bool{}
	for _, nid := range f.Path {
		if file, line, note, ok := nid.Step(); ok {
			vf.Steps = append(vf.Steps, viewStep{At: pos(file, line, 0), Note: note})
			continue
		}
		id := nid.String()
		if byID[id] != nil && (len(vf.Path) == 0 || vf.Path[len(vf.Path)-1] != id) {
			vf.Path = append(vf.Path, id)
			seen[id] = true
		}
	}
	for _, id := range byRef[f.Resource] {
		if n := byID[id]; n != nil && (f.Stack == "" || n.ID.Stack == "" || n.ID.Stack == f.Stack) {
			seen[id] = true
		}
	}
	for id := range seen {
		vf.Nodes = append(vf.Nodes, id)
		if w, ok := worst[id]; !ok || f.Severity.Rank() > w.Rank() {
			worst[id] = f.Severity
		}
	}
	sort.Strings(vf.Nodes)
	return vf
}

// nodeView is n as the page shows it.
func nodeView(n *graph.Node, anon map[string]bool, worst map[string]rule.Severity) viewNode {
	return viewNode{ID: n.ID.String(), Kind: string(n.ID.Kind), Name: n.Name, Sub: n.Sub,
		Stack: n.ID.Stack, At: pos(n.File, n.Line, 0), Auth: n.Auth, Class: n.Classification,
		Anon: anon[n.ID.String()], Classified: n.ID.Kind == graph.NodeStore && isClassified(n.Classification),
		Severity: string(worst[n.ID.String()])}
}

// edgeView is e as the page shows it.
func edgeView(e *graph.Edge) viewEdge {
	return viewEdge{From: e.From.String(), To: e.To.String(), Kind: string(e.Kind), Via: e.Via,
		At: pos(e.Evidence.File, e.Evidence.Line, 0), Confidence: string(e.Confidence)}
}

// stackName is a stack's ID relative to the scanned root, for display.
func stackName(root, id string) string {
	root = strings.TrimRight(root, "/")
	if root != "" && root != "." && strings.HasPrefix(id, root+"/") {
		return id[len(root)+1:]
	}
	return id
}

// sortedGraph returns a sorted copy of g that shares its nodes and edges.
func sortedGraph(g *graph.Graph) *graph.Graph {
	c := &graph.Graph{}
	if g == nil {
		return c
	}
	for _, n := range g.Nodes {
		if n != nil {
			c.Nodes = append(c.Nodes, n)
		}
	}
	for _, e := range g.Edges {
		if e != nil {
			c.Edges = append(c.Edges, e)
		}
	}
	c.Sort()
	// Duplicate IDs would make the page ambiguous: keep the first.
	out := c.Nodes[:0]
	for i, n := range c.Nodes {
		if i > 0 && c.Nodes[i-1].ID == n.ID {
			continue
		}
		out = append(out, n)
	}
	c.Nodes = out
	return c
}

func findingLess(a, b *rule.Finding) bool {
	if ra, rb := a.Severity.Rank(), b.Severity.Rank(); ra != rb {
		return ra > rb
	}
	if a.Rule != b.Rule {
		return a.Rule < b.Rule
	}
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.Col != b.Col {
		return a.Col < b.Col
	}
	if a.Resource != b.Resource {
		return a.Resource < b.Resource
	}
	if a.Message != b.Message {
		return a.Message < b.Message
	}
	return pathKey(a.Path) < pathKey(b.Path)
}

// anonymous marks the anonymous principals, and the entry points that have
// no auth or that an anonymous principal invokes.
func anonymous(g *graph.Graph, byID map[string]*graph.Node) map[string]bool {
	anon := map[string]bool{}
	for _, n := range g.Nodes {
		if (n.ID.Kind == graph.NodePrincipal && n.Sub == "anonymous") ||
			(n.ID.Kind == graph.NodeEntryPoint && strings.EqualFold(n.Auth, "none")) {
			anon[n.ID.String()] = true
		}
	}
	for _, e := range g.Edges {
		from, to := byID[e.From.String()], byID[e.To.String()]
		if from != nil && to != nil && anon[from.ID.String()] && from.ID.Kind == graph.NodePrincipal && to.ID.Kind == graph.NodeEntryPoint {
			anon[to.ID.String()] = true
		}
	}
	return anon
}

// adjacency is the graph as lists of neighbours in the direction of
// control: who can reach whom. Every edge keeps its direction except reads,
// which the graph draws from the store to the function (the way the data
// flows) and which are followed from the function to the store (the function
// reaches the store).
type adjacency struct {
	down, up map[string][]string
}

func newAdjacency(g *graph.Graph) adjacency {
	a := adjacency{down: map[string][]string{}, up: map[string][]string{}}
	for _, e := range g.Edges {
		from, to := e.From.String(), e.To.String()
		if e.Kind == graph.EdgeReads {
			from, to = to, from
		}
		a.down[from] = append(a.down[from], to)
		a.up[to] = append(a.up[to], from)
	}
	return a
}

// walk returns the nodes reachable from start through next, without start.
func walk(next map[string][]string, start string) map[string]bool {
	seen := map[string]bool{start: true}
	queue := []string{start}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, n := range next[id] {
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	delete(seen, start)
	return seen
}

// reachable returns the sorted IDs of the node id, every node reachable from
// it (its blast radius) and every node that reaches it, following edges in
// the direction of control (reads edges are followed from the function to
// the store). It is the set the page highlights when the node is clicked.
func reachable(g *graph.Graph, id string) []string {
	a := newAdjacency(sortedGraph(g))
	set := walk(a.down, id)
	for n := range walk(a.up, id) {
		set[n] = true
	}
	set[id] = true
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func surface(g *graph.Graph, byID map[string]*graph.Node, anon map[string]bool) []surfaceRow {
	a := newAdjacency(g)
	rows := []surfaceRow{}
	for _, n := range g.Nodes {
		if n.ID.Kind != graph.NodeEntryPoint {
			continue
		}
		auth := n.Auth
		if auth == "" {
			auth = "unknown"
		}
		r := surfaceRow{ID: n.ID.String(), Name: n.Name, Sub: n.Sub, Auth: auth, Anon: anon[n.ID.String()], At: pos(n.File, n.Line, 0)}
		for id := range walk(a.up, n.ID.String()) {
			if m := byID[id]; m != nil && m.ID.Kind == graph.NodePrincipal {
				r.Principals = append(r.Principals, id)
			}
		}
		for id := range walk(a.down, n.ID.String()) {
			m := byID[id]
			switch {
			case m == nil:
			case m.ID.Kind == graph.NodeFunction:
				r.Functions = append(r.Functions, id)
			case m.ID.Kind == graph.NodeStore:
				r.Stores = append(r.Stores, id)
				if isClassified(m.Classification) {
					r.Classified++
				}
			}
		}
		sort.Strings(r.Principals)
		sort.Strings(r.Functions)
		sort.Strings(r.Stores)
		rows = append(rows, r)
	}
	return rows
}

// pathKey is a finding path as one comparable string.
func pathKey(p []graph.NodeID) string {
	parts := make([]string, len(p))
	for i, id := range p {
		parts[i] = id.String()
	}
	return strings.Join(parts, "\x00")
}
