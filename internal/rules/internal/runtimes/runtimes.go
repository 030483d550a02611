// Package runtimes is the table of AWS Lambda runtime deprecation dates
// that NL4008 and NL4009 check functions against.
package runtimes

import (
	"strings"
	"time"
)

// TableDate is when the table was last checked against the AWS Lambda
// runtimes page (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
const TableDate = "2026-11-22"

// Runtime is one Lambda runtime identifier and the date AWS deprecates it
// (stops security patches and support; creating functions is blocked
// later).
type Runtime struct {
	ID         string
	Deprecated time.Time
	// Successor is the runtime to move to.
	Successor string
}

func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err) // the table below is constant
	}
	return t
}

// Table returns the runtimes with a published deprecation date, sorted by
// ID.
func Table() []Runtime {
	return []Runtime{
		{"dotnet5.0", d("2022-05-10"), "dotnet8"},
		{"dotnet6", d("2024-12-20"), "dotnet8"},
		{"dotnet7", d("2024-05-14"), "dotnet8"},
		{"dotnet8", d("2026-11-10"), "dotnet10"},
		{"dotnetcore1.0", d("2019-07-30"), "dotnet8"},
		{"dotnetcore2.0", d("2019-05-30"), "dotnet8"},
		{"dotnetcore2.1", d("2022-01-05"), "dotnet8"},
		{"dotnetcore3.1", d("2023-04-03"), "dotnet8"},
		{"go1.x", d("2024-01-08"), "provided.al2023"},
		{"java11", d("2026-06-30"), "java21"},
		{"java17", d("2026-06-30"), "java21"},
		{"java8", d("2024-01-08"), "java21"},
		{"java8.al2", d("2026-06-30"), "java21"},
		{"nodejs", d("2016-10-31"), "nodejs22.x"},
		{"nodejs10.x", d("2021-07-30"), "nodejs22.x"},
		{"nodejs12.x", d("2023-03-31"), "nodejs22.x"},
		{"nodejs14.x", d("2023-12-04"), "nodejs22.x"},
		{"nodejs16.x", d("2024-06-12"), "nodejs22.x"},
		{"nodejs18.x", d("2025-09-01"), "nodejs22.x"},
		{"nodejs20.x", d("2026-04-30"), "nodejs22.x"},
		{"nodejs22.x", d("2027-04-30"), "nodejs24.x"},
		{"nodejs4.3", d("2020-03-05"), "nodejs22.x"},
		{"nodejs4.3-edge", d("2019-04-30"), "nodejs22.x"},
		{"nodejs6.10", d("2019-08-12"), "nodejs22.x"},
		{"nodejs8.10", d("2020-03-06"), "nodejs22.x"},
		{"provided", d("2024-01-08"), "provided.al2023"},
		{"provided.al2", d("2026-06-30"), "provided.al2023"},
		{"python2.7", d("2021-07-15"), "python3.13"},
		{"python3.10", d("2026-06-30"), "python3.13"},
		{"python3.11", d("2026-06-30"), "python3.13"},
		{"python3.6", d("2022-07-18"), "python3.13"},
		{"python3.7", d("2023-12-04"), "python3.13"},
		{"python3.8", d("2024-10-14"), "python3.13"},
		{"python3.9", d("2025-12-15"), "python3.13"},
		{"ruby2.5", d("2021-07-30"), "ruby3.4"},
		{"ruby2.7", d("2023-12-07"), "ruby3.4"},
		{"ruby3.2", d("2026-03-31"), "ruby3.4"},
		{"ruby3.3", d("2026-03-31"), "ruby3.4"},
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
