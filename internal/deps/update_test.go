package deps

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
)

type fakeProgress struct {
	mu     sync.Mutex
	stages []string
	added  int
}

func (p *fakeProgress) Start(stage string, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stages = append(p.stages, stage)
}
func (p *fakeProgress) Add(n int) { p.mu.Lock(); p.added += n; p.mu.Unlock() }
func (p *fakeProgress) Finish()   {}

func zipOf(t *testing.T, records map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for n, body := range records {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestUpdate downloads from a local fake of OSV's export bucket: never the
// real network.
func TestUpdate(t *testing.T) {
	npm := zipOf(t, map[string]string{"GHSA-1.json": `{"id":"GHSA-1"}`, "GHSA-2.json": `{"id":"GHSA-2"}`, "big.bin": strings.Repeat("x", 4096)})
	var paths []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/npm/all.zip":
			w.Write(npm)
		case "/PyPI/all.zip":
			w.Write([]byte("<html>not a zip</html>"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	// An older PyPI export must survive a failed update.
	if err := os.MkdirAll(dir+"/PyPI", 0o755); err != nil {
		t.Fatal(err)
	}
	old := zipOf(t, map[string]string{"OLD.json": `{"id":"OLD"}`})
	if err := os.WriteFile(ZipPath(dir, "PyPI"), old, 0o644); err != nil {
		t.Fatal(err)
	}
	prog := &fakeProgress{}
	done, err := Update(context.Background(), srv.Client(), srv.URL+"/", dir, []string{"npm", "PyPI", "Go"}, prog)
	if len(done) != 1 || done[0].Ecosystem != "npm" || done[0].Records != 2 || done[0].Bytes != int64(len(npm)) {
		t.Errorf("done = %+v", done)
	}
	if err == nil || !strings.Contains(err.Error(), "PyPI: download "+srv.URL+"/PyPI/all.zip: not a zip archive") || !strings.Contains(err.Error(), "Go: download "+srv.URL+"/Go/all.zip: 404 Not Found") {
		t.Errorf("err = %v", err)
	}
	got, _ := os.ReadFile(ZipPath(dir, "npm"))
	if !bytes.Equal(got, npm) {
		t.Error("npm export not written as served")
	}
	kept, _ := os.ReadFile(ZipPath(dir, "PyPI"))
	if !bytes.Equal(kept, old) {
		t.Error("a failed download replaced the previous export")
	}
	if len(prog.stages) != 2 || prog.added < len(npm)>>10 {
		t.Errorf("progress: stages %q, %d KiB", prog.stages, prog.added)
	}
	entries, _ := os.ReadDir(dir + "/PyPI")
	if len(entries) != 1 {
		t.Errorf("partial files left behind: %v", entries)
	}
	st := Stat(dir, "npm", "PyPI", "Go")
	if !st[0].Present || st[0].Records != 2 || !st[1].Present || st[1].Records != 1 || st[2].Present {
		t.Errorf("status = %+v", st)
	}
}

// TestUpdateOffline checks the error when nothing answers.
func TestUpdateOffline(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	_, err := Update(context.Background(), &http.Client{}, url, t.TempDir(), []string{"npm"}, nil)
	if err == nil || !strings.Contains(err.Error(), "offline?") || !strings.Contains(err.Error(), "DIR/<Ecosystem>/all.zip") {
		t.Errorf("err = %v", err)
	}
	if _, err := Update(context.Background(), nil, url, "", []string{"npm"}, nil); err == nil {
		t.Error("no directory: no error")
	}
}

func TestParseEcosystems(t *testing.T) {
	got, err := ParseEcosystems("pypi, NPM,go,npm")
	if err != nil || strings.Join(got, ",") != "PyPI,npm,Go" {
		t.Errorf("got %v, %v", got, err)
	}
	if all, _ := ParseEcosystems(""); len(all) != len(Ecosystems()) {
		t.Error("empty list is not every ecosystem")
	}
	if _, err := ParseEcosystems("npm,cargo"); err == nil || !strings.Contains(err.Error(), `unknown ecosystem "cargo"`) {
		t.Errorf("err = %v", err)
	}
}
