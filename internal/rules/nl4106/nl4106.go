// Package nl4106 is rule NL4106: Secret in a parameter default.
//
// It reports credentials written as the Default of a template parameter (or
// variable), where they are stored with the template.
package nl4106

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL4106.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4106",
		Title:      "Secret in a parameter default",
		Category:   rule.Secrets,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AnyProvider},
		Doc: rule.Doc{
			Description: "A parameter default is part of the template: a password or key given as a default is committed with it, and NoEcho does not hide the default in the template file. Pass secrets at deploy time or use dynamic references.",
			Bad: `Parameters:
  DbPassword:
    Type: String
    NoEcho: true
    Default: hunter2hunter2`,
			Good: `Parameters:
  DbPassword:
    Type: String
    NoEcho: true      # no default: pass it at deploy time`,
			Remediation: "Remove the default and pass the value at deploy time, or use {{resolve:secretsmanager:…}} in the resource that needs it.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.StackSecrets(p) {
		if !(f.Site.Kind == kit.SiteParam) {
			continue
		}
		p.Report(rule.Finding{Resource: f.Resource, File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col,
			Message: fmt.Sprintf("%s holds %s (%s) in clear text: anyone who can read the template, the stack or the function configuration can use it", f.Where, kit.DescribeFound(f), f.Masked)})
	}
	return nil
}
