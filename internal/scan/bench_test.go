package scan

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"go.yaml.in/yaml/v3"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// corpusFiles reads every file the scan would consider (YAML, JSON, .tf),
// skipping the raw cookiecutter sources, which are not valid YAML.
func corpusFiles(b *testing.B) (yamls, tfs [][]byte) {
	b.Helper()
	_ = filepath.WalkDir(sharedCorpus(b), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if d.Name() == "aws-sam-cli-app-templates" {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		switch ext := filepath.Ext(p); {
		case ext == ".tf":
			tfs = append(tfs, data)
		case ext == ".yaml" || ext == ".yml" || ext == ".json" || strings.HasSuffix(p, ".template"):
			yamls = append(yamls, data)
		}
		return nil
	})
	return yamls, tfs
}

// BenchmarkFloorParse is the floor a scan is measured against: parsing
// every corpus file with the bare YAML and HCL parsers, nothing else.
func BenchmarkFloorParse(b *testing.B) {
	yamls, tfs := corpusFiles(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, y := range yamls {
			var n yaml.Node
			_ = yaml.NewDecoder(bytes.NewReader(y)).Decode(&n)
		}
		for _, t := range tfs {
			_, _ = hclsyntax.ParseConfig(t, "f.tf", hcl.InitialPos)
		}
	}
	b.ReportMetric(float64(len(yamls)+len(tfs))*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkScanCorpus is the full scan of the corpus as the CLI runs it
// for --format json (discovery, reading, loading, model, graph, rules,
// part by part through temporary files: RunStreamed), written as JSON.
func BenchmarkScanCorpus(b *testing.B) {
	corpus := sharedCorpus(b)
	// The same files as the floor: every corpus directory but the raw
	// cookiecutter sources.
	entries, err := os.ReadDir(corpus)
	if err != nil {
		b.Fatal(err)
	}
	var paths []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "aws-sam-cli-app-templates" {
			paths = append(paths, filepath.Join(corpus, e.Name()))
		}
	}
	b.ReportAllocs()
	var inputs int
	for i := 0; i < b.N; i++ {
		s, err := RunStreamed(context.Background(), Options{Paths: paths, Loaders: DefaultLoaders(), Workers: 1}, nil)
		if err != nil {
			b.Fatal(err)
		}
		inputs = len(s.Inputs)
		err = s.WriteJSON(io.Discard)
		if cerr := s.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(inputs)*float64(b.N)/b.Elapsed().Seconds(), "inputs/s")
}

// copyTree copies the regular files under src into dst (no symlinks are
// followed: a generated monorepo holds only real files inside its root).
func copyTree(b *testing.B, src, dst string) {
	b.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkScaling scans a generated monorepo holding N copies of
// examples/orders-api under different roots (svc0001/, svc0002/, …) and
// writes the JSON report, as `nightlight scan -f json` does (RunStreamed:
// one root at a time), so that time and memory can be compared across
// sizes: a scan linear in the size of the repository reports the same
// ns/app at every N, and one whose memory is bounded by the largest root
// the same live-MB (the live heap after a collection, sampled after ten
// of the roots).
func BenchmarkScaling(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			root := b.TempDir()
			for i := 1; i <= n; i++ {
				copyTree(b, "../../examples/orders-api", filepath.Join(root, fmt.Sprintf("svc%04d", i)))
			}
			b.ReportAllocs()
			b.ResetTimer()
			var live uint64
			for i := 0; i < b.N; i++ {
				opts := Options{Paths: []string{root}, Loaders: DefaultLoaders()}
				parts := 0
				opts.afterPart = func(*model.App) {
					if parts++; parts%(n/10) == 0 {
						var ms runtime.MemStats
						runtime.GC()
						runtime.ReadMemStats(&ms)
						live = max(live, ms.HeapAlloc)
					}
				}
				s, err := RunStreamed(context.Background(), opts, nil)
				if err != nil {
					b.Fatal(err)
				}
				if s.Parts != n || s.Summary.Stacks != n {
					b.Fatalf("scanned %d stacks in %d parts, want %d", s.Summary.Stacks, s.Parts, n)
				}
				err = s.WriteJSON(io.Discard)
				if cerr := s.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/app")
			b.ReportMetric(float64(live)/(1<<20), "live-MB")
		})
	}
}
