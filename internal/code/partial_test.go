//go:build cgo

package code_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/nightlight-sec/nightlight/internal/code"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/scan"
)

// TestPartialParseSameResults checks that parsing handler modules only as
// far as their handlers reach (the default) finds exactly what parsing
// every file whole finds: each function's code (flows with their paths,
// SDK calls, secret-like strings, imports, files, partial), the notes and
// the inputs with their errors, on every testdata app, the generated
// benchmark app and the example apps.
func TestPartialParseSameResults(t *testing.T) {
	type app struct{ name, dir, path string }
	var apps []app
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata apps")
	}
	tmp := t.TempDir()
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		dir := filepath.Join(tmp, name)
		writeArchive(t, file, filepath.Join(dir, "app"))
		apps = append(apps, app{name, dir, "app"})
	}
	gen := filepath.Join(tmp, "generated")
	benchApp(t, filepath.Join(gen, "app"), 120, true)
	apps = append(apps, app{"generated", gen, "app"})
	examples, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(examples)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() {
			apps = append(apps, app{"example-" + e.Name(), examples, e.Name()})
		}
	}
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	for _, a := range apps {
		t.Run(a.name, func(t *testing.T) {
			if err := os.Chdir(a.dir); err != nil {
				t.Fatal(err)
			}
			defer os.Chdir(wd)
			doc, err := scan.Run(context.Background(), scan.Options{Paths: []string{a.path}, Loaders: scan.DefaultLoaders()})
			if err != nil {
				t.Fatal(err)
			}
			root, err := load.OpenRoot(a.path, a.path, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer root.Close()
			run := func(whole bool) string {
				for _, st := range doc.App.Stacks {
					st.Diagnostics = nil
					for _, f := range st.Functions {
						f.Code = nil
					}
				}
				inputs := code.Analyze(context.Background(), doc.App, func(*model.Stack) *load.Root { return root }, code.Options{WholeFiles: whole})
				var b strings.Builder
				for _, in := range inputs {
					fmt.Fprintf(&b, "input %+v\n", in)
				}
				for _, st := range doc.App.Stacks {
					for _, f := range st.Functions {
						fmt.Fprintf(&b, "%s %s %+v\n", st.ID, f.ID, f.Code)
					}
					for _, d := range st.Diagnostics {
						fmt.Fprintf(&b, "%s note %s\n", st.ID, d)
					}
				}
				return b.String()
			}
			whole, partly := run(true), run(false)
			if d := cmp.Diff(whole, partly); d != "" {
				t.Errorf("results differ (-whole files +partial parse):\n%s", d)
			}
		})
	}
}

// writeArchive writes the files of the txtar archive file under dir.
func writeArchive(t *testing.T, file, dir string) {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
