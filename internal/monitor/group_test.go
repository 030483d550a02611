package monitor

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGroupIgnoresRowOrder gives Group the same rows in many orders, with
// one event ID at three times (hand-written CloudTrail records reuse IDs),
// and wants the same alerts each time.
func TestGroupIgnoresRowOrder(t *testing.T) {
	d := Detection{ID: "credentials-for-other-user", Title: "t", Severity: SevHigh}
	rows := [][]string{
		{"root:1", "alice", "2020-11-01T08:37:03Z", "1", "iam:CreateAccessKey", "192.0.2.1", "aws-cli/1.18", "", "CreateAccessKey for alice"},
		{"root:1", "alice", "2020-11-01T08:36:02Z", "1", "iam:AttachUserPolicy", "192.0.2.1", "console.amazonaws.com", "", "AttachUserPolicy for alice"},
		{"root:1", "alice", "2020-11-01T08:39:02Z", "1", "iam:AttachUserPolicy", "192.0.2.1", "console.amazonaws.com", "", "AttachUserPolicy for alice"},
		{"root:1", "alice", "2020-11-01T08:40:00Z", "2", "iam:CreateLoginProfile", "192.0.2.1", "console.amazonaws.com", "AccessDenied", "CreateLoginProfile for alice"},
		{"root:1", "bob", "2020-11-01T08:41:00Z", "3", "iam:CreateAccessKey", "192.0.2.2", "aws-cli/1.18", "", "CreateAccessKey for bob"},
	}
	want := Group(d, rows)
	if len(want) != 2 || want[0].First.Format("15:04:05") != "08:36:02" {
		t.Fatalf("alerts %+v: want two, alice's first at 08:36:02", want)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		shuffled := slices.Clone(rows)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if diff := cmp.Diff(want, Group(d, shuffled)); diff != "" {
			t.Fatalf("rows %v gave other alerts (-first +now):\n%s", shuffled, diff)
		}
	}
}
