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
// of the whole test suite. A rule package with tests of its own (an extra
// severity test, say) runs its cases itself, and rules whose cases need
// the handler-code analysis are skipped in a build without it (no cgo).
//
// Run one rule's cases with: go test ./internal/rules -run 'TestCases/NL1001'
func TestCases(t *testing.T) {
	for _, r := range All() {
		dir := strings.ToLower(r.ID)
		own, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
		if len(own) > 0 {
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
