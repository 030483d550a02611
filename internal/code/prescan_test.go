package code

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// keepCases are sources with the top-level functions the pre-scan must
// leave out for the handler "handler" (whole: it must parse the file
// whole).
var keepCases = []struct {
	name    string
	lang    model.Format
	src     string
	skipped []string
	whole   bool
}{
	{name: "python call chain beyond the depth", lang: model.FormatPython, src: `import os

def handler(event, context):
    return a(event["body"])

def a(x):
    return b(x)

def b(x):
    return c(x)

def c(x):
    return d(x)

def d(x):
    return e(x)

def e(x):
    os.system(x)
    return f(x)

def f(x):
    return g(x)

def g(x):
    os.system(x)

def unused(x):
    os.system(x)
`, skipped: []string{"f", "g", "unused"}},
	{name: "python function passed as a value", lang: model.FormatPython, src: `def handler(event, context):
    return run(event, cb=later)

def run(e, cb):
    return cb(e)

def later(e):
    return deeper(e)

def deeper(e):
    return e

def unused():
    pass
`, skipped: []string{"unused"}},
	{name: "python def inside a triple-quoted string", lang: model.FormatPython, src: `DOC = """
def fake():
    pass
"""

def handler(event, context):
    return DOC

def unused():
    return '''
def other(): pass
'''
`, skipped: []string{"unused"}},
	{name: "python decorated, class, module-level call, import, print", lang: model.FormatPython, src: `import functools

@functools.cache
def cached():
    return 1

class Service:
    def go(self):
        return from_class()

def from_class():
    return 2

def from_module():
    return 3

VALUE = from_module()

def with_import():
    import pickle
    return pickle

def py2():
    print "hello"

def handler(event, context):
    return 1

def unused(x):
    return x
`, skipped: []string{"unused"}},
	{name: "python else at column 0 continues a statement", lang: model.FormatPython, src: `try:
    import ujson as json
except ImportError:
    import json

if json:
    X = 1
else:
    X = 2

def handler(event, context):
    return X

def unused():
    return json
`, skipped: []string{"unused"}},
	{name: "python unterminated string", lang: model.FormatPython, src: "def handler(e, c):\n    return 'x\n\ndef unused():\n    pass\n", whole: true},
	{name: "python unbalanced brackets", lang: model.FormatPython, src: "def handler(e, c):\n    return (1\n\ndef unused():\n    pass\n", whole: true},
	{name: "python nothing to skip", lang: model.FormatPython, src: "def handler(e, c):\n    return helper(e)\n\ndef helper(e):\n    return e\n", whole: true},
	{name: "js declarations, arrows and module code", lang: model.FormatJavaScript, src: `const { exec } = require('child_process');

function helper(x) {
  return exec(x);
}

const unusedArrow = async (x) => {
  exec(x);
};

const computed = build(1);

function build(n) {
  return n;
}

async function unused(x) {
  exec(x);
}

exports.handler = async (event) => {
  return helper(event.body);
};
`, skipped: []string{"unused", "unusedArrow"}},
	{name: "js template, regex and comments", lang: model.FormatJavaScript, src: "const t = `\nfunction fake() {\n}\n${ { a: '}' }.a }`;\nconst re = /['\"}]/g; // }\n/* function other() {\n} */\nfunction unused() {\n  return `}${'`'}`;\n}\nexports.handler = (e) => re.test(t);\n", skipped: []string{"unused"}},
	{name: "js continued function expression", lang: model.FormatJavaScript, src: "const bound = function () {\n  return 1;\n}\n.bind(this);\nfunction unused() {\n  return bound;\n}\nexports.handler = (e) => 1;\n", skipped: []string{"unused"}},
	{name: "js function with a require", lang: model.FormatJavaScript, src: "function lazy() {\n  return require('pg');\n}\nfunction unused() {}\nexports.handler = (e) => 1;\n", skipped: []string{"unused"}},
	{name: "js JSX", lang: model.FormatJavaScript, src: "function unused() {\n  return <div>it's</div>;\n}\nexports.handler = (e) => 1;\n", whole: true},
	{name: "ts typed functions", lang: model.FormatTypeScript, src: `import { S3Client } from '@aws-sdk/client-s3';

const s3 = new S3Client({});

function shape(a: string): { x: number } {
  return { x: a.length };
}

export function unused(a: string): string {
  return a;
}

export const handler = async (event: any): Promise<void> => {
  await s3.send(event);
};
`, skipped: []string{"unused"}},
	{name: "ts generic arrow", lang: model.FormatTypeScript, src: "const id = <T>(x: T) => {\n  return x;\n};\nfunction unused() {}\nexport const handler = async (e: any) => id(e);\n", whole: true},
}

