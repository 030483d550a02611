package config

import (
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Ignore suppresses findings from the configuration file:
//
//	ignore:
//	  - rule: NL1001                 # a rule ID (empty: every rule)
//	    resource: HealthApi          # a resource ID (empty: any)
//	    path: legacy/*.yaml          # a file glob or directory (empty: any)
//	    reason: public health check  # required
//	    expires: 2027-01-31          # optional: the ignore stops applying that day
type Ignore struct {
	Rule     string `yaml:"rule"`
	Resource string `yaml:"resource"`
	Path     string `yaml:"path"`
	Reason   string `yaml:"reason"`
	// Expires is the first day the ignore no longer applies (zero: never).
	Expires time.Time `yaml:"-"`
	Pos     model.Pos `yaml:"-"`
}

// ignores parses the ignore section.
func (p *parser) ignores(n *yaml.Node) []Ignore {
	var out []Ignore
	p.list(n, "ignore", func(it *yaml.Node) {
		ig := Ignore{Pos: p.pos(it)}
		p.fields(it, "ignore", []string{"rule", "resource", "path", "reason", "expires"}, func(key string, v *yaml.Node) {
			switch key {
			case "rule":
				ig.Rule = p.str(v, "rule")
			case "resource":
				ig.Resource = p.str(v, "resource")
			case "path":
				ig.Path = p.str(v, "path")
			case "reason":
				ig.Reason = p.str(v, "reason")
			case "expires":
				s := p.str(v, "expires")
				t, err := time.Parse("2006-01-02", s)
				if err != nil {
					p.errorf(v, "expires %q: want a date like 2027-01-31", s)
				}
				ig.Expires = t
			}
		})
		if ig.Reason == "" {
			p.errorf(it, "ignore needs a reason")
		}
		if ig.Rule == "" && ig.Resource == "" && ig.Path == "" {
			p.errorf(it, "ignore needs a rule, a resource or a path")
		}
		out = append(out, ig)
	})
	return out
}
