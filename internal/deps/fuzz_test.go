package deps

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds every manifest format arbitrary bytes: Parse must return
// packages or an error naming the file, never panic, and never produce a
// matchable package whose version is not a version.
func FuzzParse(f *testing.F) {
	names := []string{"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "package.json", "requirements.txt", "Pipfile.lock", "poetry.lock", "uv.lock", "go.mod", "Gopkg.lock", "pom.xml", "Gemfile.lock"}
	for _, dir := range manifestDirs {
		ents, _ := os.ReadDir(filepath.Join("testdata/manifests", dir))
		for _, e := range ents {
			for i, n := range names {
				if n == e.Name() {
					data, _ := os.ReadFile(filepath.Join("testdata/manifests", dir, n))
					f.Add(uint8(i), data)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		name := names[int(which)%len(names)]
		p, err := Parse(context.Background(), emptyFS{}, name, "app/"+name, data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "app/"+name) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, pk := range p.Packages {
			if pk.Pinning != "unpinned" && !ValidVersion(pk.Version) {
				t.Fatalf("package %s with version %q would be matched", pk.Name, pk.Version)
			}
		}
	})
}

// FuzzRecord feeds arbitrary OSV records and versions to the matcher:
// never a panic.
func FuzzRecord(f *testing.F) {
	ents, _ := os.ReadDir("depstest/osv/npm")
	for _, e := range ents {
		data, _ := os.ReadFile(filepath.Join("depstest/osv/npm", e.Name()))
		f.Add(data, "4.17.15")
	}
	f.Add([]byte(`{"id":"X","affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"SEMVER","events":[{"introduced":"1.0.0-"},{"fixed":"1.0.0-0"}]}]}]}`), "1.0.0-")
	f.Fuzz(func(t *testing.T, data []byte, version string) {
		rec, err := parseRecord(data, "npm", map[string]bool{"lodash": true})
		if err != nil || rec == nil {
			return
		}
		for _, a := range rec.Affected {
			affects("npm", a, version)
		}
	})
}

// FuzzNPMRange checks that range resolution never panics and only yields
// versions.
func FuzzNPMRange(f *testing.F) {
	for _, s := range []string{"^4.17.4", "~1.2", "1.x", ">=1.2.3 <2", "1.2.3 - 2.0.0", "^2 || ^1.1.0", "npm:lodash@^4", "*", "github:a/b", "<2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		_, v, pin, why := npmLowest("x", spec)
		if why == "" && pin != "unpinned" && !ValidVersion(v) {
			t.Fatalf("npmLowest(%q) = %q (%s)", spec, v, pin)
		}
	})
}
