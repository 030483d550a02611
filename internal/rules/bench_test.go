package rules_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/serverless"
	"github.com/nightlight-sec/nightlight/internal/load/terraform"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules"
)

const corpusDir = "../../../shared/corpus"

// loadCorpus loads every template, serverless file and Terraform module
// of the shared corpus and returns the stacks and how many inputs loaded.
func loadCorpus(tb testing.TB, root *load.Root, files []string, tfDirs map[string][]string) ([]*model.Stack, int) {
	ctx := context.Background()
	opts := load.Options{Limits: load.Limits{}.WithDefaults()}
	var stacks []*model.Stack
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(corpusDir, f))
		if err != nil {
			tb.Fatal(err)
		}
		u := load.Unit{Path: f, Files: []load.File{{Path: f, Data: data}}, Root: root}
		var st *model.Stack
		if strings.HasPrefix(filepath.Base(f), "serverless.") {
			st, _ = serverless.Load(ctx, u, opts)
		} else {
			if !bytes.Contains(data, []byte("AWS::")) || !bytes.Contains(data, []byte("Resources")) {
				continue
			}
			st, _ = ruletest.LoadTemplate(ctx, u, opts)
		}
		if st != nil {
			stacks = append(stacks, st)
			n++
		}
	}
	dirs := make([]string, 0, len(tfDirs))
	for d := range tfDirs {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		u := load.Unit{Format: model.FormatTerraform, Path: d, Root: root}
		for _, f := range tfDirs[d] {
			data, _ := os.ReadFile(filepath.Join(corpusDir, f))
			u.Files = append(u.Files, load.File{Path: f, Data: data})
		}
		sts, _ := terraform.Load(ctx, u, opts)
		if len(sts) > 0 {
			n++
		}
		stacks = append(stacks, sts...)
	}
	// A local child module is reported inside its caller only, as in a scan.
	included := map[string]bool{}
	for _, st := range stacks {
		for _, p := range st.Includes {
			included[p] = true
		}
	}
	kept := stacks[:0]
	for _, st := range stacks {
		if !included[st.ID] {
			kept = append(kept, st)
		} else {
			n--
		}
	}
	return kept, n
}

func corpusFiles(tb testing.TB) ([]string, map[string][]string) {
	if _, err := os.Stat(corpusDir); err != nil {
		tb.Skip("no shared corpus")
	}
	var files []string
	tf := map[string][]string{}
	_ = filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if d != nil && d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".terraform") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(corpusDir, p)
		rel = filepath.ToSlash(rel)
		switch ext := filepath.Ext(p); {
		case ext == ".tf":
			tf[filepath.ToSlash(filepath.Dir(rel))] = append(tf[filepath.ToSlash(filepath.Dir(rel))], rel)
		case ext == ".yaml" || ext == ".yml" || ext == ".json" || ext == ".template":
			files = append(files, rel)
		}
		return nil
	})
	sort.Strings(files)
	return files, tf
}

// BenchmarkRulesCorpus loads the whole shared corpus and runs every rule
// over it, reporting inputs per second and the share of time spent in the
// rules versus loading.
func BenchmarkRulesCorpus(b *testing.B) {
	files, tf := corpusFiles(b)
	root, err := load.OpenRoot(corpusDir, ".", 0)
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	all := rules.All()
	an := iam.NewAnalyzer()
	var loadDur, ruleDur time.Duration
	inputs, findings := 0, 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		stacks, n := loadCorpus(b, root, files, tf)
		t1 := time.Now()
		fs, err := rule.Run(context.Background(), all, rule.Input{App: &model.App{Stacks: stacks}, IAM: an})
		t2 := time.Now()
		if err != nil {
			b.Errorf("rules failed: %v", err)
		}
		loadDur += t1.Sub(t0)
		ruleDur += t2.Sub(t1)
		inputs, findings = n, len(fs)
	}
	total := loadDur + ruleDur
	b.ReportMetric(float64(inputs)*float64(b.N)/total.Seconds(), "inputs/s")
	b.ReportMetric(float64(inputs)*float64(b.N)/ruleDur.Seconds(), "inputs/s-rules-only")
	b.ReportMetric(100*ruleDur.Seconds()/total.Seconds(), "%rules")
	b.ReportMetric(float64(findings), "findings")
	b.ReportMetric(float64(inputs), "inputs")
}

// TestCorpusCounts prints how often each rule fires on the corpus (run
// with -v and NIGHTLIGHT_CORPUS_COUNTS=1 to review false positives).
func TestCorpusCounts(t *testing.T) {
	if os.Getenv("NIGHTLIGHT_CORPUS_COUNTS") == "" {
		t.Skip("set NIGHTLIGHT_CORPUS_COUNTS=1")
	}
	files, tf := corpusFiles(t)
	root, err := load.OpenRoot(corpusDir, ".", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	stacks, _ := loadCorpus(t, root, files, tf)
	fs, err := rule.Run(context.Background(), rules.All(), rule.Input{App: &model.App{Stacks: stacks}})
	if err != nil {
		t.Error(err)
	}
	count := map[string]int{}
	example := map[string]string{}
	for _, f := range fs {
		count[f.Rule]++
		if os.Getenv("NIGHTLIGHT_CORPUS_COUNTS") == f.Rule {
			t.Logf("%s:%d %s", f.File, f.Line, f.Message)
		}
		example[f.Rule] = f.File + ":" + fmt.Sprint(f.Line) + " " + f.Message
	}
	for _, r := range rules.All() {
		t.Logf("%s %5d  %.150s", r.ID, count[r.ID], example[r.ID])
	}
}
