package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/report"
	"github.com/nightlight-sec/nightlight/internal/report/html"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rules"
)

// hostileCase is one hostile input: files written below the scan root and
// the error its input must report. Every case is scanned together with a
// good template, which must still load.
type hostileCase struct {
	name  string
	files map[string]string
	// link creates symbolic links: name → target (relative to the root's
	// parent, so targets can sit outside the root).
	links map[string]string
	// want maps an input path (relative to the root) to a substring of its
	// error; "" means it must load cleanly.
	want map[string]string
}

const goodTemplate = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n"

func aliasBomb() string {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: '2010-09-09'\na: &a [x,x,x,x,x,x,x,x,x,x]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		fmt.Fprintf(&b, "%s: &%s [%s*%s]\n", n, n, strings.Repeat("*"+prev+",", 9), prev)
		prev = n
	}
	b.WriteString("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {Tags: *j}\n")
	return b.String()
}

// expVars doubles a Serverless variable's size at each of 40 levels.
func expVars() string {
	var b strings.Builder
	b.WriteString("service: s\nprovider: {name: aws}\ncustom:\n  v0: xxxxxxxxxx\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "  v%d: ${self:custom.v%d}${self:custom.v%d}\n", i, i-1, i-1)
	}
	b.WriteString("functions: {f: {handler: h.h, environment: {X: '${self:custom.v40}'}}}\n")
	return b.String()
}

func deepJSON(n int) string {
	return `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"X": ` +
		strings.Repeat("[", n) + strings.Repeat("]", n) + `}}}}`
}

func deepYAML(n int) string {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n")
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", 6+i) + "k:\n")
	}
	return b.String()
}

func manyResources(n int) string {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  Q%d:\n    Type: AWS::SQS::Queue\n", i)
	}
	return b.String()
}

func hostileCases() []hostileCase {
	return []hostileCase{
		{name: "alias bomb", files: map[string]string{"bomb.yaml": aliasBomb()}, want: map[string]string{"bomb.yaml": "alias bomb"}},
		{name: "anchor cycle through merge", files: map[string]string{"cycle.yaml": "AWSTemplateFormatVersion: '2010-09-09'\na: &a\n  <<: *a\nResources: {}\n"},
			want: map[string]string{"cycle.yaml": "cycle.yaml:"}},
		{name: "deep JSON", files: map[string]string{"deep.json": deepJSON(10000)}, want: map[string]string{"deep.json": "nesting deeper than 256 levels"}},
		{name: "deep YAML flow", files: map[string]string{"deep.yaml": strings.Replace(deepJSON(10000), "{", "{ ", 1)}, want: map[string]string{"deep.yaml": "nesting deeper than 256 levels"}},
		{name: "deep YAML block", files: map[string]string{"deep.yaml": deepYAML(1500)}, want: map[string]string{"deep.yaml": "nesting deeper than 256 levels"}},
		{name: "deep YAML over the size limit", files: map[string]string{"deep.yaml": deepYAML(10000)}, want: map[string]string{"deep.yaml": "over the 20971520-byte limit"}},
		{name: "binary garbage with a template name", files: map[string]string{"template.yaml": "AWSTemplateFormatVersion\x00\x01\x02\xff"},
			want: map[string]string{"template.yaml": "binary data"}},
		{name: "invalid UTF-8", files: map[string]string{"bad.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nDescription: \xff\xfe\nResources: {}\n"},
			want: map[string]string{"bad.yaml": "bad.yaml:2: invalid UTF-8"}},
		{name: "CRLF and BOM load", files: map[string]string{"crlf.yaml": "\xef\xbb\xbf" + strings.ReplaceAll(goodTemplate, "\n", "\r\n")},
			want: map[string]string{"crlf.yaml": ""}},
		{name: "100 MB template", files: map[string]string{"big.yaml": goodTemplate + "# " + strings.Repeat("x", 100<<20) + "\n"},
			want: map[string]string{"big.yaml": "big.yaml: file is 104857684 bytes, over the 20971520-byte limit"}},
		{name: "100,000 resources", files: map[string]string{"many.yaml": manyResources(100_000)},
			want: map[string]string{"many.yaml": "over the limit of 20000"}},
		{name: "symlink to a file outside the root", files: map[string]string{}, links: map[string]string{"root/escape.yaml": "outside/secret.yaml"},
			want: map[string]string{"escape.yaml": "symbolic link points outside the scanned root"}},
		{name: "serverless ${file()} escaping the root", files: map[string]string{"serverless.yml": "service: s\nprovider: {name: aws, runtime: nodejs20.x}\ncustom: ${file(../../outside/secret.yaml)}\nfunctions: {f: {handler: h.h}}\n"},
			want: map[string]string{"serverless.yml": "leaves the scanned root"}},
		{name: "serverless variable cycle", files: map[string]string{"serverless.yml": "service: s\nprovider: {name: aws}\ncustom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\nfunctions: {f: {handler: h.h, environment: {X: '${self:custom.a}'}}}\n"},
			want: map[string]string{"serverless.yml": "serverless.yml:"}},
		{name: "serverless exponential variable expansion", files: map[string]string{"serverless.yml": expVars()},
			want: map[string]string{"serverless.yml": "serverless.yml:"}},
		{name: "terraform file() escaping the root", files: map[string]string{"main.tf": "locals {\n  s = file(\"../outside/secret.yaml\")\n}\nresource \"aws_sqs_queue\" \"q\" {\n  name = local.s\n}\n"},
			want: map[string]string{".": "leaves the scanned root"}},
		{name: "terraform count = 1e9", files: map[string]string{"main.tf": "resource \"aws_sqs_queue\" \"q\" {\n  count = 1000000000\n  name  = \"q${count.index}\"\n}\n"},
			want: map[string]string{".": "main.tf:"}},
		{name: "terraform deep nesting", files: map[string]string{"main.tf": "locals {\n  x = " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n}\n"},
			want: map[string]string{".": "main.tf:"}},
		{name: "symlink to a directory outside the root is not walked", files: map[string]string{}, links: map[string]string{"root/outdir": "outside"},
			want: map[string]string{}},
	}
}

