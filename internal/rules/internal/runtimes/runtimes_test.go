package runtimes

import (
	"sort"
	"testing"
)

func TestTable(t *testing.T) {
	tab := Table()
	if !sort.SliceIsSorted(tab, func(i, j int) bool { return tab[i].ID < tab[j].ID }) {
		t.Error("table is not sorted by ID")
	}
	for _, r := range tab {
		if r.Successor == "" {
			t.Errorf("%s: no successor", r.ID)
		}
		if _, ok := Lookup(r.Successor); ok && r.Successor != "nodejs24.x" {
			if s, _ := Lookup(r.Successor); s.Deprecated.Before(r.Deprecated) {
				t.Errorf("%s: successor %s is deprecated earlier", r.ID, r.Successor)
			}
		}
	}
	if _, ok := Lookup("Python3.8"); !ok {
		t.Error("lookup is not case-insensitive")
	}
}
