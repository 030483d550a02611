package graph

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNodeIDText(t *testing.T) {
	tests := []struct {
		name string
		id   NodeID
		text string
	}{
		{"stack object", ModelID("dir/t.yaml", NodeFunction, "Fn"), "dir/t.yaml#function:Fn"},
		{"principal", PrincipalID("internet"), "principal:internet"},
		{"stack with hash", ModelID("a#b.yaml", NodeStore, "T"), "a#b.yaml#store:T"},
		{"entry point policy", ModelID("t.yaml", NodeEntryPoint, "policy:B"), "t.yaml#entry-point:policy:B"},
		{"handler step", StepID("src/app.py:12: event['body']"), "src/app.py:12: event['body']"},
		{"zero", NodeID{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.id.String(); got != tc.text {
				t.Fatalf("String() = %q, want %q", got, tc.text)
			}
			b, err := json.Marshal([]NodeID{tc.id})
			if err != nil {
				t.Fatal(err)
			}
			var back []NodeID
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]NodeID{tc.id}, back); diff != "" {
				t.Errorf("JSON round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNodeIDCompareMatchesText(t *testing.T) {
	ids := []NodeID{
		StepID("b.py:1: x"), ModelID("t.yaml", NodeFunction, "Fn"), PrincipalID("internet"),
		ModelID("t.yaml", NodeFunction, "Fn2"), ModelID("s.yaml", NodeStore, "T"), StepID("a.py:3: y"),
	}
	for _, a := range ids {
		for _, b := range ids {
			want := 0
			switch {
			case a.String() < b.String():
				want = -1
			case a.String() > b.String():
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("Compare(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}

func TestParseNodeIDRejectsText(t *testing.T) {
	if _, err := ParseNodeID("src/app.py:12: note"); err == nil {
		t.Fatal("ParseNodeID accepted text that is not a node ID")
	}
}
