// Package nl3007 is rule NL3007: Function can read every secret.
//
// It reports execution roles that can read secrets
// (secretsmanager:GetSecretValue, ssm:GetParameter*) on a wildcard resource.
// Reading one named secret is normal and not reported.
package nl3007

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3007.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3007",
		Title:      "Function can read every secret",
		Category:   rule.IAM,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust:     kit.Exposed(rule.High),
		Doc: rule.Doc{
			Description: "Reading the secrets the function needs is expected; reading every secret or parameter in the account (Resource \"*\" or a wide pattern) means one compromised function leaks all of them: database passwords, API keys of other teams, signing keys.",
			Bad: `- Effect: Allow
  Action: secretsmanager:GetSecretValue
  Resource: "*"`,
			Good: `- Effect: Allow
  Action: secretsmanager:GetSecretValue
  Resource: !Ref DbSecret`,
			Remediation: "Limit secret reads to the ARNs of the secrets and parameters the function uses.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.Flags(ctx, p, iam.FlagSecretsRead) {
		if f.Managed || !keep(ctx, p, f) {
			continue
		}
		kit.ReportGrant(p, f, fmt.Sprintf("%s %s: every secret that pattern covers leaks if the function is compromised", kit.Who(f.Functions), f.Message))
	}
	return nil
}

func keep(ctx context.Context, p *rule.Pass, f kit.RoleFlag) bool {
	return strings.Contains(f.Resource, "*")
}
