package rules

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule"
)

// areaCategories maps the first digit of a rule ID to the categories its
// rules may have.
var areaCategories = map[byte][]rule.Category{
	'1': {rule.AttackSurface},
	'2': {rule.DataFlow},
	'3': {rule.IAM},
	'4': {rule.Misconfig, rule.Secrets},
	'5': {rule.DenialOfWallet},
	'6': {rule.Dependency, rule.Code},
	'7': {rule.Code, rule.Drift},
}

func TestAll(t *testing.T) {
	all := All()
	seen := map[string]bool{}
	ids := make([]string, 0, len(all))
	for _, r := range all {
		if err := r.Validate(); err != nil {
			t.Error(err)
			continue
		}
		if seen[r.ID] {
			t.Errorf("%s: duplicate rule ID", r.ID)
		}
		seen[r.ID] = true
		ids = append(ids, r.ID)
		ok := false
		for _, c := range areaCategories[r.ID[2]] {
			ok = ok || c == r.Category
		}
		if !ok {
			t.Errorf("%s: category %s does not belong to area %c", r.ID, r.Category, r.ID[2])
		}
		pkg := strings.ToLower(r.ID) // its cases run in TestCases
		if m, _ := filepath.Glob(filepath.Join(pkg, "testdata", "*.txtar")); len(m) < 2 {
			t.Errorf("%s: want positive and negative testdata in %s/testdata", r.ID, pkg)
		}
	}
	if !sort.StringsAreSorted(ids) {
		t.Errorf("All() is not sorted by ID: %v", ids)
	}
	dirs, _ := filepath.Glob("nl[0-9][0-9][0-9][0-9]")
	for _, d := range dirs {
		if !seen[strings.ToUpper(d)] {
			t.Errorf("package %s is not in All()", d)
		}
	}
}
