package rules_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules"
)

// TestBadPolicies runs every rule on malformed policy documents: each
// problem is reported at its line, nothing broken turns into a grant or a
// deny (no wildcard, escalation or trust finding from the broken
// statements), and the readable policy beside them is still checked.
func TestBadPolicies(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/bad_policies.txtar")
	if err != nil {
		t.Fatal(err)
	}
	doc := &result.Document{App: ruletest.LoadArchive(t, ar)}
	if _, err := rules.Analyze(context.Background(), doc, rules.Options{Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, f := range doc.Findings {
		got[f.Rule] = append(got[f.Rule], fmt.Sprintf("%d %s", f.Line, f.Message))
	}
	wantLines := []string{
		"14 the trust policy of role Role: statement is a string",
		`19 policy typo of role Role: Effect "Allw" is neither Allow nor Deny`,
		"25 policy noeffect of role Role: statement has no Effect",
		"31 policy wrongtypes of role Role: Action element is a map",
		"32 policy wrongtypes of role Role: Resource element is a list",
		"33 policy wrongtypes of role Role: Condition is a string",
		"35 policy badjson of role Role: policy document string is not valid JSON",
		"37 policy number of role Role: policy document is a number, want an object",
	}
	for _, w := range wantLines {
		found := false
		for _, g := range got["NL3022"] {
			found = found || strings.HasPrefix(g, w)
		}
		if !found {
			t.Errorf("NL3022 %q not reported; NL3022 findings:\n%s", w, strings.Join(got["NL3022"], "\n"))
		}
	}
	if n := len(got["NL3022"]); n != len(wantLines) {
		t.Errorf("%d NL3022 findings, want %d:\n%s", n, len(wantLines), strings.Join(got["NL3022"], "\n"))
	}
	if len(got["NL3015"]) != 1 {
		t.Errorf("the readable policy's iam:PassRole on * is not reported once (NL3015): %v", got["NL3015"])
	}
	for _, id := range []string{"NL3001", "NL3002", "NL3004", "NL3005", "NL3012", "NL3013", "NL3014", "NL3016", "NL3018", "NL3020", "NL3021"} {
		if len(got[id]) > 0 {
			t.Errorf("false finding from a broken statement: %s %v", id, got[id])
		}
	}
}

// TestHugePolicy checks that a policy of thousands of statements is read,
// analysed and reported once, without errors.
func TestHugePolicy(t *testing.T) {
	var b strings.Builder
	b.WriteString("-- template.yaml --\nAWSTemplateFormatVersion: '2010-09-09'\nResources:\n")
	b.WriteString("  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Handler: index.handler\n      Code: {ZipFile: x}\n      Role: !GetAtt Role.Arn\n")
	b.WriteString("  Role:\n    Type: AWS::IAM::Role\n    Properties:\n")
	b.WriteString("      AssumeRolePolicyDocument:\n        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]\n")
	b.WriteString("      Policies:\n        - PolicyName: huge\n          PolicyDocument:\n            Statement:\n")
	for i := 0; i < 1500; i++ {
		fmt.Fprintf(&b, "              - {Effect: Allow, Action: [s3:GetObject, s3:PutObject], Resource: \"arn:aws:s3:::bucket-%d/*\"}\n", i)
	}
	b.WriteString("              - {Effect: Allow, Action: iam:PassRole, Resource: \"*\"}\n")
	doc := &result.Document{App: ruletest.LoadArchive(t, txtar.Parse([]byte(b.String())))}
	if _, err := rules.Analyze(context.Background(), doc, rules.Options{Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range doc.Findings {
		if f.Rule == "NL3022" {
			t.Errorf("huge but valid policy reported as malformed: %s", f.Message)
		}
		if f.Rule == "NL3015" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d NL3015 findings for the last of 1501 statements, want 1", n)
	}
}
