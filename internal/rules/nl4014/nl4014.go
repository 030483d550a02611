// Package nl4014 is rule NL4014: Secret without rotation.
//
// It reports Secrets Manager secrets with no rotation schedule in the
// template.
package nl4014

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4014.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4014",
		Title:      "Secret without rotation",
		Category:   rule.Misconfig,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A secret that never rotates stays valid forever once leaked. Secrets Manager can rotate database credentials and other secrets on a schedule with a rotation function.",
			Bad: `DbSecret:
  Type: AWS::SecretsManager::Secret`,
			Good: `DbSecretRotation:
  Type: AWS::SecretsManager::RotationSchedule
  Properties:
    SecretId: !Ref DbSecret
    RotationRules: {ScheduleExpression: rate(30 days)}`,
			Remediation: "Add an AWS::SecretsManager::RotationSchedule (HostedRotationLambda for RDS, or your own rotation function).",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, st := range p.Stack.Stores {
		if st.Kind != model.StoreSecret || st.Attr(model.AttrRotation).IsSet() {
			continue
		}
		p.Reportf(st.Pos, st.ID, "secret %s is never rotated: once leaked, it stays valid", st.ID)
	}
	return nil
}
