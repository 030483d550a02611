package discover

import "testing"

func TestExcluded(t *testing.T) {
	cases := []struct {
		rel      string
		patterns []string
		want     bool
	}{
		{"legacy/template.yaml", []string{"legacy"}, true},
		{"svc/legacy/template.yaml", []string{"legacy"}, true},
		{"svc/template.yaml", []string{"legacy"}, false},
		{"legacy/a/b/main.tf", []string{"legacy/*"}, true},
		{"svc/legacy/main.tf", []string{"legacy/*"}, false},
		{"svc/test.template.yaml", []string{"*.template.yaml"}, true},
		{"svc/template.yaml", []string{"*.template.yaml"}, false},
		{"examples/x/serverless.yml", []string{"./examples/"}, true},
		{"a/b", nil, false},
	}
	for _, tc := range cases {
		if got := excluded(tc.rel, tc.patterns); got != tc.want {
			t.Errorf("excluded(%q, %q) = %v, want %v", tc.rel, tc.patterns, got, tc.want)
		}
	}
}
