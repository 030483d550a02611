package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/load/discover"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/report"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules"
	"github.com/nightlight-sec/nightlight/internal/secret"
)

// Streamed is the result of RunStreamed: what a scan reports, with the
// application's stacks, the graph and the findings in temporary files
// instead of memory. Close removes the files.
type Streamed struct {
	// Inputs are the scan's inputs, sorted by path.
	Inputs []result.Input
	// Summary counts what the scan saw and reported.
	Summary result.Summary
	// SuppressionProblems are rule.CheckSuppressions' problems of the
	// application's inline and Metadata suppressions, sorted by position.
	SuppressionProblems []rule.SuppressionProblem
	// Parts is the number of parts the application was loaded and
	// analysed in, one after the other; 0 when it was held in memory
	// whole (see RunStreamed).
	Parts int

	doc *result.Document // the whole document, when not streamed

	tool   result.Tool
	root   string
	vulnDB *model.VulnDB
	// The spilled report elements, in report order, but for the shared
	// principals (graph nodes without a stack and the edges from them)
	// and the findings of the held part (see heldPart).
	stacks, nodes, edges, findings, suppressed *spill
	principals                                 []*graph.Node
	principalEdges                             []*graph.Edge
	nodesAt, edgesAt                           int // where the principals go
	held                                       *heldPart
	// outline replaces the spills when Options.Outline is set.
	outline *outline
	// inventory holds the stacks' inventories (Options.Inventory), one
	// after the other; baseline the findings' baseline entries
	// (Options.KeepBaseline).
	inventory *spill
	baseline  *baselineKeep
	// page holds the HTML report's data (Options.Page).
	page *pageKeep
}

// outline is what the reports that show findings read of a scan: its
// findings in report order, the graph nodes on their paths, and each
// stack with only the IDs of its functions and the IDs and auth types of
// its entry points.
type outline struct {
	stacks     []*model.Stack
	nodes      map[graph.NodeID]*graph.Node
	findings   []rule.Finding
	suppressed []rule.Suppressed
}

// outlineStack is st with only what the text report's summary counts.
func outlineStack(st *model.Stack) *model.Stack {
	o := &model.Stack{ID: st.ID, File: st.File, Format: st.Format}
	for _, fn := range st.Functions {
		o.Functions = append(o.Functions, &model.Function{ID: fn.ID})
	}
	for _, ep := range st.EntryPoints {
		o.EntryPoints = append(o.EntryPoints, &model.EntryPoint{ID: ep.ID, Kind: ep.Kind, Auth: model.Auth{Type: ep.Auth.Type}})
	}
	return o
}

// addPathNodes keeps the nodes of g on the paths of the part's findings.
func (o *outline) addPathNodes(g *graph.Graph, kept []rule.Finding, supp []rule.Suppressed) {
	want := map[graph.NodeID]bool{}
	for _, f := range kept {
		for _, id := range f.Path {
			want[id] = true
		}
	}
	for _, f := range supp {
		for _, id := range f.Finding.Path {
			want[id] = true
		}
	}
	for _, n := range g.Nodes {
		if want[n.ID] && n.ID.Stack != "" {
			o.nodes[n.ID] = n
		}
	}
}

// heldPart is the part holding the stack a rule that reports once per
// scan (rule.Rule.OncePerScan: NL6006, the note that dependencies were
// not checked for advisories) reports on. The note's message draws on
// the whole scan's summaries, known only at the end: the part's findings
// wait in memory.
type heldPart struct {
	stack        *model.Stack
	kept         []rule.Finding
	suppressed   []rule.Suppressed
	findingsAt   int // where its findings go in the findings spill
	suppressedAt int
	part         int // its index among the parts
}

// errNotSeparable says that the parts of a scan refer to each other, so
// that analysing them one by one would not give the report of the whole.
var errNotSeparable = errors.New("the parts of the scan refer to each other")

