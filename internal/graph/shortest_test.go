package graph

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// shortestPathOnce is ShortestPath as a single search stopped at the
// target, the definition the memoized search must agree with.
func shortestPathOnce(ix *Index, from, to NodeID) []NodeID {
	s, ok1 := ix.pos[from]
	t, ok2 := ix.pos[to]
	if !ok1 || !ok2 {
		return nil
	}
	if s == t {
		return []NodeID{from}
	}
	parent := make([]int32, len(ix.ids))
	for i := range parent {
		parent[i] = -1
	}
	parent[s] = int32(s)
	queue := []int32{int32(s)}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		succ := append(append([]int32(nil), ix.ctl[u]...), ix.rd[u]...)
		sort.Slice(succ, func(i, j int) bool { return ix.rank[succ[i]] < ix.rank[succ[j]] })
		for _, v := range succ {
			if parent[v] >= 0 {
				continue
			}
			if !contains(ix.ctl[u], v) && int(v) != t {
				continue
			}
			parent[v] = u
			if int(v) == t {
				var path []NodeID
				for x := int32(t); ; x = parent[x] {
					path = append(path, ix.ids[x])
					if int(x) == s {
						break
					}
				}
				for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
					path[i], path[j] = path[j], path[i]
				}
				return path
			}
			queue = append(queue, v)
		}
	}
	return nil
}

// TestShortestPathMemoized checks, on random graphs with control and read
// edges (some pairs joined by both), that the search memoized per source
// answers every query exactly as a search stopped at the target does.
func TestShortestPathMemoized(t *testing.T) {
	kinds := []EdgeKind{EdgeInvokes, EdgeWrites, EdgeReads, EdgeReads}
	for seed := int64(0); seed < 40; seed++ {
		r := rand.New(rand.NewSource(seed))
		n := 2 + r.Intn(30)
		g := &Graph{}
		for i := 0; i < n; i++ {
			// Shuffled IDs: graph order differs from ID order.
			g.Nodes = append(g.Nodes, &Node{ID: NodeID{Stack: "s", Kind: NodeFunction, Ref: fmt.Sprintf("n%02d", r.Intn(1000))}})
		}
		for i := 0; i < n*3; i++ {
			g.Edges = append(g.Edges, &Edge{From: g.Nodes[r.Intn(n)].ID, To: g.Nodes[r.Intn(n)].ID, Kind: kinds[r.Intn(len(kinds))]})
		}
		ix := NewIndex(g)
		for _, a := range g.Nodes {
			for _, b := range g.Nodes {
				if diff := cmp.Diff(shortestPathOnce(ix, a.ID, b.ID), ix.ShortestPath(a.ID, b.ID)); diff != "" {
					t.Fatalf("seed %d: ShortestPath(%v, %v) (-one search +memoized):\n%s", seed, a.ID, b.ID, diff)
				}
			}
		}
	}
}
