// Package yamlv decodes YAML and JSON documents into model.Value trees that
// keep the file:line:col of every node.
//
// CloudFormation's short-form tags are rewritten into their long forms
// (`!Ref X` becomes {"Ref": "X"}, `!GetAtt A.B` becomes
// {"Fn::GetAtt": ["A", "B"]}), YAML merge keys are applied, aliases are
// expanded under a node budget (so "billion laughs" documents fail cleanly),
// nesting is bounded, and `# nightlight:ignore` comments are collected as
// suppressions.
package yamlv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/nightlight-sec/nightlight/internal/decode"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Document is a decoded file.
type Document struct {
	// Root is the document's top-level value (nil for an empty file).
	Root *model.Value
	// Suppressions are the nightlight:ignore comments found.
	Suppressions []model.Suppression
	// Warnings are problems that did not stop decoding.
	Warnings []model.Diagnostic
}

// Decode parses data (YAML, or JSON, which is YAML) from the file named
// file. A UTF-8 byte-order mark is skipped and CRLF line ends are accepted.
// Only the first YAML document of a multi-document stream is returned; the
// others raise a warning.
func Decode(file string, data []byte, limits decode.Limits) (*Document, error) {
	limits = limits.WithDefaults()
	if int64(len(data)) > limits.MaxFileBytes {
		return nil, decode.Errorf(model.Pos{File: file}, "file is %d bytes, over the %d-byte limit", len(data), limits.MaxFileBytes)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, decode.Errorf(model.Pos{File: file, Line: lineOf(data, bytes.IndexByte(data, 0))}, "binary data (NUL byte): not a YAML or JSON document")
	}
	if !utf8.Valid(data) {
		off := firstInvalidUTF8(data)
		return nil, decode.Errorf(model.Pos{File: file, Line: lineOf(data, off)}, "invalid UTF-8")
	}
	if err := checkDepth(file, data, limits.MaxDepth); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return &Document{}, nil
		}
		return nil, yamlError(file, err)
	}
	c := &converter{file: file, limits: limits, active: map[*yaml.Node]bool{}}
	doc := &Document{}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		doc.Warnings = append(doc.Warnings, model.Diagnostic{
			Pos: model.Pos{File: file, Line: extra.Line, Col: extra.Column}, Severity: model.DiagWarning,
			Message: "file holds several YAML documents; only the first is read",
		})
	}
	node := &root
	if node.Kind == yaml.DocumentNode {
		if len(node.Content) == 0 {
			return doc, nil
		}
		c.comment(node, node.Content[0])
		node = node.Content[0]
	}
	v, err := c.convert(node, 0)
	if err != nil {
		return nil, err
	}
	doc.Root = v
	doc.Suppressions = c.suppressions
	doc.Warnings = append(doc.Warnings, c.warnings...)
	return doc, nil
}

// yamlError turns a yaml.v3 error ("yaml: line 18: mapping values are not
// allowed in this context") into a positioned decode error.
func yamlError(file string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	// yaml.v3 omits "line N:" for problems on the first line (its marks
	// are 0-based and 0 is treated as "no line").
	line := 1
	if strings.HasPrefix(msg, "line ") {
		rest := msg[len("line "):]
		n := 0
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			n = n*10 + int(rest[i]-'0')
			i++
		}
		if i > 0 && strings.HasPrefix(rest[i:], ": ") {
			line = n
			msg = rest[i+2:]
		}
	}
	return &decode.Error{Pos: model.Pos{File: file, Line: line}, Msg: "invalid YAML: " + msg}
}

type converter struct {
	file         string
	limits       decode.Limits
	nodes        int
	aliasNodes   int                 // values created by expanding aliases
	inAlias      int                 // depth of alias expansion in progress
	active       map[*yaml.Node]bool // aliases being expanded, for cycles
	suppressions []model.Suppression
	warnings     []model.Diagnostic
}

func (c *converter) pos(n *yaml.Node) model.Pos {
	return model.Pos{File: c.file, Line: n.Line, Col: n.Column}
}

// intrinsic tags and the long-form key they stand for.
var shortTags = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!Base64": "Fn::Base64", "!Cidr": "Fn::Cidr", "!FindInMap": "Fn::FindInMap",
	"!GetAtt": "Fn::GetAtt", "!GetAZs": "Fn::GetAZs", "!ImportValue": "Fn::ImportValue",
	"!Join": "Fn::Join", "!Select": "Fn::Select", "!Split": "Fn::Split", "!Sub": "Fn::Sub",
	"!Transform": "Fn::Transform", "!And": "Fn::And", "!Equals": "Fn::Equals", "!If": "Fn::If",
	"!Not": "Fn::Not", "!Or": "Fn::Or", "!Length": "Fn::Length", "!ToJsonString": "Fn::ToJsonString",
	"!ForEach": "Fn::ForEach", "!Contains": "Fn::Contains", "!EachMemberEquals": "Fn::EachMemberEquals",
	"!EachMemberIn": "Fn::EachMemberIn", "!RefAll": "Fn::RefAll", "!ValueOf": "Fn::ValueOf",
	"!ValueOfAll": "Fn::ValueOfAll", "!GetParam": "Fn::GetParam",
}

