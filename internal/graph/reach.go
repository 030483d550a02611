package graph

import (
	"math/bits"
	"slices"
	"sort"
	"sync"
)

// Reachability follows what an actor who controls a node can do:
//
//   - invokes, writes, manages and assumes edges are followed forward, and
//     what is reached is controlled in turn (a write to a queue reaches the
//     function the queue triggers);
//   - a reads edge (store → function) is followed backwards, from the
//     function to the store it can read, and the store is a leaf: reading
//     a queue does not invoke its consumers.
//
// So Reachable(route) is the route's blast radius, and Reaching(store) is
// everything that can read or change the store.

// Index holds a graph's adjacency for reachability queries. It is
// immutable once built and safe for concurrent use.
type Index struct {
	ids []NodeID
	pos map[NodeID]int
	// rank orders nodes by ID (rank[i] < rank[j] iff ids[i] sorts first).
	rank []int32
	ctl  [][]int32 // control successors
	rd   [][]int32 // stores a node can read (leaves)
	rctl [][]int32 // control predecessors
	rrd  [][]int32 // readers of a store
	// edge maps (from, to) to the edge used first for that pair, for
	// explaining paths.
	edge map[[2]int32]*Edge
	// into lists every edge ending at each node, in the graph's order.
	into [][]*Edge

	// trees memoizes ShortestPath's breadth-first search per source node:
	// rules ask for the path from the internet to each function they
	// report, and a search from the internet explores the whole graph, so
	// searching again for every target made a scan quadratic in the number
	// of apps scanned together.
	treesMu sync.Mutex
	trees   map[int32]*bfsTree
}

// bfsTree is the breadth-first search ShortestPath runs from one source,
// run to the end: what a search stopped at any target would have found.
type bfsTree struct {
	once sync.Once
	// first maps each node to the expanded node it was first met from, by
	// an edge of either kind (a read leaf ends a path only as the target).
	first map[int32]int32
	// parent maps each expanded node to the node it was expanded from (the
	// source to itself).
	parent map[int32]int32
}

// NewIndex indexes g for reachability queries.
func NewIndex(g *Graph) *Index { return newIndex(g) }

func newIndex(g *Graph) *Index {
	ix := &Index{pos: make(map[NodeID]int, len(g.Nodes)), edge: make(map[[2]int32]*Edge, len(g.Edges))}
	for _, n := range g.Nodes {
		if _, ok := ix.pos[n.ID]; !ok {
			ix.pos[n.ID] = len(ix.ids)
			ix.ids = append(ix.ids, n.ID)
		}
	}
	n := len(ix.ids)
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	sort.SliceStable(order, func(i, j int) bool { return ix.ids[order[i]].Less(ix.ids[order[j]]) })
	ix.rank = make([]int32, n)
	for r, i := range order {
		ix.rank[i] = int32(r)
	}
	ix.ctl, ix.rd = make([][]int32, n), make([][]int32, n)
	ix.rctl, ix.rrd = make([][]int32, n), make([][]int32, n)
	ix.into = make([][]*Edge, n)
	for _, e := range g.Edges {
		f, okf := ix.pos[e.From]
		t, okt := ix.pos[e.To]
		if !okf || !okt {
			continue
		}
		ix.into[t] = append(ix.into[t], e)
		if e.Kind == EdgeReads {
			// The reader (e.To) can read the store (e.From).
			ix.rd[t] = append(ix.rd[t], int32(f))
			ix.rrd[f] = append(ix.rrd[f], int32(t))
			if _, ok := ix.edge[[2]int32{int32(t), int32(f)}]; !ok {
				ix.edge[[2]int32{int32(t), int32(f)}] = e
			}
			continue
		}
		if e.Kind == EdgeReadsCode || e.Kind == EdgeReadsConfig {
			// The principal (e.From) reads the function's code or
			// configuration: a leaf, like a store read, not control.
			ix.rd[f] = append(ix.rd[f], int32(t))
			ix.rrd[t] = append(ix.rrd[t], int32(f))
			if _, ok := ix.edge[[2]int32{int32(f), int32(t)}]; !ok {
				ix.edge[[2]int32{int32(f), int32(t)}] = e
			}
			continue
		}
		ix.ctl[f] = append(ix.ctl[f], int32(t))
		ix.rctl[t] = append(ix.rctl[t], int32(f))
		if _, ok := ix.edge[[2]int32{int32(f), int32(t)}]; !ok {
			ix.edge[[2]int32{int32(f), int32(t)}] = e
		}
	}
	return ix
}

