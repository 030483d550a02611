package catalog

import (
	"strings"
	"testing"
)

// TestServiceActionCase checks that Action finds an action under any
// spelling strings.ToLower maps to its lower-cased name, and nothing
// else: every action of a few services in its own, upper, lower and
// mixed case, names with non-ASCII letters (Unicode case folding goes
// through strings.ToLower), and names longer than the stack buffer.
func TestServiceActionCase(t *testing.T) {
	c := New()
	for _, prefix := range []string{"s3", "lambda", "iam", "dynamodb"} {
		s := c.Service(prefix)
		if s == nil || len(s.Actions) == 0 {
			t.Fatalf("service %s missing", prefix)
		}
		for _, a := range s.Actions {
			for _, name := range []string{a.Name, strings.ToUpper(a.Name), strings.ToLower(a.Name), a.Name[:1] + strings.ToUpper(a.Name[1:])} {
				if got := s.Action(name); got != a {
					t.Errorf("%s: Action(%q) = %v, want %s", prefix, name, got, a.Name)
				}
			}
		}
		for _, name := range []string{"", "GetObjectX", "GETOBJECT\u212a", "Get\u00d6bject", strings.Repeat("A", 65), strings.Repeat("a", 64)} {
			if got, want := s.Action(name), s.byName[strings.ToLower(name)]; got != want {
				t.Errorf("%s: Action(%q) = %v, want %v", prefix, name, got, want)
			}
		}
	}
}

// FuzzServiceAction compares Action with a lookup of strings.ToLower's
// spelling for any name.
func FuzzServiceAction(f *testing.F) {
	for _, s := range []string{"GetObject", "getobject", "PUTOBJECT", "\u212aey", "ä", ""} {
		f.Add(s)
	}
	s := New().Service("s3")
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := s.Action(name), s.byName[strings.ToLower(name)]; got != want {
			t.Fatalf("Action(%q) = %v, want %v", name, got, want)
		}
	})
}
