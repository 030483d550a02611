package scan_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/scan"
)

// TestModel checks that Model stops before the rules: the example app
// comes back loaded, with its graph and without findings, and its values
// as written (not redacted, as only reports are).
func TestModel(t *testing.T) {
	ctx := context.Background()
	opts := scan.Options{Paths: []string{"../../examples/orders-api"}}
	doc, err := scan.Model(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.App.Stacks) != 1 || len(doc.Graph.Nodes) == 0 || len(doc.Graph.Edges) == 0 {
		t.Fatalf("Model: %d stacks, %d nodes, %d edges; want the example's stack and graph", len(doc.App.Stacks), len(doc.Graph.Nodes), len(doc.Graph.Edges))
	}
	if len(doc.Findings) != 0 {
		t.Errorf("Model ran rules: %d findings", len(doc.Findings))
	}
	full, err := scan.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Graph.Nodes) != len(doc.Graph.Nodes) || len(full.Graph.Edges) != len(doc.Graph.Edges) {
		t.Errorf("Model's graph (%d nodes, %d edges) differs from Run's (%d, %d)", len(doc.Graph.Nodes), len(doc.Graph.Edges), len(full.Graph.Nodes), len(full.Graph.Edges))
	}
	if len(full.Findings) == 0 {
		t.Error("Run found nothing in the example app")
	}
	if got, want := envValue(t, doc, "AWS_SECRET_ACCESS_KEY"), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"; got != want {
		t.Errorf("Model: AWS_SECRET_ACCESS_KEY = %q, want it as written, %q", got, want)
	}
	if got := envValue(t, full, "AWS_SECRET_ACCESS_KEY"); !strings.Contains(got, "…") {
		t.Errorf("Run: AWS_SECRET_ACCESS_KEY = %q, want it redacted", got)
	}
}

// envValue is an environment variable of the example's CreateOrderFunction.
func envValue(t *testing.T, doc *result.Document, name string) string {
	t.Helper()
	fn := doc.App.Stacks[0].Function("CreateOrderFunction")
	if fn == nil {
		t.Fatal("CreateOrderFunction not loaded")
	}
	for _, e := range fn.Environment {
		if e.Name == name {
			return e.Value.String()
		}
	}
	t.Fatalf("CreateOrderFunction has no %s", name)
	return ""
}
