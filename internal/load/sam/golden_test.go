package sam

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// loadFile loads a template at path, shown as name.
func loadFile(t testing.TB, path, name string) (*model.Stack, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Load(context.Background(), load.Unit{Path: name, Files: []load.File{{Path: name, Data: data}}}, load.Options{})
}

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden compares the whole model of the example app and of the
// same-app fixture with their golden JSON (go test -update rewrites them).
func TestGolden(t *testing.T) {
	for _, tc := range []struct{ name, path, golden string }{
		{"orders-api", "../../../examples/orders-api/template.yaml", "testdata/orders-api.golden.json"},
		{"sameapp", "testdata/sameapp/template.yaml", "testdata/sameapp/model.golden.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := loadFile(t, tc.path, tc.name+"/template.yaml")
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			got := marshal(t, st)
			if *update {
				if err := os.WriteFile(tc.golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(tc.golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("model differs from %s (-want +got):\n%s", filepath.Base(tc.golden), diff)
			}
		})
	}
}
