// Package code reads the handler source of an application's functions:
// it finds each function's code from its declaration (SAM CodeUri and
// Handler, CloudFormation ZipFile, serverless.yml handler, Terraform
// archive_file sources), parses Python, JavaScript, TypeScript, Go and Java
// with tree-sitter, follows local imports (Go: the module's packages;
// Java: the project's classes), and records on the model what the
// code does: the third-party packages it imports, the flows of event data
// an outsider controls into dangerous operations (taint analysis per
// trigger type), the AWS SDK calls it makes and string constants that look
// like credentials.
//
// Parsing needs cgo. A build without cgo compiles and says once that it
// has no handler-code analysis; Available reports which build this is.
//
// The analysis never executes, installs or imports the code it reads, and
// reads only through the scan root's sandbox (internal/load.Root).
package code

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unsafe"

	"github.com/nightlight-sec/nightlight/internal/conc"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Options configure the analysis.
type Options struct {
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// Workers bounds parallel parsing (0: the number of CPUs).
	Workers int
	// Batch is the number of functions whose handler code is in memory at
	// once, besides the modules other files import (0: 64).
	Batch int
	// WholeFiles parses every file whole. By default a handler module that
	// no other file imports is parsed only as far as its handler can reach
	// (see keepRanges); the results are the same either way.
	WholeFiles bool
}

// Input is one source file the analysis read, for the report's inputs.
type Input struct {
	Path   string
	Format model.Format
	// Error says why the file was not analysed, or where it did not
	// parse ("file:line:col: syntax error"); "" when it was analysed
	// whole.
	Error string
}

// Roots returns read access to the scan root a stack was loaded from, or
// nil when its files cannot be read.
type Roots func(st *model.Stack) *load.Root

// maxFilesPerFunction bounds the local modules followed from one handler.
const maxFilesPerFunction = 300

// batchSize is the number of functions whose code is in memory at once
// (with every module some file imports).
const batchSize = 64

// job is one function whose code was located.
type job struct {
	st   *model.Stack
	fn   *model.Function
	site *site
	root *load.Root
	// key of the entry file in the file table.
	entry string
	// decl is the declaration of the handler's function when it is not
	// fn itself: a function of the Azure Functions project a Terraform
	// function app deploys, in the stack the native loader made of it.
	// Its triggers decide the event's sources; fn gets the code (merged
	// with that of the app's other functions).
	decl *declared
	// project is the folder of that Azure Functions project.
	project string
}

// declared is a function as a native loader declares it.
type declared struct {
	st *model.Stack
	fn *model.Function
}

// declFn returns the function whose declaration describes the handler.
func (j *job) declFn() (*model.Stack, *model.Function) {
	if j.decl != nil {
		return j.decl.st, j.decl.fn
	}
	return j.st, j.fn
}

// fileJob is one file to parse.
type fileJob struct {
	key      string // display path, or "template#Function" for inline code
	path     string
	root     *load.Root
	lang     model.Format
	codeRoot string
	inline   *site
	// handlers names the functions the platform calls in the file, when
	// only what they can reach is to be parsed (nil: parse it whole).
	handlers []string
	// dirs caches the existence checks import resolution makes (nil:
	// none).
	dirs *dirCache
}

// dirCache remembers, for one analysis, which files exist and what
// directories hold under each scan root: the handlers of an app import
// the same modules, and each resolution tries several candidate paths.
// Files do not change during a scan. It is safe for concurrent use.
type dirCache struct {
	mu    sync.Mutex
	heads map[dirKey]error
	dirs  map[dirKey]dirList
}

type dirKey struct {
	root *load.Root
	path string
}

type dirList struct {
	es  []dirEntry
	err error
}

func newDirCache() *dirCache {
	return &dirCache{heads: map[dirKey]error{}, dirs: map[dirKey]dirList{}}
}

// cachedFS is a root's files through a dirCache: Head answers only
// whether a file can be read (its data is never returned), ReadDir the
// entries.
type cachedFS struct {
	fs   fsys
	root *load.Root
	c    *dirCache
}

// fsFor returns the file access import resolution uses for fj.
func (fj fileJob) fsFor() fsys {
	fs := rootFS{fj.root}
	if fj.dirs == nil {
		return fs
	}
	return cachedFS{fs: fs, root: fj.root, c: fj.dirs}
}

