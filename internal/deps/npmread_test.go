package deps

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// checkOneWalk compares readNPMLock with the three readers it replaces:
// when it reads a file, the slices are splitNPMLock's, the links and
// versions fixPackageLock's json.Unmarshal, the lines and dependencies
// npmLockInfo's. It reports whether the one walk read the file.
func checkOneWalk(t *testing.T, name string, data []byte) bool {
	t.Helper()
	r := readNPMLock(data)
	if r == nil {
		return false
	}
	split, ok := splitNPMLock(data)
	if !ok {
		t.Fatalf("%s: read in one walk, but splitNPMLock refuses it", name)
	}
	if !reflect.DeepEqual(r.split, split) {
		t.Errorf("%s: the slices differ from splitNPMLock's", name)
	}
	var l npmLockFix
	if err := json.Unmarshal(data, &l); err != nil {
		t.Fatalf("%s: read in one walk, but fixPackageLock's json.Unmarshal fails: %v", name, err)
	}
	if d := cmp.Diff(l, r.lock); d != "" {
		t.Errorf("%s: fixPackageLock's reading differs (-json.Unmarshal +one walk):\n%s", name, d)
	}
	info := npmLockInfo(data)
	if info == nil {
		t.Fatalf("%s: read in one walk, but npmLockInfo refuses it", name)
	}
	if d := cmp.Diff(info.lines, r.info.lines); d != "" {
		t.Errorf("%s: lines differ (-npmLockInfo +one walk):\n%s", name, d)
	}
	if d := cmp.Diff(info.requires, r.info.requires); d != "" {
		t.Errorf("%s: dependencies differ (-npmLockInfo +one walk):\n%s", name, d)
	}
	return true
}

func TestReadNPMLock(t *testing.T) {
	for _, n := range []int{1, 40, 600} {
		if !checkOneWalk(t, "generated", genLockfile(n)) {
			t.Errorf("a generated lockfile of %d packages is not read in one walk", n)
		}
	}
	plain := map[string]string{
		"multi-line":      "{\n\"packages\": {\n  \"node_modules/a\":\n  {\"version\": \"1\"},\n\n  \"node_modules/b\": {\n\"version\": \"1\", \"dev\": true}}}",
		"v2 with links":   `{"lockfileVersion":2,"packages":{"":{"name":"app"},"node_modules/l":{"resolved":"pkgs/l","link":true},"pkgs/l":{"name":"l","version":"1.0.0"}},"dependencies":{"l":{"version":"file:pkgs/l"},"a":{"version":"1","dependencies":{"b":{"version":"2"}}}}}`,
		"peer deps":       `{"packages":{"node_modules/a":{"version":"1","peerDependencies":{"b":"1"},"peerDependenciesMeta":{"c":{"optional":true}}}}}`,
		"field case":      `{"packages":{"node_modules/a":{"Version":"1","LINK":false,"Name":"x"}}}`,
		"null dependency": `{"packages":{"node_modules/a":{"version":"1"}},"dependencies":{"a":null}}`,
	}
	for name, doc := range plain {
		if !checkOneWalk(t, name, []byte(doc)) {
			t.Errorf("%s: not read in one walk", name)
		}
	}
	// Anything else is left to the three readers, which then answer as
	// they always did.
	irregular := map[string]string{
		"repeated key":          `{"packages":{"node_modules/a":{"version":"1"},"node_modules/a":{"version":"2"}}}`,
		"repeated packages":     `{"packages":{"node_modules/a":{"version":"1"}},"packages":{"node_modules/b":{"version":"1"}}}`,
		"case-folded":           `{"Packages":{"node_modules/a":{"version":"1"}}}`,
		"escaped key":           `{"packages":{"node_modules/\u0061":{"version":"1"}}}`,
		"bad version type":      `{"packages":{"node_modules/a":{"version":1}}}`,
		"bad link type":         `{"packages":{"node_modules/a":{"version":"1","link":"yes"}}}`,
		"bad dependency":        `{"packages":{"node_modules/a":{"version":"1","dependencies":{"b":1}}}}`,
		"bad nested v1 version": `{"packages":{"node_modules/a":{"version":"1"}},"dependencies":{"a":{"version":"1","dependencies":{"b":{"version":2}}}}}`,
		"v1 dependency list":    `{"packages":{"node_modules/a":{"version":"1"}},"dependencies":{"a":[1]}}`,
		"trailing":              `{"packages":{"node_modules/a":{"version":"1"}}} x`,
		"null packages":         `{"packages":null,"dependencies":{"a":{"version":"1"}}}`,
		"string entry":          `{"packages":{"node_modules/a":"1"}}`,
		"null entry":            `{"packages":{"node_modules/a":null}}`,
		"v1":                    `{"lockfileVersion":1,"dependencies":{"a":{"version":"1"}}}`,
		"not an object":         `[1]`,
		"invalid":               `{"packages":{"node_modules/a":{`,
	}
	for name, doc := range irregular {
		if checkOneWalk(t, name, []byte(doc)) {
			t.Errorf("%s: read in one walk", name)
		}
	}
}

// TestReadNPMLockCorpus runs the comparison on every package-lock.json
// and npm-shrinkwrap.json of the corpus; each must be read in one walk.
func TestReadNPMLockCorpus(t *testing.T) {
	files := corpusLockfiles(t)
	for _, rel := range slices.Sorted(maps.Keys(files)) {
		if !checkOneWalk(t, rel, files[rel]) {
			t.Errorf("%s: not read in one walk", rel)
		}
	}
	t.Logf("%d lockfiles compared", len(files))
}

// BenchmarkNPMLockRead measures nightlight's own reading of the corpus's
// lockfiles (the extractor's left out): the three walks (splitNPMLock,
// fixPackageLock's json.Unmarshal, npmLockInfo) against readNPMLock's one.
func BenchmarkNPMLockRead(b *testing.B) {
	files := corpusLockfiles(b)
	b.Run("three", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, data := range files {
				_, _ = splitNPMLock(data)
				var l npmLockFix
				_ = json.Unmarshal(data, &l)
				_ = npmLockInfo(data)
			}
		}
	})
	b.Run("one", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, data := range files {
				_ = readNPMLock(data)
			}
		}
	})
}
