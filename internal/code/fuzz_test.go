//go:build cgo

package code

import (
	"context"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// analyseSource parses src as lang and runs every analysis as for the
// handler "handler" of a function behind an API route and an S3 trigger.
func analyseSource(t testing.TB, lang model.Format, src []byte) *model.Code {
	p, err := newParser()
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	fi := readAndParseBytes(p, "app/handler", lang, src)
	files := map[string]*fileInfo{"app/handler": fi}
	fn := &model.Function{ID: "Fn"}
	st := &model.Stack{ID: "t", File: "t.yaml", Functions: []*model.Function{fn},
		EntryPoints: []*model.EntryPoint{{ID: "GET /", Kind: model.EntryRoute, Function: "Fn"}},
		Triggers:    []*model.Trigger{{ID: "Up", Kind: model.TriggerS3, Function: "Fn"}}}
	j := &job{st: st, fn: fn, site: &site{entry: "app/handler", lang: lang, handler: "handler"}, entry: "app/handler"}
	sh := newShared(files)
	sh.prepass(context.Background(), []string{"app/handler"})
	c, _ := analyseJob(context.Background(), j, sh)
	return c
}

// readAndParseBytes is readAndParse for text in memory.
func readAndParseBytes(p parser, path string, lang model.Format, data []byte) *fileInfo {
	site := &site{inline: data, inlineFile: path, inlineLine: 1}
	fi := readAndParse(p, fileJob{key: path, path: path, lang: lang, inline: site})
	return fi
}

var fuzzSeeds = []struct {
	lang model.Format
	src  string
}{
	{model.FormatPython, "import os\ndef handler(event, context):\n    os.system('x' + event['body'])\n"},
	{model.FormatPython, "def handler(e, c):\n    for r in e['Records']:\n        open('/tmp/' + r['s3']['object']['key'])\n"},
	{model.FormatPython, "def handler(e, c):\n    print 'py2'\n    exec e['body']\n"},
	{model.FormatPython, "def f(:\n  pass\ndef handler(e, c): return f(e)\n"},
	{model.FormatJavaScript, "const {exec} = require('child_process');\nexports.handler = async (e) => { exec(`x ${e.body}`) };\n"},
	{model.FormatJavaScript, "module.exports = { handler };\nfunction handler(e, ctx, cb) { try { x() } catch (err) { cb(null, {body: err.stack}) } }\n"},
	{model.FormatTypeScript, "import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';\nconst c = new S3Client({});\nexport const handler = async (e: any) => c.send(new PutObjectCommand({Bucket: process.env.B, ACL: 'public-read'}));\n"},
	{model.FormatTypeScript, "export const handler = async ({ body }: { body: string }) => eval(body as string) as any;\n"},
}

// FuzzAnalyse checks that no source text makes the analysis panic, for
// each language.
func FuzzAnalyse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(string(s.lang), []byte(s.src))
	}
	f.Fuzz(func(t *testing.T, lang string, src []byte) {
		l := model.Format(lang)
		if l != model.FormatPython && l != model.FormatJavaScript && l != model.FormatTypeScript {
			l = model.FormatPython
		}
		c := analyseSource(t, l, src)
		if c != nil {
			for _, fl := range c.Flows {
				if len(fl.Steps) == 0 {
					t.Fatalf("flow without steps: %+v", fl)
				}
			}
		}
	})
}

// TestSeeds runs the fuzz seeds and checks the flows they must give.
func TestSeeds(t *testing.T) {
	want := []int{1, 1, 0, 0, 1, 1, 1, 1} // tree-sitter reads a Python 2 exec statement as an expression with an error
	for i, s := range fuzzSeeds {
		c := analyseSource(t, s.lang, []byte(s.src))
		got := 0
		if c != nil {
			got = len(c.Flows)
		}
		if got != want[i] {
			t.Errorf("seed %d (%s): %d flows, want %d: %+v", i, s.lang, got, want[i], c)
		}
	}
}
