//go:build cgo

package code

/*
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

// The parts of tree-sitter's C API (lib/include/tree_sitter/api.h, ABI of
// go-tree-sitter v0.25) the parse needs. The library itself is linked in
// by github.com/tree-sitter/go-tree-sitter; the declarations are weak so
// that cgo's own link check of this package does not need it.
typedef struct { uint32_t context[4]; const void *id; const void *tree; } nl_tsnode;
typedef struct { const void *tree; const void *id; uint32_t context[3]; } nl_cursor;
typedef struct { uint32_t row, column; } nl_point;
extern void *ts_parser_new(void) __attribute__((weak));
extern void ts_parser_delete(void *) __attribute__((weak));
extern bool ts_parser_set_language(void *, const void *) __attribute__((weak));
extern void *ts_parser_parse_string(void *, const void *, const char *, uint32_t) __attribute__((weak));
typedef struct { nl_point start_point, end_point; uint32_t start_byte, end_byte; } nl_range;
extern bool ts_parser_set_included_ranges(void *, const nl_range *, uint32_t) __attribute__((weak));
extern void ts_tree_delete(void *) __attribute__((weak));
extern nl_tsnode ts_tree_root_node(const void *) __attribute__((weak));
extern bool ts_node_has_error(nl_tsnode) __attribute__((weak));
extern nl_point ts_node_start_point(nl_tsnode) __attribute__((weak));
extern nl_cursor ts_tree_cursor_new(nl_tsnode) __attribute__((weak));
extern void ts_tree_cursor_delete(nl_cursor *) __attribute__((weak));
extern nl_tsnode ts_tree_cursor_current_node(const nl_cursor *) __attribute__((weak));
extern uint16_t ts_tree_cursor_current_field_id(const nl_cursor *) __attribute__((weak));
extern bool ts_tree_cursor_goto_first_child(nl_cursor *) __attribute__((weak));
extern bool ts_tree_cursor_goto_next_sibling(nl_cursor *) __attribute__((weak));
extern bool ts_tree_cursor_goto_parent(nl_cursor *) __attribute__((weak));
extern uint16_t ts_node_symbol(nl_tsnode) __attribute__((weak));
extern uint32_t ts_node_start_byte(nl_tsnode) __attribute__((weak));
extern uint32_t ts_node_end_byte(nl_tsnode) __attribute__((weak));
extern bool ts_node_is_missing(nl_tsnode) __attribute__((weak));
extern void ts_set_allocator(void *(*)(size_t), void *(*)(size_t, size_t), void *(*)(void *, size_t), void (*)(void *)) __attribute__((weak));

// An arena for one parse. tree-sitter allocates a block per syntax node
// and frees each again when the tree is deleted (after the walk, the whole
// tree at once): with libc that is a third of the parse time. While
// nl_parse runs, the thread's allocations come from the arena, frees are
// no-ops, and the arena is emptied when the parse is done. Everything
// tree-sitter allocates during a parse (the parser, its stacks, the tree)
// is made and dropped inside nl_parse, so no block outlives its arena.
// Each block is preceded by its size (realloc needs it).
typedef struct nl_chunk {
	struct nl_chunk *next;
	size_t size, used;
	// data follows, 16-aligned
} nl_chunk;

#define NL_HDR 16
#define NL_CHUNK_HDR ((sizeof(nl_chunk) + 15) & ~(size_t)15)

typedef struct {
	nl_chunk *head;   // the chunk allocations come from; older ones follow
	void *last;       // the last block allocated (realloc grows it in place)
} nl_arena;

static __thread nl_arena *nl_cur;

static int nl_in_arena(nl_arena *a, void *p) {
	for (nl_chunk *c = a->head; c; c = c->next) {
		char *d = (char *)c + NL_CHUNK_HDR;
		if ((char *)p >= d && (char *)p < d + c->size) return 1;
	}
	return 0;
}

static void *nl_arena_alloc(nl_arena *a, size_t n) {
	size_t need = ((n + 15) & ~(size_t)15) + NL_HDR;
	nl_chunk *c = a->head;
	if (!c || c->size - c->used < need) {
		size_t size = c ? c->size * 2 : ((size_t)1 << 20);
		if (size > ((size_t)64 << 20)) size = (size_t)64 << 20;
		if (size < need) size = need;
		nl_chunk *nc = malloc(NL_CHUNK_HDR + size);
		if (!nc) return NULL;
		nc->next = c; nc->size = size; nc->used = 0;
		a->head = c = nc;
	}
	char *b = (char *)c + NL_CHUNK_HDR + c->used;
	c->used += need;
	*(size_t *)b = n;
	a->last = b + NL_HDR;
	return b + NL_HDR;
}

// nl_arena_reset empties the arena, keeping its newest chunk for the next
// parse when it is not larger than 16 MiB.
static void nl_arena_reset(nl_arena *a) {
	nl_chunk *keep = a->head;
	if (keep && keep->size > ((size_t)16 << 20)) keep = NULL;
	nl_chunk *c = a->head;
	while (c) {
		nl_chunk *next = c->next;
		if (c != keep) free(c);
		c = next;
	}
	if (keep) { keep->next = NULL; keep->used = 0; }
	a->head = keep;
	a->last = NULL;
}

static void *nl_malloc(size_t n) {
	nl_arena *a = nl_cur;
	return a ? nl_arena_alloc(a, n) : malloc(n);
}

static void *nl_calloc(size_t k, size_t n) {
	nl_arena *a = nl_cur;
	if (!a) return calloc(k, n);
	if (n && k > SIZE_MAX / n) return NULL;
	void *p = nl_arena_alloc(a, k * n);
	if (p) memset(p, 0, k * n);
	return p;
}

static void nl_free(void *p) {
	nl_arena *a = nl_cur;
	if (!p || (a && nl_in_arena(a, p))) return;
	free(p);
}

static void *nl_realloc(void *p, size_t n) {
	nl_arena *a = nl_cur;
	if (!p) return nl_malloc(n);
	if (!a || !nl_in_arena(a, p)) return realloc(p, n);
	size_t old = *(size_t *)((char *)p - NL_HDR);
	nl_chunk *c = a->head;
	if (p == a->last) {
		// The newest block: grow or shrink it in place when the chunk has room.
		size_t off = (char *)p - ((char *)c + NL_CHUNK_HDR);
		size_t need = (n + 15) & ~(size_t)15;
		if (off + need <= c->size) {
			c->used = off + need;
			*(size_t *)((char *)p - NL_HDR) = n;
			return p;
		}
	}
	void *q = nl_arena_alloc(a, n);
	if (q) memcpy(q, p, old < n ? old : n);
	return q;
}

// nl_use_arena_allocator makes tree-sitter allocate with the functions
// above: from the thread's arena during nl_parse, else with the C
// library directly. go-tree-sitter routes each allocation through a Go
// callback by default (to C.malloc in the end), which costs a C-to-Go
// transition per allocation.
static int nl_use_arena_allocator(void) {
	if (!ts_set_allocator) return 0;
	ts_set_allocator(nl_malloc, nl_calloc, nl_realloc, nl_free);
	return 1;
}

// nl_node is the Go type node, field for field (walk_cgo.go checks the
// layout).
typedef struct {
	int32_t start, end, line, col;
	uint16_t kind, field;
	int32_t next;
	uint32_t flags;
} nl_node;

enum { NL_KIDS = 1, NL_MISSING = 2 };

// nl_state is one parser's reusable memory: the arena tree-sitter
// allocates from, the node array the walk fills, and the walk's stacks.
typedef struct {
	nl_arena arena;
	nl_node *nodes;
	uint32_t cap;
	int32_t *par;   // par[d]: the recorded node children at depth d+1 attach to (-1: none)
	uint32_t *pd;   // pd[d]: the depth of par[d]
	int32_t *last;  // last[e]: the last child recorded under the recorded node at depth e
	uint32_t dcap;
} nl_state;

static nl_state *nl_state_new(void) { return calloc(1, sizeof(nl_state)); }

static void nl_state_free(nl_state *s) {
	if (!s) return;
	nl_arena_reset(&s->arena);
	free(s->arena.head);
	free(s->nodes); free(s->par); free(s->pd); free(s->last);
	free(s);
}

static int nl_grow_depth(nl_state *s, uint32_t d) {
	if (d < s->dcap) return 1;
	uint32_t c = s->dcap ? s->dcap * 2 : 256;
	while (c <= d) c *= 2;
	int32_t *par = realloc(s->par, c * sizeof(int32_t));
	if (!par) return 0;
	s->par = par;
	uint32_t *pd = realloc(s->pd, c * sizeof(uint32_t));
	if (!pd) return 0;
	s->pd = pd;
	int32_t *last = realloc(s->last, c * sizeof(int32_t));
	if (!last) return 0;
	s->last = last;
	s->dcap = c;
	return 1;
}

// nl_result is what nl_parse reports besides the nodes.
typedef struct {
	uint32_t n;      // nodes written to the state's array
	int32_t status;  // 0 ok, 1 no library, 2 bad grammar, 3 parser gave up, 4 out of memory, 5 bad ranges
	uint8_t errors;  // the tree has syntax errors
	uint8_t capped;  // the tree had more than limit nodes and was cut
} nl_result;

// nl_parse parses src with the grammar lang and writes the tree into
// s->nodes in pre-order: one call per file. With nranges > 0 only those
// parts of src are parsed (tree-sitter's included ranges). The parser and the tree live
// in the state's arena for the call; the parser is deleted (its grammar's
// external scanner frees its own state) and the arena emptied at the end. Punctuation tokens (skip[kind] set) are
// left out unless they sit under a field or are missing; a node's
// children are those of its nearest recorded ancestor. Kind and field ids
// are offset by kind_base and field_base into the process-wide tables;
// ERROR nodes get error_kind, other ids outside the grammar unknown_kind.
static void nl_parse(nl_state *s, const void *lang, const char *src, uint32_t len,
		const uint8_t *skip, uint32_t nkinds, uint16_t kind_base, uint16_t field_base,
		uint16_t error_kind, uint16_t unknown_kind, uint32_t limit,
		const nl_range *ranges, uint32_t nranges, nl_result *res) {
	memset(res, 0, sizeof(*res));
	if (!ts_parser_new || !ts_tree_cursor_new) { res->status = 1; return; }
	nl_cur = &s->arena;
	void *p = ts_parser_new();
	if (!p) { res->status = 4; goto out; }
	if (!ts_parser_set_language(p, lang)) { res->status = 2; goto out; }
	if (nranges > 0 && (!ts_parser_set_included_ranges || !ts_parser_set_included_ranges(p, ranges, nranges))) {
		res->status = 5;
		goto out;
	}
	void *tree = ts_parser_parse_string(p, NULL, src, len);
	if (!tree) { res->status = 3; goto out; }
	nl_tsnode root = ts_tree_root_node(tree);
	int errors = ts_node_has_error(root);
	res->errors = errors;
	nl_cursor c = ts_tree_cursor_new(root);
	uint32_t n = 0, depth = 0;
	for (;;) {
		nl_tsnode x = ts_tree_cursor_current_node(&c);
		uint16_t kind = ts_node_symbol(x);
		uint16_t field = ts_tree_cursor_current_field_id(&c);
		uint8_t missing = errors && ts_node_is_missing(x);
		if (!nl_grow_depth(s, depth)) { res->status = 4; break; }
		int32_t parent = depth > 0 ? s->par[depth - 1] : -1;
		uint32_t pdepth = depth > 0 ? s->pd[depth - 1] : 0;
		if (field != 0 || kind >= nkinds || !skip[kind] || missing) {
			if (n >= limit) { res->capped = 1; break; }
			if (n >= s->cap) {
				uint32_t cap = s->cap ? s->cap * 2 : 4096;
				nl_node *nodes = realloc(s->nodes, (size_t)cap * sizeof(nl_node));
				if (!nodes) { res->status = 4; break; }
				s->nodes = nodes;
				s->cap = cap;
			}
			nl_node *r = &s->nodes[n];
			nl_point pt = ts_node_start_point(x);
			r->start = (int32_t)ts_node_start_byte(x);
			r->end = (int32_t)ts_node_end_byte(x);
			r->line = (int32_t)pt.row + 1;
			r->col = (int32_t)pt.column + 1;
			r->kind = kind < nkinds ? (uint16_t)(kind + kind_base) : (kind == 65535 ? error_kind : unknown_kind);
			r->field = field ? (uint16_t)(field + field_base) : 0;
			r->next = 0;
			r->flags = missing ? NL_MISSING : 0;
			if (parent >= 0) {
				int32_t prev = s->last[pdepth];
				if (prev >= 0) s->nodes[prev].next = (int32_t)n - prev;
				else s->nodes[parent].flags |= NL_KIDS;
				s->last[pdepth] = (int32_t)n;
			}
			s->last[depth] = -1;
			s->par[depth] = (int32_t)n;
			s->pd[depth] = depth;
			n++;
		} else {
			s->par[depth] = parent;
			s->pd[depth] = pdepth;
		}
		if (ts_tree_cursor_goto_first_child(&c)) { depth++; continue; }
		int done = 0;
		for (;;) {
			if (ts_tree_cursor_goto_next_sibling(&c)) break;
			if (!ts_tree_cursor_goto_parent(&c)) { done = 1; break; }
			depth--;
		}
		if (done) break;
	}
	res->n = n;
out:
	// The cursor and the tree need no deletion: their memory is the
	// arena's. The parser is deleted for its external scanner.
	if (p) ts_parser_delete(p);
	nl_cur = NULL;
	nl_arena_reset(&s->arena);
}
*/
import "C"

