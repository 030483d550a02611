package load

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// sandbox builds a scan root with files, a link inside it and links that
// point outside it, next to a directory that must never be read.
func sandbox(t *testing.T) (root, outside string) {
	t.Helper()
	top := t.TempDir()
	root = filepath.Join(top, "app")
	outside = filepath.Join(top, "outside")
	for _, d := range []string{root, filepath.Join(root, "sub"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, data string) {
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "a.yaml"), "a: 1\n")
	write(filepath.Join(root, "sub", "b.yaml"), "b: 2\n")
	write(filepath.Join(root, "big.yaml"), strings.Repeat("x", 200))
	write(filepath.Join(outside, "secret.txt"), "secret\n")
	links := map[string]string{
		filepath.Join(root, "sub", "link-in"): filepath.Join("..", "a.yaml"),
		filepath.Join(root, "link-out"):       filepath.Join(outside, "secret.txt"),
		filepath.Join(root, "rel-out"):        filepath.Join("..", "outside", "secret.txt"),
		filepath.Join(root, "dir-out"):        outside,
	}
	for link, target := range links {
		if err := os.Symlink(target, link); err != nil {
			t.Skipf("symbolic links not supported: %v", err)
		}
	}
	return root, outside
}

func TestRootReadFile(t *testing.T) {
	dir, _ := sandbox(t)
	r, err := OpenRoot(dir, "app", 100)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tests := []struct {
		name, path string
		want       string // contents, when the read succeeds
		outside    bool   // the error wraps ErrOutsideRoot
		errText    string // a substring of the error otherwise
	}{
		{name: "file", path: "app/a.yaml", want: "a: 1\n"},
		{name: "nested file", path: "app/sub/b.yaml", want: "b: 2\n"},
		{name: "dot segments inside", path: "app/sub/../a.yaml", want: "a: 1\n"},
		{name: "link inside the root", path: "app/sub/link-in", want: "a: 1\n"},
		{name: "absolute link outside", path: "app/link-out", outside: true},
		{name: "relative link outside", path: "app/rel-out", outside: true},
		{name: "through a directory link outside", path: "app/dir-out/secret.txt", outside: true},
		{name: "dot-dot out of the root", path: "app/../outside/secret.txt", outside: true},
		{name: "another prefix", path: "outside/secret.txt", outside: true},
		{name: "absolute path", path: "/etc/passwd", outside: true},
		{name: "over the size limit", path: "app/big.yaml", errText: "app/big.yaml: file is 200 bytes, over the 100-byte limit"},
		{name: "directory", path: "app/sub", errText: "is a directory"},
		{name: "missing", path: "app/missing.yaml", errText: "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.ReadFile(tc.path)
			switch {
			case tc.outside:
				if !errors.Is(err, ErrOutsideRoot) {
					t.Fatalf("ReadFile(%s) = %q, %v; want ErrOutsideRoot", tc.path, got, err)
				}
			case tc.errText != "":
				if err == nil || !strings.Contains(err.Error(), tc.errText) || errors.Is(err, ErrOutsideRoot) {
					t.Fatalf("ReadFile(%s) error = %v, want one containing %q", tc.path, err, tc.errText)
				}
			default:
				if err != nil || string(got) != tc.want {
					t.Fatalf("ReadFile(%s) = %q, %v; want %q", tc.path, got, err, tc.want)
				}
			}
		})
	}
}

// TestRootHeadAndReadDir checks that the other ways of reading through a
// root refuse the same paths.
func TestRootHeadAndReadDir(t *testing.T) {
	dir, _ := sandbox(t)
	r, err := OpenRoot(dir, "app", 100)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if head, err := r.Head("app/big.yaml", 10); err != nil || string(head) != "xxxxxxxxxx" {
		t.Errorf("Head of a file over the limit = %q, %v; want its first 10 bytes", head, err)
	}
	// A small file read with a large n: all of it, in a buffer its size.
	big, err := os.ReadFile(filepath.Join(dir, "big.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{len(big) - 1, len(big), len(big) + 1, 1 << 20} {
		head, err := r.Head("app/big.yaml", n)
		if want := big[:min(n, len(big))]; err != nil || string(head) != string(want) {
			t.Errorf("Head(n=%d) = %d bytes, %v; want %d", n, len(head), err, len(want))
		}
		if cap(head) > len(big)+1 {
			t.Errorf("Head(n=%d) allocated %d bytes for a %d-byte file", n, cap(head), len(big))
		}
	}
	for _, p := range []string{"app/link-out", "app/rel-out", "app/dir-out/secret.txt", "app/../outside/secret.txt"} {
		if head, err := r.Head(p, 10); !errors.Is(err, ErrOutsideRoot) {
			t.Errorf("Head(%s) = %q, %v; want ErrOutsideRoot", p, head, err)
		}
	}
	if _, err := r.ReadDir("app/dir-out"); !errors.Is(err, ErrOutsideRoot) {
		t.Errorf("ReadDir through a link outside: %v, want ErrOutsideRoot", err)
	}
	if _, err := r.ReadDir("app/.."); !errors.Is(err, ErrOutsideRoot) {
		t.Errorf("ReadDir of the parent: %v, want ErrOutsideRoot", err)
	}
	entries, err := r.ReadDir("app/sub")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, ","); got != "b.yaml,link-in" {
		t.Errorf("ReadDir(app/sub) = %s", got)
	}
}

