// Package config reads nightlight's configuration file (nightlight.yaml,
// or the file given with --config): data classifications of stores, groups
// of functions (owning teams), and the flow policy — denied and allowed
// flows, and trust boundaries between groups — that internal/graph checks.
//
// The file is strict: an unknown key is an error, reported with its
// file:line:col, so that a misspelt rule never silently checks nothing.
// New sections (suppressions, rule settings, …) are added as new fields of
// Config with their own key; a zero Config means "no configuration".
//
//	version: 1
//	classifications:
//	  - class: pii
//	    stores: [UsersTable, "orders-*"]       # store ID globs ("stack#ID" too)
//	  - class: confidential
//	    tags: {DataClassification: Confidential} # tag key: value glob
//	groups:
//	  - name: payments
//	    functions: ["Pay*"]
//	    tags: {team: payments}
//	flows:
//	  deny:
//	    - from: pii                            # data in pii stores …
//	      to: internet                         # … must not reach anonymous callers
//	    - from: internet
//	      to: OrdersTable
//	      kind: write                          # no anonymously reachable function may write it
//	  allow:
//	    - from: OrdersTable
//	      to: function:ReportFn
//	boundaries:
//	  - groups: [payments, marketing]          # no reach across these teams
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/nightlight-sec/nightlight/internal/glob"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/suggest"
)

// DefaultFile is the configuration file looked for in the scanned
// directory when --config is not given.
const DefaultFile = "nightlight.yaml"

// MaxFileBytes bounds the size of a configuration file.
const MaxFileBytes = 1 << 20

// Config is the configuration file. The zero value is an empty
// configuration.
type Config struct {
	// File is where the configuration was read from ("" when built in
	// code).
	File string `yaml:"-"`
	// Version is the format version; 0 (absent) and 1 are accepted.
	Version int `yaml:"version"`
	// Classifications assign data classifications to stores, on top of
	// (and taking precedence over) those read from resource tags.
	Classifications []Classification `yaml:"classifications"`
	// Groups name groups of functions, for trust boundaries and flow
	// rules ("group:payments").
	Groups []Group `yaml:"groups"`
	// Flows is the flow policy.
	Flows Flows `yaml:"flows"`
	// Boundaries are trust boundaries between groups.
	Boundaries []Boundary `yaml:"boundaries"`
	// Ignore suppresses findings (see Ignore).
	Ignore []Ignore `yaml:"ignore"`
	// Rules are directories of custom rule files (package custom), as
	// written: relative paths are relative to the configuration file.
	Rules []string `yaml:"rules"`
	// RulesPos is where Rules is written.
	RulesPos model.Pos `yaml:"-"`
}

// RuleDirs returns the custom rule directories with relative paths
// resolved against the configuration file's directory.
func (c *Config) RuleDirs() []string {
	if c == nil {
		return nil
	}
	out := make([]string, 0, len(c.Rules))
	for _, d := range c.Rules {
		if !filepath.IsAbs(d) && c.File != "" {
			d = filepath.Join(filepath.Dir(c.File), d)
		}
		out = append(out, d)
	}
	return out
}

// Classification gives stores a data classification.
type Classification struct {
	// Class is the classification (pii, confidential, public, …), compared
	// case-insensitively and kept lower-case.
	Class string `yaml:"class"`
	// Stores are store ID globs (* and ?); a glob with '#' matches
	// "stack#ID".
	Stores []string `yaml:"stores"`
	// Tags match stores by tag: key → value glob.
	Tags map[string]string `yaml:"tags"`
	Pos  model.Pos         `yaml:"-"`
}

// Group is a named group of functions, typically one team's.
type Group struct {
	Name string `yaml:"name"`
	// Functions are function ID globs.
	Functions []string `yaml:"functions"`
	// Tags match functions by tag: key → value glob.
	Tags map[string]string `yaml:"tags"`
	Pos  model.Pos         `yaml:"-"`
}

// Flows are denied flows and the exceptions allowed to them.
type Flows = model.Flows

// FlowRule is one flow: from a selector to a selector (see model.FlowRule).
type FlowRule = model.FlowRule

// Boundary is a trust boundary (see model.Boundary).
type Boundary = model.Boundary

// Flow kinds: what "from reaches to" means for a rule (see model.FlowData).
const (
	FlowData  = model.FlowData
	FlowReach = model.FlowReach
	FlowWrite = model.FlowWrite
)

