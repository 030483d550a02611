package jsonv

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/decode"
	"github.com/nightlight-sec/nightlight/internal/model"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // the value as JSON
	}{
		{"object", `{"a": 1, "b": [true, null, "x"]}`, `{"a":1,"b":[true,null,"x"]}`},
		{"tabs and CRLF", "{\r\n\t\"bindings\": [\r\n\t\t{\"type\": \"queue\"}\r\n\t]\r\n}", `{"bindings":[{"type":"queue"}]}`},
		{"comments and trailing commas", "// head\n{\"a\": /* inline */ \"b\", \"c\": [1, 2,],}\n", `{"a":"b","c":[1,2]}`},
		{"escapes", `{"s": "a\"b\\c\u00e9\ud83d\ude00\n"}`, `{"s":"a\"b\\cé😀\n"}`},
		{"byte order mark", "\xef\xbb\xbf{\"v\": \"2.0\"}", `{"v":"2.0"}`},
		{"number text kept", `[1.50, -2e3]`, `[1.50,-2e3]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := Decode("f.json", []byte(tc.in), decode.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(v)
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPositions(t *testing.T) {
	v, err := Decode("f.json", []byte("{\n\t\"bindings\": [\n\t\t{\"authLevel\": \"anonymous\"}\n\t]\n}"), decode.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	b := v.Get("bindings").Elems()[0]
	if got, want := b.Get("authLevel").Pos, (model.Pos{File: "f.json", Line: 3, Col: 17}); got != want {
		t.Errorf("authLevel at %v, want %v", got, want)
	}
	if got, want := v.Fields[0].KeyPos, (model.Pos{File: "f.json", Line: 2, Col: 2}); got != want {
		t.Errorf("key at %v, want %v", got, want)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"missing comma", "{\n  \"a\": 1\n  \"b\": 2\n}", "f.json:3:3: invalid JSON: unexpected '\"' in object, want ',' or '}'"},
		{"unclosed string", `{"a": "b`, "f.json:1:7: invalid JSON: string is not closed"},
		{"unclosed object", `{"a": 1`, "f.json:1:8: invalid JSON: unexpected end of file in object, want ',' or '}'"},
		{"bare word", `{"a": yes}`, "f.json:1:7: invalid JSON: unexpected 'y', want a value"},
		{"trailing garbage", `{} {}`, "f.json:1:4: invalid JSON: unexpected '{' after the end of the JSON document"},
		{"unclosed comment", "{} /* x", "f.json:1:4: invalid JSON: comment is not closed"},
		{"too deep", strings.Repeat("[", 300), "f.json:1:258: invalid JSON: nested deeper than 256 levels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode("f.json", []byte(tc.in), decode.Limits{})
			if err == nil {
				t.Fatal("no error")
			}
			var le *decode.Error
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not positioned", err)
			}
			if err.Error() != tc.want {
				t.Errorf("got  %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	v, err := Decode("f.json", []byte(" // nothing\n"), decode.Limits{})
	if v != nil || err != nil {
		t.Fatalf("got %v, %v", v, err)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"a": [1, "b", null, true]}`, "{\t\"x\": {\"y\": [] , }, // c\n}", `"\ud83d\ude00"`, `[1e5, -0.5]`, "/* */"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Decode("f.json", data, decode.Limits{MaxDepth: 64, MaxNodes: 10000})
		if err != nil {
			if decode.PosOf(err).Line == 0 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		if v != nil && !v.Pos.IsValid() {
			t.Fatal("value without a position")
		}
	})
}
