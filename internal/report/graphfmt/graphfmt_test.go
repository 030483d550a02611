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
			{ID: nid("app#store:Orders"), Name: "Orders", Sub: "table", Classification: "pii", File: "template.yaml", Line: 80},
			{ID: nid("app#store:Queue"), Name: "Queue", Sub: "queue", File: "template.yaml", Line: 90},
			{ID: nid("app#function:List"), Name: "List", File: "template.yaml", Line: 30},
			{ID: nid("app#function:Create"), Name: "Create", File: "template.yaml", Line: 40},
			{ID: nid("app#function:Worker"), Name: "Worker", File: "template.yaml", Line: 50},
			{ID: nid("app#role:ListRole"), Name: "ListRole", File: "template.yaml", Line: 20},
			{ID: nid("app#entry-point:GET /orders"), Name: `GET /orders/{id} "x"`, Sub: "api-route", Auth: "none"},
			{ID: nid("app#entry-point:POST /orders"), Name: "POST /orders", Sub: "api-route", Auth: "cognito"},
			{ID: graph.PrincipalInternet, Name: "Internet", Sub: "anonymous"},
			{ID: nid("principal:authenticated:app#Api/Cognito"), Name: "Cognito users (Cognito)", Sub: "authenticated"},
		},
		Edges: []*graph.Edge{
			{From: nid("app#store:Queue"), To: nid("app#function:Worker"), Kind: graph.EdgeInvokes, Via: "trigger sqs", Evidence: pos(55), Confidence: "high"},
			{From: graph.PrincipalInternet, To: nid("app#entry-point:GET /orders"), Kind: graph.EdgeInvokes, Via: "no auth", Evidence: pos(33), Confidence: "high"},
			{From: nid("principal:authenticated:app#Api/Cognito"), To: nid("app#entry-point:POST /orders"), Kind: graph.EdgeInvokes, Evidence: pos(43), Confidence: "high"},
			{From: nid("app#entry-point:GET /orders"), To: nid("app#function:List"), Kind: graph.EdgeInvokes, Evidence: pos(33), Confidence: "high"},
			{From: nid("app#entry-point:POST /orders"), To: nid("app#function:Create"), Kind: graph.EdgeInvokes, Evidence: pos(43), Confidence: "high"},
			{From: nid("app#store:Orders"), To: nid("app#function:List"), Kind: graph.EdgeReads, Via: "policy dynamodb:Query", Evidence: pos(25), Confidence: "high"},
			{From: nid("app#function:Create"), To: nid("app#store:Queue"), Kind: graph.EdgeWrites, Via: "policy sqs:SendMessage", Evidence: pos(45), Confidence: "medium"},
			{From: nid("app#function:Worker"), To: nid("app#store:Orders"), Kind: graph.EdgeManages, Via: "policy dynamodb:DeleteTable", Evidence: pos(52), Confidence: "low"},
			{From: nid("app#function:List"), To: nid("app#role:ListRole"), Kind: graph.EdgeAssumes, Via: "execution role", Evidence: pos(31), Confidence: "high"},
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
	g.Nodes = append(g.Nodes, &graph.Node{ID: nid("other#function:List"), Name: "List"})
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
