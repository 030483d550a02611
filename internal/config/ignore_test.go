package config

import (
	"strings"
	"testing"
	"time"
)

func TestIgnore(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		wantErr string
		check   func(t *testing.T, c *Config)
	}{
		{name: "full", in: "ignore:\n  - rule: NL1001\n    resource: HealthApi\n    path: legacy/*.yaml\n    reason: public on purpose\n    expires: 2027-01-31\n",
			check: func(t *testing.T, c *Config) {
				ig := c.Ignore[0]
				if ig.Rule != "NL1001" || ig.Resource != "HealthApi" || ig.Path != "legacy/*.yaml" || !ig.Expires.Equal(time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)) || ig.Pos.Line != 2 {
					t.Errorf("got %+v", ig)
				}
			}},
		{name: "no reason", in: "ignore:\n  - rule: NL1001\n", wantErr: "c.yaml:2:5: ignore needs a reason"},
		{name: "bad date", in: "ignore:\n  - rule: NL1001\n    reason: r\n    expires: soon\n", wantErr: `c.yaml:4:14: expires "soon"`},
		{name: "nothing to match", in: "ignore:\n  - reason: r\n", wantErr: "needs a rule, a resource or a path"},
		{name: "unknown key", in: "ignore:\n  - rule: NL1001\n    reason: r\n    until: 2027-01-01\n", wantErr: "until"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("c.yaml", []byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}
