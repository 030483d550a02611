package terraform

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/detect"
	"github.com/nightlight-sec/nightlight/internal/model"
)

func TestIsPlan(t *testing.T) {
	plan, err := os.ReadFile(filepath.Join("testdata", "plan", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data string
		want bool
	}{
		{"plan", string(plan), true},
		{"changes only", `{"format_version":"1.2","resource_changes":[]}`, true},
		{"cloudformation", `{"AWSTemplateFormatVersion":"2010-09-09","Resources":{}}`, false},
		{"state", `{"format_version":"1.0","values":{}}`, false},
		{"not json", `resource "a" "b" {}`, false},
		{"empty", ``, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := detect.IsPlan([]byte(tc.data)); got != tc.want {
				t.Errorf("IsPlan = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLoadPlan(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "plan", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := LoadPlan(context.Background(), load.File{Path: "plan/plan.json", Data: data}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Format != model.FormatTerraformPlan || st.Provider != model.AWS {
		t.Errorf("format/provider = %s/%s", st.Format, st.Provider)
	}
	f := st.Function("aws_lambda_function.orders")
	if f == nil {
		t.Fatalf("function missing; functions: %v", st.Functions)
	}
	type fnView struct {
		Name, Runtime, RoleSrc, Role string
		RoleRefs                     []string
		Pos                          model.Pos
	}
	got := fnView{Name: f.Name.String(), Runtime: f.Runtime.String(), RoleSrc: f.RoleARN.Source, Role: f.Role, RoleRefs: f.RoleARN.Refs, Pos: f.Pos}
	want := fnView{Name: "orders-prod", Runtime: "python3.12", RoleSrc: "aws_iam_role.fn.arn", Role: "aws_iam_role.fn",
		RoleRefs: []string{"aws_iam_role.fn"}, Pos: model.Pos{File: "plan/plan.json", Line: 29, Col: 11}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("function (-want +got):\n%s", d)
	}
	if len(st.EntryPoints) != 1 || st.EntryPoints[0].Function != f.ID || st.EntryPoints[0].Auth.Type != model.AuthNone {
		t.Errorf("entry points = %+v", st.EntryPoints)
	}
	r := st.Role("aws_iam_role.fn")
	if r == nil || r.Trust == nil || r.Trust.Document.Path("Statement") == nil {
		t.Fatalf("role trust not decoded: %+v", r)
	}
	q := st.Store("module.queue.aws_sqs_queue.this")
	if q == nil || q.Encryption.Kind != model.EncryptionNone {
		t.Errorf("queue = %+v", q)
	}
	var secret *model.Output
	for _, o := range st.Outputs {
		if o.ID == "secret" {
			secret = o
		}
	}
	if secret == nil || secret.Value.Kind != model.Symbolic || strings.Contains(secret.Value.Str, "s3cr3t") {
		t.Errorf("sensitive output not hidden: %#v", secret)
	}
}

func TestLoadPlanErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"syntax", "{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {,\n}", "plan.json:3:"},
		{"version", `{"format_version":"9.0","planned_values":{}}`, "unsupported plan format version"},
		{"deep", strings.Repeat("[", 10000), "nesting deeper"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadPlan(context.Background(), load.File{Path: "plan.json", Data: []byte(tc.data)}, load.Options{})
			var le *load.Error
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want *load.Error", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
