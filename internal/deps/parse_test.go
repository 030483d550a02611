package deps

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// manifestDirs are the real-shaped fixtures, one format (or variant) each.
var manifestDirs = []string{"gemfile", "gomod", "gopkg", "lockv1", "lockv3", "pipfile", "pkgjson", "pnpm6", "pnpm9", "poetry", "pom", "req", "shrinkwrap", "uv", "yarn"}

// describe parses every manifest of a fixture directory and prints its
// packages and notes, one per line.
func describe(t testing.TB, dir string) string {
	fsys := os.DirFS("testdata/manifests").(FS)
	ents, err := os.ReadDir(filepath.Join("testdata/manifests", dir))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range ents {
		if _, ok := Detect(e.Name()); !ok {
			continue
		}
		rel := path.Join(dir, e.Name())
		data, err := os.ReadFile(filepath.Join("testdata/manifests", rel))
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(context.Background(), fsys, rel, "app/"+rel, data)
		if err != nil {
			fmt.Fprintf(&b, "%s: error: %v\n", rel, err)
			continue
		}
		for _, pk := range p.Packages {
			fmt.Fprintf(&b, "%s %s %s %s %s dev=%v direct=%v known=%v deprecated=%v constraint=%q", pk.Pos, pk.Ecosystem, pk.Name, pk.Version, pk.Pinning, pk.Dev, pk.Direct, pk.DirectKnown, pk.Deprecated, pk.Constraint)
			if pk.RequiresKnown {
				fmt.Fprintf(&b, " requires=%v", pk.Requires)
			}
			b.WriteString("\n")
		}
		for _, n := range p.Notes {
			fmt.Fprintf(&b, "note %s\n", n)
		}
	}
	return b.String()
}

// TestParse reads each lockfile format on a real-shaped file and compares
// the packages (names, versions, pinning, dev flags, positions) and notes
// with a reviewed golden file (go test -update rewrites it).
func TestParse(t *testing.T) {
	for _, dir := range manifestDirs {
		t.Run(dir, func(t *testing.T) {
			got := describe(t, dir)
			golden := filepath.Join("testdata/manifests", dir, "want.golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("packages differ (-want +got):\n%s", d)
			}
		})
	}
}

// TestParseBadInput checks that corrupt, binary, truncated and hostile
// manifests give an error naming the file (and line where known), never a
// panic and never packages.
func TestParseBadInput(t *testing.T) {
	cases := []struct {
		name, file, data, want string
	}{
		{"truncated package-lock", "package-lock.json", `{"lockfileVersion": 3, "packages": {"node_modules/lodash": {"version": "4.17`, "app/package-lock.json"},
		{"package.json syntax", "package.json", "{\n  \"dependencies\": {\n    \"lodash\": ^4\n  }\n}", "app/package.json:3"},
		{"package.json wrong type", "package.json", `{"dependencies": ["lodash"]}`, "app/package.json:1"},
		{"binary yarn.lock", "yarn.lock", "lodash@^4:\n  version \"4\x00\"\n", "app/yarn.lock:2"},
		{"pnpm not yaml", "pnpm-lock.yaml", "lockfileVersion: [\n", "app/pnpm-lock.yaml"},
		{"poetry not toml", "poetry.lock", "[[package]\nname = 1\n", "app/poetry.lock"},
		{"Gopkg.lock not toml", "Gopkg.lock", "[[projects]]\n  name = \n", "app/Gopkg.lock:2"},
		{"go.mod garbage", "go.mod", "module x\nrequire (\n  github.com/a/b\n", "app/go.mod"},
		{"pom not xml", "pom.xml", "<project><dependencies><dependency>", "app/pom.xml"},
		{"Pipfile.lock not json", "Pipfile.lock", "{\"default\": ", "app/Pipfile.lock"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(context.Background(), emptyFS{}, tc.file, "app/"+tc.file, []byte(tc.data))
			if err == nil {
				t.Fatalf("no error; packages %v", p.Packages)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %q does not start with %q", err, tc.want)
			}
		})
	}
}

