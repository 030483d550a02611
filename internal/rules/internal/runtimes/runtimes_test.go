package runtimes

import (
	"sort"
	"strings"
	"testing"
	"time"
)

func TestTable(t *testing.T) {
	tab := Table()
	if !sort.SliceIsSorted(tab, func(i, j int) bool { return tab[i].ID < tab[j].ID }) {
		t.Error("table is not sorted by ID")
	}
	checked, err := time.Parse("2006-01-02", TableDate)
	if err != nil {
		t.Fatalf("TableDate: %v", err)
	}
	for _, r := range tab {
		for _, next := range []string{r.Successor, r.SameVersion} {
			if next == "" {
				continue
			}
			s, ok := Lookup(next)
			if !ok {
				t.Errorf("%s: move target %s is not in the table", r.ID, next)
				continue
			}
			// Advice must not point at a runtime that is itself about to go:
			// a target deprecated within a year of the table's date, or before
			// the runtime it replaces, would send users from one finding to
			// the next.
			if s.Deprecated.Before(r.Deprecated) || s.Deprecated.Before(checked.AddDate(1, 0, 0)) {
				t.Errorf("%s: move target %s is deprecated on %s", r.ID, next, s.Deprecated.Format(time.DateOnly))
			}
		}
	}
	if _, ok := Lookup("Python3.8"); !ok {
		t.Error("lookup is not case-insensitive")
	}
}

// TestLatestPerLanguage checks that exactly the newest runtime of each
// language has no successor.
func TestLatestPerLanguage(t *testing.T) {
	newest := map[string]Runtime{}
	for _, r := range Table() {
		if n, ok := newest[r.language()]; !ok || r.Deprecated.After(n.Deprecated) {
			newest[r.language()] = r
		}
	}
	for _, r := range Table() {
		if r.Successor == "" && r.Deprecated.Before(newest[r.language()].Deprecated) {
			t.Errorf("%s has no successor but %s outlives it", r.ID, newest[r.language()].ID)
		}
	}
}

func TestMove(t *testing.T) {
	tests := []struct {
		id, want string
	}{
		{"python3.9", "python3.13"},
		{"java17", "java21 (or java17.al2023, the same language version on Amazon Linux 2023)"},
		{"nodejs24.x", "the newest nodejs runtime AWS offers by then"},
	}
	for _, tt := range tests {
		r, ok := Lookup(tt.id)
		if !ok {
			t.Fatalf("%s not in the table", tt.id)
		}
		if got := r.Move(); got != tt.want {
			t.Errorf("%s: Move() = %q, want %q", tt.id, got, tt.want)
		}
		if strings.Contains(r.Move(), r.ID+" ") {
			t.Errorf("%s: Move() names the runtime itself", tt.id)
		}
	}
}
