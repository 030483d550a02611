package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// loadDir loads the module directory testdata/<dir> with testdata as the
// scan root.
func loadDir(t testing.TB, dir string, opts load.Options) ([]*model.Stack, error) {
	t.Helper()
	root, err := load.OpenRoot("testdata", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	entries, err := os.ReadDir(filepath.Join("testdata", dir))
	if err != nil {
		t.Fatal(err)
	}
	u := load.Unit{Format: model.FormatTerraform, Path: dir, Root: root}
	for _, e := range entries {
		if e.IsDir() || !(strings.HasSuffix(e.Name(), ".tf") || strings.HasSuffix(e.Name(), ".tf.json")) {
			continue
		}
		data, err := os.ReadFile(filepath.Join("testdata", dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		u.Files = append(u.Files, load.File{Path: path.Join(dir, e.Name()), Data: data})
	}
	sort.Slice(u.Files, func(i, j int) bool { return u.Files[i].Path < u.Files[j].Path })
	return Load(context.Background(), u, opts)
}

func mustLoad(t testing.TB, dir string, opts load.Options) *model.Stack {
	t.Helper()
	stacks, err := loadDir(t, dir, opts)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	if len(stacks) != 1 {
		t.Fatalf("Load(%s): %d stacks, want 1", dir, len(stacks))
	}
	return stacks[0]
}

// TestGolden loads our own fixture apps, one per cloud, and compares the
// model with testdata/<app>/model.golden.json (go test -update rewrites).
func TestGolden(t *testing.T) {
	for _, dir := range []string{"sameapp", "aws_app", "gcp_app", "azure_app"} {
		t.Run(dir, func(t *testing.T) {
			if _, err := os.Stat(filepath.Join("testdata", dir)); err != nil {
				t.Skip("fixture missing")
			}
			st := mustLoad(t, dir, load.Options{})
			got, err := json.MarshalIndent(st, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", dir, "model.golden.json")
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
				t.Errorf("model differs from %s; run go test -update and review the diff", golden)
			}
		})
	}
}
