package deps

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/packagelockjson"
	"github.com/google/osv-scalibr/inventory"
)

// genLockfile writes a v2 package-lock.json with n top-level packages, as
// npm lays it out: "packages" (some nested copies at other versions, some
// repeated name@version at several places, dev and optional ones, scoped
// and aliased names, a link, a Git dependency) and the v1 "dependencies".
func genLockfile(n int) []byte {
	pkgs := map[string]any{"": map[string]any{"name": "app", "version": "1.0.0"}}
	deps := map[string]any{}
	for i := range n {
		name := fmt.Sprintf("pkg%d", i)
		if i%10 == 3 {
			name = fmt.Sprintf("@scope%d/lib", i)
		}
		e := map[string]any{
			"version":   fmt.Sprintf("1.%d.0", i%7),
			"resolved":  "https://registry.npmjs.org/" + name + "/-/x.tgz",
			"integrity": "sha512-" + strings.Repeat("A", 86) + "==",
			"dependencies": map[string]string{
				fmt.Sprintf("pkg%d", (i+1)%n): "^1.0.0",
				fmt.Sprintf("pkg%d", (i+7)%n): "^1.2.0",
			},
		}
		switch i % 5 {
		case 1:
			e["dev"] = true
		case 2:
			e["optional"] = true
		}
		if i%13 == 0 {
			e["name"] = "real-" + name // an alias: npm:real-pkg@…
		}
		if i%17 == 0 {
			e["resolved"] = "git+ssh://git@github.com/o/" + name + ".git#0123456789abcdef0123456789abcdef01234567"
		}
		pkgs["node_modules/"+name] = e
		deps[name] = map[string]any{"version": e["version"], "resolved": e["resolved"], "dev": i%5 == 1}
		if i%4 == 0 {
			// a nested copy at another version, and one at the same version
			// (dev here, production at the top: the groups merge).
			pkgs[fmt.Sprintf("node_modules/pkg%d/node_modules/pkg%d", (i+3)%n, (i+5)%n)] = map[string]any{"version": "2.0.0", "resolved": "https://registry.npmjs.org/x/-/x.tgz"}
			pkgs[fmt.Sprintf("node_modules/pkg%d/node_modules/%s", (i+2)%n, name)] = map[string]any{"version": e["version"], "dev": true, "resolved": "https://registry.npmjs.org/x/-/x.tgz"}
		}
	}
	pkgs["node_modules/local"] = map[string]any{"resolved": "packages/local", "link": true}
	b, err := json.MarshalIndent(map[string]any{"name": "app", "version": "1.0.0", "lockfileVersion": 2, "requires": true, "packages": pkgs, "dependencies": deps}, "", "  ")
	if err != nil {
		panic(err)
	}
	return b
}

// lockSummary is one line per package of an extraction, without its line,
// and the line per name@version.
func lockSummary(inv inventory.Inventory) ([]string, map[string]int) {
	var out []string
	lines := map[string]int{}
	for _, p := range inv.Packages {
		out = append(out, fmt.Sprintf("%s %s %+v %+v %v", p.Name, p.Version, p.Metadata, p.SourceCode, p.PURLType))
		if d := p.Location.Descriptor; d != nil && d.File != nil {
			lines[p.Name+"@"+p.Version] = d.File.LineNumber
			out[len(out)-1] += " " + d.File.Path
		}
	}
	sort.Strings(out)
	return out, lines
}

// checkChunked compares the extractor fed in slices of chunk entries with
// the extractor fed the whole file: the same packages, and each line one
// of the places that declare the package (the extractor keeps whichever
// place its map iteration meets last when there are several).
func checkChunked(t *testing.T, rel string, data []byte, chunk int) {
	t.Helper()
	ctx := context.Background()
	ex, _ := packagelockjson.New(nil)
	fsys := fstest.MapFS{rel: {Data: data}}
	want, werr := extractNPMLock(ctx, ex, fsys, rel, data, nil, 0)
	got, gerr := extractNPMLock(ctx, ex, fsys, rel, data, nil, chunk)
	if fmt.Sprint(werr) != fmt.Sprint(gerr) {
		t.Fatalf("%s: error %v, want %v", rel, gerr, werr)
	}
	ws, wl := lockSummary(want)
	gs, gl := lockSummary(got)
	if d := cmp.Diff(ws, gs); d != "" {
		t.Fatalf("%s (chunk %d): packages differ (-whole +chunked):\n%s", rel, chunk, d)
	}
	places := map[string]map[int]bool{}
	if s, ok := splitNPMLock(data); ok {
		for _, e := range s.entries {
			var v struct {
				Version string `json:"version"`
			}
			_ = json.Unmarshal(e.value, &v)
			k := e.name + "@" + v.Version
			if places[k] == nil {
				places[k] = map[int]bool{}
			}
			places[k][e.line] = true
		}
	}
	for k, l := range gl {
		if l == wl[k] {
			continue
		}
		if !places[k][l] || !places[k][wl[k]] {
			t.Errorf("%s (chunk %d): %s on line %d, whole file says %d", rel, chunk, k, l, wl[k])
		}
	}
}

