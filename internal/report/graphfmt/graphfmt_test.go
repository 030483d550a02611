package graphfmt

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// small is an anonymous route reading a pii table, a Cognito route
// writing a queue, and the queue's consumer; nodes deliberately unsorted.
func small() *graph.Graph {
	pos := func(line int) model.Pos { return model.Pos{File: "template.yaml", Line: line} }
	return &graph.Graph{
		Nodes: []*graph.Node{
			{ID: "app#store:Orders", Kind: graph.NodeStore, Name: "Orders", Sub: "table", Classification: "pii", File: "template.yaml", Line: 80},
			{ID: "app#store:Queue", Kind: graph.NodeStore, Name: "Queue", Sub: "queue", File: "template.yaml", Line: 90},
			{ID: "app#function:List", Kind: graph.NodeFunction, Name: "List", File: "template.yaml", Line: 30},
			{ID: "app#function:Create", Kind: graph.NodeFunction, Name: "Create", File: "template.yaml", Line: 40},
			{ID: "app#function:Worker", Kind: graph.NodeFunction, Name: "Worker", File: "template.yaml", Line: 50},
			{ID: "app#role:ListRole", Kind: graph.NodeRole, Name: "ListRole", File: "template.yaml", Line: 20},
			{ID: "app#entry-point:GET /orders", Kind: graph.NodeEntryPoint, Name: `GET /orders/{id} "x"`, Sub: "api-route", Auth: "none"},
			{ID: "app#entry-point:POST /orders", Kind: graph.NodeEntryPoint, Name: "POST /orders", Sub: "api-route", Auth: "cognito"},
			{ID: graph.PrincipalInternet, Kind: graph.NodePrincipal, Name: "Internet", Sub: "anonymous"},
			{ID: "principal:authenticated:app#Api/Cognito", Kind: graph.NodePrincipal, Name: "Cognito users (Cognito)", Sub: "authenticated"},
		},
		Edges: []*graph.Edge{
			{From: "app#store:Queue", To: "app#function:Worker", Kind: graph.EdgeInvokes, Via: "trigger sqs", Evidence: pos(55), Confidence: "high"},
			{From: graph.PrincipalInternet, To: "app#entry-point:GET /orders", Kind: graph.EdgeInvokes, Via: "no auth", Evidence: pos(33), Confidence: "high"},
			{From: "principal:authenticated:app#Api/Cognito", To: "app#entry-point:POST /orders", Kind: graph.EdgeInvokes, Evidence: pos(43), Confidence: "high"},
			{From: "app#entry-point:GET /orders", To: "app#function:List", Kind: graph.EdgeInvokes, Evidence: pos(33), Confidence: "high"},
			{From: "app#entry-point:POST /orders", To: "app#function:Create", Kind: graph.EdgeInvokes, Evidence: pos(43), Confidence: "high"},
			{From: "app#store:Orders", To: "app#function:List", Kind: graph.EdgeReads, Via: "policy dynamodb:Query", Evidence: pos(25), Confidence: "high"},
			{From: "app#function:Create", To: "app#store:Queue", Kind: graph.EdgeWrites, Via: "policy sqs:SendMessage", Evidence: pos(45), Confidence: "medium"},
			{From: "app#function:Worker", To: "app#store:Orders", Kind: graph.EdgeManages, Via: "policy dynamodb:DeleteTable", Evidence: pos(52), Confidence: "low"},
			{From: "app#function:List", To: "app#role:ListRole", Kind: graph.EdgeAssumes, Via: "execution role", Evidence: pos(31), Confidence: "high"},
		},
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name  string
		write func(*bytes.Buffer, *graph.Graph, Options) error
		opt   Options
	}{
		{"small.dot", func(b *bytes.Buffer, g *graph.Graph, o Options) error { return WriteDOT(b, g, o) }, Options{Roles: true}},
		{"small.mmd", func(b *bytes.Buffer, g *graph.Graph, o Options) error { return WriteMermaid(b, g, o) }, Options{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.write(&buf, small(), tc.opt); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.name)
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	for _, g := range []*graph.Graph{{}, {Nodes: []*graph.Node{}}} {
		var buf bytes.Buffer
		if err := WriteMermaid(&buf, g, Options{}); err != nil || buf.String() != "flowchart LR\n  classDef anon fill:#f8d7da,stroke:#b02a37,color:#58151c\n  classDef classified fill:#fff3cd,stroke:#997404,color:#664d03\n" {
			t.Errorf("WriteMermaid(empty) = %q, %v", buf.String(), err)
		}
		buf.Reset()
		if err := WriteDOT(&buf, g, Options{}); err != nil {
			t.Error(err)
		}
	}
}

func TestMultiStackLabels(t *testing.T) {
	g := small()
	g.Nodes = append(g.Nodes, &graph.Node{ID: "other#function:List", Kind: graph.NodeFunction, Name: "List", Stack: "other"})
	for _, n := range g.Nodes {
		if n.Stack == "" && n.Kind != graph.NodePrincipal {
			n.Stack = "app"
		}
	}
	var buf bytes.Buffer
	if err := WriteMermaid(&buf, g, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`["List · app"]`, `["List · other"]`, `(["Internet"])`} {
		if !bytes.Contains(buf.Bytes(), []byte(want)) {
			t.Errorf("mermaid lacks %s:\n%s", want, buf.String())
		}
	}
}
