package iam

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// TestAllowAll checks that AllowAll is exactly the policy its JSON
// parses to, values and positions included.
func TestAllowAll(t *testing.T) {
	for _, file := range []string{"caller", "x.json"} {
		want, err := ParseJSON(file, []byte(allowAllJSON))
		if err != nil {
			t.Fatal(err)
		}
		got := AllowAll(file)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("AllowAll(%q) = %+v, want %+v", file, got, want)
		}
		if AllowAll(file) == got {
			t.Error("AllowAll returned the same policy twice")
		}
	}
}

// TestManagedDocsCache resolves every embedded managed policy with the
// decoded-document cache, three times, and without it: the same policies, and
// no value shared between two resolutions.
func TestManagedDocsCache(t *testing.T) {
	cached := NewAnalyzer().Fresh()
	plain := &Analyzer{Catalog: cached.Catalog, Managed: cached.Managed}
	values := func(p *Policy) map[*model.Value]bool {
		seen := map[*model.Value]bool{}
		for _, s := range p.Statements {
			s.Raw.Walk(func(v *model.Value) bool {
				seen[v] = true
				return true
			})
		}
		return seen
	}
	all := cached.Managed.All()
	if len(all) == 0 {
		t.Fatal("no managed policies")
	}
	for _, mp := range all {
		d := &model.PolicyDoc{Name: mp.ARN, Source: model.PolicyManaged}
		want, werr := plain.ResolvePolicy(d)
		first, ferr := cached.ResolvePolicy(d)
		second, serr := cached.ResolvePolicy(d)
		if fmt.Sprint(werr) != fmt.Sprint(ferr) || fmt.Sprint(werr) != fmt.Sprint(serr) {
			t.Fatalf("%s: errors %v, %v, want %v", mp.Name, ferr, serr, werr)
		}
		if !reflect.DeepEqual(first, want) || !reflect.DeepEqual(second, want) {
			t.Fatalf("%s: the cached resolution differs", mp.Name)
		}
		third, _ := cached.ResolvePolicy(d)
		a, b, c := values(first), values(second), values(third)
		for v := range c {
			if a[v] || b[v] {
				t.Fatalf("%s: two resolutions share a value", mp.Name)
			}
		}
	}
}
