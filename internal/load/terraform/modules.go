package terraform

// Module calls: local child modules (read through the root sandbox),
// their outputs, and modules that cannot be read.

import (
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// moduleCall evaluates a module block: a local child module is loaded and
// evaluated with the block's arguments; any other source is recorded as
// unresolved and its outputs are symbols.
func (m *module) moduleCall(name string) cty.Value {
	b, ok := m.calls[name]
	if !ok {
		return unknown("module."+name, "")
	}
	addr := m.prefix + "module." + name
	if m.plainCall(name) {
		c := m.childOf(name)
		if c == nil {
			return m.unresolvedModule(addr, name)
		}
		c.run()
		return cty.ObjectVal(c.outVals)
	}
	dir, files, pos, ok := m.moduleSource(name)
	if !ok {
		return m.unresolvedModule(addr, name)
	}
	exps, shape := m.expand(b.Body, addr, pos)
	var vals []cty.Value
	keys := map[string]cty.Value{}
	for _, e := range exps {
		child, err := m.l.parseModule(files, dir, addr+e.suffix+".", m.depth+1)
		if err != nil {
			m.l.diag(model.DiagError, load.PosOf(err), "module %s: %v", addr, errMsg(err))
			return m.unresolvedModule(addr, name)
		}
		child.inputs = map[string]cty.Value{}
		for _, a := range sortedAttrs(b.Body) {
			if metaArgs[a.Name] {
				continue
			}
			child.inputs[a.Name] = m.eval(a.Expr, e.sc)
		}
		child.run()
		v := cty.ObjectVal(child.outVals)
		vals = append(vals, v)
		if strings.HasPrefix(e.suffix, "[\"") {
			k, _ := strconv.Unquote(e.suffix[1 : len(e.suffix)-1])
			keys[k] = v
		}
		if m.l.stopped() {
			break
		}
	}
	switch shape {
	case "count":
		return cty.TupleVal(vals)
	case "for_each":
		return cty.ObjectVal(keys)
	}
	if len(vals) == 1 {
		return vals[0]
	}
	return unknown(addr, "")
}

// plainCall reports whether module call name exists and has neither count
// nor for_each: its outputs can then be evaluated one by one.
func (m *module) plainCall(name string) bool {
	b := m.calls[name]
	return b != nil && b.Body.Attributes["count"] == nil && b.Body.Attributes["for_each"] == nil
}

// moduleSource resolves and reads the source of module call name,
// reporting why when it is not followed.
func (m *module) moduleSource(name string) (dir string, files map[string][]byte, pos model.Pos, ok bool) {
	b := m.calls[name]
	addr := m.prefix + "module." + name
	src := ""
	pos = rangePos(&b.TypeRange)
	if a, ok := b.Body.Attributes["source"]; ok {
		pos = exprPos(a.Expr)
		if v := m.eval(a.Expr, nil); v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
			src = v.AsString()
		}
	}
	if !isLocalSource(src) {
		m.l.diag(model.DiagInfo, pos, "module %s: source %q is not a local path; not fetched, its outputs are unresolved", addr, src)
		return "", nil, pos, false
	}
	if m.depth+1 > maxModuleDepth {
		m.l.diag(model.DiagWarning, pos, "module %s: nested deeper than %d modules; not followed", addr, maxModuleDepth)
		return "", nil, pos, false
	}
	dir, err := m.l.resolve(m.dir, src)
	if err != nil {
		m.l.diag(model.DiagError, pos, "module %s: source %q: %v", addr, src, err)
		return "", nil, pos, false
	}
	files, err = m.l.moduleFiles(dir)
	if err != nil {
		sev := model.DiagWarning
		if errors.Is(err, load.ErrOutsideRoot) {
			sev = model.DiagError
		}
		m.l.diag(sev, pos, "module %s: source %q not read: %v", addr, src, err)
		return "", nil, pos, false
	}
	return dir, files, pos, true
}

// childOf returns the module instance of plain call name, created on first
// use with its arguments evaluated when the child first needs them, or nil
// when the call is not followed.
func (m *module) childOf(name string) *module {
	if c, ok := m.children[name]; ok {
		return c
	}
	m.children[name] = nil
	dir, files, _, ok := m.moduleSource(name)
	if !ok {
		return nil
	}
	addr := m.prefix + "module." + name
	c, err := m.l.parseModule(files, dir, addr+".", m.depth+1)
	if err != nil {
		m.l.diag(model.DiagError, load.PosOf(err), "module %s: %v", addr, errMsg(err))
		return nil
	}
	c.parent = m
	c.argExprs = map[string]hclsyntax.Expression{}
	for an, a := range m.calls[name].Body.Attributes {
		if !metaArgs[an] {
			c.argExprs[an] = a.Expr
		}
	}
	m.children[name] = c
	return c
}

// moduleOutput returns one output of a plain module call.
func (m *module) moduleOutput(call, out string) cty.Value {
	addr := m.prefix + "module." + call
	c := m.childOf(call)
	if c == nil {
		if m.attrRefs["module."+call][out] || collectionAttr(out) {
			return unknown(addr+"."+out, "")
		}
		return m.l.placeholder(addr+"."+out, "")
	}
	return c.lookup("output." + out)
}

func errMsg(err error) string {
	var le *load.Error
	if errors.As(err, &le) {
		return le.Msg
	}
	return err.Error()
}

func (m *module) unresolvedModule(addr, name string) cty.Value {
	attrs := map[string]cty.Value{}
	if b := m.calls[name]; b != nil && (b.Body.Attributes["count"] != nil || b.Body.Attributes["for_each"] != nil) {
		return unknown(addr, "")
	}
	for k, deep := range m.attrRefs["module."+name] {
		if deep || collectionAttr(k) {
			attrs[k] = unknown(addr+"."+k, "")
		} else {
			attrs[k] = m.l.placeholder(addr+"."+k, "")
		}
	}
	return cty.ObjectVal(attrs)
}

// moduleFiles reads the .tf files of a child module directory.
func (l *loader) moduleFiles(dir string) (map[string][]byte, error) {
	if files, ok := l.dirFiles[dir]; ok {
		return files, nil
	}
	if l.root == nil {
		return nil, fmt.Errorf("no file access")
	}
	entries, err := l.root.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !(strings.HasSuffix(n, ".tf") || strings.HasSuffix(n, ".tf.json")) {
			continue
		}
		p := path.Join(dir, n)
		data, err := l.root.ReadFile(p)
		if err != nil {
			return nil, err
		}
		files[p] = data
	}
	l.dirFiles[dir] = files
	return files, nil
}
