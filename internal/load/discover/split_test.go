package discover

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const samTemplate = "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      Handler: app.handler\n"

func TestSplit(t *testing.T) {
	cases := []struct {
		name  string
		files []string
		want  []string // part names, in order
	}{
		{"apps at any depth", []string{"x/y/template.yaml", "x/z/deep/template.yaml", "w/template.yaml"},
			[]string{"w", "x/y", "x/z/deep"}},
		{"a folder holding an input keeps its subfolders", []string{"x/template.yaml", "x/y/template.yaml", "x/z/template.yaml"},
			[]string{"x"}},
		{"names sharing a prefix, in path order", []string{"app/template.yaml", "app-v2/template.yaml", "app.old/template.yaml"},
			[]string{"app-v2", "app.old", "app"}},
		{"a module folder takes the folders named like it", []string{"m/main.tf", "m-v2/main.tf", "n/main.tf"},
			[]string{"m", "n"}},
		{"files at the top", []string{"template.yaml", "a/template.yaml"},
			[]string{"a", "template.yaml"}},
		{"a module at the top holds everything", []string{"main.tf", "a/template.yaml", "b/main.tf"},
			[]string{"."}},
		{"an Azure Functions project at the top holds everything", []string{"host.json", "fn/function.json", "a/template.yaml"},
			[]string{"."}},
		{"Azure Functions projects in folders", []string{"p/host.json", "p/fn/function.json", "q/fn/function.json"},
			[]string{"p", "q"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tc.files {
				full := filepath.Join(dir, filepath.FromSlash(f))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				data := samTemplate
				switch filepath.Ext(f) {
				case ".tf":
					data = "resource \"aws_sqs_queue\" \"q\" {}\n"
				case ".json":
					data = `{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"anonymous"}]}`
					if filepath.Base(f) == "host.json" {
						data = `{"version":"2.0"}`
					}
				}
				if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			parts, err := Split([]string{"."}, Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			n := 0
			for _, p := range parts {
				got = append(got, p.Name)
				n += len(p.cands)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
			if n != len(tc.files) {
				t.Errorf("parts hold %d files, want %d", n, len(tc.files))
			}
		})
	}
}
