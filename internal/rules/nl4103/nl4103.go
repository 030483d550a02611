// Package nl4103 is rule NL4103: API token in the template.
//
// It reports provider tokens of well-known formats (GitHub, Slack, Stripe,
// Google, SendGrid, npm, GitLab), signed JWTs and URLs with an embedded
// password in environment variables or resource properties.
package nl4103

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
	"github.com/nightlight-sec/nightlight/internal/secret"
)

// Rule returns NL4103.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4103",
		Title:      "API token in the template",
		Category:   rule.Secrets,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AnyProvider},
		Doc: rule.Doc{
			Description: "Tokens for third-party services written into a template leak with it. Known token formats are recognised exactly, so this rule has few false positives.",
			Bad: `Environment:
  Variables:
    STRIPE_KEY: sk_live_51H8…`,
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
		if !((f.Site.Kind == kit.SiteEnv || f.Site.Kind == kit.SiteProperty) && (f.Match.Kind == secret.Token || f.Match.Kind == secret.JWT || f.Match.Kind == secret.URLPassword)) {
			continue
		}
		p.Report(rule.Finding{Resource: f.Resource, File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col,
			Message: fmt.Sprintf("%s holds %s (%s) in clear text: anyone who can read the template, the stack or the function configuration can use it", f.Where, kit.DescribeFound(f), f.Masked)})
	}
	return nil
}