// TestHostileInputs scans each hostile input beside a good template: the
// hostile one gets a clear, positioned error within bounded time and memory,
// and the good one still loads.
func TestHostileInputs(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			root := filepath.Join(base, "root")
			must(t, os.MkdirAll(filepath.Join(base, "outside"), 0o755))
			must(t, os.WriteFile(filepath.Join(base, "outside", "secret.yaml"), []byte(goodTemplate), 0o644))
			must(t, os.MkdirAll(filepath.Join(root, "good"), 0o755))
			must(t, os.WriteFile(filepath.Join(root, "good", "template.yaml"), []byte(goodTemplate), 0o644))
			for name, data := range tc.files {
				must(t, os.WriteFile(filepath.Join(root, name), []byte(data), 0o644))
			}
			for name, target := range tc.links {
				must(t, os.Symlink(filepath.Join(base, target), filepath.Join(base, name)))
			}
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			doc, err := Run(context.Background(), Options{Paths: []string{root}, Loaders: DefaultLoaders()})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			got := map[string]string{}
			for _, in := range doc.Inputs {
				rel, _ := filepath.Rel(root, in.Path)
				got[filepath.ToSlash(rel)] = in.Error
			}
			if e := got["good/template.yaml"]; e != "" {
				t.Errorf("the good template did not load: %s", e)
			}
			delete(got, "good/template.yaml")
			for path, want := range tc.want {
				e, ok := got[path]
				switch {
				case !ok:
					t.Errorf("%s: not reported at all (silent skip); inputs: %v", path, got)
				case want == "" && e != "":
					t.Errorf("%s: unexpected error %q", path, e)
				case want != "" && !strings.Contains(e, want):
					t.Errorf("%s: error %q, want it to contain %q", path, e, want)
				}
				delete(got, path)
			}
			for path, e := range got {
				t.Errorf("unexpected input %s (error %q)", path, e)
			}
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			t.Logf("allocated %d MB", (after.TotalAlloc-before.TotalAlloc)>>20)
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestDeterministic scans the shared corpus twice and requires
// byte-identical JSON.
func TestDeterministic(t *testing.T) {
	corpus := "../../../shared/corpus"
	if _, err := os.Stat(corpus); err != nil {
		t.Skip("shared corpus not present beside the checkout")
	}
	if testing.Short() {
		t.Skip("short mode")
	}
	writers := map[string]func(io.Writer, *result.Document) error{
		"json": report.WriteJSON,
		"html": func(w io.Writer, doc *result.Document) error {
			return html.Write(w, doc, html.Options{})
		},
		"sarif": func(w io.Writer, doc *result.Document) error {
			return report.WriteSARIF(w, doc, rules.All())
		},
	}
	render := func() map[string][]byte {
		doc, err := Run(context.Background(), Options{Paths: []string{corpus}, Loaders: DefaultLoaders(), Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]byte{}
		for name, w := range writers {
			var buf bytes.Buffer
			if err := w(&buf, doc); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out[name] = buf.Bytes()
		}
		return out
	}
	// The streaming JSON writer gives exactly what encoding/json gives for
	// the whole document.
	whole := func(w io.Writer, doc *result.Document) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	writers["json-whole"] = whole
	a, b := render(), render()
	if !bytes.Equal(a["json"], a["json-whole"]) {
		t.Errorf("streamed JSON (%d bytes) differs from encoding/json's (%d bytes)", len(a["json"]), len(a["json-whole"]))
	}
	for name := range writers {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("two %s reports of the corpus differ (%d vs %d bytes)", name, len(a[name]), len(b[name]))
			continue
		}
		t.Logf("corpus %s report: %d bytes, identical across runs", name, len(a[name]))
	}
}

// TestChildModuleNotScannedTwice: a local module another module calls is
// part of its caller's stack, not a stack of its own.
func TestChildModuleNotScannedTwice(t *testing.T) {
	root := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, "modules", "queue"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "main.tf"), []byte("module \"q\" {\n  source = \"./modules/queue\"\n}\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "modules", "queue", "main.tf"), []byte("resource \"aws_sqs_queue\" \"q\" {\n  name = \"jobs\"\n}\n"), 0o644))
	doc, err := Run(context.Background(), Options{Paths: []string{root}, Loaders: DefaultLoaders()})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Inputs) != 2 {
		t.Errorf("inputs = %d, want both module directories listed", len(doc.Inputs))
	}
	if len(doc.App.Stacks) != 1 || len(doc.App.Stacks[0].Stores) != 1 {
		t.Fatalf("want one stack holding the child's queue, got %d stacks", len(doc.App.Stacks))
	}
}
