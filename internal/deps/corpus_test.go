package deps

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// corpusDir finds shared/corpus by walking up from the test's directory,
// or skips the test.
func corpusDir(t testing.TB) string {
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Skip(err)
	}
	for {
		for _, c := range []string{filepath.Join(dir, "shared", "corpus"), filepath.Join(dir, "..", "shared", "corpus")} {
			if st, err := os.Stat(c); err == nil && st.IsDir() {
				return c
			}
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Skip("shared/corpus not found")
		}
		dir = up
	}
}

type corpusFile struct {
	rel  string
	data []byte
}

// corpusManifests lists every manifest and lockfile of the corpus that
// nightlight reads, outside folders build tools own.
func corpusManifests(t testing.TB, root string) []corpusFile {
	var out []corpusFile
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == "node_modules" || n == ".aws-sam" || n == "vendor" {
				return filepath.SkipDir
			}
			return nil
		}
		if _, ok := Detect(d.Name()); !ok {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, corpusFile{filepath.ToSlash(rel), data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rel < out[j].rel })
	return out
}

// TestCorpus parses every real manifest and lockfile of the shared corpus.
// Jinja-templated cookiecutter sources are not valid files; everything else
// must parse, and nothing may panic.
func TestCorpus(t *testing.T) {
	root := corpusDir(t)
	files := corpusManifests(t, root)
	fsys := os.DirFS(root).(FS)
	byKind := map[string][2]int{}
	pkgs := 0
	var bad []string
	for _, f := range files {
		p, err := Parse(context.Background(), fsys, f.rel, f.rel, f.data)
		k := byKind[path.Base(f.rel)]
		if strings.HasPrefix(path.Base(f.rel), "requirements") {
			k = byKind["requirements*.txt"]
		}
		templated := strings.Contains(string(f.data), "{{") || strings.Contains(f.rel, "{{")
		switch {
		case err == nil:
			k[0]++
			pkgs += len(p.Packages)
		case strings.Contains(err.Error(), "internal error"):
			t.Errorf("%s: %v", f.rel, err)
		case templated:
			k[1]++
		default:
			k[1]++
			bad = append(bad, err.Error())
		}
		if strings.HasPrefix(path.Base(f.rel), "requirements") {
			byKind["requirements*.txt"] = k
		} else {
			byKind[path.Base(f.rel)] = k
		}
	}
	var kinds []string
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	total := 0
	for _, k := range kinds {
		total += byKind[k][0]
		t.Logf("%-20s %4d parsed, %d not", k, byKind[k][0], byKind[k][1])
	}
	t.Logf("%d of %d corpus manifests parsed, %d packages", total, len(files), pkgs)
	for _, e := range bad {
		t.Logf("invalid: %s", e)
	}
	if len(files) == 0 {
		t.Fatal("no manifests found in the corpus")
	}
	// A few real files are invalid for their own tools too (a comment in
	// package.json): they get a positioned error. Anything more is a bug.
	if len(bad)*100 > len(files) {
		t.Errorf("%d of %d real manifests do not parse", len(bad), len(files))
	}
}

// BenchmarkCorpusMatch parses every lockfile and manifest of the corpus
// and matches their packages against the fixture database (loaded once, as
// a scan does).
func BenchmarkCorpusMatch(b *testing.B) {
	root := corpusDir(b)
	files := corpusManifests(b, root)
	fsys := os.DirFS(root).(FS)
	db := fixtureDB(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		for _, f := range files {
			p, err := Parse(context.Background(), fsys, f.rel, f.rel, f.data)
			if err != nil {
				continue
			}
			for _, pk := range p.Packages {
				db.Match(pk.Ecosystem, pk.Name, pk.Version)
				n++
			}
		}
		b.ReportMetric(float64(n), "packages/op")
	}
}

// BenchmarkMatch measures matching alone on the corpus's packages.
func BenchmarkMatch(b *testing.B) {
	root := corpusDir(b)
	fsys := os.DirFS(root).(FS)
	db := fixtureDB(b)
	var all []*Parsed
	for _, f := range corpusManifests(b, root) {
		if p, err := Parse(context.Background(), fsys, f.rel, f.rel, f.data); err == nil {
			all = append(all, p)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, p := range all {
			for _, pk := range p.Packages {
				db.Match(pk.Ecosystem, pk.Name, pk.Version)
			}
		}
	}
}
