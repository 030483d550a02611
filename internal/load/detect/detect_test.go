package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/model"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             model.Format
		not              bool // known not to be an input
	}{
		{"sam", "template.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources: {}\n", model.FormatSAM, false},
		{"sam without version", "app.yml", "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n", model.FormatSAM, false},
		{"cloudformation", "stack.template", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n", model.FormatCloudFormation, false},
		{"cloudformation json", "stack.json", `{"AWSTemplateFormatVersion":"2010-09-09","Resources":{"B":{"Type":"AWS::S3::Bucket"}}}`, model.FormatCloudFormation, false},
		{"broken template still loads (positioned error)", "t.yaml", "Resources:\n  B: [\n    Type: AWS::S3::Bucket", model.FormatCloudFormation, false},
		{"openapi with intrinsics is not a template", "swagger.yaml",
			"swagger: '2.0'\ninfo:\n  title:\n    Fn::Sub: \"${AWS::StackName}-API\"\npaths:\n  /x:\n    get:\n      x-amazon-apigateway-integration:\n        uri:\n          Fn::Sub: arn:aws:apigateway:${AWS::Region}:lambda:path/${ResourcesFunction.Arn}\n", "", true},
		{"openapi json", "api.json", `{"openapi":"3.0.1","paths":{"/":{}},"x":"AWS::Region Resources"}`, "", true},
		{"nested Resources key is not a template", "values.yaml", "chart:\n  Resources:\n    Type: AWS::S3::Bucket\n", "", false},
		{"other yaml", "config.yml", "foo: bar\n", "", false},
		{"serverless", "serverless.yml", "", model.FormatServerless, false},
		{"serverless program", "Serverless.TS", "", model.FormatServerless, false},
		{"serverless stage file", "serverless.dev.yml", "service: x\nprovider:\n  name: aws\n", model.FormatServerless, false},
		{"not a serverless stage file", "serverless-notes.yml", "notes: x\n", "", false},
		{"serverless in a folder", "a/b/serverless.yaml", "", model.FormatServerless, false},
		{"serverless json", "serverless.json", "{}", model.FormatServerless, false},
		{"serverless stage file crlf", "serverless.prod.yml", "service: x\r\nprovider:\r\n  name: aws\r\n", model.FormatServerless, false},
		{"service file by another name", "other.yml", "service: x\nprovider:\n  name: aws\n", "", false},
		{"serverless backup", "serverless.yml.bak", "service: x\n", "", false},
		{"prefixed serverless", "my-serverless.yml", "service: x\nprovider: {}\n", "", false},
		{"firebase", "firebase.json", `{"functions":{}}`, model.FormatFirebase, false},
		{"azure function", "HttpTrigger/function.json", `{"bindings":[]}`, model.FormatAzureFunctions, false},
		{"azure local settings", "local.settings.json", `{"Values":{}}`, "", true},
		{"wskdeploy manifest", "manifest.yaml", "packages:\n  shop:\n    actions:\n      a: {}\n", model.FormatWskdeploy, false},
		{"wskdeploy manifest by content", "app.yml", "project:\n  packages:\n    p:\n      actions:\n        a: {}\n", model.FormatWskdeploy, false},
		{"wskdeploy deployment", "deployment.yaml", "project:\n  packages:\n    p:\n      actions:\n        a:\n          inputs: {}\n", "", true},
		{"cloud foundry manifest", "manifest.yml", "applications:\n- name: x\npackages:\n", "", false},
		{"terraform", "main.tf", "", model.FormatTerraform, false},
		{"terraform json", "infra/main.tf.json", "{}", model.FormatTerraform, false},
		{"plan", "plan.json", `{"format_version":"1.2","planned_values":{}}`, model.FormatTerraformPlan, false},
		{"arm", "template.json", `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","resources":[]}`, model.FormatARM, false},
		{"arm parameters are not a template", "azuredeploy.parameters.json", `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#","parameters":{}}`, "", false},
		{"azure host", "host.json", `{"version":"2.0"}`, model.FormatAzureFunctions, false},
		{"package.json naming AWS::", "package.json", `{"name":"x","description":"Resources AWS::S3::Bucket AWSTemplateFormatVersion"}`, "", true},
		{"lockfile", "pnpm-lock.yaml", "lockfileVersion: 6\nResources: AWS::", "", true},
		{"tsconfig", "tsconfig.build.json", "{}", "", true},
		{"top-level array", "list.json", `["AWSTemplateFormatVersion", "Resources", "AWS::"]`, "", false},
		{"source file", "handler.py", "Resources = 'AWS::'", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Detect(tc.file, []byte(tc.data))
			if got.Format != tc.want || (got.Not != "") != tc.not {
				t.Errorf("Detect(%s) = %+v, want format %q, known non-input %v", tc.file, got, tc.want, tc.not)
			}
			if tc.want != "" && !Candidate(tc.file) {
				t.Errorf("Candidate(%s) = false for an input", tc.file)
			}
		})
	}
}

func TestTopLevelKeys(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
		ok         bool
	}{
		{"yaml", "# c\n---\nA: 1\nB:\n  C: 2\n'D': x\n- item\n", []string{"A", "B", "D"}, true},
		{"second document ignored", "A: 1\n---\nB: 2\n", []string{"A"}, true},
		{"json", `{"A": {"B": [1, {"C": 2}]}, "D": "x", "E": null}`, []string{"A", "D", "E"}, true},
		{"json head cut short", `{"A": 1, "B": {"C":`, []string{"A", "B"}, true},
		{"flow yaml", "{A: 1}", nil, false},
		{"empty", "", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := TopLevelKeys([]byte(tc.data))
			if diff := cmp.Diff(tc.want, got); diff != "" || ok != tc.ok {
				t.Errorf("TopLevelKeys ok=%v (want %v) (-want +got):\n%s", ok, tc.ok, diff)
			}
		})
	}
}

// TestCorpusOpenAPI checks the referenced OpenAPI files of the shared
// corpus: none is taken for a template.
func TestCorpusOpenAPI(t *testing.T) {
	root := corpus(t)
	n := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b := strings.ToLower(d.Name())
		if !strings.Contains(b, "swagger") && !strings.Contains(b, "openapi") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		if !IsOpenAPI(data) {
			return nil
		}
		n++
		if r := Detect(p, data); r.IsInput() {
			t.Errorf("%s: detected as %s", p, r.Format)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Skip("no OpenAPI files in the corpus")
	}
	t.Logf("%d OpenAPI files in the corpus, none taken for an input", n)
}

func corpus(t *testing.T) string {
	dir, _ := os.Getwd()
	for {
		p := filepath.Join(dir, "shared", "corpus")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/corpus not found")
		}
		dir = parent
	}
}

func FuzzDetect(f *testing.F) {
	f.Add("t.yaml", []byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n"))
	f.Add("t.json", []byte(`{"swagger":"2.0"}`))
	f.Add("serverless.dev.yml", []byte("service: x\nprovider: {}\n"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		r := Detect(name, data)
		if r.Format != "" && r.Not != "" {
			t.Fatalf("both an input and not: %+v", r)
		}
		TopLevelKeys(data)
	})
}
