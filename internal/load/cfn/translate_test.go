package cfn

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

func loadFixture(t *testing.T, name string) *model.Stack {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	st, err := Load(context.Background(), load.Unit{Files: []load.File{{Path: name, Data: data}}}, load.Options{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return st
}

// TestTranslateGolden compares the whole model of testdata/app.yaml with
// testdata/app.golden.json (go test -update rewrites it).
func TestTranslateGolden(t *testing.T) {
	st := loadFixture(t, "app.yaml")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(st); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "app.golden.json")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("model differs from %s (-want +got):\n%s", golden, diff)
	}
}

// TestTranslate asserts the facts that matter for security, one by one.
func TestTranslate(t *testing.T) {
	st := loadFixture(t, "app.yaml")
	type route struct{ ID, Function, Auth string }
	var routes []route
	for _, ep := range st.EntryPoints {
		routes = append(routes, route{ep.ID, ep.Function, string(ep.Auth.Type)})
	}
	wantRoutes := []route{
		{"HttpApi GET /health", "Api", "none"},
		{"HttpApi GET /me", "Api", "jwt"},
		{"RestApi DELETE /orders/{id}", "Api", "api-key"},
		{"RestApi GET /orders", "Api", "none"},
		{"RestApi GET /orders/{id}", "Api", "cognito"},
		{"WorkerUrl", "Worker", "iam"},
	}
	if diff := cmp.Diff(wantRoutes, routes); diff != "" {
		t.Errorf("entry points (-want +got):\n%s", diff)
	}
	type trig struct {
		ID, Kind, Function, Source string
	}
	var trigs []trig
	for _, tr := range st.Triggers {
		trigs = append(trigs, trig{tr.ID, string(tr.Kind), tr.Function, tr.Source})
	}
	wantTrigs := []trig{
		{"AlertsSub", "sns", "Worker", "Alerts"},
		{"JobsMapping", "sqs", "Worker", "Jobs"},
		{"Nightly/worker", "schedule", "Worker", ""},
		{"Uploads/LambdaConfigurations/0", "s3", "Worker", "Uploads"},
	}
	if diff := cmp.Diff(wantTrigs, trigs); diff != "" {
		t.Errorf("triggers (-want +got):\n%s", diff)
	}
	api := st.Function("Api")
	if api.Role != "ApiRole" {
		t.Errorf("Api role = %q, want ApiRole", api.Role)
	}
	var pols []string
	for _, p := range st.Role("ApiRole").Policies {
		pols = append(pols, string(p.Source)+":"+p.Name)
	}
	wantPols := []string{"inline:table", "managed:arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "standalone:SharedPolicy", "standalone:WorkerPolicy"}
	if diff := cmp.Diff(wantPols, pols); diff != "" {
		t.Errorf("ApiRole policies (-want +got):\n%s", diff)
	}
	w := st.Function("Worker")
	if w.Role != "" || w.RoleARN.String() != "arn:aws:iam::123456789012:role/external" {
		t.Errorf("Worker role = %q / %q, want the external ARN", w.Role, w.RoleARN.String())
	}
	if w.LogGroup != "WorkerLogs" || w.LogRetention.String() != "14" {
		t.Errorf("Worker log group = %q retention %q", w.LogGroup, w.LogRetention.String())
	}
	if w.OnFailure.AllRefs()[0] != "JobsDLQ" {
		t.Errorf("Worker on-failure = %v", w.OnFailure.AllRefs())
	}
	rest := st.API("RestApi")
	if rest.Throttle == nil || rest.Throttle.Rate.String() != "100" || len(rest.UsagePlans) != 1 {
		t.Errorf("RestApi throttle/usage plans not translated: %+v", rest)
	}
	enc := map[string]model.EncryptionKind{}
	for _, s := range st.Stores {
		enc[s.ID] = s.Encryption.Kind
	}
	wantEnc := map[string]model.EncryptionKind{"Alerts": "none", "Jobs": "aws-managed", "JobsDLQ": "aws-owned", "OrdersTable": "aws-owned", "Uploads": "aws-owned", "WorkerLogs": "aws-owned"}
	if diff := cmp.Diff(wantEnc, enc); diff != "" {
		t.Errorf("encryption (-want +got):\n%s", diff)
	}
	if st.Store("OrdersTable").Classification != "pii" {
		t.Errorf("OrdersTable classification = %q", st.Store("OrdersTable").Classification)
	}
	var rps []string
	for _, rp := range st.ResourcePolicies {
		rps = append(rps, rp.ID+"->"+rp.Targets[0])
	}
	if diff := cmp.Diff([]string{"S3Invoke->Worker", "UploadsPolicy->Uploads"}, rps); diff != "" {
		t.Errorf("resource policies (-want +got):\n%s", diff)
	}
	if st.ByID("Unknown") == nil || st.ByID("Unknown").Type != "AWS::Glue::Job" {
		t.Errorf("unknown resource type not kept")
	}
}

// TestAppSync checks that plain CloudFormation AppSync APIs become graphql
// APIs whose resolvers are entry points reaching their data sources, also
// through pipeline functions and data sources named literally.
// TestLoadBalancers checks the ALB entry points: one per listener or rule
// and function, with the rule's conditions, the authentication its actions
// apply first, the internal scheme, and an undecided entry for a target
// group no listener of the template forwards to.
func TestLoadBalancers(t *testing.T) {
	st := loadFixture(t, "alb.yaml")
	type entry struct {
		ID, Function, Method, Path, Auth, Authorizer string
		Scheme                                       string
	}
	var got []entry
	for _, ep := range st.EntryPoints {
		if ep.Kind != model.EntryALB {
			t.Errorf("entry %s is %s, want alb", ep.ID, ep.Kind)
		}
		got = append(got, entry{ep.ID, ep.Function, ep.Method, ep.Path, string(ep.Auth.Type), ep.Auth.Authorizer, ep.Scheme})
	}
	want := []entry{
		{ID: "AdminRule Admin", Function: "Admin", Method: "POST", Path: "/admin/*", Auth: "jwt", Authorizer: "https://idp.example.com", Scheme: "internet-facing"},
		{ID: "InternalListener Fn", Function: "Fn", Auth: "none", Scheme: "internal"},
		{ID: "Listener Fn", Function: "Fn", Auth: "none", Scheme: "internet-facing"},
		{ID: "OrphanGroup Orphan", Function: "Orphan", Auth: "unknown"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entry points (-want +got):\n%s", diff)
	}
}

func TestAppSync(t *testing.T) {
	st := loadFixture(t, "appsync.yaml")
	type entry struct{ ID, Function, Auth, Targets string }
	var got []entry
	for _, ep := range st.EntryPoints {
		got = append(got, entry{ep.ID, ep.Function, string(ep.Auth.Type), fmt.Sprint(ep.Target.AllRefs())})
	}
	want := []entry{
		{"Api Mutation.addPost", "Fn", "api-key", "[Fn]"},
		{"Api Query.feed", "Fn", "api-key", "[Fn Posts]"},
		{"Api Query.getPost", "", "api-key", "[Posts]"},
		{"Api Query.now", "", "api-key", "[]"},
		{"PrivateApi Query.stats", "Fn", "lambda", "[Fn]"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entry points (-want +got):\n%s", diff)
	}
	api, priv := st.API("Api"), st.API("PrivateApi")
	if api == nil || priv == nil {
		t.Fatalf("APIs: %v", st.APIs)
	}
	if api.Kind != model.APIGraphQL || len(api.Authorizers) != 2 || api.Authorizers[1].Type != model.AuthCognito || !api.Tracing.IsSet() {
		t.Errorf("Api = %+v", api)
	}
	if !priv.Private() || api.Private() {
		t.Errorf("Private(): Api %v, PrivateApi %v", api.Private(), priv.Private())
	}
	if a := priv.Authorizers[0]; a.Type != model.AuthLambda || a.Function != "Authz" {
		t.Errorf("PrivateApi authorizer = %+v", a)
	}
}
