package cli

import (
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/suggest"
)

// didYouMean formats a suggestion for an error message ("" when none).
func didYouMean(word string, candidates []string) string {
	return suggest.DidYouMean(word, candidates)
}

// checkRulePatterns returns a usage error for the first --rule pattern that
// selects no rule: an unknown ID, a prefix no ID has, or an unknown
// category. A misspelt filter would otherwise silently report nothing.
func checkRulePatterns(pats []string, rs []*rule.Rule) error {
	words := categoryList()
	for _, r := range rs {
		words = append(words, r.ID)
	}
	sort.Strings(words)
	for _, p := range pats {
		p = strings.TrimSpace(p)
		if p == "" {
			return usageError("--rule: empty pattern")
		}
		if selectsRule(p, rs) {
			continue
		}
		return usageError("--rule %q selects no rule%s (IDs like NL1001, prefixes like NL3*, or categories: %s)", p, didYouMean(p, words), categoryNames())
	}
	return nil
}

// selectsRule reports whether pattern p (an ID, an ID prefix ending in "*"
// or a category) selects at least one of rs.
func selectsRule(p string, rs []*rule.Rule) bool {
	for _, r := range rs {
		switch {
		case strings.EqualFold(p, r.ID), strings.EqualFold(p, string(r.Category)):
			return true
		case strings.HasSuffix(p, "*") && strings.HasPrefix(strings.ToUpper(r.ID), strings.ToUpper(strings.TrimSuffix(p, "*"))):
			return true
		}
	}
	return false
}
