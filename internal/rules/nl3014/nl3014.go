// Package nl3014 is rule NL3014: Broad AWS managed policy attached.
//
// It reports execution roles with AWS managed policies that grant
// administrator or whole-service access (AdministratorAccess,
// PowerUserAccess, IAMFullAccess, *FullAccess).
package nl3014

import (
	"context"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3014.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3014",
		Title:      "Broad AWS managed policy attached",
		Category:   rule.IAM,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "AWS managed policies such as AdministratorAccess, PowerUserAccess or AmazonS3FullAccess grant every action of one or all services on every resource. They are convenient while prototyping and far more than a function needs; they also change when AWS adds actions.",
			Bad: `ManagedPolicyArns:
  - arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess`,
			Good: `Policies:
  - DynamoDBCrudPolicy: {TableName: !Ref Orders}`,
			Remediation: "Replace the managed policy with a policy that lists the actions and resources the function uses (SAM policy templates are a quick way).",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, r := range p.Stack.Roles {
		for _, d := range r.Policies {
			if d.Source != model.PolicyManaged {
				continue
			}
			name := d.Name[strings.LastIndex(d.Name, "/")+1:]
			if !broad(name) || !strings.Contains(d.Name, ":iam::aws:policy/") && strings.HasPrefix(d.Name, "arn:") {
				continue
			}
			who := "role " + r.ID
			if users := p.Facts.RoleUsers(r.ID); len(users) > 0 {
				var ids []string
				for _, fn := range users {
					ids = append(ids, fn.ID)
				}
				who = kit.Who(ids) + " (role " + r.ID + ")"
			}
			p.Reportf(d.Pos, r.ID, "%s has the AWS managed policy %s, which grants %s", who, name, what(name))
		}
	}
	return nil
}

func broad(name string) bool {
	switch name {
	case "AdministratorAccess", "PowerUserAccess", "IAMFullAccess":
		return true
	}
	return strings.HasSuffix(name, "FullAccess")
}

func what(name string) string {
	switch name {
	case "AdministratorAccess":
		return "every action on every resource in the account"
	case "PowerUserAccess":
		return "every action except IAM and Organizations management"
	}
	return "every action of the service on every resource"
}
