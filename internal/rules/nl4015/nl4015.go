// Package nl4015 is rule NL4015: Gradual deployment without a published version.
//
// It reports SAM functions with a DeploymentPreference but no
// AutoPublishAlias: without versions and an alias, CodeDeploy has nothing to
// shift traffic between.
package nl4015

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4015.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4015",
		Title:      "Gradual deployment without a published version",
		Category:   rule.Misconfig,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "DeploymentPreference (canary or linear deployments with alarms and rollback) works by shifting an alias between two published versions. Without AutoPublishAlias, SAM publishes no version, so every deployment replaces the code at once and the safety net the template seems to declare does not exist.",
			Bad: `Fn:
  Type: AWS::Serverless::Function
  Properties:
    DeploymentPreference: {Type: Canary10Percent5Minutes}`,
			Good: `Fn:
  Type: AWS::Serverless::Function
  Properties:
    AutoPublishAlias: live
    DeploymentPreference: {Type: Canary10Percent5Minutes, Alarms: [!Ref ErrorsAlarm]}`,
			Remediation: "Add AutoPublishAlias (e.g. live) to the function, and point callers at the alias.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, fn := range p.Stack.Functions {
		if fn.DeploymentPreference.IsSet() && !fn.AutoPublishAlias.IsSet() {
			p.Reportf(fn.DeploymentPreference.PosOr(fn.Pos), fn.ID, "function %s declares a DeploymentPreference but no AutoPublishAlias: no version is published, so deployments are not gradual and cannot roll back", fn.ID)
		}
	}
	return nil
}
