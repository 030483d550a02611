package custom

import (
	"context"
	"sort"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// The types below are what a custom rule's CEL expressions see: flat,
// typed views of the model and graph. Field names are the `cel` tags;
// docs/custom-rules.md documents each of them. Strings that are not set or
// not resolved statically are "" (numbers -1), so that a condition never
// mistakes an unknown value for a known one.

// Stack is the stack an object belongs to.
type Stack struct {
	ID       string `cel:"id"`
	Format   string `cel:"format"`
	Provider string `cel:"provider"`
	Name     string `cel:"name"`
}

// Grant is one allowed action of an effective permission set.
type Grant struct {
	Action      string `cel:"action"`
	Resource    string `cel:"resource"`
	Access      string `cel:"access"`
	Conditional bool   `cel:"conditional"`
}

// Function is a function with its triggers, graph neighbours and effective
// permissions.
type Function struct {
	ID                  string            `cel:"id"`
	Name                string            `cel:"name"`
	Runtime             string            `cel:"runtime"`
	Handler             string            `cel:"handler"`
	Memory              int64             `cel:"memory"`
	Timeout             int64             `cel:"timeout"`
	ReservedConcurrency int64             `cel:"reserved_concurrency"`
	Role                string            `cel:"role"`
	Env                 map[string]string `cel:"env"`
	Tags                map[string]string `cel:"tags"`
	Layers              []string          `cel:"layers"`
	VPC                 bool              `cel:"vpc"`
	Tracing             string            `cel:"tracing"`
	Group               string            `cel:"group"`
	Triggers            []string          `cel:"triggers"`
	EntryPoints         []string          `cel:"entry_points"`
	Public              bool              `cel:"public"`
	Callers             []string          `cel:"callers"`
	Reads               []string          `cel:"reads"`
	Writes              []string          `cel:"writes"`
	Invokes             []string          `cel:"invokes"`
	Actions             []string          `cel:"actions"`
	Grants              []Grant           `cel:"grants"`
	Flags               []string          `cel:"flags"`
	UnknownPermissions  bool              `cel:"unknown_permissions"`
}

// Store is a data store with who reads and writes it.
type Store struct {
	ID             string            `cel:"id"`
	Kind           string            `cel:"kind"`
	Type           string            `cel:"type"`
	Name           string            `cel:"name"`
	Classification string            `cel:"classification"`
	Encryption     string            `cel:"encryption"`
	Tags           map[string]string `cel:"tags"`
	Readers        []string          `cel:"readers"`
	Writers        []string          `cel:"writers"`
	Public         bool              `cel:"public"`
	HasPolicy      bool              `cel:"has_policy"`
}

// Route is an entry point: an API route, a function URL, an ALB target.
type Route struct {
	ID         string   `cel:"id"`
	Kind       string   `cel:"kind"`
	API        string   `cel:"api"`
	Method     string   `cel:"method"`
	Path       string   `cel:"path"`
	Auth       string   `cel:"auth"`
	Authorizer string   `cel:"authorizer"`
	APIKey     bool     `cel:"api_key"`
	Scopes     []string `cel:"scopes"`
	Function   string   `cel:"function"`
	Target     string   `cel:"target"`
	Public     bool     `cel:"public"`
	Throttled  bool     `cel:"throttled"`
}

// API is an API front door and its routes.
type API struct {
	ID                string   `cel:"id"`
	Kind              string   `cel:"kind"`
	Name              string   `cel:"name"`
	Endpoint          string   `cel:"endpoint"`
	Authorizers       []string `cel:"authorizers"`
	DefaultAuthorizer string   `cel:"default_authorizer"`
	AccessLog         bool     `cel:"access_log"`
	WAF               bool     `cel:"waf"`
	Throttled         bool     `cel:"throttled"`
	HasPolicy         bool     `cel:"has_policy"`
	Routes            []Route  `cel:"routes"`
}

// Role is an IAM role (a principal of the stack) with what it is used by
// and the union of its functions' effective permissions.
type Role struct {
	ID        string   `cel:"id"`
	Name      string   `cel:"name"`
	Implicit  bool     `cel:"implicit"`
	External  bool     `cel:"external"`
	Functions []string `cel:"functions"`
	Actions   []string `cel:"actions"`
	Grants    []Grant  `cel:"grants"`
	Flags     []string `cel:"flags"`
	// AssumedBy lists the graph principals and nodes with an assumes edge
	// to the role (services, accounts, federated identities).
	AssumedBy []string `cel:"assumed_by"`
}

// Edge is a graph edge of the stack.
type Edge struct {
	From string `cel:"from"`
	To   string `cel:"to"`
	Kind string `cel:"kind"`
	Via  string `cel:"via"`
}

// object is one thing a custom rule is evaluated on.
type object struct {
	kind     string
	id       string
	pos      model.Pos
	val      any
	graphIDs []graph.NodeID
}

// viewer builds views for one stack.
type viewer struct {
	ctx   context.Context
	p     *rule.Pass
	g     *graph.Graph
	stack Stack
	edges []Edge
	// public is the set of graph nodes reachable from the internet.
	public map[graph.NodeID]bool
}

func newViewer(ctx context.Context, p *rule.Pass) *viewer {
	st := p.Stack
	v := &viewer{ctx: ctx, p: p, g: p.Graph, public: map[graph.NodeID]bool{},
		stack: Stack{ID: st.ID, Format: string(st.Format), Provider: string(st.Provider), Name: st.Name}}
	if v.g != nil {
		for _, id := range v.g.Reachable(graph.PrincipalInternet) {
			v.public[id] = true
		}
		for _, e := range v.g.Edges {
			if e.From.Stack == st.ID || e.To.Stack == st.ID {
				v.edges = append(v.edges, Edge{From: e.From.String(), To: e.To.String(), Kind: string(e.Kind), Via: e.Via})
			}
		}
	}
	if v.edges == nil {
		v.edges = []Edge{}
	}
	return v
}

func str(v *model.Value) string {
	if !v.IsResolved() {
		return ""
	}
	return v.String()
}

func num(v *model.Value) int64 {
	if n, ok := v.AsInt(); ok && !v.Unresolved {
		return n
	}
	return -1
}

func tags(ts []model.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range ts {
		m[t.Key] = str(t.Value)
	}
	return m
}

// neighbours returns the model IDs of the nodes at the other end of the
// edges of kind touching node id (out: id is the source).
func (v *viewer) neighbours(id graph.NodeID, kind graph.EdgeKind, out bool, nodeKind graph.NodeKind) []string {
	var res []string
	if v.g == nil {
		return []string{}
	}
	for _, e := range v.g.Edges {
		if e.Kind != kind {
			continue
		}
		var other graph.NodeID
		switch {
		case out && e.From == id:
			other = e.To
		case !out && e.To == id:
			other = e.From
		default:
			continue
		}
		if n := v.g.Node(other); n != nil && (nodeKind == "" || n.ID.Kind == nodeKind) {
			name := n.Ref
			if name == "" {
				name = n.Name
			}
			res = append(res, name)
		}
	}
	return sortedUnique(res)
}

// callers returns the names of the principals that reach node id.
func (v *viewer) callers(id graph.NodeID) []string {
	if v.g == nil {
		return []string{}
	}
	var res []string
	for _, r := range v.g.Reaching(id) {
		if n := v.g.Node(r); n != nil && n.ID.Kind == graph.NodePrincipal {
			res = append(res, n.Name)
		}
	}
	return sortedUnique(res)
}

func sortedUnique(ss []string) []string {
	out := model.SortedUnique(ss)
	if out == nil {
		return []string{}
	}
	return out
}

func (v *viewer) function(f *model.Function) Function {
	st := v.p.Stack
	id := graph.ID(st.ID, graph.NodeFunction, f.ID)
	fv := Function{ID: f.ID, Name: str(f.Name), Runtime: str(f.Runtime), Handler: str(f.Handler),
		Memory: num(f.MemorySize), Timeout: num(f.Timeout), ReservedConcurrency: num(f.ReservedConcurrency),
		Role: f.Role, Env: map[string]string{}, Tags: tags(f.Tags), Layers: []string{}, VPC: f.VPC != nil,
		Tracing: str(f.Tracing), Group: f.Group, Public: v.public[id], Callers: v.callers(id),
		Reads:   v.neighbours(id, graph.EdgeReads, false, graph.NodeStore),
		Writes:  v.neighbours(id, graph.EdgeWrites, true, graph.NodeStore),
		Invokes: v.neighbours(id, graph.EdgeInvokes, true, graph.NodeFunction)}
	if f.MemorySize == nil {
		fv.Memory = model.DefaultLambdaMemoryMB
	}
	if f.Timeout == nil {
		fv.Timeout = model.DefaultLambdaTimeoutSeconds
	}
	for _, e := range f.Environment {
		fv.Env[e.Name] = str(e.Value)
	}
	for _, l := range f.Layers {
		fv.Layers = append(fv.Layers, l.String())
	}
	var trig, eps []string
	for _, t := range st.Triggers {
		if t.Function == f.ID {
			trig = append(trig, string(t.Kind))
		}
	}
	for _, ep := range st.EntryPoints {
		if ep.Function == f.ID {
			eps = append(eps, ep.ID)
		}
	}
	fv.Triggers, fv.EntryPoints = sortedUnique(trig), sortedUnique(eps)
	fv.Actions, fv.Grants, fv.Flags, fv.UnknownPermissions = v.permissions(f)
	return fv
}

func (v *viewer) permissions(f *model.Function) (actions []string, grants []Grant, flags []string, unknown bool) {
	grants = []Grant{}
	e := v.p.Facts.Effective(v.ctx, f)
	if e == nil {
		return []string{}, grants, []string{}, false
	}
	for _, g := range e.Grants {
		actions = append(actions, g.Action)
		grants = append(grants, Grant{Action: g.Action, Resource: g.Resource, Access: string(g.Access), Conditional: g.Conditional})
	}
	for _, fl := range e.Flags {
		flags = append(flags, string(fl.Kind))
	}
	return sortedUnique(actions), grants, sortedUnique(flags), len(e.Unknown) > 0
}

func (v *viewer) store(s *model.Store) Store {
	id := graph.ID(v.p.Stack.ID, graph.NodeStore, s.ID)
	return Store{ID: s.ID, Kind: string(s.Kind), Type: s.Type, Name: str(s.Name), Classification: s.Classification,
		Encryption: string(s.Encryption.Kind), Tags: tags(s.Tags),
		Readers: v.neighbours(id, graph.EdgeReads, true, graph.NodeFunction),
		Writers: v.neighbours(id, graph.EdgeWrites, false, graph.NodeFunction),
		Public:  v.public[id], HasPolicy: s.Policy != nil}
}

func (v *viewer) route(ep *model.EntryPoint) Route {
	id := graph.ID(v.p.Stack.ID, graph.NodeEntryPoint, ep.ID)
	return Route{ID: ep.ID, Kind: string(ep.Kind), API: ep.API, Method: ep.Method, Path: ep.Path,
		Auth: string(ep.Auth.Type), Authorizer: ep.Auth.Authorizer, APIKey: ep.Auth.APIKeyRequired,
		Scopes: sortedUnique(ep.Auth.Scopes), Function: ep.Function, Target: str(ep.Target),
		Public: v.public[id], Throttled: ep.Throttle != nil}
}

func (v *viewer) api(a *model.API) API {
	av := API{ID: a.ID, Kind: string(a.Kind), Name: str(a.Name), Endpoint: str(a.Endpoint),
		DefaultAuthorizer: a.DefaultAuthorizer, AccessLog: a.AccessLog.IsSet(), WAF: a.WAF.IsSet(),
		Throttled: a.Throttle != nil || len(a.UsagePlans) > 0, HasPolicy: a.Policy != nil, Routes: []Route{}}
	var names []string
	for _, az := range a.Authorizers {
		names = append(names, az.Name)
	}
	av.Authorizers = sortedUnique(names)
	for _, ep := range v.p.Stack.EntryPoints {
		if ep.API == a.ID {
			av.Routes = append(av.Routes, v.route(ep))
		}
	}
	return av
}

func (v *viewer) role(r *model.Role) Role {
	rv := Role{ID: r.ID, Name: str(r.Name), Implicit: r.Implicit, External: r.External, Functions: []string{}, Grants: []Grant{}}
	var acts, flags, fns []string
	for _, f := range v.p.Stack.Functions {
		if f.Role != r.ID {
			continue
		}
		fns = append(fns, f.ID)
		a, g, fl, _ := v.permissions(f)
		acts = append(acts, a...)
		rv.Grants = append(rv.Grants, g...)
		flags = append(flags, fl...)
	}
	rv.Functions, rv.Actions, rv.Flags = sortedUnique(fns), sortedUnique(acts), sortedUnique(flags)
	sort.SliceStable(rv.Grants, func(i, j int) bool {
		return rv.Grants[i].Action+rv.Grants[i].Resource < rv.Grants[j].Action+rv.Grants[j].Resource
	})
	rv.AssumedBy = v.neighbours(graph.ID(v.p.Stack.ID, graph.NodeRole, r.ID), graph.EdgeAssumes, false, "")
	return rv
}

// objects returns the objects of the stack of the given kind, with their
// views built lazily by the caller's need (all here: stacks are small).
func (v *viewer) objects(kind string) []object {
	st := v.p.Stack
	var out []object
	switch kind {
	case KindFunction:
		for _, f := range st.Functions {
			out = append(out, object{kind: kind, id: f.ID, pos: f.Pos, val: v.function(f), graphIDs: []graph.NodeID{graph.ID(st.ID, graph.NodeFunction, f.ID)}})
		}
	case KindStore:
		for _, s := range st.Stores {
			out = append(out, object{kind: kind, id: s.ID, pos: s.Pos, val: v.store(s), graphIDs: []graph.NodeID{graph.ID(st.ID, graph.NodeStore, s.ID)}})
		}
	case KindAPI:
		for _, a := range st.APIs {
			out = append(out, object{kind: kind, id: a.ID, pos: a.Pos, val: v.api(a)})
		}
	case KindRoute:
		for _, ep := range st.EntryPoints {
			out = append(out, object{kind: kind, id: ep.ID, pos: ep.Pos, val: v.route(ep), graphIDs: []graph.NodeID{graph.ID(st.ID, graph.NodeEntryPoint, ep.ID)}})
		}
	case KindRole:
		for _, r := range st.Roles {
			out = append(out, object{kind: kind, id: r.ID, pos: r.Pos, val: v.role(r), graphIDs: []graph.NodeID{graph.ID(st.ID, graph.NodeRole, r.ID)}})
		}
	}
	return out
}
