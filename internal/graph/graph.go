// Package graph builds the application graph over the model: principals,
// entry points, functions, stores and roles as nodes; invocations, reads,
// writes, management and role assumption as edges, each with the evidence
// (file:line) that creates it.
//
//	Build(ctx, app, Options) (*Graph, error)   // nodes and edges, sorted
//	Surface(g) []SurfaceRow                     // attack surface and blast radius
//	CheckFlows(g, *model.FlowPolicy) []Violation // flow policy, with full paths
//	g.Reachable(id), g.Reaching(id)             // what a node controls / what controls it
//	g.ShortestPath(from, to), g.Paths(from, to, n), g.PathEdges(path)
//	g.Index().Closure()                         // all-pairs reachability (bitsets)
//
// Node IDs are stable: "<stack>#<kind>:<model ID>" for objects of a stack
// (entry points of resource policies are "…#entry-point:policy:<ID>", Lambda
// authorizers "…#entry-point:authorizer:<API>/<name>"), and shared
// principals are "principal:internet", "principal:api-key",
// "principal:iam", "principal:any-account", "principal:account:<ID>",
// "principal:service:<service>", "principal:authenticated:<stack>#<API>/<authorizer>".
//
// Entry points are API routes, function URLs, WebSocket routes, ALB targets,
// Lambda authorizers (run before anyone is authenticated), and resource
// policies that internal/iam finds open to anyone, to another account, or
// to an AWS service without aws:SourceArn/aws:SourceAccount (confused
// deputy). A "*" principal restricted by a condition on the caller's
// account, organization, source or network is not open.
//
// Edges come from triggers, routes, state machine definitions, trust
// policies, and effective IAM permissions (package iam): Read/List access
// to a store is a reads edge store → function, Write a writes edge function
// → store, permissions management and configuration writes (DeleteTable,
// PutBucketPolicy, UpdateFunctionCode, …) a manages edge, and
// lambda:InvokeFunction an invokes edge. Confidence is high when the
// policy names the store and the function's environment refers to it,
// medium when only the policy names it, low when only a wildcard covers
// it.
package graph

