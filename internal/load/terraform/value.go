package terraform

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// conv converts an evaluated value into a positioned model value. expr, when
// not nil, is the expression it came from: object and tuple constructors
// give their elements' positions.
func (m *module) conv(v cty.Value, expr hclsyntax.Expression, pos model.Pos) *model.Value {
	return m.l.conv(v, expr, pos, 0, m)
}

func (l *loader) conv(v cty.Value, expr hclsyntax.Expression, pos model.Pos, depth int, m *module) *model.Value {
	if expr != nil {
		pos = exprPos(expr)
		expr = unwrap(expr)
	}
	v, marks := v.Unmark()
	if depth > l.lim.MaxDepth || !l.step(pos) {
		return model.NewSymbol("value too deep", pos)
	}
	if !v.IsKnown() {
		var srcs, refs []string
		for mk := range marks {
			if s, ok := mk.(symMark); ok {
				srcs = append(srcs, s.src)
				refs = append(refs, s.ref)
			}
		}
		srcs = model.SortedUnique(srcs)
		src := strings.Join(srcs, ", ")
		if src == "" && expr != nil && m != nil {
			src = m.srcText(expr)
		}
		if src == "" {
			src = "unknown value"
		}
		return model.NewSymbol(src, pos, refs...)
	}
	if v.IsNull() {
		return &model.Value{Kind: model.Null, Pos: pos}
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return l.stringValue(v.AsString(), pos)
	case ty == cty.Number:
		bf := v.AsBigFloat()
		if bf.IsInt() {
			i, _ := bf.Int(nil)
			return model.NewNumber(i.String(), pos)
		}
		return model.NewNumber(bf.Text('g', -1), pos)
	case ty == cty.Bool:
		return model.NewBool(v.True(), pos)
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		var subs []hclsyntax.Expression
		if t, ok := expr.(*hclsyntax.TupleConsExpr); ok && v.LengthInt() == len(t.Exprs) {
			subs = t.Exprs
		}
		out := model.NewList(make([]*model.Value, 0, v.LengthInt()), pos)
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, ev := it.Element()
			var sub hclsyntax.Expression
			if subs != nil {
				sub = subs[i]
			}
			x := l.conv(ev, sub, pos, depth+1, m)
			out.Items = append(out.Items, x)
			out.Unresolved = out.Unresolved || x.Unresolved
		}
		return out
	case ty.IsMapType() || ty.IsObjectType():
		out := model.NewMap(nil, pos)
		vm := v.AsValueMap()
		keys := make([]string, 0, len(vm))
		for k := range vm {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		type src struct {
			keyPos model.Pos
			expr   hclsyntax.Expression
		}
		var order []string
		srcs := map[string]src{}
		if o, ok := expr.(*hclsyntax.ObjectConsExpr); ok {
			for _, item := range o.Items {
				k := objKey(item.KeyExpr)
				if _, ok := vm[k]; k == "" || !ok {
					continue
				}
				if _, dup := srcs[k]; !dup {
					order = append(order, k)
				}
				srcs[k] = src{keyPos: exprPos(item.KeyExpr), expr: item.ValueExpr}
			}
		}
		for _, k := range keys {
			if _, ok := srcs[k]; !ok {
				order = append(order, k)
			}
		}
		for _, k := range order {
			s := srcs[k]
			kp := s.keyPos
			if !kp.IsValid() {
				kp = pos
			}
			x := l.conv(vm[k], s.expr, pos, depth+1, m)
			out.Fields = append(out.Fields, model.Field{Key: k, KeyPos: kp, Value: x})
			out.Unresolved = out.Unresolved || x.Unresolved
		}
		return out
	}
	return model.NewSymbol("value of type "+ty.FriendlyName(), pos)
}

// unwrap looks through parentheses and jsonencode() to the expression that
// gives a value its structure.
func unwrap(e hclsyntax.Expression) hclsyntax.Expression {
	for {
		switch x := e.(type) {
		case *hclsyntax.ParenthesesExpr:
			e = x.Expression
		case *hclsyntax.TemplateWrapExpr:
			e = x.Wrapped
		default:
			return e
		}
	}
}

