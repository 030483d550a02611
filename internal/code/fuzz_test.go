//go:build cgo

package code

import (
	"context"
	"fmt"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// analyseSource parses src as lang and runs every analysis as for the
// handler "handler" of a function behind an API route and an S3 trigger.
func analyseSource(t testing.TB, lang model.Format, src []byte) *model.Code {
	return analyseSourceAs(t, lang, src, false)
}

// analyseSourceAs is analyseSource, parsing only what the handler reaches
// when partly is set.
func analyseSourceAs(t testing.TB, lang model.Format, src []byte, partly bool) *model.Code {
	p, err := newParser(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	var handlers []string
	if partly {
		handlers = []string{"handler"}
	}
	fi := readAndParse(p, fileJob{key: "app/handler", path: "app/handler", lang: lang, handlers: handlers,
		inline: &site{inline: src, inlineFile: "app/handler", inlineLine: 1}})
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

// analyseRegistered parses src as lang and analyses, as a Firebase
// function registered on line, the handler that registration passes
// (HTTP, callable and Firestore triggers).
func analyseRegistered(t testing.TB, lang model.Format, src []byte, line int) *model.Code {
	p, err := newParser(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	fi := readAndParseBytes(p, "app/index", lang, src)
	files := map[string]*fileInfo{"app/index": fi}
	fn := &model.Function{ID: "fn", Pos: model.Pos{File: "app/index", Line: line}}
	st := &model.Stack{ID: "firebase.json", File: "firebase.json", Format: model.FormatFirebase, Functions: []*model.Function{fn},
		EntryPoints: []*model.EntryPoint{{ID: "fn", Kind: model.EntryRoute, Function: "fn", Event: "onRequest"}},
		Triggers:    []*model.Trigger{{ID: "doc", Kind: model.TriggerOther, Function: "fn", Event: "onDocumentCreated"}}}
	j := &job{st: st, fn: fn, site: &site{entry: "app/index", lang: lang, handler: "fn", regLine: line, model: modelFirebase}, entry: "app/index"}
	sh := newShared(files)
	sh.prepass(context.Background(), []string{"app/index"})
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
	{model.FormatJavaScript, "exports.fn = onRequest({cors: true}, (req, res) => { eval(req.query.x) });\n"},
	{model.FormatTypeScript, "\nexport const fn = onDocumentCreated('a/{id}', async (event) => { eval(event.data.data().x) });\n"},
	{model.FormatPython, "@https_fn.on_request()\ndef fn(req):\n    eval(req.args['x'])\n"},
	{model.FormatGo, "package main\nimport \"os/exec\"\nfunc handler(ctx context.Context, e events.APIGatewayProxyRequest) error {\n\treturn exec.Command(\"sh\", \"-c\", \"ls \"+e.Body).Run()\n}\n"},
	{model.FormatGo, "package main\nfunc handler(e events.S3Event) {\n\tfor _, r := range e.Records { os.Open(r.S3.Object.Key) }\n\tfunc( {\n}\n"},
	{model.FormatJava, "package a;\nclass H {\n  String handler(APIGatewayProxyRequestEvent in, Context c) throws Exception {\n    Runtime.getRuntime().exec(new String[]{\"sh\", \"-c\", in.getBody()});\n    return null;\n  }\n}\n"},
	{model.FormatJava, "class H { void handler(S3Event e) { for (var r : e.getRecords()) { new File(r.getS3().getObject().getKey()); } }\n  void broken( { }\n"},
	{model.FormatJava, "class H implements RequestStreamHandler {\n  public void handler(InputStream in, OutputStream out, Context c) throws Exception {\n    JsonNode n = new ObjectMapper().readTree(in);\n    Runtime.getRuntime().exec(new String[]{\"sh\", \"-c\", n.get(\"body\").asText()});\n    Runtime.getRuntime().exec(new String[]{\"sh\", \"-c\", n.at(\"/requestContext/stage\").asText()});\n  }\n}\n"},
	{model.FormatJava, "@DynamoDBTable(tableName = )\nclass T {}\nclass H { void handler(InputStream in, Context c) { new DynamoDBMapper(null, SaveBehavior.).save(new T()); new String(in.readAllBytes()).at(\"/\"); }\n"},
}

// FuzzAnalyse checks that no source text makes the analysis panic, for
// each language.
func FuzzAnalyse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(string(s.lang), []byte(s.src))
	}
	f.Fuzz(func(t *testing.T, lang string, src []byte) {
		l := model.Format(lang)
		if l != model.FormatPython && l != model.FormatJavaScript && l != model.FormatTypeScript && l != model.FormatGo && l != model.FormatJava {
			l = model.FormatPython
		}
		c := analyseSource(t, l, src)
		r := analyseRegistered(t, l, src, 1+len(src)%7)
		for _, c := range []*model.Code{c, r} {
			if c == nil {
				continue
			}
			for _, fl := range c.Flows {
				if len(fl.Steps) == 0 {
					t.Fatalf("flow without steps: %+v", fl)
				}
			}
		}
	})
}

// FuzzPartialParse checks that parsing only what the handler reaches
// (keepRanges) finds exactly what parsing the whole source finds, for
// sources without syntax errors: a syntax error inside a function the
// handler cannot reach is what a partial parse does not see (see
// keepRanges), and any other makes it parse the file whole.
func FuzzPartialParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(string(s.lang), []byte(s.src))
	}
	for _, c := range keepCases {
		f.Add(string(c.lang), []byte(c.src))
	}
	f.Fuzz(func(t *testing.T, lang string, src []byte) {
		l := model.Format(lang)
		if l != model.FormatPython && l != model.FormatJavaScript && l != model.FormatTypeScript {
			l = model.FormatPython
		}
		p, err := newParser(nil)
		if err != nil {
			t.Fatal(err)
		}
		fi := readAndParseBytes(p, "app/handler", l, src)
		p.close()
		if len(fi.errs) > 0 || fi.root == nil {
			return
		}
		whole := fmt.Sprintf("%+v", analyseSourceAs(t, l, src, false))
		partly := fmt.Sprintf("%+v", analyseSourceAs(t, l, src, true))
		if whole != partly {
			t.Fatalf("partial parse differs:\nwhole:  %s\npartly: %s", whole, partly)
		}
	})
}

