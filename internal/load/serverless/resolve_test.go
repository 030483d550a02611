package serverless

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/decode/yamlv"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// resolveOut resolves src (a serverless.yml written at the root of a
// temporary scan root holding files) and returns custom.out.
func resolveOut(t testing.TB, src string, opts load.Options, files map[string]string) (*model.Value, *resolver, error) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, err := load.OpenRoot(dir, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	doc, err := yamlv.Decode("app/serverless.yml", []byte(src), opts.Limits)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	r := newResolver(context.Background(), doc.Root, root, opts)
	out, err := r.resolve(doc.Root)
	if err != nil {
		return nil, r, err
	}
	return out.Path("custom", "out"), r, nil
}

func jsonOf(v *model.Value) string {
	b, _ := v.MarshalJSON()
	return string(b)
}

func TestResolve(t *testing.T) {
	files := map[string]string{
		"app/config/dev.yml":  "table: orders-dev\nnested:\n  deep: ${self:custom.base}\n",
		"app/config/prod.yml": "table: orders-prod\n",
		"app/extra.json":      `{"key": "from-json", "list": [1, 2]}`,
		"app/key.txt":         "ssh-rsa AAAA",
		"app/code.js":         "module.exports = () => 'x'",
		"outside.yml":         "a: b\n",
	}
	tests := []struct {
		name       string
		src        string
		opts       load.Options
		want       string // JSON of custom.out
		unresolved bool
		source     string
		wantErr    string
		wantDiag   string
	}{
		{name: "self simple", src: "custom:\n  a: x\n  out: ${self:custom.a}", want: `"x"`},
		{name: "self nested address", src: "custom:\n  dev: {t: T}\n  stage: dev\n  out: ${self:custom.${self:custom.stage}.t}", want: `"T"`},
		{name: "self recursive chain", src: "custom:\n  a: ${self:custom.b}-1\n  b: ${self:custom.c}-2\n  c: z\n  out: ${self:custom.a}", want: `"z-2-1"`},
		{name: "self keeps type", src: "custom:\n  n: 512\n  out: ${self:custom.n}", want: `512`},
		{name: "self map", src: "custom:\n  m: {k: v}\n  out: ${self:custom.m}", want: `{"k":"v"}`},
		{name: "self list index", src: "custom:\n  l: [a, b]\n  out: ${self:custom.l.1}", want: `"b"`},
		{name: "self without prefix", src: "custom:\n  a: x\n  out: ${custom.a}", want: `"x"`},
		{name: "self interpolated", src: "service: svc\ncustom:\n  out: ${self:service}-table", want: `"svc-table"`},
		{name: "default quoted", src: "custom:\n  out: ${self:custom.missing, 'fallback'}", want: `"fallback"`},
		{name: "default double quoted", src: "custom:\n  out: ${self:custom.missing, \"fb\"}", want: `"fb"`},
		{name: "default number", src: "custom:\n  out: ${self:custom.missing, 30}", want: `30`},
		{name: "fallback chain", src: "custom:\n  b: second\n  out: ${self:custom.a, self:custom.b, 'third'}", want: `"second"`},
		{name: "fallback nested variable", src: "custom:\n  b: B\n  out: ${self:custom.a, ${self:custom.b}}", want: `"B"`},
		{name: "missing self symbolic", src: "custom:\n  out: ${self:custom.nope}", want: `{"$unresolved":"${self:custom.nope}"}`, unresolved: true, source: "${self:custom.nope}", wantDiag: "cannot resolve"},
		{name: "opt stage default", src: "custom:\n  out: ${opt:stage}", want: `"dev"`, wantDiag: "assuming the framework default \"dev\""},
		{name: "opt stage given", src: "custom:\n  out: ${opt:stage}", opts: load.Options{Params: map[string]string{"stage": "prod"}}, want: `"prod"`},
		{name: "opt stage fallback", src: "provider:\n  stage: qa\ncustom:\n  out: ${opt:stage, self:provider.stage}", want: `"qa"`},
		{name: "opt region default", src: "custom:\n  out: ${opt:region}", want: `"us-east-1"`, wantDiag: "us-east-1"},
		{name: "opt region given", src: "custom:\n  out: ${opt:region}", opts: load.Options{Params: map[string]string{"region": "eu-west-1"}}, want: `"eu-west-1"`},
		{name: "opt other missing", src: "custom:\n  out: ${opt:foo, 'bar'}", want: `"bar"`},
		{name: "self provider.stage default", src: "custom:\n  out: ${self:provider.stage}", want: `"dev"`},
		{name: "sls stage", src: "provider:\n  stage: ${opt:stage, 'beta'}\ncustom:\n  out: x-${sls:stage}", want: `"x-beta"`},
		{name: "sls stage param", src: "custom:\n  out: ${sls:stage}", opts: load.Options{Params: map[string]string{"stage": "prod"}}, want: `"prod"`},
		{name: "sls instanceId symbolic", src: "custom:\n  out: ${sls:instanceId}", want: `{"$unresolved":"${sls:instanceId}"}`, unresolved: true, source: "${sls:instanceId}"},
		{name: "env absent symbolic", src: "custom:\n  out: ${env:SECRET}", want: `{"$unresolved":"${env:SECRET}"}`, unresolved: true, source: "${env:SECRET}"},
		{name: "env absent with default stays symbolic", src: "custom:\n  out: ${env:SECRET, 'x'}", want: `{"$unresolved":"${env:SECRET, 'x'}"}`, unresolved: true, source: "${env:SECRET, 'x'}"},
		{name: "env given", src: "custom:\n  out: ${env:SECRET}", opts: load.Options{Env: map[string]string{"SECRET": "s3cr3t"}}, want: `"s3cr3t"`},
		{name: "env given missing falls back", src: "custom:\n  out: ${env:NOPE, 'd'}", opts: load.Options{Env: map[string]string{}}, want: `"d"`},
		{name: "env in string", src: "custom:\n  out: db-${env:DB}", want: `"db-${env:DB}"`, unresolved: true, source: "${env:DB}"},
		{name: "ssm symbolic", src: "custom:\n  out: ${ssm:/app/key}", want: `{"$unresolved":"${ssm:/app/key}"}`, unresolved: true, source: "${ssm:/app/key}"},
		{name: "cf symbolic", src: "custom:\n  out: ${cf:other-stack.Output}", want: `{"$unresolved":"${cf:other-stack.Output}"}`, unresolved: true, source: "${cf:other-stack.Output}"},
		{name: "s3 symbolic", src: "custom:\n  out: ${s3:bucket/key}", want: `{"$unresolved":"${s3:bucket/key}"}`, unresolved: true, source: "${s3:bucket/key}"},
		{name: "aws accountId symbolic", src: "custom:\n  out: arn:aws:iam::${aws:accountId}:root", want: `"arn:aws:iam::${aws:accountId}:root"`, unresolved: true, source: "${aws:accountId}"},
		{name: "aws region", src: "provider:\n  region: eu-north-1\ncustom:\n  out: ${aws:region}", want: `"eu-north-1"`},
		{name: "unknown resolver symbolic", src: "custom:\n  out: ${vault:secret/x}", want: `{"$unresolved":"${vault:secret/x}"}`, unresolved: true, source: "${vault:secret/x}"},
		{name: "param from params section", src: "params:\n  default: {t: d}\n  dev: {t: devT}\ncustom:\n  out: ${param:t}", want: `"devT"`},
		{name: "param default section", src: "params:\n  default: {t: d}\ncustom:\n  out: ${param:t}", want: `"d"`},
		{name: "file whole", src: "custom:\n  out: ${file(./extra.json)}", want: `{"key":"from-json","list":[1,2]}`},
		{name: "file address", src: "custom:\n  out: ${file(./extra.json):key}", want: `"from-json"`},
		{name: "file with stage", src: "custom:\n  out: ${file(./config/${opt:stage, 'dev'}.yml):table}", want: `"orders-dev"`},
		{name: "file self inside", src: "custom:\n  base: B\n  out: ${file(config/dev.yml):nested.deep}", want: `"B"`},
		{name: "file text", src: "custom:\n  out: ${file(./key.txt)}", want: `"ssh-rsa AAAA"`},
		{name: "file js never executed", src: "custom:\n  out: ${file(./code.js):fn}", want: `{"$unresolved":"${file(./code.js):fn}"}`, unresolved: true, source: "${file(./code.js):fn}"},
		{name: "file missing falls back", src: "custom:\n  out: ${file(./nope.yml):a, 'fb'}", want: `"fb"`},
		{name: "file missing symbolic", src: "custom:\n  out: ${file(./nope.yml):a}", want: `{"$unresolved":"${file(./nope.yml):a}"}`, unresolved: true, source: "${file(./nope.yml):a}", wantDiag: "cannot read"},
		{name: "file escaping root", src: "custom:\n  out: ${file(../../outside.yml)}", wantErr: "leaves the scanned root"},
		{name: "file absolute path", src: "custom:\n  out: ${file(/etc/passwd)}", wantErr: "leaves the scanned root"},
		{name: "strToBool true", src: "custom:\n  out: ${strToBool(true)}", want: `true`},
		{name: "strToBool nested", src: "custom:\n  f: 'false'\n  out: ${strToBool(${self:custom.f})}", want: `false`},
		{name: "strToBool symbolic", src: "custom:\n  out: ${strToBool(${env:FLAG})}", want: `{"$unresolved":"${strToBool(${env:FLAG})}"}`, unresolved: true},
		{name: "old self custom form", src: "custom:\n  stage: ${opt:stage, self:provider.stage}\n  tables:\n    dev: t-dev\n  out: ${self:custom.tables.${self:custom.stage}}", want: `"t-dev"`},
		{name: "cfn sub text kept", src: "custom:\n  out: arn:${AWS::Partition}:s3:::${Bucket}/*", want: `"arn:${AWS::Partition}:s3:::${Bucket}/*"`},
		{name: "cycle", src: "custom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\n  out: ${self:custom.a}", wantErr: "variable cycle"},
		{name: "self cycle", src: "custom:\n  out: ${self:custom.out}", wantErr: "variable cycle"},
		{name: "stage cycle", src: "provider:\n  stage: ${sls:stage}\ncustom:\n  out: ${sls:stage}", wantErr: "cycle"},
		{name: "unterminated kept", src: "custom:\n  out: 'a ${self:custom'", want: `"a ${self:custom"`},
		{name: "map in string warns", src: "custom:\n  m: {a: b}\n  out: x-${self:custom.m}", want: `"x-${self:custom.m}"`, unresolved: true, wantDiag: "cannot be part of a string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, r, err := resolveOut(t, tc.src, tc.opts, files)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if load.PosOf(err).Line == 0 {
					t.Errorf("error %v has no position", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("resolve: %v", err)
			}
			if j := jsonOf(got); j != tc.want {
				t.Errorf("custom.out = %s, want %s", j, tc.want)
			}
			if got.Unresolved != tc.unresolved {
				t.Errorf("Unresolved = %v, want %v", got.Unresolved, tc.unresolved)
			}
			if tc.source != "" && got.Source != tc.source {
				t.Errorf("Source = %q, want %q", got.Source, tc.source)
			}
			if tc.wantDiag != "" {
				found := false
				for _, d := range r.diags {
					found = found || strings.Contains(d.Message, tc.wantDiag)
				}
				if !found {
					t.Errorf("no diagnostic containing %q in %v", tc.wantDiag, r.diags)
				}
			}
		})
	}
}

