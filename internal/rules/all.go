package rules

import (
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1001"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1002"
)

// All returns every rule, ordered by ID. The list is explicit: adding a
// rule means adding its package here (there is no registry).
func All() []*rule.Rule {
	return []*rule.Rule{
		nl1001.Rule(),
		nl1002.Rule(),
	}
}
