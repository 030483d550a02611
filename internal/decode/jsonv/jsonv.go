// Package jsonv decodes JSON into model.Value trees that remember the
// line and column of every value, for the loaders of JSON-native formats
// (Azure Functions host.json/function.json/local.settings.json, ARM
// templates, firebase.json).
//
// It accepts what those tools accept and YAML does not: tab indentation,
// `//` and `/* */` comments (ARM templates, VS Code-style settings) and a
// trailing comma before `}` or `]`. Strings are kept as written; numbers
// keep their text. Depth and value count are bounded by decode.Limits, and
// every error is a *decode.Error naming file, line and column.
package jsonv

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/nightlight-sec/nightlight/internal/decode"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Decode parses data as one JSON document from file. A UTF-8 byte-order
// mark is skipped. An empty document (only whitespace and comments) gives
// a nil value and no error.
func Decode(file string, data []byte, limits decode.Limits) (*model.Value, error) {
	limits = limits.WithDefaults()
	if int64(len(data)) > limits.MaxFileBytes {
		return nil, decode.Errorf(model.Pos{File: file}, "file is %d bytes, over the %d-byte limit", len(data), limits.MaxFileBytes)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	d := &decoder{file: file, data: data, line: 1, col: 1, limits: limits}
	if err := d.skip(); err != nil {
		return nil, err
	}
	if d.off >= len(d.data) {
		return nil, nil
	}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	if err := d.skip(); err != nil {
		return nil, err
	}
	if d.off < len(d.data) {
		return nil, d.errorf("unexpected %s after the end of the JSON document", d.describe())
	}
	return v, nil
}

type decoder struct {
	file      string
	data      []byte
	off       int
	line, col int
	nodes     int
	limits    decode.Limits
}

func (d *decoder) pos() model.Pos { return model.Pos{File: d.file, Line: d.line, Col: d.col} }

func (d *decoder) errorf(format string, args ...any) error {
	return decode.Errorf(d.pos(), "invalid JSON: "+format, args...)
}

// advance moves past n bytes, keeping line and column.
func (d *decoder) advance(n int) {
	for i := 0; i < n && d.off < len(d.data); i++ {
		c := d.data[d.off]
		d.off++
		switch {
		case c == '\n':
			d.line++
			d.col = 1
		case c&0xC0 != 0x80: // count runes, not continuation bytes
			d.col++
		}
	}
}

func (d *decoder) describe() string {
	if d.off >= len(d.data) {
		return "end of file"
	}
	r, _ := utf8.DecodeRune(d.data[d.off:])
	return strconv.QuoteRune(r)
}

// skip passes whitespace and comments.
func (d *decoder) skip() error {
	for d.off < len(d.data) {
		c := d.data[d.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			d.advance(1)
		case c == '/' && d.off+1 < len(d.data) && d.data[d.off+1] == '/':
			for d.off < len(d.data) && d.data[d.off] != '\n' {
				d.advance(1)
			}
		case c == '/' && d.off+1 < len(d.data) && d.data[d.off+1] == '*':
			start := d.pos()
			end := bytes.Index(d.data[d.off+2:], []byte("*/"))
			if end < 0 {
				return decode.Errorf(start, "invalid JSON: comment is not closed")
			}
			d.advance(end + 4)
		default:
			return nil
		}
	}
	return nil
}

func (d *decoder) value(depth int) (*model.Value, error) {
	if depth > d.limits.MaxDepth {
		return nil, d.errorf("nested deeper than %d levels", d.limits.MaxDepth)
	}
	d.nodes++
	if d.nodes > d.limits.MaxNodes {
		return nil, d.errorf("more than %d values", d.limits.MaxNodes)
	}
	if d.off >= len(d.data) {
		return nil, d.errorf("unexpected end of file, want a value")
	}
	p := d.pos()
	switch c := d.data[d.off]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		return model.NewString(s, p), nil
	case c == '-' || (c >= '0' && c <= '9'):
		start := d.off
		for d.off < len(d.data) && strings.IndexByte("+-.eE0123456789", d.data[d.off]) >= 0 {
			d.advance(1)
		}
		text := string(d.data[start:d.off])
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			return nil, decode.Errorf(p, "invalid JSON: bad number %q", text)
		}
		return model.NewNumber(text, p), nil
	default:
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(d.data[d.off:], []byte(lit)) {
				d.advance(len(lit))
				switch lit {
				case "null":
					return &model.Value{Kind: model.Null, Pos: p}, nil
				default:
					return model.NewBool(lit == "true", p), nil
				}
			}
		}
	}
	return nil, d.errorf("unexpected %s, want a value", d.describe())
}

