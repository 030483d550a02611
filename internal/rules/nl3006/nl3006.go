// Package nl3006 is rule NL3006: Function can download other functions' code.
//
// It reports execution roles that can download function code or layers
// (lambda:GetFunction, lambda:GetLayerVersion) on every function.
package nl3006

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3006.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3006",
		Title:      "Function can download other functions' code",
		Category:   rule.IAM,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust:     kit.Exposed(rule.Medium),
		Doc: rule.Doc{
			Description: "lambda:GetFunction returns a pre-signed URL to the function's deployment package, and with it any secrets or internal logic baked into the code. A function that can do this on \"*\" can read every function in the account.",
			Bad: `- Effect: Allow
  Action: lambda:GetFunction
  Resource: "*"`,
			Good: `- Effect: Allow
  Action: lambda:GetFunctionConfiguration
  Resource: !GetAtt Worker.Arn`,
			Remediation: "Drop lambda:GetFunction/GetLayerVersion, or limit them to the functions that need to be inspected.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.Flags(ctx, p, iam.FlagReadFunctionCode) {
		if f.Managed || !keep(ctx, p, f) {
			continue
		}
		kit.ReportGrant(p, f, fmt.Sprintf("%s %s: it can read the code (and any secrets in it) of those functions", kit.Who(f.Functions), f.Message))
	}
	return nil
}

func keep(ctx context.Context, p *rule.Pass, f kit.RoleFlag) bool {
	return strings.Contains(f.Resource, "*")
}
