// Package suggest finds the likely intended word for a misspelt one, so
// that errors about unknown names can say "did you mean …?".
package suggest

import (
	"strings"

	"github.com/agext/levenshtein"
)

// Closest returns the candidate closest to word (case-insensitive) when it
// is close enough to be a likely misspelling, or "". Ties go to the
// candidate that sorts first.
func Closest(word string, candidates []string) string {
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

// DidYouMean formats the suggestion for an error message:
// "; did you mean X?", or "" when no candidate is close.
func DidYouMean(word string, candidates []string) string {
	if s := Closest(word, candidates); s != "" {
		return "; did you mean " + s + "?"
	}
	return ""
}
