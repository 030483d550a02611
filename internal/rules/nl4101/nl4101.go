// Package nl4101 is rule NL4101: AWS access key in the template.
//
// It reports AWS access key IDs and secret access keys written into
// environment variables or resource properties.
package nl4101

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
	"github.com/nightlight-sec/nightlight/internal/secret"
)

// Rule returns NL4101.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4101",
		Title:      "AWS access key in the template",
		Category:   rule.Secrets,
		Severity:   rule.Critical,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AnyProvider},
		Doc: rule.Doc{
			Description: "Long-lived AWS access keys in a template end up in source control, in the CloudFormation stack and in the function configuration, where anyone with read access can copy them. A Lambda function never needs them: its execution role provides temporary credentials.",
			Bad: `Environment:
  Variables:
    AWS_ACCESS_KEY: AKIAIOSFODNN7EXAMPLE`,
			Good: `Environment:
  Variables:
    DB_PASSWORD_SECRET: !Ref DbPassword   # read with secretsmanager:GetSecretValue at run time`,
			Remediation: "Delete the key from the template and deactivate it in IAM now (it is in the repository history); give the function the permissions through its execution role.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.StackSecrets(p) {
		if !((f.Site.Kind == kit.SiteEnv || f.Site.Kind == kit.SiteProperty) && (f.Match.Kind == secret.AWSAccessKeyID || kit.AWSSecretKey(f))) {
			continue
		}
		p.Report(rule.Finding{Resource: f.Resource, File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col,
			Message: fmt.Sprintf("%s holds %s (%s) in clear text: anyone who can read the template, the stack or the function configuration can use it", f.Where, kit.DescribeFound(f), f.Masked)})
	}
	return nil
}
