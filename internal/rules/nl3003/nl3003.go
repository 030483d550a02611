// Package nl3003 is rule NL3003: Data actions allowed on every resource.
//
// It reports data actions (reads and writes) granted on Resource "*"
// although they can be limited to resource ARNs.
package nl3003

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3003.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3003",
		Title:      "Data actions allowed on every resource",
		Category:   rule.IAM,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust:     kit.Reached(rule.Medium),
		Doc: rule.Doc{
			Description: "Actions such as s3:GetObject or dynamodb:PutItem can be limited to specific ARNs. Granting them on Resource \"*\" lets the function read or write every bucket, table or queue in the account, not only its own. The log-writing actions every function needs (logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents), which AWS's own AWSLambdaBasicExecutionRole grants on \"*\", are not reported.",
			Bad: `- Effect: Allow
  Action: [s3:GetObject, s3:PutObject]
  Resource: "*"`,
			Good: `- Effect: Allow
  Action: [s3:GetObject, s3:PutObject]
  Resource: !Sub "${Uploads.Arn}/*"`,
			Remediation: "Scope the statement to the ARNs of the resources the function uses.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.Flags(ctx, p, iam.FlagWildcardResource) {
		if f.Managed || !keep(ctx, p, f) {
			continue
		}
		if f.Actions = withoutBasicLogging(f.Actions); len(f.Actions) == 0 {
			continue
		}
		kit.ReportFlag(p, f, fmt.Sprintf("%s has Resource %q on data actions that can be limited to specific resources (%s): it can touch every such resource in the account, not only its own", kit.Who(f.Functions), f.Resource, kit.Actions(f.Actions, 5)))
	}
	return nil
}

func keep(ctx context.Context, p *rule.Pass, f kit.RoleFlag) bool { return !kit.Broader(ctx, p, f) }

// basicLogging are the actions AWS's own AWSLambdaBasicExecutionRole
// grants on Resource "*": a function writing its logs. Written inline they
// grant nothing more than the managed policy every function has, so they
// are not reported (reading logs, logs:GetLogEvents, still is).
var basicLogging = map[string]bool{"logs:createloggroup": true, "logs:createlogstream": true, "logs:putlogevents": true}

// withoutBasicLogging returns acts without the basic logging actions.
func withoutBasicLogging(acts []string) []string {
	var out []string
	for _, a := range acts {
		if !basicLogging[strings.ToLower(a)] {
			out = append(out, a)
		}
	}
	return out
}
