package rules

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/code"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
)

// TestCases runs every rule's txtar cases (nlNNNN/testdata/*.txtar) in
// one test binary: linking one binary per rule package dominated the time
// of the whole test suite. Rules whose cases need the handler-code
// analysis are skipped in a build without it (no cgo), and the dependency
// rules, whose cases need a vulnerability database fixture, run in their
// own packages (internal/rules/internal/deptest).
//
// Run one rule's cases with: go test ./internal/rules -run 'TestCases/NL1001'
// ownHarness are the rules whose packages run their cases themselves.
var ownHarness = map[string]bool{"NL6003": true, "NL6004": true, "NL6005": true, "NL6006": true}

func TestCases(t *testing.T) {
	for _, r := range All() {
		dir := strings.ToLower(r.ID)
		if ownHarness[r.ID] {
			continue
		}
		t.Run(r.ID, func(t *testing.T) {
			if r.Category == rule.Code && !code.Available() {
				t.Skip("handler-code analysis needs cgo")
			}
			ruletest.Run(t, filepath.Join(dir, "testdata"), r)
		})
	}
}
