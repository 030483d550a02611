// Package deptest runs a dependency rule the way a scan does — loaders,
// the dependency analysis against the fixture OSV database of
// internal/deps/depstest, graph, rules — over txtar apps, and checks the
// findings against expectations. Lockfiles cannot carry comments (JSON), so
// besides `# want "re"` comments an archive may hold a `want` file whose
// lines are `FILE:LINE "re"`. Each regexp matches
// "RULE SEVERITY CONFIDENCE message". An archive holding a file named
// `nodb` is scanned without a vulnerability database.
package deptest

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/nightlight-sec/nightlight/internal/deps"
	"github.com/nightlight-sec/nightlight/internal/deps/depstest"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/load/discover"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules"
)

// Run checks r over every testdata/*.txtar app below dir. It requires at
// least one app with findings and one without.
func Run(t *testing.T, dir string, r *rule.Rule) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no txtar apps in %s", dir)
	}
	db := depstest.Dir(t)
	pos, neg := 0, 0
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			doc := Scan(t, ar, db, r)
			wants, err := ruletest.Wants(ar)
			if err != nil {
				t.Fatal(err)
			}
			more, err := fileWants(ar)
			if err != nil {
				t.Fatal(err)
			}
			wants = append(wants, more...)
			if len(wants) > 0 {
				pos++
			} else {
				neg++
			}
			check(t, doc.Findings, wants)
		})
	}
	if pos == 0 || neg == 0 {
		t.Errorf("%s: want at least one app with findings and one without (have %d and %d)", r.ID, pos, neg)
	}
}

// Scan writes the archive to a temporary directory and scans it as a scan
// does (production discovery and loading, the dependency analysis, the
// graph, rules.Analyze) with rule r only, against the database in db (none when the archive holds `nodb`).
// Finding and input paths are made relative to the archive.
func Scan(t *testing.T, ar *txtar.Archive, db string, r *rule.Rule) *result.Document {
	t.Helper()
	tmp := t.TempDir()
	var vdb *deps.DB
	vdb = deps.OpenDB(db)
	for _, f := range ar.Files {
		if f.Name == "nodb" {
			vdb = nil
			continue
		}
		p := filepath.Join(tmp, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	app, inputs, err := discover.Load(ctx, []string{tmp}, discover.Options{VulnDB: vdb})
	if err != nil {
		t.Fatal(err)
	}
	doc := &result.Document{App: app, Findings: []rule.Finding{}}
	for _, in := range inputs {
		doc.Inputs = append(doc.Inputs, result.Input{Path: in.Path, Format: in.Format, Error: in.Error})
	}
	an := iam.NewAnalyzer()
	if doc.Graph, err = graph.Build(ctx, app, graph.Options{Permissions: graph.IAMPermissions(an)}); err != nil {
		t.Fatalf("graph: %v", err)
	}
	if _, err := rules.Analyze(ctx, doc, rules.Options{Rules: []*rule.Rule{r}, IAM: an, Now: ruletest.Now()}); err != nil {
		t.Fatal(err)
	}
	prefix := filepath.ToSlash(tmp) + "/"
	for i := range doc.Findings {
		doc.Findings[i].File = strings.TrimPrefix(doc.Findings[i].File, prefix)
	}
	for i := range doc.Inputs {
		doc.Inputs[i].Path = strings.TrimPrefix(doc.Inputs[i].Path, prefix)
		if doc.Inputs[i].Error != "" {
			t.Logf("input %s: %s", doc.Inputs[i].Path, doc.Inputs[i].Error)
		}
	}
	return doc
}

var lineRE = regexp.MustCompile(`^(\S+):(\d+)\s+((?:"(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `)(?:\s+(?:"(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `))*)\s*$`)
var quotedRE = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`")

func fileWants(ar *txtar.Archive) ([]ruletest.Want, error) {
	var out []ruletest.Want
	for _, f := range ar.Files {
		if f.Name != "want" {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(f.Data))
		for sc.Scan() {
			l := strings.TrimSpace(sc.Text())
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			m := lineRE.FindStringSubmatch(l)
			if m == nil {
				return nil, &wantErr{l}
			}
			n, _ := strconv.Atoi(m[2])
			for _, q := range quotedRE.FindAllString(m[3], -1) {
				s, err := strconv.Unquote(q)
				if err != nil {
					return nil, err
				}
				re, err := regexp.Compile(s)
				if err != nil {
					return nil, err
				}
				out = append(out, ruletest.Want{File: m[1], Line: n, RE: re})
			}
		}
	}
	return out, nil
}

type wantErr struct{ line string }

func (e *wantErr) Error() string { return "want file: bad line (want FILE:LINE \"re\"): " + e.line }

// check fails t for every finding no want expects and every want no
// finding meets; the text matched is "RULE SEVERITY CONFIDENCE message".
func check(t *testing.T, fs []rule.Finding, wants []ruletest.Want) {
	t.Helper()
	used := make([]bool, len(wants))
	for _, f := range fs {
		text := f.Rule + " " + string(f.Severity) + " " + string(f.Confidence) + " " + f.Message
		ok := false
		for i, w := range wants {
			if w.File == f.File && w.Line == f.Line && w.RE.MatchString(text) {
				used[i], ok = true, true
			}
		}
		if !ok {
			t.Errorf("%s:%d: unexpected finding %s", f.File, f.Line, text)
		}
	}
	for i, w := range wants {
		if !used[i] {
			t.Errorf("%s:%d: no finding matched %q", w.File, w.Line, w.RE)
		}
	}
}
