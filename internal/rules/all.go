package rules

import (
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1001"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1002"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1003"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1004"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1005"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1006"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1007"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1008"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1009"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1010"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1011"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3001"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3002"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3003"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3004"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3005"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3006"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3007"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3008"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4001"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4002"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4003"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4004"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4005"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4006"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4007"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4008"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4009"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4101"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4102"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4103"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4104"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4105"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4106"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4107"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4108"
)

// All returns every rule, ordered by ID. The list is explicit: adding a
// rule means adding its package here (there is no registry).
func All() []*rule.Rule {
	return []*rule.Rule{
		nl1001.Rule(),
		nl1002.Rule(),
		nl1003.Rule(),
		nl1004.Rule(),
		nl1005.Rule(),
		nl1006.Rule(),
		nl1007.Rule(),
		nl1008.Rule(),
		nl1009.Rule(),
		nl1010.Rule(),
		nl1011.Rule(),
		nl3001.Rule(),
		nl3002.Rule(),
		nl3003.Rule(),
		nl3004.Rule(),
		nl3005.Rule(),
		nl3006.Rule(),
		nl3007.Rule(),
		nl3008.Rule(),
		nl4001.Rule(),
		nl4002.Rule(),
		nl4003.Rule(),
		nl4004.Rule(),
		nl4005.Rule(),
		nl4006.Rule(),
		nl4007.Rule(),
		nl4008.Rule(),
		nl4009.Rule(),
		nl4101.Rule(),
		nl4102.Rule(),
		nl4103.Rule(),
		nl4104.Rule(),
		nl4105.Rule(),
		nl4106.Rule(),
		nl4107.Rule(),
		nl4108.Rule(),
	}
}
