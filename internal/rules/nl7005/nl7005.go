// Package nl7005 is rule NL7005: Outbound request to a URL from event data.
//
// It reports flows that internal/code found in the handler source.
package nl7005

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/codekit"
)

// Rule returns NL7005.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL7005",
		Title:      "Outbound request to a URL from event data",
		Platforms:  []model.Provider{model.AnyProvider},
		Category:   rule.Code,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Doc: rule.Doc{
			Description: "The handler fetches a URL whose scheme or host comes from event data (server-side request forgery): an outsider can make the function call internal endpoints, other AWS services with its credentials, or any host on the internet.",
			Bad: `import requests
def handler(event, context):
    return requests.get(event["queryStringParameters"]["url"]).text`,
			Good: `import requests
def handler(event, context):
    return requests.get("https://api.example.com/items/" + event["pathParameters"]["id"]).text`,
			Remediation: "Fix the scheme and host in code and put only validated values in the path or query, or check the host against an allow-list before fetching.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	codekit.ReportFlows(p, model.FlowSSRF, nil, func(fn *model.Function, f *model.Flow) string {
		return fmt.Sprintf("function %s fetches a URL controlled by %s: %s", fn.ID, codekit.Via(f), f.Sink)
	})
	return nil
}