// TestParseQuiet checks inputs that are valid but must give no package
// to match: Git, URL and local dependencies, revisions, unresolved
// properties.
func TestParseQuiet(t *testing.T) {
	cases := []struct {
		name, file, data string
		notes            int
	}{
		{"git and url deps", "package.json", `{"dependencies": {"a": "git+ssh://git@github.com/x/a.git", "b": "https://x.test/b.tgz", "c": "file:../c", "d": "x/d#main", "e": "workspace:*"}}`, 5},
		{"no lower bound", "package.json", `{"dependencies": {"a": "<2.0.0", "b": ">1.0.0"}}`, 2},
		{"requirements urls", "requirements.txt", "git+https://github.com/x/y.git#egg=y\nhttps://x.test/z-1.0.tar.gz\n-e ./local\nlib @ https://x.test/lib.whl\n", 4},
		{"pom unresolved property", "pom.xml", `<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>a</artifactId><version>1</version><dependencies><dependency><groupId>x</groupId><artifactId>y</artifactId><version>${missing.version}</version></dependency></dependencies></project>`, 0}, // osv-scalibr leaves the dependency out
		{"Gopkg branch", "Gopkg.lock", "[[projects]]\n  branch = \"master\"\n  name = \"golang.org/x/net\"\n  revision = \"abc\"\n", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(context.Background(), emptyFS{}, tc.file, "app/"+tc.file, []byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			for _, pk := range p.Packages {
				if pk.Pinning != "unpinned" {
					t.Errorf("unexpected package %s %s (%s)", pk.Name, pk.Version, pk.Pinning)
				}
			}
			if len(p.Notes) != tc.notes {
				t.Errorf("%d notes, want %d: %v", len(p.Notes), tc.notes, p.Notes)
			}
			for _, n := range p.Notes {
				if !n.Pos.IsValid() {
					t.Errorf("note without position: %v", n)
				}
			}
		})
	}
}

// TestParseUTF16 reads a requirements file saved as UTF-16 with a BOM (as
// a real one in the corpus is).
func TestParseUTF16(t *testing.T) {
	text := "requests==2.30.0\r\nPyYAML==5.3.1\r\n"
	data := []byte{0xFF, 0xFE}
	for _, r := range text {
		data = append(data, byte(r), 0)
	}
	p, err := Parse(context.Background(), emptyFS{}, "requirements.txt", "app/requirements.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, pk := range p.Packages {
		got = append(got, fmt.Sprintf("%s %s %d", pk.Name, pk.Version, pk.Pos.Line))
	}
	if d := cmp.Diff([]string{"PyYAML 5.3.1 2", "requests 2.30.0 1"}, got); d != "" {
		t.Error(d)
	}
}

func TestNPMLowest(t *testing.T) {
	cases := []struct {
		spec, name, version, pin string
		skip                     bool
	}{
		{"4.17.21", "x", "4.17.21", "exact", false},
		{"=4.17.21", "x", "4.17.21", "exact", false},
		{"v1.2.3", "x", "1.2.3", "exact", false},
		{"^4.17.4", "x", "4.17.4", "range", false},
		{"~1.2", "x", "1.2.0", "range", false},
		{"1.x", "x", "1.0.0", "range", false},
		{"1.2.*", "x", "1.2.0", "range", false},
		{">=1.2.3 <2.0.0", "x", "1.2.3", "range", false},
		{"1.2.3 - 2.3.4", "x", "1.2.3", "range", false},
		{"^2.0.0 || ^1.1.0", "x", "1.1.0", "range", false},
		{"^1.0.0-beta.2", "x", "1.0.0-beta.2", "range", false},
		{"*", "x", "", "unpinned", false},
		{"", "x", "", "unpinned", false},
		{"latest", "x", "", "unpinned", false},
		{"npm:lodash@^4.17.0", "lodash", "4.17.0", "range", false},
		{"<2", "x", "", "", true},
		{">1.0.0", "x", "", "", true},
		{"github:a/b", "x", "", "", true},
		{"a/b#v1", "x", "", "", true},
		{"file:../x", "x", "", "", true},
		{"next", "x", "", "", true},
	}
	for _, tc := range cases {
		name, v, pin, why := npmLowest("x", tc.spec)
		if (why != "") != tc.skip || name != tc.name || v != tc.version || string(pin) != tc.pin && !tc.skip {
			t.Errorf("npmLowest(%q) = %q %q %q %q; want %q %q %q skip=%v", tc.spec, name, v, pin, why, tc.name, tc.version, tc.pin, tc.skip)
		}
	}
}

