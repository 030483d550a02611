// Package terraform loads Terraform configurations into nightlight's model:
// the HCL of one module directory (with its local child modules, variables,
// locals, the common functions, count/for_each and
// aws_iam_policy_document data sources evaluated statically), and the JSON
// of `terraform show -json` plans.
//
// Nothing is executed and no file outside the scan root is read. Values that
// cannot be decided statically (a variable without default, a computed
// attribute such as aws_iam_role.x.arn, a registry module's output) become
// symbolic model values that remember their source; references between
// resources keep the Terraform address of the referenced resource in
// Value.Refs, and their text is a ${address.attr} placeholder.
package terraform

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/nightlight-sec/nightlight/internal/conc"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// maxModuleDepth bounds how deep local child modules are followed.
const maxModuleDepth = 16

// Load loads the Terraform module directory u (its .tf and .tf.json files
// are u.Files; u.Path is the directory relative to the scan root) as one
// stack. Local child modules, *.tfvars files of the directory
// (terraform.tfvars, *.auto.tfvars) and file()/templatefile() targets are
// read through u.Root; opts.Params override variables by name.
//
// A syntax error in one of u.Files is returned as a positioned *load.Error,
// as is a count/for_each expansion beyond opts.Limits. Everything else that
// cannot be evaluated is kept symbolic and reported in Stack.Diagnostics.
//
// A panic (a bug) is contained (conc.Safely) and returned as a positioned
// internal error on the module.
func Load(ctx context.Context, u load.Unit, opts load.Options) (stacks []*model.Stack, err error) {
	perr := conc.Safely("loading terraform module", func() error {
		stacks, err = loadModule(ctx, u, opts)
		return nil
	})
	if perr != nil {
		return nil, load.Errorf(model.Pos{File: u.Path}, "%v", perr)
	}
	return stacks, err
}

func loadModule(ctx context.Context, u load.Unit, opts load.Options) ([]*model.Stack, error) {
	l := newLoader(ctx, u.Root, opts)
	dir := u.Path
	if dir == "" {
		dir = "."
	}
	files := make(map[string][]byte, len(u.Files))
	for _, f := range u.Files {
		files[f.Path] = f.Data
	}
	m, err := l.parseModule(files, dir, "", 0)
	if err != nil {
		return nil, err
	}
	m.isRoot = true
	l.rootDir = dir
	m.tfvars = l.readTFVars(dir)
	m.run()
	if l.fatal != nil {
		return nil, l.fatal
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load %s: %w", u.Path, err)
	}
	st := &model.Stack{
		ID:     u.Path,
		File:   u.Path,
		Format: model.FormatTerraform,
		Name:   path.Base(dir),
	}
	st.Parameters = m.params
	st.Outputs = m.outs
	st.Includes = model.SortedUnique(l.includes)
	st.Suppressions = l.suppressions(files)
	tr := newTranslator(st, l.insts, l.docs, l.diags)
	tr.data = l.data
	tr.run()
	st.LinkRoleUses()
	st.Sort()
	return []*model.Stack{st}, nil
}

// parseModule parses the files of one module directory and indexes its
// top-level blocks. files maps display paths to contents.
func (l *loader) parseModule(files map[string][]byte, dir, prefix string, depth int) (*module, error) {
	if depth > 0 {
		l.includes = append(l.includes, dir)
	}
	p, err := l.parseFiles(files, dir)
	if err != nil {
		return nil, err
	}
	m := &module{
		l:        l,
		dir:      dir,
		prefix:   prefix,
		depth:    depth,
		index:    p.index,
		cache:    map[string]cty.Value{},
		busy:     map[string]bool{},
		children: map[string]*module{},
	}
	m.funcs = l.functions(m)
	return m, nil
}

