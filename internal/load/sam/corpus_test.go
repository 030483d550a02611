package sam

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/model"
)

const corpusDir = "../../../../shared/corpus"

// corpusFile is one SAM template of the shared corpus.
type corpusFile struct {
	rel  string
	data []byte
}

// samCorpus lists the corpus' SAM templates (those declaring the SAM
// transform), skipping the raw cookiecutter sources whose rendered copies
// are in aws-sam-cli-app-templates-rendered/.
func samCorpus(tb testing.TB) []corpusFile {
	tb.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		tb.Skip("shared corpus not present beside the checkout")
	}
	var files []corpusFile
	err := filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "aws-sam-cli-app-templates" {
			return filepath.SkipDir
		}
		name := d.Name()
		ext := filepath.Ext(name)
		if d.IsDir() || !(strings.HasPrefix(name, "template.") && (ext == ".yaml" || ext == ".yml" || ext == ".json")) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !bytes.Contains(data, []byte(cfn.SAMTransform)) {
			return nil
		}
		rel, _ := filepath.Rel(corpusDir, p)
		files = append(files, corpusFile{rel: filepath.ToSlash(rel), data: data})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// TestCorpus loads every SAM template of the corpus: none may panic, every
// failure must be positioned, and at least 99% must load with no error.
func TestCorpus(t *testing.T) {
	files := samCorpus(t)
	// The corpus directory is the scan root, so DefinitionUri files that
	// the samples ship are read.
	root, err := load.OpenRoot(corpusDir, ".", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	clean := 0
	for _, f := range files {
		st, err := Load(context.Background(), load.Unit{Path: f.rel, Root: root, Files: []load.File{{Path: f.rel, Data: f.data}}}, load.Options{})
		if err != nil {
			if !load.PosOf(err).IsValid() {
				t.Errorf("%s: error without position: %v", f.rel, err)
			}
			if strings.Contains(err.Error(), "internal error") {
				t.Errorf("%s: %v", f.rel, err)
			}
			t.Logf("FAIL %v", err)
			continue
		}
		if st == nil {
			t.Errorf("%s: no stack and no error", f.rel)
			continue
		}
		for _, d := range st.Diagnostics {
			if d.Severity == model.DiagWarning {
				t.Logf("warning %s", d)
			}
		}
		clean++
	}
	t.Logf("%d of %d SAM templates loaded cleanly", clean, len(files))
	if float64(clean) < 0.99*float64(len(files)) {
		t.Errorf("only %d of %d SAM templates loaded cleanly (want ≥ 99%%)", clean, len(files))
	}
}

// BenchmarkLoadCorpus loads every SAM template of the corpus.
func BenchmarkLoadCorpus(b *testing.B) {
	files := samCorpus(b)
	var size int64
	for _, f := range files {
		size += int64(len(f.data))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range files {
			_, _ = Load(context.Background(), load.Unit{Path: f.rel, Files: []load.File{{Path: f.rel, Data: f.data}}}, load.Options{})
		}
	}
	b.ReportMetric(float64(len(files)*b.N)/b.Elapsed().Seconds(), "templates/s")
}