func TestDetect(t *testing.T) {
	var got []string
	for _, n := range []string{"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "package.json", "requirements.txt", "requirements-prod.txt", "requirements_dev.txt", "Pipfile.lock", "poetry.lock", "uv.lock", "go.mod", "go.sum", "Gopkg.lock", "Godeps.json", "pom.xml", "Gemfile.lock", "Gemfile", "Pipfile", "template.yaml"} {
		if k, ok := Detect(n); ok {
			got = append(got, n+":"+string(k.Format))
		}
	}
	sort.Strings(got)
	want := []string{"Gemfile.lock:rubygems", "Gopkg.lock:gomod", "Pipfile.lock:pypi", "go.mod:gomod", "npm-shrinkwrap.json:npm", "package-lock.json:npm", "package.json:npm", "pnpm-lock.yaml:npm", "poetry.lock:pypi", "pom.xml:maven", "requirements-prod.txt:pypi", "requirements.txt:pypi", "requirements_dev.txt:pypi", "uv.lock:pypi", "yarn.lock:npm"}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
	if !devRequirements("requirements-dev.txt") || !devRequirements("requirements_test.txt") || devRequirements("requirements.txt") || devRequirements("requirements-prod.txt") {
		t.Error("devRequirements misjudges file names")
	}
}

// emptyFS is a file system without files, for parsing a file alone.
type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
func (emptyFS) ReadDir(name string) ([]fs.DirEntry, error) {
	return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
}
func (emptyFS) Stat(name string) (fs.FileInfo, error) {
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

// TestPackageLockDuplicatePosition: one version of a package installed at
// several places of node_modules is positioned on the first, on every run
// (osv-scalibr keeps whichever its map iteration meets last).
func TestPackageLockDuplicatePosition(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n  \"name\": \"app\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"name\": \"app\", \"dependencies\": {\"a\": \"1\"}},\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "    \"node_modules/p%d/node_modules/util\": {\"version\": \"1.0.0\"},\n", i)
	}
	b.WriteString("    \"node_modules/util\": {\"version\": \"1.0.0\"},\n    \"node_modules/a\": {\"version\": \"1.0.0\"}\n  }\n}\n")
	data := []byte(b.String())
	v1 := []byte("{\n  \"lockfileVersion\": 1,\n  \"dependencies\": {\n    \"a\": {\n      \"version\": \"1.0.0\",\n      \"dependencies\": {\n        \"util\": {\"version\": \"1.0.0\"}\n      }\n    },\n    \"b\": {\"version\": \"2.0.0\", \"dependencies\": {\"util\": {\"version\": \"1.0.0\"}}},\n    \"util\": {\"version\": \"1.0.0\"}\n  }\n}\n")
	for name, tc := range map[string]struct {
		data []byte
		line int
	}{"v3": {data, 6}, "v1": {v1, 7}} {
		t.Run(name, func(t *testing.T) {
			for run := 0; run < 30; run++ {
				fsys := fstest.MapFS{"package-lock.json": {Data: tc.data}}
				p, err := Parse(context.Background(), fsys, "package-lock.json", "app/package-lock.json", tc.data)
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, pk := range p.Packages {
					if pk.Name == "util" {
						found = true
						if pk.Pos.Line != tc.line {
							t.Fatalf("run %d: util at line %d, want %d (its first place)", run, pk.Pos.Line, tc.line)
						}
					}
				}
				if !found {
					t.Fatal("util not listed")
				}
			}
		})
	}
}
