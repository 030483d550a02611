package report

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// indentWant is what encoding/json's indentation gives for compact text.
func indentWant(t testing.TB, src []byte, prefix string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, src, prefix, "  "); err != nil {
		t.Fatalf("json.Indent(%q): %v", src, err)
	}
	return buf.Bytes()
}

// randomValue builds a JSON value of strings that hold quotes,
// backslashes, brackets, colons, commas and non-ASCII text, numbers,
// literals, and empty and nested objects and arrays.
func randomValue(r *rand.Rand, depth int) any {
	pieces := []string{`"`, `\`, `\\`, `\"`, "{", "}", "[", "]", ":", ",", "a", "é", "\n", "\t", " ", "<&>", "\u2028", "\x01"}
	str := func() string {
		var b strings.Builder
		for range r.IntN(6) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	k := r.IntN(8)
	if depth > 4 {
		k %= 4
	}
	switch k {
	case 0:
		return str()
	case 1:
		return r.Float64() * 1e6
	case 2:
		return []any{nil, true, false}[r.IntN(3)]
	case 3:
		return -r.IntN(1000)
	case 4, 5:
		m := map[string]any{}
		for range r.IntN(4) {
			m[str()] = randomValue(r, depth+1)
		}
		return m
	default:
		l := []any{}
		for range r.IntN(4) {
			l = append(l, randomValue(r, depth+1))
		}
		return l
	}
}

// TestIndentCompact checks the report's indentation against
// encoding/json's on random values at every depth the report uses, and
// that ElementEncoder gives what an indenting json.Encoder gives.
func TestIndentCompact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		v := randomValue(r, 0)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		src := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		prefix := strings.Repeat("  ", i%4)
		if got, want := indentCompact(nil, src, prefix), indentWant(t, src, prefix); !bytes.Equal(got, want) {
			t.Fatalf("indent of %s:\n got %q\nwant %q", src, got, want)
		}
		var ref bytes.Buffer
		renc := json.NewEncoder(&ref)
		renc.SetEscapeHTML(false)
		renc.SetIndent(prefix, "  ")
		if err := renc.Encode(v); err != nil {
			t.Fatal(err)
		}
		got, err := NewElementEncoder(i % 4).Encode(v)
		if err != nil {
			t.Fatal(err)
		}
		if want := bytes.TrimSuffix(ref.Bytes(), []byte("\n")); !bytes.Equal(got, want) {
			t.Fatalf("ElementEncoder of %s:\n got %q\nwant %q", src, got, want)
		}
	}
}

// FuzzIndentCompact compares the indentation with encoding/json's on any
// valid JSON text, compacted first as the encoder writes it.
func FuzzIndentCompact(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[1,{}],"b\"":"x\\"}`, `[[],[[]],{"":{}}]`, `"s"`, `-1.5e3`, `{"k":"{[:,]}"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var compact bytes.Buffer
		if json.Compact(&compact, []byte(s)) != nil {
			return
		}
		src := compact.Bytes()
		for _, prefix := range []string{"", "    "} {
			if got, want := indentCompact(nil, src, prefix), indentWant(t, src, prefix); !bytes.Equal(got, want) {
				t.Fatalf("indent of %s:\n got %q\nwant %q", src, got, want)
			}
		}
	})
}
