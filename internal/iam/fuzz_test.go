package iam

import (
	"errors"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/decode"
)

// FuzzParse parses arbitrary documents: it must never panic, must return a
// policy whenever the input is a YAML/JSON document, and every policy error
// must carry a position.
func FuzzParse(f *testing.F) {
	for _, tc := range decisionTable() {
		for _, s := range tc.identity {
			f.Add([]byte(doc(s)))
		}
		for _, s := range tc.resource {
			f.Add([]byte(doc(s)))
		}
	}
	f.Add([]byte(realistic))
	f.Add([]byte(`{"Statement":"x"}`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseJSON("fuzz.json", data)
		if p == nil {
			if err == nil {
				t.Fatal("nil policy without error")
			}
			return
		}
		for _, e := range unjoin(err) {
			var pe *Error
			var le *decode.Error
			if !errors.As(e, &pe) && !errors.As(e, &le) {
				t.Fatalf("error without position: %v", e)
			}
		}
		ps := &PolicySet{Identity: []*Policy{p}, Resource: []*Policy{p}}
		for _, r := range []Request{
			{Principal: me, Action: "s3:GetObject", Resource: object},
			{Principal: "*", Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/${Role}"},
		} {
			d := ps.Evaluate(&r)
			switch d.Outcome {
			case OutcomeAllow, OutcomeExplicitDeny, OutcomeImplicitDeny:
			default:
				t.Fatalf("bad outcome %q", d.Outcome)
			}
			if d.Conditional && d.Outcome != OutcomeAllow {
				t.Fatalf("conditional %s", d.Outcome)
			}
		}
	})
}

func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unjoin(e)...)
		}
		return out
	}
	return []error{err}
}

// FuzzMatchARN checks the fast segment-wise matcher against the general
// symbolic matcher on placeholder-free inputs: they must agree exactly.
func FuzzMatchARN(f *testing.F) {
	for _, tc := range decisionTable() {
		for _, s := range tc.identity {
			if i := strings.Index(s, `"Resource":"`); i >= 0 {
				rest := s[i+len(`"Resource":"`):]
				if j := strings.IndexByte(rest, '"'); j >= 0 {
					f.Add(rest[:j], tc.res)
				}
			}
		}
	}
	f.Add("arn:aws:s3:::*", "arn:aws:s3:::b/k")
	f.Add("arn:*:*:*:*:*", "arn:aws:sqs:us-east-1:1:q")
	f.Fuzz(func(t *testing.T, pattern, subject string) {
		if hasPlaceholder(pattern) || hasPlaceholder(subject) || len(pattern) > 200 || len(subject) > 200 {
			return
		}
		p := compileARN(pattern, false)
		fast := p.match(subject, false, nil)
		slow := matchUnits(splitUnits(pattern, true, true, nil), splitUnits(subject, false, true, nil), false)
		if pattern == "*" {
			slow = Yes
		}
		if fast != slow {
			t.Fatalf("match(%q, %q): fast %v, general %v", pattern, subject, fast, slow)
		}
	})
}

// FuzzMatchAction checks action matching against the catalog's glob: both
// are case-insensitive with * and ?.
func FuzzMatchAction(f *testing.F) {
	f.Add("s3:Get*", "s3:GetObject")
	f.Add("*", "iam:PassRole")
	f.Add("s3*:?et*", "S3:GETOBJECT")
	f.Fuzz(func(t *testing.T, pattern, action string) {
		if hasPlaceholder(pattern) || hasPlaceholder(action) || len(pattern) > 100 || len(action) > 100 {
			return
		}
		p := compileAction(pattern, false)
		svc, name, _ := strings.Cut(action, ":")
		got := p.match(action, svc, name)
		slow := matchUnits(splitUnits(strings.ToLower(pattern), true, false, nil), splitUnits(action, false, false, nil), true)
		if pattern == "*" {
			slow = Yes
		}
		if got != slow {
			t.Fatalf("match(%q, %q) = %v, general %v", pattern, action, got, slow)
		}
	})
}

// FuzzEvaluate evaluates arbitrary requests (actions, resources and context
// values, with placeholders) against the table's policies: no panic, a
// valid outcome, and a conditional outcome only for allow.
func FuzzEvaluate(f *testing.F) {
	cases := decisionTable()
	for i, tc := range cases {
		f.Add(uint16(i), tc.action, tc.res, "aws:username", "alice")
	}
	f.Add(uint16(0), "s3:${Verb}", "arn:aws:s3:::${B}/*", "aws:SourceIp", "10.0.0.1")
	f.Fuzz(func(t *testing.T, idx uint16, action, resource, key, val string) {
		if len(action) > 200 || len(resource) > 300 || len(key) > 100 || len(val) > 200 {
			return
		}
		tc := cases[int(idx)%len(cases)]
		tc.action, tc.res = action, resource
		if tc.action == "" {
			tc.action = "s3:GetObject"
		}
		tc.ctx = append(tc.ctx[:len(tc.ctx):len(tc.ctx)], key+"="+val)
		d := tc.run(t)
		switch d.Outcome {
		case OutcomeAllow, OutcomeExplicitDeny, OutcomeImplicitDeny:
		default:
			t.Fatalf("bad outcome %q", d.Outcome)
		}
		if d.Conditional && d.Outcome != OutcomeAllow {
			t.Fatalf("conditional %s", d.Outcome)
		}
	})
}

// FuzzMatchUnitsEnds checks the literal-ends shortcut of matchUnits against
// the full search, on patterns and subjects with symbols and variables.
func FuzzMatchUnitsEnds(f *testing.F) {
	f.Add("arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders-17", "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders-42")
	f.Add("arn:aws:s3:::${Bucket}/*", "arn:aws:s3:::${Bucket}/${Key}")
	f.Add("arn:aws:s3:::b*", "arn:aws:s3:::${B}x")
	f.Add("a${X}b", "ab")
	f.Add("*b", "${S}")
	f.Fuzz(func(t *testing.T, pattern, subject string) {
		if len(pattern) > 120 || len(subject) > 120 {
			return
		}
		for _, fold := range []bool{false, true} {
			p, s := splitUnits(pattern, true, true, nil), splitUnits(subject, false, true, nil)
			if got, want := matchUnits(p, s, fold), matchUnitsSearch(p, s, fold); got != want {
				t.Fatalf("matchUnits(%q, %q, fold=%v) = %v, full search %v", pattern, subject, fold, got, want)
			}
		}
	})
}