// Head reports whether rel can be read: its data is always nil, and n is
// ignored beyond the first call for rel.
func (f cachedFS) Head(rel string, n int) ([]byte, error) {
	k := dirKey{f.root, rel}
	f.c.mu.Lock()
	err, ok := f.c.heads[k]
	f.c.mu.Unlock()
	if !ok {
		_, err = f.fs.Head(rel, n)
		f.c.mu.Lock()
		f.c.heads[k] = err
		f.c.mu.Unlock()
	}
	return nil, err
}

// ReadDir returns rel's entries; callers must not modify them.
func (f cachedFS) ReadDir(rel string) ([]dirEntry, error) {
	k := dirKey{f.root, rel}
	f.c.mu.Lock()
	d, ok := f.c.dirs[k]
	f.c.mu.Unlock()
	if !ok {
		d.es, d.err = f.fs.ReadDir(rel)
		f.c.mu.Lock()
		f.c.dirs[k] = d
		f.c.mu.Unlock()
	}
	return d.es, d.err
}

// Analyze reads the handler code of every function in app, sets each
// Function.Code, appends notes (missing handler files, syntax errors,
// skipped files) to the stacks' diagnostics (and sorts them), and returns
// the source files read, sorted by path. It writes nothing else of app, so
// other goroutines may read the rest meanwhile. Problems with one file
// never stop the others.
func Analyze(ctx context.Context, app *model.App, roots Roots, opts Options) []Input {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "code")
	if app == nil {
		return nil
	}
	if !Available() {
		for _, st := range app.Stacks {
			if st != nil && len(st.Functions) > 0 {
				log.Warn(errNoParser.Error())
				break
			}
		}
		return nil
	}
	// 1. Locate the code of each function.
	var jobs []*job
	for _, st := range app.Stacks {
		if st == nil {
			continue
		}
		root := roots(st)
		for _, f := range st.Functions {
			if ctx.Err() != nil {
				return nil
			}
			var s *site
			if root != nil || f.InlineCode.IsSet() {
				s = locate(st, f, rootFS{root})
			}
			if s == nil {
				continue
			}
			st.Diagnostics = append(st.Diagnostics, s.notes...)
			if s.azureProject != "" {
				for _, aj := range azureAppJobs(ctx, st, f, s, root) {
					st.Diagnostics = append(st.Diagnostics, aj.site.notes...)
					if aj.site.entry != "" {
						jobs = append(jobs, aj)
					}
				}
				continue
			}
			if s.entry == "" && s.inline == nil {
				continue
			}
			j := &job{st: st, fn: f, site: s, root: root, entry: s.entry}
			if s.inline != nil {
				j.entry = s.inlineFile + "#" + f.ID
			}
			jobs = append(jobs, j)
		}
	}
	if len(jobs) == 0 {
		// The notes of locate keep the stacks' diagnostics in position
		// order, as after an analysis.
		sortNotes(app)
		return nil
	}
	// 2. Parse, index and analyse, batch by batch: a batch's files (and
	// the local modules they import) are parsed, each file once for the
	// whole scan while it is in memory; module-level code of new files
	// runs once; the batch's functions are analysed in parallel; then the
	// trees of files no other file imports (handler modules) are
	// released, so that memory holds the shared modules and one batch, not
	// every tree of the app. Functions that share a handler module are
	// analysed in the same batch.
	sort.SliceStable(jobs, func(a, b int) bool { return jobs[a].entry < jobs[b].entry })
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	files := map[string]*fileInfo{}
	sh := newShared(files)
	// Parsers (their C memory: arena, node buffer) are reused by every
	// round of every batch: at most workers are made.
	idle := make(chan parser, workers)
	defer func() {
		close(idle)
		for p := range idle {
			p.close()
		}
	}()
	noted := map[string]bool{}
	var inputs []Input
	var deployed []*job
	parsed := 0
	for lo := 0; lo < len(jobs) && ctx.Err() == nil; {
		size := opts.Batch
		if size <= 0 {
			size = batchSize
		}
		hi := min(lo+size, len(jobs))
		for hi < len(jobs) && jobs[hi].entry == jobs[hi-1].entry {
			hi++
		}
		batch := jobs[lo:hi]
		lo = hi
		fresh := parseAll(ctx, batch, sh, workers, idle, !opts.WholeFiles, log)
		parsed += len(fresh)
		sh.prepass(ctx, fresh)
		sh.srcs = sources(files)
		codes := make([]*model.Code, len(batch))
		notes := make([][]model.Diagnostic, len(batch))
		conc.ForEach(ctx, len(batch), workers, func(i int) {
			codes[i], notes[i] = analyseJob(ctx, batch[i], sh)
		})
		for i, j := range batch {
			if codes[i] != nil {
				j.fn.Code = mergeCode(j.fn.Code, codes[i])
				if j.decl != nil {
					deployed = append(deployed, j)
				}
			}
			j.st.Diagnostics = append(j.st.Diagnostics, notes[i]...)
		}
		// Notes and inputs, per file.
		for _, j := range batch {
			inputs = append(inputs, noteFiles(j, files, noted)...)
		}
		sh.release()
	}
	sort.Slice(inputs, func(i, j int) bool { return inputs[i].Path < inputs[j].Path })
	markDeployed(app, roots, deployed)
	sortNotes(app)
	partial, skipped, total := 0, 0, 0
	for _, fi := range files {
		if fi.partial {
			partial++
		}
		skipped += fi.skippedBytes
		total += fi.size
	}
	log.Debug("handler code analysed", "functions", len(jobs), "files", len(files), "parsed", parsed,
		"parsed_partly", partial, "bytes", total, "bytes_skipped", skipped)
	return inputs
}