// parseFiles parses the files of a module directory, once per Load: a
// module called several times (count, for_each, several examples of one
// module) is parsed once.
func (l *loader) parseFiles(files map[string][]byte, dir string) (parsedDir, error) {
	if p, ok := l.parsed[dir]; ok {
		return p, p.err
	}
	// Parsed modules are shared across the units of a scan: many root
	// modules may call the same local module. The syntax trees are only
	// read after parsing, so sharing them is safe.
	p := l.opts.Cache.Do("terraform-parse\x00"+dir, func() any {
		texts := map[string][]byte{}
		bodies, err := l.parseFilesUncached(files, texts)
		var ix *index
		if err == nil {
			ix = newIndex(bodies)
		}
		return sharedParse{bodies: bodies, index: ix, err: err, texts: texts}
	}).(sharedParse)
	for name, data := range p.texts {
		l.texts[name] = data
	}
	pd := parsedDir{bodies: p.bodies, index: p.index, err: p.err}
	l.parsed[dir] = pd
	return pd, p.err
}

// sharedParse is a module directory's parse, as cached for the whole scan.
type sharedParse struct {
	bodies []*hclsyntax.Body
	index  *index
	err    error
	texts  map[string][]byte
}

func (l *loader) parseFilesUncached(files map[string][]byte, texts map[string][]byte) ([]*hclsyntax.Body, error) {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var bodies []*hclsyntax.Body
	for _, name := range names {
		data := files[name]
		texts[name] = data
		if strings.HasSuffix(name, ".tf.json") {
			conv, err := jsonToHCL(name, data, l.lim.MaxDepth)
			if err != nil {
				return nil, err
			}
			data = conv
			texts[name] = data
		}
		if err := checkDepth(name, data, l.lim.MaxDepth); err != nil {
			return nil, err
		}
		f, diags := hclsyntax.ParseConfig(data, name, hcl.InitialPos)
		if diags.HasErrors() {
			return nil, diagError(diags)
		}
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		l.guardLoops(body)
		bodies = append(bodies, body)
	}
	return bodies, nil
}

type parsedDir struct {
	bodies []*hclsyntax.Body
	index  *index
	err    error
}

// newIndex records what the files of a module directory declare.
func newIndex(bodies []*hclsyntax.Body) *index {
	m := &index{
		vars:      map[string]*hclsyntax.Block{},
		locals:    map[string]*hclsyntax.Attribute{},
		blocks:    map[string]*rblock{},
		calls:     map[string]*hclsyntax.Block{},
		attrRefs:  map[string]map[string]bool{},
		relAttrs:  map[string]bool{},
		outByName: map[string]*hclsyntax.Block{},
		called:    map[string]bool{},
	}
	for _, body := range bodies {
		m.add(body)
	}
	m.finish()
	return m
}

// add records the top-level blocks of one file.
func (m *index) add(body *hclsyntax.Body) {
	for _, b := range body.Blocks {
		switch b.Type {
		case "variable":
			if len(b.Labels) == 1 {
				m.vars[b.Labels[0]] = b
			}
		case "locals":
			for name, a := range b.Body.Attributes {
				m.locals[name] = a
			}
		case "resource", "data":
			if len(b.Labels) != 2 {
				continue
			}
			rb := &rblock{typ: b.Labels[0], name: b.Labels[1], data: b.Type == "data", b: b}
			rb.key = rb.typ + "." + rb.name
			if rb.data {
				rb.key = "data." + rb.key
			}
			if _, dup := m.blocks[rb.key]; !dup {
				m.order = append(m.order, rb.key)
			}
			m.blocks[rb.key] = rb
		case "module":
			if len(b.Labels) == 1 {
				if _, dup := m.calls[b.Labels[0]]; !dup {
					m.callOrder = append(m.callOrder, b.Labels[0])
				}
				m.calls[b.Labels[0]] = b
			}
		case "output":
			if len(b.Labels) == 1 {
				m.outputs = append(m.outputs, b)
				m.outByName[b.Labels[0]] = b
			}
		}
	}
	// Record which attributes of which resources are referenced, so that
	// computed attributes (arn, id, invoke_arn, …) can be given
	// placeholders.
	_ = hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		switch e := n.(type) {
		case *hclsyntax.ScopeTraversalExpr:
			m.noteTraversal(e.Traversal)
		case *hclsyntax.RelativeTraversalExpr:
			m.noteRelAttrs(e.Traversal)
		case *hclsyntax.FunctionCallExpr:
			m.called[e.Name] = true
		}
		return nil
	})
}

