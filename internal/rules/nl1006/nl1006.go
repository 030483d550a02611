// Package nl1006 is rule NL1006: CORS allows any origin with credentials.
//
// It reports APIs whose CORS configuration allows every origin ("*") and
// credentials at once.
package nl1006

import (
	"context"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1006.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1006",
		Title:      "CORS allows any origin with credentials",
		Category:   rule.AttackSurface,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AnyProvider},
		Doc: rule.Doc{
			Description: "Allowing credentials (cookies, Authorization headers) together with a wildcard origin lets any web site make authenticated requests on behalf of a signed-in user and read the answers. Browsers refuse the literal combination, so implementations that echo the Origin header make it work — and make every site trusted.",
			Bad: `CorsConfiguration:
  AllowOrigins: ["*"]
  AllowCredentials: true`,
			Good: `CorsConfiguration:
  AllowOrigins: ["https://app.example.com"]
  AllowCredentials: true`,
			Remediation: "List the origins that may call the API instead of \"*\", or turn AllowCredentials off.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, api := range p.Stack.APIs {
		if c := api.CORS; bad(c) {
			p.Reportf(c.AllowOrigins.PosOr(c.Pos), api.ID, "API %s allows CORS requests with credentials from any origin (\"*\"): any web site can make authenticated calls as the signed-in user", api.ID)
		}
	}
	return nil
}

func bad(c *model.CORS) bool {
	if c == nil || !kit.Truthy(c.AllowCredentials) {
		return false
	}
	for _, o := range c.AllowOrigins.AsStrings() {
		if strings.Trim(o, "'\" ") == "*" {
			return true
		}
	}
	return false
}