// EdgesTo returns every edge that ends at id, in the graph's order (nil
// for a node the graph does not have). The slice is the index's: callers
// must not change it.
func (x *Index) EdgesTo(id NodeID) []*Edge {
	i, ok := x.pos[id]
	if !ok {
		return nil
	}
	return x.into[i]
}

// index returns g's index, building it when g has none or changed size.
func (g *Graph) index() *Index {
	if g.idx == nil || len(g.idx.ids) != len(g.Nodes) {
		g.idx = newIndex(g)
	}
	return g.idx
}

// Index returns the graph's reachability index.
func (g *Graph) Index() *Index { return g.index() }

// Node returns the node with the given ID, or nil.
func (g *Graph) Node(id NodeID) *Node {
	i := sort.Search(len(g.Nodes), func(i int) bool { return g.Nodes[i].ID.Compare(id) >= 0 })
	if i < len(g.Nodes) && g.Nodes[i].ID == id {
		return g.Nodes[i]
	}
	for _, n := range g.Nodes { // unsorted graphs built by hand
		if n.ID == id {
			return n
		}
	}
	return nil
}

// Reachable returns the IDs of the nodes an actor controlling from can
// invoke, write, manage, assume or read, transitively, sorted. from itself
// is included only when it lies on a cycle.
func (g *Graph) Reachable(from NodeID) []NodeID { return g.index().Reachable(from) }

// Reaching returns the IDs of the nodes from which to is reachable, sorted.
func (g *Graph) Reaching(to NodeID) []NodeID { return g.index().Reaching(to) }

// ShortestPath returns the node IDs of a shortest path from → to (both
// included), or nil when to is not reachable from from.
func (g *Graph) ShortestPath(from, to NodeID) []NodeID { return g.index().ShortestPath(from, to) }

// Paths returns up to limit simple paths from → to (both included),
// shortest first, then in node-ID order; paths longer than MaxPathLen
// nodes are not explored. limit <= 0 means 16.
func (g *Graph) Paths(from, to NodeID, limit int) [][]NodeID { return g.index().Paths(from, to, limit) }

// MaxPathLen bounds the length (in nodes) of the paths Paths explores.
const MaxPathLen = 12

// PathEdges returns the edges along a path of node IDs (one per step).
func (g *Graph) PathEdges(path []NodeID) []*Edge { return g.index().PathEdges(path) }

// Reachable is Graph.Reachable on the index.
func (ix *Index) Reachable(from NodeID) []NodeID {
	s, ok := ix.pos[from]
	if !ok {
		return nil
	}
	seen := make([]bool, len(ix.ids))
	expanded := make([]bool, len(ix.ids))
	queue := []int32{int32(s)}
	expanded[s] = true
	var out []int
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, v := range ix.ctl[u] {
			if !seen[v] {
				seen[v] = true
				out = append(out, int(v))
			}
			if !expanded[v] {
				expanded[v] = true
				queue = append(queue, v)
			}
		}
		for _, v := range ix.rd[u] {
			if !seen[v] {
				seen[v] = true
				out = append(out, int(v))
			}
		}
	}
	return ix.names(out)
}

// Reaching is Graph.Reaching on the index.
func (ix *Index) Reaching(to NodeID) []NodeID {
	t, ok := ix.pos[to]
	if !ok {
		return nil
	}
	seen := make([]bool, len(ix.ids))
	var queue []int32
	var out []int
	add := func(v int32) {
		if !seen[v] {
			seen[v] = true
			out = append(out, int(v))
			queue = append(queue, v)
		}
	}
	for _, v := range ix.rrd[t] {
		add(v)
	}
	for _, v := range ix.rctl[t] {
		add(v)
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, v := range ix.rctl[u] {
			add(v)
		}
	}
	return ix.names(out)
}

func (ix *Index) names(is []int) []NodeID {
	sort.Slice(is, func(i, j int) bool { return ix.rank[is[i]] < ix.rank[is[j]] })
	out := make([]NodeID, len(is))
	for i, v := range is {
		out[i] = ix.ids[v]
	}
	return out
}

