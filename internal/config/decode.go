package config

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/suggest"
)

// The file as written. Each section is a plain struct with yaml tags,
// decoded strictly (yaml.Decoder.KnownFields): a key no struct declares
// is an error. The position of each list item is read from the node tree
// afterwards (positions); checks that need more than a type (required
// keys, known flow kinds, group names) run on the decoded values.
type (
	fileYAML struct {
		Version         *string        `yaml:"version"`
		Classifications []classYAML    `yaml:"classifications"`
		Groups          []groupYAML    `yaml:"groups"`
		Flows           flowsYAML      `yaml:"flows"`
		Boundaries      []boundaryYAML `yaml:"boundaries"`
		Ignore          []ignoreYAML   `yaml:"ignore"`
		Rules           strList        `yaml:"rules"`
	}
	classYAML struct {
		Class  string            `yaml:"class"`
		Stores strList           `yaml:"stores"`
		Tags   map[string]string `yaml:"tags"`
	}
	groupYAML struct {
		Name      string            `yaml:"name"`
		Functions strList           `yaml:"functions"`
		Tags      map[string]string `yaml:"tags"`
	}
	flowsYAML struct {
		Deny  []flowRuleYAML `yaml:"deny"`
		Allow []flowRuleYAML `yaml:"allow"`
	}
	flowRuleYAML struct {
		Name   string `yaml:"name"`
		From   string `yaml:"from"`
		To     string `yaml:"to"`
		Kind   string `yaml:"kind"`
		Reason string `yaml:"reason"`
	}
	boundaryYAML struct {
		Name   string  `yaml:"name"`
		Groups strList `yaml:"groups"`
	}
	ignoreYAML struct {
		Rule     string `yaml:"rule"`
		Resource string `yaml:"resource"`
		Path     string `yaml:"path"`
		Reason   string `yaml:"reason"`
		Expires  string `yaml:"expires"`
	}
)

// strList is a list of strings, or one string written alone.
type strList []string

// UnmarshalYAML accepts a string or a list of strings. It uses the
// decoder's own unmarshal function, so strictness carries over.
func (s *strList) UnmarshalYAML(unmarshal func(any) error) error {
	var one string
	if err := unmarshal(&one); err == nil {
		*s = strList{one}
		return nil
	}
	var many []string
	if err := unmarshal(&many); err != nil {
		return err
	}
	*s = many
	return nil
}

// sections names the structs of the file for error messages.
var sections = map[reflect.Type]string{
	reflect.TypeOf(fileYAML{}):     "configuration",
	reflect.TypeOf(classYAML{}):    "classification",
	reflect.TypeOf(groupYAML{}):    "group",
	reflect.TypeOf(flowsYAML{}):    "flows",
	reflect.TypeOf(flowRuleYAML{}): "flow rule",
	reflect.TypeOf(boundaryYAML{}): "boundary",
	reflect.TypeOf(ignoreYAML{}):   "ignore",
}

// Parse parses a configuration file's contents. Errors are *Error values
// (joined when there are several) with the file:line:col of the problem.
func Parse(file string, data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(file, err)
	}
	c := &Config{File: file}
	if len(root.Content) == 0 {
		return c, nil
	}
	top := root.Content[0]
	if top.Kind == yaml.AliasNode {
		top = top.Alias
	}
	p := &parser{file: file}
	switch {
	case top.Kind == yaml.ScalarNode && top.Tag == "!!null":
		return c, nil
	case top.Kind != yaml.MappingNode:
		p.errorf(top, "configuration must be a mapping")
		return nil, errors.Join(p.errs...)
	}
	var f fileYAML
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, yamlError(file, err)
		}
		for _, msg := range te.Errors {
			p.typeError(top, msg)
		}
		return nil, errors.Join(p.errs...)
	}
	p.build(top, &f, c)
	if err := errors.Join(p.errs...); err != nil {
		return nil, err
	}
	return c, nil
}

var (
	unknownField = regexp.MustCompile(`^line (\d+): field (.*) not found in type (\S+)$`)
	cannot       = regexp.MustCompile(`^line (\d+): cannot unmarshal (\S+)(?: ` + "`" + `(.*)` + "`" + `)? into (\S+)$`)
	duplicate    = regexp.MustCompile(`^line (\d+): mapping key "(.*)" already defined at line \d+$`)
)

