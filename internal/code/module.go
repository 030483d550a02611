package code

import (
	"bytes"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// fileInfo is one parsed source file and what the analyses need from it.
// It is built once per file per scan, whatever number of functions share
// the file, and is read-only afterwards.
type fileInfo struct {
	path string
	lang model.Format
	// src is the source as one string: text slices it, so the strings
	// the analysis reads share its bytes (buildCode detaches those it
	// keeps, see detach).
	src  string
	root *node
	// arr is the node array root points into.
	arr []node
	// lineBase is added to line numbers (inline code sits inside a
	// template); posFile is the file positions name.
	lineBase int
	posFile  string
	// err is why the file was not analysed at all; errs are syntax errors
	// in a file that was analysed as far as it parsed.
	err  string
	errs []syntaxError
	// skipped is a note for files deliberately not analysed (minified,
	// generated, too large, binary).
	skipped string
	// py2Line is the first line of Python 2 syntax (print or exec
	// statements), which tree-sitter accepts; 0 when none.
	py2Line int
	// imports in source order.
	imports []importRef
	// funcs are the module's top-level functions by name; exports maps an
	// exported name to the local function it names (JS).
	funcs   map[string]*node
	exports map[string]string
	// classes are top-level classes' methods by "Class.method".
	body []*node // top-level statements
	// froot and codeRoot are where the file was read from, for its
	// imports; released is set when its tree was dropped from memory
	// (what it imports and its problems are kept).
	froot    *load.Root
	codeRoot string
	released bool
	// partial is set when only what the handler can reach was parsed;
	// skippedBytes is the size of the rest, size that of the source.
	partial      bool
	skippedBytes int
	size         int
	// x is what the Go and Java analyses keep about the file (compiled.go);
	// nil for other languages.
	x *langInfo
}

// release drops the file's source and tree, and returns the tree's node
// array to pool: the caller guarantees that no *node into it is reachable
// any more.
func (fi *fileInfo) release(pool *nodePool) {
	pool.put(fi.arr)
	// What is kept must not keep the source.
	srcs := []string{fi.src}
	for i := range fi.imports {
		im := &fi.imports[i]
		im.module = detached(im.module, srcs)
		if names := im.names; slices.ContainsFunc(names, func(n importName) bool {
			return inSources(n.local, srcs) || inSources(n.member, srcs) || inSources(n.qual, srcs)
		}) {
			im.names = slices.Clone(names)
			for k := range im.names {
				n := &im.names[k]
				n.local, n.member, n.qual = detached(n.local, srcs), detached(n.member, srcs), detached(n.qual, srcs)
			}
		}
	}
	if fi.x != nil {
		fi.x.pkg, fi.x.class = detached(fi.x.pkg, srcs), detached(fi.x.class, srcs)
		fi.x.requires = detachAll(fi.x.requires, srcs)
	}
	fi.src, fi.root, fi.arr, fi.body, fi.funcs, fi.exports = "", nil, nil, nil, nil, nil
	fi.released = true
}

// importRef is one import statement's target.
type importRef struct {
	module string // as written: "os.path", "./util", "@aws-sdk/client-s3"
	level  int    // Python relative import level (number of leading dots)
	// names binds local names to imported members: local → member ("" for
	// the module itself, "*" for a namespace/default import).
	names []importName
	pos   model.Pos
	// local is the display path of the local file the import resolves to,
	// or "" for a third-party or standard module.
	local string
}

type importName struct {
	// local is the name bound in the importing file; member the imported
	// member ("" for the module itself); qual the qualified name the
	// analyses match calls against ("subprocess.run", "child_process").
	local, member, qual string
}

// pos returns the position of n in the file.
func (fi *fileInfo) pos(n *node) model.Pos {
	if n == nil {
		return model.Pos{File: fi.posFile}
	}
	p := model.Pos{File: fi.posFile, Line: int(n.line) + fi.lineBase, Col: int(n.col)}
	if fi.lineBase > 0 {
		p.Col = 0 // inline code: columns are those of the template's block
	}
	return p
}

// text returns the source text of n.
func (fi *fileInfo) text(n *node) string {
	if n == nil || n.start < 0 || int(n.end) > len(fi.src) || n.start > n.end {
		return ""
	}
	return fi.src[n.start:n.end]
}

// Limits on what is analysed.
const (
	// maxSourceBytes bounds one source file; larger files are skipped
	// with a note (bundles, generated code).
	maxSourceBytes = 2 << 20
	// maxLineBytes marks minified code: a file with a line this long
	// (and few lines) is skipped.
	maxLineBytes = 5000
)

// prepare checks raw file content before parsing: binary content,
// minified or generated code, and strips a UTF-8 BOM (CRLF needs nothing:
// the parsers accept it). It returns the text to parse, or a reason to
// skip the file.
func prepare(data []byte) ([]byte, string) {
	if len(data) > maxSourceBytes {
		return nil, "skipped: " + itoa(len(data)) + " bytes is over the " + itoa(maxSourceBytes) + "-byte limit for handler source (a bundle or generated file?)"
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	head := data
	if len(head) > 8000 {
		head = head[:8000]
	}
	if bytes.IndexByte(head, 0) >= 0 || !utf8.Valid(trimPartialRune(head)) {
		return nil, "skipped: binary content, not source text"
	}
	lines := bytes.Count(data, []byte("\n")) + 1
	longest, cur := 0, 0
	for _, b := range data {
		if b == '\n' {
			cur = 0
			continue
		}
		cur++
		if cur > longest {
			longest = cur
		}
	}
	if longest > maxLineBytes && len(data)/lines > 500 {
		return nil, "skipped: minified or generated code (a line of " + itoa(longest) + " characters)"
	}
	if bytes.Contains(head, []byte("@generated")) || bytes.Contains(head, []byte("DO NOT EDIT")) && bytes.Contains(head, []byte("Code generated")) {
		return nil, "skipped: generated code"
	}
	return data, ""
}

// trimPartialRune drops an incomplete UTF-8 sequence cut at the end of a
// head read.
func trimPartialRune(b []byte) []byte {
	for i := 0; i < 3 && len(b) > 0; i++ {
		r, _ := utf8.DecodeLastRune(b)
		if r != utf8.RuneError {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// index fills the file's imports, functions and exports from its tree.
func (fi *fileInfo) index() {
	fi.funcs = map[string]*node{}
	fi.exports = map[string]string{}
	if fi.root == nil {
		return
	}
	fi.body = fi.root.namedKids()
	switch {
	case fi.lang == model.FormatGo:
		fi.indexGo()
	case fi.lang == model.FormatJava:
		fi.indexJava()
	case fi.lang == model.FormatPython:
		fi.indexPython()
	default:
		fi.indexJS()
	}
}

func (fi *fileInfo) indexPython() {
	var find func(n *node, depth int)
	find = func(n *node, depth int) {
		if fi.py2Line > 0 || depth > 100 {
			return
		}
		if n.typ() == "print_statement" || n.typ() == "exec_statement" {
			fi.py2Line = int(n.line) + fi.lineBase
			return
		}
		for k := range n.kids() {
			find(k, depth+1)
		}
	}
	find(fi.root, 0)
	var walk func(stmts []*node, top bool)
	walk = func(stmts []*node, top bool) {
		for _, s := range stmts {
			switch s.typ() {
			case "import_statement", "import_from_statement":
				fi.pythonImportStmt(s)
			case "function_definition":
				if top {
					fi.funcs[fi.text(s.child("name"))] = s
				}
			case "decorated_definition":
				if d := s.child("definition"); d != nil {
					walk([]*node{d}, top)
				}
			case "class_definition":
				if top {
					cls := fi.text(s.child("name"))
					for m := range s.child("body").eachNamed() {
						if m.typ() == "decorated_definition" {
							m = m.child("definition")
						}
						if m != nil && m.typ() == "function_definition" {
							fi.funcs[cls+"."+fi.text(m.child("name"))] = m
						}
					}
				}
			case "if_statement", "try_statement", "with_statement":
				// Imports inside try/except ImportError or if TYPE_CHECKING.
				for k := range s.eachNamed() {
					if k.typ() == "block" {
						walk(k.namedKids(), false)
					} else {
						for kk := range k.eachNamed() {
							if kk.typ() == "block" {
								walk(kk.namedKids(), false)
							}
						}
					}
				}
			}
		}
	}
	walk(fi.body, true)
	// Imports inside function bodies.
	names := make([]string, 0, len(fi.funcs))
	for name := range fi.funcs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fi.nestedImports(fi.funcs[name].child("body"))
	}
	sort.SliceStable(fi.imports, func(i, j int) bool { return fi.imports[i].pos.Line < fi.imports[j].pos.Line })
}

// nestedImports records Python imports written inside a function body.
func (fi *fileInfo) nestedImports(b *node) {
	if b == nil {
		return
	}
	var stmts []*node
	var find func(n *node, depth int)
	find = func(n *node, depth int) {
		if depth > 50 {
			return
		}
		for k := range n.kids() {
			switch k.typ() {
			case "import_statement", "import_from_statement":
				stmts = append(stmts, k)
			case "function_definition", "class_definition":
			default:
				find(k, depth+1)
			}
		}
	}
	find(b, 0)
	for _, st := range stmts {
		fi.pythonImportStmt(st)
	}
}

// pythonImportStmt records one import statement.
func (fi *fileInfo) pythonImportStmt(s *node) {
	switch s.typ() {
	case "import_statement":
		for k := range s.eachNamed() {
			switch k.typ() {
			case "dotted_name":
				m := fi.text(k)
				top := strings.Split(m, ".")[0]
				fi.imports = append(fi.imports, importRef{module: m, names: []importName{{local: top, qual: top}}, pos: fi.pos(s)})
			case "aliased_import":
				m := fi.text(k.child("name"))
				fi.imports = append(fi.imports, importRef{module: m, names: []importName{{local: fi.text(k.child("alias")), qual: m}}, pos: fi.pos(s)})
			}
		}
	case "import_from_statement":
		mn := s.child("module_name")
		ref := importRef{pos: fi.pos(s)}
		if mn != nil && mn.typ() == "relative_import" {
			t := fi.text(mn)
			ref.level = len(t) - len(strings.TrimLeft(t, "."))
			ref.module = strings.TrimLeft(t, ".")
		} else {
			ref.module = fi.text(mn)
		}
		for k := range s.kids() {
			if k.field() != "name" {
				if k.typ() == "wildcard_import" {
					ref.names = append(ref.names, importName{local: "*", member: "*", qual: ref.module})
				}
				continue
			}
			switch k.typ() {
			case "dotted_name":
				n := fi.text(k)
				ref.names = append(ref.names, importName{local: n, member: n, qual: ref.module + "." + n})
			case "aliased_import":
				n := fi.text(k.child("name"))
				ref.names = append(ref.names, importName{local: fi.text(k.child("alias")), member: n, qual: ref.module + "." + n})
			}
		}
		if len(ref.names) <= 1 {
			fi.imports = append(fi.imports, ref)
			break
		}
		// from pkg import a, b: each name may be a module of its own.
		for _, n := range ref.names {
			one := ref
			one.names = []importName{n}
			fi.imports = append(fi.imports, one)
		}
	}
}

func (fi *fileInfo) indexJS() {
	var visit func(n *node, depth int)
	visit = func(n *node, depth int) {
		if depth > 200 {
			return
		}
		switch n.typ() {
		case "import_statement":
			src := unquote(fi.text(n.child("source")))
			ref := importRef{module: src, pos: fi.pos(n)}
			if cl := firstOfType(n, "import_clause"); cl != nil {
				for k := range cl.eachNamed() {
					switch k.typ() {
					case "identifier": // default import
						ref.names = append(ref.names, importName{local: fi.text(k), member: "default", qual: jsQual(src)})
					case "namespace_import":
						if id := k.firstNamed(); id != nil {
							ref.names = append(ref.names, importName{local: fi.text(id), qual: jsQual(src)})
						}
					case "named_imports":
						for sp := range k.eachNamed() {
							if sp.typ() != "import_specifier" {
								continue
							}
							name := fi.text(sp.child("name"))
							local := name
							if a := sp.child("alias"); a != nil {
								local = fi.text(a)
							}
							ref.names = append(ref.names, importName{local: local, member: name, qual: jsQual(src) + "." + name})
						}
					}
				}
			}
			fi.imports = append(fi.imports, ref)
			return
		case "call_expression":
			fn := n.child("function")
			if fn != nil && (fi.text(fn) == "require" || fn.typ() == "import") {
				args := n.child("arguments").namedKids()
				if len(args) == 1 && (args[0].typ() == "string") {
					fi.imports = append(fi.imports, importRef{module: unquote(fi.text(args[0])), pos: fi.pos(n)})
				}
			}
		case "function_declaration", "generator_function_declaration":
			if depth <= 2 {
				fi.funcs[fi.text(n.child("name"))] = n
			}
		case "variable_declarator":
			if depth <= 3 {
				v := n.child("value")
				if v != nil && (v.typ() == "arrow_function" || v.typ() == "function_expression" || v.typ() == "function") {
					fi.funcs[fi.text(n.child("name"))] = v
				}
			}
		case "export_statement":
			if d := n.child("declaration"); d != nil {
				switch d.typ() {
				case "function_declaration", "generator_function_declaration":
					name := fi.text(d.child("name"))
					fi.exports[name] = name
				case "lexical_declaration", "variable_declaration":
					for vd := range d.eachNamed() {
						if vd.typ() == "variable_declarator" {
							name := fi.text(vd.child("name"))
							fi.exports[name] = name
						}
					}
				}
			}
			if cl := firstOfType(n, "export_clause"); cl != nil {
				for sp := range cl.eachNamed() {
					name := fi.text(sp.child("name"))
					alias := name
					if a := sp.child("alias"); a != nil {
						alias = fi.text(a)
					}
					fi.exports[alias] = name
				}
			}
			if v := n.child("value"); v != nil { // export default
				if v.typ() == "identifier" {
					fi.exports["default"] = fi.text(v)
				} else if isFuncNode(v) {
					fi.funcs["default"] = v
					fi.exports["default"] = "default"
				}
			}
		case "assignment_expression":
			// exports.handler = …, module.exports.handler = …,
			// module.exports = { handler, other: fn }.
			left, right := n.child("left"), n.child("right")
			lt := fi.text(left)
			switch {
			case strings.HasPrefix(lt, "exports.") || strings.HasPrefix(lt, "module.exports."):
				name := lt[strings.LastIndex(lt, ".")+1:]
				if isFuncNode(right) {
					fi.funcs["exports."+name] = right
					fi.exports[name] = "exports." + name
				} else if right != nil && right.typ() == "identifier" {
					fi.exports[name] = fi.text(right)
				}
			case lt == "module.exports" && right != nil && right.typ() == "object":
				for p := range right.eachNamed() {
					switch p.typ() {
					case "shorthand_property_identifier":
						fi.exports[fi.text(p)] = fi.text(p)
					case "pair":
						k := unquote(fi.text(p.child("key")))
						v := p.child("value")
						if v != nil && v.typ() == "identifier" {
							fi.exports[k] = fi.text(v)
						} else if isFuncNode(v) {
							fi.funcs["exports."+k] = v
							fi.exports[k] = "exports." + k
						}
					case "method_definition":
						k := fi.text(p.child("name"))
						fi.funcs["exports."+k] = p
						fi.exports[k] = "exports." + k
					}
				}
			case lt == "module.exports" && right != nil && right.typ() == "identifier":
				fi.exports["default"] = fi.text(right)
			case lt == "module.exports" && isFuncNode(right):
				// module.exports = async function (context, req) { … }
				fi.funcs["default"] = right
				fi.exports["default"] = "default"
			}
		}
		for k := range n.kids() {
			if isFuncNode(k) && depth > 2 {
				continue // imports and exports live at the top
			}
			visit(k, depth+1)
		}
	}
	visit(fi.root, 0)
	sort.SliceStable(fi.imports, func(i, j int) bool { return fi.imports[i].pos.Line < fi.imports[j].pos.Line })
}

func isFuncNode(n *node) bool {
	if n == nil {
		return false
	}
	switch n.typ() {
	case "arrow_function", "function_expression", "function", "function_declaration", "generator_function", "generator_function_declaration", "method_definition":
		return true
	}
	return false
}

func firstOfType(n *node, typ string) *node {
	for k := range n.kids() {
		if k.typ() == typ {
			return k
		}
	}
	return nil
}

// unquote strips the quotes of a string literal's text.
func unquote(s string) string {
	if len(s) >= 2 {
		switch s[0] {
		case '"', '\'', '`':
			if s[len(s)-1] == s[0] {
				return s[1 : len(s)-1]
			}
		}
	}
	return s
}

// handlerNode returns the function node of the named handler in the file.
func (fi *fileInfo) handlerNode(name string) *node {
	if name == "" {
		return nil
	}
	if isCompiled(fi.lang) {
		return fi.compiledHandler(name)
	}
	if fi.lang == model.FormatPython {
		return fi.funcs[name]
	}
	if local, ok := fi.exports[name]; ok {
		if fn := fi.funcs[local]; fn != nil {
			return fn
		}
	}
	if fn := fi.funcs["exports."+name]; fn != nil {
		return fn
	}
	return fi.funcs[name]
}

// defaultHandler returns the function a platform calls when the
// declaration names none: the module's default export (module.exports =
// function, export default), else its only exported function, else an
// export named run or index (Azure Functions Node.js v3), with its name.
func (fi *fileInfo) defaultHandler() (*node, string) {
	if fn := fi.handlerNode("default"); fn != nil {
		return fn, "default"
	}
	var names []string
	for name := range fi.exports {
		if fi.handlerNode(name) != nil {
			names = append(names, name)
		}
	}
	if len(names) == 1 {
		return fi.handlerNode(names[0]), names[0]
	}
	for _, name := range []string{"run", "index"} {
		if fn := fi.handlerNode(name); fn != nil {
			return fn, name
		}
	}
	return nil, ""
}

// registeredAt returns the handler function of the registration on line
// (1-based, in the file's own numbering): a Python def there (decorated by
// the platform), or the function a JavaScript registration call there
// passes: the `handler` of an options object (Azure app.http('n', {
// handler })) or the last function argument (Firebase onRequest(opts,
// (req, res) => …), functions.firestore.document(p).onCreate(fn)),
// written inline or named. It returns nil when the registration passes no
// function the analysis can follow (an Express app, a value built at run
// time).
func (fi *fileInfo) registeredAt(line int) *node {
	if fi.root == nil {
		return nil
	}
	if fi.lang == model.FormatPython {
		names := make([]string, 0, len(fi.funcs))
		for name := range fi.funcs {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			fn := fi.funcs[name]
			if n := fn.child("name"); n != nil && int(n.line) == line {
				return fn
			}
		}
		return nil
	}
	// The top-level statement the registration starts on (or inside).
	// (A registration found by a line-anchored pattern may be reported
	// on a blank line before its statement: then the next statement.)
	var stmt *node
	for i, st := range fi.body {
		if int(st.line) > line {
			if stmt == nil || int(st.line)-line <= 2 && i > 0 && fi.endLine(fi.body[i-1]) < line {
				stmt = st
			}
			break
		}
		stmt = st
	}
	if stmt == nil {
		return nil
	}
	// The outermost call of the registration's statement.
	var call *node
	queue := []*node{stmt}
	for len(queue) > 0 && call == nil {
		n := queue[0]
		queue = queue[1:]
		if n.typ() == "call_expression" {
			call = n
			break
		}
		if isFuncNode(n) {
			continue
		}
		queue = append(queue, n.kidList()...)
	}
	if call == nil {
		return nil
	}
	resolve := func(n *node) *node {
		switch {
		case n == nil:
			return nil
		case isFuncNode(n):
			return n
		case n.typ() == "identifier":
			return fi.funcs[fi.text(n)]
		}
		return nil
	}
	args := call.child("arguments").namedKids()
	for i := len(args) - 1; i >= 0; i-- {
		a := args[i]
		if a.typ() == "object" {
			for p := range a.eachNamed() {
				switch {
				case p.typ() == "pair" && unquote(fi.text(p.child("key"))) == "handler":
					if fn := resolve(p.child("value")); fn != nil {
						return fn
					}
				case p.typ() == "method_definition" && fi.text(p.child("name")) == "handler":
					return p
				case p.typ() == "shorthand_property_identifier" && fi.text(p) == "handler":
					return fi.funcs["handler"]
				}
			}
			continue
		}
		if fn := resolve(a); fn != nil {
			return fn
		}
	}
	return nil
}

// endLine returns the line n ends on.
func (fi *fileInfo) endLine(n *node) int {
	if n.start < 0 || int(n.end) > len(fi.src) || n.start > n.end {
		return int(n.line)
	}
	return int(n.line) + strings.Count(fi.src[n.start:n.end], "\n")
}

// isStdlib reports whether a top-level module belongs to the language's
// standard library (or the runtime, such as the AWS SDK preinstalled in
// Lambda is NOT: it is a package like any other).
func isStdlib(lang model.Format, mod string) bool {
	if lang == model.FormatPython {
		return pyStdlib[strings.Split(mod, ".")[0]]
	}
	m := strings.TrimPrefix(mod, "node:")
	if i := strings.Index(m, "/"); i >= 0 {
		m = m[:i]
	}
	return nodeBuiltins[m] || strings.HasPrefix(mod, "node:")
}

// npmPackage returns the npm package of a module specifier:
// "@scope/name/sub" → "@scope/name", "lodash/merge" → "lodash".
func npmPackage(mod string) string {
	parts := strings.Split(mod, "/")
	if strings.HasPrefix(mod, "@") && len(parts) >= 2 {
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

// isLocalSpec reports whether a JS module specifier names a local file.
func isLocalSpec(s string) bool {
	return strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || s == "." || s == ".."
}

// resolveJS returns candidate paths for a local JS/TS import.
func resolveJS(fromFile, spec string) []string {
	base := path.Join(path.Dir(fromFile), spec)
	ext := path.Ext(base)
	var out []string
	if ext != "" && langOfFile(base) != "" {
		out = append(out, base)
		// TypeScript imports written with .js for .ts sources.
		stem := strings.TrimSuffix(base, ext)
		out = append(out, stem+".ts", stem+".tsx", stem+".mts")
	}
	for _, e := range []string{".js", ".ts", ".mjs", ".cjs", ".tsx", ".jsx", ".mts", ".cts"} {
		out = append(out, base+e)
	}
	for _, e := range []string{"/index.js", "/index.ts", "/index.mjs"} {
		out = append(out, base+e)
	}
	return out
}

// resolvePy returns candidate paths for a Python import from fromFile,
// looked up relative to the importing file's package (relative imports)
// or to the code root and the importing file's directory (absolute
// imports of local modules, as Lambda puts the code root on sys.path).
func resolvePy(fromFile, codeRoot string, ref importRef, member string) []string {
	var bases []string
	mod := strings.ReplaceAll(ref.module, ".", "/")
	if ref.level > 0 {
		d := path.Dir(fromFile)
		for i := 1; i < ref.level; i++ {
			d = path.Dir(d)
		}
		bases = append(bases, d)
	} else {
		bases = append(bases, codeRoot)
		if dir := path.Dir(fromFile); dir != codeRoot {
			bases = append(bases, dir)
		}
	}
	var out []string
	for _, b := range bases {
		p := path.Join(b, mod)
		if mod == "" {
			p = b
		}
		if member != "" && member != "*" {
			// from pkg import module
			out = append(out, path.Join(p, member)+".py", path.Join(p, member, "__init__.py"))
		}
		out = append(out, p+".py", path.Join(p, "__init__.py"))
	}
	return out
}

// jsQual normalises a JS module specifier for matching: "node:fs" and
// "fs" are the same module, "fs/promises" is fs.promises.
func jsQual(spec string) string {
	spec = strings.TrimPrefix(spec, "node:")
	switch spec {
	case "fs/promises":
		return "fs.promises"
	case "child_process/promises":
		return "child_process"
	}
	return spec
}
