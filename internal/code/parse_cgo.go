//go:build cgo

package code

import (
	"fmt"

	sitter "github.com/tree-sitter/go-tree-sitter"
	tsjs "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
	tspy "github.com/tree-sitter/tree-sitter-python/bindings/go"
	tsts "github.com/tree-sitter/tree-sitter-typescript/bindings/go"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// treeSitter parses with tree-sitter. It holds one tree-sitter parser per
// language and is not safe for concurrent use.
type treeSitter struct {
	parsers map[model.Format]*sitter.Parser
}

// Available reports whether this build can parse handler code.
func Available() bool { return true }

func newParser() (parser, error) { return &treeSitter{parsers: map[model.Format]*sitter.Parser{}}, nil }

func language(lang model.Format) *sitter.Language {
	switch lang {
	case model.FormatPython:
		return sitter.NewLanguage(tspy.Language())
	case model.FormatJavaScript:
		return sitter.NewLanguage(tsjs.Language())
	case model.FormatTypeScript:
		return sitter.NewLanguage(tsts.LanguageTypescript())
	}
	return nil
}

func (t *treeSitter) parse(lang model.Format, src []byte) (*parsed, error) {
	p := t.parsers[lang]
	if p == nil {
		l := language(lang)
		if l == nil {
			return nil, fmt.Errorf("no grammar for %s", lang)
		}
		p = sitter.NewParser()
		if err := p.SetLanguage(l); err != nil {
			p.Close()
			return nil, fmt.Errorf("load %s grammar: %w", lang, err)
		}
		t.parsers[lang] = p
	}
	tree := p.Parse(src, nil)
	if tree == nil {
		p.Reset()
		return nil, fmt.Errorf("the %s parser gave up on this file", lang)
	}
	defer tree.Close()
	cur := tree.Walk()
	defer cur.Close()
	return copyTree(cur), nil
}

func (t *treeSitter) close() {
	for _, p := range t.parsers {
		p.Close()
	}
	t.parsers = nil
}

// copyTree copies the tree under the cursor into plain Go nodes, without
// recursion (hostile input nests deeply), collecting syntax errors.
func copyTree(cur *sitter.TreeCursor) *parsed {
	out := &parsed{}
	mk := func() *node {
		n := cur.Node()
		p := n.StartPosition()
		nd := &node{typ: n.Kind(), field: cur.FieldName(), start: int(n.StartByte()), end: int(n.EndByte()),
			line: int(p.Row) + 1, col: int(p.Column) + 1, named: n.IsNamed()}
		switch {
		case len(out.errs) >= maxErrors:
		case n.IsMissing():
			out.errs = append(out.errs, syntaxError{line: nd.line, col: nd.col, missing: n.Kind()})
		case n.IsError():
			out.errs = append(out.errs, syntaxError{line: nd.line, col: nd.col})
		}
		out.nodes++
		return nd
	}
	root := mk()
	out.root = root
	stack := []*node{root}
	for {
		if out.nodes < maxNodes && cur.GotoFirstChild() {
			k := mk()
			parent := stack[len(stack)-1]
			parent.kids = append(parent.kids, k)
			stack = append(stack, k)
			continue
		}
		if out.nodes >= maxNodes {
			out.capped = true
			return out
		}
		for {
			if cur.GotoNextSibling() {
				stack = stack[:len(stack)-1]
				k := mk()
				parent := stack[len(stack)-1]
				parent.kids = append(parent.kids, k)
				stack = append(stack, k)
				break
			}
			if !cur.GotoParent() {
				return out
			}
			stack = stack[:len(stack)-1]
		}
	}
}
