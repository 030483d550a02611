package deps

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Root is the scanned directory as the dependency analysis reads it:
// display paths for reading and reporting, and a file system rooted at the
// same directory for osv-scalibr's extractors. *load.Root implements it.
type Root interface {
	ReadFile(display string) ([]byte, error)
	ReadDir(display string) ([]fs.DirEntry, error)
	Resolve(fromDir, name string) (string, error)
	Rel(display string) (string, error)
	FS() fs.FS
}

// Input is one manifest or lockfile read, for the report's inputs.
type Input struct {
	Path   string
	Format model.Format
	// Err is why the file could not be read, or nil.
	Err error
}

// Analyzer reads the manifests of every function of a scan. Each file is
// read once however many functions deploy it. An Analyzer is used by one
// goroutine.
type Analyzer struct {
	log    *slog.Logger
	parsed map[string]*parseResult // display path → result
	order  []string
	fns    []*model.Function
}

type parseResult struct {
	kind Kind
	p    *Parsed
	err  error
}

// NewAnalyzer returns an analyzer logging to log (nil: discard).
func NewAnalyzer(log *slog.Logger) *Analyzer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Analyzer{log: log.With("component", "deps"), parsed: map[string]*parseResult{}}
}

// AddStacks finds, for each function of the stacks (loaded from files
// under root), the manifests and lockfiles it deploys and records their
// packages in fn.Deps: the function's own code directory (SAM CodeUri, the
// Serverless service directory; a build artifact's project directory) and
// the code directories of the layers of the same stack it attaches. Only the
// top of each directory is read, as the build tools do; folders no function
// deploys are never read.
func (a *Analyzer) AddStacks(ctx context.Context, root Root, stacks []*model.Stack) {
	for _, st := range stacks {
		for _, fn := range st.Functions {
			if ctx.Err() != nil {
				return
			}
			var deps model.Dependencies
			if dir, why := codeDir(root, st, fn); dir != "" {
				a.addDir(ctx, root, dir, "", &deps)
			} else if why != "" {
				a.log.Debug("function code not read", "function", fn.ID, "stack", st.ID, "reason", why)
			}
			for _, l := range fn.Layers {
				for _, ref := range l.AllRefs() {
					if dir := layerDir(root, st, ref); dir != "" {
						a.addDir(ctx, root, dir, ref, &deps)
					}
				}
			}
			if len(deps.Manifests) == 0 {
				continue
			}
			finish(&deps)
			fn.Deps = &deps
			a.fns = append(a.fns, fn)
		}
	}
}

// stackDir is the display directory a stack's relative paths start from.
func stackDir(st *model.Stack) string {
	f := st.File
	if f == "" {
		f = st.ID
	}
	if st.Format == model.FormatTerraform && !strings.HasSuffix(f, ".tf") && !strings.HasSuffix(f, ".json") {
		return f
	}
	return path.Dir(f)
}

// archiveExt lists build artifacts a function may name instead of a folder.
var archiveExt = []string{".zip", ".jar", ".war"}

// codeDir returns the display directory holding the function's code, or
// "" and why there is none (inline code, an image, code in S3).
func codeDir(root Root, st *model.Stack, fn *model.Function) (string, string) {
	switch {
	case fn.InlineCode.IsSet():
		return "", "inline code"
	case strings.EqualFold(fn.PackageType.String(), "Image"):
		return "", "container image"
	}
	base := stackDir(st)
	uri := fn.CodeURI
	if !uri.IsSet() {
		if st.Format == model.FormatServerless || st.Format == model.FormatAzureFunctions {
			// Serverless packages the whole service directory; an Azure
			// Functions app deploys its project folder (host.json's), whose
			// requirements.txt or package.json the platform installs.
			return base, ""
		}
		return "", "no local code location"
	}
	if !uri.IsResolved() || uri.Kind != model.String {
		return "", "code location is not a local path"
	}
	s := uri.Str
	if strings.Contains(s, "://") || strings.HasPrefix(s, "arn:") || s == "" {
		return "", "code is not in the scanned files"
	}
	p, err := root.Resolve(base, s)
	if err != nil {
		return "", err.Error()
	}
	for _, ext := range archiveExt {
		if strings.HasSuffix(strings.ToLower(p), ext) {
			return artifactProject(root, p)
		}
	}
	return p, ""
}

