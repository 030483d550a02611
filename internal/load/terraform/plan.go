package terraform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/nightlight-sec/nightlight/internal/conc"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

var addressRE = regexp.MustCompile(`"address"\s*:\s*"((?:[^"\\]|\\.)*)"`)

// LoadPlan loads the JSON of `terraform show -json PLANFILE` as one stack
// of format terraform-plan. Planned values are resolved; values known only
// after apply are symbolic, with the references the configuration section
// records for them (so aws_iam_role.r.arn still points at aws_iam_role.r).
//
// A panic (a bug) is contained (conc.Safely) and returned as a positioned
// internal error on the file.
func LoadPlan(ctx context.Context, f load.File, opts load.Options) (st *model.Stack, err error) {
	perr := conc.Safely("loading terraform plan", func() error {
		st, err = loadPlan(ctx, f, opts)
		return nil
	})
	if perr != nil {
		return nil, load.Errorf(model.Pos{File: f.Path}, "%v", perr)
	}
	return st, err
}

func loadPlan(ctx context.Context, f load.File, opts load.Options) (st *model.Stack, err error) {
	lim := opts.Limits.WithDefaults()
	if int64(len(f.Data)) > lim.MaxFileBytes {
		return nil, load.Errorf(model.Pos{File: f.Path}, "plan is %d bytes, over the %d-byte limit", len(f.Data), lim.MaxFileBytes)
	}
	if err := checkDepth(f.Path, f.Data, lim.MaxDepth); err != nil {
		return nil, err
	}
	var plan tfjson.Plan
	plan.UseJSONNumber(true)
	if err := json.Unmarshal(f.Data, &plan); err != nil {
		return nil, jsonError(f, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load %s: %w", f.Path, err)
	}
	p := &planLoader{f: f, lim: lim, lines: lineStarts(f.Data), addrPos: map[string]int{}, exprs: map[string]map[string]*tfjson.Expression{}}
	for _, m := range addressRE.FindAllSubmatchIndex(f.Data, -1) {
		var a string
		if err := json.Unmarshal(f.Data[m[2]-1:m[3]+1], &a); err == nil {
			if _, seen := p.addrPos[a]; !seen {
				p.addrPos[a] = m[0]
			}
		}
	}
	if plan.Config != nil {
		p.indexConfig(plan.Config.RootModule, "", 0)
	}
	st = &model.Stack{ID: f.Path, File: f.Path, Format: model.FormatTerraformPlan}
	unknowns := map[string]any{}
	for _, rc := range plan.ResourceChanges {
		if rc != nil && rc.Change != nil && rc.Mode == tfjson.ManagedResourceMode {
			unknowns[rc.Address] = rc.Change.AfterUnknown
		}
	}
	var insts []*instance
	seen := map[string]bool{}
	if plan.PlannedValues != nil {
		insts = p.walkModule(plan.PlannedValues.RootModule, unknowns, seen, insts, 0)
	}
	// Resources only in resource_changes (no planned values, e.g. entirely
	// unknown) still count.
	for _, rc := range plan.ResourceChanges {
		if rc == nil || rc.Change == nil || rc.Mode != tfjson.ManagedResourceMode || seen[rc.Address] || rc.Change.Actions.Delete() {
			continue
		}
		after, _ := rc.Change.After.(map[string]any)
		insts = append(insts, p.instance(rc.Address, rc.Type, after, rc.Change.AfterUnknown))
		seen[rc.Address] = true
	}
	if len(insts) > lim.MaxResources {
		return nil, load.Errorf(model.Pos{File: f.Path}, "plan has %d resources, over the limit of %d", len(insts), lim.MaxResources)
	}
	names := make([]string, 0, len(plan.Variables))
	for n := range plan.Variables {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v := plan.Variables[n]
		pos := model.Pos{File: f.Path}
		st.Parameters = append(st.Parameters, &model.Parameter{ID: n, Pos: pos, Value: p.value(v.Value, nil, pos, "var."+n, 0)})
	}
	if plan.PlannedValues != nil {
		names = names[:0]
		for n := range plan.PlannedValues.Outputs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			o := plan.PlannedValues.Outputs[n]
			pos := model.Pos{File: f.Path}
			var v *model.Value
			if o.Sensitive {
				v = model.NewSymbol("sensitive output "+n, pos)
			} else {
				v = p.value(o.Value, nil, pos, "output."+n, 0)
			}
			st.Outputs = append(st.Outputs, &model.Output{ID: n, Pos: pos, Value: v})
		}
	}
	tr := newTranslator(st, insts, nil, p.diags)
	tr.run()
	st.LinkRoleUses()
	st.Sort()
	return st, nil
}

