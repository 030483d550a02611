package scan

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"weak"

	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/deps"
	"github.com/nightlight-sec/nightlight/internal/deps/depstest"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/report"
	"github.com/nightlight-sec/nightlight/internal/report/html"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules"
)

// writeTree writes files (slash paths → contents) under dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyApp copies examples/orders-api to dir/name.
func copyApp(t testing.TB, dir, name string) {
	t.Helper()
	src := "../../examples/orders-api"
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		writeTree(t, filepath.Join(dir, name), map[string]string{filepath.ToSlash(rel): string(data)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

const lambdaTF = `resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({Statement = [{Effect = "Allow", Principal = {Service = "lambda.amazonaws.com"}, Action = "sts:AssumeRole"}]})
}
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = aws_iam_role.r.arn
  runtime       = "python3.8"
  handler       = "app.handler"
  filename      = "f.zip"
}
resource "aws_lambda_function_url" "u" {
  function_name      = aws_lambda_function.f.function_name
  authorization_type = "NONE"
}
`

// streamedJSON runs RunStreamed and writes its report, followed by the
// baseline of its findings and the inventory of its stacks, each written
// part by part (Options.KeepBaseline, Options.Inventory).
func streamedJSON(t *testing.T, opts Options) ([]byte, *Streamed) {
	t.Helper()
	opts.KeepBaseline = true
	opts.Inventory = func(w io.Writer, st *model.Stack) error { return report.WriteInventory(w, st, false) }
	s, err := RunStreamed(context.Background(), opts, func(id string) bool { return rules.ByID(rules.All(), id) != nil })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	var buf bytes.Buffer
	if err := s.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteBaseline(&buf); err != nil {
		t.Fatal(err)
	}
	if doc := s.Document(); doc != nil {
		writeInventory(t, &buf, doc)
	} else if err := s.WriteInventory(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), s
}

// streamedHTML runs RunStreamed with Options.Page and writes the HTML
// report; wholeHTML writes it from Run's document.
func streamedHTML(t *testing.T, opts Options) ([]byte, *Streamed) {
	t.Helper()
	opts.Page = true
	s, err := RunStreamed(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	if s.Parts > 0 && s.WriteJSON(&bytes.Buffer{}) == nil {
		t.Error("WriteJSON of a page scan did not fail")
	}
	var buf bytes.Buffer
	if err := s.WriteHTML(&buf, ""); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), s
}

func wholeHTML(t *testing.T, opts Options) []byte {
	t.Helper()
	doc, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := html.Write(&buf, doc, html.Options{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeInventory writes the inventory of doc's stacks.
func writeInventory(t *testing.T, w io.Writer, doc *result.Document) {
	t.Helper()
	for _, st := range doc.App.Stacks {
		if err := report.WriteInventory(w, st, false); err != nil {
			t.Fatal(err)
		}
	}
}

// wholeJSON runs Run and writes its report, the baseline of its findings
// and the inventory of its stacks.
func wholeJSON(t *testing.T, opts Options) ([]byte, *Streamed) {
	t.Helper()
	doc, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, doc); err != nil {
		t.Fatal(err)
	}
	if err := rule.WriteBaseline(&buf, rule.NewBaseline(doc.Findings)); err != nil {
		t.Fatal(err)
	}
	writeInventory(t, &buf, doc)
	return buf.Bytes(), &Streamed{Inputs: doc.Inputs, Summary: doc.Summary,
		SuppressionProblems: rule.CheckSuppressions(doc.App, func(id string) bool { return rules.ByID(rules.All(), id) != nil })}
}

// findingReports writes the reports that read a scan's outline (text with
// its summary, SARIF, JUnit, Markdown) for doc, one after the other.
func findingReports(t *testing.T, doc *result.Document, inventory func(io.Writer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, write := range []func() error{
		func() error {
			return report.WriteText(&buf, doc, report.TextOptions{Titles: report.RuleTitles(rules.All())})
		},
		func() error {
			return report.WriteText(&buf, doc, report.TextOptions{Inventory: true, InventoryFrom: inventory})
		},
		func() error { return rule.WriteBaseline(&buf, rule.NewBaseline(doc.Findings)) },
		func() error { return report.WriteSARIF(&buf, doc, rules.All()) },
		func() error { return report.WriteJUnit(&buf, doc, report.JUnitOptions{FailOn: rule.Medium}) },
		func() error { return report.WriteMarkdown(&buf, doc, report.MarkdownOptions{}) },
	} {
		if err := write(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// outlineReports runs RunStreamed with Options.Outline and writes the
// reports that read the outline; wholeReports the same from Run.
func outlineReports(t *testing.T, opts Options) ([]byte, *Streamed) {
	t.Helper()
	opts.Outline = true
	opts.Inventory = func(w io.Writer, st *model.Stack) error { return report.WriteInventory(w, st, false) }
	s, err := RunStreamed(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	if s.Parts > 0 && s.WriteJSON(&bytes.Buffer{}) == nil {
		t.Error("WriteJSON of an outline scan did not fail")
	}
	var inventory func(io.Writer) error
	if s.Parts > 0 {
		inventory = s.WriteInventory
	}
	return findingReports(t, s.Outline(), inventory), s
}

func wholeReports(t *testing.T, opts Options) []byte {
	t.Helper()
	doc, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return findingReports(t, doc, nil)
}

// firstDiff describes where two reports first differ.
func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return "line " + la[i] + "\n  vs " + lb[i]
		}
	}
	return "lengths differ"
}

// TestStreamedMatchesRun checks that the report written part by part is
// byte for byte the report of the whole scan, and that parts referring
// to each other make the scan fall back to holding it whole.
func TestStreamedMatchesRun(t *testing.T) {
	cases := []struct {
		name string
		// build writes the scanned tree; rules sets rule options.
		build    func(t *testing.T, dir string)
		rules    func(t *testing.T, dir string, o *rules.Options)
		streamed bool // the scan is split (Parts > 0)
		// relative scans "." from inside the tree: stack and node IDs
		// are relative, and sort on both sides of the shared principals
		// ("principal:…").
		relative bool
		// vulnDB writes a vulnerability database to the directory given;
		// every scan of the case opens it afresh.
		vulnDB func(t *testing.T, dir string)
	}{
		{
			name: "parts whose names share a prefix, dependencies in two of them",
			build: func(t *testing.T, dir string) {
				for _, d := range []string{"app", "app-v2", "app.old", "zed"} {
					copyApp(t, dir, d)
				}
				writeTree(t, dir, map[string]string{
					"app-v2/src/list_orders/requirements.txt": "requests==2.31.0\n",
					"zed/src/thumbnail/package.json":          `{"name":"t","version":"1.0.0","dependencies":{"sharp":"0.32.6"}}`,
					"zed/src/thumbnail/package-lock.json":     `{"name":"t","version":"1.0.0","lockfileVersion":3,"packages":{"":{"name":"t","version":"1.0.0","dependencies":{"sharp":"0.32.6"}},"node_modules/sharp":{"version":"0.32.6"}}}`,
				})
			},
			streamed: true,
		},
		{
			name: "relative paths: parts before and after the shared principals, NL6006 after them",
			build: func(t *testing.T, dir string) {
				for _, d := range []string{"app", "principal", "principals", "zed"} {
					copyApp(t, dir, d)
				}
				writeTree(t, dir, map[string]string{
					"principals/src/list_orders/requirements.txt": "requests==2.31.0\n",
				})
			},
			streamed: true,
			relative: true,
		},
		{
			name: "relative paths: NL6006 before the shared principals",
			build: func(t *testing.T, dir string) {
				for _, d := range []string{"app", "zed"} {
					copyApp(t, dir, d)
				}
				writeTree(t, dir, map[string]string{"app/src/list_orders/requirements.txt": "requests==2.31.0\n"})
			},
			streamed: true,
			relative: true,
		},
		{
			name: "suppressions, config ignores and a baseline",
			build: func(t *testing.T, dir string) {
				for _, d := range []string{"a", "b", "c"} {
					copyApp(t, dir, d)
				}
				writeTree(t, dir, map[string]string{
					"b/src/report/requirements.txt": "flask==2.0.0\n",
					"tf/main.tf":                    lambdaTF,
					"tf/app.py":                     "def handler(e, c):\n    return 1\n",
				})
				data, err := os.ReadFile(filepath.Join(dir, "a", "template.yaml"))
				if err != nil {
					t.Fatal(err)
				}
				s := strings.Replace(string(data), "Resources:\n", "Resources:\n  # nightlight:ignore NL1001 public on purpose\n", 1)
				writeTree(t, dir, map[string]string{"a/template.yaml": s})
			},
			rules: func(t *testing.T, dir string, o *rules.Options) {
				o.Config = &config.Config{Ignore: []config.Ignore{{Rule: "NL4011", Path: "c/*", Reason: "accepted"}}}
				// The baseline holds half of the findings of the whole scan.
				doc, err := Run(context.Background(), Options{Paths: []string{dir}, Loaders: DefaultLoaders()})
				if err != nil {
					t.Fatal(err)
				}
				var half []rule.Finding
				for i, f := range doc.Findings {
					if i%2 == 0 {
						half = append(half, f)
					}
				}
				o.Baseline = rule.NewBaseline(half)
			},
			streamed: true,
		},
		{
			name: "a vulnerability database: advisories in two parts, a missing ecosystem, a skipped record",
			build: func(t *testing.T, dir string) {
				for _, d := range []string{"a", "b", "c", "d"} {
					copyApp(t, dir, d)
				}
				lock := func(deps ...string) string {
					var root, pkgs []string
					for i := 0; i < len(deps); i += 2 {
						root = append(root, `"`+deps[i]+`":"`+deps[i+1]+`"`)
						pkgs = append(pkgs, `"node_modules/`+deps[i]+`":{"version":"`+deps[i+1]+`"}`)
					}
					return `{"name":"t","version":"1.0.0","lockfileVersion":3,"packages":{"":{"name":"t","version":"1.0.0","dependencies":{` +
						strings.Join(root, ",") + `}},` + strings.Join(pkgs, ",") + `}}`
				}
				writeTree(t, dir, map[string]string{
					"a/src/thumbnail/package-lock.json":  lock("lodash", "4.17.15", "json5", "2.2.1"),
					"b/src/list_orders/requirements.txt": "requests==2.30.0\n",
					"c/src/thumbnail/package-lock.json":  lock("minimist", "0.0.8", "lodash", "3.6.0"),
					"d/src/thumbnail/package-lock.json":  lock("sharp", "0.32.6"),
				})
			},
			vulnDB: func(t *testing.T, dir string) {
				if err := depstest.Write(dir); err != nil {
					t.Fatal(err)
				}
				// No PyPI data; one npm record that does not decode.
				if err := os.RemoveAll(filepath.Join(dir, "PyPI")); err != nil {
					t.Fatal(err)
				}
				addZipRecord(t, deps.ZipPath(dir, "npm"), "BAD-1.json", `{"id": 7}`)
			},
			streamed: true,
		},
		{
			name: "a Terraform module of another part",
			build: func(t *testing.T, dir string) {
				writeTree(t, dir, map[string]string{
					"a/main.tf": "module \"m\" {\n  source = \"../b\"\n}\n",
					"b/main.tf": lambdaTF,
					"c/main.tf": lambdaTF,
				})
			},
		},
		{
			name: "handler code in another part",
			build: func(t *testing.T, dir string) {
				copyApp(t, dir, "a")
				copyApp(t, dir, "b")
				data, err := os.ReadFile(filepath.Join(dir, "b", "template.yaml"))
				if err != nil {
					t.Fatal(err)
				}
				writeTree(t, dir, map[string]string{"b/template.yaml": strings.ReplaceAll(string(data), "CodeUri: src/", "CodeUri: ../a/src/")})
			},
		},
		{
			name: "one part",
			build: func(t *testing.T, dir string) {
				copyApp(t, dir, "only")
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.build(t, dir)
			opts := Options{Paths: []string{dir}, Loaders: DefaultLoaders(), Tool: result.Tool{Name: "nightlight", Version: "0"}}
			if tc.relative {
				t.Chdir(dir)
				opts.Paths = []string{"."}
			}
			if tc.rules != nil {
				tc.rules(t, dir, &opts.Rules)
			}
			fresh := func() Options { return opts }
			if tc.vulnDB != nil {
				dbDir := t.TempDir()
				tc.vulnDB(t, dbDir)
				fresh = func() Options {
					o := opts
					o.VulnDB = deps.OpenDB(dbDir)
					return o
				}
			}
			want, ws := wholeJSON(t, fresh())
			got, s := streamedJSON(t, fresh())
			if !bytes.Equal(got, want) {
				t.Fatalf("streamed report differs from the whole scan's: %s", firstDiff(got, want))
			}
			if tc.vulnDB != nil {
				for _, w := range []string{`"GHSA-35jh-r3h4-6jhm"`, `"GHSA-xvch-5gv4-984h"`, `"missing": [`, `npm: 1 of `, `advisory GHSA-9c47-m6qq-7p4h`, `"NL6003"`, `"NL6006"`} {
					if !bytes.Contains(got, []byte(w)) {
						t.Errorf("the report lacks %s: the case tests less than it says", w)
					}
				}
			}
			if (s.Parts > 0) != tc.streamed {
				t.Errorf("Parts = %d, want streamed %v", s.Parts, tc.streamed)
			}
			// The text, SARIF, JUnit and Markdown reports from the outline.
			wantReports := wholeReports(t, fresh())
			gotReports, so := outlineReports(t, fresh())
			if !bytes.Equal(gotReports, wantReports) {
				t.Errorf("reports from the outline differ from the whole scan's: %s", firstDiff(gotReports, wantReports))
			}
			if so.Parts != s.Parts {
				t.Errorf("outline scan: Parts = %d, want %d", so.Parts, s.Parts)
			}
			// The HTML report from the parts' page data.
			wantPage := wholeHTML(t, fresh())
			gotPage, sp := streamedHTML(t, fresh())
			if !bytes.Equal(gotPage, wantPage) {
				t.Errorf("HTML report from the parts differs from the whole scan's: %s", firstDiff(gotPage, wantPage))
			}
			if sp.Parts != s.Parts {
				t.Errorf("page scan: Parts = %d, want %d", sp.Parts, s.Parts)
			}
			if s.FindingCount() == 0 {
				t.Error("no findings: the case tests nothing")
			}
			if tc.rules != nil && (s.Summary.Suppressed == 0 || s.Summary.Baselined == 0) {
				t.Errorf("suppressed %d, baselined %d: the case tests neither", s.Summary.Suppressed, s.Summary.Baselined)
			}
			if len(s.Inputs) != len(ws.Inputs) || len(s.SuppressionProblems) != len(ws.SuppressionProblems) {
				t.Errorf("inputs %d, problems %d; want %d, %d", len(s.Inputs), len(s.SuppressionProblems), len(ws.Inputs), len(ws.SuppressionProblems))
			}
		})
	}
}

// addZipRecord rewrites the zip at path with one more entry.
func addZipRecord(t *testing.T, path, name, body string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	zr.Close()
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStreamedMatchesRunCorpus compares the two ways on real apps: a few
// corpus folders given as separate paths (Terraform modules called from
// examples, Firebase, Azure Functions, OpenWhisk, inputs that fail).
func TestStreamedMatchesRunCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus scan")
	}
	corpus := sharedCorpus(t)
	var paths []string
	for _, d := range []string{"terraform-aws-lambda", "firebase-functions-samples", "azure-functions-docs-python-v2", "openwhisk-wskdeploy", "serverless-test-samples"} {
		p := filepath.Join(corpus, d)
		if _, err := os.Stat(p); err != nil {
			t.Skip("shared corpus not present beside the checkout")
		}
		paths = append(paths, p)
	}
	opts := Options{Paths: paths, Loaders: DefaultLoaders()}
	want, _ := wholeJSON(t, opts)
	got, s := streamedJSON(t, opts)
	if !bytes.Equal(got, want) {
		t.Fatalf("streamed report differs from the whole scan's: %s", firstDiff(got, want))
	}
	if s.Parts < 10 {
		t.Errorf("Parts = %d: the corpus folders should split", s.Parts)
	}
	if got, want := func() []byte { b, _ := outlineReports(t, opts); return b }(), wholeReports(t, opts); !bytes.Equal(got, want) {
		t.Errorf("reports from the outline differ from the whole scan's: %s", firstDiff(got, want))
	}
	gotPage, sp := streamedHTML(t, opts)
	if wantPage := wholeHTML(t, opts); !bytes.Equal(gotPage, wantPage) {
		t.Errorf("HTML report from the parts differs from the whole scan's: %s", firstDiff(gotPage, wantPage))
	}
	if sp.Parts != s.Parts {
		t.Errorf("page scan: Parts = %d, want %d (it fell back to the whole scan)", sp.Parts, s.Parts)
	}
	t.Logf("%d parts, %d inputs, %d findings, report %d bytes", s.Parts, len(s.Inputs), s.FindingCount(), len(got))
}

// TestStreamedReleasesParts checks that nothing of a part is held once it
// is written: its stacks become unreachable (the part that gets NL6006
// keeps the one stack the note is about until the end).
func TestStreamedReleasesParts(t *testing.T) {
	for _, mode := range []string{"json", "outline", "page"} {
		t.Run(mode, func(t *testing.T) { testReleasesParts(t, mode) })
	}
}

func testReleasesParts(t *testing.T, mode string) {
	dir := t.TempDir()
	for _, d := range []string{"a", "b", "c", "d"} {
		copyApp(t, dir, d)
	}
	writeTree(t, dir, map[string]string{"b/src/report/requirements.txt": "flask==2.0.0\n"})
	var parts [][]weak.Pointer[model.Stack]
	var held weak.Pointer[model.Stack]
	opts := Options{Paths: []string{dir}, Loaders: DefaultLoaders()}
	opts.afterPart = func(app *model.App) {
		runtime.GC()
		for i, ps := range parts {
			for _, p := range ps {
				if v := p.Value(); v != nil && p != held {
					t.Errorf("a stack of part %d (%s) is still reachable while part %d is analysed", i, v.ID, len(parts))
				}
			}
		}
		var ws []weak.Pointer[model.Stack]
		for _, st := range app.Stacks {
			ws = append(ws, weak.Make(st))
		}
		if st := oncePerScan(rules.All()).OncePerScan(app); st != nil && held == (weak.Pointer[model.Stack]{}) {
			held = weak.Make(st)
		}
		parts = append(parts, ws)
	}
	var s *Streamed
	switch mode {
	case "outline":
		_, s = outlineReports(t, opts)
	case "page":
		_, s = streamedHTML(t, opts)
	default:
		_, s = streamedJSON(t, opts)
	}
	if s.Parts != 4 || len(parts) != 4 {
		t.Fatalf("Parts = %d, hook called %d times; want 4", s.Parts, len(parts))
	}
	if held == (weak.Pointer[model.Stack]{}) {
		t.Fatal("no part has production packages: the held stack is not tested")
	}
	runtime.GC()
	for i, ps := range parts {
		for _, p := range ps {
			if v := p.Value(); v != nil {
				t.Errorf("a stack of part %d (%s) is still reachable after the scan", i, v.ID)
			}
		}
	}
}

// TestStreamedTempFiles checks that the temporary files are in the
// temporary directory, never in the scanned tree, and gone after Close,
// after a cancelled scan and after a fall back to the whole scan.
func TestStreamedTempFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := t.TempDir()
	for _, d := range []string{"a", "b", "c"} {
		copyApp(t, dir, d)
	}
	count := func() int {
		n := 0
		for _, d := range []string{tmp, dir} {
			_ = filepath.Walk(d, func(p string, info os.FileInfo, err error) error {
				if err == nil && strings.HasPrefix(info.Name(), "nightlight-spill-") {
					n++
				}
				return nil
			})
		}
		return n
	}
	opts := Options{Paths: []string{dir}, Loaders: DefaultLoaders()}
	s, err := RunStreamed(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Parts != 3 {
		t.Fatalf("Parts = %d, want 3", s.Parts)
	}
	if err := s.WriteJSON(new(bytes.Buffer)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Errorf("%d temporary files left after Close", n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts.afterPart = func(*model.App) { cancel() }
	if _, err := RunStreamed(ctx, opts, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled scan: err = %v, want context.Canceled", err)
	}
	if n := count(); n != 0 {
		t.Errorf("%d temporary files left after a cancelled scan", n)
	}
}

// TestStreamedAppScopeRule checks that a rule that checks the whole
// application (other than the flow policy's, which needs a policy) makes
// the scan hold it whole: run part by part, it would see one part at a
// time.
func TestStreamedAppScopeRule(t *testing.T) {
	dir := t.TempDir()
	copyApp(t, dir, "a")
	copyApp(t, dir, "b")
	counted := &rule.Rule{ID: "NL4999", Title: "stacks", Category: rule.Misconfig, Severity: rule.Info, Confidence: rule.ConfidenceHigh,
		Platforms: []model.Provider{model.AnyProvider}, Scope: rule.AppScope, Doc: rule.Doc{Description: "d", Bad: "b", Good: "g", Remediation: "r"},
		Run: func(ctx context.Context, p *rule.Pass) error {
			if st := p.App.Stacks; len(st) > 0 {
				p.Report(rule.Finding{Resource: st[0].ID, Stack: st[0].ID, Message: fmt.Sprintf("%d stacks", len(st))})
			}
			return nil
		}}
	for _, tc := range []struct {
		rules    []*rule.Rule
		streamed bool
	}{
		{rules.All(), true}, // NL2003 without a flow policy
		{append(rules.All(), counted), false},
		// A second rule that reports once per scan.
		{append(rules.All(), func() *rule.Rule { r := *rules.ByID(rules.All(), "NL6006"); r.ID = "NL6998"; return &r }()), false},
	} {
		opts := Options{Paths: []string{dir}, Loaders: DefaultLoaders()}
		opts.Rules.Rules = tc.rules
		want, _ := wholeJSON(t, opts)
		got, s := streamedJSON(t, opts)
		if !bytes.Equal(got, want) {
			t.Errorf("%d rules: streamed report differs from the whole scan's: %s", len(tc.rules), firstDiff(got, want))
		}
		if (s.Parts > 0) != tc.streamed {
			t.Errorf("%d rules: Parts = %d, want streamed %v", len(tc.rules), s.Parts, tc.streamed)
		}
	}
}

// TestWholeDeclared checks that whether a scan is held whole follows the
// rules' declarations (rule.Rule.WholeApp), not their IDs.
func TestWholeDeclared(t *testing.T) {
	app := &rule.Rule{ID: "NL4998", Scope: rule.AppScope}
	opts := Options{}
	opts.Rules.Rules = []*rule.Rule{app}
	if whole(opts) == "" {
		t.Error("an AppScope rule without WholeApp: the scan is not held whole")
	}
	app.WholeApp = func(cfg *config.Config) bool { return cfg != nil }
	if why := whole(opts); why != "" {
		t.Errorf("WholeApp false: held whole (%s)", why)
	}
	opts.Rules.Config = &config.Config{}
	if whole(opts) == "" {
		t.Error("WholeApp true: the scan is not held whole")
	}
	nl2003 := rules.ByID(rules.All(), "NL2003")
	opts.Rules.Rules = []*rule.Rule{nl2003}
	if why := whole(opts); why != "" {
		t.Errorf("NL2003 with a configuration without a flow policy: held whole (%s)", why)
	}
	if !nl2003.WholeApp(&config.Config{Flows: config.Flows{Deny: []model.FlowRule{{From: "pii", To: "internet"}}}}) {
		t.Error("NL2003 with a flow policy does not need the whole application")
	}
}
