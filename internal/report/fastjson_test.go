package report

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// fastRoots are pointers to zero values of every type encodeFast covers.
func fastRoots() []any {
	return []any{new(model.Stack), new(graph.Node), new(graph.Edge), new(rule.Finding), new(rule.Suppressed)}
}

// compareFast encodes v both ways at depth and fails on any difference
// (an error on one side only included).
func compareFast(t testing.TB, v any, depth int) {
	t.Helper()
	want, werr := NewElementEncoder(depth).encodeReflect(v)
	got, ok, gerr := encodeFast(nil, v, depth)
	if !ok {
		t.Fatalf("encodeFast does not cover %T", v)
	}
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("%T at depth %d: encoding/json error %v, fast encoder error %v", v, depth, werr, gerr)
	}
	if werr == nil && !bytes.Equal(got, want) {
		t.Fatalf("%T at depth %d: fast encoder differs from encoding/json\nwant:\n%s\ngot:\n%s", v, depth, want, got)
	}
}

func TestFastJSONCoversRoots(t *testing.T) {
	for _, v := range fastRoots() {
		if _, ok, _ := encodeFast(nil, v, 0); !ok {
			t.Errorf("encodeFast does not cover %T", v)
		}
	}
	if len(fastRoots()) != len(fastJSONRoots)+1 {
		t.Errorf("fastRoots and fastJSONRoots (with graph.Node) disagree")
	}
	for _, v := range []any{model.Stack{}, &uncovered{}, "x", nil} {
		if _, ok, _ := encodeFast(nil, v, 0); ok {
			t.Errorf("encodeFast claims %T", v)
		}
	}
}

// uncovered is a type the fast encoder does not cover.
type uncovered struct{ A int }

func TestFastJSONTable(t *testing.T) {
	str := func(s string) *model.Value { return model.NewString(s, model.Pos{}) }
	num := func(s string) *model.Value { return model.NewNumber(s, model.Pos{}) }
	cases := []struct {
		name string
		v    any
	}{
		{"nil stack", (*model.Stack)(nil)},
		{"empty stack", &model.Stack{}},
		{"stack with empty lists", &model.Stack{ID: "s", Functions: []*model.Function{}, Resources: []*model.Resource{}}},
		{"stack with a nil function", &model.Stack{ID: "s", Functions: []*model.Function{nil}}},
		{"resource with every value kind", &model.Stack{Resources: []*model.Resource{{ID: "r", Properties: model.NewMap([]model.Field{
			{Key: "s", Value: str("<a & b>\u2028\x01\xff")},
			{Key: "n", Value: num("-1.5e10")},
			{Key: "odd number", Value: num(" 1 ")},
			{Key: "not a number", Value: num("01")},
			{Key: "list number", Value: num("[1, 2]")},
			{Key: "b", Value: model.NewBool(true, model.Pos{})},
			{Key: "null", Value: &model.Value{}},
			{Key: "nil", Value: nil},
			{Key: "sym", Value: model.NewSymbol("Ref X", model.Pos{}, "X")},
			{Key: "empty list", Value: model.NewList(nil, model.Pos{})},
			{Key: "list", Value: model.NewList([]*model.Value{str("a"), nil, model.NewList(nil, model.Pos{})}, model.Pos{})},
			{Key: "empty map", Value: model.NewMap(nil, model.Pos{})},
			{Key: "s", Value: str("repeated key: the last wins")},
		}, model.Pos{})}}}},
		{"large map with repeated keys", &model.Stack{Resources: []*model.Resource{{Properties: largeMap()}}}},
		{"bad bool", &model.Stack{Resources: []*model.Resource{{Properties: &model.Value{Kind: model.Bool, Str: "yes"}}}}},
		{"unknown kind", &model.Stack{Resources: []*model.Resource{{Properties: &model.Value{Kind: 200}}}}},
		{"node with HTML", &graph.Node{ID: graph.ModelID("a<b>", graph.NodeFunction, "f&g"), Name: "<x>", Line: 3, Flags: []string{"a&b"}}},
		{"node without details", &graph.Node{}},
		{"node with empty flags", &graph.Node{Flags: []string{}}},
		{"edge", &graph.Edge{From: graph.ModelID("s", graph.NodeFunction, "<f>"), Kind: graph.EdgeInvokes, Evidence: model.Pos{File: "t.yaml", Line: 2}}},
		{"finding with a cost", &rule.Finding{Rule: "NL1", CostPerHour: 1e-7, Path: []graph.NodeID{{}}}},
		{"finding with a large cost", &rule.Finding{CostPerHour: 1e21}},
		{"suppressed", &rule.Suppressed{Finding: rule.Finding{Message: "m\t<>"}, Kind: "inline"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for depth := range 4 {
				compareFast(t, c.v, depth)
			}
		})
	}
}

// largeMap is a map value with more fields than smallMap, keys repeated.
func largeMap() *model.Value {
	var fields []model.Field
	for i := range 3 * smallMap {
		fields = append(fields, model.Field{Key: string(rune('a' + i%(smallMap+3))), Value: model.NewNumber(strconv.Itoa(i), model.Pos{})})
	}
	return model.NewMap(fields, model.Pos{})
}

