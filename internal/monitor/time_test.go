package monitor

import (
	"regexp"
	"testing"
	"time"
)

// timeSpellings are eventTime values each reader must take or leave alike
// (ParseTime here; DuckDB's loader and the Athena/Trino view in
// duckstore's TestReadersAgreeOnBadRecords and
// TestEngineViewMatchesNormaliser).
var timeSpellings = []string{
	"2024-08-01T12:00:00Z", "2024-08-01T12:00:00.123456789Z", "2024-08-01T12:00:00.5-05:30",
	"2024-08-01T12:00:00+02:00", "2024-08-01T12:00:00+0200", "2024-08-01T12:00:00", "2024-08-01 12:00:00",
	"2024-08-01 12:00:00Z", "2024-08-01 12:00:00.25+01:00", "2024-08-01 12:00:00 UTC", "2024-08-01T12:00:00 UTC",
	"2024-08-01", "2024-08-01T12:00Z", "2024-8-1 12:00:00", "20240801T120000Z", "2024-08-01t12:00:00z",
	" 2024-08-01T12:00:00Z ", "2024-02-30T12:00:00Z", "2024-08-01T24:00:00Z", "2024-08-01T23:59:59Z",
	"2024-08-01T12:60:00Z", "2024-08-01T12:00:60Z", "1722513600", "", "2024-08-01T12:00:00ZZ", "Aug 1, 2024",
	"2024-08-01T12:00:00.Z", "2024-08-01T12:00:00,5Z", "2024-08-01T12:00:00.1234567891Z",
	"\t2024-08-01T12:00:00Z", "2024-08-01T12:00:00Z\n", "2024-08-01T12:00:00+24:00", "2024-08-01T12:00:00+23:59",
	"2024-08-01T12:00:00-00:60", "2024-08-01T12:00:00+2:00", "2024-08-01T12:00:00+02", "０２024-08-01T12:00:00Z",
}

// TestTimeSpellingMatchesPattern holds timeSpelling (ParseTime's check)
// and timePattern (the SQL readers') together, and ParseTime to the
// layouts for every spelling the pattern takes.
func TestTimeSpellingMatchesPattern(t *testing.T) {
	re := regexp.MustCompile(`\A` + timePattern + `\z`)
	for _, s := range timeSpellings {
		if got, want := timeSpelling(s), re.MatchString(s); got != want {
			t.Errorf("timeSpelling(%q) = %v, the pattern says %v", s, got, want)
		}
	}
	cases := []struct {
		in   string
		want string // RFC 3339 in UTC, "" when it does not parse
	}{
		{"2024-08-01T12:00:00Z", "2024-08-01T12:00:00Z"},
		{" 2024-08-01 14:00:00+02:00 ", "2024-08-01T12:00:00Z"},
		{"2024-08-01T12:00:00.5-05:30", "2024-08-01T17:30:00.5Z"},
		{"2024-08-01 12:00:00", "2024-08-01T12:00:00Z"},
		{"2024-08-01T12:00:00", "2024-08-01T12:00:00Z"},
		{"2024-08-01T12:00:00+23:59", "2024-07-31T12:01:00Z"},
		{"2024-02-30T12:00:00Z", ""},
		{"2024-08-01T12:00:00,5Z", ""},
		{"2024-08-01T12:00:00.1234567891Z", ""},
		{"\t2024-08-01T12:00:00Z", ""},
		{"2024-08-01T12:00:00+24:00", ""},
		{"2024-08-01T12:00:00-00:60", ""},
		{"2024-08-01T24:00:00Z", ""},
	}
	for _, c := range cases {
		tm, ok := ParseTime(c.in)
		got := ""
		if ok {
			got = tm.Format(time.RFC3339Nano)
		}
		if got != c.want {
			t.Errorf("ParseTime(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