func (d *decoder) object(depth int) (*model.Value, error) {
	v := model.NewMap(nil, d.pos())
	d.advance(1)
	for {
		if err := d.skip(); err != nil {
			return nil, err
		}
		if d.off < len(d.data) && d.data[d.off] == '}' {
			d.advance(1)
			return v, nil
		}
		if d.off >= len(d.data) || d.data[d.off] != '"' {
			return nil, d.errorf("unexpected %s, want a quoted key or '}'", d.describe())
		}
		kp := d.pos()
		key, err := d.str()
		if err != nil {
			return nil, err
		}
		if err := d.skip(); err != nil {
			return nil, err
		}
		if d.off >= len(d.data) || d.data[d.off] != ':' {
			return nil, d.errorf("unexpected %s after key %q, want ':'", d.describe(), key)
		}
		d.advance(1)
		if err := d.skip(); err != nil {
			return nil, err
		}
		val, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.Fields = append(v.Fields, model.Field{Key: key, KeyPos: kp, Value: val})
		if err := d.skip(); err != nil {
			return nil, err
		}
		if d.off < len(d.data) && d.data[d.off] == ',' {
			d.advance(1)
			continue
		}
		if d.off < len(d.data) && d.data[d.off] == '}' {
			d.advance(1)
			return v, nil
		}
		return nil, d.errorf("unexpected %s in object, want ',' or '}'", d.describe())
	}
}

func (d *decoder) array(depth int) (*model.Value, error) {
	v := model.NewList(nil, d.pos())
	d.advance(1)
	for {
		if err := d.skip(); err != nil {
			return nil, err
		}
		if d.off < len(d.data) && d.data[d.off] == ']' {
			d.advance(1)
			return v, nil
		}
		item, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.Items = append(v.Items, item)
		if err := d.skip(); err != nil {
			return nil, err
		}
		if d.off < len(d.data) && d.data[d.off] == ',' {
			d.advance(1)
			continue
		}
		if d.off < len(d.data) && d.data[d.off] == ']' {
			d.advance(1)
			return v, nil
		}
		return nil, d.errorf("unexpected %s in array, want ',' or ']'", d.describe())
	}
}

// str reads a quoted string at the current offset.
func (d *decoder) str() (string, error) {
	start := d.pos()
	d.advance(1)
	var b strings.Builder
	for {
		if d.off >= len(d.data) {
			return "", decode.Errorf(start, "invalid JSON: string is not closed")
		}
		c := d.data[d.off]
		switch {
		case c == '"':
			d.advance(1)
			return b.String(), nil
		case c == '\n':
			return "", d.errorf("line break inside a string")
		case c == '\\':
			if d.off+1 >= len(d.data) {
				return "", decode.Errorf(start, "invalid JSON: string is not closed")
			}
			e := d.data[d.off+1]
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, n, ok := d.unicode(d.off)
				if !ok {
					return "", d.errorf("bad \\u escape")
				}
				b.WriteRune(r)
				d.advance(n)
				continue
			default:
				return "", d.errorf("bad escape \\%c", e)
			}
			d.advance(2)
		default:
			r, size := utf8.DecodeRune(d.data[d.off:])
			if r == utf8.RuneError && size <= 1 {
				return "", d.errorf("invalid UTF-8 in a string")
			}
			b.WriteString(string(d.data[d.off : d.off+size]))
			d.advance(size)
		}
	}
}

// unicode decodes a \uXXXX escape (and its surrogate pair) at off,
// returning the rune and the bytes it spans.
func (d *decoder) unicode(off int) (rune, int, bool) {
	hex := func(at int) (rune, bool) {
		if at+6 > len(d.data) || d.data[at] != '\\' || d.data[at+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(d.data[at+2:at+6]), 16, 32)
		return rune(n), err == nil
	}
	r, ok := hex(off)
	if !ok {
		return 0, 0, false
	}
	if utf16.IsSurrogate(r) {
		if r2, ok := hex(off + 6); ok {
			if p := utf16.DecodeRune(r, r2); p != utf8.RuneError {
				return p, 12, true
			}
		}
		return utf8.RuneError, 6, true
	}
	return r, 6, true
}