// FlowPolicy returns the flow policy of the configuration (its flows and
// trust boundaries) as the graph checks it; nil for a nil configuration.
func (c *Config) FlowPolicy() *model.FlowPolicy {
	if c == nil {
		return nil
	}
	return &model.FlowPolicy{Flows: c.Flows, Boundaries: c.Boundaries}
}

// Error is a problem in the configuration file, at a position.
type Error struct {
	Pos model.Pos
	Msg string
}

// Error formats the problem as file:line:col: message.
func (e *Error) Error() string {
	if e.Pos.Line == 0 {
		return e.Pos.File + ": " + e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// Load reads and parses the configuration file at path.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	if n > MaxFileBytes {
		return nil, &Error{Pos: model.Pos{File: path}, Msg: fmt.Sprintf("configuration file larger than %d bytes", MaxFileBytes)}
	}
	return Parse(path, buf.Bytes())
}

// Find returns the configuration to use for a scan: explicit (--config)
// when set, else DefaultFile in the first scanned directory (or the
// directory of the first scanned file) when it exists, else an empty
// configuration.
func Find(explicit string, paths []string) (*Config, error) {
	if explicit != "" {
		return Load(explicit)
	}
	if len(paths) == 0 {
		return &Config{}, nil
	}
	dir := paths[0]
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		dir = filepath.Dir(dir)
	}
	p := filepath.Join(dir, DefaultFile)
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return &Config{}, nil
	}
	return Load(p)
}

var yamlLine = regexp.MustCompile(`line (\d+)(?:, column (\d+))?: (.*)`)

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
	p := &parser{file: file}
	p.config(root.Content[0], c)
	if err := errors.Join(p.errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// yamlError turns a YAML syntax error into a positioned Error.
func yamlError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		return &Error{Pos: model.Pos{File: file, Line: line, Col: col}, Msg: m[3]}
	}
	return &Error{Pos: model.Pos{File: file}, Msg: msg}
}

// parser walks the YAML tree, collecting positioned errors.
type parser struct {
	file string
	errs []error
}

func (p *parser) pos(n *yaml.Node) model.Pos {
	return model.Pos{File: p.file, Line: n.Line, Col: n.Column}
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &Error{Pos: p.pos(n), Msg: fmt.Sprintf(format, args...)})
}

// fields iterates over a mapping's keys, rejecting keys not in allowed.
func (p *parser) fields(n *yaml.Node, what string, allowed []string, fn func(key string, v *yaml.Node)) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		if n.Tag == "!!null" {
			return
		}
		p.errorf(n, "%s must be a mapping", what)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !contains(allowed, k.Value) {
			p.errorf(k, "unknown key %q in %s (want one of %s)", k.Value, what, strings.Join(allowed, ", "))
			continue
		}
		if seen[k.Value] {
			p.errorf(k, "duplicate key %q in %s", k.Value, what)
			continue
		}
		seen[k.Value] = true
		fn(k.Value, v)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func (p *parser) str(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(n, "%s must be a string", what)
		return ""
	}
	return n.Value
}

func (p *parser) strs(n *yaml.Node, what string) []string {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a string or a list of strings", what)
		return nil
	}
	var out []string
	for _, it := range n.Content {
		if s := p.str(it, what); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) strMap(n *yaml.Node, what string) map[string]string {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping of strings", what)
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[p.str(n.Content[i], what+" key")] = p.str(n.Content[i+1], what+" value")
	}
	return out
}

func (p *parser) list(n *yaml.Node, what string, fn func(item *yaml.Node)) {
	if n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a list", what)
		return
	}
	for _, it := range n.Content {
		fn(it)
	}
}

