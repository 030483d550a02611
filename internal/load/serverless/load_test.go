package serverless

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// policyNames lists a role's policies as "source:name".
func policyNames(r *model.Role) []string {
	var out []string
	for _, p := range r.Policies {
		out = append(out, string(p.Source)+":"+p.Name)
	}
	return out
}

func TestRoles(t *testing.T) {
	tests := []struct {
		file      string
		fnRoles   map[string]string   // function → role ID
		policies  map[string][]string // role ID → policies
		external  []string            // external role IDs
		wantDiags []string
	}{
		{
			file: "iam/legacy.yml",
			fnRoles: map[string]string{
				"shared": DefaultRoleID, "external": "arn:aws:iam::123456789012:role/existing",
				"declared": "CustomRole", "getatt": "CustomRole", "noplugin": DefaultRoleID,
			},
			policies: map[string][]string{DefaultRoleID: {
				"generated:serverless: CloudWatch Logs (default)",
				"inline:provider.iam.role.statements",
				"managed:arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
				"managed:" + vpcAccessPolicyARN,
			}},
			external:  []string{"arn:aws:iam::123456789012:role/existing"},
			wantDiags: []string{"needs the serverless-iam-roles-per-function plugin"},
		},
		{
			file:     "iam/providerrole.yml",
			fnRoles:  map[string]string{"a": "arn:aws:iam::123456789012:role/shared-role", "b": "arn:aws:iam::123456789012:role/shared-role"},
			external: []string{"arn:aws:iam::123456789012:role/shared-role"},
		},
		{
			file:    "iam/v3.yml",
			fnRoles: map[string]string{"hello-world": DefaultRoleID, "other": DefaultRoleID},
			policies: map[string][]string{DefaultRoleID: {
				"generated:serverless: CloudWatch Logs (default)",
				"inline:provider.iam.role.statements",
				"generated:serverless: event sources and destinations",
				"managed:arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
				"standalone:ExtraPolicy",
			}},
		},
		{
			file:     "app/serverless.yml",
			fnRoles:  map[string]string{"catalogue": DefaultRoleID, "worker": DefaultRoleID, "orders": "OrdersIamRoleLambdaExecution", "importer": "ImporterIamRoleLambdaExecution"},
			policies: map[string][]string{"OrdersIamRoleLambdaExecution": {"generated:serverless: CloudWatch Logs (default)", "inline:provider.iam.role.statements", "inline:functions.orders.iamRoleStatements", "generated:serverless: event sources and destinations"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			st := loadFixture(t, tc.file, load.Options{})
			got := map[string]string{}
			for _, f := range st.Functions {
				got[f.ID] = f.Role
			}
			if diff := cmp.Diff(tc.fnRoles, got); diff != "" {
				t.Errorf("function roles (-want +got):\n%s", diff)
			}
			for id, want := range tc.policies {
				r := st.Role(id)
				if r == nil {
					t.Errorf("no role %s", id)
					continue
				}
				if diff := cmp.Diff(want, policyNames(r)); diff != "" {
					t.Errorf("role %s policies (-want +got):\n%s", id, diff)
				}
			}
			for _, id := range tc.external {
				if r := st.Role(id); r == nil || !r.External || !r.ARN.IsSet() {
					t.Errorf("role %s: want an external role with its ARN, got %+v", id, r)
				}
			}
			for _, want := range tc.wantDiags {
				found := false
				for _, d := range st.Diagnostics {
					found = found || strings.Contains(d.Message, want)
				}
				if !found {
					t.Errorf("no diagnostic %q in %v", want, st.Diagnostics)
				}
			}
		})
	}
}

func TestDefaultRole(t *testing.T) {
	st := loadFixture(t, "iam/v3.yml", load.Options{Params: map[string]string{"stage": "prod", "region": "eu-west-1"}})
	r := st.Role(DefaultRoleID)
	if r == nil || !r.Implicit {
		t.Fatalf("want the implicit %s role, got %+v", DefaultRoleID, r)
	}
	if r.Name.String() != "custom-name" {
		t.Errorf("role name = %q", r.Name.String())
	}
	if r.Boundary.String() != "arn:aws:iam::123456789012:policy/boundary" {
		t.Errorf("boundary = %q", r.Boundary.String())
	}
	logs, _ := r.Policies[0].Document.MarshalJSON()
	if !strings.Contains(string(logs), "arn:aws:logs:eu-west-1:${AWS::AccountId}:log-group:/aws/lambda/v3-prod*:*") {
		t.Errorf("default logs policy = %s", logs)
	}
	dest, _ := r.Policies[2].Document.MarshalJSON()
	if !strings.Contains(string(dest), "sqs:SendMessage") || !strings.Contains(string(dest), "lambda:InvokeFunction") {
		t.Errorf("destination statements = %s", dest)
	}
	fn := st.Function("hello-world")
	if fn.Name.String() != "v3-prod-hello-world" {
		t.Errorf("function name = %q", fn.Name.String())
	}
	if got := fn.OnSuccess.Refs; !cmp.Equal(got, []string{"other"}) {
		t.Errorf("onSuccess refs = %v, want [other]", got)
	}
	// References to generated logical IDs point at model IDs.
	var perm *model.ResourcePolicy
	for _, p := range st.ResourcePolicies {
		if p.ID == "HelloPermission" {
			perm = p
		}
	}
	if perm == nil || !cmp.Equal(perm.Targets, []string{"hello-world"}) {
		t.Errorf("HelloPermission targets = %+v, want [hello-world]", perm)
	}
	if len(st.Outputs) != 1 || !cmp.Equal(st.Outputs[0].Value.AllRefs(), []string{"hello-world"}) {
		t.Errorf("output refs = %v, want [hello-world]", st.Outputs[0].Value.AllRefs())
	}
}

func TestFunctionSettings(t *testing.T) {
	st := loadFixture(t, "iam/settings.yml", load.Options{})
	fn := st.Function("fn")
	if fn == nil {
		t.Fatal("no function fn")
	}
	check := func(name string, v *model.Value, want string) {
		t.Helper()
		j, _ := v.MarshalJSON()
		if string(j) != want {
			t.Errorf("%s = %s, want %s", name, j, want)
		}
	}
	check("name", fn.Name, `"settings-dev-fn"`)
	check("memorySize (framework default)", fn.MemorySize, `1024`)
	check("timeout (framework default)", fn.Timeout, `6`)
	check("architectures", fn.Architectures, `["arm64"]`)
	check("kmsKey", fn.KMSKey, `"arn:aws:kms:us-east-1:123456789012:key/abc"`)
	check("logRetention", fn.LogRetention, `14`)
	check("provisioned", fn.ProvisionedConcurrency, `2`)
	check("reserved", fn.ReservedConcurrency, `10`)
	check("tracing", fn.Tracing, `"PassThrough"`)
	check("maxRetries", fn.MaxRetries, `0`)
	check("packageType", fn.PackageType, `"Image"`)
	check("codeUri", fn.CodeURI, `"123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest"`)
	if len(fn.Layers) != 1 {
		t.Errorf("layers = %v", fn.Layers)
	}
	var env []string
	for _, e := range fn.Environment {
		env = append(env, e.Name+"="+e.Value.String())
	}
	if diff := cmp.Diff([]string{"A=provider", "B=function"}, env); diff != "" {
		t.Errorf("environment (-want +got):\n%s", diff)
	}
	if fn.Group != "payments" {
		t.Errorf("group = %q", fn.Group)
	}
}

func TestAPISettings(t *testing.T) {
	st := loadFixture(t, "events/http.yml", load.Options{})
	api := st.API(RestAPIID)
	if api == nil {
		t.Fatal("no REST API")
	}
	if !api.Policy.Known() {
		t.Error("resource policy not loaded")
	}
	if len(api.UsagePlans) != 1 || api.UsagePlans[0].Throttle == nil || api.UsagePlans[0].Throttle.Rate.String() != "10" || api.UsagePlans[0].Throttle.Quota.String() != "5000" {
		t.Errorf("usage plans = %+v", api.UsagePlans)
	}
	var names []string
	for _, a := range api.Authorizers {
		names = append(names, a.Name+":"+string(a.Type)+":"+a.Function)
	}
	want := []string{"pool:cognito:", "PoolAuthorizer:cognito:", "auth:lambda:auth", "ext-auth:lambda:"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("authorizers (-want +got):\n%s", diff)
	}
	h := loadFixture(t, "events/httpapi.yml", load.Options{}).API(HTTPAPIID)
	if h == nil || h.CORS == nil || len(h.Authorizers) != 2 || h.Authorizers[1].Function != "authz" {
		t.Errorf("http api = %+v", h)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"errors/serverless.ts", "not loadable statically"},
		{"errors/badyaml.yml", "invalid YAML"},
		{"errors/list.yml", "must be a mapping"},
		{"errors/escape.yml", "leaves the scanned root"},
		{"errors/cycle.yml", "variable cycle"},
		{"errors/empty.yml", "empty serverless file"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			_, err := loadFixtureErr(t, tc.file, load.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			pos := load.PosOf(err)
			if pos.File != tc.file || pos.Line == 0 {
				t.Errorf("error position = %v, want a line in %s", pos, tc.file)
			}
		})
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{"hello": "Hello", "hello-world": "HelloDashworld", "my_fn": "MyUnderscorefn", "": ""} {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := LogicalID("hello-world"); got != "HelloDashworldLambdaFunction" {
		t.Errorf("LogicalID = %q", got)
	}
}

// FuzzLoad checks that no service file makes the loader panic or hang,
// and that errors carry a position.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"app/serverless.yml", "sameapp/serverless.yml", "events/http.yml", "events/httpapi.yml",
		"events/misc.yml", "events/azure.yml", "events/openwhisk.yml", "events/google.yml", "iam/legacy.yml", "iam/v3.yml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("functions:\n  a:\n    events:\n      - http: {authorizer: {arn: null}}\n      - sqs: ~\n      - stream: []\n"))
	f.Add([]byte("provider:\n  apiGateway:\n    usagePlan: [{a: ~}]\nfunctions:\n  a: {events: [{http: GET /}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		u := load.Unit{Format: model.FormatServerless, Path: "serverless.yml", Files: []load.File{{Path: "serverless.yml", Data: data}}}
		opts := load.Options{Limits: load.Limits{MaxResolveSteps: 50_000, MaxNodes: 50_000, MaxFileBytes: 1 << 20}}
		st, err := Load(context.Background(), u, opts)
		if err != nil {
			return
		}
		if st == nil {
			t.Fatal("nil stack without error")
		}
	})
}

// TestOddShapes feeds every event type and provider setting null, scalar
// and list shapes: the loader must not panic and must still load.
func TestOddShapes(t *testing.T) {
	types := []string{"http", "httpApi", "websocket", "alb", "s3", "sqs", "sns", "stream", "schedule", "eventBridge",
		"cloudwatchEvent", "cloudwatchLog", "cognitoUserPool", "iot", "alexaSkill", "msk", "kafka", "activemq", "rabbitmq",
		"queue", "blob", "timer", "event", "trigger"}
	shapes := []string{"~", "1", "[a, b]", "{}", "{arn: ~, bucket: [x], authorizer: [1], path: ~, method: ~, rate: ~}", "'GET'", "{authorizer: {arn: ~, name: ~, type: ~}}"}
	provShapes := []string{"~", "x", "[1]", "{iam: {role: ~}, apiGateway: {usagePlan: [{a: ~}], resourcePolicy: x}, httpApi: {authorizers: {a: ~}}, vpc: x, environment: [1], layers: x, tags: x, logs: {restApi: x}}"}
	for _, prov := range []string{"aws", "azure", "google", "openwhisk", "kubeless"} {
		for _, ps := range provShapes {
			var b strings.Builder
			b.WriteString("service: s\nprovider: " + ps + "\n")
			if !strings.HasPrefix(ps, "{") {
				b.Reset()
				b.WriteString("service: s\nprovider:\n  name: " + prov + "\n  memorySize: " + ps + "\n")
			}
			b.WriteString("functions:\n  f:\n    role: [x]\n    url: {authorizer: [x], cors: x}\n    destinations: {onSuccess: ~, onFailure: [1]}\n    annotations: x\n    events:\n")
			for _, typ := range types {
				for _, sh := range shapes {
					b.WriteString("      - " + typ + ": " + sh + "\n")
				}
			}
			b.WriteString("  g: ~\n  h: [1]\nresources: [~, x, {Resources: {A: ~, B: {Type: [1]}}}]\n")
			u := load.Unit{Format: model.FormatServerless, Path: "serverless.yml", Files: []load.File{{Path: "serverless.yml", Data: []byte(b.String())}}}
			if _, err := Load(context.Background(), u, load.Options{}); err != nil {
				if load.PosOf(err).Line == 0 {
					t.Errorf("%s/%s: error without position: %v", prov, ps, err)
				}
			}
		}
	}
}

func TestEventSourceStatements(t *testing.T) {
	st := loadFixture(t, "events/misc.yml", load.Options{})
	r := st.Role(DefaultRoleID)
	if r == nil {
		t.Fatal("no default role")
	}
	var doc []byte
	for _, p := range r.Policies {
		if p.Name == "serverless: event sources and destinations" {
			doc, _ = p.Document.MarshalJSON()
		}
	}
	for _, want := range []string{"kafka:DescribeCluster", "mq:DescribeBroker", "secretsmanager:GetSecretValue", "ec2:CreateNetworkInterface", "arn:aws:secretsmanager:us-east-1:1:secret:s"} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("event source statements lack %s: %s", want, doc)
		}
	}
}

