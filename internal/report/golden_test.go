package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	sarifv3 "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sampleRules is a small rule table for the writers' tests.
func sampleRules() []*rule.Rule {
	doc := rule.Doc{Description: "Description.", Bad: "Bad: 1", Good: "Good: 2", Remediation: "Fix it."}
	return []*rule.Rule{
		{ID: "NL4008", Title: "Deprecated runtime", Category: rule.Misconfig, Severity: rule.Medium, Confidence: rule.ConfidenceHigh, Doc: doc},
		{ID: "NL1001", Title: "API route callable without authentication", Category: rule.AttackSurface, Severity: rule.High, Confidence: rule.ConfidenceHigh, Doc: doc},
		{ID: "NL5001", Title: "Worst-case spend of a public entry point", Category: rule.DenialOfWallet, Severity: rule.Medium, Confidence: rule.ConfidenceMedium, Doc: doc},
		{ID: "NL3001", Title: "Policy allows every action", Category: rule.IAM, Severity: rule.Critical, Confidence: rule.ConfidenceHigh, Doc: doc},
	}
}

// sampleDoc is a report document with findings of every severity, a path
// and a cost, and one input that failed to load.
func sampleDoc() *result.Document {
	fs := []rule.Finding{
		{Rule: "NL1001", Category: rule.AttackSurface, Severity: rule.High, Confidence: rule.ConfidenceHigh, Resource: "OrdersApi",
			File: "app/template.yaml", Line: 21, Col: 7, Message: "GET /orders can be called by anyone on the internet",
			Remediation: "Attach an authorizer.", Path: nids("principal:internet", "app/template.yaml#entry-point:OrdersApi GET /orders", "app/template.yaml#function:ListOrders", "app/template.yaml#store:Orders"), Stack: "app/template.yaml"},
		{Rule: "NL3001", Category: rule.IAM, Severity: rule.Critical, Confidence: rule.ConfidenceHigh, Resource: "AdminRole",
			File: "app/template.yaml", Line: 40, Message: `function Admin can perform every action ("*") <&>`, Remediation: "List the actions.", Path: nids(), Stack: "app/template.yaml"},
		{Rule: "NL4008", Category: rule.Misconfig, Severity: rule.Medium, Confidence: rule.ConfidenceHigh, Resource: "Legacy",
			File: "svc/serverless.yml", Line: 9, Message: "runtime nodejs16.x is deprecated since 2024-06-12", Remediation: "Upgrade.", Path: nids(), Stack: "svc/serverless.yml"},
		{Rule: "NL5001", Category: rule.DenialOfWallet, Severity: rule.Medium, Confidence: rule.ConfidenceMedium, Resource: "OrdersApi",
			File: "app/template.yaml", Line: 21, Message: "worst case $1234.56 per hour", Remediation: "Throttle.", Path: nids("principal:internet", "app/template.yaml#function:Unnamed"), CostPerHour: 1234.56, Stack: "app/template.yaml"},
		{Rule: "NL9999", Category: rule.Misconfig, Severity: rule.Info, Confidence: rule.ConfidenceLow, Resource: "X",
			File: "", Line: 0, Message: "a finding without a position", Path: nids()},
	}
	fs = rule.Finish(fs)
	d := &result.Document{
		Tool: result.Tool{Name: "nightlight", Version: "0.1.0-test"},
		Inputs: []result.Input{
			{Path: "app/template.yaml", Format: model.FormatSAM},
			{Path: "bad.yaml", Format: model.FormatCloudFormation, Error: "bad.yaml:3:1: invalid YAML"},
			{Path: "svc/serverless.yml", Format: model.FormatServerless},
		},
		App: &model.App{Root: ".", Stacks: []*model.Stack{
			{ID: "app/template.yaml", File: "app/template.yaml", Format: model.FormatSAM, Provider: model.AWS},
		}},
		Graph: &graph.Graph{
			Nodes: []*graph.Node{
				{ID: nid("app/template.yaml#entry-point:OrdersApi GET /orders"), Name: "GET /orders", File: "app/template.yaml", Line: 21},
				{ID: nid("app/template.yaml#function:ListOrders"), Name: "ListOrders", File: "app/template.yaml", Line: 30},
				{ID: nid("app/template.yaml#store:Orders"), Name: "Orders", Sub: "table", File: "app/template.yaml", Line: 50},
				{ID: nid("principal:internet"), Name: "Internet"},
			},
			Edges: []*graph.Edge{
				{From: nid("principal:internet"), To: nid("app/template.yaml#entry-point:OrdersApi GET /orders"), Kind: graph.EdgeInvokes},
				{From: nid("app/template.yaml#entry-point:OrdersApi GET /orders"), To: nid("app/template.yaml#function:ListOrders"), Kind: graph.EdgeInvokes},
				{From: nid("app/template.yaml#function:ListOrders"), To: nid("app/template.yaml#store:Orders"), Kind: graph.EdgeReads, Via: "policy dynamodb:Query"},
			},
		},
		Findings: fs,
		Suppressed: []rule.Suppressed{{
			Finding: rule.Finding{Rule: "NL4008", Category: rule.Misconfig, Severity: rule.Medium, Confidence: rule.ConfidenceHigh, Resource: "Old",
				File: "svc/serverless.yml", Line: 20, Message: "runtime python3.8 is deprecated", Remediation: "Upgrade.", Stack: "svc/serverless.yml", Fingerprint: "0123456789abcdef"},
			Kind: "inline", Reason: "retired next sprint",
		}},
	}
	d.Summarize(1)
	return d
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got); run go test ./internal/report -update if intended:\n%s", name, diff)
	}
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name  string
		write func(*bytes.Buffer, *result.Document) error
	}{
		{"report.sarif", func(b *bytes.Buffer, d *result.Document) error { return WriteSARIF(b, d, sampleRules()) }},
		{"report.json", func(b *bytes.Buffer, d *result.Document) error { return WriteJSON(b, d) }},
		{"report.junit.xml", func(b *bytes.Buffer, d *result.Document) error {
			return WriteJUnit(b, d, JUnitOptions{FailOn: rule.Medium})
		}},
		{"report.md", func(b *bytes.Buffer, d *result.Document) error { return WriteMarkdown(b, d, MarkdownOptions{}) }},
		{"report.txt", func(b *bytes.Buffer, d *result.Document) error {
			return WriteText(b, d, TextOptions{Titles: RuleTitles(sampleRules())})
		}},
		{"report-color.txt", func(b *bytes.Buffer, d *result.Document) error {
			return WriteText(b, d, TextOptions{Color: true, Titles: RuleTitles(sampleRules())})
		}},
		{"report-multi.txt", func(b *bytes.Buffer, d *result.Document) error {
			// Two stacks: the summary comes first, the inventory after
			// the findings, and the counts of what was left out close it.
			d.App.Stacks = append(d.App.Stacks, &model.Stack{ID: "svc/serverless.yml", File: "svc/serverless.yml", Format: model.FormatServerless, Provider: model.AWS,
				Functions: []*model.Function{{ID: "module.very_long_terraform_module_name.aws_lambda_function.this[0]"}}})
			d.Summary.Suppressed, d.Summary.Baselined = 3, 1
			return WriteText(b, d, TextOptions{Titles: RuleTitles(sampleRules()), Inventory: true})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var first []byte
			for i := 0; i < 2; i++ { // byte-identical across runs
				var b bytes.Buffer
				if err := tc.write(&b, sampleDoc()); err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					first = b.Bytes()
				} else if !bytes.Equal(first, b.Bytes()) {
					t.Fatal("output differs between two runs")
				}
			}
			golden(t, tc.name, first)
		})
	}
}

