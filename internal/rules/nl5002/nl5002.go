// Package nl5002 is rule NL5002: Public API without throttling.
//
// It reports APIs with unauthenticated routes and no stage or route
// throttle, which leaves only the account-wide default of 10,000 requests
// per second.
package nl5002

import (
	"context"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/cost"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL5002.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL5002",
		Title:      "Public API without throttling",
		Category:   rule.DenialOfWallet,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Without a stage or route throttle, an API Gateway API is limited only by the account-level default (10,000 requests per second, shared by every API in the region). A public route can then be driven to that rate: the requests are billed, the functions scale to the account's concurrency, and other APIs in the account get throttled.",
			Bad: `Api:
  Type: AWS::Serverless::HttpApi`,
			Good: `Api:
  Type: AWS::Serverless::HttpApi
  Properties:
    DefaultRouteSettings:
      ThrottlingRateLimit: 100
      ThrottlingBurstLimit: 200`,
			Remediation: "Set a stage-wide throttle (DefaultRouteSettings / MethodSettings ThrottlingRateLimit and ThrottlingBurstLimit) sized for real traffic, and per-route limits on expensive routes.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, api := range p.Stack.APIs {
		switch api.Kind {
		case model.APIRest, model.APIHTTP, model.APIWebSocket:
		default:
			continue // stage throttles are API Gateway's; AppSync, ALBs and provider triggers have none
		}
		if api.Throttle != nil && api.Throttle.Rate.IsSet() {
			continue
		}
		metered := usagePlanLimited(api)
		var open []string
		for _, ep := range p.Stack.EntryPoints {
			if ep.API != api.ID || !kit.Public(p.Stack, ep) || (ep.Throttle != nil && ep.Throttle.Rate.IsSet()) {
				continue
			}
			if ep.Auth.APIKeyRequired && metered {
				continue // every caller holds a key bound by a usage plan's throttle or quota
			}
			open = append(open, kit.EntryName(ep))
		}
		if len(open) == 0 {
			continue
		}
		sort.Strings(open)
		p.Reportf(api.Pos, api.ID, "API %s has public routes (%s) and no throttle: only the account-wide default of %d requests/s, shared by every API in the region, limits them", api.ID, strings.Join(open, ", "), cost.AccountRPS)
	}
	return nil
}

// usagePlanLimited reports whether a usage plan attached to the API sets a
// throttle rate or a quota.
func usagePlanLimited(api *model.API) bool {
	for _, up := range api.UsagePlans {
		if up.Throttle != nil && (up.Throttle.Rate.IsSet() || up.Throttle.Quota.IsSet()) {
			return true
		}
	}
	return false
}