// TestFastJSONRandom compares the fast encoder with encoding/json on
// random values of every covered type: every exported field of every
// struct below them filled (or nil, or empty) at random, strings with
// characters JSON escapes.
func TestFastJSONRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 300
	if testing.Short() {
		n = 30
	}
	for range n {
		for _, root := range fastRoots() {
			v := reflect.New(reflect.TypeOf(root).Elem())
			fillRandom(r, v.Elem(), 0)
			compareFast(t, v.Interface(), r.IntN(4))
		}
	}
}

// FuzzFastJSON compares the fast encoder with encoding/json on a random
// value of a covered type made from the fuzzer's seed.
func FuzzFastJSON(f *testing.F) {
	f.Add(uint64(1), uint8(0), uint8(0))
	f.Add(uint64(7), uint8(1), uint8(3))
	f.Add(uint64(99), uint8(4), uint8(2))
	f.Fuzz(func(t *testing.T, seed uint64, which, depth uint8) {
		roots := fastRoots()
		v := reflect.New(reflect.TypeOf(roots[int(which)%len(roots)]).Elem())
		fillRandom(rand.New(rand.NewPCG(seed, 0)), v.Elem(), 0)
		compareFast(t, v.Interface(), int(depth%5))
	})
}

// FuzzAppendJSONString compares appendJSONString with encoding/json's
// quoting, with and without HTML escaping.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "a", `"\`, "<&>", "\u2028\u2029", "\x00\x1f\x7f", "\xff\xfe", "é\b\f\n\r\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s, true); !bytes.Equal(got, want) {
			t.Fatalf("html: %q, want %q", got, want)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s, false); !bytes.Equal(got, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))) {
			t.Fatalf("no html: %q, want %q", got, buf.Bytes())
		}
	})
}

var randomPieces = []string{"", "a", "id", `"`, `\`, "<", ">", "&", "\u2028", "\u2029", "\x01", "\x1f", "\x7f", "\xff",
	"é", "日本", "\b", "\f", "\n", "\r", "\t", " ", "{", "}", "[", "]", ":", ",", "${x}"}

func randomString(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(4) {
		b.WriteString(randomPieces[r.IntN(len(randomPieces))])
	}
	return b.String()
}

var numberTexts = []string{"0", "1", "-1", "1.5", "-0.25e-3", "1E+9", "01", "1.", ".5", " 1", "1 ", "abc", "[1, 2]", `"q"`, "", "-", "1e"}

// randomModelValue is a random model.Value tree: every kind, numbers and
// booleans whose text is not plain JSON too, repeated map keys.
func randomModelValue(r *rand.Rand, depth int) *model.Value {
	k := r.IntN(9)
	if depth > 3 {
		k %= 6
	}
	switch k {
	case 0:
		return nil
	case 1:
		return &model.Value{Kind: model.Null}
	case 2:
		return &model.Value{Kind: model.Bool, Str: []string{"true", "false", "true", "yes"}[r.IntN(4)]}
	case 3:
		return &model.Value{Kind: model.Number, Str: numberTexts[r.IntN(len(numberTexts))]}
	case 4:
		return &model.Value{Kind: model.String, Str: randomString(r)}
	case 5:
		return &model.Value{Kind: model.Symbolic, Str: randomString(r), Source: randomString(r)}
	case 6:
		var items []*model.Value
		for range r.IntN(4) {
			items = append(items, randomModelValue(r, depth+1))
		}
		return &model.Value{Kind: model.List, Items: items}
	default:
		var fields []model.Field
		keys := []string{"a", "b", randomString(r)}
		for range r.IntN(5) {
			fields = append(fields, model.Field{Key: keys[r.IntN(len(keys))], Value: randomModelValue(r, depth+1)})
		}
		return &model.Value{Kind: model.Map, Fields: fields}
	}
}

// fillRandom sets v (settable) to a random value of its type.
func fillRandom(r *rand.Rand, v reflect.Value, depth int) {
	switch v.Type() {
	case reflect.TypeFor[*model.Value]():
		v.Set(reflect.ValueOf(randomModelValue(r, 0)))
		return
	case reflect.TypeFor[graph.NodeID]():
		kinds := []graph.NodeKind{graph.NodeFunction, graph.NodePrincipal, graph.NodeStore, ""}
		v.Set(reflect.ValueOf(graph.NodeID{Stack: randomString(r), Kind: kinds[r.IntN(len(kinds))], Ref: randomString(r)}))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(randomString(r))
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt([]int64{0, 1, -7, 1 << 40}[r.IntN(4)])
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(r.IntN(300)))
	case reflect.Float32, reflect.Float64:
		v.SetFloat([]float64{0, 0.25, 1e-7, 1e21, 123.456, -3}[r.IntN(6)])
	case reflect.Pointer:
		if depth > 6 || r.IntN(4) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fillRandom(r, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		switch n := r.IntN(5); {
		case n == 0 || depth > 6:
		case n == 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			s := reflect.MakeSlice(v.Type(), n-1, n-1)
			for i := range n - 1 {
				fillRandom(r, s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Map:
		switch n := r.IntN(5); {
		case n == 0 || depth > 6:
		default:
			m := reflect.MakeMap(v.Type())
			for range n - 1 {
				k := reflect.New(v.Type().Key()).Elem()
				fillRandom(r, k, depth+1)
				e := reflect.New(v.Type().Elem()).Elem()
				fillRandom(r, e, depth+1)
				m.SetMapIndex(k, e)
			}
			v.Set(m)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && r.IntN(5) != 0 {
				fillRandom(r, v.Field(i), depth+1)
			}
		}
	}
}
