package scan

import (
	"bytes"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule"
)

// TestBaselineKeep checks the baseline written from kept entries against
// rule.WriteBaseline: none, one, and findings sharing fingerprints (the
// first in report order wins) given part by part, a later part's before
// an earlier one's (as the part holding NL6006 gives them at the end).
func TestBaselineKeep(t *testing.T) {
	f := func(file, res, msg string) rule.Finding {
		return rule.Finding{Rule: "NL1001", File: file, Resource: res, Message: msg}
	}
	cases := map[string][][]rule.Finding{
		"none": nil,
		"one":  {{f("a.yaml", "Fn", "open <to> anyone & more")}},
		"shared fingerprints": {
			{f("a.yaml", "Fn", "cost $12 per hour"), f("a.yaml", "Fn", "cost $13 per hour"), f("a.yaml", "G", "x")},
			{f("b.yaml", "Fn", "y")},
			{f("c.yaml", "Fn", "z 1"), f("c.yaml", "Fn", "z 2")},
		},
	}
	for name, parts := range cases {
		t.Run(name, func(t *testing.T) {
			var all []rule.Finding
			for _, p := range parts {
				all = append(all, p...)
			}
			var want bytes.Buffer
			if err := rule.WriteBaseline(&want, rule.NewBaseline(all)); err != nil {
				t.Fatal(err)
			}
			k, err := newBaselineKeep()
			if err != nil {
				t.Fatal(err)
			}
			defer k.close()
			// The first part last.
			for i := len(parts) - 1; i >= 0; i-- {
				if err := k.add(i, parts[i]); err != nil {
					t.Fatal(err)
				}
			}
			var got bytes.Buffer
			if err := k.write(&got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("got\n%s\nwant\n%s", got.Bytes(), want.Bytes())
			}
		})
	}
}
