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

// The same app as sameApp, written natively for Azure Functions, Apache
// OpenWhisk and Firebase.
var sameAppNative = map[string]string{
	"azure":     "../load/azure/testdata/sameapp",
	"openwhisk": "../load/openwhisk/testdata/sameapp",
	"firebase":  "../load/firebase/testdata/sameapp",
}

// family folds store kinds into what a cross-platform comparison can ask
// for: DynamoDB's counterparts are Azure Table storage, Cloudant and
// Firestore (document databases); SQS's are Azure queues, Message Hub and
// Pub/Sub topics.
func family(k string) string {
	switch k {
	case string(model.StoreTable), string(model.StoreDatabase):
		return "nosql"
	case string(model.StoreQueue), string(model.StoreTopic), string(model.StoreStream):
		return "messaging"
	}
	return k
}

// portable returns the app's data-flow edges and attack surface in a form
// every platform shares: entry points by who may call them (each platform
// has its own URL scheme), stores by family and name, and without a
// consumer's acknowledgement of the message that triggered it (SQS and
// Azure queues delete a delivered message, which IAM calls a write; Pub/Sub
// push and Message Hub feeds do not).
func portable(t *testing.T, doc *result.Document) (flows, surface []string) {
	t.Helper()
	strict := canon(doc)
	nodes := map[graph.NodeID]*graph.Node{}
	for _, n := range doc.Graph.Nodes {
		nodes[n.ID] = n
	}
	name := func(id graph.NodeID) string {
		s := strict(id)
		switch {
		case strings.HasPrefix(s, "entry:"):
			return "entry:auth=" + s[strings.LastIndex(s, "auth=")+len("auth="):]
		case strings.HasPrefix(s, "store:"):
			parts := strings.SplitN(s, ":", 3)
			return "store:" + family(parts[1]) + ":" + parts[2]
		}
		return s
	}
	triggers := map[[2]graph.NodeID]bool{} // (function, store) pairs
	for _, e := range doc.Graph.Edges {
		if e.Kind == graph.EdgeInvokes && nodes[e.From] != nil && nodes[e.From].ID.Kind == graph.NodeStore {
			triggers[[2]graph.NodeID{e.To, e.From}] = true
		}
	}
	for _, e := range doc.Graph.Edges {
		switch e.Kind {
		case graph.EdgeInvokes, graph.EdgeReads, graph.EdgeWrites:
		default:
			continue
		}
		if e.Kind == graph.EdgeWrites && triggers[[2]graph.NodeID{e.From, e.To}] {
			continue
		}
		from, to := name(e.From), name(e.To)
		if strings.Contains(from, ":log-group:") || strings.Contains(to, ":log-group:") {
			continue
		}
		flows = append(flows, fmt.Sprintf("%s -%s-> %s", from, e.Kind, to))
	}
	sort.Strings(flows)
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
		surface = append(surface, fmt.Sprintf("%s access=%s reaches=%v stores=%v", name(row.EntryPoint), row.Access, fns, stores))
	}
	sort.Strings(surface)
	return compact(flows), surface
}

func scanClean(t *testing.T, dir string) *result.Document {
	t.Helper()
	doc, err := Run(context.Background(), Options{Paths: []string{dir}, Loaders: DefaultLoaders()})
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	if len(doc.Inputs) == 0 {
		t.Fatalf("%s: nothing loaded", dir)
	}
	for _, in := range doc.Inputs {
		if in.Error != "" {
			t.Fatalf("%s: %s", dir, in.Error)
		}
	}
	return doc
}

// TestSameAppNative asserts that the native Azure Functions, OpenWhisk and
// Firebase twins of the same app give its AWS twin's attack surface and
// data-flow graph: exactly (routes, store kinds and all) for Azure, whose
// HTTP routes and Table/queue storage map one to one, and in the portable
// form for every platform.
func TestSameAppNative(t *testing.T) {
	aws := scanClean(t, sameApp["sam"])
	wantFlows, wantSurface := portable(t, aws)
	if len(wantFlows) == 0 || len(wantSurface) == 0 {
		t.Fatal("the AWS twin gave no flows or no surface")
	}
	for _, platform := range []string{"azure", "openwhisk", "firebase"} {
		doc := scanClean(t, sameAppNative[platform])
		gotFlows, gotSurface := portable(t, doc)
		if diff := cmp.Diff(wantFlows, gotFlows); diff != "" {
			t.Errorf("data-flow graph of the %s twin differs from AWS (-aws +%s):\n%s", platform, platform, diff)
		}
		if diff := cmp.Diff(wantSurface, gotSurface); diff != "" {
			t.Errorf("attack surface of the %s twin differs from AWS (-aws +%s):\n%s", platform, platform, diff)
		}
	}
	az := scanClean(t, sameAppNative["azure"])
	if diff := cmp.Diff(flows(t, aws), flows(t, az)); diff != "" {
		t.Errorf("Azure twin's exact data-flow graph differs from AWS (-aws +azure):\n%s", diff)
	}
	if diff := cmp.Diff(surface(t, aws), surface(t, az)); diff != "" {
		t.Errorf("Azure twin's exact attack surface differs from AWS (-aws +azure):\n%s", diff)
	}
	t.Logf("portable flows: %v", wantFlows)
	t.Logf("portable surface: %v", wantSurface)
}
