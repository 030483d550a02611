package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// fastEncoder writes the report's hottest elements (stacks, graph nodes
// and edges, findings) as indented JSON without reflection: the bytes an
// encoding/json Encoder without HTML escaping gives, indented by
// indentCompact. Its per-type methods are generated from the model's
// types (fastjson_gen.go, by TestFastJSONGenerated with -update), so a
// field added to a model type changes the generated file; the tests
// compare both encoders on random values of every covered type.
type fastEncoder struct {
	b   []byte
	err error
}

// encodeFast appends v's text at depth to dst when v is one of the types
// the fast encoder covers; ok is false for any other type.
func encodeFast(dst []byte, v any, depth int) (out []byte, ok bool, err error) {
	e := fastEncoder{b: dst}
	switch v := v.(type) {
	case *model.Stack:
		fastRoot(&e, v, depth, (*fastEncoder).modelStack)
	case *graph.Node:
		fastRoot(&e, v, depth, (*fastEncoder).graphNode)
	case *graph.Edge:
		fastRoot(&e, v, depth, (*fastEncoder).graphEdge)
	case *rule.Finding:
		fastRoot(&e, v, depth, (*fastEncoder).ruleFinding)
	case *rule.Suppressed:
		fastRoot(&e, v, depth, (*fastEncoder).ruleSuppressed)
	default:
		return dst, false, nil
	}
	return e.b, true, e.err
}

// fastRoot writes v at depth with enc, or null.
func fastRoot[T any](e *fastEncoder, v *T, depth int, enc func(*fastEncoder, *T, int)) {
	if v == nil {
		e.null()
		return
	}
	enc(e, v, depth)
}

// fastSlice writes s at level, each element with enc; null when nil.
func fastSlice[T any](e *fastEncoder, s []T, level int, enc func(*fastEncoder, *T, int)) {
	if s == nil {
		e.null()
		return
	}
	if len(s) == 0 {
		e.b = append(e.b, "[]"...)
		return
	}
	e.b = append(e.b, '[')
	for i := range s {
		e.elem(i, level)
		enc(e, &s[i], level+1)
	}
	e.closeArray(level)
}

// fastPtrSlice writes s at level, each element with enc or null; null
// when nil.
func fastPtrSlice[T any](e *fastEncoder, s []*T, level int, enc func(*fastEncoder, *T, int)) {
	fastSlice(e, s, level, func(e *fastEncoder, p **T, level int) { fastRoot(e, *p, level, enc) })
}

// fastStrings writes a list of strings at level; null when nil.
func fastStrings[S ~string](e *fastEncoder, s []S, level int) {
	fastSlice(e, s, level, func(e *fastEncoder, p *S, _ int) { e.str(string(*p), false) })
}

// indent appends a newline and level indentation steps.
func (e *fastEncoder) indent(level int) {
	e.b = append(e.b, '\n')
	for range level {
		e.b = append(e.b, ' ', ' ')
	}
}

// key starts the next member of an object at level: a comma unless it is
// the first, the member's line, and its quoted name (given quoted, with
// the colon and space).
func (e *fastEncoder) key(first *bool, level int, quoted string) {
	if !*first {
		e.b = append(e.b, ',')
	}
	*first = false
	e.indent(level + 1)
	e.b = append(e.b, quoted...)
}

// closeObject ends an object at level opened with '{': "{}" when no member
// was written.
func (e *fastEncoder) closeObject(first bool, level int) {
	if !first {
		e.indent(level)
	}
	e.b = append(e.b, '}')
}

// elem starts element i of an array at level.
func (e *fastEncoder) elem(i, level int) {
	if i > 0 {
		e.b = append(e.b, ',')
	}
	e.indent(level + 1)
}

// closeArray ends a non-empty array at level.
func (e *fastEncoder) closeArray(level int) {
	e.indent(level)
	e.b = append(e.b, ']')
}

func (e *fastEncoder) null() { e.b = append(e.b, "null"...) }

func (e *fastEncoder) bool(v bool) {
	if v {
		e.b = append(e.b, "true"...)
	} else {
		e.b = append(e.b, "false"...)
	}
}

// float writes f as encoding/json does (by encoding/json: floats are rare
// in the report, a finding's cost).
func (e *fastEncoder) float(f float64) {
	b, err := json.Marshal(f)
	if err != nil {
		if e.err == nil {
			e.err = err
		}
		return
	}
	e.b = append(e.b, b...)
}

