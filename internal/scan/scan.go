// Package scan is the library the CLI calls: it discovers input files,
// loads each with the loader for its format, and assembles the report
// document (inputs, application model, graph, findings) in a deterministic
// order. One bad file never stops the scan of the others.
package scan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"runtime"
	"sort"
	"sync"

	"github.com/nightlight-sec/nightlight/internal/code"
	"github.com/nightlight-sec/nightlight/internal/deps"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/azure"
	"github.com/nightlight-sec/nightlight/internal/load/openwhisk"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules"
	"github.com/nightlight-sec/nightlight/internal/secret"
)

// LoadFunc loads one unit (a file, or a Terraform module directory).
type LoadFunc func(ctx context.Context, u load.Unit, opts load.Options) ([]*model.Stack, error)

// Progress is told how the scan advances; a nil Progress is allowed.
type Progress interface {
	// Loaded is called after each unit, with the count done and total.
	Loaded(done, total int)
}

// Options configure a scan.
type Options struct {
	// Paths are the files and directories to scan.
	Paths []string
	// Exclude are globs of files and folders (relative to each scanned
	// directory) that discovery skips; see excluded.
	Exclude []string
	// Load holds parameter overrides, environment and limits for loaders.
	Load load.Options
	// Loaders maps each format to its loader; DefaultLoaders gives the
	// standard set. A format without a loader is reported as unsupported.
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
}

// unit is a loadable unit with its display path and format.
type unit struct {
	load.Unit
	err error
}

