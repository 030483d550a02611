package graph

import (
	"github.com/nightlight-sec/nightlight/internal/model"
)

// EmptySelector is a name in the flow policy that selects no node of the
// graph: a flow rule's from or to, or a boundary's group.
type EmptySelector struct {
	// Pos is where the flow rule or boundary is written.
	Pos model.Pos
	// Field says where the name is: "flows.deny from", "flows.allow to",
	// "boundary group".
	Field string
	// Name is the selector or group name as written.
	Name string
}

// EmptySelectors returns the names of the policy's flow rules and
// boundaries that select no node of g, in the order the configuration
// writes them. A rule with such a name checks nothing. A nil policy has
// none.
func EmptySelectors(g *Graph, policy *model.FlowPolicy) []EmptySelector {
	if policy == nil || g == nil {
		return nil
	}
	fc := newFlowChecker(g, policy)
	var out []EmptySelector
	rules := func(what string, rs []model.FlowRule) {
		for _, r := range rs {
			if len(fc.sel(r.From)) == 0 {
				out = append(out, EmptySelector{Pos: r.Pos, Field: what + " from", Name: r.From})
			}
			if len(fc.sel(r.To)) == 0 {
				out = append(out, EmptySelector{Pos: r.Pos, Field: what + " to", Name: r.To})
			}
		}
	}
	rules("flows.deny", policy.Flows.Deny)
	rules("flows.allow", policy.Flows.Allow)
	for _, b := range policy.Boundaries {
		for _, name := range b.Groups {
			if len(fc.group(name)) == 0 {
				out = append(out, EmptySelector{Pos: b.Pos, Field: "boundary group", Name: name})
			}
		}
	}
	return out
}
