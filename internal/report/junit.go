package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnitOptions tune the JUnit report.
type JUnitOptions struct {
	// FailOn is the lowest severity reported as a failure; findings below
	// it are passing test cases with the finding in their name ("" means
	// every finding fails).
	FailOn rule.Severity
}

// WriteJUnit writes doc as JUnit XML for CI systems that show test
// reports: one test suite per input file, one failing test case per
// finding (at or above opt.FailOn), an error case per input that did not
// load, and a passing case for a clean input.
func WriteJUnit(w io.Writer, doc *result.Document, opt JUnitOptions) error {
	byFile := map[string]*junitSuite{}
	suite := func(name string) *junitSuite {
		if name == "" {
			name = "(no file)"
		}
		s := byFile[name]
		if s == nil {
			s = &junitSuite{Name: name}
			byFile[name] = s
		}
		return s
	}
	for _, in := range doc.Inputs {
		s := suite(in.Path)
		if in.Error != "" {
			s.Cases = append(s.Cases, junitCase{Name: "load", Classname: "nightlight.load", File: in.Path,
				Error: &junitFailure{Message: in.Error, Type: "load-error", Text: in.Error}})
		}
	}
	nodes := pathNodes(doc)
	for _, f := range doc.Findings {
		s := suite(f.File)
		c := junitCase{
			Name:      fmt.Sprintf("%s %s:%d %s", f.Rule, f.File, f.Line, f.Resource),
			Classname: "nightlight." + string(f.Category),
			File:      f.File, Line: f.Line,
		}
		if opt.FailOn == "" || f.Severity.Rank() >= opt.FailOn.Rank() {
			var b strings.Builder
			fmt.Fprintf(&b, "%s:%d: %s [%s, %s confidence]\n", f.File, f.Line, f.Message, f.Severity, f.Confidence)
			if len(f.Path) > 0 {
				fmt.Fprintf(&b, "path: %s\n", pathText(f.Path, nodes, " -> "))
			}
			if f.Remediation != "" {
				fmt.Fprintf(&b, "fix: %s\n", f.Remediation)
			}
			c.Failure = &junitFailure{Message: f.Message, Type: string(f.Severity), Text: b.String()}
		}
		s.Cases = append(s.Cases, c)
	}
	names := make([]string, 0, len(byFile))
	for n := range byFile {
		names = append(names, n)
	}
	sort.Strings(names)
	out := junitSuites{Name: doc.Tool.Name}
	for _, n := range names {
		s := byFile[n]
		if len(s.Cases) == 0 {
			s.Cases = append(s.Cases, junitCase{Name: "no findings", Classname: "nightlight", File: n})
		}
		s.Tests = len(s.Cases)
		for _, c := range s.Cases {
			if c.Failure != nil {
				s.Failures++
			}
			if c.Error != nil {
				s.Errors++
			}
		}
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Suites = append(out.Suites, *s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
