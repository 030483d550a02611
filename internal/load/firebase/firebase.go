// Package firebase loads Firebase projects into the model: firebase.json
// (its functions codebases and the hosting rewrites that route public
// paths to functions) and each codebase's source, read lexically for the
// functions it exports.
//
// Functions are found in JavaScript/TypeScript (firebase-functions v1
// `functions.https.onRequest`, `functions.firestore.document(…).onWrite`,
// … and v2 `onRequest({invoker})`, `onCall`, `onDocumentCreated`,
// `onObjectFinalized`, `onMessagePublished`, `onSchedule`,
// `onTaskDispatched`) and Python (`@https_fn.on_request()`,
// `@firestore_fn.on_document_created(document=…)`, …). HTTP functions
// are public unless an `invoker` other than "public" is set (the Firebase
// CLI grants allUsers the invoker role); callable functions are public
// endpoints whose handler decides: one that reads the caller's auth
// (`request.auth`, `context.auth`) is modelled as Firebase-Auth-protected,
// one that does not as anonymous. Firestore, Storage, Pub/Sub and task
// queue triggers are flows from their store; Firestore collections a
// function's body writes or reads (`collection('orders').add(…)`,
// `.get()`) are data flows. Nothing is executed; arguments that are not
// literals are kept as unknown.
package firebase

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/decode/jsonv"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// APIID is the ID of the implicit HTTPS front door of a project's
// functions.
const APIID = "CloudFunctions"

// maxFiles bounds the source files read per codebase.
const maxFiles = 500

var skipDirs = map[string]bool{"node_modules": true, "lib": true, "dist": true, "venv": true, ".venv": true, "__pycache__": true, "test": true, "tests": true, "__tests__": true}

// Load loads the project whose firebase.json is u.Files[0]; when u.Root is
// set, each functions codebase's package.json and source are read too.
func Load(ctx context.Context, u load.Unit, opts load.Options) (*model.Stack, error) {
	if len(u.Files) == 0 {
		return nil, fmt.Errorf("firebase: no firebase.json")
	}
	f := u.Files[0]
	doc, err := jsonv.Decode(f.Path, f.Data, opts.Limits)
	if err != nil {
		return nil, err
	}
	st := &model.Stack{ID: f.Path, File: f.Path, Format: model.FormatFirebase, Provider: model.Google, Name: path.Base(path.Dir(f.Path))}
	if doc == nil || doc.Kind != model.Map {
		return st, load.Errorf(model.Pos{File: f.Path, Line: 1, Col: 1}, "firebase.json must be a JSON object")
	}
	b := &builder{st: st, dir: path.Dir(f.Path), opts: opts, root: u.Root, extra: map[string][]byte{}}
	for _, x := range u.Files[1:] {
		b.extra[x.Path] = x.Data
	}
	fns := doc.Get("functions")
	var bases []*model.Value
	switch {
	case !fns.IsSet():
	case fns.Kind == model.Map:
		bases = []*model.Value{fns}
	case fns.Kind == model.List:
		bases = fns.Items
	default:
		b.diag(fns.Pos, model.DiagError, "functions must be an object or a list of codebases, found %s", fns.Kind)
	}
	for _, cb := range bases {
		if ctx.Err() != nil {
			return st, ctx.Err()
		}
		b.codebase(ctx, cb)
	}
	b.rewrites(doc.Get("hosting"))
	return st, ctx.Err()
}

type builder struct {
	st    *model.Stack
	dir   string
	opts  load.Options
	root  *load.Root
	extra map[string][]byte
	// code is the source folder of the codebase being read, as written
	// (relative to firebase.json): what Firebase deploys, and each of the
	// codebase's functions' CodeURI.
	code *model.Value
}

