package code

import (
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Go handlers: the function's code is the main package whose main()
// passes the handler to lambda.Start (aws-lambda-go); the declared
// handler is only the binary's name (bootstrap, or bin/hello in
// serverless.yml). Local packages of the same module (go.mod's module
// path) are followed; other imports are the function's Go modules.

var (
	// goStart finds the argument of lambda.Start (and its variants).
	goStart = regexp.MustCompile(`\blambda\.Start(?:WithOptions|WithContext|Handler|HandlerWithContext)?\(\s*`)
	goWord  = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
	goPkg   = regexp.MustCompile(`(?m)^package\s+([A-Za-z_][A-Za-z0-9_]*)`)
)

// goMain is a main package that starts a Lambda handler.
type goMain struct {
	dir   string
	file  string // the file calling lambda.Start
	arg   string // the text lambda.Start is passed, up to 200 bytes
	files map[string][]byte
}

// locateGo finds the main package of a Go function below codeDir.
func locateGo(f *model.Function, fs fsys, s *site, codeDir string, pos model.Pos, provided bool) *site {
	files := sourceFiles(fs, codeDir, ".go", 5)
	if len(files) == 0 {
		if provided {
			return nil // a custom runtime in another language (Rust, a shell bootstrap, …)
		}
		s.note(model.DiagWarning, pos, "function %s: no Go source below %s; handler code not analysed", f.ID, codeDir)
		return s
	}
	byDir := map[string]*goMain{}
	var dirs []string
	for _, p := range files {
		data, err := fs.Head(p, maxSourceBytes)
		if err != nil {
			continue
		}
		m := goPkg.FindSubmatch(data)
		if m == nil || string(m[1]) != "main" {
			continue
		}
		d := path.Dir(p)
		gm := byDir[d]
		if gm == nil {
			gm = &goMain{dir: d, files: map[string][]byte{}}
			byDir[d] = gm
			dirs = append(dirs, d)
		}
		gm.files[p] = data
		if loc := goStart.FindIndex(data); loc != nil && gm.file == "" {
			gm.file = p
			rest := data[loc[1]:]
			gm.arg = string(rest[:min(len(rest), 200)])
		}
	}
	var mains []*goMain
	for _, d := range dirs {
		if byDir[d].file != "" {
			mains = append(mains, byDir[d])
		}
	}
	if len(mains) == 0 {
		if provided && len(dirs) == 0 {
			return nil
		}
		s.note(model.DiagWarning, pos, "function %s: no Go main package below %s calls lambda.Start; handler code not analysed", f.ID, codeDir)
		return s
	}
	gm := pickMain(mains, codeDir, f.Handler.String())
	if gm == nil {
		var names []string
		for _, m := range mains {
			names = append(names, m.dir)
		}
		s.note(model.DiagWarning, f.Handler.PosOr(pos), "function %s: %d Go main packages below %s call lambda.Start (%s) and the handler %q names none of them; handler code not analysed", f.ID, len(mains), codeDir, strings.Join(names, ", "), f.Handler.String())
		return s
	}
	s.lang = model.FormatGo
	s.codeRoot = goModuleDir(fs, gm.dir, codeDir)
	s.entry, s.handler = gm.file, "lambda.Start"
	if strings.HasPrefix(strings.TrimSpace(gm.arg), "func") {
		return s // an inline func literal: indexGo finds it in main()
	}
	// The handler: the argument, or the first function named in it that
	// the package defines (a wrapper: otellambda.InstrumentHandler(h), a
	// method value H{}.Invoke). It may be defined in another file of the
	// package.
	var paths []string
	for p := range gm.files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, name := range goArgNames(gm.arg) {
		def := regexp.MustCompile(`(?m)^func\s+(?:\([^)]*\)\s*)?` + regexp.QuoteMeta(name) + `\s*[\[(]`)
		for _, p := range paths {
			if def.Match(gm.files[p]) {
				s.entry, s.handler = p, name
				return s
			}
		}
	}
	// A value built at run time: indexGo looks for a function among the
	// call's arguments.
	return s
}

// goArgNames returns the identifiers in the text of lambda.Start's
// argument list, up to its closing parenthesis, in order.
func goArgNames(arg string) []string {
	depth := 0
	end := len(arg)
	for i, r := range arg {
		if r == '(' {
			depth++
		} else if r == ')' {
			if depth == 0 {
				end = i
				break
			}
			depth--
		}
	}
	return goWord.FindAllString(arg[:end], 20)
}

// pickMain chooses the main package of a function among several: the
// one in the code folder itself, else the one whose folder or file is
// named like the handler (serverless.yml's bin/hello built from
// hello/main.go), else the only one.
func pickMain(mains []*goMain, codeDir, handler string) *goMain {
	for _, m := range mains {
		if m.dir == codeDir {
			return m
		}
	}
	base := path.Base(strings.TrimSuffix(handler, ".go"))
	if handler != "" && base != "bootstrap" && base != "main" {
		for _, m := range mains {
			if path.Base(m.dir) == base {
				return m
			}
			for p := range m.files {
				if strings.TrimSuffix(path.Base(p), ".go") == base {
					return m
				}
			}
		}
	}
	if len(mains) == 1 {
		return mains[0]
	}
	return nil
}

// goModuleDir returns the folder of the go.mod governing dir (searching
// up to stop), or dir.
func goModuleDir(fs fsys, dir, stop string) string {
	for d := dir; ; d = path.Dir(d) {
		if isFile1(fs, path.Join(d, "go.mod")) {
			return d
		}
		if d == stop || d == "." || d == "/" || d == "" {
			break
		}
	}
	// go.mod above the code folder (a monorepo module).
	for d := path.Dir(stop); d != "." && d != "/" && d != ""; d = path.Dir(d) {
		if isFile1(fs, path.Join(d, "go.mod")) {
			return d
		}
	}
	return dir
}

// parseGoMod returns the module path and required modules of a go.mod.
func parseGoMod(data []byte) (mod string, requires []string) {
	inReq := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		switch {
		case strings.HasPrefix(line, "module "):
			mod = strings.Trim(strings.TrimSpace(strings.TrimPrefix(line, "module ")), `"`)
		case line == "require (":
			inReq = true
		case inReq && line == ")":
			inReq = false
		case inReq && line != "":
			requires = append(requires, strings.Fields(line)[0])
		case strings.HasPrefix(line, "require "):
			if fs := strings.Fields(strings.TrimPrefix(line, "require ")); len(fs) > 0 {
				requires = append(requires, fs[0])
			}
		}
	}
	return mod, requires
}

