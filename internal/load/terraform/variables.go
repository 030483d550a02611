package terraform

// Input variables: declarations with defaults and types, *.tfvars files
// of the module directory, --var-file files and --param overrides.

import (
	"errors"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// variable returns the value of input variable name: a command-line
// override or tfvars value (root module), the caller's argument (child
// module), the default, or a symbol.
func (m *module) variable(name string) cty.Value {
	b, ok := m.vars[name]
	if !ok {
		return unknown("var."+name, "")
	}
	ty := cty.DynamicPseudoType
	var defVal *cty.Value
	if a, ok := b.Body.Attributes["type"]; ok {
		if t, diags := typeexpr.TypeConstraint(a.Expr); !diags.HasErrors() {
			ty = t
		}
	}
	if a, ok := b.Body.Attributes["default"]; ok {
		v := m.eval(a.Expr, nil)
		defVal = &v
	}
	var v cty.Value
	src := ""
	switch {
	case m.isRoot && hasParam(m.l.opts, name):
		s, _ := m.l.opts.Param(name)
		v = parseVarString(s, ty)
		src = "param"
	case m.isRoot && m.tfvars != nil && m.tfvars[name] != cty.NilVal:
		v = m.tfvars[name]
		src = "tfvars"
	case !m.isRoot && m.argExprs[name] != nil:
		v = m.parent.eval(m.argExprs[name], nil)
		src = "argument"
	case !m.isRoot && m.inputs != nil && m.inputs[name] != cty.NilVal:
		v = m.inputs[name]
		src = "argument"
	case defVal != nil:
		v = *defVal
		src = "default"
	default:
		if ty == cty.String || ty == cty.DynamicPseudoType {
			v = m.l.placeholder("var."+name, "")
		} else {
			v = cty.UnknownVal(ty).Mark(symMark{src: "var." + name})
		}
	}
	if ty != cty.DynamicPseudoType && v.IsKnown() && !v.IsNull() {
		if c, err := convert.Convert(v, ty); err == nil {
			v = c
		} else {
			dr := b.DefRange()
			m.l.diag(model.DiagInfo, rangePos(&dr), "variable %q: %s value does not match its type: %v", name, src, err)
			v = cty.UnknownVal(ty).Mark(symMark{src: "var." + name})
		}
	}
	if m.isRoot {
		p := &model.Parameter{ID: name, Pos: rangePos(&b.TypeRange)}
		if a, ok := b.Body.Attributes["type"]; ok {
			p.Type = m.srcText(a.Expr)
		}
		if a, ok := b.Body.Attributes["default"]; ok && defVal != nil {
			p.Default = m.conv(*defVal, a.Expr, exprPos(a.Expr))
		}
		p.Value = m.conv(v, nil, p.Pos)
		if a, ok := b.Body.Attributes["sensitive"]; ok {
			if s := m.eval(a.Expr, nil); s.IsKnown() && !s.IsNull() && s.Type() == cty.Bool {
				p.NoEcho = s.True()
			}
		}
		m.params = append(m.params, p)
	}
	return v
}

// parseVarString interprets a -var value: as a string for string
// variables, as an HCL expression for other types (as Terraform does).
func parseVarString(s string, ty cty.Type) cty.Value {
	if ty == cty.String || ty == cty.DynamicPseudoType {
		return cty.StringVal(s)
	}
	expr, diags := hclsyntax.ParseExpression([]byte(s), "-var", hcl.InitialPos)
	if diags.HasErrors() {
		return cty.StringVal(s)
	}
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		return cty.StringVal(s)
	}
	return v
}

// readTFVars reads terraform.tfvars and *.auto.tfvars of dir.
func (l *loader) readTFVars(dir string) map[string]cty.Value {
	if l.root == nil {
		return nil
	}
	entries, err := l.root.ReadDir(dir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && (n == "terraform.tfvars" || strings.HasSuffix(n, ".auto.tfvars")) {
			names = append(names, n)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		// terraform.tfvars first, then *.auto.tfvars in lexical order.
		if (names[i] == "terraform.tfvars") != (names[j] == "terraform.tfvars") {
			return names[i] == "terraform.tfvars"
		}
		return names[i] < names[j]
	})
	out := map[string]cty.Value{}
	for _, n := range names {
		p := path.Join(dir, n)
		l.readVarFile(p, out)
	}
	for _, p := range l.opts.VarFiles {
		l.readVarFile(p, out)
	}
	return out
}

func (l *loader) readVarFile(p string, out map[string]cty.Value) {
	data, err := l.root.ReadFile(p)
	if err != nil {
		sev := model.DiagWarning
		if errors.Is(err, load.ErrOutsideRoot) {
			sev = model.DiagError
		}
		l.diag(sev, model.Pos{File: p}, "variable file not read: %v", err)
		return
	}
	f, diags := hclsyntax.ParseConfig(data, p, hcl.InitialPos)
	if diags.HasErrors() {
		l.diag(model.DiagError, load.PosOf(diagError(diags)), "variable file: %s", diagError(diags).(*load.Error).Msg)
		return
	}
	attrs, _ := f.Body.JustAttributes()
	for name, a := range attrs {
		if v, diags := a.Expr.Value(nil); !diags.HasErrors() {
			out[name] = v
		}
	}
}