// Run scans opts.Paths and returns the report document. It returns an error
// only when the scan cannot start (a path does not exist); problems with
// individual inputs are recorded in the document's inputs.
func Run(ctx context.Context, opts Options) (*result.Document, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "scan")
	opts.Load.Limits = opts.Load.Limits.WithDefaults()
	if opts.Load.Cache == nil {
		opts.Load.Cache = &load.Cache{}
	}
	cands, err := discover(opts.Paths, opts.Exclude)
	if err != nil {
		return nil, err
	}
	units, roots, err := buildUnits(cands, opts.Load.Limits)
	defer func() {
		for _, r := range roots {
			r.Close()
		}
	}()
	if err != nil {
		return nil, err
	}
	log.Debug("discovered inputs", "candidates", len(cands), "units", len(units))

	type loaded struct {
		stacks []*model.Stack
		err    error
	}
	results := make([]loaded, len(units))
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i].stacks, results[i].err = loadUnit(ctx, opts, units[i])
				if opts.Progress != nil {
					mu.Lock()
					done++
					opts.Progress.Loaded(done, len(units))
					mu.Unlock()
				}
			}
		}()
	}
	for i := range units {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	doc := &result.Document{Tool: opts.Tool, App: &model.App{}, Graph: &graph.Graph{Nodes: []*graph.Node{}, Edges: []*graph.Edge{}}, Findings: []rule.Finding{}}
	if len(opts.Paths) > 0 {
		doc.App.Root = opts.Paths[0]
	}
	// A Terraform module another module calls as a local child is part of
	// its caller's stack; do not report it a second time on its own.
	included := map[string]bool{}
	for _, r := range results {
		for _, st := range r.stacks {
			for _, p := range st.Includes {
				included[p] = true
			}
		}
	}
	doc.Inputs = []result.Input{}
	stackRoot := map[*model.Stack]*load.Root{}
	da := deps.NewAnalyzer(opts.Logger)
	for i, u := range units {
		if u.Format == model.FormatTerraform && included[u.Path] && results[i].err == nil {
			log.Debug("module loaded as a child of another", "path", u.Path)
			results[i].stacks = nil
		}
		in := result.Input{Path: u.Path, Format: u.Format}
		if r := results[i]; r.err != nil {
			in.Error = r.err.Error()
			log.Debug("input did not load", "path", u.Path, "error", r.err)
		} else if msg := firstError(r.stacks); msg != "" {
			// A loader that kept going past an error still reports the
			// input as not loaded cleanly.
			in.Error = msg
		}
		if u.Root != nil {
			da.AddStacks(ctx, u.Root, results[i].stacks)
		}
		for _, st := range results[i].stacks {
			if st == nil {
				continue
			}
			st.Sort()
			stackRoot[st] = u.Root
			doc.App.Stacks = append(doc.App.Stacks, st)
		}
		doc.Inputs = append(doc.Inputs, in)
	}
	// Handler code: found from the declarations, read through the same
	// root sandbox; each source file read is an input of its own.
	for _, in := range code.Analyze(ctx, doc.App, func(st *model.Stack) *load.Root { return stackRoot[st] }, code.Options{Logger: opts.Logger, Workers: opts.Workers}) {
		doc.Inputs = append(doc.Inputs, result.Input{Path: in.Path, Format: in.Format, Error: in.Error})
	}
	// Dependency manifests the functions deploy are inputs too.
	for _, in := range da.Inputs() {
		ri := result.Input{Path: in.Path, Format: in.Format}
		if in.Err != nil {
			ri.Error = in.Err.Error()
		}
		doc.Inputs = append(doc.Inputs, ri)
	}
	// Which packages the handlers import, now that their code is read.
	da.Reach()
	doc.App.VulnDB = da.Match(ctx, opts.VulnDB)
	sort.SliceStable(doc.Inputs, func(i, j int) bool { return doc.Inputs[i].Path < doc.Inputs[j].Path })
	sort.SliceStable(doc.App.Stacks, func(i, j int) bool { return doc.App.Stacks[i].ID < doc.App.Stacks[j].ID })
	if doc.App.Stacks == nil {
		doc.App.Stacks = []*model.Stack{}
	}
	// One IAM engine serves the graph and the rules.
	if opts.Rules.IAM == nil {
		opts.Rules.IAM = iam.NewAnalyzer()
	}
	g, err := buildGraph(ctx, doc.App, graph.Options{Permissions: graph.IAMPermissions(opts.Rules.IAM), Config: opts.Rules.Config})
	switch {
	case err == nil:
		doc.Graph = g
	case ctx.Err() != nil:
		return nil, ctx.Err()
	default:
		log.Warn("graph failed", "error", err)
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

// loadUnit runs the unit's loader, turning a panic into an error so that one
// input can never take the scan down.
func loadUnit(ctx context.Context, opts Options, u unit) (stacks []*model.Stack, err error) {
	if u.err != nil {
		return nil, u.err
	}
	fn := opts.Loaders[u.Format]
	if fn == nil {
		return nil, fmt.Errorf("%s: %s input is not supported yet", u.Path, u.Format)
	}
	defer func() {
		if r := recover(); r != nil {
			stacks, err = nil, fmt.Errorf("%s: internal error while loading (please report it): %v", u.Path, r)
		}
	}()
	stacks, err = fn(ctx, u.Unit, opts.Load)
	if err != nil && !errors.As(err, new(*load.Error)) && load.PosOf(err) == (model.Pos{}) {
		err = fmt.Errorf("%s: %w", u.Path, err)
	}
	// A cookiecutter/Jinja template of a template: say so, whether it
	// failed to load (the usual case: {% %} blocks are not YAML) or loaded
	// with placeholders for values (its findings get low confidence).
	for _, f := range u.Files {
		pos, marker, ok := load.Unrendered(f)
		if !ok {
			continue
		}
		if err != nil {
			return stacks, load.UnrenderedError(pos, marker, err)
		}
		for _, st := range stacks {
			if st == nil {
				continue
			}
			st.Unrendered = load.EngineJinja
			st.Diagnostics = append(st.Diagnostics, model.Diagnostic{Pos: pos, Severity: model.DiagWarning,
				Message: fmt.Sprintf("this is a %s template of a template (%s), not a deployable template: its placeholders stand for values chosen when it is rendered, so findings on it have low confidence; render it (cookiecutter, sam init) and scan the result", load.EngineJinja, marker)})
		}
		break
	}
	return stacks, err
}

// buildUnits reads candidate files and groups them into units: one per
// template or serverless file, one per Terraform module directory.
func buildUnits(cands []candidate, limits load.Limits) ([]unit, map[string]*load.Root, error) {
	roots := map[string]*load.Root{}
	rootFor := func(dir, shown string) (*load.Root, error) {
		key := dir + "\x00" + shown
		if r, ok := roots[key]; ok {
			return r, nil
		}
		r, err := load.OpenRoot(dir, shown, limits.MaxFileBytes)
		if err != nil {
			return nil, err
		}
		roots[key] = r
		return r, nil
	}
	var units []unit
	tf := map[string]int{} // root + module dir → index in units
	// Azure Functions projects: a host.json directory, or (without one) the
	// parent of function.json folders.
	azHost := map[string]bool{}
	for _, c := range cands {
		if c.format == model.FormatAzureFunctions && path.Base(c.display) == "host.json" {
			azHost[c.root+"\x00"+path.Dir(c.display)] = true
		}
	}
	azProj := map[string]int{}
	for _, c := range cands {
		if c.err != nil {
			units = append(units, unit{Unit: load.Unit{Format: c.format, Path: c.display}, err: c.err})
			continue
		}
		root, err := rootFor(c.root, c.shown)
		if err != nil {
			return nil, roots, err
		}
		if c.format == model.FormatAzureFunctions {
			dir := path.Dir(c.display)
			if path.Base(c.display) == "function.json" {
				if azHost[c.root+"\x00"+path.Dir(dir)] || azHost[c.root+"\x00"+dir] {
					continue // the project loads it
				}
				dir = path.Dir(dir)
			}
			key := c.root + "\x00" + dir
			if _, ok := azProj[key]; ok {
				continue
			}
			azProj[key] = len(units)
			units = append(units, unit{Unit: load.Unit{Format: model.FormatAzureFunctions, Path: dir, Root: root}})
			continue
		}
		data, rerr := root.ReadFile(c.display)
		u := unit{Unit: load.Unit{Format: c.format, Path: c.display, Root: root}}
		if rerr != nil {
			u.err = rerr
			if !load.PosOf(rerr).IsValid() {
				u.err = fmt.Errorf("%s: %w", c.display, rerr)
			}
			if c.format == model.FormatCloudFormation && !c.explicit && !errors.Is(rerr, load.ErrOutsideRoot) {
				// Not confirmed as a template yet: judge by the file's head
				// whether this unreadable (e.g. oversized) file is ours.
				head, herr := root.Head(c.display, 64<<10)
				if herr != nil {
					continue
				}
				if isTpl, _ := sniffTemplate(head); !isTpl && !sniffPlan(head) {
					continue // some other YAML/JSON file
				}
			}
			units = append(units, u)
			continue
		}
		switch c.format {
		case model.FormatCloudFormation:
			isTpl, isSAM := sniffTemplate(data)
			switch {
			case sniffPlan(data):
				u.Format = model.FormatTerraformPlan
			case isSAM:
				u.Format = model.FormatSAM
			case isTpl:
			case azure.IsARM(data):
				u.Format = model.FormatARM
			case openwhisk.IsManifest(c.display, data):
				if openwhisk.IsDeployment(c.display) {
					continue // read by the manifest beside it
				}
				u.Format = model.FormatWskdeploy
			case c.explicit:
				u.err = fmt.Errorf("%s: not a CloudFormation/SAM template, Serverless file, Terraform file or plan", c.display)
			default:
				continue // some other YAML/JSON file
			}
		case model.FormatTerraform:
			dir := path.Dir(c.display)
			key := c.root + "\x00" + dir
			if i, ok := tf[key]; ok {
				units[i].Files = append(units[i].Files, load.File{Path: c.display, Data: data})
				continue
			}
			u.Path = dir
			tf[key] = len(units)
		}
		u.Files = []load.File{{Path: c.display, Data: data}}
		units = append(units, u)
	}
	return units, roots, nil
}

// firstError returns the first error-severity diagnostic of the stacks as
// "file:line:col: message", noting how many more there are, or "".
func firstError(stacks []*model.Stack) string {
	var first *model.Diagnostic
	n := 0
	for _, st := range stacks {
		for i := range st.Diagnostics {
			d := &st.Diagnostics[i]
			if d.Severity != model.DiagError {
				continue
			}
			if first == nil {
				first = d
			}
			n++
		}
	}
	switch {
	case first == nil:
		return ""
	case n == 1:
		return first.String()
	}
	return fmt.Sprintf("%s (and %d more errors)", first, n-1)
}

// buildGraph builds the graph, turning a panic into an error so that a bug in
// the analysis never takes the scan (and its report) down.
func buildGraph(ctx context.Context, app *model.App, opts graph.Options) (g *graph.Graph, err error) {
	defer func() {
		if r := recover(); r != nil {
			g, err = nil, fmt.Errorf("internal error while building the graph (please report it): %v", r)
		}
	}()
	return graph.Build(ctx, app, opts)
}