// artifactProject returns the project directory of a build artifact named
// as a function's code (`target/app.jar`, `build/distributions/x.zip`): the
// directory above the build folder, where the manifest lives. An archive
// elsewhere (a zip Terraform builds from sources it names separately) has
// no manifest nightlight can attribute to it.
func artifactProject(root Root, p string) (string, string) {
	dir := path.Dir(p)
	for d := dir; d != "." && d != "/" && d != ""; d = path.Dir(d) {
		switch path.Base(d) {
		case "target", "build", "dist", "out":
			return path.Dir(d), ""
		}
		if path.Dir(d) == d {
			break
		}
	}
	return "", "code is a prebuilt archive (" + p + ")"
}

// layerDir returns the code directory of the layer with ID ref declared in
// st (a SAM LayerVersion's ContentUri), or "".
func layerDir(root Root, st *model.Stack, ref string) string {
	for _, r := range st.Resources {
		if r.ID != ref {
			continue
		}
		var v *model.Value
		switch r.Type {
		case "AWS::Serverless::LayerVersion":
			v = r.Properties.Get("ContentUri")
		case "AWS::Lambda::LayerVersion":
			v = r.Properties.Get("Content")
		}
		if !v.IsResolved() || v.Kind != model.String || strings.Contains(v.Str, "://") {
			return ""
		}
		p, err := root.Resolve(stackDir(st), v.Str)
		if err != nil {
			return ""
		}
		return p
	}
	return ""
}

// addDir reads the manifests at the top of dir into deps. Per ecosystem,
// npm reads its best lockfile (package.json alone only without one), Go
// reads go.mod (Gopkg.lock only without it), Python reads every lockfile
// and requirements file (a build may install from either).
func (a *Analyzer) addDir(ctx context.Context, root Root, dir, layer string, deps *model.Dependencies) {
	entries, err := root.ReadDir(dir)
	if err != nil {
		return
	}
	best := map[string]int{}
	type cand struct {
		name string
		kind Kind
	}
	var cands []cand
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		k, ok := Detect(e.Name())
		if !ok {
			continue
		}
		cands = append(cands, cand{e.Name(), k})
		if r, seen := best[k.Ecosystem]; !seen || k.rank < r {
			best[k.Ecosystem] = k.rank
		}
	}
	for _, c := range cands {
		if c.kind.rank != best[c.kind.Ecosystem] {
			continue
		}
		display := path.Join(dir, c.name)
		res := a.parse(ctx, root, display, c.kind)
		deps.Manifests = append(deps.Manifests, display)
		if res.err != nil {
			deps.Notes = append(deps.Notes, model.Diagnostic{Pos: model.Pos{File: display}, Severity: model.DiagWarning, Message: res.err.Error()})
			continue
		}
		deps.Notes = append(deps.Notes, res.p.Notes...)
		for _, p := range res.p.Packages {
			cp := *p
			cp.Layer = layer
			deps.Packages = append(deps.Packages, &cp)
		}
	}
}

// parse reads one manifest, once per scan.
func (a *Analyzer) parse(ctx context.Context, root Root, display string, k Kind) *parseResult {
	if r, ok := a.parsed[display]; ok {
		return r
	}
	r := &parseResult{kind: k}
	a.parsed[display] = r
	a.order = append(a.order, display)
	data, err := root.ReadFile(display)
	if err != nil {
		r.err = err
		return r
	}
	rel, err := root.Rel(display)
	if err != nil {
		r.err = err
		return r
	}
	fsys, ok := root.FS().(FS)
	if !ok {
		r.err = fmt.Errorf("%s: the scan root cannot be listed", display)
		return r
	}
	r.p, r.err = Parse(ctx, fsys, rel, display, data)
	if r.err != nil {
		a.log.Debug("manifest did not parse", "path", display, "error", r.err)
	}
	return r
}

