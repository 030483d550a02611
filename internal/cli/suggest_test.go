package cli

import "testing"

func TestSuggest(t *testing.T) {
	words := []string{"iam", "data-flow", "NL1001", "NL1002", "Stage", "prod", "dev"}
	cases := []struct{ word, want string }{
		{"iamm", "iam"},
		{"dataflow", "data-flow"},
		{"nl1oo2", "NL1002"},
		{"Stag", "Stage"},
		{"prdo", "prod"},
		{"NL9999", ""},
		{"x", ""},
		{"kubernetes", ""},
	}
	for _, tc := range cases {
		t.Run(tc.word, func(t *testing.T) {
			if got := suggest(tc.word, words); got != tc.want {
				t.Errorf("suggest(%q) = %q, want %q", tc.word, got, tc.want)
			}
		})
	}
}