func TestKeepRanges(t *testing.T) {
	for _, c := range keepCases {
		t.Run(c.name, func(t *testing.T) {
			src := []byte(c.src)
			ranges, skippedBytes, ok := keepRanges(c.lang, src, []string{"handler"})
			if ok == c.whole {
				t.Fatalf("ok = %v, want %v (ranges %+v)", ok, !c.whole, ranges)
			}
			if !ok {
				return
			}
			checkRanges(t, src, ranges, skippedBytes)
			var blocks []preBlock
			if c.lang == model.FormatPython {
				blocks, _ = pythonBlocks(src)
			} else {
				blocks, _ = jsBlocks(src)
			}
			var skipped []string
			for _, b := range blocks {
				if b.name != "" && !inRanges(b.start, ranges) {
					skipped = append(skipped, b.name)
				}
			}
			slices.Sort(skipped)
			if d := cmp.Diff(c.skipped, skipped); d != "" {
				t.Errorf("skipped functions (-want +got):\n%s", d)
			}
		})
	}
}

func inRanges(off int, ranges []srcRange) bool {
	for _, r := range ranges {
		if off >= r.start && (r.end < 0 || off < r.end) {
			return true
		}
	}
	return false
}

// checkRanges checks that ranges are sorted, disjoint, inside src, start
// and end at line starts with the right rows, and leave out skipped
// bytes.
func checkRanges(t *testing.T, src []byte, ranges []srcRange, skipped int) {
	t.Helper()
	prev := -1
	for _, r := range ranges {
		end := r.end
		if end < 0 {
			end = len(src)
		}
		if r.start < 0 || r.start <= prev || end <= r.start || end > len(src) {
			t.Fatalf("bad range %+v after %d in %d bytes", r, prev, len(src))
		}
		if r.start > 0 && src[r.start-1] != '\n' || r.end > 0 && src[r.end-1] != '\n' {
			t.Fatalf("range %+v does not start and end at line starts", r)
		}
		if rows := bytes.Count(src[:r.start], []byte{'\n'}); rows != r.startRow {
			t.Fatalf("range %+v: start row, want %d", r, rows)
		}
		if r.end >= 0 {
			if rows := bytes.Count(src[:r.end], []byte{'\n'}); rows != r.endRow {
				t.Fatalf("range %+v: end row, want %d", r, rows)
			}
		}
		prev = end
	}
	if kept := keptBytes(ranges, len(src)); kept+skipped != len(src) || skipped <= 0 {
		t.Fatalf("kept %d + skipped %d bytes != %d", kept, skipped, len(src))
	}
}

// FuzzKeepRanges checks that the pre-scan never panics and that the
// ranges it returns are well formed, for both lexers.
func FuzzKeepRanges(f *testing.F) {
	for _, c := range keepCases {
		f.Add(string(c.lang), []byte(c.src))
	}
	f.Fuzz(func(t *testing.T, lang string, src []byte) {
		l := model.Format(lang)
		if l != model.FormatPython && l != model.FormatJavaScript && l != model.FormatTypeScript {
			l = model.FormatJavaScript
		}
		ranges, skipped, ok := keepRanges(l, src, []string{"handler", strings.ToLower(lang)})
		if ok {
			checkRanges(t, src, ranges, skipped)
		}
	})
}
