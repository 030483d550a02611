// Package runtimes is the table of AWS Lambda runtime deprecation dates
// that NL4008 and NL4009 check functions against.
package runtimes

import (
	"strings"
	"time"
)

// TableDate is when the table was last checked against the AWS Lambda
// runtimes page (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
// In 2026 AWS moved the Amazon Linux 2 runtimes' dates: java8.al2, java11,
// java17 and python3.11 to 2027-06-30, python3.10 to 2026-10-31 and
// provided.al2 to 2026-07-31 (they keep receiving patches after Amazon
// Linux 2's own end of life on 2026-06-30), and added java8.al2023,
// java11.al2023 and java17.al2023 for code that must stay on those Java
// versions.
const TableDate = "2026-12-07"

// Runtime is one Lambda runtime identifier and the date AWS deprecates it
// (stops security patches and support; creating functions is blocked
// later).
type Runtime struct {
	ID         string
	Deprecated time.Time
	// Successor is the runtime to move to; empty for the newest runtime
	// of its language, which has no successor yet.
	Successor string
	// SameVersion, when set, is a supported runtime of the same language
	// version on a newer operating system: the smaller move for code that
	// cannot change language version yet.
	SameVersion string
}

// Move says where to move a function off the runtime: the successor, and
// the same language version on a newer operating system where AWS offers
// one.
func (r Runtime) Move() string {
	if r.Successor == "" {
		return "the newest " + r.language() + " runtime AWS offers by then"
	}
	if r.SameVersion == "" {
		return r.Successor
	}
	return r.Successor + " (or " + r.SameVersion + ", the same language version on Amazon Linux 2023)"
}

// language is the identifier's language part: "python" for python3.14.
func (r Runtime) language() string {
	if i := strings.IndexAny(r.ID, "0123456789."); i > 0 {
		return r.ID[:i]
	}
	return r.ID
}

func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err) // the table below is constant
	}
	return t
}

// Table returns the runtimes with a published deprecation date, sorted by
// ID: the deprecated ones and the supported ones (whose date NL4009 warns
// about six months ahead).
func Table() []Runtime {
	return []Runtime{
		{"dotnet10", d("2028-11-14"), "", ""},
		{"dotnet5.0", d("2022-05-10"), "dotnet10", ""},
		{"dotnet6", d("2024-12-20"), "dotnet10", ""},
		{"dotnet7", d("2024-05-14"), "dotnet10", ""},
		{"dotnet8", d("2026-11-10"), "dotnet10", ""},
		{"dotnet9", d("2026-11-10"), "dotnet10", ""},
		{"dotnetcore1.0", d("2019-06-27"), "dotnet10", ""},
		{"dotnetcore2.0", d("2019-05-30"), "dotnet10", ""},
		{"dotnetcore2.1", d("2022-01-05"), "dotnet10", ""},
		{"dotnetcore3.1", d("2023-04-03"), "dotnet10", ""},
		{"go1.x", d("2024-01-08"), "provided.al2023", ""},
		{"java11", d("2027-06-30"), "java21", "java11.al2023"},
		{"java11.al2023", d("2029-06-30"), "java21", ""},
		{"java17", d("2027-06-30"), "java21", "java17.al2023"},
		{"java17.al2023", d("2029-06-30"), "java21", ""},
		{"java21", d("2029-06-30"), "java25", ""},
		{"java25", d("2029-06-30"), "", ""},
		{"java8", d("2024-01-08"), "java21", "java8.al2023"},
		{"java8.al2", d("2027-06-30"), "java21", "java8.al2023"},
		{"java8.al2023", d("2029-06-30"), "java21", ""},
		{"nodejs", d("2016-10-31"), "nodejs24.x", ""},
		{"nodejs10.x", d("2021-07-30"), "nodejs24.x", ""},
		{"nodejs12.x", d("2023-03-31"), "nodejs24.x", ""},
		{"nodejs14.x", d("2023-12-04"), "nodejs24.x", ""},
		{"nodejs16.x", d("2024-06-12"), "nodejs24.x", ""},
		{"nodejs18.x", d("2025-09-01"), "nodejs24.x", ""},
		{"nodejs20.x", d("2026-04-30"), "nodejs24.x", ""},
		{"nodejs22.x", d("2027-04-30"), "nodejs24.x", ""},
		{"nodejs24.x", d("2028-04-30"), "", ""},
		{"nodejs4.3", d("2020-03-05"), "nodejs24.x", ""},
		{"nodejs4.3-edge", d("2019-04-30"), "nodejs24.x", ""},
		{"nodejs6.10", d("2019-08-12"), "nodejs24.x", ""},
		{"nodejs8.10", d("2020-03-06"), "nodejs24.x", ""},
		{"provided", d("2024-01-08"), "provided.al2023", ""},
		{"provided.al2", d("2026-07-31"), "provided.al2023", ""},
		{"provided.al2023", d("2029-06-30"), "", ""},
		{"python2.7", d("2021-07-15"), "python3.13", ""},
		{"python3.10", d("2026-10-31"), "python3.13", ""},
		{"python3.11", d("2027-06-30"), "python3.13", ""},
		{"python3.12", d("2028-10-31"), "python3.13", ""},
		{"python3.13", d("2029-06-30"), "python3.14", ""},
		{"python3.14", d("2029-06-30"), "", ""},
		{"python3.6", d("2022-07-18"), "python3.13", ""},
		{"python3.7", d("2023-12-04"), "python3.13", ""},
		{"python3.8", d("2024-10-14"), "python3.13", ""},
		{"python3.9", d("2025-12-15"), "python3.13", ""},
		{"ruby2.5", d("2021-07-30"), "ruby3.4", ""},
		{"ruby2.7", d("2023-12-07"), "ruby3.4", ""},
		{"ruby3.2", d("2026-03-31"), "ruby3.4", ""},
		{"ruby3.3", d("2027-03-31"), "ruby3.4", ""},
		{"ruby3.4", d("2028-03-31"), "ruby4.0", ""},
		{"ruby4.0", d("2029-03-31"), "", ""},
	}
}

// Lookup returns the table entry for a runtime identifier
// (case-insensitive), or false.
func Lookup(id string) (Runtime, bool) {
	id = strings.ToLower(strings.TrimSpace(id))
	for _, r := range Table() {
		if r.ID == id {
			return r, true
		}
	}
	return Runtime{}, false
}

// SoonWindow is how far ahead NL4009 warns about a deprecation.
const SoonWindow = 180 * 24 * time.Hour
