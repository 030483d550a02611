// Package model is nightlight's one typed application model. Every loader
// (CloudFormation, SAM, Serverless Framework, Terraform, …) translates its
// input into these structs, and everything downstream (graph, IAM, rules,
// reports) reads only these structs: loaders translate, rules never parse.
//
// Every value records where it was written (file:line:col) and whether it
// could be resolved statically. A value that cannot be resolved — an
// `!ImportValue`, a parameter without default, `${opt:stage}`, a Terraform
// variable without default — is kept as a symbolic value that remembers its
// source; it is never replaced by an empty string.
package model

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Pos is a position in an input file. Line and Col are 1-based; the zero Pos
// means "position unknown".
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

// IsValid reports whether the position names a file.
func (p Pos) IsValid() bool { return p.File != "" }

// Before reports whether p comes before q in file, line, column order.
func (p Pos) Before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// String formats the position as file:line:col, omitting unknown parts.
func (p Pos) String() string {
	switch {
	case p.File == "":
		return "-"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return p.File + ":" + strconv.Itoa(p.Line)
	default:
		return p.File + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
	}
}

// Kind is the shape of a Value.
type Kind uint8

// The kinds of Value.
const (
	Null     Kind = iota // an explicit null, or nothing
	Bool                 // Str is "true" or "false"
	Number               // Str is the number as written
	String               // Str is the text; see Value.Unresolved for templates
	List                 // Items holds the elements
	Map                  // Fields holds the entries in source order
	Symbolic             // a value that could not be resolved; Source says what it was
)

var kindNames = [...]string{"null", "bool", "number", "string", "list", "map", "symbolic"}

// String returns the kind's lower-case name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Field is one entry of a Map value.
type Field struct {
	Key    string
	KeyPos Pos
	Value  *Value
}

// Value is one node of a declaration's value tree: a scalar, list or map as
// written in a template, after whatever resolution the loader could do.
//
// A String whose Unresolved flag is set is a template: the parts that could
// not be resolved appear as ${…} placeholders (for example
// "arn:aws:s3:::${Bucket}/*" or "orders-${opt:stage}"), Source describes the
// unresolved expression and Refs lists the model IDs it mentions. A Symbolic
// value stands for a whole value that could not be resolved (a list from
// `!Split` over an import, say).
//
// A nil *Value means "not set"; the accessor methods accept nil receivers.
type Value struct {
	Kind   Kind
	Str    string
	Items  []*Value
	Fields []Field
	Pos    Pos
	// Unresolved is true when this value, or part of it, is symbolic.
	Unresolved bool
	// Source describes where an unresolved value comes from, e.g.
	// "!ImportValue SharedVpc", "parameter Stage", "${opt:stage}".
	Source string
	// Refs lists the IDs of model resources this value refers to (a logical
	// ID for !Ref/!GetAtt/${X}, a Terraform address, …), sorted and unique.
	Refs []string
	// Secret describes the secret this value carries, when the loader
	// knows it derives from one ("the SecretAccessKey of DeployerKey",
	// "parameter DbPassword, which is NoEcho/sensitive"); "" otherwise.
	// It is not written to JSON.
	Secret string
}

// SecretIn returns the description of the first secret v or a value
// inside it carries (see Value.Secret), or "".
func SecretIn(v *Value) string {
	found := ""
	v.Walk(func(x *Value) bool {
		if x.Secret != "" {
			found = x.Secret
			return false
		}
		return true
	})
	return found
}

// NewString returns a resolved string value at pos.
func NewString(s string, pos Pos) *Value { return &Value{Kind: String, Str: s, Pos: pos} }

// NewBool returns a resolved boolean value at pos.
func NewBool(b bool, pos Pos) *Value {
	return &Value{Kind: Bool, Str: strconv.FormatBool(b), Pos: pos}
}

// NewNumber returns a resolved number value at pos, written as s.
func NewNumber(s string, pos Pos) *Value { return &Value{Kind: Number, Str: s, Pos: pos} }

