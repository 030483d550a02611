package terraform

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// symMark marks an unknown cty value with what it stands for: src is the
// Terraform expression (var.x, aws_iam_role.r.arn) and ref the address of
// the model object it refers to, if any.
type symMark struct{ src, ref string }

// loader holds the state of one Load call.
type loader struct {
	ctx     context.Context
	opts    load.Options
	lim     load.Limits
	root    *load.Root
	rootDir string
	// includes are the local child-module directories loaded.
	includes []string
	diags    []model.Diagnostic
	insts    []*instance
	// ph maps placeholder text (${aws_iam_role.r.arn}) to what it stands
	// for, so that strings containing it become symbolic values.
	ph map[string]symMark
	// docs maps the JSON rendered for aws_iam_policy_document data sources
	// to the positioned document.
	docs      map[string]*model.Value
	steps     int
	iters     int
	nInst     int
	tmplDepth int
	fatal     error
	// texts holds the contents of every parsed file, for source excerpts.
	texts map[string][]byte
	// fileOrigin maps the text file() returned to the file it came from.
	fileOrigin map[string]string
	// data holds the arguments of data source instances by address.
	data map[string]*model.Value
	// parsed caches the parsed files of each module directory.
	parsed map[string]parsedDir
	// dirFiles caches the files read for each child module directory.
	dirFiles map[string]map[string][]byte
}

func newLoader(ctx context.Context, root *load.Root, opts load.Options) *loader {
	return &loader{
		ctx:        ctx,
		opts:       opts,
		lim:        opts.Limits.WithDefaults(),
		root:       root,
		ph:         map[string]symMark{},
		docs:       map[string]*model.Value{},
		texts:      map[string][]byte{},
		parsed:     map[string]parsedDir{},
		data:       map[string]*model.Value{},
		fileOrigin: map[string]string{},
		dirFiles:   map[string]map[string][]byte{},
	}
}

// instance is one resource instance after count/for_each expansion, with
// its attributes as a positioned value tree.
type instance struct {
	addr  string // full address: module.m.aws_x.y["k"]
	typ   string
	data  bool
	pos   model.Pos
	props *model.Value
}

type rblock struct {
	key, typ, name string
	data           bool
	b              *hclsyntax.Block
}

// index is what the files of one module directory declare, found once per
// directory and scan and shared (read-only) by every instance of the module.
type index struct {
	vars      map[string]*hclsyntax.Block
	locals    map[string]*hclsyntax.Attribute
	blocks    map[string]*rblock
	order     []string
	calls     map[string]*hclsyntax.Block
	callOrder []string
	outputs   []*hclsyntax.Block
	outByName map[string]*hclsyntax.Block
	attrRefs  map[string]map[string]bool // attribute -> used as a collection
	// relAttrs are the attribute names read other than straight from a
	// resource (through a for-expression variable, a splat, a local holding
	// a resource): every resource instance gets a placeholder for each.
	relAttrs map[string]bool
	// pending, while indexing, holds the traversals whose root may be a
	// for-expression variable or a resource type (see finish).
	pending []hcl.Traversal
	// called are the names of the functions the files call.
	called map[string]bool
}

// module is one module instance being evaluated.
type module struct {
	l      *loader
	dir    string // root-relative directory
	prefix string // address prefix: "" or "module.a."
	depth  int
	isRoot bool
	// index is what the module's files declare; modules of one
	// directory share it (see parseModule).
	*index
	// inputs are a child module's arguments (nil for the root module) when
	// evaluated eagerly (count/for_each calls); argExprs are the arguments
	// of a plain call, evaluated in parent when first used.
	inputs   map[string]cty.Value
	parent   *module
	argExprs map[string]hclsyntax.Expression
	children map[string]*module
	ran      bool
	tfvars   map[string]cty.Value
	cache    map[string]cty.Value
	busy     map[string]bool
	funcs    map[string]function.Function
	params   []*model.Parameter
	outs     []*model.Output
	outVals  map[string]cty.Value
}

