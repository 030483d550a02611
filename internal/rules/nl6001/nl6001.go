// Package nl6001 is rule NL6001: Layer from another account.
//
// It reports Lambda layers referenced by ARN from an AWS account other than
// the stack's own: third-party code that runs with the function's
// permissions.
package nl6001

import (
	"context"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL6001.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL6001",
		Title:      "Layer from another account",
		Category:   rule.Dependency,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceMedium,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A layer's code runs inside the function with its permissions and secrets. A layer published by another account can change with each version its owner publishes, and you cannot see what it contains from the template. Layers from well-known publishers still deserve a pinned version and a review.",
			Bad: `Layers:
  - arn:aws:lambda:us-east-1:111122223333:layer:handy-utils:3`,
			Good: `Layers:
  - !Ref UtilsLayer        # built from source in this repository`,
			Remediation: "Build the layer from reviewed source in your own account (or vendor the dependency), or pin and review the third-party layer version.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, fn := range p.Stack.Functions {
		for _, l := range fn.Layers {
			s := l.String()
			if !l.IsResolved() || !strings.HasPrefix(s, "arn:") {
				continue
			}
			parts := strings.Split(s, ":")
			if len(parts) < 7 || parts[5] != "layer" || strings.Contains(parts[4], "${") {
				continue
			}
			p.Reportf(l.PosOr(fn.Pos), fn.ID, "function %s loads layer %s from account %s: code you do not build runs with the function's permissions", fn.ID, parts[6]+":"+strings.Join(parts[7:], ":"), parts[4])
		}
	}
	return nil
}