// NewSymbol returns a symbolic value with the given source description.
// refs are the model IDs it refers to.
func NewSymbol(source string, pos Pos, refs ...string) *Value {
	return &Value{Kind: Symbolic, Str: "${" + source + "}", Pos: pos, Unresolved: true, Source: source, Refs: SortedUnique(refs)}
}

// NewList returns a list value at pos.
func NewList(items []*Value, pos Pos) *Value { return &Value{Kind: List, Items: items, Pos: pos} }

// NewMap returns a map value at pos.
func NewMap(fields []Field, pos Pos) *Value { return &Value{Kind: Map, Fields: fields, Pos: pos} }

// PosOr returns v's position, or fallback when v is nil or has none.
func (v *Value) PosOr(fallback Pos) Pos {
	if v == nil || !v.Pos.IsValid() {
		return fallback
	}
	return v.Pos
}

// IsSet reports whether v is present and not null.
func (v *Value) IsSet() bool { return v != nil && v.Kind != Null }

// IsResolved reports whether v is set and entirely known statically.
func (v *Value) IsResolved() bool { return v.IsSet() && !v.Unresolved }

// Get returns the value of the map entry key, or nil if v is not a map or has
// no such entry. When a key repeats, the last one wins, as in CloudFormation.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Map {
		return nil
	}
	for i := len(v.Fields) - 1; i >= 0; i-- {
		if v.Fields[i].Key == key {
			return v.Fields[i].Value
		}
	}
	return nil
}

// GetFold is Get with a case-insensitive key match.
func (v *Value) GetFold(key string) *Value {
	if v == nil || v.Kind != Map {
		return nil
	}
	for i := len(v.Fields) - 1; i >= 0; i-- {
		if strings.EqualFold(v.Fields[i].Key, key) {
			return v.Fields[i].Value
		}
	}
	return nil
}

// Path follows a chain of map keys and returns the value at the end, or nil.
func (v *Value) Path(keys ...string) *Value {
	for _, k := range keys {
		v = v.Get(k)
		if v == nil {
			return nil
		}
	}
	return v
}

// Entries returns the map's fields (nil when v is nil or not a map), for
// ranging over a map that may be absent.
func (v *Value) Entries() []Field {
	if v == nil || v.Kind != Map {
		return nil
	}
	return v.Fields
}

// Has reports whether the map v has an entry key.
func (v *Value) Has(key string) bool { return v.Get(key) != nil }

// Keys returns the map's keys in source order (nil if v is not a map).
func (v *Value) Keys() []string {
	if v == nil || v.Kind != Map {
		return nil
	}
	keys := make([]string, 0, len(v.Fields))
	for _, f := range v.Fields {
		keys = append(keys, f.Key)
	}
	return keys
}

// String returns the scalar text of v: the string itself, the number or
// boolean as written, the ${…} form of a symbol, or "" for nil, null, lists
// and maps.
func (v *Value) String() string {
	if v == nil {
		return ""
	}
	switch v.Kind {
	case String, Number, Bool, Symbolic:
		return v.Str
	}
	return ""
}

// AsBool interprets v as a boolean the way CloudFormation does (true/false,
// also as strings, case-insensitive). ok is false when v is unset, symbolic
// or not a boolean.
func (v *Value) AsBool() (b, ok bool) {
	if !v.IsResolved() {
		return false, false
	}
	switch strings.ToLower(v.Str) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// AsInt interprets v as an integer (numbers and numeric strings). ok is false
// when v is unset, symbolic or not an integer.
func (v *Value) AsInt() (n int64, ok bool) {
	if !v.IsResolved() || (v.Kind != Number && v.Kind != String) {
		return 0, false
	}
	s := strings.TrimSpace(v.Str)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == float64(int64(f)) {
		return int64(f), true
	}
	return 0, false
}

// AsFloat interprets v as a number. ok is false when v is unset, symbolic or
// not numeric.
func (v *Value) AsFloat() (f float64, ok bool) {
	if !v.IsResolved() || (v.Kind != Number && v.Kind != String) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v.Str), 64)
	return f, err == nil
}

