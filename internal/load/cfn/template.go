// Package cfn loads CloudFormation templates (YAML or JSON) into the model.
//
// Loading has two steps. Parse decodes the template's sections, applies
// parameter values (overrides from the command line, else defaults, else
// symbols), evaluates Conditions where they are decidable and resolves every
// intrinsic function in resource properties: what can be computed is
// computed, and what cannot (an !ImportValue, a parameter without default, a
// resource's runtime attribute) becomes a symbolic model.Value that
// remembers its source and the resources it refers to. Translate then turns
// the AWS::* resources it knows into typed model objects (functions, roles,
// stores, APIs, …) and keeps every resource, known or not, as a generic
// model.Resource.
//
// The SAM loader (internal/load/sam) and the Serverless loader run Parse,
// translate their own resource types, then call Translate for the rest.
package cfn

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/decode/yamlv"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// SAMTransform is the Transform that marks a SAM template.
const SAMTransform = "AWS::Serverless-2016-10-31"

// RawResource is one entry of the Resources section after resolution.
type RawResource struct {
	ID   string
	Type string
	Pos  model.Pos
	// Properties are resolved; nil when the resource has none.
	Properties *model.Value
	Metadata   *model.Value
	// Condition names the resource's condition; Active is false when the
	// condition is known to be false (the resource would not be created).
	Condition string
	Active    bool
	DependsOn []string
	// Handled is set by a translator that turned the resource into typed
	// model objects, so that Translate skips it.
	Handled bool
}

// Template is a parsed, resolved CloudFormation template.
type Template struct {
	File  string
	Root  *model.Value
	Stack *model.Stack
	// Transforms lists the template's Transform values.
	Transforms []string
	// Globals is SAM's Globals section, resolved (nil when absent).
	Globals *model.Value
	// Resources in source order; byID indexes them.
	Resources []*RawResource
	byID      map[string]*RawResource

	params     map[string]*model.Value
	mappings   *model.Value
	conditions map[string]*model.Value
	condState  map[string]tri
	condBusy   map[string]bool
	limits     load.Limits
	// rename maps logical IDs that references use to the IDs the model
	// gives those resources (see ParseRenamed).
	rename map[string]string
	steps  int
	errs   []error
	// afterGroups runs once the stack's groups are read (users' group
	// memberships).
	afterGroups []func()
}

// IsSAM reports whether the template declares the SAM transform.
func (t *Template) IsSAM() bool {
	for _, tr := range t.Transforms {
		if tr == SAMTransform {
			return true
		}
	}
	return false
}

// Resource returns the resource with the given logical ID, or nil.
func (t *Template) Resource(id string) *RawResource { return t.byID[id] }

// Errorf records a positioned error that makes the template fail to load
// cleanly without stopping translation.
func (t *Template) Errorf(pos model.Pos, format string, args ...any) {
	t.errs = append(t.errs, load.Errorf(pos, format, args...))
}

// Warnf records a warning diagnostic on the stack.
func (t *Template) Warnf(pos model.Pos, format string, args ...any) {
	t.Stack.Diagnostics = append(t.Stack.Diagnostics, model.Diagnostic{Pos: pos, Severity: model.DiagWarning, Message: fmt.Sprintf(format, args...)})
}

// Infof records an informational diagnostic on the stack.
func (t *Template) Infof(pos model.Pos, format string, args ...any) {
	t.Stack.Diagnostics = append(t.Stack.Diagnostics, model.Diagnostic{Pos: pos, Severity: model.DiagInfo, Message: fmt.Sprintf(format, args...)})
}

// Err returns the errors recorded so far, joined: the first one's text with
// a count of the others. It is nil when there were none.
func (t *Template) Err() error {
	switch len(t.errs) {
	case 0:
		return nil
	case 1:
		return t.errs[0]
	}
	return &multiError{errs: t.errs}
}

type multiError struct{ errs []error }

func (m *multiError) Error() string {
	return fmt.Sprintf("%s (and %d more errors)", m.errs[0], len(m.errs)-1)
}

func (m *multiError) Unwrap() []error { return m.errs }