func TestNPMLockChunks(t *testing.T) {
	data := genLockfile(600)
	if s, ok := splitNPMLock(data); !ok || len(s.chunks(npmLockChunk)) < 2 {
		t.Fatal("the generated lockfile is not sliced")
	}
	for _, chunk := range []int{1, 7, npmLockChunk} {
		checkChunked(t, "app/package-lock.json", data, chunk)
	}
	// Input the slices leave to the extractor whole: the same answers.
	for name, doc := range map[string]string{
		"repeated key":   `{"packages":{"node_modules/a":{"version":"1"},"node_modules/a":{"version":"2"},"node_modules/b":{"version":"1"}}}`,
		"case-folded":    `{"Packages":{"node_modules/a":{"version":"1"},"node_modules/b":{"version":"1"}}}`,
		"escaped key":    `{"packages":{"node_modules/\u0061":{"version":"1"},"node_modules/b":{"version":"1"}}}`,
		"bad type":       `{"packages":{"node_modules/a":{"version":1},"node_modules/b":{"version":"1"}}}`,
		"bad version":    `{"lockfileVersion":"x","packages":{"node_modules/a":{"version":"1"},"node_modules/b":{"version":"1"}}}`,
		"trailing":       `{"packages":{"node_modules/a":{"version":"1"},"node_modules/b":{"version":"1"}}} x`,
		"null packages":  `{"packages":null,"dependencies":{"a":{"version":"1"},"b":{"version":"2"}}}`,
		"string entry":   `{"packages":{"node_modules/a":"1","node_modules/b":{"version":"1"}}}`,
		"null entry":     "{\"packages\":{\"node_modules/a\":null,\n\"node_modules/b\":{\"version\":\"1\"}}}",
		"multi-line":     "{\n\"packages\": {\n  \"node_modules/a\":\n  {\"version\": \"1\"},\n\n  \"node_modules/b\": {\n\"version\": \"1\", \"dev\": true}}}",
		"not an object":  `[1]`,
		"invalid":        `{"packages":{"node_modules/a":{`,
		"bad head value": `{"dependencies":{"a":{"dev":"yes"}},"packages":{"node_modules/a":{"version":"1"},"node_modules/b":{"version":"1"}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			checkChunked(t, "package-lock.json", []byte(doc), 1)
		})
	}
}

// TestNPMLockChunksCorpus runs the comparison on every package-lock.json
// and npm-shrinkwrap.json of the corpus.
func TestNPMLockChunksCorpus(t *testing.T) {
	files := corpusLockfiles(t)
	for _, rel := range slices.Sorted(maps.Keys(files)) {
		checkChunked(t, rel, files[rel], 16)
	}
	t.Logf("%d lockfiles compared", len(files))
}

// corpusLockfiles reads every package-lock.json and npm-shrinkwrap.json
// of the corpus (text decoded as parse does), by slash path in the corpus.
func corpusLockfiles(t testing.TB) map[string][]byte {
	t.Helper()
	root := corpusDir(t)
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || (d.Name() != "package-lock.json" && d.Name() != "npm-shrinkwrap.json") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)] = decodeText(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no lockfiles in the corpus")
	}
	return files
}

// BenchmarkNPMLock measures osv-scalibr's package-lock.json extractor on a
// generated lockfile, fed whole and in slices of npmLockChunk entries.
func BenchmarkNPMLock(b *testing.B) {
	ctx := context.Background()
	ex, _ := packagelockjson.New(nil)
	for _, n := range []int{1000, 4000} {
		data := genLockfile(n)
		fsys := fstest.MapFS{"package-lock.json": {Data: data}}
		for _, mode := range []struct {
			name  string
			chunk int
		}{{"whole", 0}, {"sliced", npmLockChunk}} {
			b.Run(fmt.Sprintf("%s/packages=%d", mode.name, n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					if _, err := extractNPMLock(ctx, ex, fsys, "package-lock.json", data, nil, mode.chunk); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