// markDeployed tells the functions of the Azure Functions projects loaded
// natively which Terraform function apps of the scan deploy the same code
// (Code.DeployedBy): deployed are the jobs of those apps that read code.
// One flaw in the project's code is then reported once per deployment,
// not again on the project's own function.
func markDeployed(app *model.App, roots Roots, deployed []*job) {
	if len(deployed) == 0 {
		return
	}
	type key struct {
		root         *load.Root
		project, key string
	}
	by := map[key][]model.FunctionRef{}
	for _, j := range deployed {
		k := key{j.root, path.Clean(j.project), j.decl.fn.ID}
		by[k] = append(by[k], model.FunctionRef{Stack: j.st.ID, Function: j.fn.ID})
	}
	for _, st := range app.Stacks {
		if st == nil || st.Format != model.FormatAzureFunctions {
			continue
		}
		// A native project's stack is named by its folder.
		root := roots(st)
		for _, f := range st.Functions {
			refs := by[key{root, path.Clean(st.ID), f.ID}]
			if f.Code == nil || len(refs) == 0 {
				continue
			}
			sort.Slice(refs, func(a, b int) bool {
				if refs[a].Stack != refs[b].Stack {
					return refs[a].Stack < refs[b].Stack
				}
				return refs[a].Function < refs[b].Function
			})
			f.Code.DeployedBy = slices.Compact(refs)
		}
	}
}

// sortNotes puts the diagnostics of app's stacks in position order (as
// model.Stack.Sort does), touching nothing else of the stacks: the graph
// may be reading them meanwhile (discover.Start).
func sortNotes(app *model.App) {
	for _, st := range app.Stacks {
		if st != nil {
			st.SortDiagnostics()
		}
	}
}

// noteFiles returns the inputs of the files analysed for j not noted yet,
// and appends their problems to j's stack diagnostics.
func noteFiles(j *job, files map[string]*fileInfo, noted map[string]bool) []Input {
	var inputs []Input
	for _, p := range fileList(j, files) {
		fi := files[p]
		if fi == nil || noted[p] {
			continue
		}
		noted[p] = true
		if fi.py2Line > 0 {
			j.st.Diagnostics = append(j.st.Diagnostics, model.Diagnostic{Pos: model.Pos{File: fi.posFile, Line: fi.py2Line}, Severity: model.DiagWarning,
				Message: "handler source: Python 2 syntax (a print or exec statement): no Lambda runtime runs Python 2; analysed as far as the syntax allows"})
		}
		msg := fileProblem(fi)
		if msg != "" {
			sev := model.DiagWarning
			if fi.skipped != "" {
				sev = model.DiagInfo
			}
			pos := model.Pos{File: fi.posFile}
			if len(fi.errs) > 0 {
				pos = model.Pos{File: fi.posFile, Line: fi.errs[0].line + fi.lineBase, Col: fi.errs[0].col}
			}
			j.st.Diagnostics = append(j.st.Diagnostics, model.Diagnostic{Pos: pos, Severity: sev, Message: "handler source: " + msg})
		}
		if fi.lineBase > 0 {
			continue // inline code: the template is listed already
		}
		in := Input{Path: fi.path, Format: fi.lang}
		if msg != "" {
			in.Error = model.Pos{File: fi.path, Line: pos0(fi).Line, Col: pos0(fi).Col}.String() + ": " + msg
		}
		inputs = append(inputs, in)
	}
	return inputs
}

