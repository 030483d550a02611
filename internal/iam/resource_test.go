package iam

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/model"
)

func TestExpose(t *testing.T) {
	for _, tc := range []struct {
		name, policy, action, resource string
		anon, any                      string
		services                       []string
	}{
		{"public-bucket", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}`, "s3:GetObject", "arn:aws:s3:::site/index.html", "allow", "allow", nil},
		{"account-only", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"s3:GetObject","Resource":"*"}`, "s3:GetObject", "arn:aws:s3:::site/a", "implicit-deny", "implicit-deny", nil},
		{"partner-account", `{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sqs:SendMessage","Resource":"*"}`, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111111111111:q", "implicit-deny", "implicit-deny", nil},
		{"public-with-org-condition", `{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}`, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111111111111:q", "allow?", "allow?", nil},
		{"lambda-permission-s3", `{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::uploads"}}}`, "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:111111111111:function:f", "implicit-deny", "implicit-deny", []string{"s3.amazonaws.com"}},
		{"lambda-url-public", `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}`, "lambda:InvokeFunctionUrl", "arn:aws:lambda:us-east-1:111111111111:function:f", "allow?", "allow?", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := Expose([]*Policy{mustParse(t, tc.name, tc.policy)}, tc.action, tc.resource, "")
			got := []string{summary(e.Anonymous), summary(e.AnyAccount)}
			if d := cmp.Diff([]string{tc.anon, tc.any}, got); d != "" {
				t.Errorf("anonymous, any account (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.services, e.Services); d != "" {
				t.Errorf("services (-want +got):\n%s", d)
			}
		})
	}
}

func TestResourcePolicies(t *testing.T) {
	st := &model.Stack{ResourcePolicies: []*model.ResourcePolicy{
		{ID: "BucketPolicy", Kind: model.RPBucket, Targets: []string{"Site"}, Doc: &model.PolicyDoc{Name: "BucketPolicy", Source: model.PolicyResource,
			Document: value(t, "t.yaml", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`)}},
		{ID: "FnPermission", Kind: model.RPLambdaPermission, Targets: []string{"Fn"}, Doc: &model.PolicyDoc{Source: model.PolicyGenerated,
			Document: value(t, "t.yaml", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*"}]}`)}},
		{ID: "Outside", Kind: model.RPOther, Doc: &model.PolicyDoc{Name: "Outside"}},
	}}
	got, errs := NewAnalyzer().ResourcePolicies(st)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	names := map[string][]string{}
	for k, ps := range got {
		for _, p := range ps {
			names[k] = append(names[k], p.Name)
		}
	}
	if d := cmp.Diff(map[string][]string{"Site": {"BucketPolicy"}, "Fn": {"FnPermission"}, "": {"Outside"}}, names); d != "" {
		t.Errorf("policies by target (-want +got):\n%s", d)
	}
	if e := Expose(got["Site"], "s3:GetObject", "arn:aws:s3:::site/index.html", ""); summary(e.Anonymous) != "allow" {
		t.Errorf("site bucket not public: %+v", e.Anonymous)
	}
	if !got[""][0].Unknown {
		t.Error("a policy without document must be unknown")
	}
}
