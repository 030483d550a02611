package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/report"
	"github.com/nightlight-sec/nightlight/internal/report/graphfmt"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules"
	"github.com/nightlight-sec/nightlight/internal/scan"
)

// TestStreamedCommandsMatchWhole checks that the graph, surface and iam
// documents gathered part by part are those of the whole scan: a monorepo
// of the examples, two copies of orders-api among them (so that parts
// share principals, and surface rows of one access level come from
// several parts), with a configuration that classifies a store.
func TestStreamedCommandsMatchWhole(t *testing.T) {
	root := t.TempDir()
	for dst, src := range map[string]string{"a-orders": "orders-api", "b-azure": "azure-orders", "c-firebase": "firebase-orders",
		"d-openwhisk": "openwhisk-orders", "e-orders": "orders-api"} {
		if out, err := exec.Command("cp", "-r", filepath.Join("..", "..", "examples", src), filepath.Join(root, dst)).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v: %s", err, out)
		}
	}
	cfgText := "version: 1\nclassifications:\n  - class: pii\n    stores: [OrdersTable]\n"
	if err := os.WriteFile(filepath.Join(root, "nightlight.yaml"), []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	paths := []string{root}
	cfg, err := config.Find("", paths)
	if err != nil {
		t.Fatal(err)
	}
	engine := iam.NewAnalyzer()
	type consumer struct {
		add   func(scan.Part) error
		write func(io.Writer) error
	}
	newConsumers := func() map[string]consumer {
		out := map[string]consumer{}
		for _, format := range []string{"dot", "mermaid"} {
			m := &graphMerge{ctx: ctx, cfg: cfg}
			out["graph "+format] = consumer{m.add, func(w io.Writer) error {
				if format == "dot" {
					return graphfmt.WriteDOT(w, m.graph(), graphfmt.Options{Roles: true})
				}
				return graphfmt.WriteMermaid(w, m.graph(), graphfmt.Options{})
			}}
		}
		for _, text := range []bool{false, true} {
			d := &surfaceDoc{ctx: ctx, env: &Env{Stderr: io.Discard}, cfg: cfg, quiet: true, text: text}
			out["surface text="+map[bool]string{false: "false", true: "true"}[text]] = consumer{d.add, d.write}
		}
		for _, json := range []bool{false, true} {
			d := &iamDoc{ctx: ctx, cfg: cfg, json: json, engine: engine}
			t.Cleanup(func() { d.close() })
			out["iam json="+map[bool]string{false: "false", true: "true"}[json]] = consumer{d.add, d.write}
		}
		return out
	}
	// The whole scan, as scan.Run gives it.
	doc, err := scan.Run(ctx, scan.Options{Paths: paths, Rules: rules.Options{Config: cfg}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	for name, c := range newConsumers() {
		if err := c.add(scan.Part{App: doc.App, Graph: doc.Graph, Whole: true}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var b bytes.Buffer
		if err := c.write(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want[name] = b.Bytes()
	}
	var graphJSON bytes.Buffer
	if err := report.WriteGraph(&graphJSON, doc.Graph); err != nil {
		t.Fatal(err)
	}
	want["graph json"] = graphJSON.Bytes()

	// Part by part.
	got := map[string][]byte{}
	for name, c := range newConsumers() {
		ropts := rules.Options{Config: cfg}
		if name == "iam json=true" || name == "iam json=false" {
			ropts.Rules = []*rule.Rule{}
		}
		s, err := scan.RunStreamed(ctx, scan.Options{Paths: paths, Rules: ropts, Each: c.add}, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s.Parts < 5 {
			t.Fatalf("%s: the scan ran in %d parts, want 5", name, s.Parts)
		}
		var b bytes.Buffer
		if err := c.write(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got[name] = b.Bytes()
	}
	s, err := scan.RunStreamed(ctx, scan.Options{Paths: paths, Rules: rules.Options{Config: cfg}, Graph: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var b bytes.Buffer
	if err := s.WriteGraphJSON(&b); err != nil {
		t.Fatal(err)
	}
	got["graph json"] = b.Bytes()

	for name, w := range want {
		if len(w) < 200 {
			t.Errorf("%s: the whole scan's document is only %d bytes", name, len(w))
		}
		if !bytes.Equal(got[name], w) {
			t.Errorf("%s: part by part differs from the whole scan (%d bytes, want %d)\n%s", name, len(got[name]), len(w), firstDiff(got[name], w))
		}
	}
	if !bytes.Contains(want["iam json=true"], []byte(`"classifications"`)) {
		t.Errorf("iam json: no classifications")
	}
}

// firstDiff shows where a and b start to differ.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-200)
	return "got:  …" + string(a[lo:min(len(a), i+200)]) + "\nwant: …" + string(b[lo:min(len(b), i+200)])
}
