package code

import (
	"errors"
	"iter"
	"math/bits"
	"sync"
	"unsafe"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// node is one node of a parsed source file, copied out of the parser's
// tree so that the analyses run in plain Go (and the parser's memory is
// released as soon as a file is read).
//
// A file's nodes are one array in pre-order, and a *node points into it:
// a node's first child is the element after it (when hasKids is set) and
// its next sibling is next elements further on. Nodes hold no Go pointer
// (kind and field names are ids into the process-wide grammar tables), so
// the garbage collector never scans a tree, and a file costs one
// allocation. A *node must only be obtained from such an array.
type node struct {
	start, end int32 // byte offsets of the node's text
	line, col  int32 // 1-based start line and column (in bytes)
	kind       uint16
	fld        uint16 // field id under the parent, 0 for none
	next       int32  // elements from this node to its next sibling; 0: none
	flags      uint32
}

// Node flags.
const (
	flagKids    = 1 << iota // the next element is the first child
	flagMissing             // inserted by the parser's error recovery
)

// nodeSize is the size of one node in a file's array.
const nodeSize = unsafe.Sizeof(node{})

// typ returns the node's kind ("call", "identifier", "+", …).
func (n *node) typ() string { return grammar.kinds[n.kind] }

// field returns the field name under the parent ("function", "left", …),
// or "".
func (n *node) field() string { return grammar.fields[n.fld] }

// named reports whether the node is a named node (not an anonymous token
// such as an operator or keyword).
func (n *node) named() bool { return grammar.named[n.kind] }

// firstKid returns the first child, or nil.
func (n *node) firstKid() *node {
	if n.flags&flagKids == 0 {
		return nil
	}
	return (*node)(unsafe.Add(unsafe.Pointer(n), nodeSize))
}

// nextSibling returns the next sibling, or nil.
func (n *node) nextSibling() *node {
	if n.next == 0 {
		return nil
	}
	return (*node)(unsafe.Add(unsafe.Pointer(n), uintptr(n.next)*nodeSize))
}

// hasKids reports whether n has children.
func (n *node) hasKids() bool { return n != nil && n.flags&flagKids != 0 }

// kids iterates over the children of n (none for nil).
func (n *node) kids() iter.Seq[*node] {
	return func(yield func(*node) bool) {
		if n == nil {
			return
		}
		for k := n.firstKid(); k != nil; k = k.nextSibling() {
			if !yield(k) {
				return
			}
		}
	}
}

// eachNamed iterates over the named children of n (none for nil).
func (n *node) eachNamed() iter.Seq[*node] {
	return func(yield func(*node) bool) {
		if n == nil {
			return
		}
		for k := n.firstKid(); k != nil; k = k.nextSibling() {
			if k.named() && !yield(k) {
				return
			}
		}
	}
}

// kidList returns the children of n.
func (n *node) kidList() []*node {
	var out []*node
	for k := range n.kids() {
		out = append(out, k)
	}
	return out
}

// child returns the first child under field, or nil.
func (n *node) child(field string) *node {
	if n == nil {
		return nil
	}
	for k := n.firstKid(); k != nil; k = k.nextSibling() {
		if k.fld != 0 && grammar.fields[k.fld] == field {
			return k
		}
	}
	return nil
}

// namedKids returns the named children.
func (n *node) namedKids() []*node {
	if n == nil {
		return nil
	}
	c := 0
	for k := n.firstKid(); k != nil; k = k.nextSibling() {
		if k.named() {
			c++
		}
	}
	out := make([]*node, 0, c)
	for k := n.firstKid(); k != nil; k = k.nextSibling() {
		if k.named() {
			out = append(out, k)
		}
	}
	return out
}

// firstNamed returns the first named child, or nil.
func (n *node) firstNamed() *node {
	if n == nil {
		return nil
	}
	for k := n.firstKid(); k != nil; k = k.nextSibling() {
		if k.named() {
			return k
		}
	}
	return nil
}

// hasKid reports whether n has an anonymous child token with text typ
// (an operator or keyword such as "not" or "+").
func (n *node) hasToken(typ string) bool {
	if n == nil {
		return false
	}
	for k := n.firstKid(); k != nil; k = k.nextSibling() {
		if !k.named() && k.typ() == typ {
			return true
		}
	}
	return false
}

// grammarTables are the node kind and field names of every grammar by
// process-wide id: each grammar's ids are offset so that the three share
// one table. They are read from the grammars once and never change.
type grammarTables struct {
	kinds  []string
	named  []bool
	fields []string // fields[0] is ""
	// errorKind is the kind of ERROR nodes, unknownKind that of ids
	// outside a grammar's table.
	errorKind, unknownKind uint16
}

// syntaxError is a place where the parser could not make sense of the
// source.
type syntaxError struct {
	line, col int
	missing   string // the token the parser inserted, for MISSING nodes
}

// parsed is a parsed file.
type parsed struct {
	root *node
	// arr is the array root points into, for nodePool.put.
	arr    []node
	errs   []syntaxError
	nodes  int
	capped bool // the tree was larger than maxNodes and was cut
	// errors: the tree has syntax errors (errs holds the first ones).
	errors bool
}

// parser parses source text of one language into a tree: all of it, or
// only the parts ranges name (nil: all). The tree-sitter implementation
// needs cgo; a build without cgo has none.
type parser interface {
	parse(lang model.Format, src []byte, ranges []srcRange) (*parsed, error)
	close()
}

// errNoParser is returned by newParser in a build without cgo.
var errNoParser = errors.New("this build has no handler-code analysis (it was built without cgo; build with CGO_ENABLED=1 and a C compiler to analyse handler code)")

// maxNodes bounds the tree copied out of the parser for one file.
const maxNodes = 2_000_000

// maxErrors bounds the syntax errors kept for one file.
const maxErrors = 100

// nodePool recycles the node arrays of released files (handler modules
// whose functions have been analysed) for the files parsed next, so that
// parsing a batch allocates little once the first batches are done. An
// array goes back only when no *node into it remains reachable (see
// shared.release). It is safe for concurrent use; a nil pool allocates.
type nodePool struct {
	mu sync.Mutex
	// free[c] holds arrays whose capacity is at least 1<<c nodes.
	free [32][][]node
}

// minPooled is the smallest array the pool keeps (smaller ones are cheap
// to allocate).
const minPooled = 1 << 10

// get returns an array of n nodes, its contents unspecified.
func (p *nodePool) get(n int) []node {
	if p != nil && n >= minPooled {
		c := bits.Len(uint(n - 1)) // 1<<c >= n
		p.mu.Lock()
		for k := c; k < len(p.free) && k <= c+2; k++ {
			if l := len(p.free[k]); l > 0 {
				arr := p.free[k][l-1]
				p.free[k][l-1] = nil
				p.free[k] = p.free[k][:l-1]
				p.mu.Unlock()
				return arr[:n]
			}
		}
		p.mu.Unlock()
		// A new array gets the capacity of its class, so that it serves
		// every later request of the class.
		return make([]node, n, 1<<c)
	}
	return make([]node, n)
}

// put gives arr back for reuse. The caller guarantees that nothing refers
// to it any more.
func (p *nodePool) put(arr []node) {
	if p == nil || cap(arr) < minPooled {
		return
	}
	c := bits.Len(uint(cap(arr))) - 1 // 1<<c <= cap
	p.mu.Lock()
	if c < len(p.free) && len(p.free[c]) < 64 {
		p.free[c] = append(p.free[c], arr[:0])
	}
	p.mu.Unlock()
}