import (
	"encoding/json"
	"sort"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// NodeKind is the kind of a graph node.
type NodeKind string

// Node kinds.
const (
	NodePrincipal  NodeKind = "principal"   // Internet, authenticated users, other accounts, AWS services
	NodeEntryPoint NodeKind = "entry-point" // API routes, function URLs, public resource policies
	NodeFunction   NodeKind = "function"
	NodeStore      NodeKind = "store" // tables, buckets, queues, topics, secrets, …
	NodeRole       NodeKind = "role"
	NodeUser       NodeKind = "user" // an IAM user of the stack (its groups' policies included)
	// NodeStep is not a node of the graph: it is a step of a finding's
	// path inside handler code ("file:line: note"), from StepID.
	NodeStep NodeKind = "step"
)

// EdgeKind is the kind of a graph edge.
type EdgeKind string

// Edge kinds.
const (
	EdgeInvokes EdgeKind = "invokes" // principal → entry point → function; source → function
	EdgeReads   EdgeKind = "reads"   // store → function (data flows from the store)
	EdgeWrites  EdgeKind = "writes"  // function → store
	EdgeManages EdgeKind = "manages" // function → resource it can reconfigure
	EdgeAssumes EdgeKind = "assumes" // principal/function → role
	// Control plane of functions: who can change a function (its code,
	// configuration, environment, layers, resource policy, URL config,
	// concurrency, aliases), download its code (lambda:GetFunction returns
	// a pre-signed URL) or read its configuration and environment
	// (lambda:GetFunctionConfiguration).
	EdgeControls    EdgeKind = "controls"     // function/role/user → function
	EdgeReadsCode   EdgeKind = "reads-code"   // function/role/user → function
	EdgeReadsConfig EdgeKind = "reads-config" // function/role/user → function
)

// Node is a vertex of the graph. ID is unique in the graph, stable across
// runs, and says which stack, kind and model object the node stands for.
type Node struct {
	ID   NodeID `json:"id"`
	Name string `json:"name"`
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// Sub refines the kind: the store kind (table, bucket…), the principal
	// kind (anonymous, authenticated, account, service), the entry point
	// kind.
	Sub string `json:"sub,omitempty"`
	// Ref is the model ID of the object the node is about: ID.Ref for
	// functions, stores, roles and routes, the role of a trust entry point
	// ("trust:<role>" in the ID), "" for principals.
	Ref string `json:"ref,omitempty"`
	// Classification is the data classification of a store.
	Classification string `json:"classification,omitempty"`
	// Auth is the effective auth of an entry point (none, api-key, iam,
	// cognito, jwt, lambda, …; ",private" is appended for private APIs)
	// or of an authenticated principal.
	Auth string `json:"auth,omitempty"`
	// Group is a function's owner group, for trust boundaries.
	Group string `json:"group,omitempty"`
	// Flags are the notable permissions of a function (iam.FlagKind
	// values: full-wildcard, privilege-escalation, secrets-read, …),
	// sorted.
	Flags []string `json:"flags,omitempty"`
}

// nodeJSON is a Node as the JSON report writes it (the contract's
// "id","kind","name","file","line", then the details).
type nodeJSON struct {
	ID             NodeID   `json:"id"`
	Kind           NodeKind `json:"kind"`
	Name           string   `json:"name"`
	File           string   `json:"file,omitempty"`
	Line           int      `json:"line,omitempty"`
	Sub            string   `json:"sub,omitempty"`
	Stack          string   `json:"stack,omitempty"`
	Ref            string   `json:"ref,omitempty"`
	Classification string   `json:"classification,omitempty"`
	Auth           string   `json:"auth,omitempty"`
	Group          string   `json:"group,omitempty"`
	Flags          []string `json:"flags,omitempty"`
}

// MarshalJSON writes the node with its kind, stack and model ref spelled
// out beside the ID.
func (n *Node) MarshalJSON() ([]byte, error) {
	return json.Marshal(nodeJSON{ID: n.ID, Kind: n.ID.Kind, Name: n.Name, File: n.File, Line: n.Line, Sub: n.Sub,
		Stack: n.ID.Stack, Ref: n.Ref, Classification: n.Classification, Auth: n.Auth, Group: n.Group, Flags: n.Flags})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (n *Node) UnmarshalJSON(b []byte) error {
	var v nodeJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*n = Node{ID: v.ID, Name: v.Name, File: v.File, Line: v.Line, Sub: v.Sub, Ref: v.Ref, Classification: v.Classification,
		Auth: v.Auth, Group: v.Group, Flags: v.Flags}
	return nil
}

// Edge is a directed, evidenced relation between two nodes.
type Edge struct {
	From NodeID   `json:"from"`
	To   NodeID   `json:"to"`
	Kind EdgeKind `json:"kind"`
	// Via says what creates the edge: "trigger SQS", "policy dynamodb:PutItem",
	// "env TABLE_NAME", "route GET /orders".
	Via string `json:"via,omitempty"`
	// Evidence is where the edge is declared.
	Evidence model.Pos `json:"evidence"`
	// Confidence is "high" when the declaration is explicit (a trigger, a
	// policy naming the resource and the function's environment naming it
	// too) and "medium"/"low" when inferred from wildcards.
	Confidence model.Confidence `json:"confidence,omitempty"`
}

// Graph is the application graph.
//
// Build returns a graph whose reachability index is ready; a graph built by
// hand (or changed after Build) is indexed on the first query, which is
// then not safe for concurrent use.
type Graph struct {
	Nodes []*Node `json:"nodes"`
	Edges []*Edge `json:"edges"`

	idx *Index
}

// Sort orders nodes by ID and edges by (from, to, kind, via), for
// deterministic output.
func (g *Graph) Sort() {
	sort.Slice(g.Nodes, func(i, j int) bool { return g.Nodes[i].ID.Less(g.Nodes[j].ID) })
	sort.Slice(g.Edges, func(i, j int) bool { return g.Edges[i].Less(g.Edges[j]) })
}

// Less orders edges by (from, to, kind, via): the graph's order.
func (e *Edge) Less(o *Edge) bool {
	if c := e.From.Compare(o.From); c != 0 {
		return c < 0
	}
	if c := e.To.Compare(o.To); c != 0 {
		return c < 0
	}
	if e.Kind != o.Kind {
		return e.Kind < o.Kind
	}
	return e.Via < o.Via
}
