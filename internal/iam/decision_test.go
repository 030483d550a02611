package iam

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	me       = "arn:aws:iam::111111111111:role/fn"
	mySess   = "arn:aws:sts::111111111111:assumed-role/fn/session-1"
	myUser   = "arn:aws:iam::111111111111:user/alice"
	other    = "arn:aws:iam::222222222222:role/partner"
	otherAcc = "222222222222"
	bucket   = "arn:aws:s3:::orders"
	object   = "arn:aws:s3:::orders/2024/a.json"
	table    = "arn:aws:dynamodb:us-east-1:111111111111:table/Orders"
	queue    = "arn:aws:sqs:us-east-1:111111111111:jobs"
	fnARN    = "arn:aws:lambda:us-east-1:111111111111:function:worker"
	allowAll = `{"Effect":"Allow","Action":"*","Resource":"*"}`
)

// decisionCase is one row of the decision table.
type decisionCase struct {
	name      string
	identity  []string // policies: full documents or statements (wrapped)
	boundary  string
	resource  []string
	session   string
	scps      []string
	principal string // default me
	action    string
	res       string
	resAcct   string
	ctx       []string // "key=value"; a key repeated is multivalued; "key=" sets an empty list
	absent    []string
	complete  bool
	parseErr  bool   // the policy has errors (evaluated anyway)
	want      string // allow | allow? (conditional) | explicit-deny | implicit-deny
}

func doc(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "Version:") || strings.HasPrefix(s, `{"Version"`) || strings.HasPrefix(s, `{"Statement"`) {
		return s
	}
	if !strings.HasPrefix(s, "[") {
		s = "[" + s + "]"
	}
	return `{"Version":"2012-10-17","Statement":` + s + `}`
}

func mustParse(t testing.TB, name, src string, lenient ...bool) *Policy {
	t.Helper()
	p, err := ParseJSON(name, []byte(doc(src)))
	if p != nil && len(lenient) > 0 && lenient[0] {
		if err == nil {
			t.Errorf("parse %s: want an error", name)
		}
		return p
	}
	if err != nil {
		t.Fatalf("parse %s: %v\n%s", name, err, src)
	}
	return p
}

func (tc decisionCase) run(t testing.TB) Decision {
	ps := &PolicySet{}
	for i, s := range tc.identity {
		ps.Identity = append(ps.Identity, mustParse(t, "id"+itoa(i), s, tc.parseErr))
	}
	if tc.boundary != "" {
		ps.Boundary = mustParse(t, "boundary", tc.boundary)
	}
	if tc.session != "" {
		ps.Session = mustParse(t, "session", tc.session)
	}
	for i, s := range tc.scps {
		ps.SCPs = append(ps.SCPs, mustParse(t, "scp"+itoa(i), s))
	}
	for i, s := range tc.resource {
		ps.Resource = append(ps.Resource, mustParse(t, "rp"+itoa(i), s))
	}
	req := Request{Principal: tc.principal, Action: tc.action, Resource: tc.res, ResourceAccount: tc.resAcct}
	if req.Principal == "" {
		req.Principal = me
	}
	if req.Action == "" {
		req.Action = "s3:GetObject"
	}
	if req.Resource == "" {
		req.Resource = object
	}
	multi := map[string][]string{}
	var order []string
	for _, kv := range tc.ctx {
		k, v, _ := strings.Cut(kv, "=")
		if _, ok := multi[k]; !ok {
			order = append(order, k)
			multi[k] = []string{}
		}
		if v != "" || !strings.HasSuffix(kv, "=") {
			multi[k] = append(multi[k], v)
		}
	}
	for _, k := range order {
		req.Context.Set(k, multi[k]...)
	}
	req.Context.Complete = tc.complete
	req.Context.Absent = tc.absent
	return ps.Evaluate(&req)
}

func summary(d Decision) string {
	s := string(d.Outcome)
	if d.Conditional {
		s += "?"
	}
	return s
}

// c builds a condition case: a policy allowing s3:GetObject on * under the
// condition block cond, evaluated with a complete context.
func c(name, cond string, want string, ctx ...string) decisionCase {
	return decisionCase{
		name:     "cond/" + name,
		identity: []string{`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":` + cond + `}`},
		ctx:      ctx,
		complete: true,
		want:     want,
	}
}

// cbad is c for a condition block with an error: evaluation must not
// silently allow or deny.
func cbad(name, cond string, want string, ctx ...string) decisionCase {
	tc := c(name, cond, want, ctx...)
	tc.parseErr = true
	return tc
}

// cu is c with an open (incomplete) context: keys not given are unknown.
func cu(name, cond string, want string, ctx ...string) decisionCase {
	tc := c(name, cond, want, ctx...)
	tc.complete = false
	tc.name = "cond-open/" + name
	return tc
}

func TestDecisionTable(t *testing.T) {
	cases := decisionTable()
	if len(cases) < 300 {
		t.Errorf("decision table has %d cases, want at least 300", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Errorf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			got := summary(tc.run(t))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("decision (-want +got):\n%s", d)
			}
		})
	}
}

// TestDecisionTableCoversOperators checks that every condition operator,
// and its IfExists, ForAllValues: and ForAnyValue: forms for at least one
// operator, appear in the table.
func TestDecisionTableCoversOperators(t *testing.T) {
	var all strings.Builder
	for _, tc := range decisionTable() {
		for _, s := range append(append(tc.identity, tc.resource...), tc.boundary) {
			all.WriteString(s)
		}
	}
	text := all.String()
	for _, op := range Operators() {
		if !strings.Contains(text, `"`+op+`"`) && !strings.Contains(text, `"`+op+`IfExists"`) && !strings.Contains(text, `:`+op+`"`) {
			t.Errorf("operator %s is not in the decision table", op)
		}
	}
	for _, form := range []string{"IfExists\"", "\"ForAllValues:", "\"ForAnyValue:"} {
		if !strings.Contains(text, form) {
			t.Errorf("%s forms are not in the decision table", form)
		}
	}
}