func (c *converter) convert(n *yaml.Node, depth int) (*model.Value, error) {
	if depth > c.limits.MaxDepth {
		return nil, decode.Errorf(c.pos(n), "nesting deeper than %d levels", c.limits.MaxDepth)
	}
	c.nodes++
	if c.nodes > c.limits.MaxNodes {
		return nil, decode.Errorf(c.pos(n), "document expands to more than %d values (YAML alias bomb?)", c.limits.MaxNodes)
	}
	if c.inAlias > 0 {
		c.aliasNodes++
		if c.aliasNodes > c.limits.MaxNodes/20 {
			return nil, decode.Errorf(c.pos(n), "YAML aliases expand to more than %d values (alias bomb?)", c.limits.MaxNodes/20)
		}
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, decode.Errorf(c.pos(n), "alias to an unknown anchor")
		}
		if c.active[n.Alias] {
			return nil, decode.Errorf(c.pos(n), "alias *%s refers to a value that contains it (cycle)", n.Value)
		}
		c.active[n.Alias] = true
		c.inAlias++
		v, err := c.convert(n.Alias, depth)
		c.inAlias--
		delete(c.active, n.Alias)
		if err != nil {
			return nil, err
		}
		// The value sits where the anchor was written; keep that position.
		return v, nil
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return &model.Value{Kind: model.Null, Pos: c.pos(n)}, nil
		}
		return c.convert(n.Content[0], depth)
	}
	if long, ok := shortTags[n.Tag]; ok {
		return c.intrinsic(n, long, depth)
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return nil, decode.Errorf(c.pos(n), "unknown YAML tag %s (not a CloudFormation intrinsic function)", n.Tag)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return c.scalar(n), nil
	case yaml.SequenceNode:
		items := make([]*model.Value, 0, len(n.Content))
		for _, it := range n.Content {
			v, err := c.convert(it, depth+1)
			if err != nil {
				return nil, err
			}
			c.comment(nil, it)
			items = append(items, v)
		}
		return model.NewList(items, c.pos(n)), nil
	case yaml.MappingNode:
		return c.mapping(n, depth)
	}
	return nil, decode.Errorf(c.pos(n), "unsupported YAML node")
}

func (c *converter) scalar(n *yaml.Node) *model.Value {
	p := c.pos(n)
	switch n.Tag {
	case "!!null":
		return &model.Value{Kind: model.Null, Pos: p}
	case "!!bool":
		return &model.Value{Kind: model.Bool, Str: strings.ToLower(n.Value), Pos: p}
	case "!!int", "!!float":
		return &model.Value{Kind: model.Number, Str: n.Value, Pos: p}
	}
	return &model.Value{Kind: model.String, Str: n.Value, Pos: p}
}

func (c *converter) mapping(n *yaml.Node, depth int) (*model.Value, error) {
	if len(n.Content)%2 != 0 {
		return nil, decode.Errorf(c.pos(n), "malformed mapping")
	}
	fields := make([]model.Field, 0, len(n.Content)/2)
	var merged []model.Field
	for i := 0; i < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			m, err := c.merge(val, depth)
			if err != nil {
				return nil, err
			}
			merged = append(merged, m...)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return nil, decode.Errorf(c.pos(k), "mapping key must be a scalar")
		}
		c.comment(k, val)
		v, err := c.convert(val, depth+1)
		if err != nil {
			return nil, err
		}
		fields = append(fields, model.Field{Key: k.Value, KeyPos: c.pos(k), Value: v})
	}
	if len(merged) > 0 {
		// Explicit keys win over merged ones; earlier merges win over later.
		have := make(map[string]bool, len(fields))
		for _, f := range fields {
			have[f.Key] = true
		}
		var add []model.Field
		for _, f := range merged {
			if !have[f.Key] {
				have[f.Key] = true
				add = append(add, f)
			}
		}
		fields = append(add, fields...)
	}
	return model.NewMap(fields, c.pos(n)), nil
}

func (c *converter) merge(n *yaml.Node, depth int) ([]model.Field, error) {
	var srcs []*yaml.Node
	if n.Kind == yaml.SequenceNode {
		srcs = n.Content
	} else {
		srcs = []*yaml.Node{n}
	}
	var out []model.Field
	for _, s := range srcs {
		v, err := c.convert(s, depth+1)
		if err != nil {
			return nil, err
		}
		if v.Kind != model.Map {
			return nil, decode.Errorf(c.pos(s), "merge key << needs a mapping or a list of mappings")
		}
		out = append(out, v.Fields...)
	}
	return out, nil
}

