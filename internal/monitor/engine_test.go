package monitor

import (
	"regexp"
	"testing"
	"time"
)

// TestViewRegexesEndWithZ checks that every regular expression of the
// Athena/Trino view that anchors at the end uses \z: in Trino's (Java's)
// flavour `$` also matches before a final line break, so "10.0.0.1\n" would
// pass for an IPv4 address there and not in the Go normaliser or DuckDB.
func TestViewRegexesEndWithZ(t *testing.T) {
	literal := regexp.MustCompile(`regexp_(?:like|extract)\([^']*'((?:[^']|'')*)'`)
	for _, engine := range []string{EngineAthena, EngineTrino} {
		sql := ViewSQL(engine, "cloudtrail_logs", time.Time{})
		found := literal.FindAllStringSubmatch(sql, -1)
		if len(found) == 0 {
			t.Fatalf("%s: no regular expression found in the view", engine)
		}
		for _, m := range found {
			if re := m[1]; len(re) > 0 && re[len(re)-1] == '$' {
				t.Errorf("%s: %q ends with $, not \\z", engine, re)
			}
		}
	}
}
