package terraform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// jnode is a JSON value with the line its key (or the value) is on.
type jnode struct {
	line  int
	kind  byte // '{', '[', 's' string, 'l' other literal
	lit   string
	keys  []string
	vals  []*jnode
	items []*jnode
	keyAt []int
}

// jsonToHCL translates a Terraform JSON configuration (.tf.json) into the
// equivalent native syntax, keeping each item on the line it had, so that
// the one evaluator serves both and positions stay right. Nested blocks
// become object attributes (without provider schemas the two cannot be
// told apart), which the translation reads alike.
func jsonToHCL(name string, data []byte, maxDepth int) ([]byte, error) {
	lines := lineStarts(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	root, err := readJNode(dec, lines, 0, maxDepth)
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, load.Errorf(offsetPos(name, lines, int(se.Offset)), "invalid JSON: %v", err)
		}
		var le *load.Error
		if errors.As(err, &le) {
			le.Pos.File = name
			return nil, le
		}
		return nil, load.Errorf(model.Pos{File: name, Line: 1, Col: 1}, "invalid JSON: %v", err)
	}
	if root.kind != '{' {
		return nil, load.Errorf(model.Pos{File: name, Line: root.line, Col: 1}, "a Terraform JSON configuration must be an object")
	}
	w := &hclWriter{line: 1}
	for i, k := range root.keys {
		v := root.vals[i]
		switch k {
		case "resource", "data":
			for j, typ := range v.keys {
				for l, n := range v.vals[j].keys {
					for _, body := range bodies(v.vals[j].vals[l]) {
						w.block(v.vals[j].keyAt[l], k, []string{typ, n}, body)
					}
				}
			}
		case "variable", "output", "module", "provider":
			for j, n := range v.keys {
				for _, body := range bodies(v.vals[j]) {
					w.block(v.keyAt[j], k, []string{n}, body)
				}
			}
		case "locals":
			for _, body := range bodies(v) {
				w.block(root.keyAt[i], k, nil, body)
			}
		}
	}
	return w.buf.Bytes(), nil
}

func bodies(n *jnode) []*jnode {
	switch n.kind {
	case '{':
		return []*jnode{n}
	case '[':
		var out []*jnode
		for _, it := range n.items {
			if it.kind == '{' {
				out = append(out, it)
			}
		}
		return out
	}
	return nil
}

func readJNode(dec *json.Decoder, lines []int, depth, maxDepth int) (*jnode, error) {
	if depth > maxDepth {
		return nil, load.Errorf(offsetPos("", lines, int(dec.InputOffset())), "nesting deeper than %d levels", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("unexpected end of JSON")
		}
		return nil, err
	}
	line := offsetPos("", lines, int(dec.InputOffset())).Line
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &jnode{kind: '{', line: line}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				kl := offsetPos("", lines, int(dec.InputOffset())).Line
				v, err := readJNode(dec, lines, depth+1, maxDepth)
				if err != nil {
					return nil, err
				}
				n.keys, n.vals, n.keyAt = append(n.keys, k), append(n.vals, v), append(n.keyAt, kl)
			}
			_, err := dec.Token()
			return n, err
		case '[':
			n := &jnode{kind: '[', line: line}
			for dec.More() {
				v, err := readJNode(dec, lines, depth+1, maxDepth)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
			_, err := dec.Token()
			return n, err
		}
	case string:
		return &jnode{kind: 's', lit: t, line: line}, nil
	case json.Number:
		return &jnode{kind: 'l', lit: t.String(), line: line}, nil
	case bool:
		return &jnode{kind: 'l', lit: fmt.Sprint(t), line: line}, nil
	case nil:
		return &jnode{kind: 'l', lit: "null", line: line}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// hclWriter writes native syntax, padding with newlines so that items land
// on their source lines.
type hclWriter struct {
	buf  bytes.Buffer
	line int
}

func (w *hclWriter) newlineTo(line int) {
	for w.line < line {
		w.buf.WriteByte('\n')
		w.line++
	}
}

func (w *hclWriter) nl() {
	w.buf.WriteByte('\n')
	w.line++
}

func (w *hclWriter) block(line int, typ string, labels []string, body *jnode) {
	w.newlineTo(line)
	if w.buf.Len() > 0 && !bytes.HasSuffix(w.buf.Bytes(), []byte("\n")) {
		w.nl()
	}
	w.buf.WriteString(typ)
	for _, l := range labels {
		w.buf.WriteByte(' ')
		w.buf.WriteString(quoteHCL(l, false))
	}
	w.buf.WriteString(" {")
	w.nl()
	w.attrs(body, typ == "variable")
	w.buf.WriteString("}")
	w.nl()
}

func (w *hclWriter) attrs(body *jnode, isVar bool) {
	for i, k := range body.keys {
		if k == "//" {
			continue
		}
		w.newlineTo(body.keyAt[i])
		if !isIdent(k) {
			continue
		}
		w.buf.WriteString(k)
		w.buf.WriteString(" = ")
		v := body.vals[i]
		if isVar && k == "type" && v.kind == 's' && isTypeExpr(v.lit) {
			w.buf.WriteString(v.lit)
		} else {
			w.value(v)
		}
		w.nl()
	}
}

func (w *hclWriter) value(v *jnode) {
	switch v.kind {
	case 's':
		w.buf.WriteString(quoteHCL(v.lit, true))
	case 'l':
		w.buf.WriteString(v.lit)
	case '[':
		w.buf.WriteByte('[')
		for i, it := range v.items {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.newlineTo(it.line)
			w.value(it)
		}
		w.buf.WriteByte(']')
	case '{':
		w.buf.WriteByte('{')
		w.nl()
		for i, k := range v.keys {
			w.newlineTo(v.keyAt[i])
			w.buf.WriteString(quoteHCL(k, false))
			w.buf.WriteString(" = ")
			w.value(v.vals[i])
			w.nl()
		}
		w.buf.WriteByte('}')
	}
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func isTypeExpr(s string) bool {
	return !strings.ContainsAny(s, "\"${}\n") && s != ""
}

// quoteHCL quotes s as an HCL string; template sequences are kept when
// template is true (JSON strings are templates in Terraform) and escaped
// otherwise.
func quoteHCL(s string, template bool) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if template && (c == '$' || c == '%') && i+1 < len(s) && s[i+1] == '{' && (i == 0 || s[i-1] != c) {
			// An interpolation or directive: its expression is copied as
			// written, quotes included.
			end := templateEnd(s, i+2)
			b.WriteString(s[i:end])
			i = end - 1
			continue
		}
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '$', '%':
			if !template && i+1 < len(s) && s[i+1] == '{' {
				b.WriteByte(c)
			}
			b.WriteByte(c)
		default:
			if c < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// templateEnd returns the index just after the } closing the template
// sequence whose expression starts at i, skipping nested braces and quoted
// strings; len(s) when it is not closed.
func templateEnd(s string, i int) int {
	depth := 1
	for ; i < len(s); i++ {
		switch s[i] {
		case '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(s)
}