// isMajorVersion reports whether an import path element is a module's
// major-version suffix ("v2", "v76").
func isMajorVersion(elem string) bool {
	return len(elem) > 1 && elem[0] == 'v' && strings.Trim(elem[1:], "0123456789") == ""
}

// isGoStdlib reports whether an import path is the standard library's
// (its first element has no dot).
func isGoStdlib(p string) bool {
	first := p
	if i := strings.Index(p, "/"); i >= 0 {
		first = p[:i]
	}
	return !strings.Contains(first, ".")
}

// goModuleOf returns the module that provides an imported package: the
// longest module go.mod requires that is a prefix of the path, else the
// path cut to its repository (host/owner/name).
func goModuleOf(fi *fileInfo, p string) string {
	best := ""
	if fi.x != nil {
		for _, r := range fi.x.requires {
			if (p == r || strings.HasPrefix(p, r+"/")) && len(r) > len(best) {
				best = r
			}
		}
	}
	if best != "" {
		return best
	}
	parts := strings.Split(p, "/")
	if len(parts) > 3 && (parts[0] == "github.com" || parts[0] == "gitlab.com" || parts[0] == "bitbucket.org") {
		return strings.Join(parts[:3], "/")
	}
	return p
}

// indexGo fills a Go file's imports, functions and methods (by
// "Type.Method" and by name when the name is unique), struct fields and
// the inline handler main() passes to lambda.Start.
func (fi *fileInfo) indexGo() {
	x := &langInfo{fields: map[string]*node{}}
	fi.x = x
	for _, d := range fi.body {
		switch d.typ() {
		case "package_clause":
			if id := d.firstNamed(); id != nil {
				x.pkg = fi.text(id)
			}
		case "import_declaration":
			for spec := range eachDeep(d, "import_spec") {
				p := unquote(fi.text(spec.child("path")))
				local := p[strings.LastIndex(p, "/")+1:]
				if al := spec.child("name"); al != nil {
					local = fi.text(al)
				}
				if local == "_" || local == "." {
					local = ""
				}
				// gopkg.in/yaml.v3 and …/v2 name their package without the
				// version.
				if isMajorVersion(local) && spec.child("name") == nil {
					parts := strings.Split(p, "/")
					if len(parts) > 1 {
						local = parts[len(parts)-2]
					}
				}
				if i := strings.Index(local, "."); i > 0 && spec.child("name") == nil {
					local = local[:i]
				}
				local = strings.ReplaceAll(local, "-", "")
				ref := importRef{module: p, pos: fi.pos(spec)}
				if local != "" {
					ref.names = []importName{{local: local, qual: p}}
				}
				fi.imports = append(fi.imports, ref)
			}
		case "function_declaration":
			fi.funcs[fi.text(d.child("name"))] = d
		case "method_declaration":
			name := fi.text(d.child("name"))
			recv := goRecvType(fi, d.child("receiver"))
			fi.funcs[recv+"."+name] = d
		case "type_declaration":
			for ts := range eachDeep(d, "type_spec") {
				if st := ts.child("type"); st != nil && st.typ() == "struct_type" {
					for fd := range eachDeep(st, "field_declaration") {
						for nm := range fd.eachNamed() {
							if nm.field() == "name" {
								x.fields[fi.text(nm)] = fd.child("type")
							}
						}
					}
				}
			}
		}
	}
	// The function main() passes to lambda.Start.
	if m := fi.funcs["main"]; m != nil {
		for c := range eachDeep(m.child("body"), "call_expression") {
			fn := c.child("function")
			if fn == nil || fn.typ() != "selector_expression" || fi.text(fn.child("operand")) != "lambda" || !strings.HasPrefix(fi.text(fn.child("field")), "Start") {
				continue
			}
			args := c.child("arguments").namedKids()
			if len(args) > 0 {
				x.start = fi.goHandlerArg(args[0], 0)
			}
			break
		}
	}
	sort.SliceStable(fi.imports, func(i, j int) bool { return fi.imports[i].pos.Line < fi.imports[j].pos.Line })
}