func pos0(fi *fileInfo) model.Pos {
	if len(fi.errs) > 0 {
		return model.Pos{Line: fi.errs[0].line, Col: fi.errs[0].col}
	}
	return model.Pos{}
}

// fileProblem describes why a file was not (fully) analysed, or "".
func fileProblem(fi *fileInfo) string {
	switch {
	case fi.err != "":
		return fi.err
	case fi.skipped != "":
		return fi.skipped
	case len(fi.errs) > 0:
		lines := []string{}
		seen := map[int]bool{}
		for _, e := range fi.errs {
			if !seen[e.line] && len(lines) < 5 {
				seen[e.line] = true
				lines = append(lines, itoa(e.line+fi.lineBase))
			}
		}
		msg := "syntax error"
		if len(seen) > 1 || len(fi.errs) > 1 {
			msg = "syntax errors"
		}
		msg += " on line " + strings.Join(lines, ", ")
		if len(fi.errs) > len(lines) {
			msg += " and more"
		}
		if fi.lang == model.FormatPython && looksPython2([]byte(fi.src)) {
			msg += " (this looks like Python 2, which no Lambda runtime supports)"
		}
		return msg + "; analysed the rest"
	}
	return ""
}

// looksPython2 spots Python 2 syntax: print statements and
// `except E, e:` clauses.
func looksPython2(src []byte) bool {
	for rest := src; len(rest) > 0; {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		t := bytes.TrimSpace(line)
		if bytes.HasPrefix(t, []byte("print ")) && !bytes.HasPrefix(t, []byte("print (")) || bytes.HasPrefix(t, []byte("print \"")) ||
			bytes.HasPrefix(t, []byte("except ")) && bytes.Contains(t, []byte(", ")) && bytes.HasSuffix(t, []byte(":")) {
			return true
		}
	}
	return false
}

// fileList returns the files analysed for j: its entry and the local
// modules reachable from it, sorted.
func fileList(j *job, files map[string]*fileInfo) []string {
	seen := map[string]bool{}
	var order []string
	queue := []string{j.entry}
	for len(queue) > 0 && len(order) < maxFilesPerFunction {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		fi := files[p]
		if fi == nil {
			continue
		}
		order = append(order, p)
		for _, im := range fi.imports {
			if im.local != "" && !seen[im.local] {
				queue = append(queue, im.local)
			}
		}
	}
	sort.Strings(order)
	return order
}

