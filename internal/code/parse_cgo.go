//go:build cgo

package code

import (
	"fmt"
	"strings"
	"unsafe"

	sitter "github.com/tree-sitter/go-tree-sitter"
	tsgo "github.com/tree-sitter/tree-sitter-go/bindings/go"
	tsjava "github.com/tree-sitter/tree-sitter-java/bindings/go"
	tsjs "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
	tspy "github.com/tree-sitter/tree-sitter-python/bindings/go"
	tsts "github.com/tree-sitter/tree-sitter-typescript/bindings/go"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// treeSitter parses with tree-sitter. It holds the C memory a parse needs
// (an arena and a node buffer), reused from file to file, and is not safe
// for concurrent use.
type treeSitter struct {
	state *cState
	pool  *nodePool
}

// langTable is what parsing one grammar needs: the language, the offsets
// of its kind and field ids in the process-wide tables, and which of its
// kinds are punctuation tokens, left out of trees (1: skip).
type langTable struct {
	format    model.Format
	lang      unsafe.Pointer
	kindBase  uint16
	fieldBase uint16
	skip      []uint8
}

// grammar holds the kind and field names of the grammars, read
// once when the package is loaded (a few hundred names; the grammars are
// immutable, so the tables never change).
var grammar, grammarLangs = loadGrammars()

func loadGrammars() (*grammarTables, map[model.Format]*langTable) {
	g := &grammarTables{fields: []string{""}}
	langs := map[model.Format]*langTable{}
	for _, f := range []model.Format{model.FormatPython, model.FormatJavaScript, model.FormatTypeScript, model.FormatGo, model.FormatJava} {
		ptr := languagePtr(f)
		l := sitter.NewLanguage(ptr)
		t := &langTable{format: f, lang: ptr, kindBase: uint16(len(g.kinds)), fieldBase: uint16(len(g.fields) - 1)}
		n := l.NodeKindCount()
		t.skip = make([]uint8, n)
		for id := uint32(0); id < n; id++ {
			kind := l.NodeKindForId(uint16(id))
			named := l.NodeKindIsNamed(uint16(id))
			g.kinds = append(g.kinds, kind)
			g.named = append(g.named, named)
			if !named && kind != "" && strings.Trim(kind, "()[]{},;:.\"'`$") == "" {
				t.skip[id] = 1
			}
		}
		for id := uint32(1); id <= l.FieldCount(); id++ {
			g.fields = append(g.fields, l.FieldNameForId(uint16(id)))
		}
		langs[f] = t
	}
	g.errorKind = uint16(len(g.kinds))
	g.kinds = append(g.kinds, "ERROR")
	g.named = append(g.named, true)
	g.unknownKind = uint16(len(g.kinds))
	g.kinds = append(g.kinds, "")
	g.named = append(g.named, false)
	return g, langs
}

// Available reports whether this build can parse handler code.
func Available() bool { return true }

// newParser returns a parser whose trees' node arrays come from pool (nil:
// new arrays).
func newParser(pool *nodePool) (parser, error) {
	arenaAllocator()
	s := newCState()
	if s == nil {
		return nil, fmt.Errorf("out of memory creating a parser")
	}
	return &treeSitter{state: s, pool: pool}, nil
}

func languagePtr(lang model.Format) unsafe.Pointer {
	switch lang {
	case model.FormatPython:
		return tspy.Language()
	case model.FormatJavaScript:
		return tsjs.Language()
	case model.FormatTypeScript:
		return tsts.LanguageTypescript()
	case model.FormatGo:
		return tsgo.Language()
	case model.FormatJava:
		return tsjava.Language()
	}
	return nil
}

func (t *treeSitter) parse(lang model.Format, src []byte, ranges []srcRange) (*parsed, error) {
	g := grammarLangs[lang]
	if g == nil {
		return nil, fmt.Errorf("no grammar for %s", lang)
	}
	return parseTree(t.state, g, src, ranges, t.pool)
}

func (t *treeSitter) close() {
	if t.state != nil {
		freeCState(t.state)
		t.state = nil
	}
}
