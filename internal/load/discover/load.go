package discover

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"sort"
	"sync"

	"github.com/nightlight-sec/nightlight/internal/code"
	"github.com/nightlight-sec/nightlight/internal/conc"
	"github.com/nightlight-sec/nightlight/internal/deps"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/detect"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Progress is told how loading advances; a nil Progress is allowed.
type Progress interface {
	// Loaded is called, under a lock, as the discovered files are
	// loaded: done of total files (a Terraform module directory or an
	// Azure Functions project counts its files, once loaded; files that
	// turn out not to be inputs count at once). done never decreases and
	// reaches total.
	Loaded(done, total int)
}

// Options configure Load.
type Options struct {
	// Dir, when set, is the directory the paths are relative to (for
	// tests, which cannot change the working directory); display paths
	// stay as given.
	Dir string
	// Exclude are globs of files and folders (relative to each scanned
	// directory) that discovery skips; see excluded.
	Exclude []string
	// Load holds parameter overrides, environment and limits for loaders.
	Load load.Options
	// Loaders maps each format to its loader; nil means DefaultLoaders().
	// A format without a loader is reported as unsupported.
	Loaders map[model.Format]LoadFunc
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// Progress, when set, is told about progress.
	Progress Progress
	// Workers bounds parallel loading (0: the number of CPUs).
	Workers int
	// VulnDB is the offline OSV database the functions' dependencies are
	// matched against (app.VulnDB); nil means none (the dependency rules
	// say so once).
	VulnDB *deps.DB
}

// Input is one input (a file, a module or project directory, a handler
// source file) and whether it loaded.
type Input struct {
	Path   string
	Format model.Format
	// Error is "file:line:col: message" when the input failed to load or
	// loaded with errors, "" when it loaded cleanly.
	Error string
	// Code is true for a handler source file (read by internal/code) or
	// a dependency manifest (read by internal/deps), false for a
	// declaration (template, Terraform module, …).
	Code bool
}

// unit is a loadable unit with its display path and format.
type unit struct {
	load.Unit
	err error
	// files is the number of discovered files the unit stands for (a
	// Terraform module's, an Azure Functions project's), for Progress.
	files int
}

// Load discovers the inputs below paths (files and directories), loads
// each with the loader for its format, reads the handler code the
// declarations point to (internal/code, through the same root sandbox),
// and returns the application (stacks sorted by ID) and the inputs
// (sorted by path; handler source files are inputs of their own). It
// returns an error only when loading cannot start (a path does not exist)
// or ctx is done; problems with individual inputs are in their Error.
func Load(ctx context.Context, paths []string, opts Options) (*model.App, []Input, error) {
	l, err := Start(ctx, paths, opts)
	if err != nil {
		return nil, nil, err
	}
	return l.App, l.Wait(), nil
}

// LoadPart loads one part of the inputs below paths (from Split) exactly as
// Load loads them all: the application of the part's stacks and its inputs.
// A part that refers to files of another part (a Terraform module, handler
// code or a manifest in another top-level folder) loads them as Load would,
// through the sandbox of the scanned path; callers that need parts to be
// independent check the paths of what it returns.
func LoadPart(ctx context.Context, paths []string, p Part, opts Options) (*model.App, []Input, error) {
	l, err := StartPart(ctx, paths, p, opts)
	if err != nil {
		return nil, nil, err
	}
	return l.App, l.Wait(), nil
}

// Loading is a load whose declarations are read while the handler code
// they point to and the functions' dependencies are analysed in the
// background (Start): the graph of everything but the code can be built
// meanwhile.
type Loading struct {
	// App is the application, stacks sorted by ID. Until Wait returns,
	// the background analysis writes its functions' Code and Deps, its
	// stacks' Diagnostics and App.VulnDB: nothing may read those before.
	App *model.App

	done   chan struct{}
	inputs []Input
}

// Wait waits until the handler code and the dependencies are analysed
// and returns every input, sorted by path. It may be called any number of
// times, from any goroutine.
func (l *Loading) Wait() []Input {
	<-l.done
	return l.inputs
}

// Start is Load that returns once the declarations are loaded, with the
// handler code and dependencies still being analysed (see Loading). The
// caller must call Wait before it reads what that analysis writes, and
// before it returns.
func Start(ctx context.Context, paths []string, opts Options) (*Loading, error) {
	cands, err := discover(opts.Dir, paths, opts.Exclude)
	if err != nil {
		return nil, err
	}
	return loadCandidates(ctx, paths, cands, opts)
}

// StartPart is LoadPart as Start is Load.
func StartPart(ctx context.Context, paths []string, p Part, opts Options) (*Loading, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return loadCandidates(ctx, paths, p.cands, opts)
}

