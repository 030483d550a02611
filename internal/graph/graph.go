// Package graph builds the application graph over the model: principals,
// entry points, functions, stores and roles as nodes; invocations, reads,
// writes, management and role assumption as edges, each with the evidence
// (file:line) that creates it.
//
//	Build(ctx, app, Options) (*Graph, error)   // nodes and edges, sorted
//	Surface(g) []SurfaceRow                     // attack surface and blast radius
//	CheckFlows(g, *config.Config) []Violation   // flow policy, with full paths
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

// Node is a vertex of the graph. ID is unique in the graph and stable across
// runs ("<stack>#<kind>:<model ID>").
type Node struct {
	ID   string   `json:"id"`
	Kind NodeKind `json:"kind"`
	Name string   `json:"name"`
	File string   `json:"file,omitempty"`
	Line int      `json:"line,omitempty"`
	// Sub refines Kind: the store kind (table, bucket…), the principal kind
	// (anonymous, authenticated, account, service), the entry point kind.
	Sub string `json:"sub,omitempty"`
	// Stack is the ID of the stack the node belongs to ("" for principals
	// shared across stacks).
	Stack string `json:"stack,omitempty"`
	// Ref is the model ID of the object the node stands for.
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

// Edge is a directed, evidenced relation between two nodes.
type Edge struct {
	From string   `json:"from"`
	To   string   `json:"to"`
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
	sort.Slice(g.Nodes, func(i, j int) bool { return g.Nodes[i].ID < g.Nodes[j].ID })
	sort.Slice(g.Edges, func(i, j int) bool {
		a, b := g.Edges[i], g.Edges[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.To != b.To {
			return a.To < b.To
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Via < b.Via
	})
}
