package code

import "testing"

// TestNodePool checks that the pool hands out arrays of the requested
// length, recycles a released array for a request of its class, and
// never for a larger one.
func TestNodePool(t *testing.T) {
	var p nodePool
	a := p.get(3000)
	if len(a) != 3000 || cap(a) != 4096 {
		t.Fatalf("get(3000): len %d cap %d, want 3000 and 4096", len(a), cap(a))
	}
	p.put(a)
	if b := p.get(5000); &b[0] == &a[:1][0] {
		t.Fatal("an array of 4096 nodes was given for 5000")
	}
	b := p.get(2500)
	if len(b) != 2500 || &b[0] != &a[:1][0] {
		t.Fatalf("get(2500) after put: len %d, recycled %v", len(b), &b[0] == &a[:1][0])
	}
	small := p.get(10)
	p.put(small)
	if c := p.get(10); &c[0] == &small[0] {
		t.Error("arrays under minPooled nodes are not kept")
	}
	var none *nodePool
	if c := none.get(2000); len(c) != 2000 {
		t.Errorf("nil pool: len %d", len(c))
	}
	none.put(a) // no-op
}

// TestReleaseDropsSummariesOfArguments checks that releasing a handler
// file drops the summaries of shared functions that were called with one
// of its functions as an argument: their keys hold the addresses of its
// nodes, which a recycled array gives to other nodes.
func TestReleaseDropsSummariesOfArguments(t *testing.T) {
	nodes := make([]node, 4)
	handler := &fileInfo{path: "h.py", root: &nodes[0], arr: nodes}
	lib := &fileInfo{path: "lib.py", root: &nodes[2]}
	handler.imports = []importRef{{module: "lib", local: "lib.py"}}
	sh := newShared(map[string]*fileInfo{"h.py": handler, "lib.py": lib})
	cb := val{fn: &fnRef{file: handler, n: &nodes[1]}}
	plain := val{str: "x", isStr: true}
	withCB := sumKey{fn: &nodes[2], args: argsKey([]val{cb})}
	withStr := sumKey{fn: &nodes[2], args: argsKey([]val{plain})}
	sh.sums[withCB] = &sumEntry{file: lib, refs: argFiles([]val{cb})}
	sh.sums[withStr] = &sumEntry{file: lib, refs: argFiles([]val{plain})}
	sh.release()
	if !handler.released || lib.released {
		t.Fatalf("released: handler %v lib %v, want true false", handler.released, lib.released)
	}
	if sh.sums[withCB] != nil {
		t.Error("the summary of a call with the released file's function as argument was kept")
	}
	if sh.sums[withStr] == nil {
		t.Error("the summary of a call with a constant argument was dropped")
	}
}
