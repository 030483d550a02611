package html

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// TestCodeSteps checks that a finding's steps inside handler code (its
// taint path) reach the page with their file:line and note, in order,
// while the graph path keeps only graph nodes; and that the script shows
// them.
func TestCodeSteps(t *testing.T) {
	doc := smallDoc()
	doc.Findings = append(doc.Findings, rule.Finding{Rule: "NL7001", Category: rule.Code, Severity: rule.Critical,
		Confidence: rule.ConfidenceHigh, Resource: "ListOrders", File: "app/src/list.py", Line: 9, Message: "shell command from the query string",
		Path: []graph.NodeID{
			graph.StepID("app/src/list.py:5: source: query string (event.queryStringParameters)"),
			graph.StepID("app/src/list.py:7: concatenated"),
			graph.StepID("app/src/list.py:9: sink: os.system()"),
		}})
	page := render(t, doc)
	var data struct {
		Findings []struct {
			Rule  string     `json:"rule"`
			Path  []string   `json:"path"`
			Steps []viewStep `json:"steps"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(embeddedData(t, page), &data); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range data.Findings {
		if f.Rule != "NL7001" {
			if len(f.Steps) > 0 {
				t.Errorf("%s: steps on a finding without code steps: %+v", f.Rule, f.Steps)
			}
			continue
		}
		found = true
		want := []viewStep{
			{At: "app/src/list.py:5", Note: "source: query string (event.queryStringParameters)"},
			{At: "app/src/list.py:7", Note: "concatenated"},
			{At: "app/src/list.py:9", Note: "sink: os.system()"},
		}
		if d := cmp.Diff(want, f.Steps); d != "" {
			t.Errorf("steps (-want +got):\n%s", d)
		}
		if len(f.Path) != 0 {
			t.Errorf("step IDs leaked into the graph path: %v", f.Path)
		}
	}
	if !found {
		t.Fatal("the code finding is not in the page")
	}
	if !bytes.Contains(page, []byte("f.steps")) || !strings.Contains(string(page), "'steps'") {
		t.Error("the page's script does not render finding steps")
	}
}