// TestGeneratedIDsRenamed checks that a reference to a function's
// generated logical ID (WorkerDashjobLambdaFunction) refers to the model's
// function (worker-job) wherever it is written: in the functions, the
// provider's IAM statements, the resources and the outputs.
func TestGeneratedIDsRenamed(t *testing.T) {
	st := loadFixture(t, "rename/serverless.yml", load.Options{})
	const want = "worker-job"
	refs := func(what string, v *model.Value) {
		t.Helper()
		if got := v.AllRefs(); !cmp.Equal(got, []string{want}) {
			t.Errorf("%s refers to %q, want [%s]", what, got, want)
		}
	}
	api := st.Function("api")
	if api == nil {
		t.Fatal("function api not loaded")
	}
	for _, e := range api.Environment {
		refs("environment "+e.Name, e.Value)
	}
	if len(api.Environment) != 2 {
		t.Errorf("api has %d environment variables, want 2", len(api.Environment))
	}
	var stmt *model.Value
	for _, r := range st.Roles {
		for _, p := range r.Policies {
			if p.Name == "provider.iam.role.statements" {
				stmt = p.Document.Get("Statement").Elems()[0]
			}
		}
	}
	if stmt == nil {
		t.Fatal("provider statements not loaded")
	}
	refs("provider statement Resource", stmt.Get("Resource"))
	var perm *model.ResourcePolicy
	for _, p := range st.ResourcePolicies {
		if p.ID == "TopicInvoke" {
			perm = p
		}
	}
	if perm == nil || !cmp.Equal(perm.Targets, []string{want}) {
		t.Errorf("permission TopicInvoke = %+v, want targets [%s]", perm, want)
	}
	if len(st.Outputs) != 1 {
		t.Fatalf("%d outputs, want 1", len(st.Outputs))
	}
	refs("output Worker", st.Outputs[0].Value)
}
