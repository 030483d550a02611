package kit

import (
	"sort"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// PoolRoutes returns the entry points of the stack that accept tokens of
// user pool pool: routes whose effective auth is a Cognito authorizer
// naming the pool, sorted by ID.
func PoolRoutes(st *model.Stack, pool string) []*model.EntryPoint {
	var out []*model.EntryPoint
	for _, ep := range st.EntryPoints {
		if ep.Auth.Type != model.AuthCognito && ep.Auth.Type != model.AuthJWT {
			continue
		}
		a := st.API(ep.API)
		if a == nil {
			continue
		}
		for _, az := range a.Authorizers {
			if az.Name == ep.Auth.Authorizer && refersTo(az.UserPools, pool) || az.Name == ep.Auth.Authorizer && refersTo(az.Issuer, pool) {
				out = append(out, ep)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// PoolIdentityPools returns the identity pools of the stack that exchange
// tokens of user pool pool for AWS credentials.
func PoolIdentityPools(st *model.Stack, pool string) []*model.IdentityPool {
	var out []*model.IdentityPool
	for _, ip := range st.IdentityPools {
		for _, pr := range ip.Providers {
			if pr.Pool == pool {
				out = append(out, ip)
				break
			}
		}
	}
	return out
}

func refersTo(v *model.Value, id string) bool {
	for _, r := range v.AllRefs() {
		if r == id {
			return true
		}
	}
	return false
}

// RoleNode is the graph node ID of a role of the pass's stack.
func RoleNode(p *rule.Pass, id string) graph.NodeID { return graph.ID(p.Stack.ID, graph.NodeRole, id) }
