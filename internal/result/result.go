// Package result holds the result of a scan: the document every report
// format renders (tool, inputs, application model, graph, findings).
//
// It sits below both the rules (which add findings to a Document) and
// the report writers (which render one), so that neither depends on the
// other.
package result

import (
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Tool names the program that wrote a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Input is one input file or module and whether it loaded.
type Input struct {
	Path   string       `json:"path"`
	Format model.Format `json:"format"`
	// Error is "file:line:col: message" when the input failed to load, ""
	// when it loaded.
	Error string `json:"error"`
}

// Document is everything a report shows: the JSON report's stable top level
// (see DESIGN.md), which every other format renders.
type Document struct {
	Tool     Tool           `json:"tool"`
	Inputs   []Input        `json:"inputs"`
	App      *model.App     `json:"app"`
	Graph    *graph.Graph   `json:"graph"`
	Findings []rule.Finding `json:"findings"`
	// Suppressed are the findings that inline comments, Metadata or the
	// configuration file suppressed, with their reasons; reports that can
	// show suppressions (SARIF) do.
	Suppressed []rule.Suppressed `json:"suppressed,omitempty"`
	// Summary counts what the scan saw and reported.
	Summary Summary `json:"summary"`
}

// Summary counts a scan's inputs, application and findings: the JSON
// report's "summary" and the closing line of the text report.
type Summary struct {
	// Inputs counts the input files and modules; Failed those that did not
	// load.
	Inputs int `json:"inputs"`
	Failed int `json:"failed"`
	// Stacks and Functions count the application's stacks and functions.
	Stacks    int `json:"stacks"`
	Functions int `json:"functions"`
	// Findings counts the reported findings by severity (severities
	// without findings are left out).
	Findings map[rule.Severity]int `json:"findings"`
	// Suppressed counts findings that suppressions left out; Baselined
	// those the baseline already held.
	Suppressed int `json:"suppressed"`
	Baselined  int `json:"baselined"`
}

// Summarize sets d.Summary from d's inputs, application and findings and
// the given count of baselined findings (suppressed ones are d.Suppressed).
func (d *Document) Summarize(baselined int) {
	s := Summary{Inputs: len(d.Inputs), Findings: map[rule.Severity]int{}, Suppressed: len(d.Suppressed), Baselined: baselined}
	for _, in := range d.Inputs {
		if in.Error != "" {
			s.Failed++
		}
	}
	if d.App != nil {
		s.Stacks = len(d.App.Stacks)
		for _, st := range d.App.Stacks {
			s.Functions += len(st.Functions)
		}
	}
	for _, f := range d.Findings {
		s.Findings[f.Severity]++
	}
	d.Summary = s
}
