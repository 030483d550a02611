package serverless

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/load"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGolden loads the realistic apps and compares the whole model with
// a golden JSON file; run with -update to rewrite them.
func TestGolden(t *testing.T) {
	for _, name := range []string{"app", "sameapp"} {
		t.Run(name, func(t *testing.T) {
			st := loadFixture(t, name+"/serverless.yml", load.Options{})
			got, err := json.MarshalIndent(st, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", name, "model.golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("model differs from %s (-want +got):\n%s", golden, cmp.Diff(string(want), string(got)))
			}
		})
	}
}
