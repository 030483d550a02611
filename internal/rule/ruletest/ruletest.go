// Package ruletest runs rules over small apps kept as txtar archives and
// checks their findings against `# want "regexp"` comments written beside
// the offending lines, in the manner of go/analysis/analysistest.
//
// Each testdata/*.txtar archive is one app: its files are written to a
// temporary directory and loaded by the real loaders (CloudFormation/SAM
// templates, serverless.yml, Terraform modules). Every finding must be
// expected by a want comment on its line, whose regexp matches
// "RULE message", and every want must be matched by a finding. Inline
// suppressions and Metadata ignores are applied, as in a scan.
package ruletest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/nightlight-sec/nightlight/internal/code"
	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/azure"
	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/load/firebase"
	"github.com/nightlight-sec/nightlight/internal/load/openwhisk"
	"github.com/nightlight-sec/nightlight/internal/load/sam"
	"github.com/nightlight-sec/nightlight/internal/load/serverless"
	"github.com/nightlight-sec/nightlight/internal/load/terraform"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Run runs r over every testdata/*.txtar app below dir and checks the
// findings against the want comments. It fails when dir has no archive,
// and requires at least one archive with a want (a positive case) and one
// without findings (a negative case). A nightlight.yaml in an archive is
// the configuration file; the application graph is built as in a scan.
func Run(t *testing.T, dir string, r *rule.Rule) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no txtar apps in %s", dir)
	}
	an := iam.NewAnalyzer()
	pos, neg := 0, 0
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			app := LoadArchive(t, ar)
			var cfg *config.Config
			for _, f := range ar.Files {
				if f.Name == config.DefaultFile {
					if cfg, err = config.Parse(f.Name, f.Data); err != nil {
						t.Fatal(err)
					}
				}
			}
			g, err := graph.Build(context.Background(), app, graph.Options{Permissions: graph.IAMPermissions(an), Config: cfg})
			if err != nil {
				t.Fatalf("graph: %v", err)
			}
			fs, err := rule.Run(context.Background(), []*rule.Rule{r}, rule.Input{App: app, Graph: g, IAM: an, Now: Now(), Config: cfg})
			if err != nil {
				t.Errorf("rule error: %v", err)
			}
			fs, _ = rule.Suppress(fs, app, nil, time.Now())
			wants, err := Wants(ar)
			if err != nil {
				t.Fatal(err)
			}
			if len(wants) > 0 {
				pos++
			} else {
				neg++
			}
			Check(t, fs, wants)
		})
	}
	if pos == 0 || neg == 0 {
		t.Errorf("%s: want at least one app with findings and one without (have %d and %d)", r.ID, pos, neg)
	}
}

// Now is the time rules see in tests, so that date-dependent rules
// (runtime deprecation) give the same answer every day.
func Now() time.Time { return time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) }

// Want is an expectation: a finding on File:Line whose "RULE message"
// matches RE.
type Want struct {
	File string
	Line int
	RE   *regexp.Regexp
	raw  string
}

var wantRE = regexp.MustCompile("#\\s*want((?:\\s+(?:\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`))+)\\s*$")
var quotedRE = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`")

// Wants collects the `# want "re"...` comments of the archive's files.
// Each expectation is a Go string literal, interpreted or raw.
func Wants(ar *txtar.Archive) ([]Want, error) {
	var out []Want
	for _, f := range ar.Files {
		for i, line := range strings.Split(string(f.Data), "\n") {
			m := wantRE.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			for _, q := range quotedRE.FindAllString(m[1], -1) {
				s, err := strconv.Unquote(q)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: want %s: %w", f.Name, i+1, q, err)
				}
				re, err := regexp.Compile(s)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: want %s: %w", f.Name, i+1, q, err)
				}
				out = append(out, Want{File: f.Name, Line: i + 1, RE: re, raw: s})
			}
		}
	}
	return out, nil
}

// Check fails t for every finding no want expects and every want no
// finding meets.
func Check(t *testing.T, fs []rule.Finding, wants []Want) {
	t.Helper()
	used := make([]bool, len(wants))
	for _, f := range fs {
		text := f.Rule + " " + f.Message
		ok := false
		for i, w := range wants {
			if w.File == f.File && w.Line == f.Line && w.RE.MatchString(text) {
				used[i], ok = true, true
			}
		}
		if !ok {
			t.Errorf("%s:%d: unexpected finding %s (%s): %s", f.File, f.Line, f.Rule, f.Resource, f.Message)
		}
	}
	for i, w := range wants {
		if !used[i] {
			t.Errorf("%s:%d: no finding matched %q", w.File, w.Line, w.raw)
		}
	}
}

// LoadArchive writes the archive to a temporary directory and loads every
// input in it with the real loaders, failing t when an input does not
// load.
func LoadArchive(t testing.TB, ar *txtar.Archive) *model.App {
	t.Helper()
	dir := t.TempDir()
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	app, err := LoadDir(context.Background(), dir, ar)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// LoadDir loads the archive's inputs, written below dir, into an app.
func LoadDir(ctx context.Context, dir string, ar *txtar.Archive) (*model.App, error) {
	root, err := load.OpenRoot(dir, ".", 0)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	app := &model.App{Root: "."}
	tf := map[string]*load.Unit{}
	var tfDirs []string
	opts := load.Options{Limits: load.Limits{}.WithDefaults()}
	for _, f := range ar.Files {
		base := path.Base(f.Name)
		var st []*model.Stack
		var err error
		u := load.Unit{Path: f.Name, Files: []load.File{{Path: f.Name, Data: f.Data}}, Root: root}
		switch {
		case base == "host.json":
			// An Azure Functions project: the loader reads its folder.
			u = load.Unit{Format: model.FormatAzureFunctions, Path: path.Dir(f.Name), Root: root}
			var s *model.Stack
			s, err = azure.Load(ctx, u, opts)
			st = append(st, s)
		case base == "function.json" || azure.IsSettingsFile(base) || base == "package.json" || openwhisk.IsDeployment(base):
			continue // part of a project loaded through its root file
		case base == "firebase.json":
			u.Format = model.FormatFirebase
			var s *model.Stack
			s, err = firebase.Load(ctx, u, opts)
			st = append(st, s)
		case strings.HasSuffix(base, ".json") && azure.IsARM(f.Data):
			u.Format = model.FormatARM
			var s *model.Stack
			s, err = azure.LoadARM(ctx, u, opts)
			st = append(st, s)
		case (strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml")) && openwhisk.IsManifest(f.Name, f.Data):
			u.Format = model.FormatWskdeploy
			var s *model.Stack
			s, err = openwhisk.Load(ctx, u, opts)
			st = append(st, s)
		case strings.HasSuffix(base, ".tf"):
			d := path.Dir(f.Name)
			if tf[d] == nil {
				tf[d] = &load.Unit{Format: model.FormatTerraform, Path: d, Root: root}
				tfDirs = append(tfDirs, d)
			}
			tf[d].Files = append(tf[d].Files, load.File{Path: f.Name, Data: f.Data})
			continue
		case strings.HasPrefix(base, "serverless."):
			u.Format = model.FormatServerless
			var s *model.Stack
			s, err = serverless.Load(ctx, u, opts)
			st = append(st, s)
		case f.Name == config.DefaultFile:
			continue // the configuration file
		case strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".json"):
			u.Format = model.FormatCloudFormation
			var s *model.Stack
			s, err = LoadTemplate(ctx, u, opts)
			st = append(st, s)
		default:
			continue // a source file the app refers to
		}
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", f.Name, err)
		}
		app.Stacks = append(app.Stacks, st...)
	}
	sort.Strings(tfDirs)
	for _, d := range tfDirs {
		st, err := terraform.Load(ctx, *tf[d], opts)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", d, err)
		}
		app.Stacks = append(app.Stacks, st...)
	}
	for _, st := range app.Stacks {
		if st != nil {
			st.Sort()
		}
	}
	// Handler code the archive's functions point to, as a scan reads it.
	code.Analyze(ctx, app, func(*model.Stack) *load.Root { return root }, code.Options{})
	return app, nil
}

// LoadTemplate loads a CloudFormation or SAM template.
func LoadTemplate(ctx context.Context, u load.Unit, opts load.Options) (*model.Stack, error) {
	if bytes.Contains(u.Files[0].Data, []byte(cfn.SAMTransform)) {
		u.Format = model.FormatSAM
		return sam.Load(ctx, u, opts)
	}
	return cfn.Load(ctx, u, opts)
}
