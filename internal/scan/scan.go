// Package scan is the library the CLI calls: it discovers input files,
// loads each with the loader for its format, and assembles the report
// document (inputs, application model, graph, findings) in a deterministic
// order. One bad file never stops the scan of the others.
package scan

import (
	"context"
	"io"
	"log/slog"

	"github.com/nightlight-sec/nightlight/internal/conc"
	"github.com/nightlight-sec/nightlight/internal/deps"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/discover"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules"
	"github.com/nightlight-sec/nightlight/internal/secret"
)

// LoadFunc loads one unit (a file, or a Terraform module directory).
type LoadFunc = discover.LoadFunc

// Progress is told how the scan advances; a nil Progress is allowed.
type Progress = discover.Progress

// DefaultLoaders returns the loaders for every format nightlight reads.
func DefaultLoaders() map[model.Format]LoadFunc { return discover.DefaultLoaders() }

// Options configure a scan.
type Options struct {
	// Paths are the files and directories to scan.
	Paths []string
	// Exclude are globs of files and folders (relative to each scanned
	// directory) that discovery skips (see discover.Options).
	Exclude []string
	// Load holds parameter overrides, environment and limits for loaders.
	Load load.Options
	// Loaders maps each format to its loader; nil means DefaultLoaders().
	// A format without a loader is reported as unsupported.
	Loaders map[model.Format]LoadFunc
	// Tool names the program, for the report.
	Tool result.Tool
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// Progress, when set, is told about progress.
	Progress Progress
	// Workers bounds parallel loading (0: the number of CPUs).
	Workers int
	// Rules selects and filters the rules run over the app (the zero value
	// runs every rule); see rules.Analyze.
	Rules rules.Options
	// VulnDB is the offline OSV database the functions' dependencies are
	// matched against; nil means none (the dependency rules say so once).
	VulnDB *deps.DB

	// Outline makes RunStreamed keep in memory, instead of writing the
	// JSON report's elements to temporary files, what the reports that
	// show findings read (text, SARIF, JUnit, Markdown): the findings, the
	// graph nodes on their paths and an outline of each stack (see
	// Streamed.Outline).
	Outline bool
	// Inventory, when set, makes RunStreamed write each stack's inventory
	// with it (report.WriteInventory) to a temporary file as the stack's
	// part is analysed; Streamed.WriteInventory copies them in order.
	Inventory func(w io.Writer, st *model.Stack) error
	// KeepBaseline makes RunStreamed keep the baseline entries of the
	// findings it reports in a temporary file, part by part, for
	// Streamed.WriteBaseline (an outline scan has the findings already).
	KeepBaseline bool
	// Page makes RunStreamed keep the HTML report's data part by part in
	// temporary files, for Streamed.WriteHTML.
	Page bool

	// Graph makes RunStreamed keep only the graph's nodes and edges, part
	// by part in temporary files, for Streamed.WriteGraphJSON (the graph
	// command's document).
	Graph bool
	// Each, when set, makes RunStreamed keep no report but hand each part
	// of the scan, analysed as for the report (graph built, rules run,
	// secrets redacted), to Each in report order, for the commands that
	// print documents of their own (surface, iam, graph as DOT or
	// Mermaid). A scan held in memory whole is handed over once, whole
	// (Streamed.Document is then set too).
	Each func(p Part) error

	// afterPart, in tests, is called by RunStreamed after each part is
	// written, with the part's application.
	afterPart func(*model.App)
}

// Part is one part of a scan, or the whole scan when it is held in memory
// whole, as Options.Each receives it: its application (stacks in report
// order) and graph (nodes and edges sorted; with the shared principals its
// edges come from; the graph is empty when it failed). The part is released after Each returns unless Each
// keeps it.
type Part struct {
	App   *model.App
	Graph *graph.Graph
	// Whole is set when the scan was held in memory whole: the part is
	// the whole scan. When the parts turn out to refer to each other the
	// scan starts again held whole, and Each must forget the parts it
	// was given before.
	Whole bool
}

