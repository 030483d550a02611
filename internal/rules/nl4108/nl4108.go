// Package nl4108 is rule NL4108: Secret stored as a plain String parameter.
//
// It reports SSM parameters of type String (not SecureString) whose name or
// value says they hold a secret.
package nl4108

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL4108.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4108",
		Title:      "Secret stored as a plain String parameter",
		Category:   rule.Secrets,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "SSM String parameters are not encrypted and are readable by anyone allowed ssm:GetParameter, and their value is written in the template. Secrets belong in SecureString parameters (created outside the template) or Secrets Manager.",
			Bad: `DbPassword:
  Type: AWS::SSM::Parameter
  Properties:
    Name: /app/db_password
    Type: String
    Value: hunter2hunter2`,
			Good: `DbPassword:
  Type: AWS::SecretsManager::Secret
  Properties:
    GenerateSecretString: {PasswordLength: 32}`,
			Remediation: "Store the secret in Secrets Manager (generated, with rotation) or as a SecureString parameter created outside the template, and rotate the exposed value.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.StackSecrets(p) {
		if f.Site.Kind != kit.SiteSSM {
			continue
		}
		st := p.Stack.Store(f.Resource)
		if st == nil || kit.Truthy(st.Attr(model.AttrSecureString)) {
			continue
		}
		p.Report(rule.Finding{Resource: f.Resource, File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col,
			Message: fmt.Sprintf("SSM parameter %s is a plain String holding %s (%s): it is neither encrypted nor hidden", f.Resource, kit.Describe(f.Match.Kind), f.Masked)})
	}
	return nil
}
