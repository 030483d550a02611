package code

import "testing"

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
