package cfn

import (
	"encoding/json"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// tri is a three-valued truth: conditions over unknown parameters are
// neither true nor false.
type tri int8

const (
	triUnknown tri = iota
	triTrue
	triFalse
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// noValue marks AWS::NoValue: the property is removed.
var noValue = &model.Value{Kind: model.Null, Source: "AWS::NoValue"}

var pseudoParams = map[string]bool{
	"AWS::AccountId": true, "AWS::NotificationARNs": true, "AWS::NoValue": true, "AWS::Partition": true,
	"AWS::Region": true, "AWS::StackId": true, "AWS::StackName": true, "AWS::URLSuffix": true,
}

// Resolve evaluates the intrinsic functions in v and returns the resolved
// value. Intrinsics that cannot be evaluated statically yield symbolic
// values; errors (unknown functions, malformed arguments) are recorded on
// the template and yield symbols too. Resolve never returns noValue.
func (t *Template) Resolve(v *model.Value) *model.Value {
	r := t.resolve(v)
	if r == noValue {
		return nil
	}
	return r
}

func (t *Template) resolve(v *model.Value) *model.Value {
	if v == nil {
		return nil
	}
	t.steps++
	if t.steps > t.limits.MaxResolveSteps {
		if t.steps == t.limits.MaxResolveSteps+1 {
			t.Errorf(v.Pos, "template needs more than %d resolution steps; giving up", t.limits.MaxResolveSteps)
		}
		return model.NewSymbol("resolution limit", v.Pos)
	}
	switch v.Kind {
	case model.List:
		items := make([]*model.Value, 0, len(v.Items))
		unresolved := false
		for _, it := range v.Items {
			r := t.resolve(it)
			if r == noValue {
				continue
			}
			unresolved = unresolved || (r != nil && r.Unresolved)
			items = append(items, r)
		}
		out := model.NewList(items, v.Pos)
		out.Unresolved = unresolved
		return out
	case model.Map:
		if len(v.Fields) == 1 {
			k := v.Fields[0].Key
			if k == "Ref" || strings.HasPrefix(k, "Fn::") {
				return t.intrinsic(k, v.Fields[0].Value, v.Pos)
			}
		}
		fields := make([]model.Field, 0, len(v.Fields))
		unresolved := false
		for _, f := range v.Fields {
			r := t.resolve(f.Value)
			if r == noValue {
				continue
			}
			unresolved = unresolved || (r != nil && r.Unresolved)
			fields = append(fields, model.Field{Key: f.Key, KeyPos: f.KeyPos, Value: r})
		}
		out := model.NewMap(fields, v.Pos)
		out.Unresolved = unresolved
		return out
	}
	return v
}

// at returns a shallow copy of v positioned at pos (where it is used).
func at(v *model.Value, pos model.Pos) *model.Value {
	if v == nil || v == noValue {
		return v
	}
	c := *v
	c.Pos = pos
	return &c
}

func (t *Template) intrinsic(fn string, arg *model.Value, pos model.Pos) *model.Value {
	switch fn {
	case "Ref":
		return t.ref(t.scalarArg(fn, arg, pos), pos)
	case "Fn::GetAtt":
		return t.getAtt(arg, pos)
	case "Fn::Sub":
		return t.sub(arg, pos)
	case "Fn::Join":
		return t.join(arg, pos)
	case "Fn::Select":
		return t.selectFn(arg, pos)
	case "Fn::Split":
		return t.split(arg, pos)
	case "Fn::FindInMap":
		return t.findInMap(arg, pos)
	case "Fn::If":
		return t.ifFn(arg, pos)
	case "Fn::ImportValue":
		name := t.resolve(arg)
		s := model.NewSymbol("!ImportValue "+name.String(), pos, name.AllRefs()...)
		s.Str = "${ImportValue:" + name.String() + "}"
		return s
	case "Fn::Base64":
		// Encoding happens at deploy time; keep the plain text, which is
		// what rules (secrets, inline code) want to read.
		return at(t.resolve(arg), pos)
	case "Fn::GetAZs":
		return model.NewSymbol("!GetAZs", pos)
	case "Fn::Cidr":
		return model.NewSymbol("!Cidr", pos, t.resolve(arg).AllRefs()...)
	case "Fn::Length":
		r := t.resolve(arg)
		if r != nil && r.Kind == model.List && !r.Unresolved {
			return model.NewNumber(itoa(len(r.Items)), pos)
		}
		return model.NewSymbol("!Length", pos, r.AllRefs()...)
	case "Fn::ToJsonString":
		r := t.resolve(arg)
		j, _ := r.MarshalJSON()
		out := model.NewString(string(j), pos)
		if r.Unresolved {
			out.Unresolved, out.Source, out.Refs = true, "!ToJsonString", r.AllRefs()
		}
		return out
	case "Fn::Transform":
		name := arg.Get("Name").String()
		loc := t.resolve(arg.Path("Parameters", "Location")).String()
		t.Infof(pos, "Fn::Transform %s %s is not expanded (nightlight does not fetch included files)", name, loc)
		return model.NewSymbol("Fn::Transform "+name+" "+loc, pos)
	case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not":
		switch t.condExpr(fn, arg, pos) {
		case triTrue:
			return model.NewBool(true, pos)
		case triFalse:
			return model.NewBool(false, pos)
		}
		return model.NewSymbol(fn, pos)
	case "Fn::GetParam":
		return model.NewSymbol("Fn::GetParam", pos)
	case "Fn::ForEach":
		t.Errorf(pos, "Fn::ForEach (AWS::LanguageExtensions) is not supported yet")
		return model.NewSymbol("Fn::ForEach", pos)
	}
	t.Errorf(pos, "unknown intrinsic function %s", fn)
	return model.NewSymbol(fn, pos)
}

// scalarArg resolves an intrinsic's argument that must be a string.
func (t *Template) scalarArg(fn string, arg *model.Value, pos model.Pos) string {
	r := t.resolve(arg)
	if r == nil || r == noValue {
		t.Errorf(pos, "%s needs a name, got nothing", fn)
		return ""
	}
	switch r.Kind {
	case model.String, model.Number, model.Bool:
		return r.Str
	case model.Symbolic:
		return r.Str
	}
	t.Errorf(pos, "%s needs a name, got %s", fn, r.Kind)
	return ""
}

func (t *Template) ref(name string, pos model.Pos) *model.Value {
	if name == "" {
		return model.NewSymbol("Ref", pos)
	}
	if v, ok := t.params[name]; ok {
		return at(v, pos)
	}
	if pseudoParams[name] {
		if name == "AWS::NoValue" {
			return noValue
		}
		s := model.NewSymbol(name, pos)
		return s
	}
	// A resource (declared, or generated by SAM or the Serverless
	// Framework: MyFunctionRole, ServerlessRestApi, …). Its physical name
	// or ARN is only known after deployment. SAM's !Ref MyFunction.Alias
	// and !Ref MyFunction.Version name the function's generated alias and
	// version: they refer to the function.
	id := name
	if base, attr, ok := strings.Cut(name, "."); ok && (attr == "Alias" || attr == "Version") {
		id = base
	}
	s := model.NewSymbol("!Ref "+name, pos, t.renamed(id))
	s.Str = "${" + name + "}"
	return s
}

// renamed is the model ID of the resource a reference names.
func (t *Template) renamed(id string) string {
	if to, ok := t.rename[id]; ok {
		return to
	}
	return id
}

func (t *Template) getAtt(arg *model.Value, pos model.Pos) *model.Value {
	a := t.resolve(arg)
	var res, attr string
	switch {
	case a != nil && a.Kind == model.List && len(a.Items) >= 2:
		res = a.Items[0].String()
		parts := make([]string, 0, len(a.Items)-1)
		for _, it := range a.Items[1:] {
			parts = append(parts, it.String())
		}
		attr = strings.Join(parts, ".")
	case a != nil && a.Kind == model.String:
		var ok bool
		res, attr, ok = strings.Cut(a.Str, ".")
		if !ok {
			t.Errorf(pos, "Fn::GetAtt %q: want Resource.Attribute", a.Str)
		}
	default:
		t.Errorf(pos, "Fn::GetAtt needs [Resource, Attribute], got %s", yamlKind(a))
		return model.NewSymbol("Fn::GetAtt", pos)
	}
	s := model.NewSymbol("!GetAtt "+res+"."+attr, pos, t.renamed(res))
	s.Str = "${" + res + "." + attr + "}"
	return s
}

func yamlKind(v *model.Value) string {
	if v == nil {
		return "nothing"
	}
	return v.Kind.String()
}

// sub evaluates Fn::Sub: "${Name}", "${Res.Attr}", "${!Literal}" and the
// optional variable map.
func (t *Template) sub(arg *model.Value, pos model.Pos) *model.Value {
	var tmpl *model.Value
	var vars *model.Value
	switch {
	case arg != nil && arg.Kind == model.String:
		tmpl = arg
	case arg != nil && arg.Kind == model.List && len(arg.Items) == 2:
		tmpl = t.resolve(arg.Items[0])
		vars = arg.Items[1]
	default:
		t.Errorf(pos, "Fn::Sub needs a string or [string, {variables}], got %s", yamlKind(arg))
		return model.NewSymbol("Fn::Sub", pos)
	}
	if tmpl == nil || tmpl.Kind != model.String {
		if tmpl != nil && tmpl.Kind == model.Symbolic {
			return at(tmpl, pos)
		}
		t.Errorf(pos, "Fn::Sub template must be a string")
		return model.NewSymbol("Fn::Sub", pos)
	}
	s := tmpl.Str
	var b strings.Builder
	var refs []string
	unresolved := tmpl.Unresolved
	refs = append(refs, tmpl.Refs...)
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		rest := s[i+2:]
		if strings.HasPrefix(rest, "!") {
			b.WriteString("${")
			s = rest[1:]
			continue
		}
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		name := strings.TrimSpace(rest[:j])
		s = rest[j+1:]
		var val *model.Value
		if vars != nil && vars.Has(name) {
			val = t.resolve(vars.Get(name))
		} else if strings.Contains(name, ".") && !pseudoParams[name] {
			res, attr, _ := strings.Cut(name, ".")
			val = model.NewSymbol("!GetAtt "+name, pos, t.renamed(res))
			val.Str = "${" + res + "." + attr + "}"
		} else {
			val = t.ref(name, pos)
		}
		if val == noValue {
			continue
		}
		if val == nil {
			unresolved = true
			b.WriteString("${" + name + "}")
			continue
		}
		switch val.Kind {
		case model.String, model.Number, model.Bool, model.Symbolic:
			b.WriteString(val.Str)
		case model.List:
			// A list parameter substituted into a string: joined by
			// commas, as CloudFormation does for CommaDelimitedList.
			b.WriteString(strings.Join(val.AsStrings(), ","))
		default:
			b.WriteString("${" + name + "}")
			unresolved = true
		}
		if val.Unresolved {
			unresolved = true
		}
		refs = append(refs, val.AllRefs()...)
	}
	out := model.NewString(b.String(), pos)
	if unresolved {
		out.Unresolved = true
		out.Source = "!Sub " + tmpl.Str
		out.Refs = model.SortedUnique(refs)
	} else if len(refs) > 0 {
		out.Refs = model.SortedUnique(refs)
	}
	return out
}

func (t *Template) join(arg *model.Value, pos model.Pos) *model.Value {
	a := t.resolve(arg)
	if a == nil || a.Kind != model.List || len(a.Items) != 2 {
		t.Errorf(pos, "Fn::Join needs [delimiter, [values]], got %s", yamlKind(a))
		return model.NewSymbol("Fn::Join", pos)
	}
	delim := a.Items[0].String()
	list := a.Items[1]
	if list.Kind == model.Symbolic {
		return model.NewSymbol("!Join "+delim, pos, list.AllRefs()...)
	}
	if list.Kind != model.List {
		t.Errorf(list.Pos, "Fn::Join needs a list of values, got %s", list.Kind)
		return model.NewSymbol("Fn::Join", pos)
	}
	parts := make([]string, 0, len(list.Items))
	for _, it := range list.Items {
		switch it.Kind {
		case model.List:
			parts = append(parts, strings.Join(it.AsStrings(), delim))
		case model.Map:
			t.Errorf(it.Pos, "Fn::Join cannot join a mapping")
			parts = append(parts, "${?}")
		default:
			parts = append(parts, it.String())
		}
	}
	out := model.NewString(strings.Join(parts, delim), pos)
	if a.Unresolved {
		out.Unresolved = true
		out.Source = "!Join"
	}
	out.Refs = a.AllRefs()
	return out
}

func (t *Template) selectFn(arg *model.Value, pos model.Pos) *model.Value {
	a := t.resolve(arg)
	if a == nil || a.Kind != model.List || len(a.Items) != 2 {
		t.Errorf(pos, "Fn::Select needs [index, [values]], got %s", yamlKind(a))
		return model.NewSymbol("Fn::Select", pos)
	}
	idx, ok := a.Items[0].AsInt()
	list := a.Items[1]
	if !ok || list.Kind != model.List {
		return model.NewSymbol("!Select", pos, a.AllRefs()...)
	}
	if idx < 0 || int(idx) >= len(list.Items) {
		t.Errorf(pos, "Fn::Select index %d out of range (list has %d values)", idx, len(list.Items))
		return model.NewSymbol("!Select", pos)
	}
	return at(list.Items[idx], pos)
}

func (t *Template) split(arg *model.Value, pos model.Pos) *model.Value {
	a := t.resolve(arg)
	if a == nil || a.Kind != model.List || len(a.Items) != 2 {
		t.Errorf(pos, "Fn::Split needs [delimiter, string], got %s", yamlKind(a))
		return model.NewSymbol("Fn::Split", pos)
	}
	delim, src := a.Items[0].String(), a.Items[1]
	if !src.IsResolved() || src.Kind != model.String || delim == "" {
		return model.NewSymbol("!Split "+delim, pos, a.AllRefs()...)
	}
	var items []*model.Value
	for _, s := range strings.Split(src.Str, delim) {
		items = append(items, model.NewString(s, pos))
	}
	return model.NewList(items, pos)
}

func (t *Template) findInMap(arg *model.Value, pos model.Pos) *model.Value {
	a := t.resolve(arg)
	if a == nil || a.Kind != model.List || len(a.Items) < 3 {
		t.Errorf(pos, "Fn::FindInMap needs [map, key, key], got %s", yamlKind(a))
		return model.NewSymbol("Fn::FindInMap", pos)
	}
	var deflt *model.Value
	if len(a.Items) == 4 {
		deflt = a.Items[3].Get("DefaultValue")
	}
	mapName, k1, k2 := a.Items[0], a.Items[1], a.Items[2]
	if !mapName.IsResolved() || !k1.IsResolved() || !k2.IsResolved() {
		if deflt != nil {
			return at(deflt, pos)
		}
		return model.NewSymbol("!FindInMap "+mapName.String()+" "+k1.String()+" "+k2.String(), pos, a.AllRefs()...)
	}
	m := t.mappings.Get(mapName.String())
	if m == nil {
		t.Errorf(pos, "Fn::FindInMap: no mapping %q", mapName.String())
		return model.NewSymbol("!FindInMap", pos)
	}
	v := m.Path(k1.String(), k2.String())
	if v == nil {
		if deflt != nil {
			return at(deflt, pos)
		}
		t.Errorf(pos, "Fn::FindInMap: mapping %s has no %s.%s", mapName.String(), k1.String(), k2.String())
		return model.NewSymbol("!FindInMap", pos)
	}
	return at(t.resolve(v), pos)
}

func (t *Template) ifFn(arg *model.Value, pos model.Pos) *model.Value {
	if arg == nil || arg.Kind != model.List || len(arg.Items) != 3 {
		t.Errorf(pos, "Fn::If needs [condition, then, else], got %s", yamlKind(arg))
		return model.NewSymbol("Fn::If", pos)
	}
	name := arg.Items[0].String()
	switch t.Condition(name, arg.Items[0].Pos) {
	case triTrue:
		return t.resolve(arg.Items[1])
	case triFalse:
		return t.resolve(arg.Items[2])
	}
	// Undecidable: over-approximate with the first branch that sets a
	// value, marked unresolved so rules lower their confidence.
	a := t.resolve(arg.Items[1])
	b := t.resolve(arg.Items[2])
	pick := a
	if pick == noValue || pick == nil {
		pick = b
	}
	if pick == noValue || pick == nil {
		return noValue
	}
	c := *pick
	c.Unresolved = true
	if c.Source == "" {
		c.Source = "!If " + name
	}
	c.Refs = model.SortedUnique(append(append([]string{}, pick.Refs...), b.AllRefs()...))
	return &c
}

// Condition evaluates the named condition.
func (t *Template) Condition(name string, pos model.Pos) tri {
	if st, ok := t.condState[name]; ok {
		return st
	}
	expr, ok := t.conditions[name]
	if !ok {
		t.Errorf(pos, "condition %q is not defined in Conditions", name)
		return triUnknown
	}
	if t.condBusy[name] {
		t.Errorf(pos, "condition %q refers to itself (circular condition)", name)
		return triUnknown
	}
	t.condBusy[name] = true
	st := t.cond(expr)
	delete(t.condBusy, name)
	t.condState[name] = st
	return st
}

func (t *Template) cond(v *model.Value) tri {
	if v == nil || v.Kind != model.Map || len(v.Fields) != 1 {
		if b, ok := v.AsBool(); ok {
			return triOf(b)
		}
		return triUnknown
	}
	k, arg := v.Fields[0].Key, v.Fields[0].Value
	if k == "Condition" {
		return t.Condition(arg.String(), arg.Pos)
	}
	return t.condExpr(k, arg, v.Pos)
}

func (t *Template) condExpr(fn string, arg *model.Value, pos model.Pos) tri {
	switch fn {
	case "Fn::Equals":
		if arg == nil || arg.Kind != model.List || len(arg.Items) != 2 {
			t.Errorf(pos, "Fn::Equals needs two values")
			return triUnknown
		}
		a, b := t.resolve(arg.Items[0]), t.resolve(arg.Items[1])
		if !a.IsResolved() || !b.IsResolved() {
			return triUnknown
		}
		return triOf(canon(a) == canon(b))
	case "Fn::Not":
		if arg == nil || arg.Kind != model.List || len(arg.Items) != 1 {
			t.Errorf(pos, "Fn::Not needs one condition")
			return triUnknown
		}
		switch t.cond(arg.Items[0]) {
		case triTrue:
			return triFalse
		case triFalse:
			return triTrue
		}
		return triUnknown
	case "Fn::And", "Fn::Or":
		if arg == nil || arg.Kind != model.List || len(arg.Items) < 1 {
			t.Errorf(pos, "%s needs a list of conditions", fn)
			return triUnknown
		}
		unknown := false
		for _, c := range arg.Items {
			st := t.cond(c)
			if fn == "Fn::And" && st == triFalse {
				return triFalse
			}
			if fn == "Fn::Or" && st == triTrue {
				return triTrue
			}
			unknown = unknown || st == triUnknown
		}
		if unknown {
			return triUnknown
		}
		return triOf(fn == "Fn::And")
	case "Condition":
		return t.Condition(arg.String(), pos)
	}
	r := t.intrinsic(fn, arg, pos)
	if b, ok := r.AsBool(); ok {
		return triOf(b)
	}
	return triUnknown
}

func canon(v *model.Value) string {
	switch v.Kind {
	case model.String, model.Number, model.Bool:
		return v.Str
	}
	j, _ := json.Marshal(v)
	return string(j)
}