// finish sorts a function's dependencies and drops range or unpinned
// entries of a package that a lockfile or an exact pin also names.
func finish(d *model.Dependencies) {
	sort.Strings(d.Manifests)
	d.Manifests = model.SortedUnique(d.Manifests)
	pinned := map[string]bool{}
	for _, p := range d.Packages {
		if p.Pinning == model.PinLocked || p.Pinning == model.PinExact {
			pinned[p.Ecosystem+"\x00"+NormalizeName(p.Ecosystem, p.Name)+"\x00"+p.Layer] = true
		}
	}
	out := d.Packages[:0]
	seen := map[string]bool{}
	for _, p := range d.Packages {
		k := p.Ecosystem + "\x00" + NormalizeName(p.Ecosystem, p.Name) + "\x00" + p.Layer
		if (p.Pinning == model.PinRange || p.Pinning == model.PinNone) && pinned[k] {
			continue
		}
		full := k + "\x00" + p.Version + "\x00" + fmt.Sprint(p.Dev)
		if seen[full] {
			continue
		}
		seen[full] = true
		out = append(out, p)
	}
	d.Packages = out
	sortPackages(d.Packages)
	sort.SliceStable(d.Notes, func(i, j int) bool {
		a, b := d.Notes[i], d.Notes[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		return a.Message < b.Message
	})
}

// Inputs lists the manifests read, sorted by path, for the report.
func (a *Analyzer) Inputs() []Input {
	var out []Input
	for _, p := range a.order {
		r := a.parsed[p]
		out = append(out, Input{Path: p, Format: r.kind.Format, Err: r.err})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Match loads from db the ecosystems the functions' production packages
// need and records each package's advisories. It returns what the database
// gave, or a VulnDB with Available false when db is nil or empty. Without
// any production package it returns nil.
func (a *Analyzer) Match(ctx context.Context, db *DB) *model.VulnDB {
	names := map[string]map[string]bool{}
	for _, fn := range a.fns {
		for _, p := range fn.Deps.Packages {
			if p.Dev || !ValidVersion(p.Version) {
				continue
			}
			if names[p.Ecosystem] == nil {
				names[p.Ecosystem] = map[string]bool{}
			}
			names[p.Ecosystem][NormalizeName(p.Ecosystem, p.Name)] = true
		}
	}
	if len(names) == 0 {
		return nil
	}
	var ecos []string
	for e := range names {
		ecos = append(ecos, e)
	}
	sort.Strings(ecos)
	if db == nil {
		return &model.VulnDB{Missing: ecos}
	}
	for _, e := range ecos {
		db.Load(ctx, e, names[e])
	}
	info := db.Info(ecos)
	type key struct{ eco, name, version string }
	type hit struct {
		adv     []model.Advisory
		skipped []string
	}
	memo := map[key]hit{}
	for _, fn := range a.fns {
		for _, p := range fn.Deps.Packages {
			if p.Dev || !db.usable(p.Ecosystem) || !ValidVersion(p.Version) {
				continue
			}
			info.Checked++
			k := key{p.Ecosystem, NormalizeName(p.Ecosystem, p.Name), p.Version}
			h, ok := memo[k]
			if !ok {
				h.adv, h.skipped = db.Match(p.Ecosystem, p.Name, p.Version)
				memo[k] = h
			}
			p.Advisories = h.adv
			skipped := h.skipped
			for i, s := range skipped {
				if i == 3 {
					fn.Deps.Notes = append(fn.Deps.Notes, model.Diagnostic{Pos: p.Pos, Severity: model.DiagInfo, Message: fmt.Sprintf("%s %s: %d more advisory ranges skipped", p.Name, p.Version, len(skipped)-3)})
					break
				}
				fn.Deps.Notes = append(fn.Deps.Notes, model.Diagnostic{Pos: p.Pos, Severity: model.DiagInfo, Message: fmt.Sprintf("%s %s: advisory %s", p.Name, p.Version, s)})
			}
		}
	}
	return info
}
