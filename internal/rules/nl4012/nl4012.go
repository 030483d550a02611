// Package nl4012 is rule NL4012: API stage without access logging.
//
// It reports API Gateway APIs (REST, HTTP, WebSocket) whose stage writes no
// access logs.
package nl4012

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4012.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4012",
		Title:      "API stage without access logging",
		Category:   rule.Misconfig,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Access logs record who called which route, from where, with which result. Without them, abuse of a public API, credential stuffing or a denial-of-wallet attack cannot be investigated after the fact.",
			Bad: `Api:
  Type: AWS::Serverless::HttpApi`,
			Good: `Api:
  Type: AWS::Serverless::HttpApi
  Properties:
    AccessLogSettings:
      DestinationArn: !GetAtt ApiLogs.Arn
      Format: $context.requestId $context.identity.sourceIp $context.routeKey $context.status`,
			Remediation: "Configure AccessLogSettings on the stage with a CloudWatch Logs destination and a format that includes the caller IP, route and status.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, api := range p.Stack.APIs {
		if api.AccessLog.IsSet() {
			continue
		}
		routes := 0
		for _, ep := range p.Stack.EntryPoints {
			if ep.API == api.ID {
				routes++
			}
		}
		if routes == 0 {
			continue
		}
		what := fmt.Sprintf("its %d routes", routes)
		if routes == 1 {
			what = "its route"
		}
		if api.Kind == model.APIGraphQL {
			p.Reportf(api.Pos, api.ID, "AppSync API %s writes no request logs (no LogConfig with a CloudWatchLogsRoleArn): calls to %s cannot be investigated later", api.ID, strings.Replace(what, "route", "resolver", 1))
			continue
		}
		p.Reportf(api.Pos, api.ID, "API %s writes no access logs: calls to %s cannot be investigated later", api.ID, what)
	}
	return nil
}