func TestResolveLimits(t *testing.T) {
	// Each level doubles the previous one: 2^40 characters unless bounded.
	var b strings.Builder
	b.WriteString("custom:\n  l0: ab\n")
	for i := 1; i <= 40; i++ {
		b.WriteString("  l" + itoa(i) + ": ${self:custom.l" + itoa(i-1) + "}${self:custom.l" + itoa(i-1) + "}\n")
	}
	b.WriteString("  out: ${self:custom.l40}\n")
	_, _, err := resolveOut(t, b.String(), load.Options{Limits: load.Limits{MaxResolveSteps: 100_000}}, nil)
	if err == nil || !strings.Contains(err.Error(), "steps") && !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("err = %v, want a resolution limit error", err)
	}
}

func TestResolveCancelled(t *testing.T) {
	doc, err := yamlv.Decode("serverless.yml", []byte("custom:\n  a: ${self:custom.b}\n  b: x\n"), load.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := newResolver(ctx, doc.Root, nil, load.Options{})
	r.steps = 1023 // the next step checks the context
	if _, err := r.resolve(doc.Root); err == nil {
		t.Fatal("want an error from a cancelled context")
	}
}

func FuzzResolve(f *testing.F) {
	seeds := []string{
		"${self:custom.a}", "${opt:stage, 'dev'}", "${env:X, ${self:custom.b}}", "${file(./x.yml):a}",
		"${self:custom.${self:custom.a}}", "${strToBool(true)}", "${", "${}", "${,}", "${'a}", "${self:}",
		"arn:${AWS::Region}:${self:custom.b}", "${self:custom.fuzz}", "${a, b, c, 'd', 1, true}", "${file(",
		"${file(..)}", "${ssm:/a/b~true}", "${sls:stage}-${aws:region}", "${{}}", "${self:custom.l.0}",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pos := model.Pos{File: "serverless.yml", Line: 1, Col: 1}
		str := func(v string) *model.Value { return model.NewString(v, pos) }
		custom := model.NewMap([]model.Field{
			{Key: "a", Value: str("b")},
			{Key: "b", Value: str(s)},
			{Key: "fuzz", Value: str(s)},
			{Key: "l", Value: model.NewList([]*model.Value{str(s), str("${self:custom.a}")}, pos)},
		}, pos)
		doc := model.NewMap([]model.Field{
			{Key: "custom", Value: custom},
			{Key: "provider", Value: model.NewMap([]model.Field{{Key: "stage", Value: str(s)}}, pos)},
			{Key: "out", Value: str(s)},
		}, pos)
		r := newResolver(context.Background(), doc, nil, load.Options{Limits: load.Limits{MaxResolveSteps: 20_000, MaxFileBytes: 1 << 20}})
		out, err := r.resolve(doc)
		if err != nil {
			if load.PosOf(err).File == "" && !strings.Contains(err.Error(), "context") {
				t.Fatalf("error without position: %v", err)
			}
			return
		}
		if out == nil {
			t.Fatal("nil result without error")
		}
	})
}