// LooksLikeTemplate reports whether a decoded document is a CloudFormation
// or SAM template: it has a Resources map whose entries have AWS:: types, or
// the SAM transform.
func LooksLikeTemplate(root *model.Value) bool {
	if root == nil || root.Kind != model.Map {
		return false
	}
	for _, tr := range root.Get("Transform").AsStrings() {
		if tr == SAMTransform {
			return true
		}
	}
	if root.Has("AWSTemplateFormatVersion") && root.Has("Resources") {
		return true
	}
	res := root.Get("Resources")
	if res == nil || res.Kind != model.Map {
		return false
	}
	for _, f := range res.Fields {
		typ := f.Value.Get("Type").String()
		if strings.HasPrefix(typ, "AWS::") || strings.HasPrefix(typ, "Custom::") || strings.HasPrefix(typ, "Alexa::") {
			return true
		}
	}
	return false
}

// Load decodes, parses and translates one template file (plain
// CloudFormation; SAM templates go through internal/load/sam). The stack is
// returned even when err is non-nil, with whatever could be loaded.
func Load(ctx context.Context, u load.Unit, opts load.Options) (*model.Stack, error) {
	if len(u.Files) != 1 {
		return nil, fmt.Errorf("cfn: want one file, got %d", len(u.Files))
	}
	f := u.Files[0]
	doc, err := yamlv.Decode(f.Path, f.Data, opts.Limits)
	if err != nil {
		return nil, err
	}
	t, err := Parse(ctx, f.Path, doc.Root, opts)
	if err != nil {
		return nil, err
	}
	t.Stack.Suppressions = append(t.Stack.Suppressions, doc.Suppressions...)
	t.Stack.Diagnostics = append(t.Stack.Diagnostics, doc.Warnings...)
	t.Translate()
	t.Stack.LinkRoleUses()
	t.Stack.Sort()
	return t.Stack, t.Err()
}

// Parse reads a decoded template's sections and resolves its resources. It
// returns an error only when the document is not a template at all;
// problems inside it are recorded (see Template.Err) and parsing goes on.
func Parse(ctx context.Context, file string, root *model.Value, opts load.Options) (*Template, error) {
	return ParseRenamed(ctx, file, root, opts, nil)
}

// ParseRenamed is Parse for a template whose resources the model knows
// under other IDs: a reference (Ref, Fn::GetAtt, ${Res.Attr} in Fn::Sub)
// to a key of rename refers to its value. The Serverless Framework's
// generated logical IDs are such keys: !GetAtt HelloLambdaFunction.Arn
// refers to the function "hello". Values resolved later through the
// template's Resolve follow the same renaming.
func ParseRenamed(ctx context.Context, file string, root *model.Value, opts load.Options, rename map[string]string) (*Template, error) {
	pos := model.Pos{File: file, Line: 1, Col: 1}
	if root == nil {
		return nil, load.Errorf(pos, "empty template")
	}
	if root.Kind != model.Map {
		return nil, load.Errorf(root.Pos, "template must be a mapping, got %s", root.Kind)
	}
	t := &Template{
		File:       file,
		Root:       root,
		Stack:      &model.Stack{ID: file, File: file, Format: model.FormatCloudFormation, Provider: model.AWS},
		byID:       map[string]*RawResource{},
		params:     map[string]*model.Value{},
		conditions: map[string]*model.Value{},
		condState:  map[string]tri{},
		condBusy:   map[string]bool{},
		limits:     opts.Limits.WithDefaults(),
		rename:     rename,
	}
	t.Stack.Description = root.Get("Description").String()
	for _, tr := range root.Get("Transform").Elems() {
		switch tr.Kind {
		case model.String:
			t.Transforms = append(t.Transforms, tr.Str)
		case model.Map:
			t.Transforms = append(t.Transforms, tr.Get("Name").String())
		}
	}
	if t.IsSAM() {
		t.Stack.Format = model.FormatSAM
	}
	if err := t.parseParameters(root.Get("Parameters"), opts); err != nil {
		return nil, err
	}
	t.mappings = root.Get("Mappings")
	if c := root.Get("Conditions"); c.IsSet() {
		if c.Kind != model.Map {
			t.Errorf(c.Pos, "Conditions must be a mapping")
		} else {
			for _, f := range c.Fields {
				t.conditions[f.Key] = f.Value
			}
		}
	}
	res := root.Get("Resources")
	switch {
	case res == nil:
		t.Errorf(pos, "template has no Resources section")
	case res.Kind == model.Null:
		t.Warnf(res.Pos, "template declares no resources (an empty Resources section is rejected by CloudFormation)")
	case res.Kind != model.Map:
		t.Errorf(res.Pos, "Resources must be a mapping, got %s", res.Kind)
	default:
		if len(res.Fields) > t.limits.MaxResources {
			return nil, load.Errorf(res.Pos, "template declares %d resources, over the limit of %d", len(res.Fields), t.limits.MaxResources)
		}
		for _, f := range res.Fields {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			t.parseResource(f)
		}
	}
	if g := root.Get("Globals"); g != nil {
		t.Globals = t.Resolve(g)
	}
	for _, f := range root.Get("Outputs").Entries() {
		o := &model.Output{ID: f.Key, Pos: f.KeyPos}
		o.Value = t.Resolve(f.Value.Get("Value"))
		o.Export = t.Resolve(f.Value.Path("Export", "Name"))
		t.Stack.Outputs = append(t.Stack.Outputs, o)
	}
	t.checkCycles()
	return t, nil
}