// ShortestPath is Graph.ShortestPath on the index. Among shortest paths it
// returns the one that is first by node ID at each step, so the answer is
// deterministic.
func (ix *Index) ShortestPath(from, to NodeID) []NodeID {
	s, ok1 := ix.pos[from]
	t, ok2 := ix.pos[to]
	if !ok1 || !ok2 {
		return nil
	}
	if s == t {
		return []NodeID{from}
	}
	tr := ix.tree(int32(s))
	u, ok := tr.first[int32(t)]
	if !ok {
		return nil
	}
	path := []NodeID{to}
	for x := u; ; x = tr.parent[x] {
		path = append(path, ix.ids[x])
		if int(x) == s {
			break
		}
	}
	slices.Reverse(path)
	return path
}

// tree returns the breadth-first search from s, running it on first use.
// Successors are visited in ID order; a control successor is expanded, a
// read leaf only recorded as met. Up to the moment a target is first met,
// this is exactly the search a query for that target alone would run, so
// the path through first[target] is the same.
func (ix *Index) tree(s int32) *bfsTree {
	ix.treesMu.Lock()
	if ix.trees == nil {
		ix.trees = map[int32]*bfsTree{}
	}
	tr, ok := ix.trees[s]
	if !ok {
		tr = &bfsTree{}
		ix.trees[s] = tr
	}
	ix.treesMu.Unlock()
	tr.once.Do(func() {
		tr.first = map[int32]int32{}
		tr.parent = map[int32]int32{s: s}
		queue := []int32{s}
		// A successor by both a control and a read edge is controlled: its
		// read entry only records it as met, its control entry expands it.
		type step struct {
			v    int32
			leaf bool
		}
		var succ []step
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			succ = succ[:0]
			for _, v := range ix.ctl[u] {
				succ = append(succ, step{v: v})
			}
			for _, v := range ix.rd[u] {
				succ = append(succ, step{v: v, leaf: true})
			}
			sort.Slice(succ, func(i, j int) bool { return ix.rank[succ[i].v] < ix.rank[succ[j].v] })
			for _, st := range succ {
				v := st.v
				if _, met := tr.first[v]; !met {
					tr.first[v] = u
				}
				if _, done := tr.parent[v]; done || st.leaf {
					continue // a read leaf is met, not expanded
				}
				tr.parent[v] = u
				queue = append(queue, v)
			}
		}
	})
	return tr
}

// Paths is Graph.Paths on the index: iterative deepening over simple
// paths, successors in ID order, so the answer is deterministic.
func (ix *Index) Paths(from, to NodeID, limit int) [][]NodeID {
	if limit <= 0 {
		limit = 16
	}
	s, ok1 := ix.pos[from]
	t, ok2 := ix.pos[to]
	if !ok1 || !ok2 || s == t {
		return nil
	}
	succ := func(u int32) []int32 {
		out := append(append([]int32(nil), ix.ctl[u]...), ix.rd[u]...)
		sort.Slice(out, func(i, j int) bool { return ix.rank[out[i]] < ix.rank[out[j]] })
		return out
	}
	// Only nodes that can still reach t are worth entering.
	useful := map[int32]bool{int32(t): true}
	for _, id := range ix.Reaching(to) {
		useful[int32(ix.pos[id])] = true
	}
	var out [][]NodeID
	onPath := make([]bool, len(ix.ids))
	var path []int32
	var walk func(u int32, depth int)
	walk = func(u int32, depth int) {
		if len(out) >= limit {
			return
		}
		path = append(path, u)
		onPath[u] = true
		defer func() { path = path[:len(path)-1]; onPath[u] = false }()
		if len(path) == depth {
			if int(u) == t {
				p := make([]NodeID, len(path))
				for i, v := range path {
					p[i] = ix.ids[v]
				}
				out = append(out, p)
			}
			return
		}
		if int(u) == t {
			return
		}
		for _, v := range succ(u) {
			if onPath[v] || !useful[v] {
				continue
			}
			if !contains(ix.ctl[u], v) && int(v) != t {
				continue // read leaves end a path only at the target
			}
			walk(v, depth)
		}
	}
	for depth := 2; depth <= MaxPathLen && len(out) < limit; depth++ {
		walk(int32(s), depth)
	}
	return out
}