func (b *builder) diag(pos model.Pos, sev model.DiagSeverity, format string, args ...any) {
	b.st.Diagnostics = append(b.st.Diagnostics, model.Diagnostic{Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// files returns the codebase's files: those given in the unit plus, with a
// root, the package.json, requirements and source below dir.
func (b *builder) files(ctx context.Context, dir string) map[string][]byte {
	out := map[string][]byte{}
	for p, d := range b.extra {
		if strings.HasPrefix(p, dir+"/") {
			out[p] = d
		}
	}
	if b.root == nil {
		return out
	}
	var walk func(d string, depth int)
	walk = func(d string, depth int) {
		if depth > 5 || len(out) >= maxFiles || ctx.Err() != nil {
			return
		}
		entries, err := b.root.ReadDir(d)
		if err != nil {
			return
		}
		for _, e := range entries {
			p := path.Join(d, e.Name())
			if e.IsDir() {
				if !skipDirs[e.Name()] && !strings.HasPrefix(e.Name(), ".") {
					walk(p, depth+1)
				}
				continue
			}
			n := strings.ToLower(e.Name())
			if n == "package.json" && depth == 0 || isSource(n) {
				if data, err := b.root.ReadFile(p); err == nil {
					out[p] = data
				}
			}
		}
	}
	walk(dir, 0)
	return out
}

func isSource(n string) bool {
	for _, ext := range []string{".js", ".mjs", ".cjs", ".ts", ".py"} {
		if strings.HasSuffix(n, ext) && !strings.HasSuffix(n, ".d.ts") && !strings.HasSuffix(n, ".test.js") && !strings.HasSuffix(n, ".spec.ts") && !strings.HasSuffix(n, ".test.ts") {
			return true
		}
	}
	return false
}

var nodeEngineRE = regexp.MustCompile(`"node"\s*:\s*"([^"]+)"`)

// codebase loads one functions codebase.
func (b *builder) codebase(ctx context.Context, cb *model.Value) {
	if cb == nil || cb.Kind != model.Map {
		b.diag(cb.PosOr(model.Pos{File: b.st.File}), model.DiagError, "functions codebase must be an object, found %s", kindOf(cb))
		return
	}
	src := "functions"
	if s := cb.Get("source"); s.IsSet() {
		src = s.String()
	}
	rel, err := load.Clean(".", src)
	dir := path.Join(b.dir, rel)
	if err != nil {
		b.diag(cb.Get("source").PosOr(cb.Pos), model.DiagError, "functions source %q leaves the project: not read", src)
		return
	}
	b.code = model.NewString(rel, cb.Get("source").PosOr(cb.Pos))
	files := b.files(ctx, dir)
	runtime := cb.Get("runtime")
	if data, ok := files[path.Join(dir, "package.json")]; ok && runtime == nil {
		if m := nodeEngineRE.FindSubmatchIndex(data); m != nil {
			runtime = model.NewString("nodejs"+strings.TrimLeft(string(data[m[2]:m[3]]), "^~>="), posAt(path.Join(dir, "package.json"), data, m[2]))
		}
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	found := 0
	for _, p := range paths {
		if !isSource(strings.ToLower(path.Base(p))) {
			continue
		}
		found += b.source(p, string(files[p]), runtime)
	}
	if found == 0 {
		b.diag(cb.Pos, model.DiagInfo, "no function exports found in %s (its source is not in the scanned folder, or it exports none nightlight recognises)", dir)
	}
}

func kindOf(v *model.Value) string {
	if v == nil {
		return "nothing"
	}
	return v.Kind.String()
}

// rewrites turns hosting rewrites to functions into routes on the
// project's domain, with the function's own auth.
func (b *builder) rewrites(h *model.Value) {
	var sites []*model.Value
	if h == nil {
		return
	}
	if h.Kind == model.List {
		sites = h.Items
	} else if h.IsSet() {
		sites = []*model.Value{h}
	}
	for _, s := range sites {
		for _, rw := range s.Get("rewrites").Elems() {
			fn := rw.Get("function")
			if fn.Kind == model.Map {
				fn = fn.Get("functionId")
			}
			if !fn.IsSet() {
				continue
			}
			target := b.fnByName(fn.String())
			if target == nil {
				b.diag(fn.Pos, model.DiagWarning, "hosting rewrite routes to function %s, which the functions source does not export (or was not read)", fn.String())
				continue
			}
			var auth model.Auth
			for _, ep := range b.st.EntryPoints {
				if ep.Function == target.ID {
					auth = ep.Auth
				}
			}
			if auth.Type == "" {
				continue // not an HTTP function
			}
			auth.Pos = rw.Pos // the rewrite is what exposes this path
			src := firstSet(rw.Get("source"), rw.Get("regex")).String()
			b.st.EntryPoints = append(b.st.EntryPoints, &model.EntryPoint{ID: "hosting " + src + " -> " + target.ID, Pos: rw.Pos, Kind: model.EntryRoute,
				API: "Hosting", Method: "ANY", Path: src, Function: target.ID, Auth: auth, Event: "hosting rewrite"})
			if b.st.API("Hosting") == nil {
				b.st.APIs = append(b.st.APIs, &model.API{ID: "Hosting", Pos: rw.Pos, Kind: model.APIFunction, Implicit: true})
			}
		}
	}
}

func (b *builder) fnByName(n string) *model.Function {
	for _, f := range b.st.Functions {
		if f.ID == n || f.Name.String() == n {
			return f
		}
	}
	return nil
}

func firstSet(vs ...*model.Value) *model.Value {
	for _, v := range vs {
		if v.IsSet() {
			return v
		}
	}
	return nil
}

// posAt returns the position of byte offset off in data.
func posAt(file string, data []byte, off int) model.Pos {
	line, col := 1, 1
	for i := 0; i < off && i < len(data); i++ {
		if data[i] == '\n' {
			line++
			col = 1
		} else if data[i]&0xC0 != 0x80 {
			col++
		}
	}
	return model.Pos{File: file, Line: line, Col: col}
}
