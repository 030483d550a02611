package code

import (
	"cmp"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// The Go evaluator: statements and expressions of tree-sitter-go, the
// sinks of the standard library and common packages, and the AWS SDK for
// Go (v1 and v2). Imported names evaluate to their import path, so that
// calls are matched by path ("os/exec.Command", "net/http.Get").

// stmtGo runs a Go statement.
func (a *analysis) stmtGo(fi *fileInfo, n *node, s *scope, depth int, handler bool, ret *val) {
	switch n.typ() {
	case "statement_list", "block":
		a.block(fi, n.namedKids(), s, depth, handler, ret)
	case "expression_statement", "go_statement", "defer_statement", "inc_statement", "dec_statement", "send_statement":
		for k := range n.eachNamed() {
			a.eval(fi, k, s, depth)
		}
	case "short_var_declaration":
		a.assignGo(fi, n, s, depth, true)
	case "assignment_statement":
		a.assignGo(fi, n, s, depth, false)
	case "var_declaration", "const_declaration":
		for spec := range n.eachNamed() {
			specs := []*node{spec}
			if strings.HasSuffix(spec.typ(), "_list") {
				specs = spec.namedKids()
			}
			for _, sp := range specs {
				a.goSpec(fi, sp, s, depth)
			}
		}
	case "return_statement":
		a.returnStmt(fi, n, s, depth, handler, ret)
	case "if_statement":
		if in := n.child("initializer"); in != nil {
			a.stmt(fi, in, s, depth, handler, ret)
		}
		cond := n.child("condition")
		a.eval(fi, cond, s, depth)
		g := a.goGuard(fi, n.child("initializer"), cond)
		cons := n.child("consequence")
		if g.name != "" && !g.negated {
			a.body(fi, cons, &scope{vars: map[string]val{g.name: {}}, parent: s}, depth, handler, ret)
		} else {
			a.body(fi, cons, s, depth, handler, ret)
		}
		if g.name != "" && g.negated && exits(lastStmts(cons)) {
			setVar(s, g.name, val{}, false)
		}
		if alt := n.child("alternative"); alt != nil {
			a.body(fi, alt, s, depth, handler, ret)
		}
	case "for_statement":
		var body *node
		for k := range n.eachNamed() {
			switch {
			case k.field() == "body":
				body = k
			case k.typ() == "range_clause":
				rv := a.eval(fi, k.child("right"), s, depth)
				ev := a.elem(fi, rv, k)
				if l := k.child("left"); l != nil {
					ls := l.namedKids()
					for i, t := range ls {
						v := val{}
						if i == len(ls)-1 && len(ls) == 2 {
							v = ev
						}
						a.bindGo(fi, t, v, s, k, k.hasToken(":="))
					}
				}
			case k.typ() == "for_clause":
				for c := range k.eachNamed() {
					if strings.HasSuffix(c.typ(), "statement") || strings.HasSuffix(c.typ(), "declaration") {
						a.stmt(fi, c, s, depth, handler, ret)
					} else {
						a.eval(fi, c, s, depth)
					}
				}
			default:
				a.eval(fi, k, s, depth)
			}
		}
		for pass := 0; pass < 2; pass++ {
			a.body(fi, body, s, depth, handler, ret)
		}
	case "expression_switch_statement", "type_switch_statement", "select_statement":
		inner := &scope{vars: map[string]val{}, parent: s}
		var subject val
		for k := range n.eachNamed() {
			switch {
			case k.field() == "initializer":
				a.stmt(fi, k, inner, depth, handler, ret)
			case k.field() == "value":
				subject = a.eval(fi, k, inner, depth)
			case k.field() == "alias":
				for id := range k.eachNamed() {
					a.bindGo(fi, id, subject, inner, k, true)
				}
			case strings.HasSuffix(k.typ(), "_case"):
				for c := range k.eachNamed() {
					if c.field() == "value" || c.field() == "type" || c.field() == "communication" {
						a.eval(fi, c, inner, depth)
						continue
					}
					a.stmt(fi, c, inner, depth, handler, ret)
				}
			}
		}
	case "labeled_statement":
		for k := range n.eachNamed() {
			if k.typ() != "label_name" {
				a.stmt(fi, k, s, depth, handler, ret)
			}
		}
	case "function_declaration":
		// Package initialisation: init() and main() (before lambda.Start)
		// set the package's clients.
		name := fi.text(n.child("name"))
		if s.parent == nil && (name == "init" || name == "main") {
			var r val
			inner := &scope{vars: map[string]val{}, parent: s}
			a.block(fi, n.child("body").namedKids(), inner, depth, false, &r)
			if name == "main" && fi.x != nil && fi.x.start != nil && fi.x.start.typ() == "func_literal" {
				// The handler is a closure of main: it sees main's
				// variables (db := dynamodb.NewFromConfig(cfg)).
				for k, v := range inner.vars {
					if _, ok := s.vars[k]; !ok {
						s.vars[k] = v
					}
				}
			}
		}
	case "method_declaration", "type_declaration", "import_declaration", "package_clause", "comment", "empty_statement",
		"break_statement", "continue_statement", "goto_statement", "fallthrough_statement":
	default:
		for k := range n.eachNamed() {
			if strings.HasSuffix(k.typ(), "statement") || k.typ() == "block" || k.typ() == "statement_list" {
				a.stmt(fi, k, s, depth, handler, ret)
			} else {
				a.eval(fi, k, s, depth)
			}
		}
	}
}

// lastStmts returns the statement list of a Go block (exits looks at its
// last statement).
func lastStmts(b *node) *node {
	if b == nil {
		return nil
	}
	if l := firstOfType(b, "statement_list"); l != nil {
		return l
	}
	return b
}

// goSpec runs one var or const spec.
func (a *analysis) goSpec(fi *fileInfo, sp *node, s *scope, depth int) {
	var names []*node
	var vals []*node
	for k := range sp.eachNamed() {
		switch k.field() {
		case "name":
			names = append(names, k)
		case "value":
			vals = k.namedKids()
		}
	}
	if len(vals) == 0 {
		// var client *dynamodb.Client: a client of the declared type.
		v := val{}
		if c := a.goTypeClient(fi, sp.child("type")); c != nil {
			v.client = c
		}
		for _, nm := range names {
			setVar(s, fi.text(nm), v, true)
		}
		return
	}
	a.bindLists(fi, names, vals, s, depth, sp, true)
}

// assignGo runs := and = (and op=) statements.
func (a *analysis) assignGo(fi *fileInfo, n *node, s *scope, depth int, declare bool) {
	left, right := n.child("left"), n.child("right")
	if left == nil || right == nil {
		return
	}
	op := fi.text(n.child("operator"))
	if op != "" && op != "=" && op != ":=" {
		// x += y
		ls := left.namedKids()
		if len(ls) == 1 {
			v := join(a.eval(fi, ls[0], s, depth), a.eval(fi, right, s, depth))
			if v.t != nil {
				v = val{t: builtString(v.t, "", fi, n, "appended")}
			}
			a.bindGo(fi, ls[0], v, s, n, false)
		}
		return
	}
	a.bindLists(fi, left.namedKids(), right.namedKids(), s, depth, n, declare)
}

// bindLists assigns the values of rs to the targets ls: pairwise, or the
// first target gets the value of a single multi-valued call.
func (a *analysis) bindLists(fi *fileInfo, ls, rs []*node, s *scope, depth int, at *node, declare bool) {
	vals := make([]val, len(rs))
	for i, r := range rs {
		vals[i] = a.eval(fi, r, s, depth)
		if i < len(ls) {
			a.noteGoString(fi, fi.text(ls[i]), r)
		}
	}
	for i, l := range ls {
		var v val
		switch {
		case i < len(vals) && len(rs) == len(ls):
			v = vals[i]
		case i == 0 && len(vals) == 1:
			v = vals[0]
		}
		a.bindGo(fi, l, v, s, at, declare)
	}
}

// noteGoString records a string literal assigned to a name.
func (a *analysis) noteGoString(fi *fileInfo, name string, v *node) {
	if v == nil || (v.typ() != "interpreted_string_literal" && v.typ() != "raw_string_literal") {
		return
	}
	a.noteLiteral(fi, name, v, goStr(fi, v))
}

// goStr returns the content of a Go string literal.
func goStr(fi *fileInfo, n *node) string {
	t := fi.text(n)
	if len(t) >= 2 && (t[0] == '"' || t[0] == '`') {
		return t[1 : len(t)-1]
	}
	return t
}

// bindGo assigns v to a Go target.
func (a *analysis) bindGo(fi *fileInfo, target *node, v val, s *scope, at *node, declare bool) {
	if target == nil {
		return
	}
	switch target.typ() {
	case "identifier":
		name := fi.text(target)
		if name == "_" {
			return
		}
		if v.t != nil {
			v.t = v.t.with(model.FlowStep{Pos: fi.pos(at), Note: "assigned to " + name})
		}
		setVar(s, name, v, declare)
	case "selector_expression", "index_expression":
		// x.f = tainted and m[k] = tainted taint x and m.
		base := target
		for base != nil && (base.typ() == "selector_expression" || base.typ() == "index_expression") {
			base = base.child("operand")
		}
		if base != nil && base.typ() == "identifier" && v.t != nil {
			name := fi.text(base)
			old, _ := s.get(name)
			nv := join(old, val{t: v.t.with(model.FlowStep{Pos: fi.pos(at), Note: "assigned to " + short(fi.text(target))})})
			setVar(s, name, nv, false)
		}
	case "unary_expression", "parenthesized_expression":
		a.bindGo(fi, target.firstNamed(), v, s, at, declare)
	}
}

// goBuiltins are the predeclared functions and conversions.
var goBuiltins = setOf("string", "len", "cap", "append", "make", "new", "copy", "delete", "panic", "recover", "print", "println",
	"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "byte", "rune",
	"bool", "error", "min", "max", "clear", "complex", "real", "imag", "any")

// evalGo evaluates a Go expression.
func (a *analysis) evalGo(fi *fileInfo, n *node, s *scope, depth int) (val, bool) {
	switch n.typ() {
	case "identifier":
		name := fi.text(n)
		if v, ok := s.get(name); ok {
			return v, true
		}
		if goBuiltins[name] {
			return val{qual: "$builtin:" + name}, true
		}
		return val{}, true
	case "field_identifier", "package_identifier", "type_identifier", "int_literal", "float_literal", "imaginary_literal",
		"rune_literal", "nil", "true", "false", "iota", "comment", "label_name":
		return val{}, true
	case "interpreted_string_literal", "raw_string_literal":
		return val{str: goStr(fi, n), isStr: true}, true
	case "selector_expression":
		ov := a.eval(fi, n.child("operand"), s, depth)
		name := fi.text(n.child("field"))
		switch {
		case ov.qual != "" && !strings.HasPrefix(ov.qual, "$"):
			return val{qual: ov.qual + "." + name}, true
		case strings.HasPrefix(ov.qual, "$local:"):
			if f := a.localFunc(ov.qual, name); f != nil {
				return val{fn: f}, true
			}
			return val{}, true
		case ov.client != nil:
			return val{client: ov.client, qual: "$method:" + name}, true
		case ov.evt != nil || ov.t != nil:
			return a.extendField(ov, name, fi, n), true
		}
		if c := a.goFieldClient(fi, name); c != nil {
			return val{client: c}, true
		}
		return val{}, true
	case "index_expression":
		ov := a.eval(fi, n.child("operand"), s, depth)
		idx := n.child("index")
		a.eval(fi, idx, s, depth)
		key := "*"
		if idx != nil && idx.typ() == "interpreted_string_literal" {
			key = goStr(fi, idx)
		}
		if ov.evt != nil {
			return a.extend(ov, key, fi, n), true
		}
		return val{t: ov.t}, true
	case "slice_expression", "type_assertion_expression":
		v := a.eval(fi, n.child("operand"), s, depth)
		for k := range n.eachNamed() {
			if k.field() != "operand" && k.field() != "type" {
				a.eval(fi, k, s, depth)
			}
		}
		return v, true
	case "call_expression":
		return a.callGo(fi, n, s, depth), true
	case "unary_expression":
		v := a.eval(fi, n.child("operand"), s, depth)
		switch fi.text(n.child("operator")) {
		case "&", "*", "<-":
			return v, true
		}
		return val{}, true
	case "composite_literal":
		return a.goComposite(fi, n, s, depth), true
	case "func_literal":
		return val{fn: &fnRef{file: fi, n: n}}, true
	case "variadic_argument", "literal_element":
		var v val
		for k := range n.eachNamed() {
			v = join(v, a.eval(fi, k, s, depth))
		}
		return v, true
	case "expression_list", "literal_value":
		var v val
		for k := range n.eachNamed() {
			v = join(v, a.eval(fi, k, s, depth))
		}
		return val{t: v.t, env: v.env, client: v.client}, true
	case "keyed_element":
		return a.eval(fi, n.child("value"), s, depth), true
	case "pointer_type", "slice_type", "array_type", "map_type", "qualified_type", "struct_type", "interface_type",
		"function_type", "channel_type", "generic_type":
		return val{}, true
	}
	return val{}, false
}

// goComposite evaluates a composite literal: its taint is its elements';
// an SDK input names its resource through an environment variable
// (TableName: aws.String(os.Getenv("TABLE"))); an S3 input may set a
// public ACL; &http.Client{} is an HTTP client.
func (a *analysis) goComposite(fi *fileInfo, n *node, s *scope, depth int) val {
	typ := fi.text(n.child("type"))
	if typ == "http.Client" && a.goImportPath(fi, "http") == "net/http" {
		return val{qual: "$httpclient"}
	}
	var v val
	env := ""
	for el := range n.child("body").eachNamed() {
		if el.typ() != "keyed_element" {
			v = join(v, a.eval(fi, el, s, depth))
			continue
		}
		kn := el.child("key")
		vn := el.child("value")
		if vn != nil && vn.typ() == "literal_element" && vn.firstNamed() != nil {
			vn = vn.firstNamed()
		}
		k := fi.text(kn)
		ev := a.eval(fi, vn, s, depth)
		if env == "" && ev.env != "" && resourceParam(k) {
			env = ev.env
		}
		if k == "ACL" && vn != nil && (strings.HasPrefix(typ, "s3.") || strings.HasPrefix(typ, "manager.") || strings.HasPrefix(typ, "s3manager.")) {
			acl := fi.text(vn)
			if vn.typ() == "call_expression" {
				if args := vn.child("arguments").namedKids(); len(args) == 1 {
					acl = fi.text(args[0])
				}
			}
			acl = strings.Trim(acl, "\"`")
			if i := strings.LastIndex(acl, "."); i >= 0 {
				acl = acl[i+1:]
			}
			op := strings.TrimSuffix(typ[strings.Index(typ, ".")+1:], "Input")
			if op == "Upload" {
				op = "PutObject"
			}
			a.publicACLAt(fi, n, vn, acl, "s3."+op)
		}
		a.noteGoString(fi, k, vn)
		v = join(v, ev)
	}
	r := val{t: v.t, env: env, obj: true}
	switch {
	case goTxSlice(typ):
		r.client = &sdkClient{service: "dynamodb", kind: "txitems", tx: a.goTxItems(fi, n, s, depth)}
	case strings.HasSuffix(typ, ".ExecuteStatementInput") && goKey(fi, n, "Statement") != nil:
		r.client = &sdkClient{service: "dynamodb", kind: "txitems", tx: []txItem{a.goStatement(fi, goKey(fi, n, "Statement"), s, depth)}}
	case v.client != nil && v.client.kind == "txitems" && strings.HasSuffix(typ, "Input"):
		r.client = v.client // a TransactWriteItemsInput holding its items (not any struct that does)
	}
	return r
}

// goImportPath returns the import path a package name stands for in fi.
func (a *analysis) goImportPath(fi *fileInfo, name string) string {
	for _, im := range fi.imports {
		for _, nm := range im.names {
			if nm.local == name {
				return im.module
			}
		}
	}
	return ""
}

// goSDKService returns the IAM prefix of an AWS SDK for Go service
// package path (…/aws-sdk-go-v2/service/dynamodb, …/aws-sdk-go/service/s3,
// …/service/s3/s3iface), or "".
func goSDKService(p string) string {
	for _, pre := range []string{"github.com/aws/aws-sdk-go-v2/service/", "github.com/aws/aws-sdk-go/service/"} {
		if strings.HasPrefix(p, pre) {
			rest := strings.TrimPrefix(p, pre)
			if i := strings.Index(rest, "/"); i >= 0 {
				sub := rest[i+1:]
				if sub != rest[:i]+"iface" && sub != "s3manager" {
					return ""
				}
				rest = rest[:i]
			}
			return sdkService(rest)
		}
	}
	return ""
}

// goTypeClient returns the SDK client a declared type holds
// (*dynamodb.Client, *s3.S3, dynamodbiface.DynamoDBAPI), or nil.
func (a *analysis) goTypeClient(fi *fileInfo, t *node) *sdkClient {
	for t != nil && t.typ() == "pointer_type" {
		t = t.firstNamed()
	}
	if t == nil || t.typ() != "qualified_type" {
		return nil
	}
	pkg := fi.text(t.child("package"))
	name := fi.text(t.child("name"))
	p := a.goImportPath(fi, pkg)
	svc := goSDKService(p)
	if svc == "" {
		return nil
	}
	switch {
	case name == "Client" || strings.HasSuffix(name, "API") || strings.EqualFold(name, pkg):
		return &sdkClient{service: svc, kind: "goclient"}
	case name == "Uploader" && strings.HasSuffix(p, "s3manager"):
		return &sdkClient{service: "s3", kind: "uploader"}
	}
	return nil
}

// goFieldClient returns the SDK client a struct field of fi's package
// named name holds, judged by its declared type.
func (a *analysis) goFieldClient(fi *fileInfo, name string) *sdkClient {
	if fi.x == nil {
		return nil
	}
	if t := fi.x.fields[name]; t != nil {
		return a.goTypeClient(fi, t)
	}
	for _, p := range fi.x.pkgFiles {
		if o := a.sh.files[p]; o != nil && o.x != nil && o.x.fields[name] != nil {
			return a.goTypeClient(o, o.x.fields[name])
		}
	}
	return nil
}

// goCommon are method names too common to be taken for a method of the
// package's own types when the receiver is not known.
var goCommon = setOf("String", "Error", "Close", "Write", "Read", "Get", "Set", "Len", "Run", "Do", "Add", "Del", "Put", "Send",
	"Query", "Exec", "Scan", "Next", "Err", "Bytes", "Unwrap", "Value", "Key", "Load", "Store", "Delete", "Start", "Stop")

// callGo evaluates a Go call.
func (a *analysis) callGo(fi *fileInfo, n *node, s *scope, depth int) val {
	fnode := n.child("function")
	var recv, callee val
	method, q := "", ""
	if fnode != nil {
		switch fnode.typ() {
		case "selector_expression":
			recv = a.eval(fi, fnode.child("operand"), s, depth)
			method = fi.text(fnode.child("field"))
			switch {
			case recv.qual != "" && !strings.HasPrefix(recv.qual, "$"):
				q = recv.qual + "." + method
			case strings.HasPrefix(recv.qual, "$local:"):
				if f := a.localFunc(recv.qual, method); f != nil {
					callee.fn = f
				}
			case recv.client == nil && recv.t == nil && recv.evt == nil && recv.qual == "" && !goCommon[method]:
				callee.fn = a.methodOf(fi, method)
			}
		case "identifier":
			callee = a.eval(fi, fnode, s, depth)
			q = callee.qual
		case "parenthesized_expression", "slice_type", "array_type", "qualified_type", "pointer_type", "map_type", "generic_type":
			q = "$builtin:conversion" // []byte(x), (*T)(x)
		default:
			callee = a.eval(fi, fnode, s, depth)
		}
	}
	defer a.popArgs(a.argMark())
	ar := a.evalArgs(fi, n.child("arguments"), s, depth)
	a.sinksGo(fi, n, q, method, recv, ar)
	a.callerCheck(fi, n, goCheckName(q), method, ar)
	if v, ok := a.sdkGo(fi, n, q, method, recv, ar); ok {
		return v
	}
	pos := fi.pos(n)
	first := ar.at(0)
	switch q {
	case "os.Getenv", "os.LookupEnv":
		if nd := ar.node(0); nd != nil && nd.typ() == "interpreted_string_literal" {
			return val{env: goStr(fi, nd)}
		}
		return val{}
	case "runtime/debug.Stack":
		return val{t: &taint{source: "stack trace", stack: true, steps: oneStep(model.FlowStep{Pos: pos, Note: "source: debug.Stack()"})}}
	case "text/template.New", "html/template.New", "text/template.Must", "html/template.Must":
		return val{qual: "$template"}
	case "$builtin:string", "$builtin:conversion", "$builtin:any":
		return first
	case "$builtin:append":
		v := ar.any()
		return val{t: v.t}
	case "github.com/aws/aws-sdk-go-v2/aws.String", "github.com/aws/aws-sdk-go-v2/aws.ToString", "github.com/aws/aws-sdk-go/aws.String",
		"github.com/aws/aws-sdk-go/aws.StringValue":
		return first
	case "fmt.Sprintf", "fmt.Sprint", "fmt.Sprintln", "fmt.Errorf":
		lead := ""
		if q == "fmt.Sprintf" || q == "fmt.Errorf" {
			lead = first.str
			if i := strings.Index(lead, "%"); i >= 0 {
				lead = lead[:i]
			}
		}
		v := ar.any()
		if v.t != nil {
			return val{t: builtString(v.t, lead, fi, n, "formatted by "+goShort(q)+"()")}
		}
		return val{}
	}
	if strings.HasPrefix(q, "$builtin:") {
		return val{}
	}
	// Decoding into a variable: json.Unmarshal([]byte(req.Body), &in),
	// json.NewDecoder(r).Decode(&in).
	if strings.HasPrefix(method, "Unmarshal") || method == "Decode" {
		src, tgt := first, 1
		if method == "Decode" {
			src, tgt = recv, 0
		}
		if src.t != nil {
			if tn := ar.node(tgt); tn != nil {
				a.bindGo(fi, tn, val{t: src.t.with(model.FlowStep{Pos: pos, Note: "decoded by " + callName(goShort(q), method)})}, s, n, false)
			}
		}
		return val{}
	}
	if goSanitiser(q, method) {
		return val{}
	}
	if callee.fn != nil && depth < maxDepth {
		return a.callLocal(fi, n, callee.fn, ar, recv, depth)
	}
	v := join(recv, ar.any())
	if v.t == nil {
		return val{}
	}
	if goPropagator(q, method) || recv.t != nil && q == "" {
		return val{t: v.t.with(model.FlowStep{Pos: pos, Note: "passed through " + callName(goShort(q), method)})}
	}
	t := v.t.with(model.FlowStep{Pos: pos, Note: "passed through " + callName(goShort(q), method) + " (not followed)"})
	t.unsure = true
	return val{t: t}
}

// goShort shortens an import-path qualified name to the package name:
// "os/exec.Command" → "exec.Command".
func goShort(q string) string {
	if i := strings.LastIndex(q, "/"); i >= 0 {
		return q[i+1:]
	}
	return q
}

// goSanitiser reports whether a Go call's result is clean whatever its
// input.
func goSanitiser(q, method string) bool {
	switch q {
	case "path/filepath.Base", "path.Base", "strconv.Atoi", "strconv.ParseInt", "strconv.ParseUint", "strconv.ParseFloat",
		"strconv.ParseBool", "strconv.Quote", "net/url.QueryEscape", "net/url.PathEscape", "html.EscapeString",
		"html/template.HTMLEscapeString", "github.com/google/uuid.Parse", "github.com/google/uuid.MustParse", "len",
		"regexp.MatchString", "regexp.QuoteMeta", "strings.Contains", "strings.HasPrefix", "strings.HasSuffix", "strings.EqualFold",
		"strings.Count", "strings.Index", "crypto/sha256.Sum256", "crypto/md5.Sum", "unicode/utf8.RuneCountInString":
		return true
	}
	switch method {
	case "MatchString", "Match", "QuoteMeta", "Sum", "Sum256", "EqualFold", "HasPrefix", "HasSuffix", "Contains":
		return true
	}
	return false
}

// goPropagator reports whether a Go call passes its input on.
func goPropagator(q, method string) bool {
	if strings.HasPrefix(q, "strings.") || strings.HasPrefix(q, "bytes.") || strings.HasPrefix(q, "path/filepath.") ||
		strings.HasPrefix(q, "path.") || strings.HasPrefix(q, "net/url.") || strings.HasPrefix(q, "encoding/base64.") ||
		strings.HasPrefix(q, "encoding/hex.") || strings.HasPrefix(q, "io.") || strings.HasPrefix(q, "unicode.") {
		return true
	}
	switch method {
	case "DecodeString", "String", "Bytes", "Get", "Query", "Values", "Encode", "WriteString", "Parse", "ReadAll", "Trim",
		"TrimSpace", "ToLower", "ToUpper", "Join", "Clean":
		return true
	}
	return false
}

// goShells are the programs that run their -c argument as a shell
// command.
var goShells = setOf("sh", "bash", "zsh", "ash", "dash", "ksh", "/bin/sh", "/bin/bash", "/usr/bin/bash", "/usr/bin/sh", "/bin/zsh",
	"/bin/ash", "/bin/dash")

// sinksGo checks a Go call against the sinks.
func (a *analysis) sinksGo(fi *fileInfo, n *node, q, method string, recv val, ar args) {
	lit := func(i int) string {
		nd := ar.node(i)
		if nd == nil || (nd.typ() != "interpreted_string_literal" && nd.typ() != "raw_string_literal") {
			return ""
		}
		return goStr(fi, nd)
	}
	switch q {
	case "os/exec.Command", "os/exec.CommandContext":
		off := 0
		if q == "os/exec.CommandContext" {
			off = 1
		}
		if goShells[lit(off)] && lit(off+1) == "-c" {
			var v val
			for i := off + 2; i < len(ar.pos); i++ {
				v = join(v, ar.at(i))
			}
			a.report(fi, n, model.FlowCommand, v.t, goShort(q)+"("+lit(off)+", -c, …)")
			return
		}
		a.report(fi, n, model.FlowCommand, ar.at(off).t, goShort(q)+"() program name")
		return
	case "syscall.Exec":
		a.report(fi, n, model.FlowCommand, ar.at(0).t, "syscall.Exec()")
		return
	case "net/http.Get", "net/http.Head", "net/http.Post", "net/http.PostForm", "net/http.NewRequest", "net/http.NewRequestWithContext",
		"net/http.DefaultClient.Get", "net/http.DefaultClient.Head", "net/http.DefaultClient.Post", "net/http.DefaultClient.PostForm":
		idx := 0
		switch q {
		case "net/http.NewRequest":
			idx = 1
		case "net/http.NewRequestWithContext":
			idx = 2
		}
		if u := ar.at(idx); u.t != nil && !u.t.safePre {
			a.report(fi, n, model.FlowSSRF, u.t, goShort(q)+"()")
		}
		return
	case "os.Open", "os.OpenFile", "os.ReadFile", "os.WriteFile", "os.Create", "os.Remove", "os.RemoveAll", "os.Mkdir", "os.MkdirAll",
		"os.ReadDir", "os.Truncate", "os.Chmod", "io/ioutil.ReadFile", "io/ioutil.WriteFile", "io/ioutil.ReadDir", "os.DirFS":
		a.report(fi, n, model.FlowPath, ar.at(0).t, goShort(q)+"()")
		return
	case "os.Rename", "os.Symlink", "os.Link":
		a.report(fi, n, model.FlowPath, join(ar.at(0), ar.at(1)).t, goShort(q)+"()")
		return
	case "net/http.ServeFile":
		a.report(fi, n, model.FlowPath, ar.at(2).t, "http.ServeFile()")
		return
	}
	switch {
	case recv.qual == "$httpclient" && (method == "Get" || method == "Head" || method == "Post" || method == "PostForm"):
		if u := ar.at(0); u.t != nil && !u.t.safePre {
			a.report(fi, n, model.FlowSSRF, u.t, "http.Client."+method+"()")
		}
	case (recv.qual == "$template" || strings.HasSuffix(q, "template.New")) && method == "Parse":
		a.report(fi, n, model.FlowTemplate, ar.at(0).t, "template.Parse()")
	case q == "" && recv.client == nil && goSQL[method] > 0:
		idx := goSQL[method] - 1
		if v := ar.at(idx); v.t != nil && v.t.built && !v.obj {
			a.report(fi, n, model.FlowSQL, v.t, "."+method+"() with a query built from the data")
		}
	}
}

// goSQL maps database/sql (and sqlx, gorm) methods to the 1-based index
// of their query argument.
var goSQL = map[string]int{
	"Query": 1, "QueryRow": 1, "Exec": 1, "Prepare": 1, "QueryContext": 2, "QueryRowContext": 2, "ExecContext": 2, "PrepareContext": 2,
	"Queryx": 1, "QueryRowx": 1, "MustExec": 1, "Raw": 1, "NamedExec": 1, "NamedQuery": 1,
}

// sdkGo handles the AWS SDK for Go: clients made by a service package's
// New/NewFromConfig, their operations, paginators and the S3 transfer
// managers.
func (a *analysis) sdkGo(fi *fileInfo, n *node, q, method string, recv val, ar args) (val, bool) {
	envOf := func() string {
		for _, v := range ar.pos {
			if v.env != "" {
				return v.env
			}
		}
		return ""
	}
	if q != "" {
		i := strings.LastIndex(q, ".")
		if i < 0 {
			return val{}, false
		}
		p, member := q[:i], q[i+1:]
		switch {
		case strings.HasSuffix(p, "/feature/s3/manager") || strings.HasSuffix(p, "/service/s3/s3manager"):
			switch {
			case strings.HasPrefix(member, "NewUploader"):
				return val{client: &sdkClient{service: "s3", kind: "uploader"}}, true
			case strings.HasPrefix(member, "NewDownloader"):
				return val{client: &sdkClient{service: "s3", kind: "downloader"}}, true
			}
			return val{}, false
		}
		svc := goSDKService(p)
		if svc == "" {
			return val{}, false
		}
		switch {
		case member == "New" || member == "NewFromConfig" || member == "NewPresignClient":
			return val{client: &sdkClient{service: svc, kind: "goclient"}}, true
		case strings.HasPrefix(member, "New") && strings.HasSuffix(member, "Paginator"):
			if op := sdkOp(svc, strings.TrimPrefix(member, "New")); op != "" {
				a.recordCall(fi, n, svc, op, envOf())
			}
			return val{}, true
		}
		return val{}, false
	}
	c := recv.client
	if c == nil {
		return val{}, false
	}
	switch c.kind {
	case "uploader":
		if strings.HasPrefix(method, "Upload") {
			a.recordCall(fi, n, "s3", "PutObject", envOf())
		}
	case "downloader":
		if strings.HasPrefix(method, "Download") {
			a.recordCall(fi, n, "s3", "GetObject", envOf())
		}
	case "goclient":
		if op := cmp.Or(goTxOp(method), goPartiQLOp(method)); op != "" && c.service == "dynamodb" {
			var items []txItem
			for _, v := range ar.pos {
				if v.client != nil && v.client.kind == "txitems" && items == nil {
					items = v.client.tx
				}
			}
			a.recordTxItems(fi, n, op, items, items != nil)
		} else if op := sdkOp(c.service, method); op != "" {
			a.recordCall(fi, n, c.service, op, envOf())
		}
	}
	return val{}, true
}

// goGuard recognises validation in an if statement's condition:
// allowed[x], x == "lit", x != "a" && x != "b", re.MatchString(x),
// slices.Contains(list, x), and `_, ok := allowed[x]; ok` — negated
// with !.
func (a *analysis) goGuard(fi *fileInfo, init, cond *node) guard {
	for cond != nil && cond.typ() == "parenthesized_expression" {
		cond = cond.firstNamed()
	}
	if cond == nil {
		return guard{}
	}
	switch cond.typ() {
	case "unary_expression":
		if fi.text(cond.child("operator")) == "!" {
			g := a.goGuard(fi, init, cond.child("operand"))
			g.negated = !g.negated
			return g
		}
	case "identifier":
		// _, ok := allowed[x]; if ok
		if init != nil && init.typ() == "short_var_declaration" {
			ls, rs := init.child("left").namedKids(), init.child("right").namedKids()
			if len(ls) == 2 && len(rs) == 1 && fi.text(ls[1]) == fi.text(cond) && rs[0].typ() == "index_expression" {
				if idx := rs[0].child("index"); idx != nil && idx.typ() == "identifier" {
					return guard{name: fi.text(idx)}
				}
			}
		}
	case "index_expression":
		if idx := cond.child("index"); idx != nil && idx.typ() == "identifier" {
			return guard{name: fi.text(idx)}
		}
	case "call_expression":
		fn := fi.text(cond.child("function"))
		args := cond.child("arguments").namedKids()
		if len(args) > 0 && (strings.HasSuffix(fn, ".MatchString") || strings.HasSuffix(fn, ".Match") || fn == "slices.Contains") {
			if last := args[len(args)-1]; last.typ() == "identifier" {
				return guard{name: fi.text(last)}
			}
		}
	case "binary_expression":
		op := fi.text(cond.child("operator"))
		l, r := cond.child("left"), cond.child("right")
		switch op {
		case "==", "!=":
			if l != nil && l.typ() == "identifier" && r != nil && r.typ() == "interpreted_string_literal" {
				return guard{name: fi.text(l), negated: op == "!="}
			}
		case "&&", "||":
			gl, gr := a.goGuard(fi, nil, l), a.goGuard(fi, nil, r)
			if gl.name != "" && gl == gr && gl.negated == (op == "&&") {
				return gl
			}
		}
	}
	return guard{}
}