func TestSARIFSchema(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSARIF(&b, sampleDoc(), sampleRules()); err != nil {
		t.Fatal(err)
	}
	rep, err := sarifv3.FromBytes(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Validate(); err != nil {
		t.Fatalf("SARIF does not validate against the 2.1.0 schema: %v", err)
	}
	// ruleIndex points at the result's rule; the table is sorted.
	run := rep.Runs[0]
	var ids []string
	for _, r := range run.Tool.Driver.Rules {
		ids = append(ids, *r.ID)
	}
	if diff := cmp.Diff([]string{"NL1001", "NL3001", "NL4008", "NL5001", "NL9999"}, ids); diff != "" {
		t.Errorf("rule table (-want +got):\n%s", diff)
	}
	for _, res := range run.Results {
		if res.RuleIndex < 0 || res.RuleIndex >= len(ids) || ids[res.RuleIndex] != *res.RuleID {
			t.Errorf("result %s: wrong ruleIndex", *res.RuleID)
		}
	}
}

// nid parses a node ID written as text, for test tables.
func nid(s string) graph.NodeID {
	id, err := graph.ParseNodeID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// nids parses node IDs written as text.
func nids(ss ...string) []graph.NodeID {
	out := []graph.NodeID{}
	for _, s := range ss {
		out = append(out, nid(s))
	}
	return out
}
