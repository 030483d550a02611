package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/nightlight-sec/nightlight/internal/result"
	"io"
	"strings"
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
	jw := &jsonWriter{w: bufio.NewWriterSize(w, 64<<10)}
	jw.raw("{\n")
	jw.field(1, "tool", doc.Tool, false)
	jw.field(1, "inputs", doc.Inputs, false)
	if doc.App == nil {
		jw.field(1, "app", nil, false)
	} else {
		jw.raw(`  "app": {` + "\n")
		jw.field(2, "root", doc.App.Root, false)
		jw.key(2, "stacks")
		jw.list(2, len(doc.App.Stacks), func(i int) any { return doc.App.Stacks[i] })
		if doc.App.VulnDB != nil {
			jw.raw(",\n")
			jw.field(2, "vulnDb", doc.App.VulnDB, true)
			jw.raw("  },\n")
		} else {
			jw.raw("\n  },\n")
		}
	}
	if doc.Graph == nil {
		jw.field(1, "graph", nil, false)
	} else {
		jw.raw(`  "graph": {` + "\n")
		jw.key(2, "nodes")
		jw.list(2, len(doc.Graph.Nodes), func(i int) any { return doc.Graph.Nodes[i] })
		jw.raw(",\n")
		jw.key(2, "edges")
		jw.list(2, len(doc.Graph.Edges), func(i int) any { return doc.Graph.Edges[i] })
		jw.raw("\n  },\n")
	}
	jw.key(1, "findings")
	if doc.Findings == nil {
		jw.raw("null")
	} else {
		jw.list(1, len(doc.Findings), func(i int) any { return &doc.Findings[i] })
	}
	if len(doc.Suppressed) > 0 {
		jw.raw(",\n")
		jw.key(1, "suppressed")
		jw.list(1, len(doc.Suppressed), func(i int) any { return &doc.Suppressed[i] })
	}
	jw.raw(",\n")
	jw.field(1, "summary", doc.Summary, true)
	jw.raw("}\n")
	if jw.err != nil {
		return fmt.Errorf("write json report: %w", jw.err)
	}
	if err := jw.w.Flush(); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}

// jsonWriter writes indented JSON piece by piece, remembering the first
// error.
type jsonWriter struct {
	w   *bufio.Writer
	buf bytes.Buffer
	err error
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
	j.buf.Reset()
	enc := json.NewEncoder(&j.buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(strings.Repeat("  ", depth), "  ")
	if err := enc.Encode(v); err != nil {
		j.err = err
		return
	}
	_, j.err = j.w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
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

// list writes a JSON array of n elements at depth, element i given by at.
func (j *jsonWriter) list(depth, n int, at func(i int) any) {
	if n == 0 {
		j.raw("[]")
		return
	}
	j.raw("[\n")
	inner := strings.Repeat("  ", depth+1)
	for i := 0; i < n; i++ {
		if i > 0 {
			j.raw(",\n")
		}
		j.raw(inner)
		j.value(depth+1, at(i))
	}
	j.raw("\n" + strings.Repeat("  ", depth) + "]")
}