import (
	"fmt"
	"math"
	"sync"
	"unsafe"
)

// The C walk writes Go nodes: the layouts must agree.
var _ = [1]struct{}{}[unsafe.Sizeof(C.nl_node{})-nodeSize]
var _ = [1]struct{}{}[unsafe.Offsetof(C.nl_node{}.next)-unsafe.Offsetof(node{}.next)]
var _ = [1]struct{}{}[unsafe.Offsetof(C.nl_node{}.kind)-unsafe.Offsetof(node{}.kind)]
var _ = [1]struct{}{}[unsafe.Offsetof(C.nl_node{}.flags)-unsafe.Offsetof(node{}.flags)]

// arenaAllocator switches tree-sitter to nl_parse's arena allocator (the
// C library's outside nl_parse), once per process. Memory allocated
// before is compatible: the default Go callbacks allocate with C.malloc
// too.
var arenaAllocator = sync.OnceFunc(func() { C.nl_use_arena_allocator() })

// cState is a parser's C memory (tree-sitter parsers, node buffer).
type cState = C.nl_state

func newCState() *cState { return C.nl_state_new() }

func freeCState(s *cState) { C.nl_state_free(s) }

// empty is a valid address for parsing empty text.
var empty = []byte{0}

// parseTree parses src (only the parts ranges name, when there are any)
// with grammar g using s's parser for it and copies the tree into one
// pointer-free array: one call into C per file.
// Syntax errors are collected when the tree has any. Trees of more than
// maxNodes nodes are cut (pre-order) and marked capped. The array comes
// from pool (nil: a new one).
func parseTree(s *cState, g *langTable, src []byte, ranges []srcRange, pool *nodePool) (*parsed, error) {
	text := unsafe.Pointer(unsafe.SliceData(empty))
	if len(src) > 0 {
		text = unsafe.Pointer(unsafe.SliceData(src))
	}
	var cr []C.nl_range
	if len(ranges) > 0 {
		cr = make([]C.nl_range, len(ranges))
		for i, r := range ranges {
			c := &cr[i]
			c.start_byte, c.start_point.row = C.uint32_t(r.start), C.uint32_t(r.startRow)
			if r.end < 0 {
				c.end_byte, c.end_point.row, c.end_point.column = C.uint32_t(math.MaxUint32), C.uint32_t(math.MaxUint32), C.uint32_t(math.MaxUint32)
			} else {
				c.end_byte, c.end_point.row = C.uint32_t(r.end), C.uint32_t(r.endRow)
			}
		}
	}
	var crp *C.nl_range
	if len(cr) > 0 {
		crp = &cr[0]
	}
	var res C.nl_result
	C.nl_parse(s, g.lang, (*C.char)(text), C.uint32_t(len(src)),
		(*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(g.skip))), C.uint32_t(len(g.skip)),
		C.uint16_t(g.kindBase), C.uint16_t(g.fieldBase), C.uint16_t(grammar.errorKind), C.uint16_t(grammar.unknownKind),
		C.uint32_t(maxNodes), crp, C.uint32_t(len(cr)), &res)
	switch res.status {
	case 1:
		return nil, fmt.Errorf("the %s syntax tree could not be read (tree-sitter library not linked)", g.format)
	case 2:
		return nil, fmt.Errorf("load %s grammar: incompatible language version", g.format)
	case 3:
		return nil, fmt.Errorf("the %s parser gave up on this file", g.format)
	case 4:
		return nil, fmt.Errorf("out of memory reading the %s syntax tree", g.format)
	case 5:
		return nil, fmt.Errorf("the %s parser refused the ranges to parse", g.format)
	}
	n := int(res.n)
	if n == 0 {
		return nil, fmt.Errorf("the %s syntax tree is empty", g.format)
	}
	nodes := pool.get(n)
	copy(nodes, unsafe.Slice((*node)(unsafe.Pointer(s.nodes)), n))
	out := &parsed{root: &nodes[0], arr: nodes, nodes: n, capped: res.capped != 0, errors: res.errors != 0}
	if res.errors != 0 {
		for i := range nodes {
			if len(out.errs) >= maxErrors {
				break
			}
			nd := &nodes[i]
			switch {
			case nd.kind == grammar.errorKind:
				out.errs = append(out.errs, syntaxError{line: int(nd.line), col: int(nd.col)})
			case nd.flags&flagMissing != 0:
				out.errs = append(out.errs, syntaxError{line: int(nd.line), col: int(nd.col), missing: nd.typ()})
			}
		}
	}
	return out, nil
}
