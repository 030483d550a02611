package cli

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/iam"
)

func TestParseContext(t *testing.T) {
	c, err := parseContext([]string{"aws:SourceIp=10.0.0.1", "aws:TagKeys=a", "AWS:TAGKEYS=b", "empty="})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, k := range c.Keys() {
		v, _ := c.Get(k)
		got[k] = v
	}
	want := map[string][]string{"aws:SourceIp": {"10.0.0.1"}, "aws:TagKeys": {"a", "b"}, "empty": {}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("context (-want +got):\n%s", d)
	}
	for _, bad := range []string{"novalue", "=v"} {
		if _, err := parseContext([]string{bad}); err == nil {
			t.Errorf("parseContext(%q): want an error", bad)
		}
	}
}

// TestFlagText checks that the text output never repeats a flag's kind in
// its message and says in words what is wrong with an action.
func TestFlagText(t *testing.T) {
	for _, tc := range []struct {
		name string
		flag iam.Flag
		want string
	}{
		{"permissions-management", iam.Flag{Kind: iam.FlagPermissionsManagement, Message: "permissions-management actions on *: iam:PutRolePolicy"},
			"actions on *: iam:PutRolePolicy"},
		{"privilege-escalation", iam.Flag{Kind: iam.FlagPrivilegeEscalation, Message: "privilege escalation: pass a role (iam:PassRole + lambda:CreateFunction)"},
			"pass a role (iam:PassRole + lambda:CreateFunction)"},
		{"unknown-grants", iam.Flag{Kind: iam.FlagUnknownGrants, Message: "unknown permissions: managed policy arn:aws:iam::aws:policy/X, whose document nightlight does not know: it may grant anything"},
			"managed policy arn:aws:iam::aws:policy/X, whose document nightlight does not know: it may grant anything"},
		{"unknown-action", iam.Flag{Kind: iam.FlagUnknownAction, Actions: []string{"sts:GetCallerIdentify"}, Message: `action "sts:GetCallerIdentify": unknown-action`},
			`action "sts:GetCallerIdentify" is not an action of its service`},
		{"unknown-service", iam.Flag{Kind: iam.FlagUnknownAction, Actions: []string{"cognitoidp:*"}, Message: `action "cognitoidp:*": unknown-service`},
			`action "cognitoidp:*" names no AWS service`},
		{"managed", iam.Flag{Kind: iam.FlagWildcardResource, Message: `Resource "*" on data actions that support resource ARNs: logs:PutLogEvents`,
			Statement: iam.StatementRef{Policy: "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}},
			`Resource "*" on data actions that support resource ARNs: logs:PutLogEvents (in AWS managed policy AWSLambdaBasicExecutionRole)`},
		{"inline", iam.Flag{Kind: iam.FlagServiceWildcard, Message: `Action "s3:*" grants every s3 action on *`, Statement: iam.StatementRef{Policy: "p"}},
			`Action "s3:*" grants every s3 action on *`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := flagText(tc.flag); got != tc.want {
				t.Errorf("flagText = %q, want %q", got, tc.want)
			}
		})
	}
}