func contains(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// PathEdges is Graph.PathEdges on the index. A step along a read (the
// reader reaching the store) yields the reads edge store → reader.
func (ix *Index) PathEdges(path []NodeID) []*Edge {
	var out []*Edge
	for i := 0; i+1 < len(path); i++ {
		f, ok1 := ix.pos[path[i]]
		t, ok2 := ix.pos[path[i+1]]
		if !ok1 || !ok2 {
			return nil
		}
		e := ix.edge[[2]int32{int32(f), int32(t)}]
		if e == nil {
			return nil
		}
		out = append(out, e)
	}
	return out
}

// Closure is the all-pairs reachability of a graph, as one bitset per node.
type Closure struct {
	ix    *Index
	words int
	bits  []uint64
}

// Closure computes all-pairs reachability with the semantics of Reachable:
// strongly connected components of the control edges are collapsed, then
// reach sets are unions of bitsets in reverse topological order, plus the
// stores each node reads.
func (ix *Index) Closure() *Closure {
	n := len(ix.ids)
	words := (n + 63) / 64
	c := &Closure{ix: ix, words: words, bits: make([]uint64, n*words)}
	comp, order := ix.scc()
	// Component reach sets, in reverse topological order: order lists
	// components sinks first.
	ncomp := len(order)
	creach := make([]uint64, ncomp*words)
	members := make([][]int32, ncomp)
	for v := 0; v < n; v++ {
		members[comp[v]] = append(members[comp[v]], int32(v))
	}
	setReads := func(row []uint64, u int32) {
		for _, s := range ix.rd[u] {
			row[s>>6] |= 1 << (uint(s) & 63)
		}
	}
	for _, cid := range order {
		row := creach[cid*words : (cid+1)*words]
		cyclic := len(members[cid]) > 1
		for _, u := range members[cid] {
			for _, v := range ix.ctl[u] {
				d := comp[v]
				row[v>>6] |= 1 << (uint(v) & 63)
				setReads(row, v)
				if d != cid {
					or(row, creach[d*words:(d+1)*words])
				} else {
					cyclic = true
				}
			}
		}
		if cyclic {
			for _, u := range members[cid] {
				row[u>>6] |= 1 << (uint(u) & 63)
				setReads(row, u)
			}
		}
	}
	// A node reaches what its component reaches plus what it reads.
	for v := 0; v < n; v++ {
		row := c.bits[v*words : (v+1)*words]
		copy(row, creach[comp[v]*words:(comp[v]+1)*words])
		setReads(row, int32(v))
	}
	return c
}

func or(dst, src []uint64) {
	for i := range dst {
		dst[i] |= src[i]
	}
}

// Reaches reports whether to is reachable from from.
func (c *Closure) Reaches(from, to NodeID) bool {
	f, ok1 := c.ix.pos[from]
	t, ok2 := c.ix.pos[to]
	if !ok1 || !ok2 {
		return false
	}
	return c.bits[f*c.words+t>>6]&(1<<(uint(t)&63)) != 0
}

// Count returns how many nodes are reachable from from.
func (c *Closure) Count(from NodeID) int {
	f, ok := c.ix.pos[from]
	if !ok {
		return 0
	}
	n := 0
	for _, w := range c.bits[f*c.words : (f+1)*c.words] {
		n += bits.OnesCount64(w)
	}
	return n
}

// scc computes strongly connected components of the control edges
// (iterative Tarjan). It returns each node's component and the components
// in the order Tarjan completes them, which is reverse topological (sinks
// first).
func (ix *Index) scc() (comp []int, order []int) {
	n := len(ix.ids)
	comp = make([]int, n)
	index := make([]int, n)
	low := make([]int, n)
	on := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	next := 0
	type frame struct{ v, i int }
	for root := 0; root < n; root++ {
		if index[root] >= 0 {
			continue
		}
		call := []frame{{root, 0}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		on[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.i < len(ix.ctl[f.v]) {
				w := int(ix.ctl[f.v][f.i])
				f.i++
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					on[w] = true
					call = append(call, frame{w, 0})
				} else if on[w] && index[w] < low[f.v] {
					low[f.v] = index[w]
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].v
				if low[v] < low[p] {
					low[p] = low[v]
				}
			}
			if low[v] == index[v] {
				cid := len(order)
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					on[w] = false
					comp[w] = cid
					if w == v {
						break
					}
				}
				order = append(order, cid)
			}
		}
	}
	return comp, order
}
