package scan

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/result"
)

// The same small app is written three times, once per format: GET /orders on
// an HTTP API invokes orders, which reads and writes the orders table;
// worker consumes the orders queue and writes the table.
var sameApp = map[string]string{
	"sam":        "../load/sam/testdata/sameapp",
	"serverless": "../load/serverless/testdata/sameapp",
	"terraform":  "../load/terraform/testdata/sameapp",
}

// canon names a graph node the same way whatever the format: functions and
// stores by their deployed name (the IDs differ: Orders, orders,
// aws_lambda_function.orders), entry points by method and path.
func canon(doc *result.Document) func(id graph.NodeID) string {
	nodes := map[graph.NodeID]*graph.Node{}
	for _, n := range doc.Graph.Nodes {
		nodes[n.ID] = n
	}
	stacks := map[string]*model.Stack{}
	for _, st := range doc.App.Stacks {
		stacks[st.ID] = st
	}
	return func(id graph.NodeID) string {
		n := nodes[id]
		if n == nil {
			return "?" + id.String()
		}
		st := stacks[n.ID.Stack]
		switch n.ID.Kind {
		case graph.NodeFunction:
			if f := st.Function(n.Ref); f != nil && f.Name.IsResolved() {
				return "function:" + f.Name.String()
			}
		case graph.NodeStore:
			if s := st.Store(n.Ref); s != nil && s.Name.IsResolved() {
				return "store:" + string(s.Kind) + ":" + s.Name.String()
			}
		case graph.NodeEntryPoint:
			for _, ep := range st.EntryPoints {
				if ep.ID == n.Ref {
					return "entry:" + ep.Method + " " + ep.Path + " auth=" + string(ep.Auth.Type)
				}
			}
		case graph.NodePrincipal:
			return "principal:" + n.Name
		}
		return string(n.ID.Kind) + ":" + n.Name
	}
}

// flows returns the app's invocation and data-flow edges in canonical form.
// Roles and the edges to them are left out: SAM makes a role per function,
// Terraform declares them, and the roles' names differ.
func flows(t *testing.T, doc *result.Document) []string {
	t.Helper()
	name := canon(doc)
	var out []string
	for _, e := range doc.Graph.Edges {
		switch e.Kind {
		case graph.EdgeInvokes, graph.EdgeReads, graph.EdgeWrites:
		default:
			continue
		}
		from, to := name(e.From), name(e.To)
		if strings.HasPrefix(to, "store:log-group") || strings.HasPrefix(from, "store:log-group") {
			continue // logging is the framework's, not the app's
		}
		out = append(out, fmt.Sprintf("%s -%s-> %s", from, e.Kind, to))
	}
	sort.Strings(out)
	return compact(out)
}

// surface returns the attack surface in canonical form.
func surface(t *testing.T, doc *result.Document) []string {
	t.Helper()
	name := canon(doc)
	var out []string
	for _, row := range graph.Surface(doc.Graph) {
		var fns, stores []string
		for _, f := range row.Reaches {
			fns = append(fns, name(f))
		}
		for _, s := range row.Stores {
			if s.Kind == string(model.StoreLogGroup) {
				continue
			}
			stores = append(stores, name(s.ID)+"("+strings.Join(s.Access, ",")+")")
		}
		sort.Strings(fns)
		sort.Strings(stores)
		out = append(out, fmt.Sprintf("%s access=%s reaches=%v stores=%v", name(row.EntryPoint), row.Access, fns, stores))
	}
	sort.Strings(out)
	return out
}

func compact(ss []string) []string {
	out := ss[:0]
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// TestSameAppAcrossFormats asserts that the same app written in SAM, the
// Serverless Framework and Terraform gives the same attack surface and the
// same data-flow graph.
func TestSameAppAcrossFormats(t *testing.T) {
	got := map[string][2][]string{}
	for format, dir := range sameApp {
		doc, err := Run(context.Background(), Options{Paths: []string{dir}, Loaders: DefaultLoaders()})
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		for _, in := range doc.Inputs {
			if in.Error != "" {
				t.Fatalf("%s: %s", format, in.Error)
			}
		}
		got[format] = [2][]string{flows(t, doc), surface(t, doc)}
	}
	want := got["sam"]
	if len(want[0]) == 0 || len(want[1]) == 0 {
		t.Fatalf("SAM twin gave no flows or no surface: %v", want)
	}
	for _, format := range []string{"serverless", "terraform"} {
		if diff := cmp.Diff(want[0], got[format][0]); diff != "" {
			t.Errorf("data-flow graph of %s differs from SAM (-sam +%s):\n%s", format, format, diff)
		}
		if diff := cmp.Diff(want[1], got[format][1]); diff != "" {
			t.Errorf("attack surface of %s differs from SAM (-sam +%s):\n%s", format, format, diff)
		}
	}
	t.Logf("flows: %v", want[0])
	t.Logf("surface: %v", want[1])
}
