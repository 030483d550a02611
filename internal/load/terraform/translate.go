package terraform

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// translator turns resource instances into the typed model objects of a
// stack. It is shared by the HCL and plan loaders.
type translator struct {
	st    *model.Stack
	insts []*instance
	byID  map[string]*instance
	docs  map[string]*model.Value
	// pending are actions to run once every object exists (attachments,
	// permissions, links by name).
	pending []func()
	// final are actions that need every pending action done (routes copy
	// their API's stage settings).
	final    []func()
	fnByName map[string]*model.Function
	// data holds data source arguments by address (HCL only).
	data map[string]*model.Value
	// appAuth is the app-wide authentication of Azure function apps.
	appAuth map[string]model.Auth
}

func newTranslator(st *model.Stack, insts []*instance, docs map[string]*model.Value, diags []model.Diagnostic) *translator {
	// Evaluation order can follow map order (module arguments); sort so that
	// the output does not.
	diags = append([]model.Diagnostic(nil), diags...)
	sort.SliceStable(diags, func(i, j int) bool { return diags[i].Message < diags[j].Message })
	st.Diagnostics = append(st.Diagnostics, diags...)
	insts = append([]*instance(nil), insts...)
	sort.SliceStable(insts, func(i, j int) bool { return insts[i].addr < insts[j].addr })
	t := &translator{st: st, insts: insts, byID: map[string]*instance{}, docs: docs, fnByName: map[string]*model.Function{}, appAuth: map[string]model.Auth{}}
	for _, in := range insts {
		t.byID[in.addr] = in
	}
	return t
}

// run translates every instance and sets the stack's provider.
func (t *translator) run() {
	counts := map[model.Provider]int{}
	for _, in := range t.insts {
		r := &model.Resource{ID: in.addr, Type: in.typ, Pos: in.pos, Properties: in.props}
		r.Tags = tagsOf(in.props.Get("tags"))
		t.st.Resources = append(t.st.Resources, r)
		switch {
		case strings.HasPrefix(in.typ, "aws_"):
			counts[model.AWS]++
			t.aws(in)
		case strings.HasPrefix(in.typ, "google_"):
			counts[model.Google]++
			t.google(in)
		case strings.HasPrefix(in.typ, "azurerm_"):
			counts[model.Azure]++
			t.azure(in)
		}
	}
	for i := 0; i < len(t.pending); i++ {
		t.pending[i]()
	}
	for i := 0; i < len(t.final); i++ {
		t.final[i]()
	}
	// The dominant provider is the one with the most functions, then the
	// most resources.
	fns := map[model.Provider]int{}
	for _, f := range t.st.Functions {
		if in := t.byID[f.ID]; in != nil {
			fns[providerOf(in.typ)]++
		}
	}
	t.st.Provider = model.AWS
	best := 0
	for _, p := range []model.Provider{model.AWS, model.Google, model.Azure} {
		if score := fns[p]*1_000_000 + counts[p]; score > best {
			t.st.Provider, best = p, score
		}
	}
}

func (t *translator) later(fn func()) { t.pending = append(t.pending, fn) }

func (t *translator) last(fn func()) { t.final = append(t.final, fn) }

func tagsOf(v *model.Value) []model.Tag {
	if v == nil || v.Kind != model.Map {
		return nil
	}
	var out []model.Tag
	for _, f := range v.Fields {
		out = append(out, model.Tag{Key: f.Key, Value: f.Value})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// get follows keys through maps, taking the first element of lists (a
// nested block), and returns nil when a step is missing.
func get(v *model.Value, keys ...string) *model.Value {
	for _, k := range keys {
		if v != nil && v.Kind == model.List {
			if len(v.Items) == 0 {
				return nil
			}
			v = v.Items[0]
		}
		v = v.Get(k)
		if v == nil {
			return nil
		}
	}
	if v != nil && v.Kind == model.Null {
		return nil
	}
	return v
}

// first returns the first element of a list (a nested block), or v.
func first(v *model.Value) *model.Value {
	if v != nil && v.Kind == model.List {
		if len(v.Items) == 0 {
			return nil
		}
		return v.Items[0]
	}
	return v
}

// ref returns the first instance v refers to whose type is one of types
// (any type when none are given), or "".
func (t *translator) ref(v *model.Value, types ...string) string {
	for _, r := range v.AllRefs() {
		in, ok := t.byID[r]
		if !ok {
			continue
		}
		if len(types) == 0 {
			return r
		}
		for _, ty := range types {
			if in.typ == ty {
				return r
			}
		}
	}
	return ""
}

// doc returns a policy document from an attribute: JSON text (from
// jsonencode, a heredoc, an aws_iam_policy_document) or a map.
func (t *translator) doc(v *model.Value) *model.Value {
	if v == nil || v.Kind == model.Null {
		return nil
	}
	switch v.Kind {
	case model.Map:
		return v
	case model.String:
		if d, ok := t.docs[v.Str]; ok {
			return d
		}
		if d, ok := decodeJSON(v.Str, v.Pos, v); ok {
			return d
		}
	}
	return v
}

// decodeJSON decodes JSON text at pos; strings inside that contain the
// placeholders of orig stay symbolic with orig's references.
func decodeJSON(s string, pos model.Pos, orig *model.Value) (*model.Value, bool) {
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
	return fromJSONRefs(x, pos, orig, 0), true
}

func fromJSONRefs(x any, pos model.Pos, orig *model.Value, depth int) *model.Value {
	return jsonValue(x, pos, depth, 200, func(x string, pos model.Pos) *model.Value {
		if orig != nil && orig.Unresolved && strings.Contains(x, "${") {
			if x == orig.Str {
				return orig
			}
			var refs []string
			for _, r := range orig.Refs {
				if strings.Contains(x, "${"+r) {
					refs = append(refs, r)
				}
			}
			return &model.Value{Kind: model.String, Str: x, Pos: pos, Unresolved: true, Source: orig.Source, Refs: model.SortedUnique(refs)}
		}
		return model.NewString(x, pos)
	})
}

// envVars turns a map value into environment variables.
func envVars(v *model.Value) []model.EnvVar {
	if v == nil || v.Kind != model.Map {
		return nil
	}
	var out []model.EnvVar
	for _, f := range v.Fields {
		out = append(out, model.EnvVar{Name: f.Key, Pos: f.KeyPos, Value: f.Value})
	}
	return out
}

// strs returns the scalar strings of v.
func strs(v *model.Value) []string { return v.AsStrings() }

// boolOf returns the boolean value of v and whether it is known.
func boolOf(v *model.Value) (bool, bool) { return v.AsBool() }

func sym(src string, pos model.Pos, ref string) *model.Value {
	return model.NewSymbol(src, pos, ref)
}

func providerOf(typ string) model.Provider {
	switch {
	case strings.HasPrefix(typ, "google_"):
		return model.Google
	case strings.HasPrefix(typ, "azurerm_"):
		return model.Azure
	}
	return model.AWS
}
