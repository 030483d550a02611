package scan

import (
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/report"
	"github.com/nightlight-sec/nightlight/internal/report/html"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// pageKeep holds, for a streamed scan, the HTML report's data part by part
// (Options.Page): the page's stacks, nodes, edges, attack surface and
// findings of each part, encoded by html.NewPart, in temporary files. In
// memory: the highest severity of the findings touching each shared
// principal, and for each finding its place in the page's order (≈ 40
// bytes). The page orders findings by severity and rule first, then by
// file: within one severity and rule, the parts' findings follow each
// other in part order (parts are disjoint folders in path order, checked
// as they are written).
type pageKeep struct {
	stacks, nodes, edges, surface, findings *spill
	refs                                    []pageRef
	worst                                   map[graph.NodeID]rule.Severity
	// nodesAt and edgesAt are where the principals and the edges from
	// them go among the written nodes and edges.
	nodesAt, edgesAt int
	lastStack        string
	// The held part (see heldPart): its nodes show the
	// severity of its findings, known at the end.
	held *heldPage
	// assumed are the shared principals on findings' paths that their
	// part's graph lacks (html.Part.Assumed).
	assumed map[graph.NodeID]bool
}

// pageRef is one finding of the page: its order keys and where its text
// is in the findings file.
type pageRef struct {
	rank    int
	rule    string
	part, i int32
	n       int32
	off     int64
}

// heldPage is the held part's graph, kept until its findings are final.
type heldPage struct {
	graph           *graph.Graph
	stacks          map[string]bool
	nodesAt         int // written nodes before its own
	principalsFirst bool
	part            int
	nodes           [][]byte
}

func newPageKeep() (_ *pageKeep, err error) {
	k := &pageKeep{worst: map[graph.NodeID]rule.Severity{}, assumed: map[graph.NodeID]bool{}}
	for _, sp := range []**spill{&k.stacks, &k.nodes, &k.edges, &k.surface, &k.findings} {
		if *sp, err = newSpill(0); err != nil {
			k.close()
			return nil, err
		}
	}
	return k, nil
}

func (k *pageKeep) close() error {
	if k == nil {
		return nil
	}
	var errs []error
	for _, sp := range []*spill{k.stacks, k.nodes, k.edges, k.surface, k.findings} {
		errs = append(errs, sp.close())
	}
	return errors.Join(errs...)
}

// stackSet is the set of IDs of app's stacks.
func stackSet(app *model.App) map[string]bool {
	m := make(map[string]bool, len(app.Stacks))
	for _, st := range app.Stacks {
		m[st.ID] = true
	}
	return m
}

// add writes a part's page data; findings are its reported findings.
// held says that the part is the held one (heldPart): its nodes and findings wait for
// finish.
func (k *pageKeep) add(part int, p *analysed, findings []rule.Finding, root string, held bool) error {
	if k == nil {
		return nil
	}
	stacks := stackSet(p.app)
	pp, err := html.NewPart(p.graph, findings, stacks, root)
	if err != nil {
		return fmt.Errorf("%w: %v", errNotSeparable, err)
	}
	k.assume(pp)
	// The page lists stacks by ID: the parts' must follow each other.
	if len(pp.StackIDs) > 0 && k.lastStack != "" && pp.StackIDs[0] <= k.lastStack {
		return fmt.Errorf("%w: stack %s", errNotSeparable, pp.StackIDs[0])
	}
	for i, b := range pp.Stacks {
		k.lastStack = pp.StackIDs[i]
		if _, err := k.stacks.addRaw(b); err != nil {
			return err
		}
	}
	for _, b := range pp.Edges {
		if _, err := k.edges.addRaw(b); err != nil {
			return err
		}
	}
	if !pp.PrincipalsFirst {
		k.edgesAt += len(pp.Edges)
	}
	for _, b := range pp.Surface {
		if _, err := k.surface.addRaw(b); err != nil {
			return err
		}
	}
	if held {
		k.held = &heldPage{graph: p.graph, stacks: stacks, nodesAt: k.nodes.len(), principalsFirst: pp.PrincipalsFirst, part: part}
		return nil
	}
	return k.addNodesAndFindings(part, pp)
}

func (k *pageKeep) addNodesAndFindings(part int, pp *html.Part) error {
	for _, b := range pp.Nodes {
		if _, err := k.nodes.addRaw(b); err != nil {
			return err
		}
	}
	if !pp.PrincipalsFirst {
		k.nodesAt += len(pp.Nodes)
	}
	for i, f := range pp.Findings {
		off, err := k.findings.addRaw(f.JSON)
		if err != nil {
			return err
		}
		k.refs = append(k.refs, pageRef{rank: f.Rank, rule: f.Rule, part: int32(part), i: int32(i), n: int32(len(f.JSON)), off: off})
	}
	for id, s := range pp.Worst {
		if w, ok := k.worst[id]; !ok || s.Rank() > w.Rank() {
			k.worst[id] = s
		}
	}
	return nil
}

func (k *pageKeep) assume(pp *html.Part) {
	for _, id := range pp.Assumed {
		k.assumed[id] = true
	}
}

// checkAssumed checks, once every part is written, that the principals
// the parts' findings assumed are in the graph.
func (k *pageKeep) checkAssumed(principals map[graph.NodeID]bool) error {
	if k == nil {
		return nil
	}
	for id := range k.assumed {
		if !principals[id] {
			return fmt.Errorf("%w: a finding's path goes through %s, which no part's graph has", errNotSeparable, id)
		}
	}
	return nil
}

// finishHeld builds the held part's nodes and findings from its final
// findings.
func (k *pageKeep) finishHeld(findings []rule.Finding, root string) error {
	if k == nil || k.held == nil {
		return nil
	}
	h := k.held
	pp, err := html.NewPart(h.graph, findings, h.stacks, root)
	if err != nil {
		return fmt.Errorf("%w: %v", errNotSeparable, err)
	}
	k.assume(pp)
	for i, f := range pp.Findings {
		off, err := k.findings.addRaw(f.JSON)
		if err != nil {
			return err
		}
		k.refs = append(k.refs, pageRef{rank: f.Rank, rule: f.Rule, part: int32(h.part), i: int32(i), n: int32(len(f.JSON)), off: off})
	}
	for id, s := range pp.Worst {
		if w, ok := k.worst[id]; !ok || s.Rank() > w.Rank() {
			k.worst[id] = s
		}
	}
	h.nodes, h.graph = pp.Nodes, nil
	return nil
}

// WriteHTML writes the HTML report titled title, byte for byte what
// html.Write writes for the document Run returns.
func (s *Streamed) WriteHTML(w io.Writer, title string) error {
	if s.doc != nil {
		return html.Write(w, s.doc, html.Options{Title: title})
	}
	k := s.page
	if k == nil {
		return errors.New("the scan kept no page data (Options.Page)")
	}
	if title == "" {
		title = html.DefaultTitle(s.root)
	}
	// Nodes: the written ones, with the shared principals and the held
	// part's inserted where they sort.
	principals := insertion{at: k.nodesAt, es: html.PrincipalNodes(s.principals, k.worst)}
	ins := []insertion{principals}
	if h := k.held; h != nil {
		// At the same place, the held part's nodes sort on the side of
		// the principals they are on.
		held := insertion{at: h.nodesAt, es: html.Encoded(h.nodes)}
		if h.principalsFirst {
			ins = []insertion{principals, held}
		} else {
			ins = []insertion{held, principals}
		}
	}
	sort.SliceStable(k.refs, func(a, b int) bool {
		x, y := &k.refs[a], &k.refs[b]
		switch {
		case x.rank != y.rank:
			return x.rank > y.rank
		case x.rule != y.rule:
			return x.rule < y.rule
		case x.part != y.part:
			return x.part < y.part
		}
		return x.i < y.i
	})
	findings := report.Elements{N: len(k.refs), Each: func(yield func([]byte) error) error {
		var buf []byte
		for _, r := range k.refs {
			var err error
			if buf, err = k.findings.readAt(buf, r.off, int(r.n)); err != nil {
				return err
			}
			if err := yield(buf); err != nil {
				return err
			}
		}
		return nil
	}}
	return html.WriteParts(w, html.Parts{Tool: s.tool, Title: title, Root: s.root,
		Stacks:   k.stacks.elementsWith(),
		Inputs:   html.Inputs(s.Inputs),
		Nodes:    k.nodes.elementsWith(ins...),
		Edges:    k.edges.elementsWith(insertion{at: k.edgesAt, es: html.PrincipalEdges(s.principalEdges)}),
		Findings: findings,
		Surface:  k.surface.elementsWith(),
	})
}
