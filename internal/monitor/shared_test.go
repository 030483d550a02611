package monitor

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// sharedCloudTrail returns ../shared/cloudtrail beside the checkout (found by
// walking up from the test's directory), or skips the test.
func sharedCloudTrail(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "cloudtrail")
		if st, err := os.Stat(filepath.Join(p, "MANIFEST.md")); err == nil && !st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/cloudtrail not found beside the checkout")
		}
		dir = parent
	}
}

// pantherCase is one Panther rule test: a real CloudTrail event and whether
// Panther's rule alerts on it.
type pantherCase struct {
	Rule, Test string
	Expected   bool
	Event      Event
}

// pantherEvents parses panther_cloudtrail_rule_tests.jsonl; events that are
// not CloudTrail records (12 tests without userIdentity still are) fail the
// test only when they do not parse at all.
func pantherEvents(t testing.TB, root string) ([]pantherCase, int) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "panther-analysis", "panther_cloudtrail_rule_tests.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []pantherCase
	notRecords := 0
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var w struct {
			RuleID   string          `json:"rule_id"`
			TestName string          `json:"test_name"`
			Expected bool            `json:"expected_alert"`
			Event    json.RawMessage `json:"event"`
		}
		if err := json.Unmarshal(line, &w); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		e, err := ParseRecord(w.Event)
		if errors.Is(err, ErrNotRecord) {
			notRecords++
			continue
		}
		if err != nil {
			t.Fatalf("line %d (%s / %s): %v", i+1, w.RuleID, w.TestName, err)
		}
		e.File, e.Index = "panther:"+w.RuleID+"/"+w.TestName, i
		out = append(out, pantherCase{Rule: w.RuleID, Test: w.TestName, Expected: w.Expected, Event: e})
	}
	return out, notRecords
}
