// Package nl6005 is rule NL6005: Deprecated dependency.
//
// It reports production packages a function deploys that their
// maintainers have deprecated or stopped supporting (request, the AWS SDK
// v1 for JavaScript, Go and Java, pycrypto, …): they receive no security
// fixes, so the next advisory against them stays open.
package nl6005

import (
	"context"
	"github.com/nightlight-sec/nightlight/internal/model"

	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/depkit"
)

// Rule returns NL6005.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL6005",
		Title:      "Deprecated dependency",
		Platforms:  []model.Provider{model.AnyProvider},
		Category:   rule.Dependency,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Doc: rule.Doc{
			Description: "The function deploys a package that its maintainers deprecated or no longer support (or that the lockfile marks deprecated). It receives no security fixes: the next vulnerability found in it stays open. Only packages the function's own manifest names are reported (a deprecated package pulled in by another one is that package's problem), and development-only packages are not.",
			Bad: `"dependencies": {
  "aws-sdk": "2.1692.0"
}`,
			Good: `"dependencies": {
  "@aws-sdk/client-s3": "3.700.0"
}`,
			Remediation: "Replace the package with the maintained successor named in the finding.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, fn := range p.Stack.Functions {
		if fn.Deps == nil {
			continue
		}
		for _, pkg := range fn.Deps.Packages {
			if pkg.Dev || !pkg.Deprecated || (pkg.DirectKnown && !pkg.Direct) {
				continue
			}
			v := pkg.Version
			if v == "" {
				v = "(any version)"
			}
			p.Reportf(pkg.Pos, fn.ID, "function %s deploys %s %s from %s: %s", fn.ID, pkg.Name, v, depkit.Where(pkg), pkg.Deprecation)
		}
	}
	return nil
}
