package iam

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/decode"
	"github.com/nightlight-sec/nightlight/internal/decode/yamlv"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// value decodes YAML/JSON into a model value the way a CloudFormation
// loader leaves it: strings with ${X} placeholders are unresolved and refer
// to X.
func value(t testing.TB, file, src string) *model.Value {
	t.Helper()
	d, err := yamlv.Decode(file, []byte(src), decode.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	d.Root.Walk(func(v *model.Value) bool {
		if v.Kind == model.String && strings.Contains(v.Str, "${") {
			v.Unresolved = true
			for _, ph := range placeholders(v.Str) {
				if classify(ph) == phSym && !strings.Contains(ph, "::") {
					id, _, _ := strings.Cut(ph, ".")
					v.Refs = append(v.Refs, id)
				}
			}
			v.Refs = model.SortedUnique(v.Refs)
		}
		return true
	})
	return d.Root
}

func str(s string) *model.Value { return model.NewString(s, model.Pos{File: "template.yaml", Line: 1}) }

func testStack(t testing.TB) *model.Stack {
	inline := value(t, "template.yaml", `
Version: "2012-10-17"
Statement:
  - Sid: ReadOrders
    Effect: Allow
    Action: [dynamodb:GetItem, dynamodb:Query]
    Resource: "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${OrdersTable}"
  - Sid: WriteUploads
    Effect: Allow
    Action: s3:PutObject
    Resource: "arn:aws:s3:::uploads-prod/*"
  - Sid: Secrets
    Effect: Allow
    Action: secretsmanager:GetSecretValue
    Resource: "*"
  - Sid: Typo
    Effect: Allow
    Action: [sts:GetCallerIdentify, cognitoidp:*]
    Resource: "*"
`)
	admin := value(t, "template.yaml", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"},{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"},{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`)
	return &model.Stack{
		ID: "template.yaml",
		Functions: []*model.Function{
			{ID: "Reader", Role: "ReaderRole", Pos: model.Pos{File: "template.yaml", Line: 10}},
			{ID: "Admin", Role: "AdminRole"},
			{ID: "Admin2", Role: "AdminRole"},
			{ID: "External", RoleARN: str("arn:aws:iam::123456789012:role/shared")},
		},
		Roles: []*model.Role{
			{ID: "ReaderRole", Pos: model.Pos{File: "template.yaml", Line: 20}, Policies: []*model.PolicyDoc{
				{Name: "inline", Source: model.PolicyInline, Document: inline},
				{Name: "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", Source: model.PolicyManaged},
				{Name: "arn:aws:iam::123456789012:policy/CustomerThing", Source: model.PolicyManaged, Pos: model.Pos{File: "template.yaml", Line: 30}},
			}},
			{ID: "AdminRole", Policies: []*model.PolicyDoc{{Name: "admin", Source: model.PolicyInline, Document: admin}},
				Boundary: str("arn:aws:iam::aws:policy/PowerUserAccess")},
		},
		Stores: []*model.Store{
			{ID: "OrdersTable", Kind: model.StoreTable, Type: "AWS::DynamoDB::Table"},
			{ID: "UsersTable", Kind: model.StoreTable, Type: "AWS::DynamoDB::Table", Name: str("users")},
			{ID: "Uploads", Kind: model.StoreBucket, Type: "AWS::S3::Bucket", Name: str("uploads-prod")},
			{ID: "Other", Kind: model.StoreBucket, Type: "AWS::S3::Bucket", Name: str("other")},
		},
	}
}

func TestAnalyze(t *testing.T) {
	an, err := NewAnalyzer().Analyze(context.Background(), testStack(t))
	if err != nil {
		t.Fatal(err)
	}
	r := an.Function("Reader")
	if r == nil {
		t.Fatal("no Reader")
	}
	type gt struct{ Action, Resource, Targets string }
	var got []gt
	for _, g := range r.Grants {
		if g.Service == "logs" || g.Service == "sts" {
			continue
		}
		var ts []string
		for _, x := range g.Targets {
			ts = append(ts, x.ID+"/"+string(x.Confidence))
		}
		got = append(got, gt{g.Action, g.Resource, strings.Join(ts, ",")})
	}
	tbl := "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${OrdersTable}"
	want := []gt{
		{"dynamodb:GetItem", tbl, "OrdersTable/high"},
		{"dynamodb:Query", tbl, "OrdersTable/high"},
		{"s3:PutObject", "arn:aws:s3:::uploads-prod/*", "Uploads/medium"},
		{"secretsmanager:GetSecretValue", "*", ""},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Reader grants (-want +got):\n%s", d)
	}
	kinds := func(e *Effective) []string {
		var out []string
		for _, f := range e.Flags {
			out = append(out, string(f.Kind))
		}
		return out
	}
	// wildcard-resource twice: secretsmanager:GetSecretValue, and the logs
	// actions of AWSLambdaBasicExecutionRole.
	wantFlags := []string{"secrets-read", "unknown-action", "unknown-action", "unknown-grants", "wildcard-resource", "wildcard-resource"}
	if d := cmp.Diff(wantFlags, kinds(r)); d != "" {
		t.Errorf("Reader flags (-want +got):\n%s", d)
	}
	var logs []string
	for _, s := range r.Services {
		if s.Service == "logs" {
			for _, l := range s.Levels {
				logs = append(logs, string(l.Access)+":"+strings.Join(l.Actions, ","))
			}
		}
	}
	if d := cmp.Diff([]string{"Write:logs:CreateLogGroup,logs:CreateLogStream,logs:PutLogEvents"}, logs); d != "" {
		t.Errorf("managed basic execution role grants (-want +got):\n%s", d)
	}

	// The boundary (PowerUserAccess) removes iam:PassRole, so no
	// escalation; dynamodb:* maps to every table with low confidence.
	a := an.Function("Admin")
	if a.Allows("iam:PassRole", "*").Allowed() {
		t.Error("boundary should block iam:PassRole")
	}
	if len(a.Escalations) != 0 {
		t.Errorf("Admin escalations = %v, want none (boundary)", a.Escalations)
	}
	gotAdmin := kinds(a)
	for _, k := range []string{"kms-decrypt-any", "service-wildcard", "shared-role", "wildcard-resource"} {
		if !contains(gotAdmin, k) {
			t.Errorf("Admin flags %v lack %s", gotAdmin, k)
		}
	}
	if contains(gotAdmin, "privilege-escalation") {
		t.Errorf("Admin flags %v: escalation despite boundary", gotAdmin)
	}
	for _, g := range a.Grants {
		if g.Action == "dynamodb:GetItem" {
			var ts []string
			for _, x := range g.Targets {
				ts = append(ts, x.ID+"/"+string(x.Confidence))
			}
			if d := cmp.Diff([]string{"OrdersTable/low", "UsersTable/low"}, ts); d != "" {
				t.Errorf("dynamodb:GetItem on * targets (-want +got):\n%s", d)
			}
		}
	}
	if d := cmp.Diff([]SharedRole{{Role: "AdminRole", Functions: []string{"Admin", "Admin2"}}}, an.SharedRoles); d != "" {
		t.Errorf("shared roles (-want +got):\n%s", d)
	}
	ext := an.Function("External")
	if len(ext.Unknown) != 1 || !ext.HasFlag(FlagUnknownGrants) {
		t.Errorf("External: unknown = %v, flags %v", ext.Unknown, kinds(ext))
	}
}

func TestAnalyzeEscalationWithoutBoundary(t *testing.T) {
	st := testStack(t)
	st.Roles[1].Boundary = nil
	an, err := Analyze(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	a := an.Function("Admin")
	var ids []string
	for _, e := range a.Escalations {
		ids = append(ids, e.Path.ID)
	}
	if d := cmp.Diff([]string{"passrole-lambda-invoke"}, ids); d != "" {
		t.Errorf("escalations (-want +got):\n%s", d)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func BenchmarkAnalyzeAdmin(b *testing.B) {
	a := NewAnalyzer()
	_ = a.Catalog.Err()
	ps := &PolicySet{Identity: []*Policy{mustParse(b, "admin", allowAll)}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e := a.EffectiveOf(context.Background(), ps)
		if len(e.Grants) < 15000 {
			b.Fatal(len(e.Grants))
		}
	}
}

// BenchmarkAnalyzeStack analyzes a generated stack of 100 functions, each
// with its own role (an inline policy on its own table, the basic
// execution role, one SAM-style read policy) and 50 tables.
func BenchmarkAnalyzeStack(b *testing.B) {
	st := &model.Stack{ID: "gen.yaml", Provider: model.AWS}
	for i := 0; i < 50; i++ {
		st.Stores = append(st.Stores, &model.Store{ID: "Table" + itoa(i), Kind: model.StoreTable, Name: str("table-" + itoa(i))})
	}
	for i := 0; i < 100; i++ {
		id := "Fn" + itoa(i)
		doc := value(b, "gen.yaml", `{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Table`+itoa(i%50)+`}"},
{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::assets-`+itoa(i)+`/*"},
{"Effect":"Allow","Action":["sqs:SendMessage"],"Resource":"*"}]}`)
		st.Functions = append(st.Functions, &model.Function{ID: id, Role: id + "Role"})
		st.Roles = append(st.Roles, &model.Role{ID: id + "Role", Policies: []*model.PolicyDoc{
			{Name: "inline", Document: doc},
			{Name: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
		}})
	}
	a := NewAnalyzer()
	_ = a.Catalog.Err()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// analyze, not Analyze: the memo would answer every pass but the
		// first.
		an, err := a.analyze(context.Background(), st)
		if err != nil || len(an.Functions) != 100 {
			b.Fatal(err)
		}
	}
}

func TestAnalyzeDeterministic(t *testing.T) {
	var outs []string
	for i := 0; i < 3; i++ {
		an, err := Analyze(context.Background(), testStack(t))
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(an)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, string(b))
	}
	if outs[0] != outs[1] || outs[1] != outs[2] {
		t.Error("Analyze output differs between runs")
	}
}

func TestNotResourceGrant(t *testing.T) {
	ps := &PolicySet{Identity: []*Policy{mustParse(t, "p", `{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}`)}}
	e := NewAnalyzer().EffectiveOf(context.Background(), ps)
	if len(e.Grants) != 1 || e.Grants[0].Resource != "*" || !cmp.Equal(e.Grants[0].Except, []string{"arn:aws:s3:::secret/*"}) {
		t.Errorf("grants = %+v", e.Grants)
	}
}

func TestBroadResource(t *testing.T) {
	for r, want := range map[string]bool{
		"*":                            true,
		"arn:aws:s3:::*":               true,
		"arn:aws:s3:::*/*":             true,
		"arn:aws:s3:::bucket/*":        false,
		"arn:aws:dynamodb:*:*:table/*": true,
		"arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*": true,
		"arn:aws:dynamodb:*:111111111111:table/Orders":              false,
		"arn:aws:dynamodb:*:111111111111:table/*":                   true,
		"arn:aws:logs:*:*:log-group:*":                              true,
		"arn:aws:logs:*:*:log-group:/aws/lambda/*":                  false,
		"arn:aws:lambda:*:*:function:*":                             true,
		"arn:aws:sqs:*:*:*":                                         true,
		"arn:*":                                                     true,
		"arn:aws:secretsmanager:*:*:secret:prod/*":                  false,
		// Issue 15, item 4: the first part of an execute-api resource,
		// and a symbol opening the resource part, name one resource.
		"arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/*": false,
		"arn:aws:execute-api:*:*:abcdef1234/*":                                   false,
		"arn:aws:execute-api:*:*:*/*":                                            true,
		"arn:aws:execute-api:*:*:*":                                              true,
		"arn:aws:dynamodb:*:*:${Table}/*":                                        false,
	} {
		if got := broadResource(r); got != want {
			t.Errorf("broadResource(%q) = %v, want %v", r, got, want)
		}
	}
}

// TestFresh checks that an analyzer made by Fresh gives the same analysis,
// shares the per-action caches and keeps its own memo of stacks.
func TestFresh(t *testing.T) {
	a := NewAnalyzer()
	st := testStack(t)
	want, err := a.Analyze(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	b := a.Fresh()
	got, err := b.Analyze(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if got == want {
		t.Error("Fresh shares the memo of stacks")
	}
	wj, _ := json.Marshal(want)
	gj, _ := json.Marshal(got)
	if string(wj) != string(gj) {
		t.Error("Fresh analyses differently")
	}
	if b.fits() != a.fits() || b.Fresh().fits() != a.fits() {
		t.Error("Fresh does not share the per-action caches")
	}
	if b.Catalog != a.Catalog || b.Managed != a.Managed {
		t.Error("Fresh does not share the catalog")
	}
}
