// Package nl4105 is rule NL4105: Random-looking string that may be a credential.
//
// It reports long, high-entropy strings in environment variables or resource
// properties that no known format explains. Confidence is low: some are
// hashes or IDs.
package nl4105

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
	"github.com/nightlight-sec/nightlight/internal/secret"
)

// Rule returns NL4105.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4105",
		Title:      "Random-looking string that may be a credential",
		Category:   rule.Secrets,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceLow,
		Platforms:  []model.Provider{model.AnyProvider},
		Doc: rule.Doc{
			Description: "A long random-looking string (base64 or hex, high Shannon entropy) in an environment variable is often a credential in a format nightlight does not know. Review it; suppress the finding with a reason if it is an identifier or a hash.",
			Bad: `Environment:
  Variables:
    PARTNER: 9fQ2xL7vRk3TzW8mNp4sBc6dYh1Jg5eA`,
			Good: `Environment:
  Variables:
    DB_PASSWORD_SECRET: !Ref DbPassword   # read with secretsmanager:GetSecretValue at run time`,
			Remediation: "If it is a credential, move it to Secrets Manager and rotate it; if it is not, suppress the finding with a reason.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.StackSecrets(p) {
		if !((f.Site.Kind == kit.SiteEnv || f.Site.Kind == kit.SiteProperty) && f.Match.Kind == secret.HighEntropy && !kit.AWSSecretKey(f)) {
			continue
		}
		if _, _, ok := kit.AzureConnectionKey(f.Value.String()); ok {
			continue // NL4120 reports account keys in Azure connection strings
		}
		p.Report(rule.Finding{Resource: f.Resource, File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col,
			Message: fmt.Sprintf("%s holds %s (%s) in clear text: anyone who can read the template, the stack or the function configuration can use it", f.Where, kit.DescribeFound(f), f.Masked)})
	}
	return nil
}
