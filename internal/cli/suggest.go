package cli

import (
	"sort"
	"strings"

	"github.com/agext/levenshtein"

	"github.com/nightlight-sec/nightlight/internal/rule"
)

// suggest returns the candidate closest to word (case-insensitive) when it
// is close enough to be a likely misspelling, or "".
func suggest(word string, candidates []string) string {
	best, bestDist := "", 0
	w := strings.ToLower(word)
	for _, c := range candidates {
		d := levenshtein.Distance(w, strings.ToLower(c), nil)
		if best == "" || d < bestDist || d == bestDist && c < best {
			best, bestDist = c, d
		}
	}
	// Allow about one edit in three characters: one for short words, two
	// from four characters on (a transposition is two edits).
	limit := max(1, len(word)/3)
	if len(word) >= 4 {
		limit = max(2, limit)
	}
	if best == "" || bestDist > limit {
		return ""
	}
	return best
}

// didYouMean formats a suggestion for an error message ("" when none).
func didYouMean(word string, candidates []string) string {
	if s := suggest(word, candidates); s != "" {
		return "; did you mean " + s + "?"
	}
	return ""
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