// loadCandidates is Start after discovery.
func loadCandidates(ctx context.Context, paths []string, cands []candidate, opts Options) (_ *Loading, err error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "discover")
	opts.Load.Limits = opts.Load.Limits.WithDefaults()
	if opts.Load.Cache == nil {
		opts.Load.Cache = &load.Cache{}
	}
	if opts.Loaders == nil {
		opts.Loaders = DefaultLoaders()
	}
	units, roots, err := buildUnits(cands, opts.Load.Limits)
	// The roots stay open for the background analysis, which closes them.
	closeRoots := func() {
		for _, r := range roots {
			r.Close()
		}
	}
	defer func() {
		if err != nil {
			closeRoots()
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
	var mu sync.Mutex
	// Progress counts discovered files: those no unit stands for (not
	// inputs, or loaded by their project) are done already.
	done := len(cands)
	for _, u := range units {
		done -= u.files
	}
	if opts.Progress != nil {
		opts.Progress.Loaded(done, len(cands))
	}
	conc.ForEach(ctx, len(units), opts.Workers, func(i int) {
		results[i].stacks, results[i].err = loadUnit(ctx, opts, units[i])
		// The model holds what the scan needs from the files: release
		// their contents now rather than when every unit has loaded.
		units[i].Files = nil
		if opts.Progress != nil {
			mu.Lock()
			done += units[i].files
			opts.Progress.Loaded(done, len(cands))
			mu.Unlock()
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	app := &model.App{Stacks: []*model.Stack{}}
	if len(paths) > 0 {
		app.Root = paths[0]
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
	inputs := []Input{}
	stackRoot := map[*model.Stack]*load.Root{}
	da := deps.NewAnalyzer(opts.Logger)
	for i, u := range units {
		if u.Format == model.FormatTerraform && included[u.Path] && results[i].err == nil {
			log.Debug("module loaded as a child of another", "path", u.Path)
			results[i].stacks = nil
		}
		in := Input{Path: u.Path, Format: u.Format}
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
			app.Stacks = append(app.Stacks, st)
		}
		inputs = append(inputs, in)
	}
	// The handler code is analysed over the stacks in load order, as
	// always: a copy of that order, since the caller's App is sorted now.
	codeApp := &model.App{Root: app.Root, Stacks: append([]*model.Stack(nil), app.Stacks...)}
	sort.SliceStable(app.Stacks, func(i, j int) bool { return app.Stacks[i].ID < app.Stacks[j].ID })
	l := &Loading{App: app, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		defer closeRoots()
		err := conc.Safely("analysing handler code and dependencies", func() error {
			// Handler code: found from the declarations, read through the
			// same root sandbox; each source file read is an input of its
			// own.
			for _, in := range code.Analyze(ctx, codeApp, func(st *model.Stack) *load.Root { return stackRoot[st] }, code.Options{Logger: opts.Logger, Workers: opts.Workers}) {
				inputs = append(inputs, Input{Path: in.Path, Format: in.Format, Error: in.Error, Code: true})
			}
			// Dependency manifests the functions deploy are inputs too.
			for _, in := range da.Inputs() {
				ri := Input{Path: in.Path, Format: in.Format, Code: true}
				if in.Err != nil {
					ri.Error = in.Err.Error()
				}
				inputs = append(inputs, ri)
			}
			// Which packages the handlers import, now that their code is
			// read.
			da.Reach()
			app.VulnDB = da.Match(ctx, opts.VulnDB)
			return nil
		})
		if err != nil {
			log.Warn("handler code and dependency analysis failed", "error", err)
		}
		sort.SliceStable(inputs, func(i, j int) bool { return inputs[i].Path < inputs[j].Path })
		l.inputs = inputs
	}()
	return l, nil
}

// loadUnit runs the unit's loader, turning a panic into an error so that one
// input can never take the scan down.
func loadUnit(ctx context.Context, opts Options, u unit) ([]*model.Stack, error) {
	if u.err != nil {
		return nil, u.err
	}
	fn := opts.Loaders[u.Format]
	if fn == nil {
		return nil, fmt.Errorf("%s: %s input is not supported yet", u.Path, u.Format)
	}
	var stacks []*model.Stack
	err := conc.Safely("loading "+u.Path, func() error {
		var err error
		stacks, err = fn(ctx, u.Unit, opts.Load)
		return err
	})
	if pe := (*conc.PanicError)(nil); errors.As(err, &pe) {
		return nil, err
	}
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
			units = append(units, unit{Unit: load.Unit{Format: c.format, Path: c.display}, err: c.err, files: 1})
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
			if i, ok := azProj[key]; ok {
				units[i].files++
				continue
			}
			azProj[key] = len(units)
			units = append(units, unit{Unit: load.Unit{Format: model.FormatAzureFunctions, Path: dir, Root: root}, files: 1})
			continue
		}
		data, rerr := root.ReadFile(c.display)
		u := unit{Unit: load.Unit{Format: c.format, Path: c.display, Root: root}, files: 1}
		if rerr != nil {
			u.err = rerr
			if !load.PosOf(rerr).IsValid() {
				u.err = fmt.Errorf("%s: %w", c.display, rerr)
			}
			if c.format == "" && !c.explicit && !errors.Is(rerr, load.ErrOutsideRoot) {
				// Not confirmed as a template yet: judge by the file's head
				// whether this unreadable (e.g. oversized) file is ours.
				head, herr := root.Head(c.display, 64<<10)
				if herr != nil {
					continue
				}
				if !detect.Detect(c.display, head).IsInput() {
					continue // some other YAML/JSON file
				}
			}
			units = append(units, u)
			continue
		}
		switch c.format {
		case "":
			// The name allows several formats: the contents decide.
			r := detect.Detect(c.display, data)
			switch {
			case r.IsInput():
				u.Format = r.Format
			case c.explicit && r.Not != "":
				u.err = fmt.Errorf("%s: not an input nightlight loads: %s", c.display, r.Not)
			case c.explicit:
				u.err = fmt.Errorf("%s: not a CloudFormation/SAM template, ARM template, Serverless file, Terraform file or plan", c.display)
			default:
				continue // some other YAML/JSON file
			}
		case model.FormatTerraform:
			dir := path.Dir(c.display)
			key := c.root + "\x00" + dir
			if i, ok := tf[key]; ok {
				units[i].Files = append(units[i].Files, load.File{Path: c.display, Data: data})
				units[i].files++
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
