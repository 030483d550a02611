package code

import (
	"slices"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// The Java evaluator: statements and expressions of tree-sitter-java,
// the sinks of the JDK and common libraries, and the AWS SDK for Java (v2
// and v1). Imported classes evaluate to their qualified name; classes of
// the project to "$local:FILE".

// stmtJava runs a Java statement (or, at the top of a file, a class
// declaration: its field initialisers, static blocks and constructors
// run once, as when Lambda creates the handler object).
func (a *analysis) stmtJava(fi *fileInfo, n *node, s *scope, depth int, handler bool, ret *val) {
	switch n.typ() {
	case "block", "constructor_body", "static_initializer", "switch_block_statement_group", "switch_rule":
		a.block(fi, n.namedKids(), s, depth, handler, ret)
	case "expression_statement", "throw_statement", "assert_statement", "yield_statement", "explicit_constructor_invocation":
		for k := range n.eachNamed() {
			a.eval(fi, k, s, depth)
		}
	case "local_variable_declaration", "field_declaration", "constant_declaration":
		typ := n.child("type")
		for d := range n.eachNamed() {
			if d.typ() != "variable_declarator" {
				continue
			}
			name := fi.text(d.child("name"))
			var v val
			if vn := d.child("value"); vn != nil {
				v = a.eval(fi, vn, s, depth)
				a.noteJavaString(fi, name, vn)
			} else if c := javaTypeClient(fi, typ); c != nil {
				v.client = c
			}
			if v.t != nil {
				v.t = v.t.with(model.FlowStep{Pos: fi.pos(d), Note: "assigned to " + name})
			}
			if v.qual == "" && v.t == nil && v.client == nil && v.evt == nil {
				if q := a.javaClassRef(fi, strings.Split(fi.text(typ), "<")[0]); strings.HasPrefix(q.qual, "$local:") {
					v.qual = q.qual // an object of a class of the project
				} else if t := a.javaTableOf(fi, fi.text(typ)); t != "" {
					v.qual = "$ddbitem:" + t // a DynamoDBMapper item of a nested class
				}
			}
			setVar(s, name, v, true)
		}
	case "return_statement":
		a.returnStmt(fi, n, s, depth, handler, ret)
	case "if_statement":
		cond := n.child("condition")
		a.eval(fi, cond, s, depth)
		g := a.javaGuard(fi, cond)
		cons := n.child("consequence")
		if g.name != "" && !g.negated {
			a.body(fi, cons, &scope{vars: map[string]val{g.name: {}}, parent: s}, depth, handler, ret)
		} else {
			a.body(fi, cons, s, depth, handler, ret)
		}
		if g.name != "" && g.negated && exits(cons) {
			setVar(s, g.name, val{}, false)
		}
		a.body(fi, n.child("alternative"), s, depth, handler, ret)
	case "enhanced_for_statement":
		ev := a.elem(fi, a.eval(fi, n.child("value"), s, depth), n)
		for pass := 0; pass < 2; pass++ {
			v := ev
			if v.t != nil {
				v.t = v.t.with(model.FlowStep{Pos: fi.pos(n), Note: "assigned to " + fi.text(n.child("name"))})
			}
			setVar(s, fi.text(n.child("name")), v, true)
			a.body(fi, n.child("body"), s, depth, handler, ret)
		}
	case "for_statement", "while_statement", "do_statement":
		for k := range n.eachNamed() {
			if k.field() != "body" {
				if strings.HasSuffix(k.typ(), "declaration") {
					a.stmt(fi, k, s, depth, handler, ret)
				} else {
					a.eval(fi, k, s, depth)
				}
			}
		}
		for pass := 0; pass < 2; pass++ {
			a.body(fi, n.child("body"), s, depth, handler, ret)
		}
	case "try_statement", "try_with_resources_statement":
		for k := range n.eachNamed() {
			switch k.typ() {
			case "resource_specification":
				for r := range k.eachNamed() {
					if r.typ() == "resource" && r.child("value") != nil {
						setVar(s, fi.text(r.child("name")), a.eval(fi, r.child("value"), s, depth), true)
					}
				}
			case "block":
				a.body(fi, k, s, depth, handler, ret)
			case "catch_clause":
				if p := firstOfType(k, "catch_formal_parameter"); p != nil {
					s.vars[fi.text(p.child("name"))] = val{exc: true}
				}
				a.body(fi, k.child("body"), s, depth, handler, ret)
			case "finally_clause":
				for b := range k.eachNamed() {
					a.body(fi, b, s, depth, handler, ret)
				}
			}
		}
	case "switch_expression", "switch_statement":
		a.eval(fi, n.child("condition"), s, depth)
		for g := range n.child("body").eachNamed() {
			for k := range g.eachNamed() {
				if k.typ() == "switch_label" {
					continue
				}
				a.stmt(fi, k, s, depth, handler, ret)
			}
		}
	case "synchronized_statement", "labeled_statement":
		for k := range n.eachNamed() {
			if k.typ() == "block" || strings.HasSuffix(k.typ(), "statement") {
				a.stmt(fi, k, s, depth, handler, ret)
			}
		}
	case "class_declaration", "record_declaration", "enum_declaration":
		if s.parent != nil {
			return // a local class: its methods run when called
		}
		for m := range n.child("body").eachNamed() {
			switch m.typ() {
			case "field_declaration", "static_initializer", "class_declaration", "record_declaration", "enum_declaration":
				a.stmt(fi, m, s, depth, false, ret)
			case "constructor_declaration":
				var r val
				a.body(fi, m.child("body"), &scope{vars: map[string]val{}, parent: s}, depth, false, &r)
			}
		}
	case "package_declaration", "import_declaration", "method_declaration", "interface_declaration", "annotation_type_declaration",
		"line_comment", "block_comment", "break_statement", "continue_statement", ";", "local_class_declaration":
	default:
		for k := range n.eachNamed() {
			if strings.HasSuffix(k.typ(), "statement") || k.typ() == "block" {
				a.stmt(fi, k, s, depth, handler, ret)
			} else {
				a.eval(fi, k, s, depth)
			}
		}
	}
}

// noteJavaString records a string literal assigned to a name.
func (a *analysis) noteJavaString(fi *fileInfo, name string, v *node) {
	if v != nil && v.typ() == "string_literal" {
		a.noteLiteral(fi, name, v, javaStr(fi, v))
	}
}

// javaStr returns the content of a Java string literal or text block.
func javaStr(fi *fileInfo, n *node) string {
	t := fi.text(n)
	if strings.HasPrefix(t, `"""`) && strings.HasSuffix(t, `"""`) && len(t) >= 6 {
		return t[3 : len(t)-3]
	}
	return unquote(t)
}

// javaLang are the java.lang classes handlers use without an import.
var javaLang = setOf("System", "Runtime", "ProcessBuilder", "String", "Integer", "Long", "Double", "Float", "Boolean", "Math",
	"Thread", "StringBuilder", "Object", "Class", "Character", "Short", "Byte")

// javaClassRef returns the value of a class name: an imported class's
// qualified name, a class of the project ("$local:FILE"), a java.lang
// class, or the name itself.
func (a *analysis) javaClassRef(fi *fileInfo, name string) val {
	if name == "" || name[0] < 'A' || name[0] > 'Z' {
		return val{}
	}
	if fi.x != nil {
		for _, p := range fi.x.pkgFiles {
			if o := a.sh.files[p]; o != nil && o.x != nil && o.x.class == name {
				return val{qual: "$local:" + p}
			}
		}
	}
	for _, im := range fi.imports {
		if im.local != "" && im.module == "." {
			if o := a.sh.files[im.local]; o != nil && o.x != nil && o.x.class == name {
				return val{qual: "$local:" + im.local}
			}
		}
	}
	if fi.x != nil && fi.x.class == name {
		return val{qual: "$local:" + fi.path}
	}
	for _, im := range fi.imports {
		for _, nm := range im.names {
			if nm.local == name && nm.member == "" {
				return val{qual: nm.qual}
			}
		}
	}
	if javaLang[name] {
		return val{qual: "java.lang." + name}
	}
	return val{qual: name}
}

// evalJava evaluates a Java expression.
func (a *analysis) evalJava(fi *fileInfo, n *node, s *scope, depth int) (val, bool) {
	switch n.typ() {
	case "identifier":
		name := fi.text(n)
		if v, ok := s.get(name); ok {
			return v, true
		}
		return a.javaClassRef(fi, name), true
	case "type_identifier", "scoped_type_identifier", "generic_type":
		return a.javaClassRef(fi, strings.Split(fi.text(n), "<")[0]), true
	case "scoped_identifier":
		return val{qual: fi.text(n)}, true
	case "this", "super", "null_literal", "true", "false", "decimal_integer_literal", "hex_integer_literal", "octal_integer_literal",
		"binary_integer_literal", "decimal_floating_point_literal", "hex_floating_point_literal", "character_literal", "class_literal",
		"line_comment", "block_comment", "integral_type", "floating_point_type", "boolean_type", "void_type", "array_type":
		return val{}, true
	case "string_literal":
		for k := range n.eachNamed() {
			if k.typ() == "string_interpolation" { // STR."…\{x}…"
				return a.eval(fi, k, s, depth), true
			}
		}
		return val{str: javaStr(fi, n), isStr: true}, true
	case "field_access":
		obj := n.child("object")
		field := fi.text(n.child("field"))
		if obj != nil && (obj.typ() == "this" || obj.typ() == "super") {
			v, _ := s.get(field)
			return v, true
		}
		if q := fi.text(n); javaQualifiedClass(q) {
			if _, ok := s.get(q[:strings.IndexByte(q, '.')]); !ok {
				return val{qual: q}, true // com.samskivert.mustache.Mustache
			}
		}
		ov := a.eval(fi, obj, s, depth)
		switch {
		case ov.evt != nil || ov.t != nil:
			return a.extendField(ov, field, fi, n), true
		case ov.client != nil:
			return val{client: ov.client}, true
		case ov.qual != "" && !strings.HasPrefix(ov.qual, "$"):
			return val{qual: ov.qual + "." + field}, true
		}
		return val{}, true
	case "method_invocation":
		return a.callJava(fi, n, s, depth), true
	case "object_creation_expression":
		return a.newJava(fi, n, s, depth), true
	case "array_access":
		ov := a.eval(fi, n.child("array"), s, depth)
		a.eval(fi, n.child("index"), s, depth)
		if ov.evt != nil {
			return a.extend(ov, "*", fi, n), true
		}
		return val{t: ov.t}, true
	case "cast_expression":
		return a.eval(fi, n.child("value"), s, depth), true
	case "lambda_expression":
		return val{fn: &fnRef{file: fi, n: n}}, true
	case "array_creation_expression", "array_initializer":
		var v val
		for k := range n.eachNamed() {
			v = join(v, a.eval(fi, k, s, depth))
		}
		return val{t: v.t}, true
	case "assignment_expression":
		left, right := n.child("left"), n.child("right")
		v := a.eval(fi, right, s, depth)
		if op := fi.text(n.child("operator")); op != "=" {
			v = join(a.eval(fi, left, s, depth), v)
			if v.t != nil {
				v = val{t: builtString(v.t, "", fi, n, "appended")}
			}
		}
		a.noteJavaString(fi, fi.text(left), right)
		a.bindJava(fi, left, v, s, n)
		return v, true
	case "update_expression", "unary_expression", "instanceof_expression", "method_reference":
		for k := range n.eachNamed() {
			a.eval(fi, k, s, depth)
		}
		return val{}, true
	}
	return val{}, false
}

// javaQualifiedClass reports whether q is a class named with its package
// (lower-case names, then a capitalised one: org.example.Util).
func javaQualifiedClass(q string) bool {
	parts := strings.Split(q, ".")
	if len(parts) < 3 {
		return false
	}
	for i, p := range parts {
		if !javaIdent(p) || (p[0] >= 'A' && p[0] <= 'Z') != (i == len(parts)-1) {
			return false
		}
	}
	return true
}

// bindJava assigns v to a Java target: a variable, a field (this.x), an
// element (which taints the array or map).
func (a *analysis) bindJava(fi *fileInfo, target *node, v val, s *scope, at *node) {
	if target == nil {
		return
	}
	name := ""
	switch target.typ() {
	case "identifier":
		name = fi.text(target)
	case "field_access":
		if o := target.child("object"); o != nil && o.typ() == "this" {
			name = fi.text(target.child("field"))
		} else if o != nil && o.typ() == "identifier" && v.t != nil {
			old, _ := s.get(fi.text(o))
			setVar(s, fi.text(o), join(old, val{t: v.t}), false)
			return
		}
	case "array_access":
		if o := target.child("array"); o != nil && o.typ() == "identifier" && v.t != nil {
			old, _ := s.get(fi.text(o))
			setVar(s, fi.text(o), join(old, val{t: v.t}), false)
		}
		return
	}
	if name == "" {
		return
	}
	if v.t != nil {
		v.t = v.t.with(model.FlowStep{Pos: fi.pos(at), Note: "assigned to " + name})
	}
	setVar(s, name, v, false)
}

// javaSimple returns the simple class name of a qualified name.
func javaSimple(q string) string {
	return q[strings.LastIndex(q, ".")+1:]
}

// callJava evaluates a method invocation.
func (a *analysis) callJava(fi *fileInfo, n *node, s *scope, depth int) val {
	obj := n.child("object")
	method := fi.text(n.child("name"))
	var recv, callee val
	q := ""
	switch {
	case obj == nil:
		if v, ok := s.get(method); ok && v.fn != nil {
			callee = v
		} else if ok && v.qual != "" {
			q = v.qual // a static import
		} else if fn := fi.funcs[method]; fn != nil {
			callee.fn = &fnRef{file: fi, n: fn}
		}
	case obj.typ() == "this" || obj.typ() == "super":
		if fn := fi.funcs[method]; fn != nil {
			callee.fn = &fnRef{file: fi, n: fn}
		}
	default:
		recv = a.eval(fi, obj, s, depth)
		switch {
		case strings.HasPrefix(recv.qual, "$local:"):
			callee.fn = a.localFunc(recv.qual, method)
		case recv.qual != "" && !strings.HasPrefix(recv.qual, "$"):
			q = recv.qual + "." + method
		}
	}
	defer a.popArgs(a.argMark())
	ar := a.evalArgs(fi, n.child("arguments"), s, depth)
	pos := fi.pos(n)
	a.sinksJava(fi, n, s, q, method, recv, ar)
	a.callerCheck(fi, n, javaCheckName(q, method), method, ar)
	if v, ok := a.sdkJava(fi, n, q, method, recv, ar, s, depth); ok {
		return v
	}
	first := ar.at(0)
	cls, simple := "", ""
	if q != "" {
		cls = javaSimple(strings.TrimSuffix(q, "."+method))
		simple = cls + "." + method
	}
	switch {
	case cls == "System" && (method == "getenv" || method == "getProperty"):
		if nd := ar.node(0); nd != nil && nd.typ() == "string_literal" {
			return val{env: javaStr(fi, nd)}
		}
		return val{}
	case q == "java.lang.Runtime.getRuntime":
		return val{qual: "$runtime"}
	case q == "com.samskivert.mustache.Mustache.compiler":
		return val{qual: "$jmustache"}
	case strings.HasPrefix(recv.qual, "$pebble") && method == "loader":
		if strings.Contains(fi.text(ar.node(0)), "StringLoader") {
			return val{qual: "$pebble-str"} // template names are the templates
		}
		return val{qual: "$pebble"}
	case method == "getEngineByName" || method == "getEngineByExtension" || method == "getEngineByMimeType":
		return val{qual: "$script"}
	case cls == "HttpRequest" && method == "newBuilder":
		if u := first; u.t != nil && !u.t.safePre {
			a.report(fi, n, model.FlowSSRF, u.t, "HttpRequest.newBuilder()")
		}
		return val{qual: "$httpreq"}
	case cls == "ExceptionUtils" && strings.Contains(method, "StackTrace"), cls == "Throwables" && method == "getStackTraceAsString",
		recv.exc && method == "getStackTrace":
		return val{t: &taint{source: "exception stack trace", stack: true, steps: oneStep(model.FlowStep{Pos: pos, Note: "source: " + callName(simple, method)})}}
	case recv.exc && method == "printStackTrace" && len(ar.pos) == 1:
		// e.printStackTrace(new PrintWriter(sw)): the trace is in sw.
		t := &taint{source: "exception stack trace", stack: true, steps: oneStep(model.FlowStep{Pos: pos, Note: "source: printStackTrace()"})}
		if first.qual == "$response" { // printed to a stream handler's output
			a.checkResponse(fi, n, val{t: t})
			return val{}
		}
		for _, name := range []string{fi.text(ar.node(0)), strings.TrimPrefix(first.qual, "$wrap:")} {
			if javaIdent(name) {
				setVar(s, name, val{t: t}, false)
			}
		}
		return val{}
	case cls == "String" && (method == "format" || method == "join" || method == "valueOf" || method == "copyValueOf"):
		v := ar.any()
		if v.t == nil {
			return val{}
		}
		lead := ""
		if method == "format" {
			lead = first.str
			if i := strings.Index(lead, "%"); i >= 0 {
				lead = lead[:i]
			}
		}
		return val{t: builtString(v.t, lead, fi, n, "formatted by String."+method+"()")}
	case javaSanitiser(cls, method):
		return val{}
	}
	// Event fields: input.getQueryStringParameters().get("name"),
	// event.getRecords().get(0).getS3().getObject().getKey(), and the
	// fields of the JSON a stream handler reads: root.get("body"),
	// json.getJSONObject("queryStringParameters").getString("q").
	if recv.evt != nil {
		switch {
		case javaJSONKeys[method] && len(ar.pos) > 0:
			key := "*"
			if nd := ar.node(0); nd != nil && nd.typ() == "string_literal" {
				key = javaStr(fi, nd)
			}
			if method == "at" && strings.HasPrefix(key, "/") { // a JSON pointer
				v := recv
				for _, k := range strings.Split(key[1:], "/") {
					if v = a.extend(v, k, fi, n); v.evt == nil {
						break
					}
				}
				return v
			}
			return a.extend(recv, key, fi, n)
		case javaEventText[method] || javaJSONKeys[method]: // getAsJsonObject(): a conversion
			return rawStep(recv, pos, "passed through "+callName(simple, method))
		case strings.HasPrefix(method, "get") && len(method) > 3:
			return a.extendField(recv, method[3:], fi, n)
		case method == "stream" || method == "iterator" || method == "values":
			return recv
		}
		return val{}
	}
	// Setters and builders on a variable taint it: sb.append(x),
	// response.setBody(x), headers.put("k", x).
	if obj != nil && obj.typ() == "identifier" && javaMutator(method) {
		if v := ar.any(); v.t != nil {
			name := fi.text(obj)
			t := v.t.with(model.FlowStep{Pos: pos, Note: "passed to " + name + "." + method + "()"})
			if method == "append" || method == "insert" {
				t = builtString(v.t, "", fi, n, "appended")
			}
			if r := ar.raw(); r.raw && recv.t == nil {
				// The event's text copied into a buffer: still the event.
				setVar(s, name, rawStep(r, pos, "passed to "+name+"."+method+"()"), false)
			} else {
				setVar(s, name, join(recv, val{t: t}), false)
			}
		}
	}
	// Callbacks: records.forEach(r -> …), list.stream().map(x -> …).
	for i, av := range ar.pos {
		if av.fn == nil || depth >= maxDepth || av.fn.n.typ() != "lambda_expression" {
			continue
		}
		el := a.elem(fi, recv, n)
		inner := &scope{vars: map[string]val{}, parent: s}
		if ps := compiledParams(av.fn.file, av.fn.n); len(ps) > 0 {
			inner.vars[ps[0]] = el
		}
		r := a.runFunc(av.fn.file, av.fn.n, inner, depth+1, false)
		if i == 0 && (method == "map" || method == "flatMap" || method == "filter") {
			return val{t: join(el, r).t}
		}
	}
	if callee.fn != nil && depth < maxDepth {
		return a.callLocal(fi, n, callee.fn, ar, recv, depth)
	}
	if r := ar.raw(); r.raw && javaPropagator(cls, method) {
		// The event's JSON parsed: mapper.readTree(input),
		// IOUtils.toString(input, UTF_8), gson.fromJson(reader, Map.class).
		return rawStep(r, pos, "passed through "+callName(simple, method))
	}
	v := join(recv, ar.any())
	if v.t == nil {
		if recv.qual == "$httpreq" || recv.qual == "$okreq" || recv.qual == "$ddbquery" || recv.qual == "$jmustache" && method != "compile" ||
			strings.HasPrefix(recv.qual, "$pebble") && !strings.HasSuffix(method, "Template") {
			return recv // builder chains
		}
		return val{}
	}
	if javaPropagator(cls, method) || recv.t != nil && javaStringMethod(method) {
		return val{t: v.t.with(model.FlowStep{Pos: pos, Note: "passed through " + callName(simple, method)})}
	}
	t := v.t.with(model.FlowStep{Pos: pos, Note: "passed through " + callName(simple, method) + " (not followed)"})
	t.unsure = true
	return val{t: t}
}

func javaIdent(s string) bool {
	if s == "" || !identStart(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !identByte(s[i]) {
			return false
		}
	}
	return true
}

// javaMutator reports whether a method stores its arguments in its
// receiver.
func javaMutator(m string) bool {
	if m == "append" || m == "insert" || m == "put" || m == "putAll" || m == "add" || m == "addAll" || m == "write" || m == "print" || m == "println" {
		return true
	}
	return len(m) > 3 && strings.HasPrefix(m, "set") && m[3] >= 'A' && m[3] <= 'Z'
}

// javaSanitiser reports whether a Java call's result is clean whatever
// its input.
func javaSanitiser(cls, method string) bool {
	switch cls + "." + method {
	case "Integer.parseInt", "Integer.valueOf", "Long.parseLong", "Long.valueOf", "Double.parseDouble", "Boolean.parseBoolean",
		"UUID.fromString", "FilenameUtils.getName", "FilenameUtils.getBaseName", "URLEncoder.encode", "StringEscapeUtils.escapeHtml4",
		"StringEscapeUtils.escapeJava", "HtmlUtils.htmlEscape", "Encode.forHtml", "Pattern.matches", "Objects.equals", "Objects.hash":
		return true
	}
	switch method {
	case "getFileName", "matches", "equals", "equalsIgnoreCase", "contains", "startsWith", "endsWith", "isEmpty", "isBlank", "length",
		"size", "hashCode", "compareTo", "indexOf", "containsKey", "containsValue":
		return true
	}
	return false
}

// javaStringMethod reports whether a method of a tainted value passes the
// taint on (strings, collections, optionals, builders).
func javaStringMethod(m string) bool {
	switch m {
	case "trim", "strip", "toLowerCase", "toUpperCase", "substring", "replace", "replaceAll", "replaceFirst", "split", "toString",
		"get", "getOrDefault", "values", "keySet", "entrySet", "stream", "collect", "map", "join", "getBytes", "concat", "orElse",
		"orElseGet", "orElseThrow", "getValue", "getKey", "iterator", "next", "toArray", "asText", "textValue", "path", "build",
		"body", "decode", "readLine", "lines", "readAllBytes", "toURI", "toURL", "resolve", "normalize", "toAbsolutePath", "toPath",
		"getPath", "getQuery", "getHost", "intern", "formatted", "chars", "first", "findFirst", "getString":
		return true
	}
	return strings.HasPrefix(m, "with") || strings.HasPrefix(m, "get")
}

// javaPropagator reports whether a static call passes its input on.
func javaPropagator(cls, method string) bool {
	switch cls + "." + method {
	case "URLDecoder.decode", "Paths.get", "Path.of", "URI.create", "Objects.requireNonNull", "Optional.of", "Optional.ofNullable",
		"Arrays.asList", "List.of", "Arrays.toString", "Collections.singletonList", "Map.of", "Base64.getDecoder", "IOUtils.toString",
		"StringUtils.trim", "StringUtils.lowerCase", "StringUtils.join", "Jsoup.parse":
		return true
	}
	return method == "decode" || method == "readTree" || method == "readValue" || method == "fromJson" || method == "parse" ||
		method == "parseReader" || method == "parseString" || method == "toString" && (cls == "IOUtils" || cls == "CharStreams") ||
		method == "toByteArray" && (cls == "IOUtils" || cls == "ByteStreams") || cls == "StreamUtils" && method == "copyToString"
}

// javaJSONKeys are the methods that read a field of a map or JSON tree
// by key (Jackson JsonNode, org.json JSONObject, Gson JsonObject).
var javaJSONKeys = setOf("get", "getOrDefault", "path", "at", "findValue", "required", "opt", "getString", "optString",
	"getJSONObject", "optJSONObject", "getJSONArray", "optJSONArray", "getAsJsonObject", "getAsJsonArray", "getAsJsonPrimitive")

// javaEventText are the methods that return the event's text or JSON
// tree when called on it or on a reader over it (a stream handler's input
// read whole, a JsonNode converted).
var javaEventText = setOf("readAllBytes", "readNBytes", "readLine", "lines", "collect", "toString", "getBytes", "next", "nextLine",
	"useDelimiter", "trim", "strip", "asText", "textValue", "getAsString", "toPrettyString", "elements", "deepCopy", "intern")

// rawStep passes v on with a step: the event's text stays the event's
// (raw, with its root), a part of the event stays that part, other data
// keeps its taint only.
func rawStep(v val, pos model.Pos, note string) val {
	return val{t: v.t.with(model.FlowStep{Pos: pos, Note: note}), evt: v.evt, raw: v.raw}
}

// javaStreamParam reports whether a Java handler's event parameter pi is
// an InputStream (a RequestStreamHandler's input).
func javaStreamParam(fi *fileInfo, h *node, pi int) bool {
	_, ts := compiledSignature(fi, h)
	if pi >= len(ts) || ts[pi] == nil {
		return false
	}
	t := fi.text(ts[pi])
	return t == "InputStream" || t == "java.io.InputStream"
}

// javaOutputParam returns the index of a RequestStreamHandler's
// OutputStream parameter, or -1.
func javaOutputParam(fi *fileInfo, h *node) int {
	_, ts := compiledSignature(fi, h)
	for i, t := range ts {
		if t != nil && (fi.text(t) == "OutputStream" || fi.text(t) == "java.io.OutputStream") {
			return i
		}
	}
	return -1
}

// javaWriteMethods are the methods of streams and writers that write
// their arguments.
var javaWriteMethods = setOf("write", "print", "println", "printf", "format", "append", "writeBytes", "writeUTF", "writeChars")

// javaStreamEvent returns the value of a RequestStreamHandler's input
// stream: the event's JSON. Read whole it is data an outsider controls
// when one of the function's triggers delivers such data (not for a
// schedule); the fields a JSON parser reads from it are the event's
// fields, tainted as the getters of the event classes are.
func (a *analysis) javaStreamEvent(fi *fileInfo, h *node) val {
	v := val{evt: []string{}, raw: true}
	for _, tc := range a.triggers {
		if !triggerCarriesData(tc.kind) {
			continue
		}
		src := "event JSON (" + a.root + ")"
		v.t = &taint{source: src, trigger: tc.name, steps: oneStep(model.FlowStep{Pos: fi.pos(h), Note: "source: " + src})}
		break
	}
	return v
}

// triggerCarriesData reports whether the source rules give a trigger
// kind's events any field an outsider controls.
func triggerCarriesData(kind string) bool {
	for _, r := range sourceRules {
		if r.kind == kind {
			return true
		}
	}
	return false
}

// newJava evaluates `new T(…)`.
func (a *analysis) newJava(fi *fileInfo, n *node, s *scope, depth int) val {
	typ := strings.Split(fi.text(n.child("type")), "<")[0]
	simple := javaSimple(typ)
	tv := a.javaClassRef(fi, typ)
	defer a.popArgs(a.argMark())
	ar := a.evalArgs(fi, n.child("arguments"), s, depth)
	first := ar.at(0)
	pos := fi.pos(n)
	if strings.HasPrefix(tv.qual, "$local:") {
		return val{qual: tv.qual}
	}
	with := func(v val, note string) val {
		if v.t == nil && !v.raw {
			return val{}
		}
		return rawStep(v, pos, note)
	}
	switch simple {
	case "PrintWriter", "PrintStream", "OutputStreamWriter", "BufferedWriter", "BufferedOutputStream", "DataOutputStream", "GZIPOutputStream":
		if first.qual == "$response" {
			return first // a writer over a stream handler's output
		}
		if simple != "PrintWriter" && simple != "PrintStream" {
			break
		}
		fallthrough
	case "File", "FileInputStream", "FileOutputStream", "FileReader", "FileWriter", "RandomAccessFile":
		if (simple == "PrintWriter" || simple == "PrintStream") && ar.node(0) != nil && ar.node(0).typ() != "string_literal" && !first.isStr && first.t == nil {
			return val{qual: "$wrap:" + fi.text(ar.node(0))} // a writer over sw, for printStackTrace
		}
		a.report(fi, n, model.FlowPath, join(first, ar.at(1)).t, "new "+simple+"()")
		return val{}
	case "ObjectInputStream":
		v := with(first, "read by new ObjectInputStream()")
		v.qual = "$ois"
		return v
	case "XMLDecoder":
		v := with(first, "read by new XMLDecoder()")
		v.qual = "$xmldecoder"
		return v
	case "Yaml":
		for _, nd := range ar.nodes {
			if strings.Contains(fi.text(nd), "SafeConstructor") {
				return val{qual: "$yaml-safe"}
			}
		}
		return val{qual: "$yaml"}
	case "GroovyShell":
		return val{qual: "$groovy"}
	case "DynamoDBQueryExpression":
		return val{qual: "$ddbquery"}
	case "SpelExpressionParser":
		return val{qual: "$spel"}
	case "ProcessBuilder":
		a.javaCommand(fi, n, s, ar, "new ProcessBuilder()")
		return val{qual: "$processbuilder"}
	case "HttpGet", "HttpPost", "HttpPut", "HttpDelete", "HttpHead", "HttpPatch":
		if first.t != nil && !first.t.safePre {
			a.report(fi, n, model.FlowSSRF, first.t, "new "+simple+"()")
		}
		return val{}
	case "Template":
		if strings.Contains(typ, "freemarker") || strings.Contains(tv.qual, "freemarker") {
			a.report(fi, n, model.FlowTemplate, ar.at(1).t, "new freemarker.template.Template()")
		}
		return val{}
	case "TemplateEngine", "SpringTemplateEngine", "DefaultMustacheFactory", "Handlebars", "StringTemplateLoader":
		if e := javaTemplateEngines[simple]; strings.Contains(tv.qual, e.pkg) {
			return val{qual: e.tag}
		}
	case "Builder":
		if strings.HasSuffix(typ, "Request.Builder") {
			return val{qual: "$okreq"}
		}
		if strings.HasSuffix(typ, "PebbleEngine.Builder") {
			return val{qual: "$pebble"}
		}
	case "URL", "URI", "String", "StringBuilder", "StringBuffer", "ByteArrayInputStream", "StringReader", "InputStreamReader",
		"BufferedReader", "JSONObject", "JSONArray", "Scanner", "JSONTokener", "BufferedInputStream", "JsonReader":
		v := with(first, "new "+simple+"()")
		if v.t != nil && (simple == "URL" || simple == "URI") {
			v.t.safePre = first.t.safePre
		}
		return v
	}
	if c := a.javaSDKNew(fi, n, typ, ar); c != nil {
		return val{client: c}
	}
	if v := ar.any(); v.t != nil {
		t := v.t.with(model.FlowStep{Pos: pos, Note: "passed to new " + simple + "() (not followed)"})
		t.unsure = true
		return val{t: t}
	}
	return val{}
}

// javaElems returns the elements a call's arguments stand for and their
// values: the elements of one array (new String[]{…}), List.of or
// Arrays.asList, else the arguments.
func (a *analysis) javaElems(fi *fileInfo, ar args, s *scope) ([]*node, []val) {
	var els []*node
	if len(ar.nodes) == 1 {
		nd := ar.nodes[0]
		switch {
		case nd.typ() == "array_creation_expression":
			if init := nd.child("value"); init != nil {
				els = init.namedKids()
			}
		case nd.typ() == "method_invocation" && (fi.text(nd.child("name")) == "asList" || fi.text(nd.child("name")) == "of"):
			els = nd.child("arguments").namedKids()
		}
	}
	if els == nil {
		return ar.nodes, ar.pos
	}
	vals := make([]val, 0, len(els))
	for _, e := range els {
		vals = append(vals, a.eval(fi, e, s, maxDepth))
	}
	return els, vals
}

// javaCommand reports a command built from the data: a shell run with
// -c (sh -c CMD, bash -c, cmd /c), or a program name from the data.
func (a *analysis) javaCommand(fi *fileInfo, n *node, s *scope, ar args, sink string) {
	els, vals := a.javaElems(fi, ar, s)
	lit := func(i int) string {
		if i < len(els) && els[i].typ() == "string_literal" {
			return javaStr(fi, els[i])
		}
		return ""
	}
	if len(els) >= 3 && (goShells[lit(0)] && lit(1) == "-c" || strings.EqualFold(lit(0), "cmd") && strings.EqualFold(lit(1), "/c") ||
		strings.HasSuffix(strings.ToLower(lit(0)), "cmd.exe") && strings.EqualFold(lit(1), "/c")) {
		var v val
		for _, x := range vals[2:] {
			v = join(v, x)
		}
		a.report(fi, n, model.FlowCommand, v.t, sink+" with "+lit(0)+" "+lit(1))
		return
	}
	if len(vals) > 0 && vals[0].t != nil && els[0].typ() != "string_literal" {
		if els[0].typ() == "binary_expression" && leftmostLiteral(fi, els[0]) {
			return // "convert " + file: arguments, no shell
		}
		a.report(fi, n, model.FlowCommand, vals[0].t, sink+" program name")
	}
}

// leftmostLiteral reports whether a concatenation starts with a string
// literal that is not a shell invocation ("sh -c …").
func leftmostLiteral(fi *fileInfo, n *node) bool {
	for n != nil && n.typ() == "binary_expression" {
		n = n.child("left")
	}
	if n == nil || n.typ() != "string_literal" {
		return false
	}
	f := strings.Fields(javaStr(fi, n))
	return !(len(f) >= 2 && goShells[f[0]] && f[1] == "-c")
}

// sinksJava checks a Java method invocation against the sinks.
func (a *analysis) sinksJava(fi *fileInfo, n *node, s *scope, q, method string, recv val, ar args) {
	first := ar.at(0)
	cls := ""
	if q != "" {
		cls = javaSimple(strings.TrimSuffix(q, "."+method))
	}
	switch {
	case recv.qual == "$runtime" && method == "exec":
		if nd := ar.node(0); nd != nil && nd.typ() == "binary_expression" && !leftmostLiteral(fi, nd) && first.t != nil {
			if l := nd; l != nil {
				for l.typ() == "binary_expression" {
					l = l.child("left")
				}
				if l.typ() == "string_literal" { // "sh -c " + cmd
					a.report(fi, n, model.FlowCommand, first.t, "Runtime.exec() with a shell")
					return
				}
			}
		}
		a.javaCommand(fi, n, s, ar, "Runtime.exec()")
	case recv.qual == "$processbuilder" && method == "command":
		a.javaCommand(fi, n, s, ar, "ProcessBuilder.command()")
	case (recv.qual == "$ois" || recv.qual == "$xmldecoder") && (method == "readObject" || method == "readUnshared"):
		what := "ObjectInputStream.readObject()"
		if recv.qual == "$xmldecoder" {
			what = "XMLDecoder.readObject()"
		}
		a.report(fi, n, model.FlowDeserialize, recv.t, what)
	case recv.qual == "$yaml" && (method == "load" || method == "loadAs" || method == "loadAll"):
		a.report(fi, n, model.FlowDeserialize, first.t, "SnakeYAML Yaml."+method+"() without SafeConstructor")
	case recv.qual == "$script" && method == "eval", recv.qual == "$groovy" && (method == "evaluate" || method == "parse" || method == "run"),
		recv.qual == "$spel" && method == "parseExpression":
		a.report(fi, n, model.FlowEval, first.t, map[string]string{"$script": "ScriptEngine.eval()", "$groovy": "GroovyShell." + method + "()", "$spel": "SpEL parseExpression()"}[recv.qual])
	case recv.t != nil && (method == "openConnection" || method == "openStream"):
		if !recv.t.safePre {
			a.report(fi, n, model.FlowSSRF, recv.t, "URL."+method+"()")
		}
	case (recv.qual == "$httpreq" && method == "uri") || (recv.qual == "$okreq" && method == "url") || cls == "Jsoup" && method == "connect" ||
		recv.client == nil && q == "" && javaRestMethods[method]:
		if first.t != nil && !first.t.safePre {
			a.report(fi, n, model.FlowSSRF, first.t, callName(cls, method))
		}
	case cls == "Files" && javaFilesMethods[method]:
		v := first
		if method == "copy" || method == "move" {
			v = join(first, ar.at(1))
		}
		a.report(fi, n, model.FlowPath, v.t, "Files."+method+"()")
	case (cls == "Velocity" || method == "evaluate" && len(ar.pos) == 4) && method == "evaluate":
		a.report(fi, n, model.FlowTemplate, ar.at(3).t, "Velocity.evaluate()")
	case recv.qual == "$response" && javaWriteMethods[method]:
		a.checkResponse(fi, n, ar.any())
	case method == "writeValue" && first.qual == "$response", cls == "IOUtils" && method == "write" && ar.at(1).qual == "$response":
		// MAPPER.writeValue(output, response), IOUtils.write(data, output)
		v := ar.at(1)
		if method == "write" {
			v = first
		}
		a.checkResponse(fi, n, v)
	case recv.qual == "$thymeleaf" && (method == "process" || method == "processThrottled"):
		// With no resolver set (or a StringTemplateResolver) the first
		// argument is the template itself.
		a.report(fi, n, model.FlowTemplate, first.t, "Thymeleaf TemplateEngine."+method+"()")
	case recv.qual == "$mustache" && method == "compile" && len(ar.pos) == 2: // compile(Reader, name)
		a.report(fi, n, model.FlowTemplate, first.t, "Mustache DefaultMustacheFactory.compile()")
	case recv.qual == "$jmustache" && method == "compile":
		a.report(fi, n, model.FlowTemplate, first.t, "JMustache Mustache.compiler().compile()")
	case strings.HasPrefix(recv.qual, "$pebble") && (method == "getLiteralTemplate" || recv.qual == "$pebble-str" && method == "getTemplate"):
		a.report(fi, n, model.FlowTemplate, first.t, "Pebble PebbleEngine."+method+"()")
	case recv.qual == "$handlebars" && method == "compileInline":
		a.report(fi, n, model.FlowTemplate, first.t, "Handlebars.compileInline()")
	case recv.qual == "$ftlloader" && method == "putTemplate":
		a.report(fi, n, model.FlowTemplate, ar.at(1).t, "FreeMarker StringTemplateLoader.putTemplate()")
	case recv.client == nil && javaSQLMethods[method]:
		if first.t != nil && first.t.built && !first.obj {
			a.report(fi, n, model.FlowSQL, first.t, "."+method+"() with a query built from the data")
		}
	}
}

// javaTemplateEngines are the template engine classes whose objects
// compile templates given as strings, by simple name: the package that
// must qualify the class, and the value's tag.
var javaTemplateEngines = map[string]struct{ pkg, tag string }{
	"TemplateEngine":         {"thymeleaf", "$thymeleaf"},
	"SpringTemplateEngine":   {"thymeleaf", "$thymeleaf"},
	"DefaultMustacheFactory": {"mustachejava", "$mustache"},
	"Handlebars":             {"jknack.handlebars", "$handlebars"},
	"StringTemplateLoader":   {"freemarker", "$ftlloader"},
}

// javaRestMethods are the request methods of RestTemplate, whose first
// argument is the URL.
var javaRestMethods = setOf("getForObject", "getForEntity", "postForObject", "postForEntity", "postForLocation", "exchange",
	"headForHeaders", "optionsForAllow", "patchForObject")

// javaFilesMethods are the java.nio.file.Files methods that open, write
// or remove the path they are given.
var javaFilesMethods = setOf("readAllBytes", "readString", "readAllLines", "write", "writeString", "newInputStream",
	"newOutputStream", "newBufferedReader", "newBufferedWriter", "delete", "deleteIfExists", "copy", "move", "lines", "list",
	"walk", "createFile", "createDirectories", "createDirectory", "newByteChannel")

// javaSQLMethods are JDBC, Spring JdbcTemplate and JPA methods whose first
// argument is a SQL statement.
var javaSQLMethods = setOf("executeQuery", "executeUpdate", "execute", "executeLargeUpdate", "addBatch", "prepareStatement",
	"prepareCall", "nativeSQL", "queryForObject", "queryForList", "queryForMap", "queryForRowSet", "update", "batchUpdate",
	"createQuery", "createNativeQuery", "query")

// javaGuard recognises validation in an if condition: ALLOWED.contains(x),
// x.matches(re), PATTERN.matcher(x).matches(), x.equals("lit"),
// "lit".equals(x) — negated with !.
func (a *analysis) javaGuard(fi *fileInfo, cond *node) guard {
	for cond != nil && cond.typ() == "parenthesized_expression" {
		cond = cond.firstNamed()
	}
	if cond == nil {
		return guard{}
	}
	switch cond.typ() {
	case "unary_expression":
		if cond.hasToken("!") {
			g := a.javaGuard(fi, cond.child("operand"))
			g.negated = !g.negated
			return g
		}
	case "method_invocation":
		m := fi.text(cond.child("name"))
		obj := cond.child("object")
		args := cond.child("arguments").namedKids()
		switch {
		case (m == "contains" || m == "containsKey") && len(args) == 1 && args[0].typ() == "identifier":
			return guard{name: fi.text(args[0])}
		case (m == "matches" || m == "equals" || m == "equalsIgnoreCase") && obj != nil && obj.typ() == "identifier" && len(args) == 1 &&
			(m == "matches" || args[0].typ() == "string_literal"):
			return guard{name: fi.text(obj)}
		case (m == "equals" || m == "equalsIgnoreCase") && obj != nil && obj.typ() == "string_literal" && len(args) == 1 && args[0].typ() == "identifier":
			return guard{name: fi.text(args[0])}
		case m == "matches" && obj != nil && obj.typ() == "method_invocation" && fi.text(obj.child("name")) == "matcher":
			if as := obj.child("arguments").namedKids(); len(as) == 1 && as[0].typ() == "identifier" {
				return guard{name: fi.text(as[0])}
			}
		}
	}
	return guard{}
}

// javaSDKService returns the IAM prefix of an AWS SDK for Java class
// (software.amazon.awssdk.services.NAME.…, com.amazonaws.services.NAME.…),
// or "".
func javaSDKService(q string) string {
	for _, pre := range []string{"software.amazon.awssdk.services.", "com.amazonaws.services."} {
		if strings.HasPrefix(q, pre) {
			rest := strings.TrimPrefix(q, pre)
			if i := strings.Index(rest, "."); i > 0 {
				return sdkService(rest[:i])
			}
		}
	}
	return ""
}

// javaClientService returns the IAM prefix a client class name stands
// for (DynamoDbClient, S3AsyncClient, AmazonSQSClientBuilder,
// AWSSecretsManager), or "".
func javaClientService(q string) string {
	name := javaSimple(q)
	if !(strings.HasSuffix(name, "Client") || strings.HasSuffix(name, "ClientBuilder") || strings.HasPrefix(name, "Amazon") ||
		strings.HasPrefix(name, "AWS")) || name == "HttpClient" || name == "SdkHttpClient" {
		return ""
	}
	if svc := javaSDKService(q); svc != "" {
		return svc
	}
	n := name
	for _, suf := range []string{"ClientBuilder", "AsyncClient", "Client", "Async"} {
		n = strings.TrimSuffix(n, suf)
	}
	n = strings.TrimPrefix(strings.TrimPrefix(n, "Amazon"), "AWS")
	svc := sdkService(n)
	if svc == "" || !knownService(svc) {
		return ""
	}
	return svc
}

// knownService reports whether the catalog has actions of an IAM prefix.
func knownService(svc string) bool {
	c := actionCatalog()
	if c.Err() != nil {
		return true
	}
	for _, op := range []string{"GetItem", "GetObject", "SendMessage", "Publish", "GetSecretValue", "GetParameter", "InvokeFunction",
		"StartExecution", "PutEvents", "PutRecord", "PutRecordBatch", "Decrypt", "SendEmail", "AdminGetUser", "InvokeModel",
		"GetCallerIdentity", "ExecuteStatement", "PutMetricData", "CreateLogStream"} {
		if c.Lookup(svc+":"+op) != nil {
			return true
		}
	}
	return false
}

// javaSDKNew handles `new PutItemRequest()` (v1 requests) and `new
// DynamoDB(client)` (the v1 document API).
func (a *analysis) javaSDKNew(fi *fileInfo, n *node, typ string, ar args) *sdkClient {
	q := a.javaClassRef(fi, typ).qual
	simple := javaSimple(typ)
	svc := javaSDKService(q)
	switch {
	case simple == "DynamoDBMapper" || simple == "DynamoDBMapperConfig" || simple == "TableNameOverride" ||
		simple == "Builder" && strings.Contains(typ, "DynamoDBMapperConfig"):
		kind := "jmapcfg"
		if simple == "DynamoDBMapper" {
			kind = "jmapper"
		}
		c := &sdkClient{service: "dynamodb", kind: kind}
		mapperConfig(fi, c, ar)
		return c
	case simple == "TransactionWriteRequest" || simple == "TransactionLoadRequest":
		return &sdkClient{service: "dynamodb", kind: "jtx"}
	case svc != "" && (strings.HasSuffix(simple, "Request") || simple == "ParameterizedStatement"):
		c := &sdkClient{service: svc, kind: "jreq"}
		for _, v := range ar.pos {
			if v.env != "" {
				c.env = v.env
				break
			}
		}
		return c
	case simple == "DynamoDB" && strings.Contains(q, "document"):
		return &sdkClient{service: "dynamodb", kind: "jenhanced"}
	case javaClientService(q) != "" && strings.HasSuffix(simple, "Client"):
		return &sdkClient{service: javaClientService(q), kind: "jclient"}
	}
	return nil
}

// javaTypeClient returns the SDK client a declared type holds
// (DynamoDbClient, AmazonS3, S3Client), or nil.
func javaTypeClient(fi *fileInfo, t *node) *sdkClient {
	if t == nil {
		return nil
	}
	name := strings.Split(fi.text(t), "<")[0]
	q := name
	for _, im := range fi.imports {
		for _, nm := range im.names {
			if nm.local == name {
				q = nm.qual
			}
		}
	}
	if strings.HasSuffix(name, "Builder") {
		return nil
	}
	if name == "DynamoDBMapper" || name == "IDynamoDBMapper" {
		return &sdkClient{service: "dynamodb", kind: "jmapper"} // injected
	}
	if svc := javaClientService(q); svc != "" {
		return &sdkClient{service: svc, kind: "jclient"}
	}
	return nil
}

// jMapperOps maps the methods of DynamoDBMapper (AWS SDK for Java v1)
// and its DynamoDBTableMapper to the DynamoDB operations they call. save
// is UpdateItem unless the mapper's or the call's configuration says
// SaveBehavior CLOBBER or PUT (PutItem); count is a Query when given a
// DynamoDBQueryExpression; transactions need the actions of the
// operations they group (DynamoDB has no IAM action of their own).
var jMapperOps = map[string]string{
	"load": "GetItem", "save": "UpdateItem", "delete": "DeleteItem", "query": "Query", "queryPage": "Query", "scan": "Scan",
	"scanPage": "Scan", "parallelScan": "Scan", "count": "Scan", "batchLoad": "BatchGetItem", "batchSave": "BatchWriteItem",
	"batchDelete": "BatchWriteItem", "batchWrite": "BatchWriteItem", "transactionLoad": "TransactGetItems",
	"transactionWrite": "TransactWriteItems", "createTable": "CreateTable", "createTableIfNotExists": "CreateTable",
	"deleteTable": "DeleteTable", "deleteTableIfExists": "DeleteTable", "describeTable": "DescribeTable",
}

// jTxOps maps the methods that add an operation to a DynamoDBMapper
// TransactionWriteRequest or TransactionLoadRequest, or to an enhanced
// client's Transact*ItemsEnhancedRequest, to its action.
var jTxOps = map[string]string{
	"addPut": "PutItem", "addUpdate": "UpdateItem", "addDelete": "DeleteItem", "addConditionCheck": "ConditionCheckItem",
	"addLoad": "GetItem", "addPutItem": "PutItem", "addUpdateItem": "UpdateItem", "addDeleteItem": "DeleteItem",
	"addGetItem": "GetItem",
}

// mapperConfig reads the arguments of a DynamoDBMapperConfig (its
// constructor, builder or TableNameOverride) or DynamoDBMapper
// constructor into c: the table an environment variable names, the
// save behaviour.
func mapperConfig(fi *fileInfo, c *sdkClient, ar args) {
	for i, v := range ar.pos {
		switch {
		case v.env != "":
			c.env = v.env // withTableNameReplacement(System.getenv("TABLE"))
		case v.client != nil && v.client.kind == "jmapcfg":
			if v.client.env != "" || v.client.prefix != "" {
				c.env, c.prefix = v.client.env, v.client.prefix
			}
			if v.client.op != "" {
				c.op = v.client.op
			}
		default:
			mapperSave(c, fi.text(ar.node(i)))
		}
	}
}

// mapperSave sets the save operation of a mapper configuration named by
// a SaveBehavior constant (SaveBehavior.CLOBBER).
func mapperSave(c *sdkClient, text string) {
	i := strings.Index(text, "SaveBehavior.")
	if i < 0 {
		return
	}
	switch b, _, _ := strings.Cut(text[i+len("SaveBehavior."):], "."); b {
	case "CLOBBER", "PUT":
		c.op = "PutItem"
	case "UPDATE", "UPDATE_SKIP_NULL_ATTRIBUTES", "APPEND_SET":
		c.op = "UpdateItem"
	}
}

// mapperCall records the DynamoDB operation of a DynamoDBMapper method
// call and returns its value (a table mapper for newTableMapper).
func (a *analysis) mapperCall(fi *fileInfo, n *node, c *sdkClient, method string, ar args) val {
	if method == "newTableMapper" {
		nc := *c
		nc.name = a.javaItemTable(fi, ar.node(0), ar.at(0))
		return val{client: &nc}
	}
	op := jMapperOps[method]
	if op == "" {
		return val{}
	}
	call := model.SDKCall{Service: "dynamodb", Operation: op, Env: c.env, Name: c.name}
	save, prefix := c.op, c.prefix
	var tx *sdkClient
	for i, v := range ar.pos {
		switch {
		case v.client != nil && v.client.kind == "jmapcfg": // a per-call configuration
			if v.client.env != "" || v.client.prefix != "" {
				call.Env, prefix = v.client.env, v.client.prefix
			}
			if v.client.op != "" {
				save = v.client.op
			}
		case v.client != nil && v.client.kind == "jtx":
			tx = v.client
		case i == 0 && call.Name == "":
			call.Name = a.javaItemTable(fi, ar.node(0), v)
		}
		if method == "count" && i == 1 && (v.qual == "$ddbquery" || strings.Contains(fi.text(ar.node(1)), "QueryExpression")) {
			call.Operation = "Query"
		}
	}
	switch {
	case method == "save" && save != "":
		call.Operation = save
	case method == "transactionLoad" || method == "transactionWrite":
		if tx != nil && call.Name == "" {
			call.Name = tx.name
		}
		var ok bool
		if call.Actions, ok = txActions(method == "transactionLoad", tx); !ok {
			return val{}
		}
	}
	switch {
	case call.Env != "":
		call.Name = "" // the override wins over the class's table
	case prefix == "?":
		call.Name = "" // a prefix not known statically
	case call.Name != "":
		call.Name = prefix + call.Name
	}
	a.recordSDKCall(fi, n, call)
	return val{}
}

// txActions returns the actions a DynamoDB transaction needs: GetItem
// for reads, the actions of the operations a write added (tx.op); ok is
// false when they are not known.
func txActions(read bool, tx *sdkClient) (acts []string, ok bool) {
	if read {
		return []string{"dynamodb:GetItem"}, true
	}
	if tx == nil || tx.op == "" {
		return nil, false
	}
	for _, o := range strings.Split(tx.op, ",") {
		acts = append(acts, "dynamodb:"+o)
	}
	return acts, true
}

// enhancedTx records a DynamoDB enhanced client transaction
// (transactWriteItems(request), transactWriteItems(r -> r.addPutItem(…)))
// with the actions of the operations its request adds and the table of
// the first.
func (a *analysis) enhancedTx(fi *fileInfo, n *node, method string, ar args, s *scope, depth int) {
	var tx *sdkClient
	for _, v := range ar.pos {
		switch {
		case v.client != nil && v.client.kind == "jtx":
			tx = v.client
		case v.fn != nil && v.fn.n.typ() == "lambda_expression" && depth < maxDepth:
			inner := &scope{vars: map[string]val{}, parent: s}
			if ps := compiledParams(v.fn.file, v.fn.n); len(ps) > 0 {
				inner.vars[ps[0]] = val{client: &sdkClient{service: "dynamodb", kind: "jtx"}}
			}
			if r := a.runFunc(v.fn.file, v.fn.n, inner, depth+1, false); r.client != nil && r.client.kind == "jtx" {
				tx = r.client
			}
		}
	}
	acts, ok := txActions(method == "transactGetItems", tx)
	if !ok {
		return
	}
	call := model.SDKCall{Service: "dynamodb", Operation: jTableOps[method], Actions: acts}
	if tx != nil {
		call.Env = tx.env
	}
	a.recordSDKCall(fi, n, call)
}

// jTxItemOps maps the methods of the low-level client's
// TransactWriteItem and TransactGetItem builders to the action of the
// operation they set.
var jTxItemOps = map[string]string{
	"put": "PutItem", "update": "UpdateItem", "delete": "DeleteItem", "conditionCheck": "ConditionCheckItem", "get": "GetItem",
}

// txAdd adds the operation act on the table env (unknown: not read
// statically) to the transaction c: its operations (comma-separated in
// op) and its table, unknown (prefix "?") once two items name different
// tables or one names none.
func txAdd(c *sdkClient, act, env string, unknown bool) {
	first := c.op == "" && c.prefix == ""
	addTxOp(c, act)
	switch {
	case unknown || !first && env != c.env:
		c.env, c.prefix = "", "?"
	case first:
		c.env = env
	}
}

// addTxOp adds the operation act to the comma-separated operations of
// the transaction c, once.
func addTxOp(c *sdkClient, act string) {
	if !strings.Contains(","+c.op+",", ","+act+",") {
		c.op = strings.TrimPrefix(c.op+","+act, ",")
	}
}

// lowLevelTx records a DynamoDB transaction of the AWS SDK for Java v2
// low-level client (ddb.transactWriteItems(TransactWriteItemsRequest
// .builder().transactItems(…).build())) with the actions of the
// operations its items set, on their table when they all name the same
// one. A write whose items cannot be read marks the analysis partial.
func (a *analysis) lowLevelTx(fi *fileInfo, n *node, method string, ar args) {
	var tx *sdkClient
	if r := ar.at(0).client; r != nil && r.kind == "jreq" && r.op != "" {
		tx = r
	}
	if tx != nil && len(tx.tx) > 0 {
		// One call per table the items name (the unreadable ones marked
		// the analysis partial where they were added).
		a.recordTxItems(fi, n, jTableOps[method], tx.tx, true)
		return
	}
	acts, ok := txActions(method == "transactGetItems", tx)
	if !ok {
		a.rec.partial = true
		return
	}
	call := model.SDKCall{Service: "dynamodb", Operation: jTableOps[method], Actions: acts}
	if tx != nil {
		call.Env = tx.env
	}
	a.recordSDKCall(fi, n, call)
}

// javaItemTable returns the table of a DynamoDBMapper item: the
// @DynamoDBTable tableName of the class of an argument (Order.class, new
// Order(…), an object of a class of the project), or "".
func (a *analysis) javaItemTable(fi *fileInfo, nd *node, v val) string {
	if nd == nil {
		return ""
	}
	switch nd.typ() {
	case "class_literal", "object_creation_expression":
		t := nd.child("type")
		if t == nil {
			t = nd.firstNamed()
		}
		return a.javaTableOf(fi, fi.text(t))
	}
	if p, ok := strings.CutPrefix(v.qual, "$local:"); ok {
		if o := a.sh.files[p]; o != nil && o.x != nil {
			return o.x.tables[o.x.class]
		}
	}
	if t, ok := strings.CutPrefix(v.qual, "$ddbitem:"); ok {
		return t
	}
	return ""
}

// javaTableOf returns the @DynamoDBTable tableName of the class named
// typ as seen from fi (a class of the file, of its package, or of the
// project imported), or "".
func (a *analysis) javaTableOf(fi *fileInfo, typ string) string {
	base, arg, generic := strings.Cut(typ, "<")
	if generic { // List<Order>: the elements' class
		if t := a.javaTableOf(fi, strings.TrimSuffix(strings.TrimSpace(arg), ">")); t != "" {
			return t
		}
	}
	name := javaSimple(strings.TrimSpace(base))
	if fi.x == nil || name == "" {
		return ""
	}
	if t := fi.x.tables[name]; t != "" {
		return t
	}
	in := func(p string) string {
		if o := a.sh.files[p]; o != nil && o.x != nil {
			return o.x.tables[name]
		}
		return ""
	}
	for _, p := range fi.x.pkgFiles {
		if t := in(p); t != "" {
			return t
		}
	}
	for _, im := range fi.imports {
		if im.local != "" {
			if t := in(im.local); t != "" {
				return t
			}
		}
	}
	return ""
}

// jTableOps maps the DynamoDB enhanced client's and document API's table
// methods to the DynamoDB API.
var jTableOps = map[string]string{
	"putItem": "PutItem", "getItem": "GetItem", "updateItem": "UpdateItem", "deleteItem": "DeleteItem", "scan": "Scan", "query": "Query",
	"batchGetItem": "BatchGetItem", "batchWriteItem": "BatchWriteItem", "transactWriteItems": "TransactWriteItems",
	"transactGetItems": "TransactGetItems",
}

// sdkJava handles the AWS SDK for Java: clients (create(), builder()…
// build(), v1 client builders), request builders and v1 requests, the
// operations of clients, and the DynamoDB enhanced client and document
// API tables.
func (a *analysis) sdkJava(fi *fileInfo, n *node, q, method string, recv val, ar args, s *scope, depth int) (val, bool) {
	envOf := func() string {
		for _, v := range ar.pos {
			switch {
			case v.env != "":
				return v.env
			case v.client != nil && v.client.env != "":
				return v.client.env
			case v.fn != nil && v.fn.n.typ() == "lambda_expression" && depth < maxDepth && recv.client != nil:
				// ddb.putItem(r -> r.tableName(TABLE).item(item))
				inner := &scope{vars: map[string]val{}, parent: s}
				if ps := compiledParams(v.fn.file, v.fn.n); len(ps) > 0 {
					inner.vars[ps[0]] = val{client: &sdkClient{service: recv.client.service, kind: "jreq"}}
				}
				if r := a.runFunc(v.fn.file, v.fn.n, inner, depth+1, false); r.client != nil && r.client.env != "" {
					return r.client.env
				}
			}
		}
		return ""
	}
	if q != "" {
		cls := strings.TrimSuffix(q, "."+method)
		simple := javaSimple(cls)
		if svc := javaClientService(cls); svc != "" {
			switch method {
			case "create", "builder", "defaultClient", "standard", "crtBuilder", "crtCreate":
				kind := "jclient"
				if strings.HasPrefix(simple, "DynamoDbEnhanced") {
					kind = "jenhanced"
				}
				return val{client: &sdkClient{service: svc, kind: kind}}, true
			}
		}
		if simple == "DynamoDbEnhancedClient" || simple == "DynamoDbEnhancedAsyncClient" {
			return val{client: &sdkClient{service: "dynamodb", kind: "jenhanced"}}, true
		}
		if (simple == "TransactWriteItemsEnhancedRequest" || simple == "TransactGetItemsEnhancedRequest") && method == "builder" {
			return val{client: &sdkClient{service: "dynamodb", kind: "jtx"}}, true
		}
		if javaSDKService(q) == "dynamodb" && method == "builder" {
			// The low-level client's transaction items: TransactWriteItem
			// .builder().put(Put.builder().tableName(t).build()).
			if act := txMembers[simple]; act != "" {
				return val{client: &sdkClient{service: "dynamodb", kind: "jreq", op: act}}, true
			}
			if simple == "TransactWriteItem" || simple == "TransactGetItem" {
				return val{client: &sdkClient{service: "dynamodb", kind: "jtx"}}, true
			}
		}
		if svc := javaSDKService(q); svc != "" && (strings.HasSuffix(simple, "Request") || simple == "ParameterizedStatement") && method == "builder" {
			return val{client: &sdkClient{service: svc, kind: "jreq"}}, true
		}
		// DynamoDBMapperConfig.builder(), TableNameOverride
		// .withTableNameReplacement(t), SaveBehavior.CLOBBER.config().
		if simple == "DynamoDBMapperConfig" || simple == "TableNameOverride" || method == "config" && strings.Contains(cls, "SaveBehavior.") {
			c := &sdkClient{service: "dynamodb", kind: "jmapcfg"}
			switch method {
			case "config":
				mapperSave(c, cls)
			case "withTableNamePrefix":
				// The table is the prefix and the item class's name.
				c.prefix = "?"
				if v := ar.at(0); v.isStr {
					c.prefix = v.str
				}
			default:
				mapperConfig(fi, c, ar)
			}
			return val{client: c}, true
		}
		return val{}, false
	}
	c := recv.client
	if c == nil {
		return val{}, false
	}
	switch c.kind {
	case "jreq":
		nc := *c
		switch {
		case method == "transactItems" && c.service == "dynamodb":
			// TransactWriteItemsRequest.builder().transactItems(item, …),
			// transactItems(List.of(item, …))
			_, items := a.javaElems(fi, ar, s)
			for _, v := range items {
				if v.client == nil || v.client.kind != "jtx" || v.client.op == "" {
					// Items not read statically (a list built at run time):
					// the operations seen count, on an unknown table.
					a.rec.partial = true
					nc.env, nc.prefix = "", "?"
					continue
				}
				txAdd(&nc, v.client.op, v.client.env, v.client.prefix == "?")
				nc.tx = append(slices.Clip(nc.tx), txItem{action: v.client.op, env: v.client.env})
			}
		case (method == "statement" || method == "withStatement") && c.service == "dynamodb":
			// ExecuteStatementRequest / BatchStatementRequest /
			// ParameterizedStatement .builder().statement("SELECT …"),
			// v1's new ExecuteStatementRequest().withStatement("…")
			it := txItem{}
			if v := ar.at(0); v.isStr {
				it = partiqlItem(v.str)
			}
			nc.tx = []txItem{it}
		case (method == "statements" || method == "transactStatements" || method == "withStatements" || method == "withTransactStatements") &&
			c.service == "dynamodb":
			_, stmts := a.javaElems(fi, ar, s)
			nc.tx = nil
			for _, v := range stmts {
				if v.client == nil || v.client.kind != "jreq" || len(v.client.tx) != 1 {
					nc.tx = append(nc.tx, txItem{}) // not read statically
					continue
				}
				nc.tx = append(nc.tx, v.client.tx[0])
			}
		case resourceParam(method) && nc.env == "":
			nc.env = ar.at(0).env
		case (method == "acl" || method == "withCannedAcl" || method == "setCannedAcl" || method == "cannedAcl") && c.service == "s3":
			if nd := ar.node(0); nd != nil {
				acl := fi.text(nd)
				if nd.typ() == "string_literal" {
					acl = javaStr(fi, nd)
				}
				a.publicACLAt(fi, n, nd, javaSimple(acl), "s3.PutObject")
			}
		}
		return val{client: &nc}, true
	case "jenhanced":
		if method == "table" {
			return val{client: &sdkClient{service: "dynamodb", kind: "jtable", env: ar.at(0).env}}, true
		}
		if method == "getTable" {
			return val{client: &sdkClient{service: "dynamodb", kind: "jtable", env: ar.at(0).env}}, true
		}
		if method == "transactWriteItems" || method == "transactGetItems" {
			a.enhancedTx(fi, n, method, ar, s, depth)
			return val{}, true
		}
		if op := jTableOps[method]; op != "" {
			a.recordCall(fi, n, "dynamodb", op, envOf())
			return val{}, true
		}
		return val{client: c}, true
	case "jtable":
		if op := jTableOps[method]; op != "" {
			a.recordCall(fi, n, "dynamodb", op, c.env)
		}
		return val{}, true
	case "jmapcfg":
		nc := *c
		mapperConfig(fi, &nc, ar)
		return val{client: &nc}, true
	case "jtx":
		if act := jTxItemOps[method]; act != "" {
			// TransactWriteItem.builder().put(Put.builder().tableName(t)…)
			nc := *c
			env, unknown := "", true
			if r := ar.at(0).client; r != nil && r.kind == "jreq" {
				env, unknown = r.env, r.env == ""
			}
			txAdd(&nc, act, env, unknown)
			return val{client: &nc}, true
		}
		// tx.addPut(item): the operations a transaction will run.
		op := jTxOps[method]
		if op == "" {
			return val{client: c}, true
		}
		nc := *c
		addTxOp(&nc, op)
		if t := ar.at(0).client; t != nil && t.kind == "jtable" { // enhanced: addPutItem(table, item)
			if nc.env == "" {
				nc.env = t.env
			}
		} else if nc.name == "" {
			nc.name = a.javaItemTable(fi, ar.node(0), ar.at(0))
		}
		if obj := n.child("object"); obj != nil && obj.typ() == "identifier" {
			setVar(s, fi.text(obj), val{client: &nc}, false)
		}
		return val{client: &nc}, true
	case "jmapper":
		return a.mapperCall(fi, n, c, method, ar), true
	case "jclient":
		if c.service == "dynamodb" && (method == "transactWriteItems" || method == "transactGetItems") {
			a.lowLevelTx(fi, n, method, ar)
			return val{}, true
		}
		if op := pascal(method); c.service == "dynamodb" && isPartiQLOp(op) {
			var items []txItem
			if r := ar.at(0).client; r != nil && r.kind == "jreq" {
				items = r.tx
			}
			a.recordTxItems(fi, n, op, items, items != nil)
			return val{}, true
		}
		op := sdkOp(c.service, method)
		if op == "" {
			return val{client: c}, true // builder methods: region(…), build()
		}
		if c.service == "s3" && method == "setObjectAcl" || method == "putObjectAcl" {
			for i, nd := range ar.nodes {
				if i > 0 {
					a.publicACLAt(fi, n, nd, javaSimple(fi.text(nd)), "s3.PutObjectAcl")
				}
			}
		}
		a.recordCall(fi, n, c.service, op, envOf())
		return val{}, true
	}
	return val{}, false
}
