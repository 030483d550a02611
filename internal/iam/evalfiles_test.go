package iam

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
	"github.com/nightlight-sec/nightlight/internal/model"
)

func TestEval(t *testing.T) {
	policy := PolicyFile{Name: "p.json", Data: []byte(doc(`[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/private/*"}]`))}
	bucket := PolicyFile{Name: "bucket.json", Data: []byte(doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`))}
	cat := catalog.New()
	for _, tc := range []struct {
		name string
		in   EvalInput
		want string
	}{
		{"conditional", EvalInput{Identity: []PolicyFile{policy}, Request: Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/x"}},
			`{"decision":"allow","conditional":true,"conditions":["aws:SecureTransport Bool \"true\""],"matched":[{"policy":"p.json","sid":"Read","index":0,"effect":"Allow","file":"p.json","line":1,"kind":"identity","conditional":true,"statement":{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}}],"access":"Read"}`},
		{"deny", EvalInput{Identity: []PolicyFile{policy}, Request: Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/private/x"}},
			`{"decision":"explicit-deny","matched":[{"policy":"p.json","index":1,"effect":"Deny","file":"p.json","line":1,"kind":"identity","statement":{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/private/*"}}],"access":"Read"}`},
		{"cross-account", EvalInput{Identity: []PolicyFile{policy}, Resource: []PolicyFile{bucket}, Request: Request{Principal: "arn:aws:iam::222222222222:role/r", ResourceAccount: "111111111111", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/x", Context: Context{Complete: true}}},
			`{"decision":"implicit-deny","crossAccount":true,"matched":[],"access":"Read"}`},
		{"typo", EvalInput{Identity: []PolicyFile{policy}, Request: Request{Action: "sts:GetCallerIdentify", Resource: "*"}},
			`{"decision":"implicit-deny","matched":[],"actionProblem":"unknown-action"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Eval(context.Background(), cat, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, string(b)); d != "" {
				t.Errorf("json (-want +got):\n%s", d)
			}
		})
	}
	if _, err := Eval(context.Background(), cat, EvalInput{Identity: []PolicyFile{{Name: "bad.json", Data: []byte("{")}}}); err == nil {
		t.Error("want an error for an unreadable policy")
	}
}

// TestParseErrors checks that problems are reported with positions and
// the policy is still returned.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"unknown-element", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Resources":"x"}]}`, []string{`p.json:1:95: unknown statement element "Resources"`}},
		{"bad-effect", `{"Statement":[{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}]}`, []string{`p.json:1:25: Effect "allow" is neither Allow nor Deny`}},
		{"no-effect", `{"Statement":[{"Action":"s3:GetObject","Resource":"*"}]}`, []string{`p.json:1:15: statement has no Effect`}},
		{"no-action", `{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, []string{`p.json:1:15: statement has no Action or NotAction`}},
		{"both-actions", `{"Statement":[{"Effect":"Allow","Action":"a:b","NotAction":"c:d","Resource":"*"}]}`, []string{`p.json:1:48: statement has both Action and NotAction`}},
		{"bad-action", `{"Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}`, []string{`p.json:1:42: action "GetObject" is not service:action`}},
		{"bad-version", `{"Version":"2020-01-01","Statement":[]}`, []string{`p.json:1:12: unknown policy Version "2020-01-01"`}},
		{"no-statement", `{"Version":"2012-10-17"}`, []string{`p.json:1:1: policy has no Statement`}},
		{"unknown-principal-type", `{"Statement":[{"Effect":"Allow","Principal":{"User":"x"},"Action":"s3:GetObject"}]}`, []string{`p.json:1:46: unknown principal type "User"`}},
		{"principal-string", `{"Statement":[{"Effect":"Allow","Principal":"arn:aws:iam::1:root","Action":"s3:GetObject"}]}`, []string{`p.json:1:45: Principal "arn:aws:iam::1:root" must be "*" or a map`}},
		{"condition-not-map", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":"x"}]}`, []string{`p.json:1:84: Condition is a string, want a map`}},
		{"not-an-object", `[1]`, []string{`p.json:1:1: policy document is a list, want an object`}},
		{"statement-not-object", `{"Statement":["x"]}`, []string{`p.json:1:15: statement is a string, want an object`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseJSON("p.json", []byte(tc.src))
			if p == nil {
				t.Fatalf("no policy: %v", err)
			}
			var got []string
			for _, e := range unjoinErrors(err) {
				got = append(got, e.Error())
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("errors (-want +got):\n%s", d)
			}
		})
	}
}

// TestParseStringDocument covers policies written as JSON strings
// (Terraform's jsonencode, CloudFormation PolicyDocument strings).
func TestParseStringDocument(t *testing.T) {
	v := &model.Value{Kind: model.String, Str: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}`, Pos: model.Pos{File: "main.tf", Line: 7}}
	p, err := Parse("aws_iam_role_policy.x", v)
	if err != nil {
		t.Fatal(err)
	}
	if p.Pos.Line != 7 || len(p.Statements) != 1 {
		t.Fatalf("policy = %+v", p)
	}
	if d := (&PolicySet{Identity: []*Policy{p}}).Evaluate(&Request{Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:1:q"}); d.Outcome != OutcomeAllow {
		t.Errorf("decision = %+v", d)
	}
	bad := &model.Value{Kind: model.String, Str: `not json`, Pos: model.Pos{File: "main.tf", Line: 9}}
	p, err = Parse("x", bad)
	if err == nil || !p.Unknown {
		t.Errorf("a non-JSON string must give an unknown policy and an error: %v %+v", err, p)
	}
}

// TestAnalyzeConcurrent runs one Analyzer from several goroutines (run
// with -race).
func TestAnalyzeConcurrent(t *testing.T) {
	a := NewAnalyzer()
	done := make(chan error, 4)
	for i := 0; i < 4; i++ {
		st := testStack(t)
		go func() {
			_, err := a.Analyze(context.Background(), st)
			done <- err
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
