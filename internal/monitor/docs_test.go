package monitor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsCoverEverything checks that docs/monitoring.md documents every
// events column and every detection.
func TestDocsCoverEverything(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "monitoring.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, c := range Columns {
		if !strings.Contains(doc, "| `"+c.Name+"` | "+c.Type+" |") {
			t.Errorf("docs/monitoring.md: no row for column %s (| `%s` | %s | %s |)", c.Name, c.Name, c.Type, c.Doc)
		}
	}
	ds := Detections(Params{Functions: []DesignFunction{{ID: "F", Role: "r", Stores: []string{"S"}}}, Stores: []DesignStore{{ID: "S", Kind: "table", Name: "s"}}})
	for _, d := range ds {
		if !strings.Contains(doc, "| `"+d.ID+"` | "+string(d.Severity)+" |") {
			t.Errorf("docs/monitoring.md: no row for detection %s (%s)", d.ID, d.Severity)
		}
	}
}