// parseAll parses the entry files of jobs and, round by round, the local
// modules they import, in parallel. A file already in files is not parsed
// again, unless it was released (a later batch needs it again) or parsed
// partly. With partly set, an entry file is parsed only as far as its
// handlers can reach (keepRanges) until a file imports it, which parses
// it again whole. It adds the files parsed to sh.files and returns their
// keys, sorted. Node arrays come from sh.pool; existence checks go
// through sh.dirs.
func parseAll(ctx context.Context, jobs []*job, sh *shared, workers int, idle chan parser, partly bool, log *slog.Logger) []string {
	files, pool := sh.files, sh.pool
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var fresh []string
	queued := map[string]bool{}
	// part holds the keys queued to be parsed partly.
	part := map[string]bool{}
	var round []fileJob
	var want func(fj fileJob)
	want = func(fj fileJob) {
		if queued[fj.key] {
			if fj.handlers == nil && part[fj.key] {
				// Needed whole after all: parsed again in a later round.
				delete(part, fj.key)
				fj.dirs = sh.dirs
				round = append(round, fj)
			}
			return
		}
		if len(queued) >= maxFilesPerFunction*len(jobs) {
			return
		}
		queued[fj.key] = true
		fj.dirs = sh.dirs
		if fi := files[fj.key]; fi != nil && !fi.released && !fi.partial {
			// In memory: what it imports may have been released.
			for _, im := range fi.imports {
				if im.local != "" {
					want(fileJob{key: im.local, path: im.local, root: fi.froot, lang: langOfFile(im.local), codeRoot: fi.codeRoot})
				}
			}
			return
		}
		if fj.handlers != nil {
			part[fj.key] = true
		}
		round = append(round, fj)
	}
	// The handlers of each entry file, when every function using the file
	// names one the pre-scan can find.
	handlers := map[string][]string{}
	whole := map[string]bool{}
	for _, j := range jobs {
		s := j.site
		if !partly || s.inline != nil || s.regLine > 0 || s.defaultExport || j.decl != nil || s.handler == "" || word([]byte(s.handler)) != s.handler {
			whole[j.entry] = true
			continue
		}
		if !slices.Contains(handlers[j.entry], s.handler) {
			handlers[j.entry] = append(handlers[j.entry], s.handler)
		}
	}
	for _, j := range jobs {
		fj := fileJob{key: j.entry, path: j.site.entry, root: j.root, lang: j.site.lang, codeRoot: j.site.codeRoot}
		if fj.codeRoot == "" {
			fj.codeRoot = path.Dir(j.site.entry)
		}
		if j.site.inline != nil {
			fj.inline = j.site
		}
		if !whole[j.entry] {
			fj.handlers = handlers[j.entry]
		}
		want(fj)
	}
	for depth := 0; len(round) > 0 && depth < 20; depth++ {
		cur := round
		round = nil
		out := make([]*fileInfo, len(cur))
		// One parser per worker: a call takes an idle one or makes one,
		// and gives it back (at most workers are busy at once, and idle
		// holds workers).
		conc.ForEach(ctx, len(cur), workers, func(i int) {
			var p parser
			select {
			case p = <-idle:
			default:
				np, err := newParser(pool)
				if err != nil {
					out[i] = &fileInfo{path: cur[i].path, lang: cur[i].lang, posFile: cur[i].path, err: err.Error()}
					return
				}
				p = np
			}
			out[i] = readAndParse(p, cur[i])
			select {
			case idle <- p:
			default:
				p.close()
			}
		})
		for i, fj := range cur {
			fi := out[i]
			if fi == nil {
				continue
			}
			fi.froot, fi.codeRoot = fj.root, fj.codeRoot
			files[fj.key] = fi
			fresh = append(fresh, fj.key)
			for _, im := range fi.imports {
				if im.local != "" {
					want(fileJob{key: im.local, path: im.local, root: fj.root, lang: langOfFile(im.local), codeRoot: fj.codeRoot})
				}
			}
		}
	}
	sort.Strings(fresh)
	return slices.Compact(fresh)
}

// readAndParse reads, parses and indexes one file, resolving its local
// imports. It never panics: a parser crash becomes the file's error.
func readAndParse(p parser, fj fileJob) *fileInfo {
	fi := &fileInfo{path: fj.path, lang: fj.lang, posFile: fj.path}
	if err := conc.Safely("analysing "+fj.key, func() error { parseInto(p, fj, fi); return nil }); err != nil {
		fi.err = err.Error()
		fi.root = nil
	}
	return fi
}

// parseInto reads, parses and indexes one file into fi.
func parseInto(p parser, fj fileJob, fi *fileInfo) {
	var data []byte
	if fj.inline != nil {
		data = fj.inline.inline
		fi.path = fj.key
		fi.posFile = fj.inline.inlineFile
		fi.lineBase = fj.inline.inlineLine - 1
	} else {
		var err error
		data, err = fj.root.ReadFile(fj.path)
		if err != nil {
			fi.err = "cannot read: " + err.Error()
			return
		}
	}
	src, skip := prepare(data)
	if skip != "" {
		fi.skipped = skip
		return
	}
	fi.src = string(src)
	lang := fi.lang
	if lang == "" {
		lang = model.FormatJavaScript
	}
	if lang == model.FormatJavaScript && strings.HasSuffix(fi.path, ".ts") {
		lang = model.FormatTypeScript
	}
	fi.lang = lang
	fi.size = len(src)
	pt, err := parseSome(p, lang, src, fj.handlers, fi)
	if err != nil {
		fi.err = err.Error()
		return
	}
	fi.root, fi.arr, fi.errs = pt.root, pt.arr, pt.errs
	if pt.capped {
		fi.skipped = "analysed partly: the syntax tree is larger than " + itoa(maxNodes) + " nodes"
	}
	fi.index()
	if fj.inline == nil {
		resolveImports(fi, fj)
	}
}

