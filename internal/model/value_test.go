package model

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPosString(t *testing.T) {
	for _, tc := range []struct {
		pos  Pos
		want string
	}{
		{Pos{}, "-"},
		{Pos{File: "t.yaml"}, "t.yaml"},
		{Pos{File: "t.yaml", Line: 3}, "t.yaml:3"},
		{Pos{File: "t.yaml", Line: 3, Col: 7}, "t.yaml:3:7"},
	} {
		if got := tc.pos.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.pos, got, tc.want)
		}
	}
}

// doc is {"A": {"B": "x"}, "n": 42, "b": "True", "l": ["p", ${Ref}], "A": "again"}.
func doc() *Value {
	p := Pos{File: "t.yaml", Line: 1}
	return NewMap([]Field{
		{Key: "A", Value: NewMap([]Field{{Key: "B", Value: NewString("x", p)}}, p)},
		{Key: "n", Value: NewNumber("42", p)},
		{Key: "b", Value: NewString("True", p)},
		{Key: "l", Value: NewList([]*Value{NewString("p", p), NewSymbol("Ref Bucket", p, "Bucket", "Bucket", "")}, p)},
		{Key: "A", Value: NewString("again", p)},
	}, p)
}

func TestValueAccess(t *testing.T) {
	v := doc()
	var null *Value
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"Get: a repeated key's last value wins", v.Get("A").String(), "again"},
		{"Path", NewMap([]Field{{Key: "M", Value: v.Fields[0].Value}}, v.Pos).Path("M", "B").String(), "x"},
		{"Path through a scalar", v.Path("n", "x") == nil, true},
		{"Get on nil", null.Get("A") == nil, true},
		{"GetFold", v.GetFold("N").String(), "42"},
		{"Has", v.Has("l") && !v.Has("missing"), true},
		{"Keys in source order", v.Keys(), []string{"A", "n", "b", "l", "A"}},
		{"String of a map", v.String(), ""},
		{"symbol text", v.Get("l").Items[1].String(), "${Ref Bucket}"},
		{"symbol refs sorted, unique, no empty", v.Get("l").Items[1].Refs, []string{"Bucket"}},
		{"AllRefs", v.AllRefs(), []string{"Bucket"}},
		{"AsStrings of a list", v.Get("l").AsStrings(), []string{"p", "${Ref Bucket}"}},
		{"Elems of a scalar", len(v.Get("n").Elems()), 1},
		{"IsSet nil", null.IsSet(), false},
		{"IsResolved symbol", v.Get("l").Items[1].IsResolved(), false},
		{"PosOr nil", null.PosOr(Pos{File: "f"}).File, "f"},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, tc.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestValueConversions(t *testing.T) {
	p := Pos{File: "t.yaml"}
	tests := []struct {
		name   string
		v      *Value
		b, bok bool
		n      int64
		nok    bool
	}{
		{"true string", NewString("True", p), true, true, 0, false},
		{"false bool", NewBool(false, p), false, true, 0, false},
		{"number", NewNumber("42", p), false, false, 42, true},
		{"numeric string", NewString("7", p), false, false, 7, true},
		{"float", NewNumber("2.0", p), false, false, 2, true},
		{"symbol", NewSymbol("Ref X", p), false, false, 0, false},
		{"nil", nil, false, false, 0, false},
		{"word", NewString("yes please", p), false, false, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if b, ok := tc.v.AsBool(); b != tc.b || ok != tc.bok {
				t.Errorf("AsBool = %v, %v; want %v, %v", b, ok, tc.b, tc.bok)
			}
			if n, ok := tc.v.AsInt(); n != tc.n || ok != tc.nok {
				t.Errorf("AsInt = %v, %v; want %v, %v", n, ok, tc.n, tc.nok)
			}
		})
	}
}

func TestValueJSON(t *testing.T) {
	got, err := json.Marshal(doc())
	if err != nil {
		t.Fatal(err)
	}
	// A repeated key keeps its last value; symbols are {"$unresolved": …}.
	want := `{"n":42,"b":"True","l":["p",{"$unresolved":"Ref Bucket"}],"A":"again"}`
	if string(got) != want {
		t.Errorf("JSON = %s\nwant   %s", got, want)
	}
	if !json.Valid(got) {
		t.Error("invalid JSON")
	}
	bad, _ := json.Marshal(NewNumber("0x1F", Pos{}))
	if string(bad) != `"0x1F"` {
		t.Errorf("a number that is not JSON = %s, want a string", bad)
	}
}

func TestSortedUnique(t *testing.T) {
	if got := SortedUnique([]string{"b", "", "a", "b"}); !cmp.Equal(got, []string{"a", "b"}) {
		t.Errorf("SortedUnique = %q", got)
	}
	if got := SortedUnique(nil); got != nil {
		t.Errorf("SortedUnique(nil) = %q", got)
	}
}

func TestConfidence(t *testing.T) {
	if !(ConfidenceHigh.Rank() > ConfidenceMedium.Rank() && ConfidenceMedium.Rank() > ConfidenceLow.Rank()) {
		t.Error("ranks out of order")
	}
	if Confidence("certain").Valid() || !ConfidenceLow.Valid() {
		t.Error("Valid")
	}
	if got := MinConfidence(ConfidenceHigh, ConfidenceLow); got != ConfidenceLow {
		t.Errorf("MinConfidence = %s", got)
	}
}

func TestPosBefore(t *testing.T) {
	tests := []struct {
		a, b Pos
		want bool
	}{
		{Pos{File: "a.yaml", Line: 9}, Pos{File: "b.yaml", Line: 1}, true},
		{Pos{File: "b.yaml", Line: 1}, Pos{File: "a.yaml", Line: 9}, false},
		{Pos{File: "a.yaml", Line: 2, Col: 9}, Pos{File: "a.yaml", Line: 3, Col: 1}, true},
		{Pos{File: "a.yaml", Line: 3, Col: 1}, Pos{File: "a.yaml", Line: 3, Col: 2}, true},
		{Pos{File: "a.yaml", Line: 3, Col: 2}, Pos{File: "a.yaml", Line: 3, Col: 2}, false},
		{Pos{}, Pos{File: "a.yaml"}, true},
	}
	for _, tc := range tests {
		if got := tc.a.Before(tc.b); got != tc.want {
			t.Errorf("%v.Before(%v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
