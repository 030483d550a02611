package suggest

import "testing"

func TestClosest(t *testing.T) {
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
			if got := Closest(tc.word, words); got != tc.want {
				t.Errorf("Closest(%q) = %q, want %q", tc.word, got, tc.want)
			}
		})
	}
}

func TestDidYouMean(t *testing.T) {
	if got, want := DidYouMean("pli", []string{"pii", "internet"}), "; did you mean pii?"; got != want {
		t.Errorf("DidYouMean = %q, want %q", got, want)
	}
	if got := DidYouMean("pii", nil); got != "" {
		t.Errorf("DidYouMean without candidates = %q, want none", got)
	}
}
