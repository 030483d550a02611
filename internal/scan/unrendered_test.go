package scan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Issue 15, item 10: raw cookiecutter/Jinja templates (aws-sam-cli-app-templates
// holds ~210) are templates of templates. One that does not parse says so;
// one that parses loads with a warning and its findings get low confidence.
func TestUnrenderedTemplates(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// As in aws-sam-cli-app-templates/python3.13/hello: a {%- if %} block.
	write("blocks/{{cookiecutter.project_name}}/template.yaml", `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: >
  {{ cookiecutter.project_name }}
Resources:
  HelloWorldFunction:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "def handler(e, c): return {}"
      Handler: app.lambda_handler
      Runtime: python3.13
      {%- if cookiecutter.options.xray %}
      Tracing: Active
      {%- endif %}
      Events:
        HelloWorld:
          Type: Api
          Properties: {Path: /hello, Method: get}
`)
	// As in aws-sam-cli-app-templates/dotnet8/s3: placeholders in values only.
	write("values/{{cookiecutter.project_name}}/template.yaml", `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: "{{cookiecutter.project_name}}"
Resources:
  HelloWorldFunction:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "def handler(e, c): return {}"
      Handler: app.lambda_handler
      Runtime: python3.13
      Events:
        HelloWorld:
          Type: Api
          Properties: {Path: /hello, Method: get}
`)
	doc, err := Run(context.Background(), Options{Paths: []string{dir}, Loaders: DefaultLoaders(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	var blocksErr string
	for _, in := range doc.Inputs {
		if strings.Contains(in.Path, "/blocks/") {
			blocksErr = in.Error
		}
		if strings.Contains(in.Path, "/values/") && in.Error != "" {
			t.Errorf("values template did not load: %s", in.Error)
		}
	}
	for _, want := range []string{"template.yaml:12", "cookiecutter/Jinja template of a template ({{ cookiecutter.project_name }} at line 4)", "render it first", "invalid YAML"} {
		if !strings.Contains(blocksErr, want) {
			t.Errorf("blocks template error %q lacks %q", blocksErr, want)
		}
	}
	var st *model.Stack
	for _, s := range doc.App.Stacks {
		if strings.Contains(s.ID, "/values/") {
			st = s
		}
	}
	if st == nil || st.Unrendered != "cookiecutter/Jinja" {
		t.Fatalf("values template: stack %+v not marked unrendered", st)
	}
	n := 0
	for _, f := range doc.Findings {
		if f.Stack != st.ID {
			continue
		}
		n++
		if f.Confidence != model.ConfidenceLow || !strings.Contains(f.Message, "is an unrendered cookiecutter/Jinja template") {
			t.Errorf("finding on an unrendered template: confidence %s, message %q", f.Confidence, f.Message)
		}
	}
	if n == 0 {
		t.Error("no finding on the values template: the test checks nothing")
	}
}