// typeError turns one message of a *yaml.TypeError into a positioned
// Error that names the section and, for an unknown key, the keys it has.
func (p *parser) typeError(top *yaml.Node, msg string) {
	if m := unknownField.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		k := findKey(top, line, m[2])
		what, keys := sectionOf(m[3])
		p.errs = append(p.errs, &Error{Pos: p.at(k, line), Msg: fmt.Sprintf("unknown key %q in %s (want one of %s)", m[2], what, strings.Join(keys, ", "))})
		return
	}
	if m := duplicate.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		k := findKey(top, line, m[2])
		p.errs = append(p.errs, &Error{Pos: p.at(k, line), Msg: fmt.Sprintf("duplicate key %q", m[2])})
		return
	}
	if m := cannot.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		key, v := findValue(top, line, m[2], m[3])
		want := "a string"
		switch t := m[4]; {
		case t == "config.strList" || t == "[]string":
			want = "a string or a list of strings"
		case strings.HasPrefix(t, "[]"):
			want = "a list"
		case strings.HasPrefix(t, "map["):
			want = "a mapping of strings"
		case strings.HasPrefix(t, "config."):
			want = "a mapping"
		}
		if key == "" {
			key = "value"
		}
		p.errs = append(p.errs, &Error{Pos: p.at(v, line), Msg: fmt.Sprintf("%s must be %s, not %s", key, want, kindName(m[2]))})
		return
	}
	p.errs = append(p.errs, &Error{Pos: model.Pos{File: p.file}, Msg: msg})
}

// sectionOf returns the name and the keys of a section type named as
// yaml.v3 prints it (config.groupYAML).
func sectionOf(typeName string) (string, []string) {
	for t, name := range sections {
		if t.String() == typeName {
			var keys []string
			for i := 0; i < t.NumField(); i++ {
				keys = append(keys, strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0])
			}
			return name, keys
		}
	}
	return typeName, nil
}

func (p *parser) at(n *yaml.Node, line int) model.Pos {
	if n == nil {
		return model.Pos{File: p.file, Line: line}
	}
	return p.pos(n)
}

// findKey returns the mapping key node named name on line, or nil.
func findKey(n *yaml.Node, line int, name string) *yaml.Node {
	var found *yaml.Node
	walk(n, func(key, _ *yaml.Node) bool {
		if key != nil && key.Line == line && key.Value == name {
			found = key
			return false
		}
		return true
	})
	return found
}

// findValue returns the innermost value node on line with the YAML tag (and, for a
// scalar, the text as yaml.v3 shortens it: "abcdefg..."), with the key it
// is the value of (or the key of the list holding it).
func findValue(n *yaml.Node, line int, tag, text string) (string, *yaml.Node) {
	text = strings.TrimSuffix(text, "...")
	var key string
	var found *yaml.Node
	walk(n, func(k, v *yaml.Node) bool {
		if v.Line == line && v.ShortTag() == tag && strings.HasPrefix(v.Value, text) {
			// The last match is the innermost: [x] in "- {kind: [x]}",
			// not the list the item starts.
			found, key = v, ""
			if k != nil {
				key = k.Value
			}
		}
		return true
	})
	return key, found
}

// kindName says what a YAML tag is, in words.
func kindName(tag string) string {
	switch tag {
	case "!!seq":
		return "a list"
	case "!!map":
		return "a mapping"
	case "!!null":
		return "empty"
	case "!!str":
		return "a string"
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	}
	return "a " + strings.TrimPrefix(tag, "!!")
}

// walk calls fn(key, value) for every value below n (key is the mapping
// key, or for a list item the key of the list), depth first, until fn
// returns false.
func walk(n *yaml.Node, fn func(key, v *yaml.Node) bool) bool {
	var rec func(key, n *yaml.Node) bool
	rec = func(key, n *yaml.Node) bool {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if !fn(k, v) || !rec(k, v) {
					return false
				}
			}
		case yaml.SequenceNode:
			for _, it := range n.Content {
				if !fn(key, it) || !rec(key, it) {
					return false
				}
			}
		}
		return true
	}
	return rec(nil, n)
}

// field returns the value node of key in mapping n, or n itself.
func field(n *yaml.Node, key string) *yaml.Node {
	if n != nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
	}
	return n
}

// items returns the item nodes of the list under key in mapping n.
func items(n *yaml.Node, key string) []*yaml.Node {
	v := field(n, key)
	if v == n || v == nil || v.Kind != yaml.SequenceNode {
		return nil
	}
	return v.Content
}

