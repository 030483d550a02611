//go:build cgo

package code

/*
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>

// The parts of tree-sitter's C API (lib/include/tree_sitter/api.h, ABI of
// go-tree-sitter v0.25) the tree walk needs. The library itself is linked
// in by github.com/tree-sitter/go-tree-sitter; the declarations are weak so
// that cgo's own link check of this package does not need it.
typedef struct { uint32_t context[4]; const void *id; const void *tree; } nl_node;
typedef struct { const void *tree; const void *id; uint32_t context[3]; } nl_cursor;
extern nl_cursor ts_tree_cursor_new(nl_node) __attribute__((weak));
extern void ts_tree_cursor_delete(nl_cursor *) __attribute__((weak));
extern nl_node ts_tree_cursor_current_node(const nl_cursor *) __attribute__((weak));
extern uint16_t ts_tree_cursor_current_field_id(const nl_cursor *) __attribute__((weak));
extern bool ts_tree_cursor_goto_first_child(nl_cursor *) __attribute__((weak));
extern bool ts_tree_cursor_goto_next_sibling(nl_cursor *) __attribute__((weak));
extern bool ts_tree_cursor_goto_parent(nl_cursor *) __attribute__((weak));
extern uint16_t ts_node_symbol(nl_node) __attribute__((weak));
extern uint32_t ts_node_start_byte(nl_node) __attribute__((weak));
extern uint32_t ts_node_end_byte(nl_node) __attribute__((weak));
extern bool ts_node_is_missing(nl_node) __attribute__((weak));
extern void ts_set_allocator(void *(*)(size_t), void *(*)(size_t, size_t), void *(*)(void *, size_t), void (*)(void *)) __attribute__((weak));

// nl_use_libc_allocator makes tree-sitter allocate with the C library
// directly. go-tree-sitter routes each of its allocations through a Go
// callback by default (to C.malloc in the end), which costs a C-to-Go
// transition per allocation: a quarter of the parse time.
static int nl_use_libc_allocator(void) {
	if (!ts_set_allocator) return 0;
	ts_set_allocator(malloc, calloc, realloc, free);
	return 1;
}

typedef struct {
	uint32_t start, end, depth;
	uint16_t kind, field;
	uint8_t missing;
} nl_rec;

// nl_walk writes the tree under root in pre-order into out (at most cap
// records) and returns the number of nodes it has, up to limit.
// Tokens whose kind is marked in skip (punctuation) are left out unless
// they sit under a field or are missing (inserted by error recovery).
static uint32_t nl_walk(const void *root, nl_rec *out, uint32_t cap, uint32_t limit, int errors, const uint8_t *skip, uint32_t nskip) {
	if (!ts_tree_cursor_new) return 0;
	nl_cursor c = ts_tree_cursor_new(*(const nl_node *)root);
	uint32_t n = 0, depth = 0;
	for (;;) {
		nl_node x = ts_tree_cursor_current_node(&c);
		uint16_t kind = ts_node_symbol(x);
		uint16_t field = ts_tree_cursor_current_field_id(&c);
		uint8_t missing = errors && ts_node_is_missing(x);
		if (field != 0 || kind >= nskip || !skip[kind] || missing) {
			if (n < cap) {
				nl_rec *r = &out[n];
				r->start = ts_node_start_byte(x);
				r->end = ts_node_end_byte(x);
				r->depth = depth;
				r->kind = kind;
				r->field = field;
				r->missing = missing;
			}
			n++;
			if (n >= limit) break;
		}
		if (ts_tree_cursor_goto_first_child(&c)) { depth++; continue; }
		for (;;) {
			if (ts_tree_cursor_goto_next_sibling(&c)) break;
			if (!ts_tree_cursor_goto_parent(&c)) { ts_tree_cursor_delete(&c); return n; }
			depth--;
		}
	}
	ts_tree_cursor_delete(&c);
	return n;
}
*/
import "C"

import (
	"sync"
	"unsafe"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// libcAllocator switches tree-sitter to the C library's allocator, once
// per process. Memory allocated before is compatible: the default Go
// callbacks allocate with C.malloc too.
var libcAllocator = sync.OnceFunc(func() { C.nl_use_libc_allocator() })

// walkTree copies the tree under root into plain Go nodes: one call into C
// writes every node (kind, field, byte range, depth) into a flat array,
// and the Go side rebuilds the tree from it, with lines and columns from
// the start bytes and names from the grammar's tables. Syntax errors are
// collected when the tree has any. Trees of more than maxNodes nodes are
// cut (pre-order) and marked capped.
func walkTree(root *sitter.Node, syms *symbols, src []byte, hasError bool) *parsed {
	out := &parsed{}
	errs := C.int(0)
	if hasError {
		errs = 1
	}
	want := min(len(src)/4+64, maxNodes)
	var recs []C.nl_rec
	var n int
	for {
		recs = make([]C.nl_rec, want)
		n = int(C.nl_walk(unsafe.Pointer(root), &recs[0], C.uint32_t(want), C.uint32_t(maxNodes+1), errs,
			(*C.uint8_t)(unsafe.Pointer(&syms.skip[0])), C.uint32_t(len(syms.skip))))
		if n <= want || want >= maxNodes {
			break
		}
		want = min(n, maxNodes)
	}
	if n == 0 {
		return out
	}
	if n > maxNodes {
		n = maxNodes
		out.capped = true
	}
	recs = recs[:n]
	lineStarts := []int{0}
	for i, b := range src {
		if b == '\n' {
			lineStarts = append(lineStarts, i+1)
		}
	}
	nodes := make([]node, n)
	// Parents by depth; children counted first so that every node's kids
	// are one slice of a single array.
	parent := make([]int32, n)
	nkids := make([]int32, n)
	var stack []int32
	for i := range recs {
		d := int(recs[i].depth)
		if d < len(stack) {
			stack = stack[:d]
		}
		parent[i] = -1
		if d > 0 && len(stack) > 0 {
			parent[i] = stack[len(stack)-1]
			nkids[parent[i]]++
		}
		stack = append(stack, int32(i))
	}
	kids := make([]*node, n)
	off := 0
	line := 0
	for i := range recs {
		r := &recs[i]
		start, end := int(r.start), int(r.end)
		if lineStarts[line] > start {
			line = 0
		}
		for line+1 < len(lineStarts) && lineStarts[line+1] <= start {
			if line+64 < len(lineStarts) && lineStarts[line+64] <= start {
				line += 64
				continue
			}
			line++
		}
		typ, named := syms.kind(uint16(r.kind))
		nd := &nodes[i]
		*nd = node{typ: typ, field: syms.field(uint16(r.field)), start: start, end: end, line: line + 1,
			col: start - lineStarts[line] + 1, named: named}
		if k := int(nkids[i]); k > 0 {
			nd.kids = kids[off : off : off+k]
			off += k
		}
		if p := parent[i]; p >= 0 {
			nodes[p].kids = append(nodes[p].kids, nd)
		}
		if hasError && len(out.errs) < maxErrors {
			switch {
			case r.kind == 65535: // ERROR
				out.errs = append(out.errs, syntaxError{line: nd.line, col: nd.col})
			case r.missing != 0:
				out.errs = append(out.errs, syntaxError{line: nd.line, col: nd.col, missing: typ})
			}
		}
	}
	out.root = &nodes[0]
	out.nodes = n
	return out
}
