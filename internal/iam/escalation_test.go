package iam

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEscalationFixtures runs every policy in testdata/escalation. A file
// named <path-id>[+variant].json must allow exactly that path, or the
// space-separated path IDs in the policy's "Id" element when it has one; a
// file named benign-*.json must allow none.
func TestEscalationFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/escalation/*.json")
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p, err := ParseJSON(f, b)
			if err != nil {
				t.Fatal(err)
			}
			ps := &PolicySet{Identity: []*Policy{p}}
			var got []string
			for _, e := range ps.Escalations() {
				got = append(got, e.Path.ID)
			}
			var want []string
			if !strings.HasPrefix(name, "benign-") {
				id, _, _ := strings.Cut(name, "+") // <id>+<variant>.json
				want = []string{id}
				if p.ID != "" {
					want = strings.Fields(p.ID)
				}
				for _, w := range want {
					covered[w] = true
				}
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("escalations (-want +got):\n%s", d)
			}
		})
	}
	for _, p := range EscalationPaths() {
		if !covered[p.ID] {
			t.Errorf("no fixture for escalation path %s", p.ID)
		}
	}
}

func TestEscalationManagedPolicies(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want []string
	}{
		{"lambda-full-access-passrole-to-lambda", `[{"Effect":"Allow","Action":"lambda:*","Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]`,
			[]string{"lambda-update-function-code", "lambda-update-layers", "passrole-lambda-event-source", "passrole-lambda-invoke", "passrole-lambda-update-configuration"}},
		{"passrole-only-to-other-service", `[{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"dax.amazonaws.com"}}}]`, nil},
		{"deny-guard", `[{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":["iam:*Policy*","iam:*AccessKey*","iam:*LoginProfile*","iam:AddUserToGroup","iam:UpdateAssumeRolePolicy","iam:PassRole","iam:*PermissionsBoundary*"],"Resource":"*"}]`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := &PolicySet{Identity: []*Policy{mustParse(t, tc.name, tc.src)}}
			var got []string
			for _, e := range ps.Escalations() {
				got = append(got, e.Path.ID)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("escalations (-want +got):\n%s", d)
			}
		})
	}
}