func TestRootResolve(t *testing.T) {
	dir, _ := sandbox(t)
	for _, display := range []string{"app", "."} {
		r, err := OpenRoot(dir, display, 0)
		if err != nil {
			t.Fatal(err)
		}
		p := func(s string) string {
			if display == "." {
				return strings.TrimPrefix(strings.TrimPrefix(s, "app"), "/")
			}
			return s
		}
		tests := []struct {
			from, name, want string
			outside          bool
		}{
			{from: p("app/sub"), name: "../a.yaml", want: p("app/a.yaml")},
			{from: p("app/sub"), name: "./b.yaml", want: p("app/sub/b.yaml")},
			{from: p("app/sub"), name: "../../outside/secret.txt", outside: true},
			{from: p("app/sub"), name: "../../../../etc/passwd", outside: true},
			{from: p("app"), name: "/etc/passwd", outside: true},
			{from: p("app"), name: `C:\Windows\win.ini`, outside: true},
		}
		for _, tc := range tests {
			got, err := r.Resolve(tc.from, tc.name)
			if tc.outside {
				if !errors.Is(err, ErrOutsideRoot) {
					t.Errorf("root %q: Resolve(%q, %q) = %q, %v; want ErrOutsideRoot", display, tc.from, tc.name, got, err)
				}
				continue
			}
			if err != nil || got != tc.want {
				t.Errorf("root %q: Resolve(%q, %q) = %q, %v; want %q", display, tc.from, tc.name, got, err, tc.want)
			}
		}
		if _, err := r.Resolve("app", ""); err == nil {
			t.Errorf("root %q: Resolve of an empty name succeeded", display)
		}
		r.Close()
	}
}

func TestNilRoot(t *testing.T) {
	var r *Root
	if _, err := r.ReadFile("a.yaml"); err == nil {
		t.Error("nil root read a file")
	}
	if _, err := r.Head("a.yaml", 1); err == nil {
		t.Error("nil root read a head")
	}
	if _, err := r.ReadDir("."); err == nil {
		t.Error("nil root listed a directory")
	}
	if err := r.Close(); err != nil {
		t.Error(err)
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		from, name, want string
		outside          bool
	}{
		{from: ".", name: "a/b.yaml", want: "a/b.yaml"},
		{from: "a", name: "../b", want: "b"},
		{from: ".", name: "../x", outside: true},
		{from: "a", name: "../../x", outside: true},
		{from: ".", name: "/x", outside: true},
		{from: ".", name: `D:x`, outside: true},
	}
	for _, tc := range tests {
		got, err := Clean(tc.from, tc.name)
		if tc.outside {
			if !errors.Is(err, ErrOutsideRoot) {
				t.Errorf("Clean(%q, %q) = %q, %v; want ErrOutsideRoot", tc.from, tc.name, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Clean(%q, %q) = %q, %v; want %q", tc.from, tc.name, got, err, tc.want)
		}
	}
}

func TestLimitsWithDefaults(t *testing.T) {
	l := Limits{MaxDepth: 7}.WithDefaults()
	if l.MaxDepth != 7 || l.MaxFileBytes != DefaultMaxFileBytes || l.MaxNodes != DefaultMaxNodes ||
		l.MaxResources != DefaultMaxResources || l.MaxResolveSteps != DefaultMaxResolveSteps {
		t.Errorf("WithDefaults = %+v", l)
	}
}

func TestErrorPos(t *testing.T) {
	err := Errorf(modelPos("t.yaml", 3, 5), "bad %s", "thing")
	if err.Error() != "t.yaml:3:5: bad thing" {
		t.Errorf("Error() = %q", err)
	}
	wrapped := errors.Join(errors.New("context"), err)
	if got := PosOf(wrapped); got.Line != 3 || got.File != "t.yaml" {
		t.Errorf("PosOf(wrapped) = %v", got)
	}
	if got := PosOf(errors.New("plain")); got.IsValid() {
		t.Errorf("PosOf(plain) = %v", got)
	}
}

func modelPos(file string, line, col int) model.Pos {
	return model.Pos{File: file, Line: line, Col: col}
}
