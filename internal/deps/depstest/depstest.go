// Package depstest builds a small offline OSV database for tests: real
// advisories (lodash CVE-2021-23337, minimist CVE-2021-44906, PyYAML
// CVE-2020-14343, requests CVE-2023-32681, Log4Shell, jwt-go, x/net rapid
// reset, Rack, Flask) with their real IDs, aliases and ranges, plus two
// records altered on purpose: GHSA-7fh5-64p2-3v2j is withdrawn (it must
// never match) and GHSA-9c47-m6qq-7p4h (json5) carries an unknown range
// type (CALENDAR), which must be skipped with a reason, never matched.
package depstest

import (
	"archive/zip"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"testing"
)

//go:embed osv
var records embed.FS

// Write writes the database to dir as DIR/<Ecosystem>/all.zip, the layout
// OSV publishes.
func Write(dir string) error {
	ecos, err := fs.ReadDir(records, "osv")
	if err != nil {
		return err
	}
	for _, e := range ecos {
		files, err := fs.ReadDir(records, path.Join("osv", e.Name()))
		if err != nil {
			return err
		}
		names := make([]string, 0, len(files))
		for _, f := range files {
			names = append(names, f.Name())
		}
		sort.Strings(names)
		if err := os.MkdirAll(filepath.Join(dir, e.Name()), 0o755); err != nil {
			return err
		}
		out, err := os.Create(filepath.Join(dir, e.Name(), "all.zip"))
		if err != nil {
			return err
		}
		zw := zip.NewWriter(out)
		for _, n := range names {
			data, err := records.ReadFile(path.Join("osv", e.Name(), n))
			if err != nil {
				return err
			}
			w, err := zw.Create(n)
			if err != nil {
				return err
			}
			if _, err := w.Write(data); err != nil {
				return err
			}
		}
		if err := zw.Close(); err != nil {
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
	}
	return nil
}

// Dir writes the database to a temporary directory and returns it.
func Dir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := Write(dir); err != nil {
		t.Fatal(fmt.Errorf("write fixture OSV database: %w", err))
	}
	return dir
}
