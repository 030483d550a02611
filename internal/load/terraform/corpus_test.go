package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

const corpusDir = "../../../../shared/corpus"

// corpusUnits groups the corpus' .tf files by directory, one unit per
// module directory, with paths relative to the corpus root.
func corpusUnits(tb testing.TB) (*load.Root, []load.Unit) {
	tb.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		tb.Skipf("corpus not available: %v", err)
	}
	root, err := load.OpenRoot(corpusDir, "", 0)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { root.Close() })
	byDir := map[string][]load.File{}
	err = filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tf.json")) {
			return err
		}
		rel, _ := filepath.Rel(corpusDir, p)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(rel))
		byDir[dir] = append(byDir[dir], load.File{Path: rel, Data: data})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	units := make([]load.Unit, 0, len(dirs))
	for _, d := range dirs {
		units = append(units, load.Unit{Format: model.FormatTerraform, Path: d, Files: byDir[d], Root: root})
	}
	return root, units
}

// TestCorpus loads every module directory of the shared corpus and requires
// at least 98% of them to load without error.
func TestCorpus(t *testing.T) {
	_, units := corpusUnits(t)
	ok, fns, eps, roles := 0, 0, 0, 0
	for _, u := range units {
		stacks, err := Load(context.Background(), u, load.Options{})
		if err != nil {
			t.Logf("FAIL %s: %v", u.Path, err)
			continue
		}
		ok++
		for _, st := range stacks {
			fns += len(st.Functions)
			eps += len(st.EntryPoints)
			roles += len(st.Roles)
			if testing.Verbose() {
				for _, d := range st.Diagnostics {
					if d.Severity != model.DiagInfo {
						t.Logf("diag %s", d)
					}
				}
			}
		}
	}
	pct := 100 * float64(ok) / float64(len(units))
	t.Logf("corpus: %d/%d module directories loaded without error (%.1f%%); %d functions, %d entry points, %d roles", ok, len(units), pct, fns, eps, roles)
	if pct < 98 {
		t.Errorf("only %.1f%% of corpus modules loaded", pct)
	}
}

// TestCorpusDeterministic loads every corpus module twice and requires
// byte-identical models.
func TestCorpusDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	_, units := corpusUnits(t)
	for _, u := range units {
		var out [2][]byte
		for i := range out {
			stacks, err := Load(context.Background(), u, load.Options{})
			if err != nil {
				break
			}
			out[i], _ = json.Marshal(stacks)
		}
		if !bytes.Equal(out[0], out[1]) {
			t.Errorf("%s: two loads differ", u.Path)
		}
	}
}
