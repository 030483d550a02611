package report

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	sarifv3 "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// codeFlowDoc is a document with one finding of the handler-code rules,
// whose path is a taint path across two handler files.
func codeFlowDoc() *result.Document {
	path := []graph.NodeID{
		graph.StepID("app/src/api.py:5: source: query string (event.queryStringParameters)"),
		graph.StepID("app/src/api.py:6: passed to cmd of shell.run()"),
		graph.StepID("app/src/common/shell.py:15: sink: os.system()"),
	}
	fs := rule.Finish([]rule.Finding{{Rule: "NL7001", Category: rule.Code, Severity: rule.Critical, Confidence: rule.ConfidenceHigh,
		Resource: "Api", File: "app/src/common/shell.py", Line: 15, Col: 5, Message: "function Api runs a shell command built from query string",
		Remediation: "Quote it.", Path: path, Stack: "app/template.yaml"}})
	d := &result.Document{
		Tool:     result.Tool{Name: "nightlight", Version: "0.1.0-test"},
		Inputs:   []result.Input{{Path: "app/template.yaml", Format: model.FormatSAM}, {Path: "app/src/api.py", Format: model.FormatPython}},
		App:      &model.App{Root: "app", Stacks: []*model.Stack{{ID: "app/template.yaml", File: "app/template.yaml", Format: model.FormatSAM, Provider: model.AWS}}},
		Graph:    &graph.Graph{},
		Findings: fs,
	}
	d.Summarize(1)
	return d
}

// TestSARIFCodeFlowSteps checks that a taint path's steps become thread
// flow locations at the handler files and lines, and that the log
// validates against the SARIF 2.1.0 schema.
func TestSARIFCodeFlowSteps(t *testing.T) {
	rules := []*rule.Rule{{ID: "NL7001", Title: "OS command built from event data", Category: rule.Code, Severity: rule.High,
		Confidence: rule.ConfidenceHigh, Doc: rule.Doc{Description: "D.", Remediation: "R."}}}
	var b bytes.Buffer
	if err := WriteSARIF(&b, codeFlowDoc(), rules); err != nil {
		t.Fatal(err)
	}
	rep, err := sarifv3.FromBytes(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Validate(); err != nil {
		t.Fatalf("SARIF does not validate against the 2.1.0 schema: %v", err)
	}
	res := rep.Runs[0].Results[0]
	if len(res.CodeFlows) != 1 || len(res.CodeFlows[0].ThreadFlows) != 1 {
		t.Fatalf("want one code flow with one thread flow, got %+v", res.CodeFlows)
	}
	type step struct {
		File, Note string
		Line       int
	}
	var got []step
	for _, l := range res.CodeFlows[0].ThreadFlows[0].Locations {
		pl := l.Location.PhysicalLocation
		if pl == nil || pl.ArtifactLocation == nil || pl.Region == nil {
			t.Fatalf("step without a physical location: %+v", l.Location)
		}
		got = append(got, step{File: *pl.ArtifactLocation.URI, Line: *pl.Region.StartLine, Note: *l.Location.Message.Text})
	}
	want := []step{
		{"app/src/api.py", "source: query string (event.queryStringParameters)", 5},
		{"app/src/api.py", "passed to cmd of shell.run()", 6},
		{"app/src/common/shell.py", "sink: os.system()", 15},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("thread flow steps (-want +got):\n%s", d)
	}
	if len(res.RelatedLocations) != 3 {
		t.Errorf("want a related location per step, got %d", len(res.RelatedLocations))
	}
}

// TestStepParts checks the parts read back from step IDs, including ones
// without a line.
func TestStepParts(t *testing.T) {
	for _, tc := range []struct {
		text, file, note string
		line             int
	}{
		{"app/a.py:12: sink: eval()", "app/a.py", "sink: eval()", 12},
		{"template.yaml#Fn: source: body", "template.yaml#Fn", "source: body", 0},
		{"c:/x/a.js:3: note: with: colons", "c:/x/a.js", "note: with: colons", 3},
	} {
		file, line, note, ok := graph.StepID(tc.text).Step()
		if !ok || file != tc.file || line != tc.line || note != tc.note {
			t.Errorf("%q: got %q %d %q %v", tc.text, file, line, note, ok)
		}
	}
	if _, _, _, ok := nid("principal:internet").Step(); ok {
		t.Error("a principal is not a step")
	}
}
