package custom_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/custom"
)

// FuzzParse checks that any rule file either compiles or fails with
// positioned errors, and never panics.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "examples", "rules", "*.yaml"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("id: X-1\ntitle: t\nseverity: low\nresources: [function]\ncondition: fn.runtim\nmessage: m\n"))
	f.Add([]byte("rules:\n  - id: X-1\n    title: t\n    severity: low\n    resources: [store]\n    condition: |\n      store.public &&\n        store.x\n    message: \"{{store.id\"\n"))
	f.Add([]byte("id: [\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := custom.Parse("r.yaml", data, custom.Options{})
		if err == nil {
			return
		}
		var pe *custom.Error
		if !errors.As(err, &pe) {
			t.Fatalf("error without a position: %v", err)
		}
		if pe.Pos.File != "r.yaml" {
			t.Fatalf("error names %q, want r.yaml: %v", pe.Pos.File, err)
		}
	})
}