// objKey returns the literal key of an object constructor item, or "".
func objKey(e hclsyntax.Expression) string {
	if kw := hcl.ExprAsKeyword(e); kw != "" {
		return kw
	}
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		e = k.Wrapped
		if kw := hcl.ExprAsKeyword(e); kw != "" && !k.ForceNonLiteral {
			return kw
		}
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

// stringValue makes a model string, symbolic when it contains placeholders
// of unknown values.
func (l *loader) stringValue(s string, pos model.Pos) *model.Value {
	if !strings.Contains(s, "${") || len(l.ph) == 0 {
		return model.NewString(s, pos)
	}
	var srcs, refs []string
	rest := s
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			break
		}
		ph := rest[i : i+j+1]
		if info, ok := l.ph[ph]; ok {
			srcs = append(srcs, info.src)
			refs = append(refs, info.ref)
		}
		rest = rest[i+j+1:]
	}
	if len(srcs) == 0 {
		return model.NewString(s, pos)
	}
	if len(srcs) == 1 && s == "${"+srcs[0]+"}" {
		return model.NewSymbol(srcs[0], pos, refs...)
	}
	return &model.Value{Kind: model.String, Str: s, Pos: pos, Unresolved: true, Source: strings.Join(model.SortedUnique(srcs), ", "), Refs: model.SortedUnique(refs)}
}

// jsonValue decodes JSON text (a policy, a redrive policy) into a model
// value at pos; strings keep their placeholders. ok is false when s is not
// JSON.
func (l *loader) jsonValue(s string, pos model.Pos) (*model.Value, bool) {
	if doc, ok := l.docs[s]; ok {
		return doc, true
	}
	s = strings.TrimSpace(s)
	if s == "" || (s[0] != '{' && s[0] != '[') {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, false
	}
	return l.fromJSON(x, pos, 0), true
}

func (l *loader) fromJSON(x any, pos model.Pos, depth int) *model.Value {
	return jsonValue(x, pos, depth, l.lim.MaxDepth, l.stringValue)
}

// jsonValue turns a decoded JSON value into a model value at pos, map keys
// sorted; str converts each string (so that callers can keep placeholders
// symbolic) and maxDepth bounds the nesting.
func jsonValue(x any, pos model.Pos, depth, maxDepth int, str func(string, model.Pos) *model.Value) *model.Value {
	if depth > maxDepth {
		return model.NewSymbol("value too deep", pos)
	}
	switch x := x.(type) {
	case nil:
		return &model.Value{Kind: model.Null, Pos: pos}
	case bool:
		return model.NewBool(x, pos)
	case json.Number:
		return model.NewNumber(x.String(), pos)
	case string:
		return str(x, pos)
	case []any:
		out := model.NewList(nil, pos)
		for _, it := range x {
			v := jsonValue(it, pos, depth+1, maxDepth, str)
			out.Items = append(out.Items, v)
			out.Unresolved = out.Unresolved || v.Unresolved
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := model.NewMap(nil, pos)
		for _, k := range keys {
			v := jsonValue(x[k], pos, depth+1, maxDepth, str)
			out.Fields = append(out.Fields, model.Field{Key: k, KeyPos: pos, Value: v})
			out.Unresolved = out.Unresolved || v.Unresolved
		}
		return out
	}
	return model.NewSymbol("unsupported JSON value", pos)
}

// marshalDoc renders a value as JSON, with symbolic values as their ${…}
// text (the way Terraform would interpolate them).
func marshalDoc(v *model.Value) string {
	var b strings.Builder
	writeDoc(&b, v)
	return b.String()
}

func writeDoc(b *strings.Builder, v *model.Value) {
	if v == nil {
		b.WriteString("null")
		return
	}
	switch v.Kind {
	case model.Symbolic:
		enc, _ := json.Marshal(v.Str)
		b.Write(enc)
	case model.List:
		b.WriteByte('[')
		for i, it := range v.Items {
			if i > 0 {
				b.WriteByte(',')
			}
			writeDoc(b, it)
		}
		b.WriteByte(']')
	case model.Map:
		b.WriteByte('{')
		for i, f := range v.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			enc, _ := json.Marshal(f.Key)
			b.Write(enc)
			b.WriteByte(':')
			writeDoc(b, f.Value)
		}
		b.WriteByte('}')
	default:
		enc, _ := v.MarshalJSON()
		b.Write(enc)
	}
}

