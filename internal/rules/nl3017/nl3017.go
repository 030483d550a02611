// Package nl3017 is rule NL3017: Long-lived IAM user credentials in the template.
//
// It reports the long-lived credentials declared in a serverless
// application’s template: access keys, and IAM users with a console
// password. A user without either holds no credential.
package nl3017

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL3017.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3017",
		Title:      "Long-lived IAM user credentials in the template",
		Category:   rule.IAM,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Serverless functions get temporary credentials from their execution roles. An IAM user or access key declared in the template creates long-lived credentials that must be distributed, stored and rotated by hand, and often end up in environment variables or outputs.",
			Bad: `DeployKey:
  Type: AWS::IAM::AccessKey
  Properties: {UserName: !Ref DeployUser}`,
			Good:        `# no IAM user: give the caller a role to assume (OIDC for CI, IAM Identity Center for people)`,
			Remediation: "Replace the user and key with a role that the caller assumes (OIDC federation for CI systems, roles for workloads).",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, k := range p.Stack.AccessKeys {
		p.Reportf(k.Pos, k.ID, "%s creates a long-lived IAM access key; serverless workloads should use roles and temporary credentials", k.ID)
	}
	// A user is only a credential when it has one: an access key (reported
	// above, on the key) or a console password. A user without either
	// cannot sign in or sign requests (issue 15: apigw-iam's users).
	for _, u := range p.Stack.Users {
		if u.Console {
			p.Reportf(u.Pos, u.ID, "%s creates an IAM user with a console password (login profile), a long-lived credential; use roles or IAM Identity Center instead", u.ID)
		}
	}
	return nil
}
