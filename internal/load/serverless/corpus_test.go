package serverless

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

const corpusDir = "../../../../shared/corpus"

// corpusFiles lists every serverless.yml/yaml under the shared corpus.
func corpusFiles(tb testing.TB) []string {
	tb.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		tb.Skipf("corpus not available: %v", err)
	}
	var files []string
	err := filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "aws-sam-cli-app-templates" {
			return filepath.SkipDir
		}
		switch d.Name() {
		case "serverless.yml", "serverless.yaml":
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

func loadCorpusFile(ctx context.Context, root *load.Root, p string) (*model.Stack, error) {
	rel, err := filepath.Rel(corpusDir, p)
	if err != nil {
		return nil, err
	}
	rel = filepath.ToSlash(rel)
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	u := load.Unit{Format: model.FormatServerless, Path: rel, Files: []load.File{{Path: rel, Data: data}}, Root: root}
	return Load(ctx, u, load.Options{})
}

func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	root, err := load.OpenRoot(corpusDir, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	ok := 0
	providers := map[model.Provider]int{}
	for _, p := range files {
		st, err := loadCorpusFile(context.Background(), root, p)
		if err != nil {
			t.Logf("FAIL %s: %v", strings.TrimPrefix(p, corpusDir+"/"), err)
			continue
		}
		providers[st.Provider]++
		ok++
	}
	pct := 100 * float64(ok) / float64(len(files))
	t.Logf("corpus: %d/%d serverless files loaded with no error (%.1f%%); providers %v", ok, len(files), pct, providers)
	if pct < 98 {
		t.Errorf("only %.1f%% of the corpus loads; want at least 98%%", pct)
	}
}

func BenchmarkLoadCorpus(b *testing.B) {
	files := corpusFiles(b)
	root, err := load.OpenRoot(corpusDir, "", 0)
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, p := range files {
			_, _ = loadCorpusFile(context.Background(), root, p)
		}
	}
	b.ReportMetric(float64(len(files)), "files/op")
}
