// Package nl4109 is rule NL4109: Stack output exposes a secret.
//
// It reports stack outputs (CloudFormation Outputs, Terraform output
// blocks) whose value is a secret: an access key's secret, an app client
// secret, a generated password or private key, a NoEcho parameter or
// sensitive variable, a resolved Secrets Manager or SecureString value.
package nl4109

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4109.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4109",
		Title:      "Stack output exposes a secret",
		Category:   rule.Secrets,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Stack outputs are plain text. CloudFormation shows them to anyone allowed cloudformation:DescribeStacks (and exports to every stack of the account and region); Terraform writes them to the state file and prints them after apply unless marked sensitive. An output that carries an access key's secret, an app client secret, a generated password or a NoEcho parameter hands the secret to everyone who can read the stack.",
			Bad: `Outputs:
  SecretKey:
    Value: !GetAtt DeployerKey.SecretAccessKey`,
			Good: `DeployerKeySecret:
  Type: AWS::SecretsManager::Secret
  Properties:
    SecretString: !GetAtt DeployerKey.SecretAccessKey
Outputs:
  SecretKeyArn:
    Value: !Ref DeployerKeySecret`,
			Remediation: "Output a reference instead (the Secrets Manager secret's ARN, the parameter name) and let consumers read the value with their own permissions; in Terraform, mark unavoidable secret outputs sensitive = true.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, o := range p.Stack.Outputs {
		what := model.SecretIn(o.Value)
		if what == "" {
			continue
		}
		where := "output " + o.ID
		if o.Export.IsSet() {
			where = "exported output " + o.ID
		}
		p.Report(rule.Finding{
			Resource: o.ID, File: o.Pos.File, Line: o.Pos.Line,
			Message: fmt.Sprintf("%s exposes %s in plain text to everyone who can read the stack", where, what),
		})
	}
	return nil
}
