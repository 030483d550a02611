package code

import (
	"errors"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// node is one node of a parsed source file, copied out of the parser's
// tree so that the analyses run in plain Go (and the parser's memory is
// released as soon as a file is read).
type node struct {
	typ   string
	field string // the field name under the parent ("function", "left", …), or ""
	start int    // byte offsets of the node's text
	end   int
	line  int // 1-based start line and column
	col   int
	named bool
	kids  []*node
}

// child returns the first child under field, or nil.
func (n *node) child(field string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.field == field {
			return k
		}
	}
	return nil
}

// named returns the named children.
func (n *node) namedKids() []*node {
	if n == nil {
		return nil
	}
	out := make([]*node, 0, len(n.kids))
	for _, k := range n.kids {
		if k.named {
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
	for _, k := range n.kids {
		if k.named {
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
	for _, k := range n.kids {
		if !k.named && k.typ == typ {
			return true
		}
	}
	return false
}

// syntaxError is a place where the parser could not make sense of the
// source.
type syntaxError struct {
	line, col int
	missing   string // the token the parser inserted, for MISSING nodes
}

// parsed is a parsed file.
type parsed struct {
	root   *node
	errs   []syntaxError
	nodes  int
	capped bool // the tree was larger than maxNodes and was cut
}

// parser parses source text of one language into a tree. The tree-sitter
// implementation needs cgo; a build without cgo has none.
type parser interface {
	parse(lang model.Format, src []byte) (*parsed, error)
	close()
}

// errNoParser is returned by newParser in a build without cgo.
var errNoParser = errors.New("this build has no handler-code analysis (it was built without cgo; build with CGO_ENABLED=1 and a C compiler to analyse handler code)")

// maxNodes bounds the tree copied out of the parser for one file.
const maxNodes = 2_000_000

// maxErrors bounds the syntax errors kept for one file.
const maxErrors = 100
