package iam

import "testing"

func TestSmoke(t *testing.T) {
	p, err := ParseJSON("p.json", []byte(`{"Version":"2012-10-17","Statement":[
	{"Effect":"Allow","Action":["s3:Get*"],"Resource":"arn:aws:s3:::b/*"},
	{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:t"}}},
	{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret/*"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	ps := &PolicySet{Identity: []*Policy{p}}
	for _, r := range []Request{
		{Action: "s3:getobject", Resource: "arn:aws:s3:::b/x"},
		{Action: "s3:getobject", Resource: "arn:aws:s3:::b/secret/x"},
		{Action: "s3:putobject", Resource: "arn:aws:s3:::b/x"},
		{Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:1:q"},
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::${Bucket}/x"},
	} {
		d := ps.Evaluate(&r)
		t.Logf("%s %s -> %+v", r.Action, r.Resource, d)
	}
}
