package scan

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// sharedCorpus finds shared/corpus by walking up from the test's directory
// (CI puts shared/ beside the checkout; a worktree sits deeper).
func sharedCorpus(tb testing.TB) string {
	tb.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		tb.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "corpus")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("shared/corpus not found above the checkout")
		}
		dir = parent
	}
}

// TestNativeCorpus loads every native Azure Functions, OpenWhisk, Firebase
// and Google Cloud Functions project of the shared corpus: none may crash
// a loader, and the counts of clean loads are reported (and held above the
// floors measured when the loaders landed).
func TestNativeCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus scan skipped in -short mode")
	}
	corpus := sharedCorpus(t)
	entries, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() && (strings.HasPrefix(n, "azure-") || strings.HasPrefix(n, "openwhisk-") || strings.HasPrefix(n, "ibm-") ||
			strings.HasPrefix(n, "firebase-") || strings.HasPrefix(n, "gcp-")) {
			paths = append(paths, filepath.Join(corpus, n))
		}
	}
	doc, err := Run(context.Background(), Options{Paths: paths, Loaders: DefaultLoaders(), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	total, clean := map[model.Format]int{}, map[model.Format]int{}
	for _, in := range doc.Inputs {
		total[in.Format]++
		if in.Error == "" {
			clean[in.Format]++
			continue
		}
		if strings.Contains(in.Error, "internal error") {
			t.Errorf("%s: loader crashed: %s", in.Path, in.Error)
		}
		t.Logf("did not load cleanly: %s", in.Error)
	}
	functions, entries2 := map[model.Format]int{}, map[model.Format]int{}
	for _, st := range doc.App.Stacks {
		functions[st.Format] += len(st.Functions)
		entries2[st.Format] += len(st.EntryPoints)
	}
	var formats []string
	for f := range total {
		formats = append(formats, string(f))
	}
	sort.Strings(formats)
	for _, f := range formats {
		ff := model.Format(f)
		t.Logf("%-16s %3d inputs, %3d load cleanly; %3d functions, %3d entry points", f, total[ff], clean[ff], functions[ff], entries2[ff])
	}
	floors := map[model.Format]int{
		model.FormatAzureFunctions: 67,
		model.FormatARM:            10,
		model.FormatWskdeploy:      100, // of 101: tests/usecases/badyaml is invalid on purpose
		model.FormatFirebase:       94,
	}
	for f, n := range floors {
		if clean[f] < n {
			t.Errorf("%s: %d inputs load cleanly, want at least %d", f, clean[f], n)
		}
	}
}
