package html

import (
	"fmt"
	"sort"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Node IDs of the small test document.
const (
	idInternet   = "principal:internet"
	idUsers      = "principal:cognito-users"
	idGetOrders  = "app#entry-point:GET /orders"
	idPostOrders = "app#entry-point:POST /orders"
	idList       = "app#function:ListOrders"
	idCreate     = "app#function:CreateOrder"
	idProcess    = "app#function:ProcessOrder"
	idTable      = "app#store:OrdersTable"
	idQueue      = "app#store:OrdersQueue"
	idBucket     = "app#store:ReportsBucket"
	idRole       = "app#role:ListOrdersRole"
)

// smallDoc is a hand-made report: the Internet calls an open route that
// reads a PII table; Cognito users call a route whose function writes the
// table and a queue, whose consumer writes a bucket.
func smallDoc() *result.Document {
	n := func(id string, kind graph.NodeKind, name, sub string, line int) *graph.Node {
		node := &graph.Node{ID: nid(id), Name: name, Sub: sub}
		if node.ID.Kind != kind {
			panic(id + " is not a " + string(kind))
		}
		if kind != graph.NodePrincipal {
			node.Ref, node.File, node.Line = name, "template.yaml", line
		}
		return node
	}
	get := n(idGetOrders, graph.NodeEntryPoint, "GET /orders", "api-route", 40)
	get.Auth, get.Ref = "none", "ListOrders"
	post := n(idPostOrders, graph.NodeEntryPoint, "POST /orders", "api-route", 52)
	post.Auth, post.Ref = "cognito", "CreateOrder"
	table := n(idTable, graph.NodeStore, "OrdersTable", "table", 80)
	table.Classification = "pii"
	bucket := n(idBucket, graph.NodeStore, "ReportsBucket", "bucket", 95)
	bucket.Classification = "public"
	g := &graph.Graph{
		Nodes: []*graph.Node{
			n(idRole, graph.NodeRole, "ListOrdersRole", "", 110),
			table, bucket,
			n(idQueue, graph.NodeStore, "OrdersQueue", "queue", 88),
			n(idProcess, graph.NodeFunction, "ProcessOrder", "", 60),
			n(idCreate, graph.NodeFunction, "CreateOrder", "", 45),
			n(idList, graph.NodeFunction, "ListOrders", "", 30),
			get, post,
			n(idUsers, graph.NodePrincipal, "Cognito users", "authenticated", 0),
			n(idInternet, graph.NodePrincipal, "Internet", "anonymous", 0),
		},
	}
	e := func(from, to string, kind graph.EdgeKind, via string, line int) {
		g.Edges = append(g.Edges, &graph.Edge{From: nid(from), To: nid(to), Kind: kind, Via: via,
			Evidence: model.Pos{File: "template.yaml", Line: line, Col: 7}, Confidence: "high"})
	}
	e(idQueue, idProcess, graph.EdgeInvokes, "trigger SQS", 66)
	e(idInternet, idGetOrders, graph.EdgeInvokes, "auth none", 41)
	e(idUsers, idPostOrders, graph.EdgeInvokes, "authorizer Cognito", 53)
	e(idGetOrders, idList, graph.EdgeInvokes, "route GET /orders", 40)
	e(idPostOrders, idCreate, graph.EdgeInvokes, "route POST /orders", 52)
	e(idTable, idList, graph.EdgeReads, "policy DynamoDBReadPolicy", 35)
	e(idCreate, idTable, graph.EdgeWrites, "policy dynamodb:PutItem", 48)
	e(idCreate, idQueue, graph.EdgeWrites, "policy sqs:SendMessage", 49)
	e(idProcess, idBucket, graph.EdgeWrites, "policy s3:PutObject", 62)
	e(idProcess, idTable, graph.EdgeManages, "policy dynamodb:*", 63)
	e(idList, idRole, graph.EdgeAssumes, "Role", 31)
	return &result.Document{
		Tool:   result.Tool{Name: "nightlight", Version: "test"},
		Inputs: []result.Input{{Path: "template.yaml", Format: model.FormatSAM}, {Path: "broken.yaml", Format: model.FormatCloudFormation, Error: "broken.yaml:3:1: mapping values are not allowed"}},
		App:    &model.App{Root: "examples/orders"},
		Graph:  g,
		Findings: []rule.Finding{
			{Rule: "NL0500", Category: rule.Misconfig, Severity: rule.Info, Confidence: rule.ConfidenceHigh, Resource: "ReportsBucket",
				File: "template.yaml", Line: 95, Message: "Bucket ReportsBucket has no versioning.", Remediation: "Enable VersioningConfiguration."},
			{Rule: "NL0301", Category: rule.DenialOfWallet, Severity: rule.Low, Confidence: rule.ConfidenceMedium, Resource: "ProcessOrder",
				File: "template.yaml", Line: 66, Message: "Queue consumer ProcessOrder has no reserved concurrency.", Remediation: "Set ReservedConcurrentExecutions.",
				Path: nids(idQueue, idProcess), CostPerHour: 3.2},
			{Rule: "NL0001", Category: rule.AttackSurface, Severity: rule.Critical, Confidence: rule.ConfidenceHigh, Resource: "ListOrders",
				File: "template.yaml", Line: 40, Col: 9, Message: "Anyone on the Internet can read PII from OrdersTable through GET /orders.",
				Remediation: "Add an authorizer to GET /orders.", Path: nids(idInternet, idGetOrders, idList, idTable)},
			{Rule: "NL0300", Category: rule.DenialOfWallet, Severity: rule.Medium, Confidence: rule.ConfidenceHigh, Resource: "ListOrders",
				File: "template.yaml", Line: 30, Message: "GET /orders has no throttling: worst case $42.50/hour.", Remediation: "Set a usage plan or reserved concurrency.",
				Path: nids(idInternet, idGetOrders, idList), CostPerHour: 42.5},
			{Rule: "NL0102", Category: rule.IAM, Severity: rule.High, Confidence: rule.ConfidenceHigh, Resource: "CreateOrder",
				File: "template.yaml", Line: 48, Message: "CreateOrder may call dynamodb:* on OrdersTable.", Remediation: "Grant only dynamodb:PutItem.",
				Path: nids(idPostOrders, idCreate, idTable)},
		},
	}
}

// bigDoc is a generated app of n functions, each behind its own route (every
// fifth one open to the Internet), writing and reading n/12+1 stores, and a
// role per ten functions.
func bigDoc(n int) *result.Document {
	g := &graph.Graph{}
	add := func(node *graph.Node) { g.Nodes = append(g.Nodes, node) }
	edge := func(from, to string, kind graph.EdgeKind, via string, line int) {
		g.Edges = append(g.Edges, &graph.Edge{From: nid(from), To: nid(to), Kind: kind, Via: via, Evidence: model.Pos{File: "template.yaml", Line: line}})
	}
	add(&graph.Node{ID: nid(idInternet), Name: "Internet", Sub: "anonymous"})
	add(&graph.Node{ID: nid(idUsers), Name: "Cognito users", Sub: "authenticated"})
	stores := n/12 + 1
	for s := 0; s < stores; s++ {
		sub := []string{"table", "bucket", "queue", "topic"}[s%4]
		node := &graph.Node{ID: nid(fmt.Sprintf("app#store:Store%03d", s)), Name: fmt.Sprintf("Store%03d", s),
			Sub: sub, Ref: fmt.Sprintf("Store%03d", s), File: "template.yaml", Line: 10000 + s}
		if s%3 == 0 {
			node.Classification = "pii"
		}
		add(node)
	}
	var findings []rule.Finding
	for i := 0; i < n; i++ {
		fn := fmt.Sprintf("app#function:Fn%03d", i)
		route := fmt.Sprintf("app#entry-point:GET /items/%03d", i)
		add(&graph.Node{ID: nid(fn), Name: fmt.Sprintf("Fn%03d", i), Ref: fmt.Sprintf("Fn%03d", i), File: "template.yaml", Line: 20 * i})
		rn := &graph.Node{ID: nid(route), Name: fmt.Sprintf("GET /items/%03d", i), Sub: "api-route", File: "template.yaml", Line: 20*i + 5, Auth: "cognito"}
		from := idUsers
		if i%5 == 0 {
			rn.Auth, from = "none", idInternet
		}
		add(rn)
		edge(from, route, graph.EdgeInvokes, "route", 20*i+5)
		edge(route, fn, graph.EdgeInvokes, "route", 20*i+5)
		w := fmt.Sprintf("app#store:Store%03d", i%stores)
		r := fmt.Sprintf("app#store:Store%03d", (i*7+3)%stores)
		edge(fn, w, graph.EdgeWrites, "policy", 20*i+8)
		edge(r, fn, graph.EdgeReads, "policy", 20*i+9)
		if i%10 == 0 {
			role := fmt.Sprintf("app#role:Role%03d", i/10)
			add(&graph.Node{ID: nid(role), Name: fmt.Sprintf("Role%03d", i/10), File: "template.yaml", Line: 20*i + 11})
			edge(fn, role, graph.EdgeAssumes, "Role", 20*i+11)
		}
		if i%5 == 0 {
			sev := []rule.Severity{rule.Critical, rule.High, rule.Medium, rule.Low, rule.Info}[(i/5)%5]
			findings = append(findings, rule.Finding{Rule: "NL0001", Category: rule.AttackSurface, Severity: sev, Resource: fmt.Sprintf("Fn%03d", i),
				File: "template.yaml", Line: 20 * i, Message: fmt.Sprintf("GET /items/%03d is open to the Internet.", i),
				Remediation: "Add an authorizer.", Path: nids(idInternet, route, fn, w)})
		}
		if i%25 == 0 {
			findings = append(findings, rule.Finding{Rule: "NL0300", Category: rule.DenialOfWallet, Severity: rule.Medium, Resource: fmt.Sprintf("Fn%03d", i),
				File: "template.yaml", Line: 20 * i, Message: "No throttling.", CostPerHour: float64(i) + 0.5, Path: nids(from, route, fn)})
		}
	}
	return &result.Document{Tool: result.Tool{Name: "nightlight", Version: "test"}, App: &model.App{Root: fmt.Sprintf("generated/%d-functions", n)},
		Graph: g, Findings: findings}
}

func sortStrings(s []string) { sort.Strings(s) }

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

// multiDoc is a monorepo of k stacks under "mono": each stack has an open
// route, its function and a table; every third stack's function also
// writes the next stack's table (a cross-stack edge). The finding is in the
// last stack.
func multiDoc(k int) *result.Document {
	g := &graph.Graph{}
	add := func(node *graph.Node) { g.Nodes = append(g.Nodes, node) }
	edge := func(from, to string, kind graph.EdgeKind, file string, line int) {
		g.Edges = append(g.Edges, &graph.Edge{From: nid(from), To: nid(to), Kind: kind, Via: "test", Evidence: model.Pos{File: file, Line: line}})
	}
	add(&graph.Node{ID: nid(idInternet), Name: "Internet", Sub: "anonymous"})
	stack := func(i int) string { return fmt.Sprintf("mono/svc%02d/template.yaml", i) }
	for i := 0; i < k; i++ {
		st := stack(i)
		route, fn, table := st+"#entry-point:GET /s"+fmt.Sprint(i), st+"#function:Fn", st+"#store:Table"
		add(&graph.Node{ID: nid(route), Name: "GET /s" + fmt.Sprint(i), Sub: "api-route", Auth: "none", File: st, Line: 10})
		add(&graph.Node{ID: nid(fn), Name: "Fn", Ref: "Fn", File: st, Line: 20})
		add(&graph.Node{ID: nid(table), Name: "Table", Sub: "table", Ref: "Table", File: st, Line: 30, Classification: "pii"})
		edge(idInternet, route, graph.EdgeInvokes, st, 11)
		edge(route, fn, graph.EdgeInvokes, st, 12)
		edge(fn, table, graph.EdgeWrites, st, 21)
		if i%3 == 0 && i+1 < k {
			edge(fn, stack(i+1)+"#store:Table", graph.EdgeWrites, st, 22)
		}
	}
	last := stack(k - 1)
	return &result.Document{Tool: result.Tool{Name: "nightlight", Version: "test"}, App: &model.App{Root: "mono"}, Graph: g,
		Findings: []rule.Finding{{Rule: "NL0001", Category: rule.AttackSurface, Severity: rule.High, Resource: "Fn", Stack: last,
			File: last, Line: 20, Message: "open route", Path: nids(idInternet, last+"#entry-point:GET /s"+fmt.Sprint(k-1), last+"#function:Fn")}}}
}