// finish adds to relAttrs the attributes read through a root that is
// not a resource type of the module: a for-expression or dynamic-block
// variable (`[for f in aws_lambda_function.fns : f.arn]`).
func (m *index) finish() {
	types := map[string]bool{}
	for _, rb := range m.blocks {
		if !rb.data {
			types[rb.typ] = true
		}
	}
	for _, t := range m.pending {
		if !types[t.RootName()] {
			m.noteRelAttrs(t[1:])
		}
	}
	m.pending = nil
}

func (m *index) noteRelAttrs(steps hcl.Traversal) {
	for _, step := range steps {
		if a, ok := step.(hcl.TraverseAttr); ok {
			m.relAttrs[a.Name] = true
		}
	}
}

func (m *index) noteTraversal(t hcl.Traversal) {
	if len(t) < 2 {
		return
	}
	root := t.RootName()
	// Attributes read straight from a resource or data source are in
	// attrRefs. The other roots hold values that may be resources: a
	// local, a variable, a module output, each.value, self (after the
	// name their steps are attributes), or a for-expression or
	// dynamic-block variable, which cannot be told from a resource type
	// until every file is indexed (see finish).
	switch root {
	case "data":
	case "var", "local", "path", "terraform", "count", "each":
		m.noteRelAttrs(t[2:])
	case "module": // module.NAME[KEY].OUTPUT.attribute
		i := 2
		for i < len(t) {
			_, isAttr := t[i].(hcl.TraverseAttr)
			i++
			if isAttr {
				break
			}
		}
		m.noteRelAttrs(t[i:])
	case "self":
		m.noteRelAttrs(t[1:])
	default:
		m.pending = append(m.pending, t)
	}
	var key string
	rest := t[2:]
	switch root {
	case "var", "local", "path", "terraform", "count", "each", "self":
		return
	case "module":
		key = "module." + attrName(t, 1)
	case "data":
		if len(t) < 3 {
			return
		}
		key = "data." + attrName(t, 1) + "." + attrName(t, 2)
		rest = t[3:]
	default:
		key = root + "." + attrName(t, 1)
	}
	if len(rest) > 0 {
		if _, ok := rest[0].(hcl.TraverseIndex); ok {
			rest = rest[1:]
		}
	}
	if len(rest) == 0 {
		return
	}
	if a, ok := rest[0].(hcl.TraverseAttr); ok {
		set := m.attrRefs[key]
		if set == nil {
			set = map[string]bool{}
			m.attrRefs[key] = set
		}
		// true: the traversal goes on below the attribute (a list or an
		// object), so its placeholder cannot be a string.
		set[a.Name] = set[a.Name] || len(rest) > 1
	}
}

func attrName(t hcl.Traversal, i int) string {
	if i >= len(t) {
		return ""
	}
	if a, ok := t[i].(hcl.TraverseAttr); ok {
		return a.Name
	}
	return ""
}

// checkDepth refuses inputs nested deeper than max brackets, before the
// recursive-descent parser sees them.
func checkDepth(name string, data []byte, max int) error {
	depth, line, col := 0, 1, 0
	for _, c := range data {
		col++
		switch c {
		case '\n':
			line, col = line+1, 0
		case '(', '[', '{':
			depth++
			if depth > max {
				return load.Errorf(model.Pos{File: name, Line: line, Col: col}, "nesting deeper than %d levels", max)
			}
		case ')', ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

// diagError turns the first error of diags into a positioned *load.Error.
func diagError(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		return load.Errorf(rangePos(d.Subject), "%s", diagText(d))
	}
	return load.Errorf(model.Pos{}, "%s", diags.Error())
}

func diagText(d *hcl.Diagnostic) string {
	msg := d.Summary
	if d.Detail != "" {
		msg += ": " + d.Detail
	}
	return msg
}

func rangePos(r *hcl.Range) model.Pos {
	if r == nil {
		return model.Pos{}
	}
	return model.Pos{File: r.Filename, Line: r.Start.Line, Col: r.Start.Column}
}

func exprPos(e hcl.Expression) model.Pos {
	r := e.Range()
	return rangePos(&r)
}

// isLocalSource reports whether a module source is a local path.
func isLocalSource(s string) bool {
	return strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || s == "." || s == ".."
}