// goHandlerArg resolves the argument of lambda.Start to a function of the
// file: a func literal, a top-level function, a method value, or the
// first of those among the arguments of a wrapper call.
func (fi *fileInfo) goHandlerArg(a *node, depth int) *node {
	if a == nil || depth > 3 {
		return nil
	}
	switch a.typ() {
	case "func_literal":
		return a
	case "identifier":
		return fi.funcs[fi.text(a)]
	case "selector_expression":
		return fi.goMethod(fi.text(a.child("field")))
	case "call_expression", "parenthesized_expression", "unary_expression":
		var kids []*node
		if a.typ() == "call_expression" {
			kids = a.child("arguments").namedKids()
		} else {
			kids = a.namedKids()
		}
		for _, k := range kids {
			if h := fi.goHandlerArg(k, depth+1); h != nil {
				return h
			}
		}
	}
	return nil
}

// goMethod returns the method named name of a type of the file, when only
// one type has it.
func (fi *fileInfo) goMethod(name string) *node {
	var found *node
	n := 0
	for k, fn := range fi.funcs {
		if strings.HasSuffix(k, "."+name) {
			found = fn
			n++
		}
	}
	if n == 1 {
		return found
	}
	return nil
}

// goRecvType returns the type name of a method's receiver ("Handler" for
// (h *Handler)).
func goRecvType(fi *fileInfo, recv *node) string {
	if recv == nil {
		return ""
	}
	for p := range eachDeep(recv, "parameter_declaration") {
		t := fi.text(p.child("type"))
		t = strings.TrimLeft(t, "*")
		if i := strings.Index(t, "["); i >= 0 {
			t = t[:i]
		}
		return t
	}
	return ""
}

// eachDeep iterates over the descendants of n of kind typ (not below a
// match), in pre-order.
func eachDeep(n *node, typ string) func(func(*node) bool) {
	return func(yield func(*node) bool) {
		if n == nil {
			return
		}
		var walk func(m *node, depth int) bool
		walk = func(m *node, depth int) bool {
			if depth > 200 {
				return true
			}
			for k := range m.kids() {
				if k.typ() == typ {
					if !yield(k) {
						return false
					}
					continue
				}
				if !walk(k, depth+1) {
					return false
				}
			}
			return true
		}
		walk(n, 0)
	}
}

// resolveGoImports links a Go file to the other files of its package and
// to the files of the module's local packages it imports (go.mod's
// module path, below the module folder fj.codeRoot).
func resolveGoImports(fi *fileInfo, fj fileJob) {
	fs := fj.fsFor()
	x := fi.x
	if x == nil {
		return
	}
	if data, err := (rootFS{fj.root}).Head(path.Join(fj.codeRoot, "go.mod"), 1<<20); err == nil {
		x.modPath, x.requires = parseGoMod(data)
	}
	goFiles := func(dir string) []string {
		es, err := fs.ReadDir(dir)
		if err != nil {
			return nil
		}
		var out []string
		for _, e := range es {
			if !e.dir && strings.HasSuffix(e.name, ".go") && !strings.HasSuffix(e.name, "_test.go") {
				out = append(out, path.Join(dir, e.name))
			}
		}
		sort.Strings(out)
		return out
	}
	var extra []importRef
	for _, p := range goFiles(path.Dir(fi.path)) {
		if p != fi.path {
			x.pkgFiles = append(x.pkgFiles, p)
			extra = append(extra, importRef{module: ".", pos: model.Pos{File: fi.posFile, Line: 1, Col: 1}, local: p})
		}
	}
	for i := range fi.imports {
		im := &fi.imports[i]
		if x.modPath == "" || !(im.module == x.modPath || strings.HasPrefix(im.module, x.modPath+"/")) {
			continue
		}
		dir := path.Join(fj.codeRoot, strings.TrimPrefix(im.module, x.modPath))
		files := goFiles(dir)
		if len(files) == 0 {
			continue
		}
		im.local = files[0]
		for _, p := range files[1:] {
			extra = append(extra, importRef{module: ".", pos: im.pos, local: p})
		}
	}
	fi.imports = append(fi.imports, extra...)
}
