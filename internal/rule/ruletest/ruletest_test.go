package ruletest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

func TestParseWant(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // Rule|Severity|Confidence|Resource|HasPath:Path|regexp per expectation
		err      string
	}{
		{"plain", `"NL1001 open"`, []string{"||||false:|NL1001 open"}, ""},
		{"two", "\"a\" `b\\d`", []string{"||||false:|a", "||||false:|b\\d"}, ""},
		{"qualified", `NL1001 severity=high confidence=medium resource=Fn path="principal:internet -> t.yaml#function:Fn" "open"`,
			[]string{"NL1001|high|medium|Fn|true:principal:internet -> t.yaml#function:Fn|open"}, ""},
		{"quoted resource, empty path", `resource="module.a[\"x\"]" path="" "x"`, []string{`|||module.a["x"]|true:|x`}, ""},
		{"qualifiers apply to the next regexp only", `severity=low "a" "b"`, []string{"|low|||false:|a", "||||false:|b"}, ""},
		{"bad severity", `severity=urgent "a"`, nil, "severity=urgent"},
		{"bad confidence", `confidence=certain "a"`, nil, "confidence=certain"},
		{"unknown qualifier", `sev=high "a"`, nil, `unexpected "sev=high"`},
		{"dangling qualifier", `"a" NL1001`, nil, "must be followed"},
		{"bad regexp", `"("`, nil, "missing closing"},
		{"unterminated", `"abc`, nil, "unterminated"},
		{"empty", ``, nil, "no expectation"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := parseWant(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("parseWant(%s) error = %v, want %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range ws {
				got = append(got, fmt.Sprintf("%s|%s|%s|%s|%v:%s|%s", w.Rule, w.Severity, w.Confidence, w.Resource, w.HasPath, w.Path, w.RE))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// recorder is a testing.TB that records errors instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestCheck(t *testing.T) {
	fn, _ := graph.ParseNodeID("t.yaml#function:Fn")
	f := rule.Finding{Rule: "NL1001", File: "t.yaml", Line: 3, Severity: rule.High, Confidence: rule.ConfidenceMedium,
		Resource: "Fn", Message: "open to anyone", Path: []graph.NodeID{graph.PrincipalInternet, fn}}
	tests := []struct {
		name string
		want string
		errs []string // substrings, one per error
	}{
		{"match", `NL1001 severity=high confidence=medium resource=Fn path="principal:internet -> t.yaml#function:Fn" "anyone"`, nil},
		{"wrong severity", `severity=low "anyone"`, []string{"severity high, want low", `no finding matched "anyone"`}},
		{"wrong path", `path="" "anyone"`, []string{`path "principal:internet -> t.yaml#function:Fn", want ""`, "no finding matched"}},
		{"regexp misses", `"nobody"`, []string{"unexpected finding NL1001", `no finding matched "nobody"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := parseWant(tc.want)
			if err != nil {
				t.Fatal(err)
			}
			for i := range ws {
				ws[i].File, ws[i].Line = "t.yaml", 3
			}
			r := &recorder{TB: t}
			Check(r, []rule.Finding{f}, ws)
			if len(r.errs) != len(tc.errs) {
				t.Fatalf("errors %q, want %d", r.errs, len(tc.errs))
			}
			for i, e := range tc.errs {
				if !strings.Contains(r.errs[i], e) {
					t.Errorf("error %q lacks %q", r.errs[i], e)
				}
			}
		})
	}
}

// TestLoadDirAsScan checks that rule tests load what a scan loads: a
// .tf.json module, a Serverless program reported as not loadable, an
// OpenAPI file and a package.json left alone, a nightlight.yaml that is
// configuration and not a template.
func TestLoadDirAsScan(t *testing.T) {
	ar := txtar.Parse([]byte(`-- infra/main.tf.json --
{"resource": {"aws_lambda_function": {"fn": {"function_name": "f", "role": "r", "handler": "h", "runtime": "python3.12"}}}}
-- svc/serverless.ts --
export default {service: "x"};
-- api/swagger.yaml --
swagger: "2.0"
info:
  title:
    Fn::Sub: "${AWS::StackName}-Resources"
paths: {}
-- package.json --
{"name": "x", "description": "AWSTemplateFormatVersion Resources AWS::S3::Bucket"}
-- nightlight.yaml --
classify:
  pii: ["Users"]
`))
	dir := t.TempDir()
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	app, inputs, err := LoadDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range inputs {
		got = append(got, fmt.Sprintf("%s %s error=%v", in.Path, in.Format, in.Error != ""))
	}
	want := []string{"infra terraform error=false", "svc/serverless.ts serverless error=true"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("inputs (-want +got):\n%s", diff)
	}
	if len(app.Stacks) != 1 || len(app.Stacks[0].Functions) != 1 {
		t.Errorf("stacks = %d, want the Terraform module with one function", len(app.Stacks))
	}
}
