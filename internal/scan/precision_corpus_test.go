package scan

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules"
)

// escalationRules report what one principal can escalate to or how far
// beyond its needs it reaches: together they must give at most one finding
// per principal (issue 15, item 5), NL3005 naming what the others would.
var escalationRules = []string{"NL3005", "NL3014", "NL3015", "NL3016"}

// TestCorpusPrecision scans the whole shared corpus and checks the
// invariants of issue 15 that hold for every app: no escalation rule fires
// twice for one principal, NL5001 fires at most once per API, and no rule
// runs on a provider it does not declare (AWS advice on OpenWhisk, Azure,
// Google … functions), and every finding has a severity its rule declares
// (the default or a declared adjustment), as `nightlight rules` lists it.
func TestCorpusPrecision(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus scan skipped in -short mode")
	}
	corpus := sharedCorpus(t)
	doc, err := Run(context.Background(), Options{Paths: []string{corpus}, Loaders: DefaultLoaders(), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) == 0 {
		t.Fatal("no findings on the corpus: the scan did not run the rules")
	}
	byID := map[string]*rule.Rule{}
	for _, r := range rules.All() {
		byID[r.ID] = r
	}
	provider := map[string]model.Provider{}
	for _, st := range doc.App.Stacks {
		provider[st.ID] = st.Platform()
	}
	esc := map[string]bool{}
	for _, id := range escalationRules {
		esc[id] = true
	}
	seen := map[string][]string{}
	for _, f := range doc.Findings {
		if r := byID[f.Rule]; r != nil && f.Stack != "" {
			if p, ok := provider[f.Stack]; ok && !r.AppliesTo(p) {
				t.Errorf("%s:%d: %s runs on a %s stack but declares platforms %s", f.File, f.Line, f.Rule, p, r.PlatformNames())
			}
		}
		// `nightlight rules` shows the severities a rule's findings can
		// take: a finding outside them is an undeclared adjustment.
		if r := byID[f.Rule]; r != nil && !r.CanHave(f.Severity) {
			t.Errorf("%s:%d: %s finding at %s, but the rule declares %s: %s", f.File, f.Line, f.Rule, f.Severity, r.SeverityRange(), f.Message)
		}
		var key string
		switch {
		case esc[f.Rule]:
			key = "escalation (NL3005, NL3014-NL3016) principal " + f.Stack + " " + f.Resource
		case f.Rule == "NL5001":
			key = "NL5001 API " + f.Stack + " " + f.Resource
		default:
			continue
		}
		seen[key] = append(seen[key], f.Message)
	}
	var dups []string
	for k, msgs := range seen {
		if len(msgs) > 1 {
			sort.Strings(msgs)
			dups = append(dups, k+" ×"+strings.Repeat("I", min(len(msgs), 9))+": "+strings.Join(msgs, " | "))
		}
	}
	sort.Strings(dups)
	for _, d := range dups {
		t.Errorf("reported more than once: %s", d)
	}
	t.Logf("%d findings on %d stacks", len(doc.Findings), len(doc.App.Stacks))
}