// intrinsic converts a short-form tagged node into its long form.
func (c *converter) intrinsic(n *yaml.Node, long string, depth int) (*model.Value, error) {
	p := c.pos(n)
	var arg *model.Value
	switch {
	case long == "Fn::GetAtt" && n.Kind == yaml.ScalarNode:
		res, attr, ok := strings.Cut(n.Value, ".")
		if !ok {
			return nil, decode.Errorf(p, "!GetAtt %q: want Resource.Attribute", n.Value)
		}
		arg = model.NewList([]*model.Value{model.NewString(res, p), model.NewString(attr, p)}, p)
	case n.Kind == yaml.ScalarNode:
		arg = &model.Value{Kind: model.String, Str: n.Value, Pos: p}
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 && n.Value == "" && long != "Fn::GetAZs" {
			arg = &model.Value{Kind: model.Null, Pos: p}
		}
	default:
		plain := *n
		plain.Tag = ""
		if n.Kind == yaml.SequenceNode {
			plain.Tag = "!!seq"
		} else if n.Kind == yaml.MappingNode {
			plain.Tag = "!!map"
		}
		var err error
		arg, err = c.convert(&plain, depth+1)
		if err != nil {
			return nil, err
		}
	}
	return model.NewMap([]model.Field{{Key: long, KeyPos: p, Value: arg}}, p), nil
}

// comment records nightlight:ignore comments on key (or, for list items,
// on val itself).
func (c *converter) comment(key, val *yaml.Node) {
	for _, n := range []*yaml.Node{key, val} {
		if n == nil {
			continue
		}
		for _, text := range []string{n.HeadComment, n.LineComment} {
			if text == "" {
				continue
			}
			for _, line := range strings.Split(text, "\n") {
				if s, ok := ParseIgnore(line); ok {
					s.Pos = c.pos(n)
					if key != nil {
						s.Pos = c.pos(key)
					}
					c.suppressions = append(c.suppressions, s)
				}
			}
		}
	}
}

// ParseIgnore parses a `# nightlight:ignore NL4003[,NL4004] reason` comment
// line. ok is false when the line is not such a comment.
func ParseIgnore(line string) (s model.Suppression, ok bool) {
	line = strings.TrimSpace(line)
	line = strings.TrimLeft(line, "#/ \t")
	const tag = "nightlight:ignore"
	if !strings.HasPrefix(line, tag) {
		return s, false
	}
	rest := strings.TrimSpace(line[len(tag):])
	if rest == "" {
		return s, true
	}
	first, reason, _ := strings.Cut(rest, " ")
	for _, id := range strings.Split(first, ",") {
		id = strings.TrimSpace(id)
		if isRuleID(id) {
			s.Rules = append(s.Rules, strings.ToUpper(id))
		} else {
			reason = strings.TrimSpace(first + " " + reason)
			s.Rules = nil
			break
		}
	}
	s.Reason = strings.TrimSpace(reason)
	return s, true
}

func isRuleID(s string) bool {
	if len(s) != 6 || !strings.EqualFold(s[:2], "NL") {
		return false
	}
	for _, r := range s[2:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// checkDepth rejects documents nested deeper than max before the YAML parser
// sees them, counting flow brackets and block indentation levels. It is a
// cheap pre-pass that keeps pathological inputs away from recursive code.
func checkDepth(file string, data []byte, max int) error {
	depth, line := 0, 1
	inQuote := byte(0)
	for i := 0; i < len(data); i++ {
		b := data[i]
		switch {
		case b == '\n':
			line++
		case inQuote != 0:
			if b == inQuote && (inQuote == '\'' || i == 0 || data[i-1] != '\\') {
				inQuote = 0
			}
		case b == '"' || b == '\'':
			// Only treat as a quote when it starts a scalar (after a
			// delimiter); apostrophes inside words are common.
			if i == 0 || strings.IndexByte(" \t[{,:\n", data[i-1]) >= 0 {
				inQuote = b
			}
		case b == '#':
			if i == 0 || data[i-1] == ' ' || data[i-1] == '\t' || data[i-1] == '\n' {
				for i < len(data) && data[i] != '\n' {
					i++
				}
				i--
			}
		case b == '[' || b == '{':
			depth++
			if depth > max {
				return decode.Errorf(model.Pos{File: file, Line: line}, "nesting deeper than %d levels", max)
			}
		case b == ']' || b == '}':
			if depth > 0 {
				depth--
			}
		}
	}
	// Block-style depth: indentation is bounded by the line length, and
	// yaml.v3 itself refuses very deep block nesting; the converter's depth
	// check catches the rest.
	return nil
}

func lineOf(data []byte, off int) int {
	if off < 0 {
		return 0
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// Describe returns a short description of v's kind for error messages.
func Describe(v *model.Value) string {
	if v == nil {
		return "nothing"
	}
	return fmt.Sprintf("a %s", v.Kind)
}
