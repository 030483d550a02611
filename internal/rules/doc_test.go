package rules

import (
	"os"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rules/internal/rulelist"
)

// TestDocsFresh fails when docs/rules.md does not match the rules.
func TestDocsFresh(t *testing.T) {
	const path = "../../docs/rules.md"
	got, err := os.ReadFile(path)
	want := Markdown(All())
	if err != nil || string(got) != want {
		t.Fatalf("docs/rules.md is stale or missing; regenerate it with:\n\tgo generate ./internal/rules")
	}
}

// TestListFresh fails when all.go does not list exactly the rule packages.
func TestListFresh(t *testing.T) {
	want, err := rulelist.Source(".")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("all.go")
	if err != nil || string(got) != string(want) {
		t.Fatalf("internal/rules/all.go is stale or missing; regenerate it with:\n\t%s", rulelist.Command)
	}
}

func TestExplain(t *testing.T) {
	r := ByID(All(), "nl1001")
	if r == nil {
		t.Fatal("ByID is not case-insensitive")
	}
	s := Explain(r)
	for _, want := range []string{"NL1001: ", "Bad:", "Good:", "Fix: ", "nightlight:ignore NL1001"} {
		if !strings.Contains(s, want) {
			t.Errorf("Explain lacks %q:\n%s", want, s)
		}
	}
}