func (p *parser) config(n *yaml.Node, c *Config) {
	p.fields(n, "configuration", []string{"version", "classifications", "groups", "flows", "boundaries", "ignore", "rules"}, func(key string, v *yaml.Node) {
		switch key {
		case "rules":
			c.Rules, c.RulesPos = p.strs(v, "rules"), p.pos(v)
		case "version":
			s := p.str(v, "version")
			if s != "" && s != "1" {
				p.errorf(v, "unsupported version %q (want 1)", s)
			}
			c.Version = 1
		case "ignore":
			c.Ignore = p.ignores(v)
		case "classifications":
			p.list(v, "classifications", func(it *yaml.Node) {
				cl := Classification{Pos: p.pos(it)}
				p.fields(it, "classification", []string{"class", "stores", "tags"}, func(key string, v *yaml.Node) {
					switch key {
					case "class":
						cl.Class = strings.ToLower(p.str(v, "class"))
					case "stores":
						cl.Stores = p.strs(v, "stores")
					case "tags":
						cl.Tags = p.strMap(v, "tags")
					}
				})
				if cl.Class == "" {
					p.errorf(it, "classification needs a class")
				}
				if len(cl.Stores) == 0 && len(cl.Tags) == 0 {
					p.errorf(it, "classification %q needs stores or tags", cl.Class)
				}
				c.Classifications = append(c.Classifications, cl)
			})
		case "groups":
			p.list(v, "groups", func(it *yaml.Node) {
				g := Group{Pos: p.pos(it)}
				p.fields(it, "group", []string{"name", "functions", "tags"}, func(key string, v *yaml.Node) {
					switch key {
					case "name":
						g.Name = p.str(v, "name")
					case "functions":
						g.Functions = p.strs(v, "functions")
					case "tags":
						g.Tags = p.strMap(v, "tags")
					}
				})
				if g.Name == "" {
					p.errorf(it, "group needs a name")
				}
				c.Groups = append(c.Groups, g)
			})
		case "flows":
			p.fields(v, "flows", []string{"deny", "allow"}, func(key string, v *yaml.Node) {
				rules := p.flowRules(v, key)
				if key == "deny" {
					c.Flows.Deny = rules
				} else {
					c.Flows.Allow = rules
				}
			})
		case "boundaries":
			p.list(v, "boundaries", func(it *yaml.Node) {
				b := Boundary{Pos: p.pos(it)}
				p.fields(it, "boundary", []string{"name", "groups"}, func(key string, v *yaml.Node) {
					switch key {
					case "name":
						b.Name = p.str(v, "name")
					case "groups":
						b.Groups = p.strs(v, "groups")
					}
				})
				if len(b.Groups) < 2 {
					p.errorf(it, "boundary needs at least two groups")
				}
				c.Boundaries = append(c.Boundaries, b)
			})
		}
	})
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

func (p *parser) flowRules(n *yaml.Node, what string) []FlowRule {
	var out []FlowRule
	p.list(n, what, func(it *yaml.Node) {
		r := FlowRule{Pos: p.pos(it)}
		p.fields(it, "flow rule", []string{"name", "from", "to", "kind", "reason"}, func(key string, v *yaml.Node) {
			s := p.str(v, key)
			switch key {
			case "name":
				r.Name = s
			case "from":
				r.From = s
			case "to":
				r.To = s
			case "kind":
				if s != FlowData && s != FlowReach && s != FlowWrite {
					p.errorf(v, "unknown flow kind %q (want %s, %s or %s)", s, FlowData, FlowReach, FlowWrite)
				}
				r.Kind = s
			case "reason":
				r.Reason = s
			}
		})
		if r.From == "" || r.To == "" {
			p.errorf(it, "flow rule needs from and to")
		}
		if r.Kind == "" {
			r.Kind = FlowData
		}
		out = append(out, r)
	})
	return out
}

// Classify returns the classification the configuration gives a store,
// or "" when none does. The first matching classification wins.
func (c *Config) Classify(stack *model.Stack, st *model.Store) string {
	if c == nil {
		return ""
	}
	for _, cl := range c.Classifications {
		if matchAny(cl.Stores, stack, st.ID) || matchTags(cl.Tags, st.Tags) {
			return cl.Class
		}
	}
	return ""
}

// Group returns the name of the first group a function belongs to, or "".
func (c *Config) Group(stack *model.Stack, fn *model.Function) string {
	if c == nil {
		return ""
	}
	for _, g := range c.Groups {
		if matchAny(g.Functions, stack, fn.ID) || matchTags(g.Tags, fn.Tags) {
			return g.Name
		}
	}
	return ""
}

// Classes returns the classifications the configuration declares, sorted.
func (c *Config) Classes() []string {
	if c == nil {
		return nil
	}
	var out []string
	for _, cl := range c.Classifications {
		out = append(out, cl.Class)
	}
	return model.SortedUnique(out)
}

func matchAny(globs []string, stack *model.Stack, id string) bool {
	for _, g := range globs {
		subject := id
		if strings.Contains(g, "#") && stack != nil {
			subject = stack.ID + "#" + id
		}
		if glob.Match(g, subject) {
			return true
		}
	}
	return false
}

func matchTags(want map[string]string, tags []model.Tag) bool {
	if len(want) == 0 {
		return false
	}
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		found := false
		for _, t := range tags {
			if strings.EqualFold(t.Key, k) && glob.Match(strings.ToLower(want[k]), strings.ToLower(t.Value.String())) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
