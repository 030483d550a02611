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

// parser collects positioned errors while the decoded file is checked.
type parser struct {
	file string
	errs []error
}

func (p *parser) pos(n *yaml.Node) model.Pos {
	if n == nil {
		return model.Pos{File: p.file}
	}
	return model.Pos{File: p.file, Line: n.Line, Col: n.Column}
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &Error{Pos: p.pos(n), Msg: fmt.Sprintf(format, args...)})
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
