package nl3005_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/scan"
)

// findCorpus walks up from the test's directory to shared/corpus.
func findCorpus(tb testing.TB) string {
	dir, _ := filepath.Abs(".")
	for {
		c := filepath.Join(dir, "shared", "corpus")
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("shared corpus not present beside the checkout")
		}
		dir = parent
	}
}

// TestCorpusAdminRolesOneFinding scans the corpus templates that attach
// an AWS managed administrator policy: such a role must give at most one
// escalation-family finding (NL3005 none at all: nothing is stronger
// than an administrator).
func TestCorpusAdminRolesOneFinding(t *testing.T) {
	root := findCorpus(t)
	var files []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if ext := filepath.Ext(p); ext != ".yaml" && ext != ".yml" && ext != ".json" && ext != ".tf" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), ":iam::aws:policy/AdministratorAccess") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Skip("no corpus template attaches AdministratorAccess")
	}
	doc, err := scan.Run(context.Background(), scan.Options{Paths: files, Loaders: scan.DefaultLoaders(), Tool: result.Tool{Name: "nightlight"}})
	if err != nil {
		t.Fatal(err)
	}
	admins := 0
	for _, st := range doc.App.Stacks {
		for _, r := range st.Roles {
			admin := false
			for _, d := range r.Policies {
				if strings.HasSuffix(d.Name, ":iam::aws:policy/AdministratorAccess") {
					admin = true
				}
			}
			if !admin {
				continue
			}
			admins++
			n := 0
			for _, f := range doc.Findings {
				if f.Stack == st.ID && f.Resource == r.ID && (f.Rule == "NL3005" || f.Rule == "NL3018") {
					n++
					if f.Rule == "NL3005" {
						t.Errorf("%s: administrator role %s has an escalation finding: %s", st.ID, r.ID, f.Message)
					}
				}
			}
			if n > 1 {
				t.Errorf("%s: administrator role %s has %d escalation findings, want at most 1", st.ID, r.ID, n)
			}
		}
	}
	t.Logf("%d templates, %d roles with AdministratorAccess checked", len(files), admins)
	if admins == 0 {
		t.Error("no administrator role found in the templates that name AdministratorAccess")
	}
}
