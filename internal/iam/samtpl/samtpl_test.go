package samtpl_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
	"github.com/nightlight-sec/nightlight/internal/iam/samtpl"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// samOnly are actions SAM's own templates list that IAM does not have
// (batch calls are authorized by the single-message actions).
var samOnly = map[string]bool{"sqs:ChangeMessageVisibilityBatch": true, "sqs:DeleteMessageBatch": true}

var pos = model.Pos{File: "template.yaml", Line: 12, Col: 9}

func TestEveryTemplateExpandsToKnownActions(t *testing.T) {
	s := samtpl.New()
	cat := catalog.New()
	names := s.Names()
	if len(names) < 50 {
		t.Fatalf("%d templates, want at least 50", len(names))
	}
	for _, name := range names {
		params := map[string]*model.Value{}
		ps, _ := s.Parameters(name)
		for _, p := range ps {
			params[p] = model.NewString("x-"+p, pos)
		}
		doc, err := s.Expand(name, params, pos)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		pol, err := iam.Parse(name, doc)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, st := range pol.Statements {
			if st.Pos != pos {
				t.Errorf("%s: statement at %s, want %s", name, st.Pos, pos)
			}
			for _, a := range st.ActionStrings() {
				if pr := cat.Check(a); pr != catalog.OK && !samOnly[a] {
					t.Errorf("%s: action %s: %s", name, a, pr)
				}
			}
			for _, r := range st.ResourceStrings() {
				if strings.Contains(r, "${") && !strings.Contains(r, "${AWS::") {
					t.Errorf("%s: resource %s has an unsubstituted parameter", name, r)
				}
			}
		}
	}
}

func TestExpand(t *testing.T) {
	s := samtpl.New()
	ref := &model.Value{Kind: model.String, Str: "${OrdersTable}", Unresolved: true, Source: "!Ref OrdersTable", Refs: []string{"OrdersTable"}, Pos: pos}
	doc, err := s.Expand("DynamoDBReadPolicy", map[string]*model.Value{"TableName": ref}, pos)
	if err != nil {
		t.Fatal(err)
	}
	res := doc.Path("Statement").Items[0].Get("Resource").Items[0]
	want := "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${OrdersTable}"
	if d := cmp.Diff(want, res.Str); d != "" {
		t.Errorf("resource (-want +got):\n%s", d)
	}
	if !res.Unresolved || !cmp.Equal(res.Refs, []string{"OrdersTable"}) {
		t.Errorf("resource refs = %v, unresolved %v", res.Refs, res.Unresolved)
	}
	ps := &iam.PolicySet{Identity: []*iam.Policy{mustParse(t, doc)}}
	if d := ps.Evaluate(&iam.Request{Action: "dynamodb:Query", Resource: want + "/index/byDate"}); d.Outcome != iam.OutcomeAllow || d.Conditional {
		t.Errorf("query on index: %+v", d)
	}
	if d := ps.Evaluate(&iam.Request{Action: "dynamodb:PutItem", Resource: want}); d.Allowed() {
		t.Errorf("read policy allows PutItem: %+v", d)
	}

	if _, err := s.Expand("DynamoDBReadPolicy", nil, pos); err == nil || !strings.Contains(err.Error(), "missing parameter TableName") {
		t.Errorf("missing parameter: %v", err)
	}
	if _, err := s.Expand("NoSuchPolicy", nil, pos); err == nil {
		t.Error("unknown template: no error")
	}
	if _, err := s.Expand("CloudWatchPutMetricPolicy", nil, pos); err != nil {
		t.Errorf("template without parameters: %v", err)
	}
}

func mustParse(t *testing.T, doc *model.Value) *iam.Policy {
	t.Helper()
	p, err := iam.Parse("sam", doc)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
