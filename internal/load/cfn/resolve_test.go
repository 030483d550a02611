package cfn

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/decode/yamlv"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// header declares the parameters, mappings and conditions the cases use.
const header = `
Parameters:
  Stage: {Type: String, Default: dev}
  NoDefault: {Type: String}
  Subnets: {Type: CommaDelimitedList, Default: "a, b,c"}
  Secret: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /app/secret}
Mappings:
  Sizes:
    dev: {memory: 128}
    prod: {memory: 1024}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
  Unknown: !Equals [!Ref NoDefault, x]
  Both: !And [!Condition IsDev, !Equals [a, a]]
  Either: !Or [!Condition IsProd, !Condition Unknown]
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  Fn:
    Type: AWS::Lambda::Function
  R:
    Type: AWS::SQS::Queue
    Properties:
      V: `

// resolved parses header+expr and returns the resolved R.Properties.V.
func resolved(t *testing.T, expr string, params map[string]string) (*model.Value, *Template) {
	t.Helper()
	doc, err := yamlv.Decode("t.yaml", []byte(header+expr+"\n"), load.Limits{})
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	tpl, err := Parse(context.Background(), "t.yaml", doc.Root, load.Options{Params: params})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return tpl.Resource("R").Properties.Get("V"), tpl
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name       string
		expr       string
		params     map[string]string
		want       string // JSON of the value
		unresolved bool
		refs       []string
		err        string
	}{
		{name: "literal", expr: "x", want: `"x"`},
		{name: "ref parameter default", expr: "!Ref Stage", want: `"dev"`},
		{name: "ref parameter override", expr: "!Ref Stage", params: map[string]string{"Stage": "prod"}, want: `"prod"`},
		{name: "ref parameter without default", expr: "!Ref NoDefault", want: `{"$unresolved":"parameter NoDefault"}`, unresolved: true},
		{name: "ref list parameter", expr: "!Ref Subnets", want: `["a","b","c"]`},
		{name: "ref ssm parameter", expr: "!Ref Secret", want: `{"$unresolved":"SSM parameter /app/secret"}`, unresolved: true},
		{name: "ref resource", expr: "!Ref Table", want: `{"$unresolved":"!Ref Table"}`, unresolved: true, refs: []string{"Table"}},
		{name: "ref pseudo", expr: "!Ref AWS::Region", want: `{"$unresolved":"AWS::Region"}`, unresolved: true},
		{name: "ref pseudo override", expr: "!Ref AWS::Region", params: map[string]string{"AWS::Region": "eu-west-1"}, want: `"eu-west-1"`},
		{name: "long form ref", expr: `{"Ref": "Stage"}`, want: `"dev"`},
		{name: "getatt", expr: "!GetAtt Fn.Arn", want: `{"$unresolved":"!GetAtt Fn.Arn"}`, unresolved: true, refs: []string{"Fn"}},
		{name: "getatt long form", expr: `{"Fn::GetAtt": ["Fn", "Arn"]}`, want: `{"$unresolved":"!GetAtt Fn.Arn"}`, unresolved: true, refs: []string{"Fn"}},
		{name: "sub resolved", expr: "!Sub 'orders-${Stage}'", want: `"orders-dev"`},
		{name: "sub with resource", expr: "!Sub 'arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Table}'", want: `"arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Table}"`, unresolved: true, refs: []string{"Table"}},
		{name: "sub getatt", expr: "!Sub '${Fn.Arn}/invocations'", want: `"${Fn.Arn}/invocations"`, unresolved: true, refs: []string{"Fn"}},
		{name: "sub literal escape", expr: "!Sub '${!Literal}-${Stage}'", want: `"${Literal}-dev"`},
		{name: "sub variables", expr: "!Sub ['${A}-${Stage}', {A: !Ref Stage}]", want: `"dev-dev"`},
		{name: "join", expr: "!Join ['-', [a, !Ref Stage, c]]", want: `"a-dev-c"`},
		{name: "join list param", expr: "!Join [',', !Ref Subnets]", want: `"a,b,c"`},
		{name: "join unresolved", expr: "!Join ['', ['arn:', !Ref Table]]", want: `"arn:${Table}"`, unresolved: true, refs: []string{"Table"}},
		{name: "select", expr: "!Select [1, [x, y, z]]", want: `"y"`},
		{name: "select split", expr: "!Select [2, !Split [',', 'a,b,c']]", want: `"c"`},
		{name: "split", expr: "!Split ['/', 'a/b']", want: `["a","b"]`},
		{name: "split unresolved", expr: "!Split [',', !Ref NoDefault]", want: `{"$unresolved":"!Split ,"}`, unresolved: true},
		{name: "findinmap", expr: "!FindInMap [Sizes, !Ref Stage, memory]", want: `128`},
		{name: "findinmap override", expr: "!FindInMap [Sizes, !Ref Stage, memory]", params: map[string]string{"Stage": "prod"}, want: `1024`},
		{name: "findinmap unresolved key", expr: "!FindInMap [Sizes, !Ref NoDefault, memory]", want: `{"$unresolved":"!FindInMap Sizes ${NoDefault} memory"}`, unresolved: true},
		{name: "if true", expr: "!If [IsDev, small, big]", want: `"small"`},
		{name: "if false", expr: "!If [IsProd, big, small]", want: `"small"`},
		{name: "if novalue", expr: "{a: !If [IsProd, x, !Ref AWS::NoValue], b: 1}", want: `{"b":1}`},
		{name: "if unknown", expr: "!If [Unknown, x, y]", want: `"x"`, unresolved: true},
		{name: "and", expr: "!If [Both, yes, no]", want: `"yes"`},
		{name: "or unknown", expr: "!If [Either, yes, no]", want: `"yes"`, unresolved: true},
		{name: "importvalue", expr: "!ImportValue SharedVpc", want: `{"$unresolved":"!ImportValue SharedVpc"}`, unresolved: true},
		{name: "importvalue sub", expr: "{'Fn::ImportValue': !Sub '${Stage}-vpc'}", want: `{"$unresolved":"!ImportValue dev-vpc"}`, unresolved: true},
		{name: "base64 keeps text", expr: "!Base64 'echo ${x}'", want: `"echo ${x}"`},
		{name: "getazs", expr: "!GetAZs ''", want: `{"$unresolved":"!GetAZs"}`, unresolved: true},
		{name: "cidr", expr: "!Cidr ['10.0.0.0/16', 2, 8]", want: `{"$unresolved":"!Cidr"}`, unresolved: true},
		{name: "length", expr: "{'Fn::Length': [a, b]}", want: `2`},
		{name: "tojsonstring", expr: "{'Fn::ToJsonString': {a: !Ref Stage}}", want: `"{\"a\":\"dev\"}"`},
		{name: "equals outside conditions", expr: "!Equals [!Ref Stage, dev]", want: `true`},
		{name: "list drops novalue", expr: "[a, !Ref AWS::NoValue, b]", want: `["a","b"]`},
		{name: "transform include", expr: "{'Fn::Transform': {Name: 'AWS::Include', Parameters: {Location: s3://b/k}}}", want: `{"$unresolved":"Fn::Transform AWS::Include s3://b/k"}`, unresolved: true},
		{name: "unknown function", expr: "{'Fn::Frobnicate': x}", want: `{"$unresolved":"Fn::Frobnicate"}`, unresolved: true, err: "t.yaml:25:10: unknown intrinsic function Fn::Frobnicate"},
		{name: "undefined condition", expr: "!If [Nope, a, b]", want: `"a"`, unresolved: true, err: `condition "Nope" is not defined`},
		{name: "select out of range", expr: "!Select [5, [a]]", want: `{"$unresolved":"!Select"}`, unresolved: true, err: "index 5 out of range"},
		{name: "join bad arg", expr: "!Join [',']", want: `{"$unresolved":"Fn::Join"}`, unresolved: true, err: "Fn::Join needs [delimiter, [values]]"},
		{name: "getatt bad arg", expr: "{'Fn::GetAtt': 5}", want: `{"$unresolved":"Fn::GetAtt"}`, unresolved: true, err: "Fn::GetAtt needs [Resource, Attribute]"},
		{name: "missing map", expr: "!FindInMap [Nope, a, b]", want: `{"$unresolved":"!FindInMap"}`, unresolved: true, err: `no mapping "Nope"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, tpl := resolved(t, tc.expr, tc.params)
			got, _ := json.Marshal(v)
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("value (-want +got):\n%s", diff)
			}
			if v.Unresolved != tc.unresolved {
				t.Errorf("Unresolved = %v, want %v", v.Unresolved, tc.unresolved)
			}
			if diff := cmp.Diff(tc.refs, v.AllRefs()); diff != "" {
				t.Errorf("refs (-want +got):\n%s", diff)
			}
			err := tpl.Err()
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("error = %v, want it to contain %q", err, tc.err)
			}
		})
	}
}

func TestCircularCondition(t *testing.T) {
	src := "Conditions:\n  A: !Condition B\n  B: !Condition A\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Condition: A\n"
	doc, err := yamlv.Decode("c.yaml", []byte(src), load.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := Parse(context.Background(), "c.yaml", doc.Root, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := tpl.Err(); err == nil || !strings.Contains(err.Error(), "circular condition") {
		t.Errorf("Err() = %v, want a circular condition error", err)
	}
}

func TestConditionalResourceNotCreated(t *testing.T) {
	src := "Parameters:\n  Env: {Type: String, Default: dev}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Condition: IsProd\n  T:\n    Type: AWS::SNS::Topic\n"
	st, err := Load(context.Background(), load.Unit{Files: []load.File{{Path: "c.yaml", Data: []byte(src)}}}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, s := range st.Stores {
		kinds = append(kinds, s.ID)
	}
	if diff := cmp.Diff([]string{"T"}, kinds); diff != "" {
		t.Errorf("stores (-want +got):\n%s", diff)
	}
	if len(st.Resources) != 2 {
		t.Errorf("resources = %d, want both kept as declared", len(st.Resources))
	}
}

func TestResolutionLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("Resources:\n")
	for i := 0; i < 50; i++ {
		b.WriteString("  Q" + itoa(i) + ":\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: !Join ['', [a, b, c, d, e, f, g, h]]}\n")
	}
	doc, err := yamlv.Decode("l.yaml", []byte(b.String()), load.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := Parse(context.Background(), "l.yaml", doc.Root, load.Options{Limits: load.Limits{MaxResolveSteps: 100}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tpl.Err(); err == nil || !strings.Contains(err.Error(), "more than 100 resolution steps") {
		t.Errorf("Err() = %v, want the resolution limit", err)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(header + "!Sub '${Stage}-${Table.Arn}'\n"))
	f.Add([]byte(header + "!If [Either, !Select [0, !Split [',', !Join [',', !Ref Subnets]]], !Ref AWS::NoValue]\n"))
	f.Add([]byte("Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: !GetAtt R.Arn\n  R:\n    Type: AWS::IAM::Role\n"))
	f.Add([]byte(`{"Resources": {"A": {"Type": "AWS::ApiGateway::Method", "Properties": {"ResourceId": {"Ref": "A"}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		u := load.Unit{Files: []load.File{{Path: "f.yaml", Data: data}}}
		st, err := Load(context.Background(), u, load.Options{Limits: load.Limits{MaxNodes: 100_000, MaxResolveSteps: 100_000}})
		if err != nil && !load.PosOf(err).IsValid() {
			var me *multiError
			if !errors.As(err, &me) {
				t.Fatalf("error without position: %v", err)
			}
		}
		if st != nil {
			if _, err := json.Marshal(st); err != nil {
				t.Fatalf("stack does not marshal: %v", err)
			}
		}
	})
}