// AsStrings returns the scalar strings of v: the elements of a list, or v
// itself when it is a scalar. Nested lists and maps are skipped. Symbolic
// elements are returned in their ${…} form.
func (v *Value) AsStrings() []string {
	if !v.IsSet() {
		return nil
	}
	if v.Kind != List {
		if s := v.String(); s != "" || v.Kind == String {
			return []string{s}
		}
		return nil
	}
	out := make([]string, 0, len(v.Items))
	for _, it := range v.Items {
		switch it.Kind {
		case String, Number, Bool, Symbolic:
			out = append(out, it.Str)
		}
	}
	return out
}

// Elems returns the elements of a list, or v itself as a one-element slice
// when it is set and not a list (IAM's "string or list" convention).
func (v *Value) Elems() []*Value {
	if !v.IsSet() {
		return nil
	}
	if v.Kind == List {
		return v.Items
	}
	return []*Value{v}
}

// AllRefs returns the model IDs referenced anywhere inside v, sorted and
// unique.
func (v *Value) AllRefs() []string {
	var refs []string
	v.Walk(func(x *Value) bool {
		refs = append(refs, x.Refs...)
		return true
	})
	return SortedUnique(refs)
}

// Walk calls fn for v and, while fn returns true, for each value below it in
// source order.
func (v *Value) Walk(fn func(*Value) bool) {
	if v == nil || !fn(v) {
		return
	}
	for _, it := range v.Items {
		it.Walk(fn)
	}
	for _, f := range v.Fields {
		f.Value.Walk(fn)
	}
}

// MarshalJSON renders v as plain JSON: scalars as themselves, lists as
// arrays, maps as objects in source order, and symbolic values as
// {"$unresolved": source}.
func (v *Value) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	v.writeJSON(&b)
	return []byte(b.String()), nil
}

func (v *Value) writeJSON(b *strings.Builder) {
	if v == nil {
		b.WriteString("null")
		return
	}
	switch v.Kind {
	case Null:
		b.WriteString("null")
	case Bool:
		b.WriteString(v.Str)
	case Number:
		if json.Valid([]byte(v.Str)) {
			b.WriteString(v.Str)
		} else {
			writeJSONString(b, v.Str)
		}
	case String:
		writeJSONString(b, v.Str)
	case Symbolic:
		b.WriteString(`{"$unresolved":`)
		writeJSONString(b, v.Source)
		b.WriteString("}")
	case List:
		b.WriteByte('[')
		for i, it := range v.Items {
			if i > 0 {
				b.WriteByte(',')
			}
			it.writeJSON(b)
		}
		b.WriteByte(']')
	case Map:
		b.WriteByte('{')
		first := true
		var last map[string]int
		if len(v.Fields) > 1 {
			last = make(map[string]int, len(v.Fields))
			for i, f := range v.Fields {
				last[f.Key] = i
			}
		}
		for i, f := range v.Fields {
			if last != nil && last[f.Key] != i {
				continue // a repeated key: the last one wins
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			writeJSONString(b, f.Key)
			b.WriteByte(':')
			f.Value.writeJSON(b)
		}
		b.WriteByte('}')
	default:
		b.WriteString("null")
	}
}

func writeJSONString(b *strings.Builder, s string) {
	enc, _ := json.Marshal(s) // never fails for a string
	b.Write(enc)
}

// GoString helps debugging by printing the value compactly.
func (v *Value) GoString() string {
	j, _ := v.MarshalJSON()
	return fmt.Sprintf("model.Value(%s@%s)", j, v.Pos)
}

// SortedUnique sorts ss and removes duplicates and empty strings, in place.
func SortedUnique(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	sort.Strings(ss)
	out := ss[:0]
	for i, s := range ss {
		if s == "" || (i > 0 && s == ss[i-1]) {
			continue
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
