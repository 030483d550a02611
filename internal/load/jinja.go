package load

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// EngineJinja names the cookiecutter/Jinja template engine in
// model.Stack.Unrendered.
const EngineJinja = "cookiecutter/Jinja"

// Unrendered reports whether the file is a cookiecutter/Jinja template
// still to be rendered (a template of a template): its path or its content
// holds a {{cookiecutter.…}} placeholder, or its content a Jinja block tag
// ({% … %}). It returns where the first marker is (line 0 when only the
// path has one) and the marker as written.
func Unrendered(f File) (pos model.Pos, marker string, ok bool) {
	if i := strings.Index(f.Path, "{{cookiecutter"); i >= 0 {
		end := strings.Index(f.Path[i:], "}}")
		marker = f.Path[i:]
		if end >= 0 {
			marker = f.Path[i : i+end+2]
		}
		pos, ok = model.Pos{File: f.Path}, true
	}
	for n, line := range bytes.Split(f.Data, []byte("\n")) {
		for _, open := range []string{"{{cookiecutter", "{{ cookiecutter", "{%"} {
			i := bytes.Index(line, []byte(open))
			if i < 0 {
				continue
			}
			closing := "}}"
			if open == "{%" {
				closing = "%}"
			}
			j := bytes.Index(line[i:], []byte(closing))
			if j < 0 {
				continue
			}
			return model.Pos{File: f.Path, Line: n + 1, Col: i + 1}, string(line[i : i+j+len(closing)]), true
		}
	}
	return pos, marker, ok
}

// UnrenderedError explains why a cookiecutter/Jinja template did not load:
// it is not a deployable template until rendered. cause is the loader's
// error; the result is positioned where the loader stopped (or at the
// marker).
func UnrenderedError(pos model.Pos, marker string, cause error) error {
	where, msg := pos, cause.Error()
	var e *Error
	if errors.As(cause, &e) {
		where, msg = e.Pos, e.Msg
	}
	if where.File == "" {
		where = pos
	}
	at := ""
	if pos.Line > 0 {
		at = fmt.Sprintf(" at line %d", pos.Line)
	}
	return &Error{Pos: where, Msg: fmt.Sprintf("this is a %s template of a template (%s%s), not a deployable template: render it first (cookiecutter, sam init) and scan the result; as written: %s", EngineJinja, marker, at, msg)}
}