// item returns the i-th item of list (positions of decoded list items:
// the decoder keeps one value per node, in order).
func item(list []*yaml.Node, i int) *yaml.Node {
	if i < len(list) {
		return list[i]
	}
	return nil
}

// build converts the decoded file into c and checks what types do not.
func (p *parser) build(top *yaml.Node, f *fileYAML, c *Config) {
	if f.Version != nil {
		if *f.Version != "1" {
			p.errorf(field(top, "version"), "unsupported version %q (want 1)", *f.Version)
		}
		c.Version = 1
	}
	if f.Rules != nil {
		c.Rules, c.RulesPos = f.Rules, p.pos(field(top, "rules"))
	}
	nodes := items(top, "classifications")
	for i, r := range f.Classifications {
		n := item(nodes, i)
		cl := Classification{Class: strings.ToLower(r.Class), Stores: r.Stores, Tags: r.Tags, Pos: p.pos(n)}
		if cl.Class == "" {
			p.errorf(n, "classification needs a class")
		}
		if len(cl.Stores) == 0 && len(cl.Tags) == 0 {
			p.errorf(n, "classification %q needs stores or tags", cl.Class)
		}
		c.Classifications = append(c.Classifications, cl)
	}
	nodes = items(top, "groups")
	for i, r := range f.Groups {
		n := item(nodes, i)
		if r.Name == "" {
			p.errorf(n, "group needs a name")
		}
		c.Groups = append(c.Groups, Group{Name: r.Name, Functions: r.Functions, Tags: r.Tags, Pos: p.pos(n)})
	}
	flows := field(top, "flows")
	c.Flows.Deny = p.flowRules(items(flows, "deny"), f.Flows.Deny)
	c.Flows.Allow = p.flowRules(items(flows, "allow"), f.Flows.Allow)
	nodes = items(top, "boundaries")
	for i, r := range f.Boundaries {
		n := item(nodes, i)
		if len(r.Groups) < 2 {
			p.errorf(n, "boundary needs at least two groups")
		}
		c.Boundaries = append(c.Boundaries, Boundary{Name: r.Name, Groups: r.Groups, Pos: p.pos(n)})
	}
	nodes = items(top, "ignore")
	for i, r := range f.Ignore {
		n := item(nodes, i)
		ig := Ignore{Rule: r.Rule, Resource: r.Resource, Path: r.Path, Reason: r.Reason, Pos: p.pos(n)}
		if r.Expires != "" {
			t, err := time.Parse("2006-01-02", r.Expires)
			if err != nil {
				p.errorf(field(n, "expires"), "expires %q: want a date like 2027-01-31", r.Expires)
			}
			ig.Expires = t
		}
		if ig.Reason == "" {
			p.errorf(n, "ignore needs a reason")
		}
		if ig.Rule == "" && ig.Resource == "" && ig.Path == "" {
			p.errorf(n, "ignore needs a rule, a resource or a path")
		}
		c.Ignore = append(c.Ignore, ig)
	}
	names := map[string]bool{}
	var list []string
	for _, g := range c.Groups {
		names[g.Name] = true
		list = append(list, g.Name)
	}
	for _, b := range c.Boundaries {
		for _, g := range b.Groups {
			if !names[g] {
				p.errs = append(p.errs, &Error{Pos: b.Pos, Msg: fmt.Sprintf("boundary names unknown group %q%s", g, suggest.DidYouMean(g, list))})
			}
		}
	}
}

func (p *parser) flowRules(nodes []*yaml.Node, rs []flowRuleYAML) []FlowRule {
	var out []FlowRule
	for i, r := range rs {
		n := item(nodes, i)
		fr := FlowRule{Name: r.Name, From: r.From, To: r.To, Kind: r.Kind, Reason: r.Reason, Pos: p.pos(n)}
		switch fr.Kind {
		case "":
			fr.Kind = FlowData
		case FlowData, FlowReach, FlowWrite:
		default:
			p.errorf(field(n, "kind"), "unknown flow kind %q (want %s, %s or %s)", fr.Kind, FlowData, FlowReach, FlowWrite)
		}
		if fr.From == "" || fr.To == "" {
			p.errorf(n, "flow rule needs from and to")
		}
		out = append(out, fr)
	}
	return out
}
