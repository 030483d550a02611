package monitor

import (
	"context"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Design is what the application declares, as the monitor compares it with
// CloudTrail: the functions with their roles, the stores and which
// function the graph connects to which store.
type Design struct {
	Functions []DesignFunction
	Stores    []DesignStore
}

// generated returns the LIKE pattern matching the physical names
// CloudFormation generates for a resource with this logical ID
// (stack-LogicalId-RANDOM), or "" when the ID is too short to tell apart.
func generated(logicalID string, lower bool) string {
	if len(logicalID) < 4 || strings.ContainsAny(logicalID, "%_'") {
		return ""
	}
	if lower {
		logicalID = strings.ToLower(logicalID)
	}
	return "%-" + logicalID + "-%"
}

// physical returns a resolved name, or the generated-name pattern for
// CloudFormation/SAM stacks, or "".
func physical(v *model.Value, st *model.Stack, id string, lower bool) string {
	if v.IsResolved() && v.Kind == model.String {
		return v.Str
	}
	if v.IsSet() {
		return "" // declared but unknown here (a parameter, an import)
	}
	switch st.Format {
	case model.FormatCloudFormation, model.FormatSAM:
		return generated(id, lower)
	}
	return ""
}

// roleName returns the role's name from its ARN (arn:aws:iam::A:role/path/NAME).
func roleName(arn string) string {
	i := strings.Index(arn, ":role/")
	if i < 0 {
		return ""
	}
	rest := arn[i+len(":role/"):]
	if j := strings.LastIndex(rest, "/"); j >= 0 {
		rest = rest[j+1:]
	}
	return rest
}

// DesignOf extracts the design from the application model and its graph.
// Names the templates do not fix (CloudFormation generates them) become
// LIKE patterns on the logical ID; names that depend on parameters left
// unresolved are left out, so nothing is compared on a guess.
func DesignOf(ctx context.Context, app *model.App, g *graph.Graph) Design {
	var d Design
	if app == nil {
		return d
	}
	connected := map[graph.NodeID]map[string]bool{} // function node → store model IDs
	storeRef := map[graph.NodeID]string{}
	public := map[string]bool{}
	if g != nil {
		kinds := map[graph.NodeID]*graph.Node{}
		for _, n := range g.Nodes {
			kinds[n.ID] = n
			if n.ID.Kind == graph.NodeStore {
				storeRef[n.ID] = n.Ref
			}
		}
		for _, e := range g.Edges {
			from, to := kinds[e.From], kinds[e.To]
			if from == nil || to == nil {
				continue
			}
			var fn, store *graph.Node
			switch {
			case from.ID.Kind == graph.NodeFunction && to.ID.Kind == graph.NodeStore:
				fn, store = from, to
			case from.ID.Kind == graph.NodeStore && to.ID.Kind == graph.NodeFunction:
				fn, store = to, from
			case from.ID.Kind == graph.NodeEntryPoint && to.ID.Kind == graph.NodeStore,
				from.ID.Kind == graph.NodePrincipal && to.ID.Kind == graph.NodeStore:
				if from.ID.Kind == graph.NodeEntryPoint || from.Sub == "anonymous" {
					public[to.ID.Stack+"\x00"+to.Ref] = true
				}
				continue
			default:
				continue
			}
			if connected[fn.ID] == nil {
				connected[fn.ID] = map[string]bool{}
			}
			connected[fn.ID][store.Ref] = true
		}
		for _, n := range g.Nodes {
			// Entry point "policy:<store ID>": a resource policy opens the store.
			if store, ok := strings.CutPrefix(n.ID.Ref, "policy:"); ok && n.ID.Kind == graph.NodeEntryPoint {
				public[n.ID.Stack+"\x00"+store] = true
			}
		}
	}
	an := iam.NewAnalyzer()
	for _, st := range app.Stacks {
		for _, s := range st.Stores {
			name := physical(s.Name, st, s.ID, s.Kind == model.StoreBucket)
			if name == "" {
				continue
			}
			d.Stores = append(d.Stores, DesignStore{ID: s.ID, Kind: string(s.Kind), Name: name, Public: public[st.ID+"\x00"+s.ID]})
		}
		var perms *iam.Analysis
		if st.Provider == "" || st.Provider == model.AWS {
			perms, _ = an.Analyze(ctx, st)
		}
		for _, fn := range st.Functions {
			df := DesignFunction{ID: fn.ID, Name: physical(fn.Name, st, fn.ID, false)}
			if fn.RoleARN.IsResolved() {
				df.Role = roleName(fn.RoleARN.String())
			}
			if r := st.Role(fn.Role); df.Role == "" && r != nil {
				df.Role = physical(r.Name, st, r.ID, false)
			}
			for ref := range connected[graph.ID(st.ID, graph.NodeFunction, fn.ID)] {
				df.Stores = append(df.Stores, ref)
			}
			sort.Strings(df.Stores)
			if perms != nil {
				if eff := perms.Function(fn.ID); eff != nil {
					for _, gr := range eff.Grants {
						df.Granted = append(df.Granted, gr.Action)
					}
					df.Granted = model.SortedUnique(df.Granted)
					df.GrantsUnknown = len(eff.Unknown) > 0
				}
			}
			d.Functions = append(d.Functions, df)
		}
	}
	sort.Slice(d.Stores, func(i, j int) bool { return d.Stores[i].ID < d.Stores[j].ID })
	sort.Slice(d.Functions, func(i, j int) bool { return d.Functions[i].ID < d.Functions[j].ID })
	_ = storeRef
	return d
}