// withDefaults gives opts an IAM engine when it has none (one engine
// serves the graph and the rules) and returns the scan's logger.
func withDefaults(opts Options) (Options, *slog.Logger) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Rules.IAM == nil {
		opts.Rules.IAM = iam.NewAnalyzer()
	}
	return opts, log.With("component", "scan")
}

// Run scans opts.Paths and returns the report document. It returns an error
// only when the scan cannot start (a path does not exist); problems with
// individual inputs are recorded in the document's inputs.
func Run(ctx context.Context, opts Options) (*result.Document, error) {
	opts, log := withDefaults(opts)
	doc, graphErr, err := loadAndGraph(ctx, opts)
	if err != nil {
		return nil, err
	}
	if graphErr != nil {
		log.Warn("graph failed", "error", graphErr)
	}
	res, err := rules.Analyze(ctx, doc, opts.Rules)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		log.Warn("rules failed", "error", err)
	}
	baselined := 0
	if res != nil {
		doc.Suppressed = res.Suppressed
		baselined = res.Baselined
	}
	doc.Summarize(baselined)
	// Analysis (graph, rules) reads the values as written; everything after
	// this point is output, which must never show a secret in full.
	secret.New().RedactApp(doc.App)
	return doc, nil
}

// Model runs the first two steps of a scan, loading and the graph, and no
// rules: for commands that compare the declared design with something
// else (monitor --app). Unlike Run it fails when the graph cannot be
// built, since a comparison with an empty graph would be wrong. Values
// are not redacted: the document is not a report.
func Model(ctx context.Context, opts Options) (*result.Document, error) {
	doc, graphErr, err := loadAndGraph(ctx, opts)
	if err != nil {
		return nil, err
	}
	if graphErr != nil {
		return nil, graphErr
	}
	return doc, nil
}

// loadAndGraph loads every input and builds the graph. err is set when the
// scan cannot start or ctx is done; graphErr when only the graph failed
// (the document then has an empty graph).
func loadAndGraph(ctx context.Context, opts Options) (doc *result.Document, graphErr, err error) {
	ld, err := discover.Start(ctx, opts.Paths, discover.Options{Exclude: opts.Exclude, Load: opts.Load,
		Loaders: opts.Loaders, Logger: opts.Logger, Progress: opts.Progress, Workers: opts.Workers, VulnDB: opts.VulnDB})
	if err != nil {
		return nil, nil, err
	}
	an := opts.Rules.IAM
	if an == nil {
		an = iam.NewAnalyzer()
	}
	// The graph is built while the handler code is analysed; it waits for
	// the code only for the edges the code's SDK calls confirm.
	g, err := buildGraph(ctx, ld.App, graph.Options{Permissions: graph.IAMPermissions(an), Classify: opts.Rules.Config.Classify, Group: opts.Rules.Config.Group,
		AwaitCode: func() { ld.Wait() }})
	inputs := ld.Wait()
	doc = &result.Document{Tool: opts.Tool, App: ld.App, Graph: &graph.Graph{Nodes: []*graph.Node{}, Edges: []*graph.Edge{}}, Findings: []rule.Finding{}}
	doc.Inputs = make([]result.Input, 0, len(inputs))
	for _, in := range inputs {
		doc.Inputs = append(doc.Inputs, result.Input{Path: in.Path, Format: in.Format, Error: in.Error})
	}
	switch {
	case err == nil:
		doc.Graph = g
	case ctx.Err() != nil:
		return nil, nil, ctx.Err()
	default:
		return doc, err, nil
	}
	return doc, nil, nil
}

// buildGraph builds the graph, turning a panic into an error so that a bug in
// the analysis never takes the scan (and its report) down.
func buildGraph(ctx context.Context, app *model.App, opts graph.Options) (g *graph.Graph, err error) {
	err = conc.Safely("building the graph", func() error {
		g, err = graph.Build(ctx, app, opts)
		return err
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}