// renderPolicyDocument turns the attributes of an aws_iam_policy_document
// data source into an IAM policy document.
func (l *loader) renderPolicyDocument(props *model.Value, pos model.Pos) *model.Value {
	doc := model.NewMap(nil, pos)
	version := props.Get("version")
	if !version.IsSet() {
		version = model.NewString("2012-10-17", pos)
	}
	doc.Fields = append(doc.Fields, model.Field{Key: "Version", KeyPos: pos, Value: version})
	if id := props.Get("policy_id"); id.IsSet() {
		doc.Fields = append(doc.Fields, model.Field{Key: "Id", KeyPos: pos, Value: id})
	}
	var stmts []*model.Value
	// source_policy_documents come first; statements with the same Sid in
	// this document and then in override documents replace them.
	for _, key := range []string{"source_policy_documents", "source_json"} {
		for _, src := range props.Get(key).Elems() {
			stmts = append(stmts, l.docStatements(src)...)
		}
	}
	for _, s := range props.Get("statement").Elems() {
		stmts = mergeStatement(stmts, renderStatement(s))
	}
	for _, key := range []string{"override_policy_documents", "override_json"} {
		for _, src := range props.Get(key).Elems() {
			for _, s := range l.docStatements(src) {
				stmts = mergeStatement(stmts, s)
			}
		}
	}
	list := model.NewList(stmts, pos)
	doc.Fields = append(doc.Fields, model.Field{Key: "Statement", KeyPos: pos, Value: list})
	for _, s := range stmts {
		if s.Unresolved {
			doc.Unresolved, list.Unresolved = true, true
		}
	}
	return doc
}

func (l *loader) docStatements(src *model.Value) []*model.Value {
	if src.Kind != model.String {
		return nil
	}
	d, ok := l.jsonValue(src.Str, src.Pos)
	if !ok {
		return nil
	}
	return d.Get("Statement").Elems()
}

func mergeStatement(stmts []*model.Value, s *model.Value) []*model.Value {
	if sid := s.Get("Sid").String(); sid != "" {
		for i, o := range stmts {
			if o.Get("Sid").String() == sid {
				stmts[i] = s
				return stmts
			}
		}
	}
	return append(stmts, s)
}

// renderStatement renders one statement block of aws_iam_policy_document.
func renderStatement(s *model.Value) *model.Value {
	out := model.NewMap(nil, s.Pos)
	add := func(k string, v *model.Value) {
		if v.IsSet() {
			out.Fields = append(out.Fields, model.Field{Key: k, KeyPos: v.Pos, Value: v})
			out.Unresolved = out.Unresolved || v.Unresolved
		}
	}
	add("Sid", s.Get("sid"))
	effect := s.Get("effect")
	if !effect.IsSet() {
		effect = model.NewString("Allow", s.Pos)
	}
	add("Effect", effect)
	add("Action", s.Get("actions"))
	add("NotAction", s.Get("not_actions"))
	add("Resource", s.Get("resources"))
	add("NotResource", s.Get("not_resources"))
	add("Principal", renderPrincipals(s.Get("principals")))
	add("NotPrincipal", renderPrincipals(s.Get("not_principals")))
	if conds := s.Get("condition").Elems(); len(conds) > 0 {
		c := model.NewMap(nil, conds[0].Pos)
		for _, cd := range conds {
			test := cd.Get("test").String()
			variable := cd.Get("variable").String()
			if test == "" || variable == "" {
				continue
			}
			op := c.Get(test)
			if op == nil {
				op = model.NewMap(nil, cd.Pos)
				c.Fields = append(c.Fields, model.Field{Key: test, KeyPos: cd.Pos, Value: op})
			}
			vals := cd.Get("values")
			if vals == nil {
				vals = model.NewList(nil, cd.Pos)
			}
			op.Fields = append(op.Fields, model.Field{Key: variable, KeyPos: cd.Pos, Value: vals})
			if vals.Unresolved || cd.Get("test").Unresolved || cd.Get("variable").Unresolved {
				op.Unresolved, c.Unresolved = true, true
			}
		}
		add("Condition", c)
	}
	return out
}

func renderPrincipals(ps *model.Value) *model.Value {
	items := ps.Elems()
	if len(items) == 0 {
		return nil
	}
	out := model.NewMap(nil, items[0].Pos)
	for _, p := range items {
		typ := p.Get("type").String()
		ids := p.Get("identifiers")
		if typ == "*" {
			return model.NewString("*", p.Pos)
		}
		if typ == "" {
			continue
		}
		if prev := out.Get(typ); prev != nil {
			prev.Items = append(prev.Items, ids.Elems()...)
			continue
		}
		lst := model.NewList(append([]*model.Value(nil), ids.Elems()...), p.Pos)
		lst.Unresolved = ids != nil && ids.Unresolved
		out.Fields = append(out.Fields, model.Field{Key: typ, KeyPos: p.Pos, Value: lst})
		out.Unresolved = out.Unresolved || lst.Unresolved
	}
	return out
}