// RunStreamed scans opts.Paths like Run and gives the same report, with
// peak memory bounded by the largest part of the scan instead of the whole:
// each top-level folder of a scanned directory (discover.Split) is loaded,
// given its graph and rules, and written to temporary files in report
// order before the next one is loaded; only the inputs, the counts and the
// graph's shared principals stay in memory. known says which rule IDs
// exist, for the suppression check (nil: no check).
//
// The scan is held in memory whole, as Run holds it, when splitting could
// change the report: a single part, a configured flow policy (it is checked
// over the whole graph) or another rule that checks the application as a
// whole, or parts that turn out to refer to each other (a Terraform
// module, handler code or a manifest in another part; checked as each part
// is analysed, and then the scan starts again whole).
func RunStreamed(ctx context.Context, opts Options, known func(id string) bool) (*Streamed, error) {
	opts, log := withDefaults(opts)
	if opts.Rules.Now.IsZero() {
		opts.Rules.Now = time.Now().UTC()
	}
	if why := whole(opts); why != "" {
		log.Debug("the scan is held in memory whole", "reason", why)
		return runWhole(ctx, opts, known)
	}
	parts, err := discover.Split(opts.Paths, discoverOptions(opts))
	if err != nil {
		return nil, err
	}
	if len(parts) < 2 {
		log.Debug("the scan is held in memory whole", "reason", "one part")
		return runWhole(ctx, opts, known)
	}
	s, err := streamParts(ctx, opts, known, parts, log)
	if errors.Is(err, errNotSeparable) {
		log.Info("the scan is held in memory whole", "reason", err)
		return runWhole(ctx, opts, known)
	}
	return s, err
}

// whole says why opts call for a scan held in memory whole, or "".
func whole(opts Options) string {
	if cfg := opts.Rules.Config; cfg != nil {
		if fp := cfg.FlowPolicy(); len(fp.Flows.Deny)+len(fp.Flows.Allow)+len(fp.Boundaries) > 0 {
			return "a flow policy is checked over the whole graph"
		}
	}
	// A rule that checks the application as a whole would see one part at
	// a time, unless it says that with this configuration it does not
	// (rule.Rule.WholeApp). One rule that reports once per scan is held
	// until the end (see heldPart), not several.
	ruleList := opts.Rules.Rules
	if ruleList == nil {
		ruleList = rules.All()
	}
	var once []string
	for _, r := range ruleList {
		if r.Scope == rule.AppScope && (r.WholeApp == nil || r.WholeApp(opts.Rules.Config)) {
			return "rule " + r.ID + " checks the whole application"
		}
		if r.OncePerScan != nil {
			once = append(once, r.ID)
		}
	}
	if len(once) > 1 {
		return "rules " + strings.Join(once, ", ") + " each report once per scan"
	}
	return ""
}

// oncePerScan returns the rule of rs that reports once per scan, or nil
// (whole holds scans with several).
func oncePerScan(rs []*rule.Rule) *rule.Rule {
	for _, r := range rs {
		if r.OncePerScan != nil {
			return r
		}
	}
	return nil
}

