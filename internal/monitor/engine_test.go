package monitor

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestViewRegexesEndWithZ checks that every regular expression of the
// Athena/Trino view that anchors at the end uses \z: in Trino's (Java's)
// flavour `$` also matches before a final line break, so "10.0.0.1\n" would
// pass for an IPv4 address there and not in the Go normaliser or DuckDB
// (and "UpdateFunctionCode20150331\n" would lose its version in the action).
// It looks at every string literal of the view, whichever argument of
// regexp_like, regexp_extract or regexp_replace it is (no other literal of
// the view ends with $).
func TestViewRegexesEndWithZ(t *testing.T) {
	literal := regexp.MustCompile(`'((?:[^']|'')*)'`)
	for _, engine := range []string{EngineAthena, EngineTrino} {
		sql := ViewSQL(engine, "cloudtrail_logs", time.Time{})
		anchored := 0
		for _, m := range literal.FindAllStringSubmatch(sql, -1) {
			re := m[1]
			if strings.HasSuffix(re, `\z`) {
				anchored++
			}
			if strings.HasSuffix(re, "$") {
				t.Errorf("%s: %q ends with $, not \\z", engine, re)
			}
		}
		// The time, its zone, the API version, IPv6 (twice) and IPv4.
		if anchored < 6 {
			t.Errorf("%s: %d literals end with \\z, want at least 6 (the test no longer sees the regular expressions)", engine, anchored)
		}
	}
}
