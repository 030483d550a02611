// Package report writes a scan result in the formats people and tools read:
// text, JSON, SARIF, HTML, Markdown, JUnit.
package report

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
}