func runWhole(ctx context.Context, opts Options, known func(id string) bool) (*Streamed, error) {
	doc, err := Run(ctx, opts)
	if err != nil {
		return nil, err
	}
	s := &Streamed{Inputs: doc.Inputs, Summary: doc.Summary, doc: doc}
	if known != nil {
		s.SuppressionProblems = rule.CheckSuppressions(doc.App, known)
	}
	if opts.Each != nil {
		if err := opts.Each(Part{App: doc.App, Graph: doc.Graph, Whole: true}); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Document returns the whole report document when the scan was held in
// memory whole (Parts == 0), else nil.
func (s *Streamed) Document() *result.Document { return s.doc }

// Outline returns what the reports that show findings (text, SARIF, JUnit,
// Markdown) read, as a document: the whole one when the scan was held in
// memory whole, else, for a scan run with Options.Outline, the inputs, the
// findings and suppressed findings, the graph nodes on their paths (with
// the shared principals), and each stack with only the IDs of its
// functions and the IDs, kinds and auth types of its entry points.
// Without Options.Outline it returns nil.
func (s *Streamed) Outline() *result.Document {
	if s.doc != nil {
		return s.doc
	}
	o := s.outline
	if o == nil {
		return nil
	}
	findings, suppressed := o.findings, o.suppressed
	if h := s.held; h != nil {
		findings = slices.Insert(slices.Clone(findings), h.findingsAt, h.kept...)
		suppressed = slices.Insert(slices.Clone(suppressed), h.suppressedAt, h.suppressed...)
	}
	if findings == nil {
		findings = []rule.Finding{}
	}
	g := &graph.Graph{Nodes: slices.Clone(s.principals)}
	for _, n := range o.nodes {
		g.Nodes = append(g.Nodes, n)
	}
	sort.Slice(g.Nodes, func(i, j int) bool { return g.Nodes[i].ID.Less(g.Nodes[j].ID) })
	stacks := o.stacks
	if stacks == nil {
		stacks = []*model.Stack{}
	}
	return &result.Document{Tool: s.tool, Inputs: s.Inputs, App: &model.App{Root: s.root, Stacks: stacks, VulnDB: s.vulnDB},
		Graph: g, Findings: findings, Suppressed: suppressed, Summary: s.Summary}
}

// Close removes the temporary files.
func (s *Streamed) Close() error {
	if s == nil {
		return nil
	}
	var errs []error
	for _, sp := range []*spill{s.stacks, s.nodes, s.edges, s.findings, s.suppressed, s.inventory} {
		errs = append(errs, sp.close())
	}
	errs = append(errs, s.baseline.close(), s.page.close())
	s.stacks, s.nodes, s.edges, s.findings, s.suppressed, s.inventory, s.baseline, s.page = nil, nil, nil, nil, nil, nil, nil, nil
	return errors.Join(errs...)
}

// FindingCount is the number of findings reported.
func (s *Streamed) FindingCount() int {
	n := 0
	for _, c := range s.Summary.Findings {
		n += c
	}
	return n
}

// WriteJSON writes the JSON report, byte for byte what report.WriteJSON
// writes for the document Run returns.
func (s *Streamed) WriteJSON(w io.Writer) error {
	if s.doc != nil {
		return report.WriteJSON(w, s.doc)
	}
	if s.outline != nil {
		return errors.New("the scan kept an outline of the application (Options.Outline), not its JSON report")
	}
	if s.stacks == nil {
		return errors.New("the scan kept the HTML report's data (Options.Page), not its JSON report")
	}
	p := report.JSONParts{Tool: s.tool, Inputs: s.Inputs, App: true, Root: s.root, VulnDB: s.vulnDB, Graph: true, Summary: s.Summary}
	p.Stacks = s.stacks.elements(s.stacks.n, report.Elements{})
	p.Nodes = s.nodes.elements(s.nodesAt, encodeAll(report.GraphDepth, s.principals))
	p.Edges = s.edges.elements(s.edgesAt, encodeAll(report.GraphDepth, s.principalEdges))
	var heldFindings, heldSuppressed report.Elements
	fAt, sAt := s.findings.n, s.suppressed.n
	if h := s.held; h != nil {
		heldFindings, heldSuppressed = encodeAll(report.FindingDepth, ptrs(h.kept)), encodeAll(report.FindingDepth, ptrs(h.suppressed))
		fAt, sAt = h.findingsAt, h.suppressedAt
	}
	p.Findings = s.findings.elements(fAt, heldFindings)
	p.Suppressed = s.suppressed.elements(sAt, heldSuppressed)
	return report.WriteJSONParts(w, p)
}

// WriteGraphJSON writes the graph document of a scan run with
// Options.Graph, byte for byte what report.WriteGraph writes for the graph
// of the document Run returns.
func (s *Streamed) WriteGraphJSON(w io.Writer) error {
	if s.doc != nil {
		return report.WriteGraph(w, s.doc.Graph)
	}
	if s.stacks != nil || s.nodes == nil {
		return errors.New("the scan did not keep the graph document (Options.Graph)")
	}
	return report.WriteGraphParts(w, s.nodes.elements(s.nodesAt, encodeAll(report.GraphDocDepth, s.principals)),
		s.edges.elements(s.edgesAt, encodeAll(report.GraphDocDepth, s.principalEdges)))
}

// ptrs returns pointers to the elements of xs (the report encodes
// findings through pointers, as WriteJSON does).
func ptrs[T any](xs []T) []*T {
	out := make([]*T, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

// encodeAll gives xs as report elements at depth.
func encodeAll[T any](depth int, xs []T) report.Elements {
	return report.Elements{N: len(xs), Each: func(yield func([]byte) error) error {
		enc := report.NewElementEncoder(depth)
		for _, x := range xs {
			b, err := enc.Encode(x)
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

func discoverOptions(opts Options) discover.Options {
	return discover.Options{Exclude: opts.Exclude, Load: opts.Load, Loaders: opts.Loaders, Logger: opts.Logger,
		Progress: opts.Progress, Workers: opts.Workers, VulnDB: opts.VulnDB}
}

// bounds remembers the last key of each report list written so far, to
// check that the parts' lists follow each other in report order: were a
// part to refer to another's files, its keys would fall among the other's.
type bounds struct {
	input, stack, findingFile, suppFile string
	node                                graph.NodeID
	edge                                *graph.Edge
	anyInput, anyStack, anyFinding      bool
	anySupp                             bool
}

// principalPrefix starts the text of every shared principal's node ID.
const principalPrefix = "principal:"

// streamParts runs the scan part by part; see RunStreamed.
func streamParts(ctx context.Context, opts Options, known func(id string) bool, parts []discover.Part, log *slog.Logger) (_ *Streamed, err error) {
	s := &Streamed{tool: opts.Tool, Parts: len(parts), Summary: result.Summary{Findings: map[rule.Severity]int{}}}
	if len(opts.Paths) > 0 {
		s.root = opts.Paths[0]
	}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	switch {
	case opts.Outline:
		s.outline = &outline{nodes: map[graph.NodeID]*graph.Node{}}
	case opts.Page, opts.Each != nil:
		// The HTML report's data only (below), or nothing.
	case opts.Graph:
		for _, dst := range []**spill{&s.nodes, &s.edges} {
			if *dst, err = newSpill(report.GraphDocDepth); err != nil {
				return nil, err
			}
		}
	default:
		for _, sp := range []struct {
			dst   **spill
			depth int
		}{{&s.stacks, report.StackDepth}, {&s.nodes, report.GraphDepth}, {&s.edges, report.GraphDepth}, {&s.findings, report.FindingDepth}, {&s.suppressed, report.FindingDepth}} {
			if *sp.dst, err = newSpill(sp.depth); err != nil {
				return nil, err
			}
		}
	}
	if opts.Inventory != nil {
		if s.inventory, err = newSpill(0); err != nil {
			return nil, err
		}
	}
	if opts.KeepBaseline {
		if s.baseline, err = newBaselineKeep(); err != nil {
			return nil, err
		}
	}
	if opts.Page {
		if s.page, err = newPageKeep(); err != nil {
			return nil, err
		}
	}
	// A Terraform module of one part called from another would be loaded
	// as a child of its caller and not on its own.
	moduleOf := map[string]int{}
	for i, p := range parts {
		for _, d := range p.Modules() {
			moduleOf[d] = i
		}
	}
	ruleList := opts.Rules.Rules
	if ruleList == nil {
		ruleList = rules.All()
	}
	noteRule := oncePerScan(ruleList)
	// Every part runs the same rules: the list is made once.
	opts.Rules.Rules = ruleList
	dopts := discoverOptions(opts)
	// Progress counts the files of the whole scan: a part's are counted
	// after those of the parts before.
	var prog *partProgress
	if opts.Progress != nil {
		prog = &partProgress{p: opts.Progress}
		for _, part := range parts {
			prog.total += part.Files()
		}
		dopts.Progress = prog
	}
	principalSeen := map[graph.NodeID]bool{}
	var vulnDBs []*model.VulnDB
	var b bounds
	for i, part := range parts {
		p, err := analysePart(ctx, opts, dopts, part)
		if err != nil {
			return nil, err
		}
		if prog != nil {
			prog.base += part.Files()
		}
		for _, st := range p.app.Stacks {
			for _, inc := range st.Includes {
				if j, ok := moduleOf[inc]; ok && j != i {
					return nil, fmt.Errorf("%w: %s calls the module %s of %s", errNotSeparable, st.ID, inc, parts[j].Name)
				}
			}
		}
		if err := s.add(p, &b, principalSeen); err != nil {
			return nil, err
		}
		if err := s.addInventory(opts.Inventory, p.app.Stacks); err != nil {
			return nil, err
		}
		if p.app.VulnDB != nil {
			vulnDBs = append(vulnDBs, p.app.VulnDB)
		}
		if known != nil {
			s.SuppressionProblems = append(s.SuppressionProblems, rule.CheckSuppressions(p.app, known)...)
		}
		// The findings: the once-per-scan rule's belongs to the part with
		// the stack it picks (held until the end), and to no other.
		var noteStack *model.Stack
		if noteRule != nil && s.held == nil {
			noteStack = noteRule.OncePerScan(p.app)
		}
		first := noteStack != nil
		kept, supp := dropNote(noteRule, p.kept, p.suppressed, first)
		if err := checkFindings(kept, supp, &b); err != nil {
			return nil, err
		}
		if s.outline != nil {
			s.outline.addPathNodes(p.graph, kept, supp)
		}
		if first {
			fAt, sAt := s.findings.len(), s.suppressed.len()
			if s.outline != nil {
				fAt, sAt = len(s.outline.findings), len(s.outline.suppressed)
			}
			s.held = &heldPart{stack: noteStack, kept: kept, suppressed: supp, findingsAt: fAt, suppressedAt: sAt, part: i}
		} else {
			n := len(kept)
			kept = opts.Rules.Baseline.New(kept)
			s.Summary.Baselined += n - len(kept)
			if err := s.addFindings(kept, supp); err != nil {
				return nil, err
			}
			if err := s.baseline.add(i, kept); err != nil {
				return nil, err
			}
		}
		if err := s.page.add(i, p, kept, s.root, first); err != nil {
			return nil, err
		}
		if opts.Each != nil {
			if err := opts.Each(Part{App: p.app, Graph: p.graph}); err != nil {
				return nil, err
			}
		}
		log.Debug("part written", "part", part.Name, "stacks", len(p.app.Stacks), "nodes", len(p.graph.Nodes), "findings", len(kept))
		if opts.afterPart != nil {
			opts.afterPart(p.app)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.vulnDB = mergeVulnDB(vulnDBs)
	if h := s.held; h != nil {
		if err := s.finishHeld(ctx, opts, noteRule); err != nil {
			return nil, err
		}
	}
	if err := s.page.checkAssumed(principalSeen); err != nil {
		return nil, err
	}
	// The shared principals sit where their IDs sort among the parts'.
	sort.Slice(s.principals, func(i, j int) bool { return s.principals[i].ID.Less(s.principals[j].ID) })
	sort.Slice(s.principalEdges, func(i, j int) bool { return s.principalEdges[i].Less(s.principalEdges[j]) })
	sort.SliceStable(s.Inputs, func(i, j int) bool { return s.Inputs[i].Path < s.Inputs[j].Path })
	sort.SliceStable(s.SuppressionProblems, func(i, j int) bool {
		a, b := s.SuppressionProblems[i].Pos, s.SuppressionProblems[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	s.Summary.Inputs = len(s.Inputs)
	for _, in := range s.Inputs {
		if in.Error != "" {
			s.Summary.Failed++
		}
	}
	return s, nil
}

// partProgress tells Progress how a part's loading advances as the whole
// scan's: base files of the parts before are done, of total.
type partProgress struct {
	p           Progress
	base, total int
}

// Loaded implements Progress.
func (pp *partProgress) Loaded(done, _ int) { pp.p.Loaded(pp.base+done, pp.total) }

// analysed is one part of the scan, loaded and analysed.
type analysed struct {
	app        *model.App
	inputs     []discover.Input
	graph      *graph.Graph
	kept       []rule.Finding
	suppressed []rule.Suppressed
}

// analysePart loads a part, builds its graph and runs the rules, as Run
// does for the whole scan (without the baseline, which streamParts
// applies).
func analysePart(ctx context.Context, opts Options, dopts discover.Options, part discover.Part) (*analysed, error) {
	ld, err := discover.StartPart(ctx, opts.Paths, part, dopts)
	if err != nil {
		return nil, err
	}
	app := ld.App
	if len(opts.Paths) > 0 {
		app.Root = opts.Paths[0]
	}
	// The IAM engine's memo of each stack's analysis would keep every part
	// alive: a fresh one per part shares the parsed catalog and the
	// per-action caches. The graph is built while the handler code is
	// analysed (as in Run).
	an := opts.Rules.IAM.Fresh()
	g, err := buildGraph(ctx, app, graph.Options{Permissions: graph.IAMPermissions(an), Classify: opts.Rules.Config.Classify, Group: opts.Rules.Config.Group,
		AwaitCode: func() { ld.Wait() }})
	inputs := ld.Wait()
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return nil, ctx.Err()
	default:
		// Run reports a scan whose graph failed with an empty graph.
		return nil, fmt.Errorf("%w: the graph of %s failed: %v", errNotSeparable, part.Name, err)
	}
	// A rule that reports once per scan (NL6006) draws on the whole
	// scan's vulnerability database summary, known at the end (see
	// heldPart): the parts get a placeholder that makes it report.
	vdb := app.VulnDB
	app.VulnDB = &model.VulnDB{Missing: []string{"?"}}
	ropts := opts.Rules
	ropts.IAM, ropts.Baseline = an, nil
	doc := &result.Document{App: app, Graph: g, Findings: []rule.Finding{}}
	res, err := rules.Analyze(ctx, doc, ropts)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if opts.Logger != nil {
			opts.Logger.Warn("rules failed", "component", "scan", "error", err)
		}
	}
	app.VulnDB = vdb
	p := &analysed{app: app, inputs: inputs, graph: g, kept: doc.Findings}
	if res != nil {
		p.suppressed = res.Suppressed
	}
	secret.New().RedactApp(app)
	return p, nil
}

// add writes a part's inputs, stacks and graph.
func (s *Streamed) add(p *analysed, b *bounds, principalSeen map[graph.NodeID]bool) error {
	if n := len(p.inputs); n > 0 {
		if b.anyInput && p.inputs[0].Path <= b.input {
			return fmt.Errorf("%w: input %s", errNotSeparable, p.inputs[0].Path)
		}
		for _, in := range p.inputs {
			s.Inputs = append(s.Inputs, result.Input{Path: in.Path, Format: in.Format, Error: in.Error})
		}
		b.input, b.anyInput = p.inputs[n-1].Path, true
	}
	for i, st := range p.app.Stacks {
		if i == 0 && b.anyStack && st.ID <= b.stack {
			return fmt.Errorf("%w: stack %s", errNotSeparable, st.ID)
		}
		if err := s.stacks.add(st); err != nil {
			return err
		}
		if s.outline != nil {
			s.outline.stacks = append(s.outline.stacks, outlineStack(st))
		}
		s.Summary.Stacks++
		s.Summary.Functions += len(st.Functions)
		b.stack, b.anyStack = st.ID, true
	}
	// Nodes and edges of the part's stacks follow those of the parts
	// before; the shared principals (no stack) are kept aside, and go
	// where "principal:" sorts among the others.
	first := true
	for _, n := range p.graph.Nodes {
		if n.ID.Stack == "" {
			if !principalSeen[n.ID] {
				principalSeen[n.ID] = true
				s.principals = append(s.principals, n)
			}
			continue
		}
		if first && !b.node.IsZero() && n.ID.Compare(b.node) <= 0 {
			return fmt.Errorf("%w: graph node %s", errNotSeparable, n.ID)
		}
		first = false
		text := n.ID.String()
		if strings.HasPrefix(text, principalPrefix) {
			return fmt.Errorf("%w: graph node %s sorts among the shared principals", errNotSeparable, text)
		}
		if text < principalPrefix {
			s.nodesAt++
		}
		if err := s.nodes.add(n); err != nil {
			return err
		}
		b.node = n.ID
	}
	first = true
	for _, e := range p.graph.Edges {
		if e.From.Stack == "" {
			s.principalEdges = append(s.principalEdges, e)
			continue
		}
		if first && b.edge != nil && !b.edge.Less(e) {
			return fmt.Errorf("%w: graph edge from %s", errNotSeparable, e.From)
		}
		first = false
		text := e.From.String()
		if strings.HasPrefix(text, principalPrefix) {
			return fmt.Errorf("%w: graph edge from %s sorts among the shared principals", errNotSeparable, text)
		}
		if text < principalPrefix {
			s.edgesAt++
		}
		if err := s.edges.add(e); err != nil {
			return err
		}
		b.edge = &graph.Edge{From: e.From, To: e.To, Kind: e.Kind, Via: e.Via}
	}
	return nil
}

// checkFindings checks that a part's findings (and suppressed ones) are
// in files after those of the parts before, and moves the bounds.
func checkFindings(kept []rule.Finding, supp []rule.Suppressed, b *bounds) error {
	if n := len(kept); n > 0 {
		if b.anyFinding && kept[0].File <= b.findingFile {
			return fmt.Errorf("%w: finding in %s", errNotSeparable, kept[0].File)
		}
		b.findingFile, b.anyFinding = kept[n-1].File, true
	}
	if n := len(supp); n > 0 {
		if b.anySupp && supp[0].Finding.File <= b.suppFile {
			return fmt.Errorf("%w: suppressed finding in %s", errNotSeparable, supp[0].Finding.File)
		}
		b.suppFile, b.anySupp = supp[n-1].Finding.File, true
	}
	return nil
}

// addFindings writes findings and suppressed findings and counts them.
func (s *Streamed) addFindings(kept []rule.Finding, supp []rule.Suppressed) error {
	if o := s.outline; o != nil {
		o.findings = append(o.findings, kept...)
		o.suppressed = append(o.suppressed, supp...)
	}
	for i := range kept {
		if err := s.findings.add(&kept[i]); err != nil {
			return err
		}
	}
	for i := range supp {
		if err := s.suppressed.add(&supp[i]); err != nil {
			return err
		}
	}
	s.count(kept, supp)
	return nil
}

func (s *Streamed) count(kept []rule.Finding, supp []rule.Suppressed) {
	for _, f := range kept {
		s.Summary.Findings[f.Severity]++
	}
	s.Summary.Suppressed += len(supp)
}

// dropNote removes the findings of r (the once-per-scan rule, or nil)
// unless keep.
func dropNote(r *rule.Rule, kept []rule.Finding, supp []rule.Suppressed, keep bool) ([]rule.Finding, []rule.Suppressed) {
	if keep || r == nil {
		return kept, supp
	}
	kept = slices.DeleteFunc(kept, func(f rule.Finding) bool { return f.Rule == r.ID })
	supp = slices.DeleteFunc(supp, func(f rule.Suppressed) bool { return f.Finding.Rule == r.ID })
	return kept, supp
}

// finishHeld gives the held part the finding of r, the rule that reports
// once per scan (NL6006), now that the whole
// scan's vulnerability database summary is known, and applies the
// baseline to its findings.
func (s *Streamed) finishHeld(ctx context.Context, opts Options, r *rule.Rule) error {
	h := s.held
	var note *rule.Finding
	if s.vulnDB != nil {
		app := &model.App{Root: s.root, Stacks: []*model.Stack{h.stack}, VulnDB: s.vulnDB}
		fs, err := rule.Run(ctx, []*rule.Rule{r}, rule.Input{App: app, IAM: opts.Rules.IAM, Now: opts.Rules.Now, Config: opts.Rules.Config})
		if err != nil {
			return fmt.Errorf("rule %s: %w", r.ID, err)
		}
		if len(fs) == 1 {
			note = &fs[0]
		}
	}
	// The placeholder found where suppressions and filters put it is
	// replaced (they do not read the message), or dropped.
	replace := func(f *rule.Finding) bool {
		if f.Rule != r.ID {
			return false
		}
		if note == nil {
			return true
		}
		*f = *note
		return false
	}
	h.kept = slices.DeleteFunc(h.kept, func(f rule.Finding) bool { return replace(&f) })
	for i := range h.kept {
		replace(&h.kept[i])
	}
	h.suppressed = slices.DeleteFunc(h.suppressed, func(f rule.Suppressed) bool { return f.Finding.Rule == r.ID && note == nil })
	for i := range h.suppressed {
		replace(&h.suppressed[i].Finding)
	}
	rule.Sort(h.kept)
	sort.SliceStable(h.suppressed, func(i, j int) bool { return rule.Less(&h.suppressed[i].Finding, &h.suppressed[j].Finding) })
	n := len(h.kept)
	h.kept = opts.Rules.Baseline.New(h.kept)
	s.Summary.Baselined += n - len(h.kept)
	s.count(h.kept, h.suppressed)
	h.stack = nil
	if err := s.page.finishHeld(h.kept, s.root); err != nil {
		return err
	}
	return s.baseline.add(h.part, h.kept)
}

// mergeVulnDB is the vulnerability database summary of the whole scan
// from those of its parts (nil: no part deployed a production package).
// The whole scan's summary lists, for each ecosystem its packages needed,
// whether the database had it, lacked it, or could not read it (with the
// ecosystem's count of skipped records, which does not depend on the
// packages asked for: deps.DB reads an export once), and counts the
// packages checked: the union of the parts' lists and the sum of their
// counts.
func mergeVulnDB(parts []*model.VulnDB) *model.VulnDB {
	if len(parts) == 0 {
		return nil
	}
	out := &model.VulnDB{Dir: parts[0].Dir}
	for _, p := range parts {
		out.Available = out.Available || p.Available
		out.Ecosystems = append(out.Ecosystems, p.Ecosystems...)
		out.Missing = append(out.Missing, p.Missing...)
		out.Errors = append(out.Errors, p.Errors...)
		out.Checked += p.Checked
	}
	for _, l := range []*[]string{&out.Ecosystems, &out.Missing, &out.Errors} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
		if len(*l) == 0 {
			*l = nil
		}
	}
	return out
}
