package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/result"
)

// Depths at which the JSON report writes the elements of its arrays: an
// element encoded by NewElementEncoder at its array's depth is the exact
// text WriteJSON writes for it.
const (
	// StackDepth is the depth of the elements of "app"."stacks".
	StackDepth = 3
	// GraphDepth is the depth of the elements of "graph"."nodes" and
	// "graph"."edges".
	GraphDepth = 3
	// FindingDepth is the depth of the elements of "findings" and
	// "suppressed".
	FindingDepth = 2
	// GraphDocDepth is the depth of the elements of "nodes" and "edges" in
	// the graph document (WriteGraph).
	GraphDocDepth = 2
)

// WriteJSON writes doc as indented JSON with the stable top level described
// in DESIGN.md. Output is deterministic: every list in doc is sorted by the
// scan, and map keys are sorted by encoding/json.
//
// The document is streamed one stack, node, edge and finding at a time, so
// that writing the report of a large scan needs memory for one element, not
// for the whole text twice over. The bytes are those json.MarshalIndent
// would give with "  " indentation and no HTML escaping.
func WriteJSON(w io.Writer, doc *result.Document) error {
	p := JSONParts{Tool: doc.Tool, Inputs: doc.Inputs, Summary: doc.Summary, FindingsNull: doc.Findings == nil}
	if doc.App != nil {
		p.App, p.Root, p.VulnDB = true, doc.App.Root, doc.App.VulnDB
		p.Stacks = encodeEach(StackDepth, len(doc.App.Stacks), func(i int) any { return doc.App.Stacks[i] })
	}
	if doc.Graph != nil {
		p.Graph = true
		p.Nodes = encodeEach(GraphDepth, len(doc.Graph.Nodes), func(i int) any { return doc.Graph.Nodes[i] })
		p.Edges = encodeEach(GraphDepth, len(doc.Graph.Edges), func(i int) any { return doc.Graph.Edges[i] })
	}
	p.Findings = encodeEach(FindingDepth, len(doc.Findings), func(i int) any { return &doc.Findings[i] })
	p.Suppressed = encodeEach(FindingDepth, len(doc.Suppressed), func(i int) any { return &doc.Suppressed[i] })
	return WriteJSONParts(w, p)
}

// JSONParts is a report document given part by part: what a scan that
// wrote its stacks, graph and findings to temporary files as it went
// (scan.RunStreamed) keeps. WriteJSONParts writes the bytes WriteJSON
// writes for the same document.
type JSONParts struct {
	Tool   result.Tool
	Inputs []result.Input
	// App is false for a document without an application ("app": null);
	// Root, Stacks and VulnDB are the application's.
	App    bool
	Root   string
	Stacks Elements
	VulnDB *model.VulnDB
	// Graph is false for a document without a graph ("graph": null).
	Graph        bool
	Nodes, Edges Elements
	// Findings are the reported findings; FindingsNull writes "null"
	// instead of an empty list. Suppressed are left out when empty.
	Findings     Elements
	FindingsNull bool
	Suppressed   Elements
	Summary      result.Summary
}

// Elements is a JSON array given element by element: Each calls yield with
// each of the N elements in order, encoded by an ElementEncoder at the
// array's depth (enc is only read during the call).
type Elements struct {
	N    int
	Each func(yield func(enc []byte) error) error
}

// ElementEncoder encodes array elements the way the JSON report writes them
// at one depth.
type ElementEncoder struct {
	buf    bytes.Buffer
	enc    *json.Encoder
	depth  int
	prefix string
	out    []byte
}

// NewElementEncoder returns an encoder for the elements of an array at
// depth (StackDepth, GraphDepth, FindingDepth).
func NewElementEncoder(depth int) *ElementEncoder {
	e := &ElementEncoder{depth: depth, prefix: strings.Repeat("  ", depth)}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}

// Encode returns v's text, valid until the next call. Stacks, graph
// nodes and edges and findings (pointers to them) are written without
// reflection (fastEncoder), anything else through encoding/json: the
// bytes are the same.
func (e *ElementEncoder) Encode(v any) ([]byte, error) {
	out, ok, err := encodeFast(e.out[:0], v, e.depth)
	if ok {
		if err != nil {
			return nil, err
		}
		e.out = out
		return out, nil
	}
	return e.encodeReflect(v)
}

// encodeReflect is Encode through encoding/json, for any type.
func (e *ElementEncoder) encodeReflect(v any) ([]byte, error) {
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		return nil, err
	}
	e.out = indentCompact(e.out[:0], bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")), e.prefix)
	return e.out, nil
}

