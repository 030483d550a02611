package custom_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/custom"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/rogpeppe/go-internal/txtar"
)

// TestExamples runs the shipped example rules over txtar apps with want
// comments, as built-in rules are tested.
func TestExamples(t *testing.T) {
	rs, err := custom.LoadDir(context.Background(), filepath.Join("..", "..", "examples", "rules"), custom.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 4 {
		t.Fatalf("loaded %d example rules, want 4", len(rs))
	}
	for _, r := range rs {
		t.Run(r.ID, func(t *testing.T) { ruletest.Run(t, filepath.Join("testdata", r.ID), r) })
	}
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"unknown field", "id: X-1\ntitle: t\nseverity: low\nresources: [function]\ncondition: fn.runtim == \"go1.x\"\nmessage: m\n",
			"r.yaml:5:14: CEL: undefined field 'runtim'"},
		{"unknown field in block", "id: X-1\ntitle: t\nseverity: low\nresources: [function]\ncondition: |\n  fn.memory > 128 &&\n    fn.nope\nmessage: m\n",
			"r.yaml:7:7: CEL: undefined field 'nope'"},
		{"not bool", "id: X-1\ntitle: t\nseverity: low\nresources: [store]\ncondition: store.id\nmessage: m\n",
			"r.yaml:5:12: CEL: condition must be a bool, it is a string"},
		{"syntax", "id: X-1\ntitle: t\nseverity: low\nresources: [store]\ncondition: store.id ==\nmessage: m\n",
			"r.yaml:5:"},
		{"message placeholder", "id: X-1\ntitle: t\nseverity: low\nresources: [store]\ncondition: \"true\"\nmessage: \"{{store.nme}}\"\n",
			"undefined field 'nme'"},
		{"variable of another kind", "id: X-1\ntitle: t\nseverity: low\nresources: [store]\ncondition: fn.public\nmessage: m\n",
			"r.yaml:5:12: CEL: undeclared reference to 'fn'"},
		{"unknown key", "id: X-1\ntitle: t\nseverity: low\nresource: [store]\ncondition: \"true\"\nmessage: m\n",
			"r.yaml:4:1: unknown key \"resource\""},
		{"bad severity", "id: X-1\ntitle: t\nseverity: severe\nresources: [store]\ncondition: \"true\"\nmessage: m\n",
			"r.yaml:3:11: rule X-1: severity \"severe\""},
		{"bad kind", "id: X-1\ntitle: t\nseverity: low\nresources: [bucket]\ncondition: \"true\"\nmessage: m\n",
			"r.yaml:4:12: rule X-1: unknown resource kind \"bucket\""},
		{"bad platform", "id: X-1\ntitle: t\nseverity: low\nresources: [store]\nplatforms: [aws, gcp]\ncondition: \"true\"\nmessage: m\n",
			"r.yaml:5:12: rule X-1: unknown platform \"gcp\""},
		{"built-in id", "id: NL1001\ntitle: t\nseverity: low\nresources: [store]\ncondition: \"true\"\nmessage: m\n",
			"r.yaml:1:5: rule id \"NL1001\""},
		{"yaml", "id: [\n", "r.yaml:"},
		{"no condition", "id: X-1\ntitle: t\nseverity: low\nresources: [store]\nmessage: m\n", "has no condition"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := custom.Parse("r.yaml", []byte(tc.src), custom.Options{})
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

// run loads an inline app and runs one custom rule over it.
func run(t *testing.T, ruleSrc string, opts custom.Options, app string) ([]rule.Finding, error) {
	t.Helper()
	rs, err := custom.Parse("r.yaml", []byte(ruleSrc), opts)
	if err != nil {
		t.Fatal(err)
	}
	a := ruletest.LoadArchive(t, txtar.Parse([]byte(app)))
	an := iam.NewAnalyzer()
	g, err := graph.Build(context.Background(), a, graph.Options{Permissions: graph.IAMPermissions(an)})
	if err != nil {
		t.Fatal(err)
	}
	return rule.Run(context.Background(), rs, rule.Input{App: a, Graph: g, IAM: an, Now: ruletest.Now()})
}

const twoFunctions = `-- template.yaml --
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  WithEnv:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: {ZipFile: "x"}
      Environment:
        Variables:
          STAGE: prod
  NoEnv:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: {ZipFile: "x"}
`

func TestRuntimeError(t *testing.T) {
	fs, err := run(t, "id: X-1\ntitle: t\nseverity: low\nresources: [function]\ncondition: fn.env[\"STAGE\"] == \"prod\"\nmessage: \"{{fn.id}} runs in prod\"\n",
		custom.Options{}, twoFunctions)
	if err == nil || !strings.Contains(err.Error(), "r.yaml:1: X-1 on function NoEnv: no such key: STAGE") {
		t.Errorf("error = %v, want one naming the rule, the object and the missing key", err)
	}
	// The error on one function does not stop the rule on the other.
	if len(fs) != 1 || fs[0].Resource != "WithEnv" || fs[0].Message != "WithEnv runs in prod" || fs[0].Line != 3 {
		t.Errorf("findings = %+v, want one on WithEnv at line 3", fs)
	}
	// A guarded lookup has no error.
	fs, err = run(t, "id: X-1\ntitle: t\nseverity: low\nresources: [function]\ncondition: '\"STAGE\" in fn.env && fn.env.STAGE == \"prod\"'\nmessage: m\n",
		custom.Options{}, twoFunctions)
	if err != nil || len(fs) != 1 {
		t.Errorf("guarded: %d findings, error %v; want 1 and none", len(fs), err)
	}
}

func TestCostLimit(t *testing.T) {
	heavy := "id: X-1\ntitle: t\nseverity: low\nresources: [function]\ncondition: 'fn.id.size() > 0 && [1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, a + b + c > 0)))'\nmessage: m\n"
	_, err := run(t, heavy, custom.Options{CostLimit: 500}, twoFunctions)
	if err == nil || !strings.Contains(err.Error(), "cost limit of 500 exceeded") {
		t.Errorf("error = %v, want the cost limit", err)
	}
	fs, err := run(t, heavy, custom.Options{}, twoFunctions)
	if err != nil || len(fs) != 2 {
		t.Errorf("default limit: %d findings, error %v; want 2 and none", len(fs), err)
	}
}

func TestLoadDirKeepsGoodFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.yaml", "id: A-1\ntitle: t\nseverity: low\nresources: [store]\ncondition: store.public\nmessage: m\n")
	write("b.yml", "id: B-1\ntitle: t\nseverity: low\nresources: [store]\ncondition: store.nope\nmessage: m\n")
	write("c.yaml", "id: A-1\ntitle: t\nseverity: low\nresources: [api]\ncondition: api.waf\nmessage: m\n")
	write("notes.txt", "not a rule")
	rs, err := custom.LoadDir(context.Background(), dir, custom.Options{})
	if len(rs) != 1 || rs[0].ID != "A-1" {
		t.Errorf("rules = %v, want A-1 only", rs)
	}
	if err == nil || !strings.Contains(err.Error(), "b.yml:5:") || !strings.Contains(err.Error(), "rule A-1 is also defined in") {
		t.Errorf("error = %v, want b.yml's compile error and the duplicate", err)
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pat, s string
		want   bool
	}{
		{"iam:*", "iam:PassRole", true}, {"IAM:pass*", "iam:PassRole", true}, {"s3:Get?bject", "s3:GetObject", true},
		{"s3:*", "iam:PassRole", false}, {"arn:aws:s3:::b/*", "arn:aws:s3:::b/k/x", true}, {"[", "[", true},
	} {
		if got := custom.Glob(tc.pat, tc.s); got != tc.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", tc.pat, tc.s, got, tc.want)
		}
	}
}
