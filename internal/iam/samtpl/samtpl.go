// Package samtpl holds the AWS SAM policy templates (DynamoDBCrudPolicy,
// S3ReadPolicy, SQSPollerPolicy, …) as data, and expands a template with
// its parameters into a policy document in nightlight's model.
//
// The definitions follow SAM's published policy templates; templates.json
// maps each name to its parameter names and statements, written with
// ${Param} and ${AWS::Partition}/${AWS::Region}/${AWS::AccountId}
// placeholders as SAM does.
package samtpl

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/nightlight-sec/nightlight/internal/model"
)

//go:embed templates.json
var data []byte

type template struct {
	Parameters []string
	Statement  []any
}

// Set is the set of SAM policy templates. The zero value is not usable;
// call New. It parses the embedded data once, on first use.
type Set struct {
	once  sync.Once
	err   error
	tmpls map[string]template
}

// New returns the embedded set.
func New() *Set { return &Set{} }

func (s *Set) load() error {
	s.once.Do(func() {
		s.err = json.Unmarshal(data, &s.tmpls)
	})
	return s.err
}

// Names returns the template names, sorted.
func (s *Set) Names() []string {
	if s.load() != nil {
		return nil
	}
	out := make([]string, 0, len(s.tmpls))
	for k := range s.tmpls {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Parameters returns the parameter names of the template, and whether the
// template exists.
func (s *Set) Parameters(name string) ([]string, bool) {
	if s.load() != nil {
		return nil, false
	}
	t, ok := s.tmpls[name]
	return t.Parameters, ok
}

// Expand returns the policy document ({"Version", "Statement"}) of the
// template name with params substituted, every node positioned at pos (the
// template's use in the input). A parameter whose value is unresolved is
// substituted by its ${…} form and its Refs are carried, so the resulting
// ARNs still name the model objects; pseudo parameters stay symbolic. It
// fails for an unknown template or a missing parameter.
func (s *Set) Expand(name string, params map[string]*model.Value, pos model.Pos) (*model.Value, error) {
	if err := s.load(); err != nil {
		return nil, fmt.Errorf("sam policy templates: %w", err)
	}
	t, ok := s.tmpls[name]
	if !ok {
		return nil, fmt.Errorf("%s: unknown SAM policy template %q", pos, name)
	}
	for _, p := range t.Parameters {
		if !params[p].IsSet() {
			return nil, fmt.Errorf("%s: SAM policy template %s: missing parameter %s", pos, name, p)
		}
	}
	var stmts []*model.Value
	for _, st := range t.Statement {
		stmts = append(stmts, build(st, params, pos))
	}
	return model.NewMap([]model.Field{
		{Key: "Version", KeyPos: pos, Value: model.NewString("2012-10-17", pos)},
		{Key: "Statement", KeyPos: pos, Value: model.NewList(stmts, pos)},
	}, pos), nil
}

func build(x any, params map[string]*model.Value, pos model.Pos) *model.Value {
	switch v := x.(type) {
	case string:
		return substitute(v, params, pos)
	case []any:
		items := make([]*model.Value, len(v))
		for i, it := range v {
			items[i] = build(it, params, pos)
		}
		return model.NewList(items, pos)
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fields := make([]model.Field, len(keys))
		for i, k := range keys {
			fields[i] = model.Field{Key: k, KeyPos: pos, Value: build(v[k], params, pos)}
		}
		return model.NewMap(fields, pos)
	}
	return &model.Value{Kind: model.Null, Pos: pos}
}

// substitute replaces ${Param} in s with the parameter values.
func substitute(s string, params map[string]*model.Value, pos model.Pos) *model.Value {
	out := &model.Value{Kind: model.String, Pos: pos}
	var b strings.Builder
	var sources []string
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		name := s[i+2 : i+j]
		s = s[i+j+1:]
		if p, ok := params[name]; ok {
			b.WriteString(p.String())
			if !p.IsResolved() {
				out.Unresolved = true
				out.Refs = append(out.Refs, p.AllRefs()...)
				if p.Source != "" {
					sources = append(sources, p.Source)
				}
			}
			continue
		}
		// A pseudo parameter (AWS::Region …) stays symbolic.
		b.WriteString("${" + name + "}")
		out.Unresolved = true
		sources = append(sources, name)
	}
	out.Str = b.String()
	out.Refs = model.SortedUnique(out.Refs)
	out.Source = strings.Join(sources, ", ")
	return out
}
