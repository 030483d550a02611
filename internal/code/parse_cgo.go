//go:build cgo

package code

import (
	"fmt"
	"strings"

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
	tables  map[model.Format]*symbols
}

// symbols are a grammar's node kind and field names by numeric id, read
// once, so that copying a tree does not ask the C library for (and
// allocate) a string per node.
type symbols struct {
	lang   *sitter.Language
	kinds  []string
	named  []bool
	fields []string
	// skip marks punctuation tokens, which trees leave out (1: skip).
	skip  []uint8
	extra map[uint16]symbol // ids outside the table (ERROR is 65535)
}

type symbol struct {
	name  string
	named bool
}

func newSymbols(l *sitter.Language) *symbols {
	t := &symbols{lang: l, extra: map[uint16]symbol{}}
	n := l.NodeKindCount()
	t.kinds = make([]string, n)
	t.named = make([]bool, n)
	t.skip = make([]uint8, n+1)
	for id := uint32(0); id < n; id++ {
		t.kinds[id] = l.NodeKindForId(uint16(id))
		t.named[id] = l.NodeKindIsNamed(uint16(id))
		if !t.named[id] && t.kinds[id] != "" && strings.Trim(t.kinds[id], "()[]{},;:.\"'`$") == "" {
			t.skip[id] = 1
		}
	}
	f := l.FieldCount()
	t.fields = make([]string, f+1)
	for id := uint32(1); id <= f; id++ {
		t.fields[id] = l.FieldNameForId(uint16(id))
	}
	return t
}

func (t *symbols) kind(id uint16) (string, bool) {
	if int(id) < len(t.kinds) {
		return t.kinds[id], t.named[id]
	}
	s, ok := t.extra[id]
	if !ok {
		s = symbol{name: t.lang.NodeKindForId(id), named: true}
		t.extra[id] = s
	}
	return s.name, s.named
}

func (t *symbols) field(id uint16) string {
	if int(id) < len(t.fields) {
		return t.fields[id]
	}
	return ""
}

// Available reports whether this build can parse handler code.
func Available() bool { return true }

func newParser() (parser, error) {
	libcAllocator()
	return &treeSitter{parsers: map[model.Format]*sitter.Parser{}, tables: map[model.Format]*symbols{}}, nil
}

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
		t.tables[lang] = newSymbols(l)
	}
	tree := p.Parse(src, nil)
	if tree == nil {
		p.Reset()
		return nil, fmt.Errorf("the %s parser gave up on this file", lang)
	}
	defer tree.Close()
	root := tree.RootNode()
	pt := walkTree(root, t.tables[lang], src, root.HasError())
	if pt.root == nil {
		return nil, fmt.Errorf("the %s syntax tree could not be read (tree-sitter library not linked)", lang)
	}
	return pt, nil
}

func (t *treeSitter) close() {
	for _, p := range t.parsers {
		p.Close()
	}
	t.parsers = nil
}
