//go:build cgo

package code_test

import (
	"context"
	"flag"
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
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/scan"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestApps scans each testdata/*.txtar app with the real scan pipeline and
// compares what the handler-code analysis recorded (inputs, each
// function's code, notes) with testdata/NAME.golden.
func TestApps(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata apps")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			for _, f := range ar.Files {
				p := filepath.Join(dir, "app", filepath.FromSlash(f.Name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				data := f.Data
				if strings.HasSuffix(f.Name, ".bin.js") {
					data = append([]byte{0x7f, 'E', 'L', 'F', 0, 0, 1}, data...)
				}
				if strings.Contains(f.Name, "crlf") {
					data = []byte(strings.ReplaceAll(string(data), "\n", "\r\n"))
				}
				if strings.Contains(f.Name, "bom") {
					data = append([]byte("\xef\xbb\xbf"), data...)
				}
				if strings.Contains(f.Name, "minified") {
					data = []byte(strings.Repeat("var a=function(b){return b+1};", 400) + "\n")
				}
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			wd, _ := os.Getwd()
			if err := os.Chdir(dir); err != nil {
				t.Fatal(err)
			}
			doc, err := scan.Run(context.Background(), scan.Options{Paths: []string{"app"}, Loaders: scan.DefaultLoaders()})
			os.Chdir(wd)
			if err != nil {
				t.Fatal(err)
			}
			got := summary(doc.App, doc.Inputs)
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("summary differs (-want +got):\n%s", d)
			}
		})
	}
}

func summary(app *model.App, inputs []result.Input) string {
	var b strings.Builder
	b.WriteString("inputs:\n")
	for _, in := range inputs {
		fmt.Fprintf(&b, "  %s %s", in.Path, in.Format)
		if in.Error != "" {
			fmt.Fprintf(&b, " error=%q", in.Error)
		}
		b.WriteString("\n")
	}
	for _, st := range app.Stacks {
		fmt.Fprintf(&b, "stack %s\n", st.ID)
		for _, f := range st.Functions {
			c := f.Code
			if c == nil {
				fmt.Fprintf(&b, "  function %s: no code\n", f.ID)
				continue
			}
			fmt.Fprintf(&b, "  function %s: %s %s#%s at %s partial=%v\n", f.ID, c.Language, c.Entry, c.Handler, c.HandlerPos, c.Partial)
			for _, p := range c.Files {
				fmt.Fprintf(&b, "    file %s\n", p)
			}
			for _, im := range c.Imports {
				fmt.Fprintf(&b, "    import %s %s (%s) %s\n", im.Ecosystem, im.Package, im.Module, im.Pos)
			}
			for _, fl := range c.Flows {
				fmt.Fprintf(&b, "    flow %s certain=%v: %s -> %s\n", fl.Kind, fl.Certain, fl.Source, fl.Sink)
				for _, s := range fl.Steps {
					fmt.Fprintf(&b, "      %s %s\n", s.Pos, s.Note)
				}
			}
			for _, k := range c.Calls {
				fmt.Fprintf(&b, "    call %s %s resource=%s env=%s", strings.Join(k.Actions, ","), k.Pos, k.Resource, k.Env)
				if k.Name != "" {
					fmt.Fprintf(&b, " name=%s", k.Name)
				}
				b.WriteString("\n")
			}
			for _, s := range c.Strings {
				fmt.Fprintf(&b, "    secret-like %s=%s %s\n", s.Name, s.Value, s.Pos)
			}
			for _, k := range c.Checks {
				fmt.Fprintf(&b, "    checks caller: %s %s %s\n", k.Kind, k.Call, k.Pos)
			}
			for _, r := range c.DeployedBy {
				fmt.Fprintf(&b, "    deployed by %s %s\n", r.Stack, r.Function)
			}
		}
		for _, d := range st.Diagnostics {
			fmt.Fprintf(&b, "  %s: %s\n", d.Severity, d)
		}
	}
	return b.String()
}

// TestSymlinkOutOfRoot checks that a handler file that is a symbolic link
// leaving the scanned root is refused, with the reason on its input.
func TestSymlinkOutOfRoot(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "secret.py")
	if err := os.WriteFile(outside, []byte("def handler(e, c): pass\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(dir, "app")
	if err := os.MkdirAll(filepath.Join(app, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	tpl := "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n"
	if err := os.WriteFile(filepath.Join(app, "template.yaml"), []byte(tpl), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(app, "src", "app.py")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	doc, err := scan.Run(context.Background(), scan.Options{Paths: []string{app}, Loaders: scan.DefaultLoaders()})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range doc.App.Stacks {
		for _, f := range st.Functions {
			if f.Code != nil {
				t.Errorf("function %s: code read through a link out of the root: %+v", f.ID, f.Code)
			}
		}
	}
	found := false
	for _, d := range doc.App.Stacks[0].Diagnostics {
		if strings.Contains(d.Message, "leaves the scanned root") && d.Pos.Line == 7 {
			found = true
		}
	}
	if !found {
		t.Errorf("no positioned note about the link leaving the root: %+v", doc.App.Stacks[0].Diagnostics)
	}
}

// TestBatches checks that analysing functions one batch at a time (trees
// released after each batch and parsed again when a later one needs them)
// gives the same code as analysing them all together.
//
// The generated app (the benchmark's, 60 functions) has handler files
// large enough for their node arrays to be recycled from one batch to the
// next (nodePool), so it checks that a recycled array never changes what
// is found.
func TestBatches(t *testing.T) {
	for _, name := range []string{"shared_helpers", "sam_layouts", "generated"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if name == "generated" {
				benchApp(t, filepath.Join(dir, "app"), 60, true)
			} else {
				writeArchive(t, filepath.Join("testdata", name+".txtar"), filepath.Join(dir, "app"))
			}
			wd, _ := os.Getwd()
			if err := os.Chdir(dir); err != nil {
				t.Fatal(err)
			}
			defer os.Chdir(wd)
			doc, err := scan.Run(context.Background(), scan.Options{Paths: []string{"app"}, Loaders: scan.DefaultLoaders()})
			if err != nil {
				t.Fatal(err)
			}
			codes := func() string {
				var b strings.Builder
				for _, st := range doc.App.Stacks {
					for _, f := range st.Functions {
						fmt.Fprintf(&b, "%s %+v\n", f.ID, f.Code)
					}
				}
				return b.String()
			}
			want := codes()
			root, err := load.OpenRoot("app", "app", 0)
			if err != nil {
				t.Fatal(err)
			}
			defer root.Close()
			for _, batch := range []int{1, 2, 7} {
				for _, st := range doc.App.Stacks {
					for _, f := range st.Functions {
						f.Code = nil
					}
				}
				code.Analyze(context.Background(), doc.App, func(*model.Stack) *load.Root { return root }, code.Options{Batch: batch})
				if d := cmp.Diff(want, codes()); d != "" {
					t.Errorf("batch %d: code differs (-all at once +batches):\n%s", batch, d)
				}
			}
		})
	}
}
