// Package nl4107 is rule NL4107: Secret in inline function code.
//
// It reports credentials in a function's inline code (ZipFile, InlineCode).
package nl4107

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL4107.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4107",
		Title:      "Secret in inline function code",
		Category:   rule.Secrets,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AnyProvider},
		Doc: rule.Doc{
			Description: "Inline code is stored in the template and shown by the Lambda console and lambda:GetFunction. A key or token in it leaks with the template.",
			Bad: `Code:
  ZipFile: |
    API_KEY = "sk_live_…"`,
			Good: `Code:
  ZipFile: |
    API_KEY = ssm.get_parameter(Name=os.environ["API_KEY_PARAM"], WithDecryption=True)`,
			Remediation: "Remove the value from the template, rotate it (it is in the stack history), store it in Secrets Manager or SSM SecureString and read it at run time or through a dynamic reference.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.StackSecrets(p) {
		if !(f.Site.Kind == kit.SiteCode) {
			continue
		}
		p.Report(rule.Finding{Resource: f.Resource, File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col,
			Message: fmt.Sprintf("%s holds %s (%s) in clear text: anyone who can read the template, the stack or the function configuration can use it", f.Where, kit.DescribeFound(f), f.Masked)})
	}
	return nil
}