// parseSome parses src whole, or only what the handlers named can reach
// (when there are any and the pre-scan finds parts they cannot), setting
// fi.partial and fi.skippedBytes. A partial tree with a syntax error, cut
// at maxNodes, or with a top-level node crossing a part left out is
// dropped and the file parsed whole: the whole file's errors and nodes are
// what a partial parse must not change.
func parseSome(p parser, lang model.Format, src []byte, handlers []string, fi *fileInfo) (*parsed, error) {
	if len(handlers) > 0 && !strings.HasSuffix(fi.path, "x") { // not .jsx/.tsx
		if ranges, skipped, ok := keepRanges(lang, src, handlers); ok {
			pt, err := p.parse(lang, src, ranges)
			if err == nil && !pt.errors && !pt.capped && withinRanges(pt.root, ranges) {
				fi.partial, fi.skippedBytes = true, skipped
				return pt, nil
			}
		}
	}
	return p.parse(lang, src, nil)
}

// withinRanges reports whether every top-level node of a partial tree
// lies inside one of the ranges parsed.
func withinRanges(root *node, ranges []srcRange) bool {
	r := 0
	for k := range root.kids() {
		for r < len(ranges) && ranges[r].end >= 0 && int(k.start) >= ranges[r].end {
			r++
		}
		if r == len(ranges) || int(k.start) < ranges[r].start || ranges[r].end >= 0 && int(k.end) > ranges[r].end {
			return false
		}
	}
	return true
}

// resolveImports sets the local file of each import that names one.
func resolveImports(fi *fileInfo, fj fileJob) {
	switch fi.lang {
	case model.FormatGo:
		resolveGoImports(fi, fj)
		return
	case model.FormatJava:
		resolveJavaImports(fi, fj)
		return
	}
	fs := fj.fsFor()
	exists := func(p string) bool { ok, _ := isFile(fs, p); return ok }
	for i := range fi.imports {
		im := &fi.imports[i]
		if fi.lang == model.FormatPython {
			if im.level == 0 && isStdlib(fi.lang, im.module) {
				continue
			}
			// from pkg import module names a module file before the
			// package's __init__.py.
			var members []string
			for _, n := range im.names {
				if n.member != "" {
					members = append(members, n.member)
				}
			}
			members = append(members, "")
		found:
			for _, m := range members {
				for _, c := range resolvePy(fi.path, fj.codeRoot, *im, m) {
					if exists(c) && !vendored(fs, c, im.module) {
						im.local = c
						break found
					}
				}
			}
			continue
		}
		if !isLocalSpec(im.module) {
			continue
		}
		for _, c := range resolveJS(fi.path, im.module) {
			if langOfFile(c) != "" && exists(c) {
				im.local = c
				break
			}
		}
	}
	if fi.lang == model.FormatPython {
		fi.imports = append(fi.imports, packageInits(fi, fj, fs, exists)...)
	}
}

// packageInits returns the implicit imports of a Python module: importing
// pkg.sub.mod runs pkg/__init__.py and pkg/sub/__init__.py first, so each
// package between the code root and the module imports its __init__.py.
func packageInits(fi *fileInfo, fj fileJob, fs fsys, exists func(string) bool) []importRef {
	root := fj.codeRoot
	inside := func(d string) bool {
		if root == "" || root == "." {
			return d != "" && d != "." && d != "/"
		}
		return strings.HasPrefix(d, root+"/")
	}
	dir := path.Dir(fi.path)
	if path.Base(fi.path) == "__init__.py" {
		dir = path.Dir(dir)
	}
	var out []importRef
	for ; inside(dir); dir = path.Dir(dir) {
		init := path.Join(dir, "__init__.py")
		if init == fi.path || !exists(init) {
			continue
		}
		pkg := strings.TrimPrefix(dir, root+"/")
		if vendored(fs, init, strings.ReplaceAll(pkg, "/", ".")) {
			break
		}
		out = append(out, importRef{module: strings.ReplaceAll(pkg, "/", "."), pos: model.Pos{File: fi.posFile, Line: 1, Col: 1}, local: init})
	}
	return out
}