// scope holds the names bound inside a block: count, each, dynamic block
// iterators.
type scope struct {
	parent *scope
	vars   map[string]cty.Value
}

func (s *scope) lookup(name string) (cty.Value, bool) {
	for ; s != nil; s = s.parent {
		if v, ok := s.vars[name]; ok {
			return v, true
		}
	}
	return cty.NilVal, false
}

func (l *loader) stopped() bool {
	if l.fatal != nil {
		return true
	}
	if err := l.ctx.Err(); err != nil {
		l.fatal = err
		return true
	}
	return false
}

func (l *loader) step(pos model.Pos) bool {
	l.steps++
	if l.steps > l.lim.MaxResolveSteps {
		if l.fatal == nil {
			l.fatal = load.Errorf(pos, "evaluation exceeds %d steps", l.lim.MaxResolveSteps)
		}
		return false
	}
	return !l.stopped()
}

func (l *loader) diag(sev model.DiagSeverity, pos model.Pos, format string, args ...any) {
	if len(l.diags) >= 1000 {
		return
	}
	l.diags = append(l.diags, model.Diagnostic{Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// placeholder returns a known string standing for an unknown value, and
// registers it so that strings built from it become symbolic.
func (l *loader) placeholder(src, ref string) cty.Value {
	s := "${" + src + "}"
	if _, ok := l.ph[s]; !ok {
		l.ph[s] = symMark{src: src, ref: ref}
	}
	return cty.StringVal(s)
}

func unknown(src, ref string) cty.Value {
	return cty.DynamicVal.Mark(symMark{src: src, ref: ref})
}

// srcText returns the source text of expr, shortened.
func (m *module) srcText(expr hcl.Expression) string {
	r := expr.Range()
	s := ""
	if b, ok := m.fileText(r.Filename); ok && r.End.Byte <= len(b) && r.Start.Byte <= r.End.Byte {
		s = string(b[r.Start.Byte:r.End.Byte])
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	if s == "" {
		s = "expression at " + exprPos(expr).String()
	}
	return s
}

func (m *module) fileText(name string) ([]byte, bool) {
	b, ok := m.l.texts[name]
	return b, ok
}

// eval evaluates expr in the module with the names in sc bound.
func (m *module) eval(expr hclsyntax.Expression, sc *scope) cty.Value {
	if !m.l.step(exprPos(expr)) {
		return cty.DynamicVal
	}
	ctx := &hcl.EvalContext{Variables: m.varsFor(expr, sc), Functions: m.funcs}
	v, diags := expr.Value(ctx)
	if m.l.fatal != nil {
		return cty.DynamicVal
	}
	if diags.HasErrors() {
		if v, ok := m.traversalPlaceholder(expr); ok {
			return v
		}
		for _, d := range diags {
			if d.Severity != hcl.DiagError {
				continue
			}
			sev := model.DiagWarning
			if strings.Contains(d.Detail, load.ErrOutsideRoot.Error()) || strings.Contains(d.Summary, load.ErrOutsideRoot.Error()) {
				sev = model.DiagError
			}
			pos := rangePos(d.Subject)
			if !pos.IsValid() {
				pos = exprPos(expr)
			}
			m.l.diag(sev, pos, "cannot evaluate %s: %s", m.srcText(expr), diagText(d))
			break
		}
		return unknown(m.srcText(expr), "")
	}
	return v
}

// varsFor builds the variables expr refers to.
func (m *module) varsFor(expr hclsyntax.Expression, sc *scope) map[string]cty.Value {
	tree := map[string]any{}
	put := func(v cty.Value, keys ...string) {
		t := tree
		for i, k := range keys {
			if i == len(keys)-1 {
				t[k] = v
				return
			}
			sub, ok := t[k].(map[string]any)
			if !ok {
				if _, isVal := t[k].(cty.Value); isVal {
					return
				}
				sub = map[string]any{}
				t[k] = sub
			}
			t = sub
		}
	}
	for _, t := range hclsyntax.Variables(expr) {
		root := t.RootName()
		if v, ok := sc.lookup(root); ok {
			tree[root] = v
			continue
		}
		switch root {
		case "var", "local":
			if n := attrName(t, 1); n != "" {
				put(m.lookup(root+"."+n), root, n)
			}
		case "module":
			n := attrName(t, 1)
			if n == "" {
				continue
			}
			if out := attrName(t, 2); out != "" && m.plainCall(n) {
				put(m.lookup("module."+n+"."+out), root, n, out)
			} else {
				put(m.lookup("module."+n), root, n)
			}
		case "data":
			typ, n := attrName(t, 1), attrName(t, 2)
			if typ != "" && n != "" {
				put(m.lookup("data."+typ+"."+n), root, typ, n)
			}
		case "path":
			tree[root] = cty.ObjectVal(map[string]cty.Value{
				"module": cty.StringVal(m.relDir()),
				"root":   cty.StringVal("."),
				"cwd":    cty.StringVal("."),
			})
		case "terraform":
			tree[root] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")})
		case "count", "each", "self":
			tree[root] = unknown(t.RootName()+"."+attrName(t, 1), "")
		default:
			n := attrName(t, 1)
			if n == "" {
				tree[root] = unknown(root, "")
				continue
			}
			if _, ok := m.blocks[root+"."+n]; ok {
				put(m.lookup(root+"."+n), root, n)
			} else {
				put(unknown(root+"."+n, ""), root, n)
			}
		}
	}
	return treeVals(tree)
}

func treeVals(t map[string]any) map[string]cty.Value {
	out := make(map[string]cty.Value, len(t))
	for k, v := range t {
		switch v := v.(type) {
		case cty.Value:
			out[k] = v
		case map[string]any:
			out[k] = cty.ObjectVal(treeVals(v))
		}
	}
	return out
}

// relDir is path.module: the module directory relative to the root
// module's directory.
func (m *module) relDir() string {
	if m.isRoot || m.l.rootDir == "" {
		return "."
	}
	return relPath(m.l.rootDir, m.dir)
}

// relPath returns the slash path of to relative to from (both clean,
// root-relative).
func relPath(from, to string) string {
	if from == "." {
		return to
	}
	fp := strings.Split(from, "/")
	tp := strings.Split(to, "/")
	if to == "." {
		tp = nil
	}
	i := 0
	for i < len(fp) && i < len(tp) && fp[i] == tp[i] {
		i++
	}
	var parts []string
	for range fp[i:] {
		parts = append(parts, "..")
	}
	parts = append(parts, tp[i:]...)
	if len(parts) == 0 {
		return "."
	}
	return strings.Join(parts, "/")
}

// lookup returns the value of a named object of the module, evaluating it
// on first use: var.x, local.x, module.x, aws_x.y, data.aws_x.y.
func (m *module) lookup(key string) cty.Value {
	if v, ok := m.cache[key]; ok {
		return v
	}
	if m.busy[key] {
		return unknown(key+" (cycle)", "")
	}
	if m.l.stopped() {
		return cty.DynamicVal
	}
	m.busy[key] = true
	v := m.compute(key)
	delete(m.busy, key)
	m.cache[key] = v
	return v
}

func (m *module) compute(key string) cty.Value {
	kind, name, _ := strings.Cut(key, ".")
	switch kind {
	case "var":
		return m.variable(name)
	case "local":
		a, ok := m.locals[name]
		if !ok {
			return unknown(key, "")
		}
		return m.eval(a.Expr, nil)
	case "module":
		if call, out, ok := strings.Cut(name, "."); ok {
			return m.moduleOutput(call, out)
		}
		return m.moduleCall(name)
	case "output":
		b := m.outByName[name]
		if b == nil {
			return unknown(m.prefix+"output."+name, "")
		}
		a, ok := b.Body.Attributes["value"]
		if !ok {
			return cty.NullVal(cty.DynamicPseudoType)
		}
		return m.eval(a.Expr, nil)
	}
	rb, ok := m.blocks[key]
	if !ok {
		return unknown(key, "")
	}
	return m.resource(rb)
}

// evalBody evaluates a block body into an object (attributes, and nested
// blocks as lists of objects) and the same as a positioned model map.
func (m *module) evalBody(body *hclsyntax.Body, sc *scope, top bool) (cty.Value, *model.Value) {
	type item struct {
		pos  int
		attr *hclsyntax.Attribute
		blk  *hclsyntax.Block
	}
	items := make([]item, 0, len(body.Attributes)+len(body.Blocks))
	for _, a := range body.Attributes {
		if top && metaArgs[a.Name] && !moduleOnlyArgs[a.Name] {
			continue
		}
		items = append(items, item{pos: a.SrcRange.Start.Byte, attr: a})
	}
	for _, b := range body.Blocks {
		if top && metaArgs[b.Type] {
			continue
		}
		items = append(items, item{pos: b.TypeRange.Start.Byte, blk: b})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].pos < items[j].pos })
	attrs := map[string]cty.Value{}
	blocks := map[string][]cty.Value{}
	out := model.NewMap(nil, rangePos(&body.SrcRange))
	blockVals := map[string]*model.Value{}
	addBlock := func(typ string, pos model.Pos, cv cty.Value, mv *model.Value) {
		blocks[typ] = append(blocks[typ], cv)
		lst, ok := blockVals[typ]
		if !ok {
			lst = model.NewList(nil, pos)
			blockVals[typ] = lst
			out.Fields = append(out.Fields, model.Field{Key: typ, KeyPos: pos, Value: lst})
		}
		lst.Items = append(lst.Items, mv)
	}
	for _, it := range items {
		if m.l.stopped() {
			break
		}
		if a := it.attr; a != nil {
			v := m.eval(a.Expr, sc)
			attrs[a.Name] = v
			m.noteJSON(v, a.Expr)
			out.Fields = append(out.Fields, model.Field{Key: a.Name, KeyPos: rangePos(&a.NameRange), Value: m.conv(v, a.Expr, exprPos(a.Expr))})
			continue
		}
		b := it.blk
		if b.Type == "dynamic" && len(b.Labels) == 1 {
			m.dynamic(b, sc, func(cv cty.Value, mv *model.Value) { addBlock(b.Labels[0], rangePos(&b.TypeRange), cv, mv) })
			continue
		}
		cv, mv := m.evalBody(b.Body, sc, false)
		if len(b.Labels) > 0 {
			// Labelled nested blocks are rare in resources; keep the
			// labels as attributes.
			mv.Fields = append([]model.Field{{Key: "labels", Value: model.NewList(labelValues(b), rangePos(&b.TypeRange))}}, mv.Fields...)
		}
		addBlock(b.Type, rangePos(&b.TypeRange), cv, mv)
	}
	for typ, vs := range blocks {
		attrs[typ] = cty.TupleVal(vs)
	}
	return cty.ObjectVal(attrs), out
}

func labelValues(b *hclsyntax.Block) []*model.Value {
	var out []*model.Value
	for i, l := range b.Labels {
		out = append(out, model.NewString(l, rangePos(&b.LabelRanges[i])))
	}
	return out
}

// dynamic expands a dynamic block.
func (m *module) dynamic(b *hclsyntax.Block, sc *scope, add func(cty.Value, *model.Value)) {
	iter := b.Labels[0]
	if a, ok := b.Body.Attributes["iterator"]; ok {
		if kw := hcl.ExprAsKeyword(a.Expr); kw != "" {
			iter = kw
		}
	}
	var content *hclsyntax.Block
	for _, c := range b.Body.Blocks {
		if c.Type == "content" {
			content = c
		}
	}
	fe, ok := b.Body.Attributes["for_each"]
	if content == nil || !ok {
		return
	}
	v, _ := m.eval(fe.Expr, sc).Unmark()
	if !v.IsKnown() || v.IsNull() || !v.CanIterateElements() || (v.Type().IsSetType() && !v.IsWhollyKnown()) {
		cv, mv := m.evalBody(content.Body, &scope{parent: sc, vars: map[string]cty.Value{iter: cty.ObjectVal(map[string]cty.Value{
			"key": unknown(iter+".key", ""), "value": unknown(iter+".value", ""),
		})}}, false)
		add(cv, mv)
		return
	}
	if !m.grow(0, exprPos(fe.Expr)) {
		return
	}
	n := 0
	for it := v.ElementIterator(); it.Next(); {
		n++
		if n > m.l.lim.MaxResources {
			m.l.fatal = load.Errorf(exprPos(fe.Expr), "dynamic block expands to more than %d blocks", m.l.lim.MaxResources)
			return
		}
		k, ev := it.Element()
		if v.Type().IsSetType() {
			k = ev
		}
		cv, mv := m.evalBody(content.Body, &scope{parent: sc, vars: map[string]cty.Value{iter: cty.ObjectVal(map[string]cty.Value{
			"key": k, "value": ev,
		})}}, false)
		add(cv, mv)
		if m.l.stopped() {
			return
		}
	}
}

// run evaluates every resource, module call and output of the module.
func (m *module) run() {
	if m.ran {
		return
	}
	m.ran = true
	for _, key := range m.order {
		if m.l.stopped() {
			return
		}
		m.lookup(key)
	}
	for _, name := range m.callOrder {
		if m.l.stopped() {
			return
		}
		m.lookup("module." + name)
	}
	if m.isRoot {
		// Evaluate variables so that every one is listed as a parameter.
		names := make([]string, 0, len(m.vars))
		for n := range m.vars {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			m.lookup("var." + n)
		}
	}
	m.outVals = map[string]cty.Value{}
	for _, b := range m.outputs {
		a, ok := b.Body.Attributes["value"]
		if !ok {
			continue
		}
		v := m.lookup("output." + b.Labels[0])
		m.outVals[b.Labels[0]] = v
		if m.isRoot {
			m.outs = append(m.outs, &model.Output{ID: b.Labels[0], Pos: rangePos(&b.TypeRange), Value: m.conv(v, a.Expr, exprPos(a.Expr))})
		}
	}
}

// traversalPlaceholder stands in for a reference to a computed attribute
// nested in a resource's block (aws_x.y.identity[0].principal_id): a
// placeholder naming the reference, with the resource instance as its
// model reference.
func (m *module) traversalPlaceholder(expr hclsyntax.Expression) (cty.Value, bool) {
	if w, ok := expr.(*hclsyntax.TemplateWrapExpr); ok {
		expr = w.Wrapped
	}
	st, ok := expr.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(st.Traversal) < 3 {
		return cty.NilVal, false
	}
	t := st.Traversal
	key := t.RootName() + "." + attrName(t, 1)
	if _, ok := m.blocks[key]; !ok {
		return cty.NilVal, false
	}
	addr := m.prefix + key
	if ix, ok := t[2].(hcl.TraverseIndex); ok && ix.Key.IsKnown() && !ix.Key.IsNull() {
		switch ix.Key.Type() {
		case cty.String:
			addr += "[" + strconv.Quote(ix.Key.AsString()) + "]"
		case cty.Number:
			addr += "[" + ix.Key.AsBigFloat().Text('f', 0) + "]"
		}
	}
	src := m.srcText(expr)
	if m.prefix != "" {
		src = m.prefix + src
	}
	return m.l.placeholder(src, addr), true
}

// sortedAttrs returns a body's attributes in source order, so that
// evaluation (and where a reference cycle is cut) does not depend on map
// order.
func sortedAttrs(b *hclsyntax.Body) []*hclsyntax.Attribute {
	out := make([]*hclsyntax.Attribute, 0, len(b.Attributes))
	for _, a := range b.Attributes {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SrcRange.Start.Byte < out[j].SrcRange.Start.Byte })
	return out
}

// hasParam reports whether --param overrides the root variable name,
// recording the lookup.
func hasParam(o load.Options, name string) bool {
	_, ok := o.Param(name)
	return ok
}
