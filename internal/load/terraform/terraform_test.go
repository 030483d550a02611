package terraform

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// jsonOf renders a model value as compact JSON for comparisons.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func diagsMatching(st *model.Stack, sev model.DiagSeverity, substr string) []model.Diagnostic {
	var out []model.Diagnostic
	for _, d := range st.Diagnostics {
		if d.Severity == sev && strings.Contains(d.Message, substr) {
			out = append(out, d)
		}
	}
	return out
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		dir  string
		opts load.Options
		want string // substring of the positioned error
	}{
		{"count over the resource limit", "count_limit", load.Options{}, "count_limit/main.tf:2:11: count of aws_sqs_queue.q is 1000000000, over the limit of 20000 resources"},
		{"count over a small limit", "aws_app", load.Options{Limits: load.Limits{MaxResources: 3}}, "more than 3 resources"},
		{"syntax error", "syntax_error", load.Options{}, "syntax_error/main.tf:1:30: Unclosed configuration block"},
		{"resolve steps", "aws_app", load.Options{Limits: load.Limits{MaxResolveSteps: 50}}, "evaluation exceeds 50 steps"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadDir(t, tc.dir, tc.opts)
			var le *load.Error
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a *load.Error", err)
			}
			if !le.Pos.IsValid() {
				t.Errorf("error has no position: %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadScenarios(t *testing.T) {
	tests := []struct {
		name  string
		dir   string
		opts  load.Options
		check func(t *testing.T, st *model.Stack)
	}{
		{"file outside the root is refused with a positioned error", "file_outside", load.Options{}, func(t *testing.T, st *model.Stack) {
			ds := diagsMatching(st, model.DiagError, "leaves the scanned root")
			if len(ds) != 1 || ds[0].Pos != (model.Pos{File: "file_outside/main.tf", Line: 3, Col: 12}) {
				t.Errorf("diagnostics = %v", st.Diagnostics)
			}
			p := st.Policies[0].Doc.Document
			if p.Kind != model.Symbolic || p.Source == "" {
				t.Errorf("policy = %#v, want a symbol", p)
			}
		}},
		{"module outside the root is refused", "module_outside", load.Options{}, func(t *testing.T, st *model.Stack) {
			if ds := diagsMatching(st, model.DiagError, "leaves the scanned root"); len(ds) != 1 {
				t.Errorf("diagnostics = %v", st.Diagnostics)
			}
		}},
		{"load balancer targets: per listener and rule, with auth, conditions and scheme", "alb", load.Options{}, func(t *testing.T, st *model.Stack) {
			type entry struct {
				ID, Function, Method, Path, Auth, Authorizer string
				Scheme                                       string
			}
			var got []entry
			for _, ep := range st.EntryPoints {
				if ep.Kind == model.EntryALB {
					got = append(got, entry{ep.ID, ep.Function, ep.Method, ep.Path, string(ep.Auth.Type), ep.Auth.Authorizer, ep.Scheme})
				}
			}
			want := []entry{
				{ID: "aws_alb_listener.private aws_lambda_function.api", Function: "aws_lambda_function.api", Auth: "none", Scheme: "internal"},
				{ID: "aws_lb_listener.public aws_lambda_function.api", Function: "aws_lambda_function.api", Auth: "none", Scheme: "internet-facing"},
				{ID: "aws_lb_listener_rule.admin aws_lambda_function.admin", Function: "aws_lambda_function.admin", Method: "GET,POST", Path: "/admin/*",
					Auth: "cognito", Authorizer: "aws_cognito_user_pool.staff", Scheme: "internet-facing"},
				{ID: "aws_lb_target_group_attachment.elsewhere", Function: "aws_lambda_function.elsewhere", Auth: "unknown"},
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("entry points (-want +got):\n%s", d)
			}
		}},
		{"registry module is unresolved, not fetched", "registry_module", load.Options{}, func(t *testing.T, st *model.Stack) {
			if ds := diagsMatching(st, model.DiagInfo, `"terraform-aws-modules/lambda/aws" is not a local path`); len(ds) != 1 {
				t.Errorf("diagnostics = %v", st.Diagnostics)
			}
			tv := st.ResourcePolicies[0].TargetValues[0]
			want := &model.Value{Kind: model.Symbolic, Str: "${module.lambda.lambda_function_name}", Source: "module.lambda.lambda_function_name",
				Unresolved: true, Pos: model.Pos{File: "registry_module/main.tf", Line: 8, Col: 19}}
			if d := cmp.Diff(want, tv); d != "" {
				t.Errorf("target (-want +got):\n%s", d)
			}
		}},
		{"variables: symbolic without default", "variables", load.Options{}, func(t *testing.T, st *model.Stack) {
			f := st.Functions[0]
			want := &model.Value{Kind: model.String, Str: "orders-${var.stage}", Unresolved: true, Source: "var.stage",
				Pos: model.Pos{File: "variables/main.tf", Line: 13, Col: 19}}
			if d := cmp.Diff(want, f.Name); d != "" {
				t.Errorf("name (-want +got):\n%s", d)
			}
			if n, ok := f.MemorySize.AsInt(); !ok || n != 128 {
				t.Errorf("memory = %#v", f.MemorySize)
			}
			var enabled *model.Parameter
			for _, p := range st.Parameters {
				if p.ID == "enabled" {
					enabled = p
				}
			}
			if enabled == nil || enabled.Value.Kind != model.Symbolic || enabled.Value.Source != "var.enabled" {
				t.Errorf("enabled = %#v", enabled)
			}
			// A managed policy looked up by name is attached by that name.
			if r := st.Role("aws_iam_role.fn"); r == nil || len(r.Policies) != 1 || r.Policies[0].Name != "AWSLambdaBasicExecutionRole" ||
				r.Policies[0].Source != model.PolicyManaged {
				t.Errorf("role = %+v", r)
			}
		}},
		{"variables: --param overrides", "variables", load.Options{Params: map[string]string{"stage": "prod", "memory": "1024"}}, func(t *testing.T, st *model.Stack) {
			f := st.Functions[0]
			if f.Name.Str != "orders-prod" || f.Name.Unresolved {
				t.Errorf("name = %#v", f.Name)
			}
			if n, ok := f.MemorySize.AsInt(); !ok || n != 1024 {
				t.Errorf("memory = %#v", f.MemorySize)
			}
		}},
		{"tfvars and var files", "var_files", load.Options{VarFiles: []string{"var_files/prod.tfvars"}}, func(t *testing.T, st *model.Stack) {
			if got := st.Stores[0].Name.Str; got != "orders-staging" {
				t.Errorf("table name = %q, want orders-staging", got)
			}
		}},
		{"var file outside the root", "var_files", load.Options{VarFiles: []string{"../../x.tfvars"}}, func(t *testing.T, st *model.Stack) {
			if ds := diagsMatching(st, model.DiagError, "leaves the scanned root"); len(ds) != 1 {
				t.Errorf("diagnostics = %v", st.Diagnostics)
			}
		}},
		{"policy document rendered as IAM JSON", "policy_document", load.Options{}, func(t *testing.T, st *model.Stack) {
			rp := st.ResourcePolicies[0]
			want := `{"Version":"2012-10-17","Statement":[` +
				`{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::public/*","arn:aws:s3:::home/${aws:username}/*"],"Principal":"*"},` +
				`{"Sid":"Write","Effect":"Allow","NotAction":["iam:*"],"Resource":[{"$unresolved":"aws_s3_bucket.b.arn"},"${aws_s3_bucket.b.arn}/*"],` +
				`"Principal":{"AWS":["arn:aws:iam::111122223333:root"],"Service":["lambda.amazonaws.com"]},` +
				`"Condition":{"StringEquals":{"aws:SourceAccount":["111122223333"]},"Bool":{"aws:SecureTransport":["true"]}}}]}`
			if d := cmp.Diff(want, jsonOf(t, rp.Doc.Document)); d != "" {
				t.Errorf("document (-want +got):\n%s", d)
			}
			if d := cmp.Diff([]string{"aws_s3_bucket.b"}, rp.Targets); d != "" {
				t.Errorf("targets (-want +got):\n%s", d)
			}
			// An IAM policy variable is text, not an unknown value.
			if v := rp.Doc.Document.Path("Statement").Items[0].Get("Resource").Items[1]; !v.IsResolved() {
				t.Errorf("policy variable = %#v, want resolved", v)
			}
			res := rp.Doc.Document.Path("Statement").Items[1].Get("Resource").Items[1]
			if !res.Unresolved || cmp.Diff([]string{"aws_s3_bucket.b"}, res.Refs) != "" {
				t.Errorf("resource = %#v, want refs to the bucket", res)
			}
		}},
		{"lambda permission synthesized", "lambda_permission", load.Options{}, func(t *testing.T, st *model.Stack) {
			rp := st.ResourcePolicies[0]
			want := `{"Version":"2012-10-17","Statement":[{"Sid":"AllowEvents","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},` +
				`"Action":"lambda:InvokeFunction","Resource":{"$unresolved":"aws_lambda_function.fn.arn"},` +
				`"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:events:eu-west-1:123456789012:rule/nightly"},"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`
			if d := cmp.Diff(want, jsonOf(t, rp.Doc.Document)); d != "" {
				t.Errorf("document (-want +got):\n%s", d)
			}
			if rp.Kind != model.RPLambdaPermission || cmp.Diff([]string{"aws_lambda_function.fn"}, rp.Targets) != "" {
				t.Errorf("policy = %+v", rp)
			}
		}},
		{"functions", "functions", load.Options{}, func(t *testing.T, st *model.Stack) {
			p := st.Stores[0]
			if got := p.Name.Str; got != "/app/ENV" {
				t.Errorf("name = %q", got)
			}
			want := `{"coalesced":"fallback","conc":["x","y","z","w"],"contains":true,"count":3,"distinct":["alpha","beta"],` +
				`"flat":[1,2,3],"joined":"x-y-z","keys":["a","b"],"looked":"4","memory":512,"merged":{"a":"1","b":"3","c":"4"},` +
				`"missing":"none","replaced":"a_b_c","second":"y","set":["a","b"],"str":"42","tried":"default"}`
			if d := cmp.Diff(want, p.Attr(model.AttrParameterValue).Str); d != "" {
				t.Errorf("value (-want +got):\n%s", d)
			}
		}},
		{"undecidable count is one symbolic instance", "unknown_count", load.Options{}, func(t *testing.T, st *model.Stack) {
			if len(st.Stores) != 1 || st.Stores[0].ID != "aws_sqs_queue.q" {
				t.Fatalf("stores = %v", st.Stores)
			}
			if n := st.Stores[0].Name; n.Kind != model.Symbolic || n.Source != "count.index" {
				t.Errorf("name = %#v", n)
			}
			if ds := diagsMatching(st, model.DiagInfo, "cannot be decided statically"); len(ds) != 1 {
				t.Errorf("diagnostics = %v", st.Diagnostics)
			}
		}},
		{"nightlight:ignore comments", "suppressions", load.Options{}, func(t *testing.T, st *model.Stack) {
			want := []model.Suppression{
				{Pos: model.Pos{File: "suppressions/main.tf", Line: 2, Col: 1}, Rules: []string{"NL4003"}, Resource: `aws_s3_bucket.logs["a"]`, Reason: "public by design"},
				{Pos: model.Pos{File: "suppressions/main.tf", Line: 2, Col: 1}, Rules: []string{"NL4003"}, Resource: `aws_s3_bucket.logs["b"]`, Reason: "public by design"},
				{Pos: model.Pos{File: "suppressions/main.tf", Line: 8, Col: 3}, Rules: []string{"NL1001", "NL1002"}, Reason: "reviewed"},
				{Pos: model.Pos{File: "suppressions/main.tf", Line: 10, Col: 3}, Reason: "legacy"},
			}
			if d := cmp.Diff(want, st.Suppressions); d != "" {
				t.Errorf("suppressions (-want +got):\n%s", d)
			}
		}},
		{"OpenAPI bodies give routes", "openapi", load.Options{}, func(t *testing.T, st *model.Stack) {
			type route struct {
				ID, Method, Path, Function string
				Auth                       model.AuthType
			}
			var got []route
			for _, ep := range st.EntryPoints {
				got = append(got, route{ep.ID, ep.Method, ep.Path, ep.Function, ep.Auth.Type})
			}
			want := []route{
				{"aws_api_gateway_rest_api.api GET /orders", "GET", "/orders", "aws_lambda_function.orders", model.AuthIAM},
				{"aws_api_gateway_rest_api.api POST /orders", "POST", "/orders", "aws_lambda_function.orders", model.AuthAPIKey},
				{"aws_apigatewayv2_api.http GET /health", "GET", "/health", "aws_lambda_function.orders", model.AuthNone},
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("routes (-want +got):\n%s", d)
			}
		}},
		{"Terraform JSON configuration", "tfjson", load.Options{}, func(t *testing.T, st *model.Stack) {
			f := st.Function("aws_lambda_function.fn")
			if f == nil {
				t.Fatalf("functions = %v", st.Functions)
			}
			if f.Name.Str != "fn-dev" || f.Role != "aws_iam_role.fn" || f.Pos != (model.Pos{File: "tfjson/main.tf.json", Line: 13, Col: 1}) {
				t.Errorf("function = %s role %q at %s", f.Name.Str, f.Role, f.Pos)
			}
			if d := cmp.Diff([]string{"STAGE=dev", "LITERAL=${not_interpolated}"}, []string{
				f.Environment[0].Name + "=" + f.Environment[0].Value.Str, f.Environment[1].Name + "=" + f.Environment[1].Value.Str}); d != "" {
				t.Errorf("environment (-want +got):\n%s", d)
			}
			if r := st.Role("aws_iam_role.fn"); r == nil || r.Trust.Document.Path("Statement") == nil {
				t.Errorf("role trust = %#v", r)
			}
		}},
		{"mixed providers: the dominant one, nothing dropped", "mixed", load.Options{}, func(t *testing.T, st *model.Stack) {
			if st.Provider != model.Google {
				t.Errorf("provider = %s, want google", st.Provider)
			}
			var ids []string
			for _, s := range st.Stores {
				ids = append(ids, s.ID+"="+s.Name.Str)
			}
			if d := cmp.Diff([]string{"aws_s3_bucket.backup[0]=backup-0", "aws_s3_bucket.backup[1]=backup-1"}, ids); d != "" {
				t.Errorf("stores (-want +got):\n%s", d)
			}
			if len(st.Functions) != 2 || len(st.Resources) != 4 {
				t.Errorf("%d functions, %d resources", len(st.Functions), len(st.Resources))
			}
		}},
		{"modules referring to each other's outputs", "module_cross", load.Options{}, func(t *testing.T, st *model.Stack) {
			f := st.Function("module.fn.aws_lambda_function.this")
			if f == nil || f.Role != "module.fn.aws_iam_role.this" {
				t.Fatalf("function = %+v", f)
			}
			q := f.Environment[0].Value
			if d := cmp.Diff([]string{"module.queue.aws_sqs_queue.this"}, q.Refs); d != "" {
				t.Errorf("QUEUE refs (-want +got):\n%s", d)
			}
			rp := st.ResourcePolicies[0]
			principal := rp.Doc.Document.Path("Statement").Items[0].Path("Principal", "AWS")
			if d := cmp.Diff([]string{"module.fn.aws_iam_role.this"}, principal.Refs); d != "" {
				t.Errorf("principal refs (-want +got):\n%s", d)
			}
			if d := cmp.Diff([]string{"module.queue.aws_sqs_queue.this"}, rp.Targets); d != "" {
				t.Errorf("targets (-want +got):\n%s", d)
			}
		}},
		{"nested loops over large collections stop", "loop_bomb", load.Options{}, func(t *testing.T, st *model.Stack) {
			if ds := diagsMatching(st, model.DiagWarning, "iterate over more than"); len(ds) != 1 {
				t.Errorf("diagnostics = %v", st.Diagnostics)
			}
			if n := st.Stores[0].Name; !n.Unresolved {
				t.Errorf("name = %#v, want unresolved", n)
			}
		}},
		{"heredoc policies keep their lines", "heredoc", load.Options{}, func(t *testing.T, st *model.Stack) {
			r := st.Role("aws_iam_role.r")
			stmt := r.Trust.Document.Path("Statement").Items[0]
			if want := (model.Pos{File: "heredoc/main.tf", Line: 7}); stmt.Pos != want {
				t.Errorf("trust statement at %s, want %s", stmt.Pos, want)
			}
			res := r.Policies[0].Document.Path("Statement").Items[0].Get("Resource")
			if res.Pos.Line != 25 || cmp.Diff([]string{"aws_s3_bucket.b"}, res.Refs) != "" {
				t.Errorf("resource = %#v", res)
			}
		}},
		{"cyclic locals terminate", "cycle", load.Options{}, func(t *testing.T, st *model.Stack) {
			if n := st.Stores[0].Name; !n.Unresolved {
				t.Errorf("name = %#v, want unresolved", n)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, mustLoad(t, tc.dir, tc.opts))
		})
	}
}

// TestFilePolicyPositions checks that a policy read with file() points
// into the policy file.
func TestFilePolicyPositions(t *testing.T) {
	st := mustLoad(t, "aws_app", load.Options{})
	r := st.Role("aws_iam_role.api")
	var doc *model.Value
	for _, p := range r.Policies {
		if p.Name == "read-secret" {
			doc = p.Document
		}
	}
	stmt := doc.Path("Statement").Items[0]
	if want := (model.Pos{File: "aws_app/policies/read-secret.json", Line: 4}); stmt.Pos != want {
		t.Errorf("statement at %s, want %s", stmt.Pos, want)
	}
}

func TestLoadCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	root, err := load.OpenRoot("testdata", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	_, err = Load(ctx, load.Unit{Path: "sameapp", Root: root, Files: []load.File{{Path: "sameapp/main.tf", Data: []byte(`resource "aws_sqs_queue" "q" {}`)}}}, load.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestLoadWithoutRoot loads a module with no file access: local modules and
// file() become diagnostics and symbols, not failures.
func TestLoadWithoutRoot(t *testing.T) {
	u := load.Unit{Format: model.FormatTerraform, Path: "app", Files: []load.File{{Path: "app/main.tf", Data: []byte(`
module "q" {
  source = "./modules/q"
}
resource "aws_iam_policy" "p" {
  policy = file("policy.json")
}
`)}}}
	stacks, err := Load(context.Background(), u, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := stacks[0]
	if len(st.Diagnostics) != 2 {
		t.Errorf("diagnostics = %v", st.Diagnostics)
	}
	if d := st.Policies[0].Doc.Document; d.Kind != model.Symbolic {
		t.Errorf("policy = %#v", d)
	}
}

// TestRelAttrs checks which attribute names every resource instance gets a
// placeholder for: attributes read through a for-expression variable, a
// splat, a local or each.value, but not the names of variables, locals,
// modules, data sources or resources.
func TestRelAttrs(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"names of variables, locals, resources and data sources are not attributes", `
resource "aws_iam_role" "r" { name = var.role_name }
resource "aws_lambda_function" "fn" {
  role = aws_iam_role.r.arn
  handler = local.handler
  runtime = data.aws_region.current.name
}
output "m" { value = module.child.out }
`, nil},
		{"for-expression variable, splat, local and each.value reach attributes", `
resource "aws_lambda_function" "fns" { count = 2 }
locals { first = aws_lambda_function.fns[0] }
output "a" { value = [for f in aws_lambda_function.fns : f.invoke_arn] }
output "b" { value = aws_lambda_function.fns[*].qualified_arn }
output "c" { value = local.first.version }
output "d" { value = module.child[0].fn.architectures }
resource "aws_lambda_permission" "p" {
  for_each = { x = aws_lambda_function.fns[0] }
  function_name = each.value.function_name
}
`, []string{"architectures", "function_name", "invoke_arn", "qualified_arn", "version"}},
		{"self and dynamic-block iterators", `
resource "aws_iam_policy_document" "d" {
  dynamic "statement" {
    for_each = var.statements
    content { actions = statement.value.actions }
  }
}
resource "aws_s3_bucket" "b" {
  provisioner "local-exec" { command = self.bucket }
}
`, []string{"actions", "bucket", "value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLoader(context.Background(), nil, load.Options{})
			m, err := l.parseModule(map[string][]byte{"app/main.tf": []byte(tt.src)}, "app", "", 0)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for a := range m.relAttrs {
				got = append(got, a)
			}
			slices.Sort(got)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("relAttrs (-want +got):\n%s", d)
			}
		})
	}
}
