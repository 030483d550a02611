package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/model"
)

const full = `version: 1
classifications:
  - class: PII
    stores: [UsersTable, "orders-*"]
  - class: confidential
    tags: {DataClassification: "conf*"}
groups:
  - name: payments
    functions: ["Pay*"]
  - name: marketing
    tags: {team: marketing}
flows:
  deny:
    - from: pii
      to: internet
      reason: personal data stays inside
    - name: no anonymous writers
      from: internet
      to: OrdersTable
      kind: write
  allow:
    - from: OrdersTable
      to: function:ReportFn
boundaries:
  - name: teams
    groups: [payments, marketing]
`

func TestParse(t *testing.T) {
	c, err := Parse("nightlight.yaml", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	at := func(line, col int) model.Pos { return model.Pos{File: "nightlight.yaml", Line: line, Col: col} }
	want := &Config{
		File:    "nightlight.yaml",
		Version: 1,
		Classifications: []Classification{
			{Class: "pii", Stores: []string{"UsersTable", "orders-*"}, Pos: at(3, 5)},
			{Class: "confidential", Tags: map[string]string{"DataClassification": "conf*"}, Pos: at(5, 5)},
		},
		Groups: []Group{
			{Name: "payments", Functions: []string{"Pay*"}, Pos: at(8, 5)},
			{Name: "marketing", Tags: map[string]string{"team": "marketing"}, Pos: at(10, 5)},
		},
		Flows: Flows{
			Deny: []FlowRule{
				{From: "pii", To: "internet", Kind: FlowData, Reason: "personal data stays inside", Pos: at(14, 7)},
				{Name: "no anonymous writers", From: "internet", To: "OrdersTable", Kind: FlowWrite, Pos: at(17, 7)},
			},
			Allow: []FlowRule{{From: "OrdersTable", To: "function:ReportFn", Kind: FlowData, Pos: at(22, 7)}},
		},
		Boundaries: []Boundary{{Name: "teams", Groups: []string{"payments", "marketing"}, Pos: at(25, 5)}},
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"syntax", "flows:\n  deny: [\n", "f.yaml:2: did not find expected node content"},
		{"unknown top-level key", "version: 1\nflow:\n  deny: []\n", `f.yaml:2:1: unknown key "flow" in configuration`},
		{"unknown rule key", "flows:\n  deny:\n    - from: pii\n      too: internet\n", `f.yaml:4:7: unknown key "too" in flow rule`},
		{"rule without to", "flows:\n  deny:\n    - from: pii\n", "f.yaml:3:7: flow rule needs from and to"},
		{"bad kind", "flows:\n  deny:\n    - {from: a, to: b, kind: sideways}\n", `f.yaml:3:30: unknown flow kind "sideways"`},
		{"bad version", "version: 2\n", `f.yaml:1:10: unsupported version "2"`},
		{"classification without stores", "classifications:\n  - class: pii\n", `f.yaml:2:5: classification "pii" needs stores or tags`},
		{"boundary with unknown group", "groups:\n  - {name: a, functions: [A*]}\nboundaries:\n  - groups: [a, b]\n", `f.yaml:4:5: boundary names unknown group "b"`},
		{"not a mapping", "- a\n", "f.yaml:1:1: configuration must be a mapping"},
		{"list expected", "groups: x\n", "f.yaml:1:9: groups must be a list"},
		{"unknown classification key", "classifications:\n  - class: pii\n    store: [A]\n", `f.yaml:3:5: unknown key "store" in classification (want one of class, stores, tags)`},
		{"unknown ignore key", "ignore:\n  - rule: NL1\n    reasn: r\n", `f.yaml:3:5: unknown key "reasn" in ignore (want one of rule, resource, path, reason, expires)`},
		{"unknown key through an alias", "a: &x {b: 1}\n", `f.yaml:1:1: unknown key "a" in configuration`},
		{"duplicate key", "groups:\n  - name: a\n    name: b\n", `f.yaml:3:5: duplicate key "name"`},
		{"tags not a mapping", "classifications:\n  - class: pii\n    tags: x\n", "f.yaml:3:11: tags must be a mapping of strings, not a string"},
		{"kind not a string", "flows:\n  deny:\n    - {from: a, to: b, kind: [x]}\n", "f.yaml:3:30: kind must be a string, not a list"},
		{"flows not a mapping", "flows: [a]\n", "f.yaml:1:8: flows must be a mapping, not a list"},
		{"function glob not a string", "groups:\n  - name: a\n    functions: [{x: 1}]\n", "f.yaml:3:17: functions must be a string, not a mapping"},
		{"bad expiry", "ignore:\n  - rule: NL1\n    reason: r\n    expires: tomorrow\n", `f.yaml:4:14: expires "tomorrow": want a date like 2027-01-31`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse error = %v, want containing %q", err, tc.want)
			}
		})
	}
}

