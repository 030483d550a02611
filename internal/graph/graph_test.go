package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/load/sam"
	"github.com/nightlight-sec/nightlight/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// loadApp loads testdata templates (CloudFormation, or SAM when the
// template has the transform) into an app.
func loadApp(t testing.TB, files ...string) *model.App {
	t.Helper()
	app := &model.App{Root: "testdata"}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		loader, format := cfn.Load, model.FormatCloudFormation
		if bytes.Contains(data, []byte("Transform: AWS::Serverless-2016-10-31")) {
			loader, format = sam.Load, model.FormatSAM
		}
		st, err := loader(context.Background(), load.Unit{Format: format, Path: f, Files: []load.File{{Path: f, Data: data}}}, load.Options{})
		if err != nil {
			t.Fatalf("load %s: %v", f, err)
		}
		app.Stacks = append(app.Stacks, st)
	}
	return app
}

func build(t testing.TB, files ...string) *Graph {
	t.Helper()
	g, err := Build(context.Background(), loadApp(t, files...), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
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
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	g := build(t, "shop.yaml")
	golden(t, "shop.graph.json", marshal(t, g))
	golden(t, "shop.surface.json", marshal(t, Surface(g)))
	g = build(t, "sam.yaml")
	golden(t, "sam.graph.json", marshal(t, g))
	golden(t, "sam.surface.json", marshal(t, Surface(g)))
}

const (
	shop = "shop.yaml#"
	inet = "principal:internet"
)

// nid parses a node ID written as text, for tables.
func nid(s string) NodeID {
	id, err := ParseNodeID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// strs returns the text forms of ids (nil for nil).
func strs(ids []NodeID) []string {
	if ids == nil {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

func hasEdge(g *Graph, from, to string, kind EdgeKind) bool {
	for _, e := range g.Edges {
		if e.From.String() == from && e.To.String() == to && e.Kind == kind {
			return true
		}
	}
	return false
}

func TestPaths(t *testing.T) {
	g := build(t, "shop.yaml")
	tests := []struct {
		name     string
		from, to string
		want     []string // nil: no path
	}{
		{"anonymous route reads the pii table", inet, shop + "store:OrdersTable",
			[]string{inet, shop + "entry-point:ShopApi GET /orders", shop + "function:ListOrdersFunction", shop + "store:OrdersTable"}},
		{"cognito users write the table", "principal:authenticated:shop.yaml#ShopApi/CognitoAuth", shop + "store:OrdersTable",
			[]string{"principal:authenticated:shop.yaml#ShopApi/CognitoAuth", shop + "entry-point:ShopApi POST /orders", shop + "function:CreateOrderFunction", shop + "store:OrdersTable"}},
		{"queue write reaches the worker and the state machine's function", shop + "function:CreateOrderFunction", shop + "function:ShipFunction",
			[]string{shop + "function:CreateOrderFunction", shop + "store:OrdersQueue", shop + "function:WorkerFunction", shop + "store:FulfilmentMachine", shop + "function:ShipFunction"}},
		{"lambda:InvokeFunction makes a function edge", shop + "function:CreateOrderFunction", shop + "store:PaymentsSecret",
			[]string{shop + "function:CreateOrderFunction", shop + "function:PayFunction", shop + "store:PaymentsSecret"}},
		{"the anonymous authorizer reaches its secret", inet, shop + "function:AuthorizerFunction",
			[]string{inet, shop + "entry-point:authorizer:ShopApi/TokenAuth", shop + "function:AuthorizerFunction"}},
		{"the Internet does not reach the Cognito route's function", inet, shop + "function:CreateOrderFunction", nil},
		{"reading a table does not invoke its stream consumer", shop + "function:ListOrdersFunction", shop + "function:StreamFunction", nil},
		{"a service integration writes the queue directly", inet, shop + "function:WorkerFunction",
			[]string{inet, shop + "entry-point:ShopApi POST /enqueue", shop + "store:OrdersQueue", shop + "function:WorkerFunction"}},
		{"IAM-only admin function is not anonymous", inet, shop + "function:AdminFunction", nil},
		{"a partner account assumes a role that reads the table", "principal:account:210987654321", shop + "store:OrdersTable",
			[]string{"principal:account:210987654321", shop + "entry-point:trust:PartnerRole", shop + "role:PartnerRole", shop + "store:OrdersTable"}},
		{"the state machine runs with its role", shop + "store:FulfilmentMachine", shop + "role:MachineRole",
			[]string{shop + "store:FulfilmentMachine", shop + "role:MachineRole"}},
		{"confused deputy reaches the worker", "principal:service:s3.amazonaws.com", shop + "function:WorkerFunction",
			[]string{"principal:service:s3.amazonaws.com", shop + "entry-point:policy:WorkerS3Permission", shop + "function:WorkerFunction"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := g.ShortestPath(nid(tc.from), nid(tc.to))
			got := strs(path)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ShortestPath(%s, %s) (-want +got):\n%s", tc.from, tc.to, diff)
			}
			if tc.want != nil && len(g.PathEdges(path)) != len(got)-1 {
				t.Errorf("PathEdges(%v) = %v", got, g.PathEdges(path))
			}
			c := g.Index().Closure()
			if c.Reaches(nid(tc.from), nid(tc.to)) != (tc.want != nil) {
				t.Errorf("Closure.Reaches(%s, %s) = %v", tc.from, tc.to, !(tc.want != nil))
			}
		})
	}
}

// TestNotPublic checks the false positives users complain about: a "*"
// principal pinned by aws:SourceAccount, CloudFront origin access control,
// a service restricted by aws:SourceArn, method-level authorizers.
func TestNotPublic(t *testing.T) {
	g := build(t, "shop.yaml")
	for _, id := range []string{
		shop + "entry-point:policy:ShipPermission",
		shop + "entry-point:policy:OrdersQueuePolicy",
		shop + "entry-point:policy:ReceiptsBucketPolicy",
		shop + "entry-point:policy:StreamSnsPermission",
		shop + "entry-point:policy:PayUrlPermission", // the function URL entry point says it
		"principal:service:cloudfront.amazonaws.com",
		"principal:service:sns.amazonaws.com",
	} {
		if g.Node(nid(id)) != nil {
			t.Errorf("node %s exists; want none", id)
		}
	}
	if hasEdge(g, inet, shop+"entry-point:ShopApi POST /orders", EdgeInvokes) {
		t.Error("Internet invokes the Cognito-protected route")
	}
	for _, r := range Surface(g) {
		want := map[string]Access{
			"POST /orders":       AccessAuthenticated,
			"POST /pay":          AccessAPIKey,
			"GET /orders":        AccessAnonymous,
			"AdminUrl":           AccessIAM,
			"PayUrl":             AccessAnonymous,
			"PartnerPermission":  AccessAccount,
			"WorkerS3Permission": AccessConfused,
			"AssetsBucketPolicy": AccessAnonymous,
		}[r.Name]
		if want != "" && r.Access != want {
			t.Errorf("%s: access %q, want %q", r.Name, r.Access, want)
		}
	}
}

func TestReachableReaching(t *testing.T) {
	g := build(t, "shop.yaml")
	got := strs(g.Reaching(nid(shop + "store:PaymentsSecret")))
	want := []string{
		"principal:api-key", "principal:authenticated:shop.yaml#HttpApi/JwtAuth", "principal:authenticated:shop.yaml#ShopApi/CognitoAuth",
		inet, "principal:service:s3.amazonaws.com",
		shop + "entry-point:HttpApi POST /v2/orders", shop + "entry-point:PayUrl", shop + "entry-point:ShopApi POST /enqueue", shop + "entry-point:ShopApi POST /orders",
		shop + "entry-point:ShopApi POST /pay", shop + "entry-point:authorizer:ShopApi/TokenAuth", shop + "entry-point:policy:WorkerS3Permission",
		shop + "function:AuthorizerFunction", shop + "function:CreateOrderFunction", shop + "function:PayFunction", shop + "function:ShipFunction",
		shop + "function:StreamFunction", shop + "function:WorkerFunction", shop + "store:FulfilmentMachine", shop + "store:OrdersQueue", shop + "store:OrdersTable",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Reaching (-want +got):\n%s", diff)
	}
	// Reachable and the closure agree on every node.
	c := g.Index().Closure()
	for _, n := range g.Nodes {
		r := g.Reachable(n.ID)
		if c.Count(n.ID) != len(r) {
			t.Errorf("%s: closure counts %d, Reachable %d %v", n.ID, c.Count(n.ID), len(r), r)
		}
		for _, to := range r {
			if !c.Reaches(n.ID, to) {
				t.Errorf("closure: %s does not reach %s", n.ID, to)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	a := marshal(t, build(t, "shop.yaml"))
	for i := 0; i < 3; i++ {
		if b := marshal(t, build(t, "shop.yaml")); !bytes.Equal(a, b) {
			t.Fatal("graph output differs between runs")
		}
	}
}

func TestCheckFlows(t *testing.T) {
	cfg, err := config.Load(filepath.Join("testdata", "shop.nightlight.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Build(context.Background(), loadApp(t, "shop.yaml"), Options{Classify: cfg.Classify, Group: cfg.Group})
	if err != nil {
		t.Fatal(err)
	}
	vs := CheckFlows(g, cfg.FlowPolicy())
	type row struct {
		Rule string
		Path []string
	}
	var got []row
	for _, v := range vs {
		got = append(got, row{v.Rule, strs(v.Path)})
		if len(v.Steps) != len(v.Path)-1 {
			t.Errorf("%s: %d steps for a path of %d", v.Rule, len(v.Steps), len(v.Path))
		}
	}
	want := []row{
		{"pii stays inside", []string{shop + "store:OrdersTable", shop + "function:ListOrdersFunction", shop + "entry-point:ShopApi GET /orders", inet}},
		// pii → account: the partner account invoking PartnerFunction is
		// allowed; the account that assumes PartnerRole is not.
		{"deny #2", []string{shop + "store:OrdersTable", shop + "role:PartnerRole", shop + "entry-point:trust:PartnerRole", "principal:account:210987654321"}},
		{"deny #3", []string{"principal:authenticated:shop.yaml#HttpApi/JwtAuth", shop + "entry-point:HttpApi POST /v2/orders", shop + "function:CreateOrderFunction", shop + "store:OrdersTable"}},
		{"deny #3", []string{"principal:authenticated:shop.yaml#ShopApi/CognitoAuth", shop + "entry-point:ShopApi POST /orders", shop + "function:CreateOrderFunction", shop + "store:OrdersTable"}},
		{"deny #4", []string{inet, shop + "entry-point:PayUrl", shop + "function:PayFunction", shop + "store:PaymentsSecret"}},
		{"boundary payments|orders", []string{shop + "function:CreateOrderFunction", shop + "function:PayFunction"}},
		{"boundary payments|orders", []string{shop + "function:CreateOrderFunction", shop + "store:OrdersQueue", shop + "function:WorkerFunction", shop + "store:FulfilmentMachine", shop + "function:ShipFunction"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CheckFlows (-want +got):\n%s", diff)
	}
	golden(t, "shop.flows.json", marshal(t, vs))
	if CheckFlows(g, nil) != nil {
		t.Error("nil policy has violations")
	}
}

// accessOf maps each entry point of g to its access, as Surface sees it.
func accessOf(g *Graph) map[string]Access {
	got := map[string]Access{}
	for _, r := range Surface(g) {
		got[r.EntryPoint.String()] = r.Access
	}
	return got
}

// TestLoadBalancerAccess checks load balancer targets: an internet-facing
// listener is anonymous, a rule that authenticates first is authenticated,
// an internal load balancer's target is private to its VPC (no Internet
// path), and a target group no listener of the template forwards to is
// undecided.
func TestLoadBalancerAccess(t *testing.T) {
	g := build(t, "alb.yaml")
	want := map[string]Access{
		"alb.yaml#entry-point:Listener Fn":         AccessAnonymous,
		"alb.yaml#entry-point:AdminRule Admin":     AccessAuthenticated,
		"alb.yaml#entry-point:InternalListener Fn": AccessPrivate,
		"alb.yaml#entry-point:OrphanGroup Orphan":  AccessUnknown,
	}
	if diff := cmp.Diff(want, accessOf(g)); diff != "" {
		t.Errorf("access (-want +got):\n%s", diff)
	}
	if p := g.ShortestPath(nid(inet), nid("alb.yaml#entry-point:InternalListener Fn")); p != nil {
		t.Errorf("Internet reaches the internal load balancer's target through %v", p)
	}
}

// TestSAMAuth checks SAM's auth inheritance as the graph sees it: the
// API's default authorizer protects routes that name none, a method-level
// "Authorizer: NONE" opens one, an API key alone is "API key only", and
// private or IP-restricted APIs are not reachable from the Internet.
func TestSAMAuth(t *testing.T) {
	g := build(t, "sam.yaml")
	want := map[string]Access{
		"sam.yaml#entry-point:PublicApi GET /me":       AccessAuthenticated,
		"sam.yaml#entry-point:PublicApi GET /health":   AccessAnonymous,
		"sam.yaml#entry-point:PublicApi POST /webhook": AccessAPIKey,
		"sam.yaml#entry-point:ItemsHttpApi GET /items": AccessAuthenticated,
		"sam.yaml#entry-point:ItemsFunctionUrl":        AccessIAM,
		"sam.yaml#entry-point:InternalApi POST /audit": AccessPrivate,
		"sam.yaml#entry-point:PartnerApi POST /audit":  AccessRestricted,
		"sam.yaml#entry-point:AdminApi GET /audit":     AccessAccount,
	}
	if diff := cmp.Diff(want, accessOf(g)); diff != "" {
		t.Errorf("access (-want +got):\n%s", diff)
	}
	for _, ep := range []string{"sam.yaml#entry-point:InternalApi POST /audit", "sam.yaml#entry-point:PartnerApi POST /audit"} {
		if p := g.ShortestPath(nid(inet), nid(ep)); p != nil {
			t.Errorf("Internet reaches %s through %v", ep, p)
		}
	}
	// ProfileFunction may invoke AuditFunction (LambdaInvokePolicy).
	if p := strs(g.ShortestPath(nid(inet), nid("sam.yaml#function:AuditFunction"))); len(p) != 4 || p[3] != "sam.yaml#function:AuditFunction" || p[2] != "sam.yaml#function:ProfileFunction" {
		t.Errorf("Internet → AuditFunction = %v, want through ProfileFunction", p)
	}
	// The anonymous health check reaches the PII table and, through the
	// queue and the bucket's S3 trigger, ThumbFunction.
	for _, to := range []string{"sam.yaml#store:ProfilesTable", "sam.yaml#function:ThumbFunction"} {
		if g.ShortestPath(nid(inet), nid(to)) == nil {
			t.Errorf("Internet does not reach %s", to)
		}
	}
	if !hasEdge(g, "sam.yaml#store:Pipeline", "sam.yaml#function:JobFunction", EdgeInvokes) {
		t.Error("no state machine → function edge")
	}
	if n := g.Node(nid("sam.yaml#store:ProfilesTable")); n == nil || n.Classification != "pii" {
		t.Errorf("ProfilesTable node = %+v, want classification pii", n)
	}
}

func TestPathsAll(t *testing.T) {
	g := build(t, "shop.yaml")
	var got [][]string
	for _, p := range g.Paths(nid(inet), nid(shop+"store:OrdersTable"), 0) {
		got = append(got, strs(p))
	}
	want := [][]string{
		{inet, shop + "entry-point:ShopApi GET /orders", shop + "function:ListOrdersFunction", shop + "store:OrdersTable"},
		{inet, shop + "entry-point:SocketApi $connect", shop + "function:ListOrdersFunction", shop + "store:OrdersTable"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Paths (-want +got):\n%s", diff)
	}
	if got := g.Paths(nid(inet), nid(shop+"function:AdminFunction"), 5); got != nil {
		t.Errorf("Paths to an IAM-only function = %v", got)
	}
	if got := g.Paths(nid("principal:authenticated:shop.yaml#ShopApi/CognitoAuth"), nid(shop+"store:PaymentsSecret"), 1); len(got) != 1 || len(got[0]) != 5 {
		t.Errorf("Paths limit 1 = %v", got)
	}
}

func TestConfidence(t *testing.T) {
	g := build(t, "literal.yaml")
	tests := []struct {
		from, to string
		kind     EdgeKind
		conf     model.Confidence
		via      string
	}{
		{"literal.yaml#function:Fn", "literal.yaml#store:Orders", EdgeWrites, model.ConfidenceHigh, "policy dynamodb:PutItem; env ORDERS"},
		{"literal.yaml#function:Fn", "literal.yaml#store:Audit", EdgeWrites, model.ConfidenceHigh, "policy dynamodb:PutItem; inline code"},
		// Query on "*": only the wildcard covers the tables.
		{"literal.yaml#store:Audit", "literal.yaml#function:Fn", EdgeReads, model.ConfidenceLow, "policy dynamodb:Query; inline code"},
	}
	for _, tc := range tests {
		var got *Edge
		for _, e := range g.Edges {
			if e.From.String() == tc.from && e.To.String() == tc.to && e.Kind == tc.kind {
				got = e
			}
		}
		if got == nil {
			t.Errorf("no %s edge %s → %s", tc.kind, tc.from, tc.to)
			continue
		}
		if got.Confidence != tc.conf || got.Via != tc.via {
			t.Errorf("%s → %s: confidence %q via %q, want %q via %q", tc.from, tc.to, got.Confidence, got.Via, tc.conf, tc.via)
		}
	}
}

func TestBuckets(t *testing.T) {
	g := build(t, "buckets.yaml")
	got := map[string]string{}
	for _, r := range Surface(g) {
		var acc []string
		for _, s := range r.Stores {
			acc = append(acc, s.Name+":"+strings.Join(s.Access, "/"))
		}
		got[r.EntryPoint.String()] = string(r.Access) + " " + strings.Join(acc, ",")
	}
	want := map[string]string{
		"buckets.yaml#entry-point:acl:WebsiteBucket":       "anonymous WebsiteBucket:read",
		"buckets.yaml#entry-point:policy:OpenBucketPolicy": "anonymous OpenBucket:read/write",
		// The role by reference is not the public; the named account is
		// another account.
		"buckets.yaml#entry-point:policy:RoleOnlyBucketPolicy": "other AWS account RoleOnlyBucket:read",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("public buckets (-want +got):\n%s", diff)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Build(ctx, loadApp(t, "shop.yaml"), Options{}); err == nil {
		t.Error("Build with a cancelled context succeeded")
	}
	g, err := Build(context.Background(), nil, Options{})
	if err != nil || len(g.Nodes) != 0 || Surface(g) != nil || g.Reachable(nid("principal:x")) != nil || g.ShortestPath(nid("principal:a"), nid("principal:b")) != nil {
		t.Errorf("Build(nil app) = %+v, %v", g, err)
	}
}

// FuzzBuild loads fuzzed templates and builds their graph: no panic, and
// every edge joins two nodes.
func FuzzBuild(f *testing.F) {
	for _, name := range []string{"shop.yaml", "sam.yaml", "buckets.yaml", "literal.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	perms := IAMPermissions(nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		loader, format := cfn.Load, model.FormatCloudFormation
		if bytes.Contains(data, []byte("AWS::Serverless")) {
			loader, format = sam.Load, model.FormatSAM
		}
		st, _ := loader(context.Background(), load.Unit{Format: format, Path: "t.yaml", Files: []load.File{{Path: "t.yaml", Data: data}}}, load.Options{})
		if st == nil {
			return
		}
		g, err := Build(context.Background(), &model.App{Stacks: []*model.Stack{st}}, Options{Permissions: perms})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range g.Edges {
			if g.Node(e.From) == nil || g.Node(e.To) == nil {
				t.Fatalf("edge %s → %s joins a missing node", e.From, e.To)
			}
		}
		Surface(g)
		g.Index().Closure()
	})
}

// TestConcurrent: rules query one graph from several goroutines.
func TestConcurrent(t *testing.T) {
	g := build(t, "shop.yaml")
	done := make(chan bool)
	for i := 0; i < 4; i++ {
		go func() {
			defer func() { done <- true }()
			for _, n := range g.Nodes {
				g.Reachable(n.ID)
				g.Reaching(n.ID)
			}
			Surface(g)
			g.Paths(PrincipalInternet, nid(shop+"store:OrdersTable"), 3)
		}()
	}
	for i := 0; i < 4; i++ {
		<-done
	}
}

func TestURLWithoutPermission(t *testing.T) {
	g := build(t, "url.yaml")
	for _, e := range g.Edges {
		if e.From == PrincipalInternet && e.To.String() == "url.yaml#entry-point:Url" {
			if e.Confidence != model.ConfidenceMedium || !strings.Contains(e.Via, "no public lambda:InvokeFunctionUrl permission") {
				t.Errorf("edge %+v: want medium confidence and the missing permission named", e)
			}
			return
		}
	}
	t.Error("no Internet → Url edge")
}

// TestCodeCalls checks that SDK calls read from a function's handler code
// confirm the permission edges they use: high confidence and a "code"
// reason; a call the role does not allow, or whose resource is unknown,
// makes no edge. With Options.AwaitCode the code is only written when
// Build calls it (as the background handler analysis does), and the graph
// is the same.
func TestCodeCalls(t *testing.T) {
	for _, late := range []bool{false, true} {
		t.Run(fmt.Sprintf("await=%v", late), func(t *testing.T) {
			app := loadApp(t, "literal.yaml")
			st := app.Stacks[0]
			fn := st.Function("Fn")
			at := model.Pos{File: "index.py", Line: 3}
			code := &model.Code{Language: model.FormatPython, Calls: []model.SDKCall{
				{Service: "dynamodb", Operation: "PutItem", Actions: []string{"dynamodb:PutItem"}, Resource: "Orders", Env: "ORDERS", Pos: at},
				{Service: "dynamodb", Operation: "Query", Actions: []string{"dynamodb:Query"}, Resource: "Audit", Env: "AUDIT", Pos: at},
				{Service: "dynamodb", Operation: "GetItem", Actions: []string{"dynamodb:GetItem"}, Resource: "Orders", Env: "ORDERS", Pos: at}, // not granted
				{Service: "dynamodb", Operation: "DeleteItem", Actions: []string{"dynamodb:DeleteItem"}, Pos: at},                              // resource unknown
			}}
			opts := Options{}
			awaited := 0
			if late {
				opts.AwaitCode = func() { awaited++; fn.Code = code }
			} else {
				fn.Code = code
			}
			g, err := Build(context.Background(), app, opts)
			if err != nil {
				t.Fatal(err)
			}
			if late && awaited != 1 {
				t.Errorf("AwaitCode called %d times, want 1", awaited)
			}
			type edge struct{ From, To, Kind, Via, Conf string }
			var got []edge
			for _, e := range g.Edges {
				if e.Kind == EdgeReads || e.Kind == EdgeWrites || e.Kind == EdgeManages {
					got = append(got, edge{e.From.String(), e.To.String(), string(e.Kind), e.Via, string(e.Confidence)})
				}
			}
			want := []edge{
				{"literal.yaml#function:Fn", "literal.yaml#store:Audit", "writes", "policy dynamodb:PutItem; inline code", "high"},
				{"literal.yaml#function:Fn", "literal.yaml#store:Orders", "writes", "code dynamodb:PutItem; policy dynamodb:PutItem; env ORDERS", "high"},
				{"literal.yaml#store:Audit", "literal.yaml#function:Fn", "reads", "code dynamodb:Query; policy dynamodb:Query; inline code", "high"},
				{"literal.yaml#store:Orders", "literal.yaml#function:Fn", "reads", "policy dynamodb:Query; env ORDERS", "low"},
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("data edges (-want +got):\n%s", d)
			}
		})
	}
}