// TestKeepCasesAnalysis runs the keepRanges cases through the analysis
// both ways.
func TestKeepCasesAnalysis(t *testing.T) {
	for _, c := range keepCases {
		whole := fmt.Sprintf("%+v", analyseSourceAs(t, c.lang, []byte(c.src), false))
		partly := fmt.Sprintf("%+v", analyseSourceAs(t, c.lang, []byte(c.src), true))
		if whole != partly {
			t.Errorf("%s: partial parse differs:\nwhole:  %s\npartly: %s", c.name, whole, partly)
		}
	}
}

// TestSeeds runs the fuzz seeds and checks the flows they must give.
func TestSeeds(t *testing.T) {
	want := []int{1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 0} // tree-sitter reads a Python 2 exec statement as an expression with an error
	// The last three are Firebase registrations: their flows appear when
	// analysed as the function registered on their line (1, 1 and 2).
	wantReg := map[int][2]int{8: {1, 1}, 9: {1, 1}, 10: {2, 1}}
	for i, s := range fuzzSeeds {
		c := analyseSource(t, s.lang, []byte(s.src))
		got := 0
		if c != nil {
			got = len(c.Flows)
		}
		if got != want[i] {
			t.Errorf("seed %d (%s): %d flows, want %d: %+v", i, s.lang, got, want[i], c)
		}
		if w, ok := wantReg[i]; ok {
			r := analyseRegistered(t, s.lang, []byte(s.src), w[0])
			if r == nil || len(r.Flows) != w[1] {
				t.Errorf("seed %d registered on line %d: %+v, want %d flows", i, w[0], r, w[1])
			}
		}
	}
}