// vendored reports whether a Python module found in the code directory is
// an installed third-party package (pip install -t . leaves a
// NAME-VERSION.dist-info folder beside it).
func vendored(fs fsys, file, module string) bool {
	top := strings.Split(module, ".")[0]
	if top == "" {
		return false
	}
	dir := path.Dir(file)
	for d := dir; d != "." && d != "/" && d != ""; d = path.Dir(d) {
		if path.Base(d) == top {
			es, err := fs.ReadDir(path.Dir(d))
			if err != nil {
				return false
			}
			for _, e := range es {
				n := strings.ToLower(e.name)
				if strings.HasPrefix(n, strings.ToLower(top)+"-") && (strings.HasSuffix(n, ".dist-info") || strings.HasSuffix(n, ".egg-info")) {
					return true
				}
			}
			return false
		}
	}
	return strings.Contains(file, "/site-packages/") || strings.Contains(file, "/node_modules/")
}

// analyseJob builds the Code of one function.
func analyseJob(ctx context.Context, j *job, sh *shared) (c *model.Code, notes []model.Diagnostic) {
	files := sh.files
	entry := files[j.entry]
	if entry == nil || entry.err != "" || (entry.root == nil && entry.skipped != "") {
		return nil, nil
	}
	err := conc.Safely("analysing the code of function "+j.fn.ID, func() error {
		c = buildCode(ctx, j, sh, entry, &notes)
		return nil
	})
	if err != nil {
		c = nil
		notes = append(notes, model.Diagnostic{Pos: model.Pos{File: entry.posFile}, Severity: model.DiagWarning, Message: err.Error()})
	}
	return c, notes
}

// buildCode builds the Code of j's function from its parsed entry file,
// appending notes to *notes.
func buildCode(ctx context.Context, j *job, sh *shared, entry *fileInfo, notes *[]model.Diagnostic) *model.Code {
	files := sh.files
	c := &model.Code{Language: entry.lang, Entry: entry.posFile, Handler: j.site.handler}
	if entry.lineBase == 0 {
		c.Entry = entry.path
	}
	list := fileList(j, files)
	imports := map[string]model.Import{}
	for _, p := range list {
		fi := files[p]
		if fi.lineBase == 0 {
			c.Files = append(c.Files, fi.path)
		}
		if fi.root == nil || len(fi.errs) > 0 || fi.skipped != "" {
			c.Partial = true
		}
		for _, im := range fi.imports {
			if im.local != "" || im.level > 0 || im.module == "" || !isCompiled(fi.lang) && isStdlib(fi.lang, im.module) {
				continue
			}
			var imp model.Import
			if isCompiled(fi.lang) {
				var ok bool
				if imp, ok = compiledImport(fi, im); !ok {
					continue
				}
			} else if fi.lang == model.FormatPython {
				imp = model.Import{Ecosystem: "PyPI", Package: strings.Split(im.module, ".")[0], Module: im.module, Pos: im.pos}
			} else {
				if isLocalSpec(im.module) || strings.HasPrefix(im.module, "/") {
					continue
				}
				imp = model.Import{Ecosystem: "npm", Package: npmPackage(im.module), Module: im.module, Pos: im.pos}
			}
			// One record per npm package; per Python module, because the
			// modules of a namespace package (azure.functions,
			// azure.storage.blob) come from different distributions.
			k := imp.Ecosystem + "\x00" + imp.Package
			if imp.Ecosystem == "PyPI" {
				k = imp.Ecosystem + "\x00" + imp.Module
			}
			if old, ok := imports[k]; !ok || imp.Pos.Before(old.Pos) {
				imports[k] = imp
			}
		}
	}
	sort.Strings(c.Files)
	for _, imp := range imports {
		c.Imports = append(c.Imports, imp)
	}
	sortImports(c.Imports)
	_, dfn := j.declFn()
	h, name := j.handlerNode(entry)
	c.Handler = name
	switch {
	case h != nil:
		c.HandlerPos = entry.pos(h)
	case j.site.regLine > 0:
		c.Partial = true
		*notes = append(*notes, model.Diagnostic{Pos: dfn.Pos, Severity: model.DiagInfo,
			Message: fmt.Sprintf("function %s: its registration passes no handler function nightlight can follow (an Express app, or a value built at run time); the data flows of its handler are not analysed", dfn.ID)})
	case j.site.defaultExport:
		c.Partial = true
		*notes = append(*notes, model.Diagnostic{Pos: dfn.Pos, Severity: model.DiagWarning,
			Message: fmt.Sprintf("function %s: %s exports no function the platform can call (no entryPoint, no default or single export, none named run or index)", dfn.ID, c.Entry)})
	case j.site.handler != "":
		c.Partial = true
		*notes = append(*notes, model.Diagnostic{Pos: dfn.Handler.PosOr(dfn.Pos), Severity: model.DiagWarning,
			Message: fmt.Sprintf("function %s: handler function %s is not defined in %s", dfn.ID, j.site.handler, c.Entry)})
	}
	analyseFlows(ctx, c, j, entry, sh)
	detach(c, sh.srcs)
	return c
}

