package deps

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/deps/depstest"
)

// fixtureDB loads the fixture database with every name it holds.
func fixtureDB(t testing.TB) *DB {
	db := OpenDB(depstest.Dir(t))
	all := map[string]map[string]bool{
		"npm":      {"lodash": true, "minimist": true, "request": true, "json5": true, "@babel/traverse": true, "lodash-es": true},
		"PyPI":     {"pyyaml": true, "requests": true, "flask": true},
		"Go":       {"github.com/dgrijalva/jwt-go": true, "golang.org/x/net": true},
		"Maven":    {"org.apache.logging.log4j:log4j-core": true},
		"RubyGems": {"rack": true},
	}
	for eco, names := range all {
		db.Load(context.Background(), eco, names)
	}
	return db
}

func TestMatch(t *testing.T) {
	db := fixtureDB(t)
	cases := []struct {
		eco, name, version string
		ids                []string // "ID fixed"
	}{
		{"npm", "lodash", "4.17.15", []string{"GHSA-29mw-wpgm-hmr9 4.17.21", "GHSA-35jh-r3h4-6jhm 4.17.21", "GHSA-p6mc-m468-83gw 4.17.19"}},
		{"npm", "lodash", "4.17.19", []string{"GHSA-29mw-wpgm-hmr9 4.17.21", "GHSA-35jh-r3h4-6jhm 4.17.21"}},
		{"npm", "lodash", "4.17.21", nil}, // fixed; the withdrawn record must not match
		{"npm", "lodash", "3.6.0", []string{"GHSA-35jh-r3h4-6jhm 4.17.21"}},
		{"npm", "minimist", "0.0.8", []string{"GHSA-vh95-rmgr-6w4m 0.2.1", "GHSA-xvch-5gv4-984h 0.2.4"}},
		{"npm", "minimist", "1.2.5", []string{"GHSA-xvch-5gv4-984h 1.2.6"}},
		{"npm", "minimist", "1.2.6", nil},
		{"npm", "minimist", "0.2.4", nil},
		{"npm", "request", "2.88.2", []string{"GHSA-p8p7-x288-28g6 "}}, // last_affected: no fix
		{"npm", "request", "2.88.3", nil},
		{"npm", "json5", "2.2.1", nil}, // unknown range type: skipped
		{"npm", "@babel/traverse", "7.23.0", []string{"GHSA-jchw-25xp-jwwc 7.23.2"}},
		{"npm", "@babel/traverse", "8.0.0-alpha.3", []string{"GHSA-jchw-25xp-jwwc 8.0.0-alpha.4"}},
		{"npm", "@babel/traverse", "8.0.0", nil},
		{"PyPI", "PyYAML", "5.3.1", []string{"GHSA-8q59-q68h-6hv4 5.4"}},
		{"PyPI", "pyyaml", "5.4", nil},
		{"PyPI", "py_yaml", "5.1", nil}, // a different name
		{"PyPI", "requests", "2.30.0", []string{"GHSA-j8r2-6x86-q33q 2.31.0"}},
		{"PyPI", "requests", "2.2.0", nil},
		{"PyPI", "Requests", "2.31.0", nil},
		{"PyPI", "Flask", "2.3.1", []string{"PYSEC-2023-62 2.3.2"}},
		{"PyPI", "flask", "2.2.4", []string{"PYSEC-2023-62 2.2.5"}},
		{"PyPI", "flask", "2.2.5", nil},
		{"Go", "github.com/dgrijalva/jwt-go", "3.2.0+incompatible", []string{"GO-2020-0017 "}},
		{"Go", "github.com/dgrijalva/jwt-go", "v3.2.0", []string{"GO-2020-0017 "}},
		{"Go", "golang.org/x/net", "0.16.0", []string{"GO-2023-2102 0.17.0"}},
		{"Go", "golang.org/x/net", "v0.17.0", nil},
		{"Maven", "org.apache.logging.log4j:log4j-core", "2.14.1", []string{"GHSA-jfh8-c2jp-5v3q 2.15.0"}},
		{"Maven", "org.apache.logging.log4j:log4j-core", "2.12.2", nil},
		{"Maven", "org.apache.logging.log4j:log4j-core", "2.3.2", nil},
		{"Maven", "org.apache.logging.log4j:log4j-core", "2.0-beta9", []string{"GHSA-jfh8-c2jp-5v3q 2.3.1"}},
		{"Maven", "org.apache.logging.log4j:log4j-core", "2.0-beta8", nil},
		{"RubyGems", "rack", "2.2.3", []string{"GHSA-wq4h-7r42-5hrr 2.2.3.1"}},
		{"RubyGems", "rack", "2.2.3.1", nil},
		{"npm", "lodash", "git+ssh://x", nil},
		{"npm", "lodash", "", nil},
	}
	for _, tc := range cases {
		adv, _ := db.Match(tc.eco, tc.name, tc.version)
		var got []string
		for _, a := range adv {
			got = append(got, a.ID+" "+strings.Join(a.Fixed, ","))
		}
		if d := cmp.Diff(tc.ids, got); d != "" {
			t.Errorf("%s %s %s (-want +got):\n%s", tc.eco, tc.name, tc.version, d)
		}
	}
	// The unknown range type is reported as skipped, with the record's ID.
	if _, skipped := db.Match("npm", "json5", "2.2.1"); len(skipped) != 1 || !strings.Contains(skipped[0], `GHSA-9c47-m6qq-7p4h: range type "CALENDAR" is not supported`) {
		t.Errorf("json5 skipped = %q", skipped)
	}
	// Aliases and severities are kept.
	adv, _ := db.Match("PyPI", "PyYAML", "5.3.1")
	if len(adv) != 1 || adv[0].Severity != "critical" || strings.Join(adv[0].Aliases, ",") != "CVE-2020-14343,PYSEC-2021-142" {
		t.Errorf("PyYAML advisory = %+v", adv)
	}
	adv, _ = db.Match("Go", "golang.org/x/net", "0.16.0")
	if len(adv) != 1 || adv[0].Severity != "" {
		t.Errorf("a record without severity must say so: %+v", adv)
	}
}

func TestDBBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(eco string, data []byte) {
		if err := os.MkdirAll(filepath.Join(dir, eco), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(ZipPath(dir, eco), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("npm", []byte("PK\x03\x04 not really a zip"))
	// PyPI: a zip with a corrupt record, a record without id, an unknown
	// range type and a valid record.
	f, err := os.CreateTemp(dir, "zip")
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range map[string]string{
		"BAD-1.json":  `{"id": "BAD-1", "affected": [`,
		"BAD-2.json":  `{"affected": []}`,
		"ODD-1.json":  `{"id": "ODD-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"}, "ranges": [{"type": "MYSTERY", "events": [{"introduced": "0"}]}]}]}`,
		"GOOD-1.json": `{"id": "GOOD-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]}]}`,
		"BAD-3.json":  `{"id": "BAD-3", "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"}, "ranges": [{"type": "ECOSYSTEM", "events": [{}]}]}]}`,
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	f.Close()
	data, _ := os.ReadFile(f.Name())
	write("PyPI", data)

	db := OpenDB(dir)
	db.Load(context.Background(), "npm", map[string]bool{"lodash": true})
	db.Load(context.Background(), "PyPI", map[string]bool{"requests": true})
	db.Load(context.Background(), "Go", map[string]bool{"x": true})
	info := db.Info([]string{"Go", "PyPI", "npm"})
	if info.Available != true || strings.Join(info.Ecosystems, ",") != "PyPI" || strings.Join(info.Missing, ",") != "Go" || len(info.Errors) != 2 {
		t.Fatalf("info = %+v", info)
	}
	if !strings.Contains(strings.Join(info.Errors, "\n"), "npm/all.zip: zip: not a valid zip file") || !strings.Contains(strings.Join(info.Errors, "\n"), "PyPI: 2 of 5 records skipped") {
		t.Errorf("errors = %q", info.Errors)
	}
	if adv, _ := db.Match("npm", "lodash", "1.0.0"); adv != nil {
		t.Errorf("a broken export matched: %v", adv)
	}
	adv, skipped := db.Match("PyPI", "requests", "1.0")
	if len(adv) != 1 || adv[0].ID != "GOOD-1" {
		t.Errorf("requests 1.0 = %+v", adv)
	}
	if len(skipped) != 2 {
		t.Errorf("skipped = %q, want the MYSTERY range and the empty event", skipped)
	}
}

func TestCVSS3Score(t *testing.T) {
	cases := map[string]float64{
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H": 9.8,
		"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H": 7.2,
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H": 10,
		"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N": 6.1,
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L": 5.3,
		"CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:N": 0,
	}
	for v, want := range cases {
		got, err := CVSS3Score(v)
		if err != nil || got != want {
			t.Errorf("CVSS3Score(%s) = %v, %v; want %v", v, got, err, want)
		}
	}
	for _, bad := range []string{"", "CVSS:2.0/AV:N", "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:Q/C:H/I:H/A:H", "CVSS:3.1/AV/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"} {
		if _, err := CVSS3Score(bad); err == nil {
			t.Errorf("CVSS3Score(%q): no error", bad)
		}
	}
}

// TestDBLoadPerPart checks that asking for names in several calls (as a
// scan streamed part by part does) gives the same matches and the same
// summary as asking for every name at once.
func TestDBLoadPerPart(t *testing.T) {
	whole := fixtureDB(t)
	parts := OpenDB(depstest.Dir(t))
	ctx := context.Background()
	for _, step := range []struct {
		eco   string
		names []string
	}{
		{"npm", []string{"minimist"}},
		{"PyPI", []string{"not-in-the-db"}},
		{"npm", []string{"lodash", "minimist", "json5"}},
		{"PyPI", []string{"pyyaml", "requests"}},
		{"npm", []string{"request", "@babel/traverse", "lodash-es"}},
		{"PyPI", []string{"flask", "pyyaml"}},
		{"Go", []string{"github.com/dgrijalva/jwt-go", "golang.org/x/net"}},
		{"Maven", []string{"org.apache.logging.log4j:log4j-core"}},
		{"RubyGems", []string{"rack"}},
	} {
		names := map[string]bool{}
		for _, n := range step.names {
			names[n] = true
		}
		parts.Load(ctx, step.eco, names)
	}
	ecos := Ecosystems()
	wi, pi := whole.Info(ecos), parts.Info(ecos)
	wi.Dir, pi.Dir = "", ""
	if d := cmp.Diff(wi, pi); d != "" {
		t.Errorf("Info (-whole +parts):\n%s", d)
	}
	for _, q := range [][3]string{
		{"npm", "lodash", "4.17.15"}, {"npm", "lodash", "3.6.0"}, {"npm", "minimist", "0.0.8"}, {"npm", "json5", "2.2.1"},
		{"npm", "request", "2.88.2"}, {"npm", "@babel/traverse", "7.23.0"}, {"npm", "lodash-es", "4.17.15"},
		{"PyPI", "PyYAML", "5.3.1"}, {"PyPI", "requests", "2.30.0"}, {"PyPI", "flask", "2.2.4"}, {"PyPI", "not-in-the-db", "1.0"},
		{"Go", "golang.org/x/net", "0.16.0"}, {"Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"}, {"RubyGems", "rack", "2.2.3"},
	} {
		wa, ws := whole.Match(q[0], q[1], q[2])
		pa, ps := parts.Match(q[0], q[1], q[2])
		if d := cmp.Diff(wa, pa); d != "" {
			t.Errorf("%v advisories (-whole +parts):\n%s", q, d)
		}
		if d := cmp.Diff(ws, ps); d != "" {
			t.Errorf("%v skipped (-whole +parts):\n%s", q, d)
		}
	}
	if adv, _ := parts.Match("npm", "lodash", "4.17.15"); len(adv) != 3 {
		t.Errorf("lodash 4.17.15 = %d advisories, want 3", len(adv))
	}
}

// TestDBStoredAndChanged reads a record stored without compression, and
// reports an export replaced between indexing and decoding instead of
// matching against it.
func TestDBStoredAndChanged(t *testing.T) {
	dir := t.TempDir()
	writeZip := func(body string) {
		if err := os.MkdirAll(filepath.Join(dir, "npm"), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(ZipPath(dir, "npm"))
		if err != nil {
			t.Fatal(err)
		}
		zw := zip.NewWriter(f)
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "GOOD-1.json", Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	rec := `{"id": "GOOD-1", "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "2.0.0"}]}]}, {"package": {"ecosystem": "npm", "name": "%s"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}`
	writeZip(strings.ReplaceAll(rec, "%s", "right-pad"))
	db := OpenDB(dir)
	db.Load(context.Background(), "npm", map[string]bool{"left-pad": true})
	if adv, _ := db.Match("npm", "left-pad", "1.0.0"); len(adv) != 1 || adv[0].ID != "GOOD-1" || adv[0].Fixed[0] != "2.0.0" {
		t.Fatalf("stored record: %+v", adv)
	}
	// Same size, other bytes: the checksum differs.
	writeZip(strings.ReplaceAll(rec, "%s", "right-pax"))
	db.Load(context.Background(), "npm", map[string]bool{"right-pad": true, "left-pad": true})
	info := db.Info([]string{"npm"})
	if len(info.Errors) != 1 || !strings.Contains(info.Errors[0], "the export changed during the scan") {
		t.Errorf("info = %+v", info)
	}
}