// str writes s as a JSON string, as encoding/json does: with HTML
// escaping for the text of a json.Marshal call (values, graph nodes),
// without for the report's Encoder.
func (e *fastEncoder) str(s string, html bool) {
	e.b = appendJSONString(e.b, s, html)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json quotes strings:
// `\"`, `\\`, \b \f \n \r \t, other control characters (and <, >, & when
// html) as \u00XX, invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(dst []byte, s string, html bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!html || (c != '<' && c != '>' && c != '&')) {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// nodeID writes a graph node ID as its MarshalText, quoted.
func (e *fastEncoder) nodeID(id graph.NodeID, html bool) {
	e.str(id.String(), html)
}

// graphNode writes n as graph.Node's MarshalJSON does (json.Marshal of
// its report form: HTML escaped), indented at level.
func (e *fastEncoder) graphNode(n *graph.Node, level int) {
	e.b = append(e.b, '{')
	first := true
	e.key(&first, level, `"id": `)
	e.nodeID(n.ID, true)
	e.key(&first, level, `"kind": `)
	e.str(string(n.ID.Kind), true)
	e.key(&first, level, `"name": `)
	e.str(n.Name, true)
	e.optStr(&first, level, `"file": `, n.File, true)
	if n.Line != 0 {
		e.key(&first, level, `"line": `)
		e.int(int64(n.Line))
	}
	e.optStr(&first, level, `"sub": `, n.Sub, true)
	e.optStr(&first, level, `"stack": `, n.ID.Stack, true)
	e.optStr(&first, level, `"ref": `, n.Ref, true)
	e.optStr(&first, level, `"classification": `, n.Classification, true)
	e.optStr(&first, level, `"auth": `, n.Auth, true)
	e.optStr(&first, level, `"group": `, n.Group, true)
	if len(n.Flags) > 0 {
		e.key(&first, level, `"flags": `)
		e.b = append(e.b, '[')
		for i, s := range n.Flags {
			e.elem(i, level+1)
			e.str(s, true)
		}
		e.closeArray(level + 1)
	}
	e.closeObject(first, level)
}

// optStr writes a string member that is left out when empty.
func (e *fastEncoder) optStr(first *bool, level int, quoted, s string, html bool) {
	if s != "" {
		e.key(first, level, quoted)
		e.str(s, html)
	}
}

// optValue writes a model.Value member that is left out when nil.
func (e *fastEncoder) optValue(first *bool, level int, quoted string, v *model.Value) {
	if v != nil {
		e.key(first, level, quoted)
		e.value(v, level+1)
	}
}

// int writes an integer.
func (e *fastEncoder) int(v int64) {
	e.b = strconv.AppendInt(e.b, v, 10)
}

// value writes v as model.Value's MarshalJSON does (json.Marshal's
// escaping for its strings), indented at level. Values whose text
// encoding/json would have to rewrite (a Number or Bool whose text is not
// a plain JSON number or literal) go through MarshalJSON itself.
func (e *fastEncoder) value(v *model.Value, level int) {
	if v == nil {
		e.null()
		return
	}
	switch v.Kind {
	case model.Null:
		e.null()
	case model.Bool:
		if v.Str != "true" && v.Str != "false" {
			e.slowValue(v, level)
			return
		}
		e.b = append(e.b, v.Str...)
	case model.Number:
		if !isJSONNumber(v.Str) {
			e.slowValue(v, level)
			return
		}
		e.b = append(e.b, v.Str...)
	case model.String:
		e.str(v.Str, true)
	case model.Symbolic:
		e.b = append(e.b, '{')
		e.indent(level + 1)
		e.b = append(e.b, `"$unresolved": `...)
		e.str(v.Source, true)
		e.indent(level)
		e.b = append(e.b, '}')
	case model.List:
		if len(v.Items) == 0 {
			e.b = append(e.b, "[]"...)
			return
		}
		e.b = append(e.b, '[')
		for i, it := range v.Items {
			e.elem(i, level)
			e.value(it, level+1)
		}
		e.closeArray(level)
	case model.Map:
		e.b = append(e.b, '{')
		first := true
		// A repeated key: the last one wins. Small maps are searched, larger
		// ones indexed.
		var last map[string]int
		if len(v.Fields) > smallMap {
			last = make(map[string]int, len(v.Fields))
			for i, f := range v.Fields {
				last[f.Key] = i
			}
		}
		for i, f := range v.Fields {
			if last != nil && last[f.Key] != i || last == nil && repeatedLater(v.Fields[i+1:], f.Key) {
				continue
			}
			if !first {
				e.b = append(e.b, ',')
			}
			first = false
			e.indent(level + 1)
			e.str(f.Key, true)
			e.b = append(e.b, ':', ' ')
			e.value(f.Value, level+1)
		}
		e.closeObject(first, level)
	default:
		e.null()
	}
}

// smallMap is the largest map whose repeated keys are found by search.
const smallMap = 16

// repeatedLater reports whether key is the key of one of fields.
func repeatedLater(fields []model.Field, key string) bool {
	for _, f := range fields {
		if f.Key == key {
			return true
		}
	}
	return false
}

// slowValue writes v through its MarshalJSON, compacted as encoding/json
// compacts a Marshaler's text and indented at level.
func (e *fastEncoder) slowValue(v *model.Value, level int) {
	b, err := v.MarshalJSON()
	if err == nil {
		var c []byte
		c, err = compactJSON(b)
		if err == nil {
			e.b = indentCompact(e.b, c, indentPrefix(level))
			return
		}
	}
	if e.err == nil {
		e.err = fmt.Errorf("json: error calling MarshalJSON for type *model.Value: %w", err)
	}
}

// compactJSON is encoding/json's compaction of a Marshaler's text.
func compactJSON(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// indentPrefix is level indentation steps.
func indentPrefix(level int) string { return strings.Repeat("  ", level) }

// isJSONNumber reports whether s is a JSON number with nothing around it.
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		digits()
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}