func (t *Template) parseParameters(ps *model.Value, opts load.Options) error {
	// Pseudo parameters (AWS::Region, AWS::AccountId, …) take overrides
	// too; without one they stay symbolic.
	for name := range pseudoParams {
		if v, ok := opts.Param(name); ok && name != "AWS::NoValue" {
			val := model.NewString(v, model.Pos{File: t.File})
			val.Source = "--param " + name
			t.params[name] = val
		}
	}
	if ps == nil || ps.Kind == model.Null {
		return nil
	}
	if ps.Kind != model.Map {
		t.Errorf(ps.Pos, "Parameters must be a mapping")
		return nil
	}
	for _, f := range ps.Fields {
		p := &model.Parameter{ID: f.Key, Pos: f.KeyPos}
		decl := f.Value
		if decl.Kind != model.Map {
			t.Errorf(f.KeyPos, "parameter %s must be a mapping", f.Key)
			continue
		}
		p.Type = decl.Get("Type").String()
		p.Default = decl.Get("Default")
		if b, ok := decl.Get("NoEcho").AsBool(); ok {
			p.NoEcho = b
		}
		var val *model.Value
		if s, ok := opts.Param(f.Key); ok {
			val = model.NewString(s, f.KeyPos)
			val.Source = "--param " + f.Key
			if allowed := decl.Get("AllowedValues"); allowed.IsSet() {
				var names []string
				fits := false
				for _, a := range allowed.Elems() {
					names = append(names, a.String())
					fits = fits || a.String() == s
				}
				if !fits && len(names) > 0 {
					opts.ParamUse.Reject(f.Key, f.KeyPos, names)
				}
			}
		} else if p.Default.IsSet() {
			val = p.Default
		}
		switch {
		case val == nil:
			val = model.NewSymbol("parameter "+f.Key, f.KeyPos)
			val.Str = "${" + f.Key + "}"
		case strings.HasPrefix(p.Type, "AWS::SSM::Parameter::Value<"):
			val = model.NewSymbol("SSM parameter "+val.String(), val.Pos)
			val.Str = "${" + f.Key + "}"
		case p.Type == "CommaDelimitedList" || strings.HasPrefix(p.Type, "List<"):
			if val.Kind == model.String || val.Kind == model.Number {
				var items []*model.Value
				for _, s := range strings.Split(val.Str, ",") {
					items = append(items, model.NewString(strings.TrimSpace(s), val.Pos))
				}
				val = model.NewList(items, val.Pos)
			}
		case val.Kind == model.Number || val.Kind == model.Bool:
			// Parameters are strings in CloudFormation.
			c := *val
			c.Kind = model.String
			val = &c
		}
		p.Value = val
		t.params[f.Key] = val
		t.Stack.Parameters = append(t.Stack.Parameters, p)
	}
	return nil
}