// indentCompact appends to dst the compact JSON text src (as
// encoding/json writes it: no space outside strings) indented with "  "
// per level after prefix: the bytes json.Indent gives, without its
// general scanner (the report's largest encoding cost after reflection).
func indentCompact(dst, src []byte, prefix string) []byte {
	newline := func(depth int) {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, "  "...)
		}
	}
	depth := 0
	needIndent := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			newline(depth)
		}
		switch c {
		case '"':
			// Copy the string through its closing quote.
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			end := min(j+1, len(src))
			dst = append(dst, src[i:end]...)
			i = end - 1
		case '{', '[':
			// Empty objects and arrays stay {} and [].
			needIndent = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline(depth)
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				newline(depth)
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// encodeEach gives n elements, element i at(i), encoded at depth.
func encodeEach(depth, n int, at func(i int) any) Elements {
	return Elements{N: n, Each: func(yield func([]byte) error) error {
		enc := NewElementEncoder(depth)
		for i := 0; i < n; i++ {
			b, err := enc.Encode(at(i))
			if err != nil {
				return err
			}
			if err := yield(b); err != nil {
				return err
			}
		}
		return nil
	}}
}

// WriteJSONParts writes the report document p as WriteJSON writes a
// document.
func WriteJSONParts(w io.Writer, p JSONParts) error {
	jw := &jsonWriter{w: bufio.NewWriterSize(w, 64<<10)}
	jw.raw("{\n")
	jw.field(1, "tool", p.Tool, false)
	jw.field(1, "inputs", p.Inputs, false)
	if !p.App {
		jw.field(1, "app", nil, false)
	} else {
		jw.raw(`  "app": {` + "\n")
		jw.field(2, "root", p.Root, false)
		jw.key(2, "stacks")
		jw.list(2, p.Stacks)
		if p.VulnDB != nil {
			jw.raw(",\n")
			jw.field(2, "vulnDb", p.VulnDB, true)
			jw.raw("  },\n")
		} else {
			jw.raw("\n  },\n")
		}
	}
	if !p.Graph {
		jw.field(1, "graph", nil, false)
	} else {
		jw.raw(`  "graph": {` + "\n")
		jw.key(2, "nodes")
		jw.list(2, p.Nodes)
		jw.raw(",\n")
		jw.key(2, "edges")
		jw.list(2, p.Edges)
		jw.raw("\n  },\n")
	}
	jw.key(1, "findings")
	if p.FindingsNull {
		jw.raw("null")
	} else {
		jw.list(1, p.Findings)
	}
	if p.Suppressed.N > 0 {
		jw.raw(",\n")
		jw.key(1, "suppressed")
		jw.list(1, p.Suppressed)
	}
	jw.raw(",\n")
	jw.field(1, "summary", p.Summary, true)
	jw.raw("}\n")
	return jw.finish("json report")
}

// WriteGraph writes g as the graph document {"nodes": […], "edges": […]}:
// the bytes an encoding/json Encoder indenting by "  " without HTML
// escaping writes for g, one node and edge at a time.
func WriteGraph(w io.Writer, g *graph.Graph) error {
	if g.Nodes == nil || g.Edges == nil {
		// encoding/json writes null for these; the graph builder never
		// leaves them nil.
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(g)
	}
	return WriteGraphParts(w, encodeEach(GraphDocDepth, len(g.Nodes), func(i int) any { return g.Nodes[i] }),
		encodeEach(GraphDocDepth, len(g.Edges), func(i int) any { return g.Edges[i] }))
}

// WriteGraphParts writes the graph document of nodes and edges encoded at
// GraphDocDepth, as WriteGraph writes a graph.
func WriteGraphParts(w io.Writer, nodes, edges Elements) error {
	jw := &jsonWriter{w: bufio.NewWriterSize(w, 64<<10)}
	jw.raw("{\n")
	jw.key(1, "nodes")
	jw.list(1, nodes)
	jw.raw(",\n")
	jw.key(1, "edges")
	jw.list(1, edges)
	jw.raw("\n}\n")
	return jw.finish("graph")
}

// jsonWriter writes indented JSON piece by piece, remembering the first
// error.
type jsonWriter struct {
	w   *bufio.Writer
	err error
}

// finish flushes what was written and returns the first error, saying
// what was being written.
func (j *jsonWriter) finish(what string) error {
	if j.err == nil {
		j.err = j.w.Flush()
	}
	if j.err != nil {
		return fmt.Errorf("write %s: %w", what, j.err)
	}
	return nil
}

func (j *jsonWriter) raw(s string) {
	if j.err == nil {
		_, j.err = j.w.WriteString(s)
	}
}

func (j *jsonWriter) key(depth int, name string) {
	j.raw(strings.Repeat("  ", depth) + `"` + name + `": `)
}

// value writes v indented for depth, without a trailing newline.
func (j *jsonWriter) value(depth int, v any) {
	if j.err != nil {
		return
	}
	b, err := NewElementEncoder(depth).Encode(v)
	if err != nil {
		j.err = err
		return
	}
	_, j.err = j.w.Write(b)
}

// field writes "name": value, followed by ",\n" unless last.
func (j *jsonWriter) field(depth int, name string, v any, last bool) {
	j.key(depth, name)
	j.value(depth, v)
	if last {
		j.raw("\n")
	} else {
		j.raw(",\n")
	}
}

// list writes a JSON array at depth whose elements es gives, encoded at
// depth+1.
func (j *jsonWriter) list(depth int, es Elements) {
	if es.N == 0 {
		j.raw("[]")
		return
	}
	if j.err != nil {
		return
	}
	j.raw("[\n")
	inner := strings.Repeat("  ", depth+1)
	n := 0
	err := es.Each(func(b []byte) error {
		if n > 0 {
			j.raw(",\n")
		}
		n++
		j.raw(inner)
		if j.err == nil {
			_, j.err = j.w.Write(b)
		}
		return j.err
	})
	if j.err == nil && err != nil {
		j.err = err
	}
	if j.err == nil && n != es.N {
		j.err = fmt.Errorf("%d elements given for a list of %d", n, es.N)
	}
	j.raw("\n" + strings.Repeat("  ", depth) + "]")
}
