package code

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// shortSlow is short as it always was: white space collapsed by a split
// and a join, then cut at 60 bytes.
func shortSlow(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

func TestShort(t *testing.T) {
	for _, s := range []string{
		"", "x", "a b", "a  b", " a", "a ", "a\tb", "a\nb", "a\r\nb", "a\vb", "a\fb",
		"order[\"id\"]", "é b", "a\u00a0b", "a\u2003b", "  ", " ",
		strings.Repeat("word ", 20) + "end",
	} {
		if got, want := short(s), shortSlow(s); got != want {
			t.Errorf("short(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzShort(f *testing.F) {
	for _, s := range []string{"", "a b", "a  b", "\ta", "é\u00a0x", "x\u0085y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := short(s), shortSlow(s); got != want {
			t.Errorf("short(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestDetach checks that detach leaves a Code no string that shares a
// source's bytes, with the same values, and does not change slices other
// Codes share.
func TestDetach(t *testing.T) {
	src := strings.Repeat("x", 10) + `import boto3 TABLE_NAME "secret" handler hmac.compare_digest event["body"]`
	other := string([]byte("TABLE_NAME elsewhere"))
	at := func(s string) string {
		i := strings.Index(src, s)
		if i < 0 {
			t.Fatalf("%q not in the source", s)
		}
		return src[i : i+len(s)]
	}
	steps := []model.FlowStep{{Note: at(`event["body"]`)}, {Note: "source: event"}}
	actions := []string{at("TABLE_NAME")}
	c := &model.Code{
		Handler: at("handler"),
		Imports: []model.Import{{Ecosystem: "PyPI", Package: at("boto3"), Module: at("boto3")}},
		Flows:   []model.Flow{{Source: at(`event["body"]`), Sink: "os.system()", Steps: steps}},
		Calls:   []model.SDKCall{{Service: "dynamodb", Env: at("TABLE_NAME"), Actions: actions}, {Env: other}},
		Strings: []model.CodeString{{Name: at("secret"), Value: at("secret")}},
		Checks:  []model.CallerCheck{{Call: at("hmac.compare_digest")}},
	}
	srcs := []string{src, other}
	detach(c, sources(map[string]*fileInfo{"a": {src: src}, "b": {src: other}}))
	inSrc := func(s string) bool {
		for _, x := range srcs {
			p, b := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(x)))
			if s != "" && p >= b && p < b+uintptr(len(x)) {
				return true
			}
		}
		return false
	}
	for name, s := range map[string]string{
		"handler": c.Handler, "package": c.Imports[0].Package, "module": c.Imports[0].Module,
		"source": c.Flows[0].Source, "step": c.Flows[0].Steps[0].Note, "env": c.Calls[0].Env,
		"action": c.Calls[0].Actions[0], "other env": c.Calls[1].Env, "name": c.Strings[0].Name,
		"value": c.Strings[0].Value, "check": c.Checks[0].Call,
	} {
		if inSrc(s) {
			t.Errorf("%s %q still shares a source's bytes", name, s)
		}
	}
	if c.Handler != "handler" || c.Flows[0].Steps[0].Note != `event["body"]` || c.Calls[1].Env != other || c.Strings[0].Value != "secret" {
		t.Errorf("values changed: %+v", c)
	}
	if !inSrc(steps[0].Note) || !inSrc(actions[0]) {
		t.Error("detach changed slices another Code may share")
	}
}

// TestReleaseDetaches checks that a released file keeps no string that
// shares its source's bytes: its imports outlive the source.
func TestReleaseDetaches(t *testing.T) {
	src := string([]byte("from common.auth import auth_0 as a0\n"))
	fi := &fileInfo{src: src, imports: []importRef{{
		module: src[5:16],
		names:  []importName{{local: src[34:36], member: src[24:30], qual: "common.auth.auth_0"}},
	}}}
	names := fi.imports[0].names
	fi.release(nil)
	b := uintptr(unsafe.Pointer(unsafe.StringData(src)))
	for _, s := range []string{fi.imports[0].module, fi.imports[0].names[0].local, fi.imports[0].names[0].member} {
		if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); p >= b && p < b+uintptr(len(src)) {
			t.Errorf("%q still shares the released source", s)
		}
	}
	if im := fi.imports[0]; im.module != "common.auth" || im.names[0].local != "a0" || im.names[0].member != "auth_0" {
		t.Errorf("imports changed: %+v", im)
	}
	if names[0].local != "a0" || uintptr(unsafe.Pointer(unsafe.StringData(names[0].local))) != b+34 {
		t.Error("release changed a names slice in place")
	}
}