// sources returns the sources of the files in memory, sorted by address.
func sources(files map[string]*fileInfo) []string {
	var srcs []string
	for _, fi := range files {
		if fi.src != "" {
			srcs = append(srcs, fi.src)
		}
	}
	slices.SortFunc(srcs, func(a, b string) int {
		return cmp.Compare(uintptr(unsafe.Pointer(unsafe.StringData(a))), uintptr(unsafe.Pointer(unsafe.StringData(b))))
	})
	return srcs
}

// detach gives c its own copies of the strings that share the bytes of a
// source in srcs (fileInfo.text slices the source), so that a function's
// Code does not keep whole source files in memory after the analysis.
// Slices shared with other Codes (flow steps, actions) are copied before
// they are changed.
func detach(c *model.Code, srcs []string) {
	own := func(s *string) { *s = detached(*s, srcs) }
	ownAll := func(ss []string) []string { return detachAll(ss, srcs) }
	own(&c.Entry)
	own(&c.Handler)
	c.Files = ownAll(c.Files)
	for i := range c.Imports {
		im := &c.Imports[i]
		own(&im.Package)
		own(&im.Module)
	}
	for i := range c.Flows {
		f := &c.Flows[i]
		own(&f.Source)
		own(&f.Sink)
		own(&f.Trigger)
		if slices.ContainsFunc(f.Steps, func(st model.FlowStep) bool { return inSources(st.Note, srcs) }) {
			f.Steps = slices.Clone(f.Steps)
			for k := range f.Steps {
				own(&f.Steps[k].Note)
			}
		}
	}
	for i := range c.Calls {
		k := &c.Calls[i]
		own(&k.Service)
		own(&k.Operation)
		own(&k.Resource)
		own(&k.Env)
		k.Actions = ownAll(k.Actions)
	}
	for i := range c.Strings {
		own(&c.Strings[i].Name)
		own(&c.Strings[i].Value)
	}
	for i := range c.Checks {
		own(&c.Checks[i].Call)
	}
}

// inSources reports whether s shares the bytes of one of srcs, which are
// sorted by address.
func inSources(s string, srcs []string) bool {
	if s == "" {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	i := sort.Search(len(srcs), func(i int) bool {
		return uintptr(unsafe.Pointer(unsafe.StringData(srcs[i]))) > p
	})
	if i == 0 {
		return false
	}
	start := uintptr(unsafe.Pointer(unsafe.StringData(srcs[i-1])))
	return p < start+uintptr(len(srcs[i-1]))
}

// detached returns s, or a copy of it when it shares the bytes of one of
// srcs.
func detached(s string, srcs []string) string {
	if inSources(s, srcs) {
		return strings.Clone(s)
	}
	return s
}

// detachAll returns ss, or a copy of it with detached strings when one of
// them shares the bytes of one of srcs.
func detachAll(ss []string, srcs []string) []string {
	if !slices.ContainsFunc(ss, func(s string) bool { return inSources(s, srcs) }) {
		return ss
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = detached(s, srcs)
	}
	return out
}

// handlerNode returns the function the platform calls for j in its entry
// file and the name the report gives it.
func (j *job) handlerNode(entry *fileInfo) (*node, string) {
	switch {
	case j.site.regLine > 0:
		h := entry.registeredAt(j.site.regLine - entry.lineBase)
		if h != nil && entry.lang == model.FormatPython {
			return h, entry.text(h.child("name")) // the def, whatever name the function is deployed under
		}
		return h, j.site.handler
	case j.site.defaultExport:
		return entry.defaultHandler()
	}
	return entry.handlerNode(j.site.handler), j.site.handler
}

// sortImports orders a function's imports by ecosystem, package, then
// module.
func sortImports(imps []model.Import) {
	sort.Slice(imps, func(a, b int) bool {
		if imps[a].Ecosystem != imps[b].Ecosystem {
			return imps[a].Ecosystem < imps[b].Ecosystem
		}
		if imps[a].Package != imps[b].Package {
			return imps[a].Package < imps[b].Package
		}
		return imps[a].Module < imps[b].Module
	})
}
