package code

import (
	"slices"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/secret"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// maxDepth bounds the nesting of calls into local functions followed from
// the handler.
const maxDepth = 4

// eval returns the abstract value of an expression, reporting the sinks
// and SDK calls it contains.
func (a *analysis) eval(fi *fileInfo, n *node, s *scope, depth int) val {
	if n == nil || *a.budget <= 0 {
		return val{}
	}
	*a.budget--
	if isCompiled(fi.lang) {
		if v, ok := a.evalCompiled(fi, n, s, depth); ok {
			return v
		}
	}
	switch n.typ() {
	case "identifier", "shorthand_property_identifier":
		name := fi.text(n)
		if v, ok := s.get(name); ok {
			return v
		}
		if fi.lang != model.FormatPython {
			switch name {
			case "eval", "Function", "fetch", "setTimeout", "setInterval", "require", "process", "JSON", "Buffer", "Object",
				"Promise", "console", "URL", "URLSearchParams", "Array", "String", "Number", "Boolean", "encodeURIComponent",
				"decodeURIComponent", "decodeURI", "parseInt", "parseFloat", "atob":
				return val{qual: name}
			}
		} else {
			switch name {
			case "eval", "exec", "compile", "open", "__import__", "int", "float", "bool", "len", "str", "repr", "print", "dict",
				"list", "tuple", "set", "sorted", "reversed", "hash", "getattr":
				return val{qual: name}
			}
		}
		return val{}
	case "this", "self":
		return val{}
	case "string", "template_string", "concatenated_string":
		return a.evalString(fi, n, s, depth)
	case "integer", "float", "number", "true", "false", "none", "null", "undefined", "True", "False", "None", "regex":
		return val{}
	case "attribute", "member_expression":
		obj := n.child("object")
		prop := n.child("attribute")
		if prop == nil {
			prop = n.child("property")
		}
		ov := a.eval(fi, obj, s, depth)
		name := fi.text(prop)
		if ov.qual == "process" && name == "env" {
			return val{qual: "process.env"}
		}
		if ov.qual == "process.env" {
			return val{env: name}
		}
		if ov.qual == "os.environ" {
			return val{}
		}
		return a.extend(ov, name, fi, n)
	case "subscript", "subscript_expression":
		obj := n.child("value")
		if obj == nil {
			obj = n.child("object")
		}
		idx := n.child("subscript")
		if idx == nil {
			idx = n.child("index")
		}
		ov := a.eval(fi, obj, s, depth)
		iv := a.eval(fi, idx, s, depth)
		key := "*"
		if idx != nil && idx.typ() == "string" {
			key = unquote(fi.text(idx))
		}
		if ov.qual == "os.environ" || ov.qual == "process.env" {
			return val{env: key}
		}
		out := a.extend(ov, key, fi, n)
		if iv.t != nil && out.t == nil && ov.obj {
			_ = iv
		}
		return out
	case "call", "call_expression":
		return a.call(fi, n, s, depth)
	case "new_expression":
		return a.newExpr(fi, n, s, depth)
	case "await", "await_expression", "parenthesized_expression", "non_null_expression", "as_expression", "satisfies_expression",
		"type_assertion", "spread_element", "list_splat", "dictionary_splat", "expression_statement", "yield", "yield_expression":
		var v val
		for k := range n.eachNamed() {
			if strings.HasSuffix(k.typ(), "type") || k.typ() == "type_annotation" {
				continue
			}
			v = join(v, a.eval(fi, k, s, depth))
			if k.typ() != "comment" {
				// keep the first expression's other facts (client, qual)
				if v.client == nil && v.qual == "" {
					continue
				}
				return v
			}
		}
		return v
	case "assignment", "augmented_assignment", "assignment_expression", "augmented_assignment_expression", "named_expression":
		left, right := n.child("left"), n.child("right")
		if left == nil {
			left = n.child("name")
		}
		if right == nil {
			right = n.child("value")
		}
		v := a.eval(fi, right, s, depth)
		if left != nil && (left.typ() == "identifier" || left.typ() == "attribute" || left.typ() == "member_expression") {
			a.noteString(fi, fi.text(left), right)
		}
		if strings.HasPrefix(n.typ(), "augmented") {
			old := a.eval(fi, left, s, depth)
			v = join(old, v)
			if v.t != nil {
				v.t = builtString(v.t, "", fi, n, "appended")
			}
		}
		if right != nil && (right.typ() == "dictionary" || right.typ() == "object") {
			v.obj = true
		}
		a.bind(fi, left, v, s, n)
		return v
	case "binary_operator", "binary_expression":
		l := a.eval(fi, n.child("left"), s, depth)
		r := a.eval(fi, n.child("right"), s, depth)
		op := fi.text(n.child("operator"))
		if op == "" {
			for k := range n.kids() {
				if !k.named() {
					op = k.typ()
				}
			}
		}
		switch op {
		case "+", "%":
			v := join(l, r)
			if v.t != nil {
				lead := ""
				if l.isStr {
					lead = l.str
				}
				if l.t != nil && l.t.built {
					v.t = l.t.with(model.FlowStep{Pos: fi.pos(n), Note: "concatenated"})
					v.t.safePre = l.t.safePre
					return val{t: v.t}
				}
				return val{t: builtString(v.t, lead, fi, n, map[string]string{"+": "concatenated", "%": "formatted with %"}[op])}
			}
			if l.isStr && r.isStr {
				return val{str: l.str + r.str, isStr: true}
			}
			return val{}
		case "||", "??", "or":
			return join(l, r)
		}
		return val{}
	case "boolean_operator":
		return join(a.eval(fi, n.child("left"), s, depth), a.eval(fi, n.child("right"), s, depth))
	case "conditional_expression", "ternary_expression":
		var v val
		for k := range n.eachNamed() {
			if k.field() == "condition" {
				a.eval(fi, k, s, depth)
				continue
			}
			v = join(v, a.eval(fi, k, s, depth))
		}
		return v
	case "dictionary", "object", "list", "array", "tuple", "set", "expression_list":
		var v val
		for k := range n.eachNamed() {
			switch k.typ() {
			case "pair":
				kk := k.child("key")
				vv := a.eval(fi, k.child("value"), s, depth)
				a.noteString(fi, unquote(fi.text(kk)), k.child("value"))
				v = join(v, vv)
			default:
				v = join(v, a.eval(fi, k, s, depth))
			}
		}
		if v.t != nil {
			c := v.client
			v = val{t: v.t}
			if c != nil && c.kind == "txitems" {
				v.client = c // a transaction's items, kept with the data they hold
			}
		}
		if (n.typ() == "list" || n.typ() == "array") && v.client == nil && txList(fi, n) {
			v.client = &sdkClient{service: "dynamodb", kind: "txitems", params: n, pfile: fi}
		}
		v.obj = n.typ() == "dictionary" || n.typ() == "object"
		return v
	case "list_comprehension", "generator_expression", "set_comprehension", "dictionary_comprehension":
		inner := &scope{vars: map[string]val{}, parent: s}
		for k := range n.eachNamed() {
			if k.typ() == "for_in_clause" {
				rv := a.eval(fi, k.child("right"), inner, depth)
				a.bind(fi, k.child("left"), a.elem(fi, rv, k), inner, k)
			}
		}
		return a.eval(fi, n.child("body"), inner, depth)
	case "lambda", "arrow_function", "function_expression", "function":
		return val{fn: &fnRef{file: fi, n: n}}
	case "unary_operator", "unary_expression", "not_operator", "comparison_operator", "update_expression":
		for k := range n.eachNamed() {
			a.eval(fi, k, s, depth)
		}
		return val{}
	case "keyword_argument":
		return a.eval(fi, n.child("value"), s, depth)
	case "pair":
		return a.eval(fi, n.child("value"), s, depth)
	}
	// Anything else: evaluate children for their calls.
	var v val
	for k := range n.eachNamed() {
		v = join(v, a.eval(fi, k, s, depth))
	}
	return val{t: v.t}
}

// evalString handles string literals, f-strings and template literals.
func (a *analysis) evalString(fi *fileInfo, n *node, s *scope, depth int) val {
	var t *taint
	lead := ""
	leadDone := false
	var parts []*node
	if n.typ() == "concatenated_string" {
		parts = n.namedKids()
	} else {
		parts = []*node{n}
	}
	for _, p := range parts {
		for k := range p.kids() {
			switch k.typ() {
			case "interpolation", "template_substitution":
				leadDone = true
				for e := range k.eachNamed() {
					if e.typ() == "format_specifier" || e.typ() == "type_conversion" {
						continue
					}
					v := a.eval(fi, e, s, depth)
					if v.t != nil && t == nil {
						t = v.t
					}
				}
			case "string_content", "string_fragment", "escape_sequence", "string_start", "string_end", "\"", "'", "`":
				if !leadDone && (k.typ() == "string_content" || k.typ() == "string_fragment" || k.typ() == "escape_sequence") {
					lead += fi.text(k)
				}
			}
		}
	}
	if t != nil {
		how := "interpolated into a string"
		if fi.lang == model.FormatPython {
			how = "interpolated into an f-string"
		} else if n.typ() == "template_string" {
			how = "interpolated into a template literal"
		}
		return val{t: builtString(t, lead, fi, n, how)}
	}
	return val{str: unquoteAll(fi.text(n)), isStr: true}
}

// unquoteAll strips the quotes and Python prefixes of a string literal.
func unquoteAll(s string) string {
	s = strings.TrimLeft(s, "rRbBuUfF")
	for _, q := range []string{`"""`, `'''`} {
		if strings.HasPrefix(s, q) && strings.HasSuffix(s, q) && len(s) >= 6 {
			return s[3 : len(s)-3]
		}
	}
	return unquote(s)
}

// noteString records a string constant assigned to a name, for the secret
// rules.
func (a *analysis) noteString(fi *fileInfo, name string, v *node) {
	if v == nil || v.typ() != "string" || v.hasKids() && hasInterpolation(v) {
		return
	}
	str := unquoteAll(fi.text(v))
	if len(str) < 8 || len(str) > 4096 {
		return
	}
	if len(secretDetector.Find(name, str)) == 0 {
		return
	}
	p := fi.pos(v)
	a.rec.setStr(p.String(), model.CodeString{Name: name, Value: str, Pos: p})
}

func hasInterpolation(n *node) bool {
	for k := range n.kids() {
		if k.typ() == "interpolation" || k.typ() == "template_substitution" {
			return true
		}
	}
	return false
}

// args is a call's evaluated arguments: positional ones in pos (their
// nodes in nodes), keyword arguments in kw in source order (nil when
// there are none). pos and nodes are slices of the analysis's argument
// stack, valid until the call being evaluated returns.
type args struct {
	pos   []val
	nodes []*node
	kw    []kwArg
}

// kwArg is a keyword argument.
type kwArg struct {
	name string
	v    val
	n    *node
}

// argStack holds the positional arguments of the calls being evaluated
// (one goroutine's analysis and the summaries it computes): a call's
// arguments are pushed by evalArgs and popped when the call returns
// (popArgs), so that argument lists cost no allocation once the stack
// has grown.
type argStack struct {
	vals  []val
	nodes []*node
}

// argMark returns the stack's height, for popArgs.
func (a *analysis) argMark() int { return len(a.stack.vals) }

// popArgs drops the arguments pushed since mark.
func (a *analysis) popArgs(mark int) {
	st := a.stack
	clear(st.vals[mark:])
	clear(st.nodes[mark:])
	st.vals, st.nodes = st.vals[:mark], st.nodes[:mark]
}

func (a *analysis) evalArgs(fi *fileInfo, n *node, s *scope, depth int) args {
	var out args
	if n == nil {
		return out
	}
	st := a.stack
	if n.typ() == "template_string" { // tagged template
		v := a.eval(fi, n, s, depth)
		base := len(st.vals)
		st.vals, st.nodes = append(st.vals, v), append(st.nodes, n)
		out.pos, out.nodes = st.vals[base:base+1:base+1], st.nodes[base:base+1:base+1]
		return out
	}
	c := 0
	for k := range n.eachNamed() {
		if t := k.typ(); t != "keyword_argument" && t != "comment" {
			c++
		}
	}
	// The arguments' slots are reserved first: calls inside an argument
	// push above them and pop back before the next argument is stored.
	base := len(st.vals)
	st.vals = slices.Grow(st.vals, c)[:base+c]
	st.nodes = slices.Grow(st.nodes, c)[:base+c]
	i := 0
	for k := range n.eachNamed() {
		switch k.typ() {
		case "keyword_argument":
			name := fi.text(k.child("name"))
			vn := k.child("value")
			out.kw = append(out.kw, kwArg{name: name, v: a.eval(fi, vn, s, depth), n: vn})
			a.noteString(fi, name, vn)
		case "comment":
		default:
			v := a.eval(fi, k, s, depth)
			a.noteString(fi, "", k)
			if k.typ() == "dictionary" || k.typ() == "object" {
				v.obj = true
			}
			st.vals[base+i], st.nodes[base+i] = v, k
			i++
		}
	}
	out.pos, out.nodes = st.vals[base:base+c:base+c], st.nodes[base:base+c:base+c]
	return out
}

// kwVal returns the value of the keyword argument name (the last one
// given, as a map would), and whether there is one.
func (x args) kwVal(name string) (val, bool) {
	for i := len(x.kw) - 1; i >= 0; i-- {
		if x.kw[i].name == name {
			return x.kw[i].v, true
		}
	}
	return val{}, false
}

// kwNode returns the value node of the keyword argument name, or nil.
func (x args) kwNode(name string) *node {
	for i := len(x.kw) - 1; i >= 0; i-- {
		if x.kw[i].name == name {
			return x.kw[i].n
		}
	}
	return nil
}

func (x args) at(i int) val {
	if i < len(x.pos) {
		return x.pos[i]
	}
	return val{}
}

func (x args) node(i int) *node {
	if i < len(x.nodes) {
		return x.nodes[i]
	}
	return nil
}

// raw returns the first argument that is the text of a whole event (see
// val.raw), or a zero val.
func (x args) raw() val {
	for _, p := range x.pos {
		if p.raw {
			return p
		}
	}
	return val{}
}

// any returns the join of every argument, positional ones first, then
// keyword arguments in source order.
func (x args) any() val {
	var v val
	for _, p := range x.pos {
		v = join(v, p)
	}
	for _, p := range x.kw {
		v = join(v, p.v)
	}
	return v
}

// call evaluates a call expression.
func (a *analysis) call(fi *fileInfo, n *node, s *scope, depth int) val {
	fnode := n.child("function")
	argn := n.child("arguments")
	// Method name and receiver.
	var recv val
	method := ""
	var callee val
	if fnode != nil && (fnode.typ() == "attribute" || fnode.typ() == "member_expression") {
		obj := fnode.child("object")
		recv = a.eval(fi, obj, s, depth)
		prop := fnode.child("attribute")
		if prop == nil {
			prop = fnode.child("property")
		}
		method = fi.text(prop)
		switch {
		case recv.qual != "" && !strings.HasPrefix(recv.qual, "$"):
			callee = val{qual: recv.qual + "." + method}
		case strings.HasPrefix(recv.qual, "$local:"):
			if lf := a.sh.files[strings.TrimPrefix(recv.qual, "$local:")]; lf != nil {
				if f := lf.handlerNode(method); f != nil {
					callee = val{fn: &fnRef{file: lf, n: f}}
				}
			}
		}
	} else {
		callee = a.eval(fi, fnode, s, depth)
	}
	defer a.popArgs(a.argMark())
	ar := a.evalArgs(fi, argn, s, depth)
	pos := fi.pos(n)
	q := callee.qual

	// Sinks, and checks of the caller.
	a.sinks(fi, n, q, method, recv, ar)
	a.callerCheck(fi, n, q, method, ar)

	// SDK.
	if v, ok := a.sdk(fi, n, q, method, recv, ar); ok {
		return v
	}

	// Environment.
	switch q {
	case "os.environ.get", "os.getenv":
		if ar.node(0) != nil && ar.node(0).typ() == "string" {
			return val{env: unquoteAll(fi.text(ar.node(0)))}
		}
		return val{}
	case "require":
		if ar.node(0) != nil && ar.node(0).typ() == "string" {
			spec := unquote(fi.text(ar.node(0)))
			if isLocalSpec(spec) {
				for _, im := range fi.imports {
					if im.module == spec && im.local != "" {
						return val{qual: "$local:" + im.local}
					}
				}
				return val{}
			}
			return val{qual: jsQual(spec)}
		}
		return val{}
	case "util.promisify":
		return ar.at(0)
	}
	// Event-path access through .get("key") (Python dicts).
	if method == "get" && recv.evt != nil && ar.node(0) != nil && ar.node(0).typ() == "string" {
		return a.extend(recv, unquoteAll(fi.text(ar.node(0))), fi, n)
	}
	// Methods of the event that return its data: req.get_json(),
	// request.json(), snapshot.data().
	if recv.evt != nil && method != "" {
		if v := a.extend(recv, method+"()", fi, n); v.t != nil || v.evt != nil {
			return v
		}
	}
	if method == "get" && (recv.t != nil) {
		return val{t: recv.t}
	}
	// Sanitisers: the result is clean.
	if sanitiser(q, method) {
		return val{}
	}
	// A stack trace.
	switch q {
	case "traceback.format_exc", "traceback.format_exception", "traceback.format_tb", "traceback.format_stack", "traceback.extract_tb":
		return val{t: &taint{source: "exception traceback", stack: true, steps: oneStep(model.FlowStep{Pos: pos, Note: "source: " + q + "()"})}}
	}
	// Local functions: follow the call with the arguments bound.
	if callee.fn != nil && depth < maxDepth {
		return a.callLocal(fi, n, callee.fn, ar, recv, depth)
	}
	// Callbacks: items.forEach(x => …), records.map(async r => …).
	if (method == "forEach" || method == "map" || method == "filter" || method == "flatMap" || method == "some" || method == "every" || method == "find") &&
		len(ar.pos) > 0 && ar.pos[0].fn != nil && depth < maxDepth {
		el := a.elem(fi, recv, n)
		fr := ar.pos[0].fn
		inner := &scope{vars: map[string]val{}, parent: s}
		if ps := paramNames(fr.file, fr.n); len(ps) > 0 {
			a.bind(fr.file, paramTarget(fr.n), el, inner, n)
			_ = ps
		}
		a.runFunc(fr.file, fr.n, inner, depth+1, false)
		if method == "map" || method == "filter" || method == "flatMap" {
			return val{t: el.t}
		}
		return val{}
	}
	// Promise.all / JSON.parse / string methods and other propagators.
	if propagator(q, method) {
		v := join(recv, ar.any())
		if v.t != nil {
			how := "passed through " + callName(q, method)
			if strings.HasSuffix(q, "format") || method == "format" || method == "join" || method == "concat" {
				lead := ""
				if recv.isStr {
					lead = recv.str
				}
				return val{t: builtString(v.t, lead, fi, n, how)}
			}
			t := v.t.with(model.FlowStep{Pos: pos, Note: how})
			return val{t: t}
		}
		return val{}
	}
	// Unknown calls: data passes through, but the analysis cannot follow.
	v := join(recv, ar.any())
	if v.t != nil {
		t := v.t.with(model.FlowStep{Pos: pos, Note: "passed through " + callName(q, method) + " (not followed)"})
		t.unsure = true
		return val{t: t}
	}
	return val{}
}

// paramTarget returns the first parameter's node of a function (for
// destructuring parameters).
func paramTarget(fn *node) *node {
	if p := fn.child("parameter"); p != nil {
		return p
	}
	ps := fn.child("parameters")
	for p := range ps.eachNamed() {
		switch p.typ() {
		case "required_parameter", "optional_parameter":
			return p.child("pattern")
		case "typed_parameter", "default_parameter":
			return p.firstNamed()
		case "comment":
			continue
		}
		return p
	}
	return nil
}

func callName(q, method string) string {
	if q != "" && !strings.HasPrefix(q, "$") {
		return q + "()"
	}
	if method != "" {
		return "." + method + "()"
	}
	return "a call"
}

// callLocal follows a call into a function of the analysed code, through
// the callee's summary for the arguments' abstract values.
func (a *analysis) callLocal(fi *fileInfo, n *node, f *fnRef, ar args, recv val, depth int) val {
	params := paramNames(f.file, f.n)
	skip := 0
	if len(params) > 0 && (params[0] == "self" || params[0] == "cls") && f.file.lang == model.FormatPython {
		skip = 1
	}
	// The bound values live on the argument stack until the call returns
	// (nothing keeps them: summaries copy what they need).
	st := a.stack
	mark := len(st.vals)
	defer a.popArgs(mark)
	st.vals = slices.Grow(st.vals, len(params))[:mark+len(params)]
	st.nodes = slices.Grow(st.nodes, len(params))[:mark+len(params)]
	bound := st.vals[mark : mark+len(params) : mark+len(params)]
	for i, p := range params {
		if p == "" {
			if i == 0 {
				bound[i] = ar.at(0) // a destructured first parameter
			}
			continue
		}
		if i-skip >= 0 {
			v := ar.at(i - skip)
			if kv, ok := ar.kwVal(p); ok {
				v = kv
			}
			if v.t != nil {
				callee := n.child("function")
				if callee == nil {
					callee = n.child("name") // a Java method invocation
				}
				v.t = v.t.with(model.FlowStep{Pos: fi.pos(n), Note: "passed to " + p + " of " + short(fi.text(callee)) + "()"})
			}
			bound[i] = v
		}
	}
	return a.apply(a.summary(f, bound, depth+1), bound)
}

// newExpr evaluates `new X(…)`.
func (a *analysis) newExpr(fi *fileInfo, n *node, s *scope, depth int) val {
	ctor := a.eval(fi, n.child("constructor"), s, depth)
	defer a.popArgs(a.argMark())
	ar := a.evalArgs(fi, n.child("arguments"), s, depth)
	q := ctor.qual
	a.sinks(fi, n, q, "", val{}, ar)
	if v, ok := a.sdkNew(fi, n, q, ar); ok {
		return v
	}
	if ctor.fn != nil {
		return val{}
	}
	switch q {
	case "URL":
		return ar.at(0)
	}
	return val{}
}

// sanitiser reports whether a call's result is clean whatever its input.
func sanitiser(q, method string) bool {
	switch q {
	case "shlex.quote", "pipes.quote", "os.path.basename", "path.basename", "path.posix.basename", "posixpath.basename",
		"int", "float", "bool", "len", "hash", "uuid.UUID", "parseInt", "parseFloat", "Number", "Boolean",
		"werkzeug.utils.secure_filename", "secure_filename", "html.escape", "markupsafe.escape", "escape",
		"hashlib.sha256", "hashlib.md5", "hashlib.sha1", "crypto.createHash", "encodeURIComponent",
		"shell-quote.quote", "shell-escape", "sqlstring.escape", "mysql.escape", "validator.isUUID", "validator.isInt",
		"pg-format", "bleach.clean", "quote", "shellescape":
		return true
	}
	switch method {
	case "escape", "escapeId", "isdigit", "isalnum", "isnumeric", "isdecimal", "count", "index", "startswith", "endswith",
		"hexdigest", "digest", "test", "indexOf", "length", "startsWith", "endsWith":
		return true
	}
	return false
}

// propagator reports whether a call passes its input on (as it is, or
// transformed but still controlled by it).
func propagator(q, method string) bool {
	switch q {
	case "json.loads", "json.load", "JSON.parse", "JSON.stringify", "json.dumps", "str", "repr", "String", "decodeURIComponent",
		"decodeURI", "unquote", "urllib.parse.unquote", "urllib.parse.unquote_plus", "base64.b64decode", "base64.urlsafe_b64decode",
		"Buffer.from", "os.path.join", "os.path.normpath", "os.path.abspath", "path.join", "path.resolve", "path.normalize",
		"posixpath.join", "pathlib.Path", "Object.assign", "Object.values", "Object.keys", "Object.entries", "Array.from",
		"Promise.all", "Promise.resolve", "dict", "list", "tuple", "set", "sorted", "reversed", "urllib.parse.parse_qs",
		"querystring.parse", "qs.parse", "URLSearchParams", "atob", "Buffer.concat", "print", "console.log":
		return q != "print" && q != "console.log"
	}
	switch method {
	case "strip", "lstrip", "rstrip", "lower", "upper", "replace", "split", "rsplit", "join", "format", "encode", "decode",
		"trim", "trimStart", "trimEnd", "toLowerCase", "toUpperCase", "toString", "slice", "substring", "substr", "concat",
		"splitlines", "capitalize", "title", "partition", "rpartition", "removeprefix", "removesuffix", "ljust", "rjust",
		"values", "items", "keys", "pop", "copy", "getvalue", "read", "json", "text", "then", "padStart", "padEnd", "at",
		"flat", "reduce", "normalize", "transformToString", "toJSON", "get", "getAll", "__getitem__", "fromkeys", "fromhex",
		"b64decode", "urlsafe_b64decode", "unquote", "unquote_plus", "parse", "loads", "strftime", "group":
		return true
	}
	return false
}

// secretDetector is immutable and safe for concurrent use.
var secretDetector = secret.New()
