package code

import (
	"strings"
	"testing"
)

// TestPartiQLItem checks the action and table read from constant PartiQL
// statements, and that what does not read as one names no action.
func TestPartiQLItem(t *testing.T) {
	tests := []struct {
		stmt string
		want txItem
	}{
		{`SELECT * FROM "Orders" WHERE id = ?`, txItem{action: "PartiQLSelect", name: "Orders"}},
		{`select id, n from Orders where id = ?`, txItem{action: "PartiQLSelect", name: "Orders"}},
		{`SELECT * FROM "Orders"."byName" WHERE name = ?`, txItem{action: "PartiQLSelect", name: "Orders"}},
		{`SELECT * FROM Orders.byName`, txItem{action: "PartiQLSelect", name: "Orders"}},
		{"INSERT INTO \"Orders\" VALUE {'id': ?}", txItem{action: "PartiQLInsert", name: "Orders"}},
		{"\n  UPDATE Orders\n  SET n = n + 1 WHERE id = ?", txItem{action: "PartiQLUpdate", name: "Orders"}},
		{`DELETE FROM "Orders" WHERE id = ?`, txItem{action: "PartiQLDelete", name: "Orders"}},
		{`EXISTS(SELECT * FROM "Orders" WHERE id = ?)`, txItem{}},
		{`SELECT * FROM`, txItem{}},
		{`SELECT * FROM "Orders`, txItem{}},
		{`INSERT "Orders" VALUE {}`, txItem{}},
		{`SELECT * FROM ? WHERE id = 1`, txItem{}},
		{`INSERT INTO \"orders\" VALUE {}`, txItem{}},
		{`SELECT`, txItem{}},
		{``, txItem{}},
	}
	for _, tt := range tests {
		if got := partiqlItem(tt.stmt); got != tt.want {
			t.Errorf("partiqlItem(%q) = %+v, want %+v", tt.stmt, got, tt.want)
		}
	}
}

// FuzzPartiQLItem checks what partiqlItem reads from any statement: an
// item names both an action of a PartiQL verb and a table, or neither,
// and the table is a name the statement spells out, with no quote,
// space, placeholder or escape.
func FuzzPartiQLItem(f *testing.F) {
	for _, s := range []string{`SELECT * FROM "Orders" WHERE id = ?`, "INSERT INTO Orders VALUE {}", `UPDATE "a"."b" SET x = 1`,
		`DELETE FROM`, `select from from`, `SELECT * FROM ""`, "\"", "UPDATE \u00a0 x"} {
		f.Add(s)
	}
	actions := map[string]bool{}
	for _, a := range partiqlVerbs {
		actions[a] = true
	}
	f.Fuzz(func(t *testing.T, stmt string) {
		it := partiqlItem(stmt)
		if it.env != "" {
			t.Fatalf("partiqlItem(%q) names an environment variable: %+v", stmt, it)
		}
		if (it.action == "") != (it.name == "") {
			t.Fatalf("partiqlItem(%q) = %+v: an action without a table or a table without an action", stmt, it)
		}
		if it.action == "" {
			return
		}
		if !actions[it.action] || strings.ContainsAny(it.name, "\"?'\\ \t\n") || !strings.Contains(stmt, it.name) {
			t.Fatalf("partiqlItem(%q) = %+v", stmt, it)
		}
	})
}
