// Package nl4102 is rule NL4102: Private key in the template.
//
// It reports PEM private keys written into environment variables or resource
// properties.
package nl4102

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
	"github.com/nightlight-sec/nightlight/internal/secret"
)

// Rule returns NL4102.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4102",
		Title:      "Private key in the template",
		Category:   rule.Secrets,
		Severity:   rule.Critical,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AnyProvider},
		Doc: rule.Doc{
			Description: "A private key (TLS, SSH, JWT signing) written into a template is readable by everyone with access to the repository, the stack or the function configuration, and stays in their history.",
			Bad: `Environment:
  Variables:
    SIGNING_KEY: "-----BEGIN PRIVATE KEY-----\nMIIE..."`,
			Good: `Environment:
  Variables:
    DB_PASSWORD_SECRET: !Ref DbPassword   # read with secretsmanager:GetSecretValue at run time`,
			Remediation: "Remove the value from the template, rotate it (it is in the stack history), store it in Secrets Manager or SSM SecureString and read it at run time or through a dynamic reference.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.StackSecrets(p) {
		if !((f.Site.Kind == kit.SiteEnv || f.Site.Kind == kit.SiteProperty) && f.Match.Kind == secret.PrivateKey) {
			continue
		}
		p.Report(rule.Finding{Resource: f.Resource, File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col,
			Message: fmt.Sprintf("%s holds %s (%s) in clear text: anyone who can read the template, the stack or the function configuration can use it", f.Where, kit.DescribeFound(f), f.Masked)})
	}
	return nil
}
