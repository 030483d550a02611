// Package custom loads user-written rules: YAML files whose condition and
// message are CEL expressions (cel.dev/cel-go) over typed views of the
// model and graph (functions, stores, APIs, routes, roles, graph edges,
// effective permissions). Each file compiles into an ordinary rule.Rule, so
// custom findings are suppressed, filtered, baselined and reported like
// built-in ones.
//
//	rules, err := custom.LoadDir(ctx, "rules/", custom.Options{})
//
// Expressions are type-checked when the file is loaded (a misspelt field
// is an error naming the file and line), and every evaluation runs under a
// cost limit, so a rule cannot stall a scan.
package custom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"cel.dev/cel-go/cel"
	"go.yaml.in/yaml/v3"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Resource kinds a custom rule can be evaluated on; the CEL variable that
// holds the object has the same name, except fn for functions (see
// Variable).
const (
	KindFunction = "function"
	KindStore    = "store"
	KindAPI      = "api"
	KindRoute    = "route"
	KindRole     = "role"
)

// Kinds lists the resource kinds in documentation order.
func Kinds() []string { return []string{KindFunction, KindStore, KindAPI, KindRoute, KindRole} }

// DefaultCostLimit bounds the CEL cost of one evaluation of a condition or
// message (one rule on one object): enough for comprehensions over a
// function's thousand grants, far from a stalled scan.
const DefaultCostLimit = 1_000_000

// MaxFileSize is the largest rule file read.
const MaxFileSize = 1 << 20

// Options tune loading.
type Options struct {
	// CostLimit overrides DefaultCostLimit when positive.
	CostLimit uint64
}

// Error is a problem in a rule file, positioned at the offending line.
type Error struct {
	Pos model.Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

var idRE = regexp.MustCompile(`^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$`)

// spec is one rule as written.
type spec struct {
	ID          string   `yaml:"id"`
	Title       string   `yaml:"title"`
	Severity    string   `yaml:"severity"`
	Confidence  string   `yaml:"confidence"`
	Category    string   `yaml:"category"`
	Resources   []string `yaml:"resources"`
	Condition   string   `yaml:"condition"`
	Message     string   `yaml:"message"`
	Description string   `yaml:"description"`
	Remediation string   `yaml:"remediation"`
	// Platforms limits the rule to stacks of these providers (aws, azure,
	// google, openwhisk); empty means every platform.
	Platforms []string `yaml:"platforms"`
}

// LoadDir loads every *.yaml and *.yml file directly in dir, sorted by
// name. Problems in one file do not stop the others: the rules that
// loaded are returned with every error joined.
func LoadDir(ctx context.Context, dir string, opts Options) ([]*rule.Rule, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("custom rules: %w", err)
	}
	var names []string
	for _, e := range ents {
		if n := e.Name(); !e.IsDir() && (strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml")) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("custom rules: no .yaml rule files in %s", dir)
	}
	var out []*rule.Rule
	var errs []error
	seen := map[string]string{}
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		path := filepath.Join(dir, n)
		data, err := readLimited(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rs, err := Parse(path, data, opts)
		errs = append(errs, err)
		for _, r := range rs {
			if prev, dup := seen[r.ID]; dup {
				errs = append(errs, fmt.Errorf("%s: rule %s is also defined in %s", path, r.ID, prev))
				continue
			}
			seen[r.ID] = path
			out = append(out, r)
		}
	}
	return out, errors.Join(errs...)
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("custom rules: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("custom rules: read %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, &Error{Pos: model.Pos{File: path, Line: 1}, Msg: fmt.Sprintf("rule file larger than %d bytes", MaxFileSize)}
	}
	return data, nil
}

// Parse compiles the rules of one file: a single rule (a map with id), or a
// map with a `rules` list. file names the file in errors.
func Parse(file string, data []byte, opts Options) ([]*rule.Rule, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{Pos: model.Pos{File: file, Line: yamlLine(err)}, Msg: "invalid YAML: " + yamlMsg(err)}
	}
	if len(doc.Content) == 0 {
		return nil, &Error{Pos: model.Pos{File: file, Line: 1}, Msg: "empty rule file"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &Error{Pos: pos(file, root), Msg: "a rule file holds a rule (a map with id, title, …) or a map with a rules list"}
	}
	var nodes []*yaml.Node
	if list := mapValue(root, "rules"); list != nil {
		if len(root.Content) != 2 {
			return nil, &Error{Pos: pos(file, root), Msg: "a file with a rules list has no other top-level key"}
		}
		if list.Kind != yaml.SequenceNode {
			return nil, &Error{Pos: pos(file, list), Msg: "rules must be a list"}
		}
		nodes = list.Content
	} else {
		nodes = []*yaml.Node{root}
	}
	env, err := newEnv()
	if err != nil {
		return nil, fmt.Errorf("custom rules: CEL environment: %w", err)
	}
	limit := opts.CostLimit
	if limit == 0 {
		limit = DefaultCostLimit
	}
	var out []*rule.Rule
	var errs []error
	for _, n := range nodes {
		r, err := compileRule(env, source{file: file, lines: strings.Split(string(data), "\n")}, n, limit)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, r)
	}
	return out, errors.Join(errs...)
}

func pos(file string, n *yaml.Node) model.Pos {
	return model.Pos{File: file, Line: n.Line, Col: n.Column}
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

func yamlLine(err error) int {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		var n int
		fmt.Sscan(m[1], &n)
		return n
	}
	return 1
}