// overlayPos gives the values of a decoded jsonencode() argument the
// positions of the expressions that wrote them.
func overlayPos(v *model.Value, expr hclsyntax.Expression, depth int) {
	if v == nil || expr == nil || depth > 64 {
		return
	}
	expr = unwrap(expr)
	v.Pos = exprPos(expr)
	switch e := expr.(type) {
	case *hclsyntax.ObjectConsExpr:
		if v.Kind != model.Map {
			return
		}
		ordered := make([]model.Field, 0, len(v.Fields))
		used := make([]bool, len(v.Fields))
		for _, item := range e.Items {
			k := objKey(item.KeyExpr)
			for i := range v.Fields {
				if v.Fields[i].Key == k && !used[i] {
					used[i] = true
					v.Fields[i].KeyPos = exprPos(item.KeyExpr)
					overlayPos(v.Fields[i].Value, item.ValueExpr, depth+1)
					ordered = append(ordered, v.Fields[i])
				}
			}
		}
		for i, f := range v.Fields {
			if !used[i] {
				ordered = append(ordered, f)
			}
		}
		v.Fields = ordered
	case *hclsyntax.TupleConsExpr:
		if v.Kind != model.List || len(v.Items) != len(e.Exprs) {
			return
		}
		for i, it := range v.Items {
			overlayPos(it, e.Exprs[i], depth+1)
		}
	}
}

// noteJSON remembers the positioned structure of a jsonencode(…) attribute
// so that a policy decoded from its text points at the lines that wrote it.
func (m *module) noteJSON(v cty.Value, expr hclsyntax.Expression) {
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return
	}
	s := v.AsString()
	if _, seen := m.l.docs[s]; seen {
		return
	}
	t := strings.TrimSpace(s)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return
	}
	switch e := unwrap(expr).(type) {
	case *hclsyntax.FunctionCallExpr:
		if e.Name == "jsonencode" && len(e.Args) == 1 {
			if d, ok := m.l.jsonValue(s, exprPos(e.Args[0])); ok {
				overlayPos(d, e.Args[0], 0)
				m.l.docs[s] = d
			}
			return
		}
	case *hclsyntax.TemplateExpr:
		// A heredoc: the text starts on the line after <<EOF.
		if src := m.srcText(e); strings.HasPrefix(src, "<<") {
			r := e.Range()
			if d, ok := m.l.jsonValueLines(s, r.Filename, r.Start.Line+1); ok {
				m.l.docs[s] = d
			}
			return
		}
	}
	// Text read by file() or templatefile(): positions in that file.
	if f, ok := m.l.fileOrigin[s]; ok {
		if d, ok := m.l.jsonValueLines(s, f, 1); ok {
			m.l.docs[s] = d
		}
	}
}

// jsonValueLines decodes JSON text that starts on line first of file,
// giving each value the line it is on.
func (l *loader) jsonValueLines(s, file string, first int) (*model.Value, bool) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	n, err := readJNode(dec, lineStarts([]byte(s)), 0, l.lim.MaxDepth)
	if err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err == nil {
		return nil, false // trailing data: not one JSON value
	}
	return l.fromJNode(n, file, first-1, 0), true
}

func (l *loader) fromJNode(n *jnode, file string, base, depth int) *model.Value {
	pos := model.Pos{File: file, Line: base + n.line}
	if depth > l.lim.MaxDepth {
		return model.NewSymbol("value too deep", pos)
	}
	switch n.kind {
	case 's':
		return l.stringValue(n.lit, pos)
	case 'l':
		switch n.lit {
		case "null":
			return &model.Value{Kind: model.Null, Pos: pos}
		case "true", "false":
			return model.NewBool(n.lit == "true", pos)
		}
		return model.NewNumber(n.lit, pos)
	case '[':
		out := model.NewList(nil, pos)
		for _, it := range n.items {
			v := l.fromJNode(it, file, base, depth+1)
			out.Items = append(out.Items, v)
			out.Unresolved = out.Unresolved || v.Unresolved
		}
		return out
	}
	out := model.NewMap(nil, pos)
	for i, k := range n.keys {
		v := l.fromJNode(n.vals[i], file, base, depth+1)
		kp := model.Pos{File: file, Line: base + n.keyAt[i]}
		v.Pos = kp
		out.Fields = append(out.Fields, model.Field{Key: k, KeyPos: kp, Value: v})
		out.Unresolved = out.Unresolved || v.Unresolved
	}
	return out
}