// TestOneOrMany checks that lists of names may be written as one string.
func TestOneOrMany(t *testing.T) {
	c, err := Parse("f.yaml", []byte("rules: dir\nclassifications:\n  - {class: pii, stores: Users}\ngroups:\n  - {name: a, functions: A*}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"dir"}, c.Rules); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if got := c.Classifications[0].Stores; len(got) != 1 || got[0] != "Users" {
		t.Errorf("stores = %q", got)
	}
	if got := c.Groups[0].Functions; len(got) != 1 || got[0] != "A*" {
		t.Errorf("functions = %q", got)
	}
}

func TestEmpty(t *testing.T) {
	for _, src := range []string{"", "# nothing\n", "version: 1\n"} {
		c, err := Parse("f.yaml", []byte(src))
		if err != nil || c == nil {
			t.Errorf("Parse(%q) = %v, %v", src, c, err)
		}
	}
}

func TestClassifyGroup(t *testing.T) {
	c, err := Parse("nightlight.yaml", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	st := &model.Stack{ID: "app/template.yaml"}
	tag := func(k, v string) []model.Tag { return []model.Tag{{Key: k, Value: model.NewString(v, model.Pos{})}} }
	tests := []struct {
		store *model.Store
		want  string
	}{
		{&model.Store{ID: "UsersTable"}, "pii"},
		{&model.Store{ID: "orders-prod"}, "pii"},
		{&model.Store{ID: "Reports", Tags: tag("dataclassification", "Confidential")}, "confidential"},
		{&model.Store{ID: "Reports", Tags: tag("DataClassification", "public")}, ""},
		{&model.Store{ID: "Other"}, ""},
	}
	for _, tc := range tests {
		if got := c.Classify(st, tc.store); got != tc.want {
			t.Errorf("Classify(%s) = %q, want %q", tc.store.ID, got, tc.want)
		}
	}
	if g := c.Group(st, &model.Function{ID: "PayFn"}); g != "payments" {
		t.Errorf("Group(PayFn) = %q", g)
	}
	if g := c.Group(st, &model.Function{ID: "Promo", Tags: tag("team", "Marketing")}); g != "marketing" {
		t.Errorf("Group(Promo) = %q", g)
	}
	var nilc *Config
	if nilc.Classify(st, &model.Store{ID: "UsersTable"}) != "" || nilc.Group(st, &model.Function{ID: "PayFn"}) != "" {
		t.Error("nil config classifies")
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	c, err := Find("", []string{dir})
	if err != nil || c == nil || len(c.Flows.Deny) != 0 {
		t.Fatalf("Find without file = %v, %v", c, err)
	}
	if err := os.WriteFile(filepath.Join(dir, DefaultFile), []byte(full), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err = Find("", []string{dir})
	if err != nil || len(c.Flows.Deny) != 2 {
		t.Fatalf("Find = %v, %v", c, err)
	}
	if _, err := Find(filepath.Join(dir, "missing.yaml"), nil); err == nil {
		t.Error("Find(missing explicit file) succeeded")
	}
}

// FuzzParse checks that no input panics and that every error is positioned.
func FuzzParse(f *testing.F) {
	f.Add(full)
	f.Add("flows:\n  deny:\n    - from: pii\n      too: internet\n")
	f.Add("groups: x\n")
	f.Add("a: &a [*a, *a]\n")
	f.Fuzz(func(t *testing.T, src string) {
		c, err := Parse("f.yaml", []byte(src))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Errorf("unpositioned error %q", err)
			}
			return
		}
		if c == nil {
			t.Error("nil config without error")
		}
	})
}
