package graph

import (
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Access says who can reach an entry point, weakest first in Rank order.
type Access string

// Access levels of entry points. An API key identifies a caller; it does
// not authenticate one, so APIKey is next to Anonymous.
const (
	AccessAnonymous     Access = "anonymous"
	AccessAPIKey        Access = "API key only"
	AccessAnyAccount    Access = "any AWS account"
	AccessConfused      Access = "confused deputy"
	AccessAccount       Access = "other AWS account"
	AccessUnknown       Access = "unknown"
	AccessAuthenticated Access = "authenticated"
	AccessIAM           Access = "IAM-signed"
	AccessPrivate       Access = "private (VPC)"
	AccessRestricted    Access = "restricted by resource policy"
)

// Rank orders access levels from the most open (0) to the most closed.
func (a Access) Rank() int {
	for i, x := range []Access{AccessAnonymous, AccessAPIKey, AccessAnyAccount, AccessConfused, AccessAccount, AccessUnknown, AccessAuthenticated, AccessIAM, AccessPrivate, AccessRestricted} {
		if a == x {
			return i
		}
	}
	return 99
}

// Anonymous reports whether anyone on the Internet can reach an entry point
// with this access, API keys included (keys ship in clients and leak).
func (a Access) Anonymous() bool { return a == AccessAnonymous || a == AccessAPIKey }

// SurfaceRow is one entry point of the attack surface.
type SurfaceRow struct {
	// EntryPoint is the entry point's node ID; Name, Kind (the node's Sub),
	// Stack, File and Line describe it.
	EntryPoint NodeID `json:"entryPoint"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Stack      string `json:"stack,omitempty"`
	File       string `json:"file,omitempty"`
	Line       int    `json:"line,omitempty"`
	// Access is the most open way in; Auth the entry point's own auth as
	// the model has it; Principals the principal nodes that reach it.
	Access Access `json:"access"`
	// Confidence is the confidence of the edge that gives Access: medium
	// or low when it rests on unresolved values or declarations that may
	// be completed outside the template.
	Confidence model.Confidence `json:"confidence,omitempty"`
	Auth       string           `json:"auth,omitempty"`
	Principals []NodeID         `json:"principals"`
	// Functions are the functions the entry point invokes directly;
	// Reaches every function reachable from it, those included.
	Functions []NodeID `json:"functions"`
	Reaches   []NodeID `json:"reaches"`
	// Stores is the blast radius in data: every store reachable, with
	// what can be done to it.
	Stores []StoreReach `json:"stores"`
	// Dangerous lists notable permissions of reachable functions, as
	// "function-node-ID: flag".
	Dangerous []string `json:"dangerous,omitempty"`
}

// StoreReach is a store in an entry point's blast radius.
type StoreReach struct {
	ID             NodeID `json:"id"`
	Name           string `json:"name"`
	Kind           string `json:"kind"`
	Classification string `json:"classification,omitempty"`
	// Access lists "read", "write" and "manage", as reachable.
	Access []string `json:"access"`
	// Secret is true for secrets, parameters and keys.
	Secret bool `json:"secret,omitempty"`
}

// Surface returns one row per entry point of g, most open first, then by
// node ID.
func Surface(g *Graph) []SurfaceRow {
	ix := g.index()
	byID := make(map[NodeID]*Node, len(g.Nodes))
	for _, n := range g.Nodes {
		byID[n.ID] = n
	}
	in := map[NodeID][]*Edge{}
	out := map[NodeID][]*Edge{}
	for _, e := range g.Edges {
		in[e.To] = append(in[e.To], e)
		out[e.From] = append(out[e.From], e)
	}
	var rows []SurfaceRow
	for _, n := range g.Nodes {
		if n.ID.Kind != NodeEntryPoint {
			continue
		}
		row := SurfaceRow{EntryPoint: n.ID, Name: n.Name, Kind: n.Sub, Stack: n.ID.Stack, File: n.File, Line: n.Line, Auth: n.Auth,
			Access: AccessRestricted, Principals: []NodeID{}, Functions: []NodeID{}, Reaches: []NodeID{}, Stores: []StoreReach{}}
		for _, e := range in[n.ID] {
			p := byID[e.From]
			if p == nil || p.ID.Kind != NodePrincipal || e.Kind != EdgeInvokes {
				continue
			}
			row.Principals = append(row.Principals, p.ID)
			if a := principalAccess(p); a.Rank() < row.Access.Rank() {
				row.Access, row.Confidence = a, e.Confidence
			}
		}
		SortIDs(row.Principals)
		for _, e := range out[n.ID] {
			if e.Kind == EdgeInvokes && byID[e.To] != nil && byID[e.To].ID.Kind == NodeFunction {
				row.Functions = append(row.Functions, e.To)
			}
		}
		SortIDs(row.Functions)
		// Controlled nodes: the entry point and what its control edges
		// reach; stores reached only by reading are leaves.
		controlled := map[NodeID]bool{n.ID: true}
		queue := []NodeID{n.ID}
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			for _, e := range out[u] {
				if e.Kind != EdgeReads && e.Kind != EdgeReadsCode && e.Kind != EdgeReadsConfig && !controlled[e.To] {
					controlled[e.To] = true
					queue = append(queue, e.To)
				}
			}
		}
		access := map[NodeID]map[string]bool{}
		mark := func(store NodeID, what string) {
			if access[store] == nil {
				access[store] = map[string]bool{}
			}
			access[store][what] = true
		}
		for id := range controlled {
			for _, e := range out[id] {
				if s := byID[e.To]; s != nil && s.ID.Kind == NodeStore {
					switch e.Kind {
					case EdgeWrites, EdgeInvokes:
						mark(s.ID, "write")
					case EdgeManages:
						mark(s.ID, "manage")
					}
				}
			}
			for _, e := range in[id] {
				if s := byID[e.From]; s != nil && s.ID.Kind == NodeStore && e.Kind == EdgeReads {
					mark(s.ID, "read")
				}
			}
		}
		for _, id := range ix.Reachable(n.ID) {
			m := byID[id]
			if m == nil {
				continue
			}
			switch m.ID.Kind {
			case NodeFunction:
				row.Reaches = append(row.Reaches, id)
				for _, f := range m.Flags {
					row.Dangerous = append(row.Dangerous, id.String()+": "+f)
				}
			case NodeStore:
				sr := StoreReach{ID: id, Name: m.Name, Kind: m.Sub, Classification: m.Classification, Secret: secretKind(m.Sub)}
				for _, a := range []string{"read", "write", "manage"} {
					if access[id][a] {
						sr.Access = append(sr.Access, a)
					}
				}
				if sr.Access == nil {
					sr.Access = []string{"reach"}
				}
				row.Stores = append(row.Stores, sr)
			}
		}
		rows = append(rows, row)
	}
	SortSurface(rows)
	return rows
}

// SortSurface orders surface rows as Surface returns them: most open
// first, then by entry point ID (rows of several graphs merged sort as
// the rows of their union).
func SortSurface(rows []SurfaceRow) {
	sort.SliceStable(rows, func(i, j int) bool {
		if ri, rj := rows[i].Access.Rank(), rows[j].Access.Rank(); ri != rj {
			return ri < rj
		}
		return rows[i].EntryPoint.Less(rows[j].EntryPoint)
	})
}

func secretKind(sub string) bool {
	return sub == "secret" || sub == "parameter" || sub == "key"
}

// principalAccess maps a principal node to the access it gives.
func principalAccess(p *Node) Access {
	switch {
	case p.ID == PrincipalInternet:
		return AccessAnonymous
	case p.ID == PrincipalAPIKey:
		return AccessAPIKey
	case p.ID == PrincipalAnyAccount:
		return AccessAnyAccount
	case p.ID == PrincipalIAM:
		return AccessIAM
	case p.ID == PrincipalUnknown:
		return AccessUnknown
	case p.Sub == SubService:
		return AccessConfused
	case p.Sub == SubAccount:
		return AccessAccount
	case p.Sub == SubAuthenticated:
		return AccessAuthenticated
	case p.Sub == "vpc":
		return AccessPrivate
	}
	return AccessUnknown
}

// Describe returns the access with the principals' names, for text output:
// "authenticated (Cognito users (CognitoAuth))".
func (r SurfaceRow) Describe(g *Graph) string {
	s := string(r.Access)
	switch r.Access {
	case AccessAuthenticated, AccessAccount, AccessConfused:
		var names []string
		for _, p := range r.Principals {
			if n := g.Node(p); n != nil && principalAccess(n) == r.Access {
				names = append(names, n.Name)
			}
		}
		if len(names) > 0 {
			s += " (" + strings.Join(names, ", ") + ")"
		}
	}
	return s
}

// ControlRow is the control plane of one function: who in the app can
// invoke it, change it, download its code or read its configuration
// (environment included). Principal lists hold node IDs (functions acting
// through their roles, roles, users, and the principals a function's
// resource policy admits: another account, any account, the account's own
// principals outside the app), sorted.
type ControlRow struct {
	Function NodeID `json:"function"`
	Name     string `json:"name"`
	Stack    string `json:"stack,omitempty"`
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	// Invoke holds who may invoke it through IAM (entry points and
	// triggers are in Surface); Control who may change it; ReadCode who
	// may download its code; ReadConfig who may read its configuration
	// and environment.
	Invoke     []NodeID `json:"invoke"`
	Control    []NodeID `json:"control"`
	ReadCode   []NodeID `json:"readCode"`
	ReadConfig []NodeID `json:"readConfig"`
}

// ControlPlane returns one row per function that some principal of the
// app can invoke through IAM, change or read, sorted by node ID.
func ControlPlane(g *Graph) []ControlRow {
	byID := make(map[NodeID]*Node, len(g.Nodes))
	for _, n := range g.Nodes {
		byID[n.ID] = n
	}
	rows := map[NodeID]*ControlRow{}
	for _, e := range g.Edges {
		to := byID[e.To]
		from := byID[e.From]
		if to == nil || from == nil || to.ID.Kind != NodeFunction {
			continue
		}
		who := []NodeID{from.ID}
		switch from.ID.Kind {
		case NodeFunction, NodeRole, NodeUser:
		case NodePrincipal:
			if e.Kind == EdgeInvokes {
				continue // an entry point: Surface lists it
			}
		default:
			continue
		}
		r := rows[to.ID]
		if r == nil {
			r = &ControlRow{Function: to.ID, Name: to.Name, Stack: to.ID.Stack, File: to.File, Line: to.Line,
				Invoke: []NodeID{}, Control: []NodeID{}, ReadCode: []NodeID{}, ReadConfig: []NodeID{}}
		}
		switch e.Kind {
		case EdgeInvokes:
			r.Invoke = append(r.Invoke, who...)
		case EdgeControls:
			r.Control = append(r.Control, who...)
		case EdgeReadsCode:
			r.ReadCode = append(r.ReadCode, who...)
		case EdgeReadsConfig:
			r.ReadConfig = append(r.ReadConfig, who...)
		default:
			continue
		}
		rows[to.ID] = r
	}
	out := make([]ControlRow, 0, len(rows))
	for _, r := range rows {
		for _, l := range []*[]NodeID{&r.Invoke, &r.Control, &r.ReadCode, &r.ReadConfig} {
			*l = sortedUniqueIDs(*l)
			if *l == nil {
				*l = []NodeID{}
			}
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Function.Less(out[j].Function) })
	return out
}
