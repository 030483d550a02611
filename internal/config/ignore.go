package config

import (
	"time"

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