type planLoader struct {
	f       load.File
	lim     load.Limits
	lines   []int
	addrPos map[string]int
	// exprs maps configuration addresses (module.a.aws_x.y) to their
	// attribute expressions.
	exprs map[string]map[string]*tfjson.Expression
	diags []model.Diagnostic
	nodes int
}

func jsonError(f load.File, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return load.Errorf(offsetPos(f.Path, lineStarts(f.Data), int(se.Offset)), "invalid plan JSON: %v", err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return load.Errorf(offsetPos(f.Path, lineStarts(f.Data), int(te.Offset)), "invalid plan JSON: %v", err)
	}
	return load.Errorf(model.Pos{File: f.Path, Line: 1, Col: 1}, "invalid plan: %v", err)
}

func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func offsetPos(file string, starts []int, off int) model.Pos {
	i := sort.Search(len(starts), func(i int) bool { return starts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return model.Pos{File: file, Line: i + 1, Col: off - starts[i] + 1}
}

func (p *planLoader) pos(addr string) model.Pos {
	if off, ok := p.addrPos[addr]; ok {
		return offsetPos(p.f.Path, p.lines, off)
	}
	return model.Pos{File: p.f.Path}
}

func (p *planLoader) indexConfig(m *tfjson.ConfigModule, prefix string, depth int) {
	if m == nil || depth > maxModuleDepth {
		return
	}
	for _, r := range m.Resources {
		if r != nil && r.Mode == tfjson.ManagedResourceMode {
			p.exprs[prefix+r.Address] = r.Expressions
		}
	}
	for name, call := range m.ModuleCalls {
		if call != nil {
			p.indexConfig(call.Module, prefix+"module."+name+".", depth+1)
		}
	}
}

func (p *planLoader) walkModule(m *tfjson.StateModule, unknowns map[string]any, seen map[string]bool, insts []*instance, depth int) []*instance {
	if m == nil || depth > maxModuleDepth {
		return insts
	}
	for _, r := range m.Resources {
		if r == nil || r.Mode != tfjson.ManagedResourceMode || seen[r.Address] {
			continue
		}
		seen[r.Address] = true
		insts = append(insts, p.instance(r.Address, r.Type, r.AttributeValues, unknowns[r.Address]))
	}
	for _, c := range m.ChildModules {
		insts = p.walkModule(c, unknowns, seen, insts, depth+1)
	}
	return insts
}

// configAddr strips instance keys from a resource address:
// module.a["x"].aws_b.c[0] → module.a.aws_b.c.
func configAddr(addr string) string {
	var b strings.Builder
	depth := 0
	inStr := false
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case inStr:
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
		case c == '"' && depth > 0:
			inStr = true
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// modulePrefix returns the module part of a resource address, with a
// trailing dot, or "".
func modulePrefix(addr string) string {
	ca := configAddr(addr)
	parts := strings.Split(ca, ".")
	if len(parts) <= 2 {
		return ""
	}
	// The instance address keeps the module instance keys.
	i := strings.LastIndex(addr, "."+parts[len(parts)-2]+".")
	if i < 0 {
		return ""
	}
	return addr[:i+1]
}

func (p *planLoader) instance(addr, typ string, attrs map[string]any, unknown any) *instance {
	pos := p.pos(addr)
	exprs := p.exprs[configAddr(addr)]
	props := model.NewMap(nil, pos)
	um, _ := unknown.(map[string]any)
	keys := map[string]bool{}
	for k := range attrs {
		keys[k] = true
	}
	for k, u := range um {
		if isTrueAny(u) || u != nil {
			keys[k] = true
		}
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	mod := modulePrefix(addr)
	for _, k := range sorted {
		var refs []string
		if e := exprs[k]; e != nil && e.ExpressionData != nil {
			refs = e.References
		}
		v := p.valueRefs(attrs[k], um[k], pos, addr+"."+k, refs, mod, 0)
		if v == nil {
			continue
		}
		props.Fields = append(props.Fields, model.Field{Key: k, KeyPos: pos, Value: v})
		props.Unresolved = props.Unresolved || v.Unresolved
	}
	return &instance{addr: addr, typ: typ, pos: pos, props: props}
}

func isTrueAny(x any) bool { b, ok := x.(bool); return ok && b }

// valueRefs converts a planned value; where unknown marks it as known only
// after apply, the result is a symbol naming the configuration's first
// reference and pointing at the referenced resource.
func (p *planLoader) valueRefs(x, unknown any, pos model.Pos, src string, refs []string, mod string, depth int) *model.Value {
	if isTrueAny(unknown) {
		if len(refs) > 0 {
			ref := ""
			for _, r := range refs {
				if a := resourceOfRef(r); a != "" {
					ref = mod + a
					break
				}
			}
			return model.NewSymbol(mod+refs[0], pos, ref)
		}
		return model.NewSymbol(src+" (known after apply)", pos)
	}
	if x == nil && unknown == nil {
		return nil
	}
	return p.value(x, unknown, pos, src, depth)
}

// resourceOfRef returns the resource address of a configuration reference
// (aws_iam_role.r.arn → aws_iam_role.r), or "" for var./local./data. ones.
func resourceOfRef(r string) string {
	parts := strings.Split(configAddr(r), ".")
	if len(parts) < 2 {
		return ""
	}
	switch parts[0] {
	case "var", "local", "data", "path", "each", "count", "module", "self", "terraform":
		return ""
	}
	return parts[0] + "." + parts[1]
}

func (p *planLoader) value(x, unknown any, pos model.Pos, src string, depth int) *model.Value {
	p.nodes++
	if depth > p.lim.MaxDepth || p.nodes > p.lim.MaxNodes {
		return model.NewSymbol("value too large", pos)
	}
	if isTrueAny(unknown) {
		return model.NewSymbol(src+" (known after apply)", pos)
	}
	switch x := x.(type) {
	case nil:
		return &model.Value{Kind: model.Null, Pos: pos}
	case bool:
		return model.NewBool(x, pos)
	case json.Number:
		return model.NewNumber(x.String(), pos)
	case float64:
		return model.NewNumber(fmt.Sprint(x), pos)
	case string:
		return model.NewString(x, pos)
	case []any:
		ul, _ := unknown.([]any)
		out := model.NewList(nil, pos)
		n := len(x)
		if len(ul) > n {
			n = len(ul)
		}
		for i := 0; i < n; i++ {
			var xi, ui any
			if i < len(x) {
				xi = x[i]
			}
			if i < len(ul) {
				ui = ul[i]
			}
			v := p.value(xi, ui, pos, fmt.Sprintf("%s[%d]", src, i), depth+1)
			out.Items = append(out.Items, v)
			out.Unresolved = out.Unresolved || v.Unresolved
		}
		return out
	case map[string]any:
		um, _ := unknown.(map[string]any)
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		for k, u := range um {
			if _, ok := x[k]; !ok && isTrueAny(u) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		out := model.NewMap(nil, pos)
		for _, k := range keys {
			v := p.value(x[k], um[k], pos, src+"."+k, depth+1)
			out.Fields = append(out.Fields, model.Field{Key: k, KeyPos: pos, Value: v})
			out.Unresolved = out.Unresolved || v.Unresolved
		}
		return out
	}
	return model.NewSymbol(src, pos)
}
