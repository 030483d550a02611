// Package nl4104 is rule NL4104: Hard-coded password in the template.
//
// It reports literal values stored under secret-like names (PASSWORD,
// API_KEY, CLIENT_SECRET, …) in environment variables or resource
// properties. References, ARNs, parameter paths and placeholders are not
// reported.
package nl4104

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
	"github.com/nightlight-sec/nightlight/internal/secret"
)

// Rule returns NL4104.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4104",
		Title:      "Hard-coded password in the template",
		Category:   rule.Secrets,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AnyProvider},
		Doc: rule.Doc{
			Description: "A literal value under a name such as DB_PASSWORD or API_KEY is almost always a real credential. It is visible to anyone who can read the template or call lambda:GetFunctionConfiguration. Names that point to a secret (DB_PASSWORD_ARN, SECRET_NAME) and values that are references are not reported.",
			Bad: `Environment:
  Variables:
    DB_PASSWORD: hunter2hunter2`,
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
		if !((f.Site.Kind == kit.SiteEnv || f.Site.Kind == kit.SiteProperty) && f.Match.Kind == secret.Password && !kit.AWSSecretKey(f)) {
			continue
		}
		p.Report(rule.Finding{Resource: f.Resource, File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col,
			Message: fmt.Sprintf("%s holds %s (%s) in clear text: anyone who can read the template, the stack or the function configuration can use it", f.Where, kit.DescribeFound(f), f.Masked)})
	}
	return nil
}