func (t *Template) parseResource(f model.Field) {
	decl := f.Value
	if decl == nil || decl.Kind != model.Map {
		t.Errorf(f.KeyPos, "resource %s must be a mapping", f.Key)
		return
	}
	typ := decl.Get("Type")
	if typ == nil || typ.Kind != model.String || typ.Str == "" {
		t.Errorf(f.KeyPos, "resource %s has no Type", f.Key)
		return
	}
	if _, dup := t.byID[f.Key]; dup {
		t.Warnf(f.KeyPos, "resource %s is declared twice; the last one wins", f.Key)
	}
	r := &RawResource{ID: f.Key, Type: typ.Str, Pos: f.KeyPos, Active: true}
	if c := decl.Get("Condition"); c != nil {
		r.Condition = c.String()
		if st := t.Condition(r.Condition, c.Pos); st == triFalse {
			r.Active = false
		}
	}
	r.DependsOn = decl.Get("DependsOn").AsStrings()
	r.Properties = t.Resolve(decl.Get("Properties"))
	if r.Properties != nil && r.Properties.Kind != model.Map && r.Properties.Kind != model.Symbolic {
		t.Errorf(r.Properties.Pos, "resource %s: Properties must be a mapping, got %s", f.Key, r.Properties.Kind)
		r.Properties = nil
	}
	r.Metadata = decl.Get("Metadata")
	t.byID[f.Key] = r
	t.Resources = append(t.Resources, r)
	res := &model.Resource{ID: r.ID, Type: r.Type, Pos: r.Pos, Properties: r.Properties, Metadata: r.Metadata, Condition: r.Condition}
	res.Tags = Tags(r.Properties.Get("Tags"))
	t.Stack.Resources = append(t.Stack.Resources, res)
	t.metadataSuppressions(r)
}

// metadataSuppressions reads nightlight (and cfn-nag/checkov style)
// suppressions from a resource's Metadata.
func (t *Template) metadataSuppressions(r *RawResource) {
	md := r.Metadata.Get("nightlight")
	if md == nil {
		return
	}
	for _, it := range md.Get("ignore").Elems() {
		s := model.Suppression{Pos: it.Pos, Resource: r.ID}
		switch it.Kind {
		case model.String:
			s.Rules = []string{strings.ToUpper(it.Str)}
		case model.Map:
			s.Rules = []string{strings.ToUpper(it.GetFold("id").String())}
			if s.Rules[0] == "" {
				s.Rules = []string{strings.ToUpper(it.GetFold("rule").String())}
			}
			s.Reason = it.GetFold("reason").String()
		}
		t.Stack.Suppressions = append(t.Stack.Suppressions, s)
	}
}

// Tags reads CloudFormation tags: a list of {Key, Value} or a map.
func Tags(v *model.Value) []model.Tag {
	var out []model.Tag
	switch {
	case v == nil:
	case v.Kind == model.List:
		for _, it := range v.Items {
			k := it.Get("Key").String()
			if k != "" {
				out = append(out, model.Tag{Key: k, Value: it.Get("Value")})
			}
		}
	case v.Kind == model.Map:
		for _, f := range v.Fields {
			out = append(out, model.Tag{Key: f.Key, Value: f.Value})
		}
	}
	return out
}

// checkCycles reports circular dependencies between resources (through
// Ref, GetAtt, Sub and DependsOn), which CloudFormation rejects.
func (t *Template) checkCycles() {
	deps := make(map[string][]string, len(t.Resources))
	for _, r := range t.Resources {
		if strings.HasPrefix(r.Type, "AWS::Serverless::") {
			continue // SAM resolves these (an Api and its function's events refer to each other)
		}
		var ds []string
		for _, id := range r.Properties.AllRefs() {
			if d, ok := t.byID[id]; ok && id != r.ID && !strings.HasPrefix(d.Type, "AWS::Serverless::") {
				ds = append(ds, id)
			}
		}
		for _, id := range r.DependsOn {
			if _, ok := t.byID[id]; ok {
				ds = append(ds, id)
			}
		}
		deps[r.ID] = model.SortedUnique(ds)
	}
	const (
		white = iota
		grey
		black
	)
	color := make(map[string]int, len(deps))
	var stack []string
	reported := false
	var visit func(id string)
	visit = func(id string) {
		if reported {
			return
		}
		color[id] = grey
		stack = append(stack, id)
		for _, d := range deps[id] {
			switch color[d] {
			case grey:
				i := len(stack) - 1
				for i > 0 && stack[i] != d {
					i--
				}
				cycle := append(append([]string{}, stack[i:]...), d)
				t.Warnf(t.byID[d].Pos, "circular dependency between resources: %s", strings.Join(cycle, " -> "))
				reported = true
				return
			case white:
				visit(d)
			}
		}
		stack = stack[:len(stack)-1]
		color[id] = black
	}
	ids := make([]string, 0, len(deps))
	for id := range deps {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if color[id] == white {
			visit(id)
		}
	}
}

// Param returns the value in effect for a template parameter, or nil.
func (t *Template) Param(name string) *model.Value { return t.params[name] }

func itoa(i int) string { return strconv.Itoa(i) }