func yamlMsg(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: ")
	return yamlLineRE.ReplaceAllString(strings.TrimPrefix(s, "unmarshal errors:\n  "), "line $1")
}

// known are the keys a rule may have.
var known = map[string]bool{"id": true, "title": true, "severity": true, "confidence": true, "category": true,
	"resources": true, "condition": true, "message": true, "description": true, "remediation": true, "platforms": true}

func compileRule(env *cel.Env, src source, n *yaml.Node, limit uint64) (*rule.Rule, error) {
	file := src.file
	if n.Kind != yaml.MappingNode {
		return nil, &Error{Pos: pos(file, n), Msg: "a rule must be a map"}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !known[k.Value] {
			return nil, &Error{Pos: pos(file, k), Msg: fmt.Sprintf("unknown key %q (known: id, title, severity, confidence, category, resources, condition, message, description, remediation, platforms)", k.Value)}
		}
	}
	var s spec
	if err := n.Decode(&s); err != nil {
		return nil, &Error{Pos: pos(file, n), Msg: yamlMsg(err)}
	}
	at := func(key string) model.Pos {
		if v := mapValue(n, key); v != nil {
			return pos(file, v)
		}
		return pos(file, n)
	}
	bad := func(key, format string, args ...any) error {
		return &Error{Pos: at(key), Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case s.ID == "":
		return nil, bad("id", "rule has no id")
	case !idRE.MatchString(s.ID) || strings.HasPrefix(s.ID, "NL"):
		return nil, bad("id", "rule id %q must be upper-case letters and digits in dash-separated parts (ACME-001), not starting with NL (built-in rules)", s.ID)
	case s.Title == "":
		return nil, bad("title", "rule %s has no title", s.ID)
	case rule.Severity(s.Severity).Rank() < 0:
		return nil, bad("severity", "rule %s: severity %q is not one of critical, high, medium, low, info", s.ID, s.Severity)
	case s.Condition == "":
		return nil, bad("condition", "rule %s has no condition", s.ID)
	case s.Message == "":
		return nil, bad("message", "rule %s has no message", s.ID)
	case len(s.Resources) == 0:
		return nil, bad("resources", "rule %s: resources must list at least one of %s", s.ID, strings.Join(Kinds(), ", "))
	}
	cat := rule.Category(s.Category)
	if s.Category == "" {
		cat = rule.Misconfig
	} else if !validCategory(cat) {
		return nil, bad("category", "rule %s: unknown category %q", s.ID, s.Category)
	}
	conf := rule.Confidence(s.Confidence)
	switch conf {
	case "":
		conf = rule.ConfidenceMedium
	case rule.ConfidenceHigh, rule.ConfidenceMedium, rule.ConfidenceLow:
	default:
		return nil, bad("confidence", "rule %s: confidence %q is not one of high, medium, low", s.ID, s.Confidence)
	}
	c := &compiled{id: s.ID, file: file, line: n.Line, limit: limit}
	kinds := map[string]bool{}
	for _, k := range s.Resources {
		if !validKind(k) {
			return nil, bad("resources", "rule %s: unknown resource kind %q (known: %s)", s.ID, k, strings.Join(Kinds(), ", "))
		}
		kinds[k] = true
	}
	for _, k := range Kinds() {
		if !kinds[k] {
			continue
		}
		kenv, err := env.Extend(cel.Variable(Variable(k), cel.ObjectType(typeName(k))))
		if err != nil {
			return nil, fmt.Errorf("custom rules: CEL environment: %w", err)
		}
		cond, err := compileExpr(kenv, src, mapValue(n, "condition"), s.Condition, cel.BoolType, limit)
		if err != nil {
			return nil, err
		}
		msg, err := compileTemplate(kenv, src, mapValue(n, "message"), s.Message, limit)
		if err != nil {
			return nil, err
		}
		c.kinds = append(c.kinds, kindProgram{kind: k, cond: cond, msg: msg})
	}
	platforms := []model.Provider{model.AnyProvider}
	if len(s.Platforms) > 0 {
		platforms = nil
		for _, pl := range s.Platforms {
			switch pr := model.Provider(strings.ToLower(pl)); pr {
			case model.AWS, model.Azure, model.Google, model.OpenWhisk:
				platforms = append(platforms, pr)
			default:
				return nil, bad("platforms", "rule %s: unknown platform %q (known: aws, azure, google, openwhisk)", s.ID, pl)
			}
		}
	}
	desc := s.Description
	if desc == "" {
		desc = "Custom rule from " + file + "."
	}
	if s.Remediation == "" {
		s.Remediation = "See the custom rule " + s.ID + " in " + file + "."
	}
	return &rule.Rule{
		ID: s.ID, Title: s.Title, Category: cat, Severity: rule.Severity(s.Severity), Confidence: conf, Platforms: platforms,
		Doc: rule.Doc{Description: desc, Bad: "condition: " + s.Condition, Good: "(a resource for which the condition is false)", Remediation: s.Remediation},
		Run: c.run,
	}, nil
}

func validCategory(c rule.Category) bool {
	for _, k := range rule.Categories() {
		if k == c {
			return true
		}
	}
	return false
}

func validKind(k string) bool {
	for _, x := range Kinds() {
		if x == k {
			return true
		}
	}
	return false
}
