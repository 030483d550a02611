// Package nl6002 is rule NL6002: Container image referenced by a mutable tag.
//
// It reports image-based functions whose image URI uses a tag (such as
// latest) instead of a digest.
package nl6002

import (
	"context"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL6002.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL6002",
		Title:      "Container image referenced by a mutable tag",
		Category:   rule.Dependency,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A tag like :latest can point to a different image tomorrow. Lambda resolves the tag when the function is created or updated, so what runs depends on when you deployed, and an overwritten tag can slip unreviewed code into the next deployment.",
			Bad: `Code:
  ImageUri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest`,
			Good: `Code:
  ImageUri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:9b2f…`,
			Remediation: "Reference the image by digest (repository@sha256:…), or enable tag immutability on the ECR repository and use unique version tags.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, fn := range p.Stack.Functions {
		if !strings.EqualFold(fn.PackageType.String(), "Image") || fn.ImageBuild.IsSet() {
			continue // a local build tag: the deployment tool pushes the image and rewrites the reference
		}
		uri := fn.CodeURI.String()
		if !fn.CodeURI.IsResolved() || strings.Contains(uri, "@sha256:") {
			continue
		}
		tag := "latest (implicit)"
		if i := strings.LastIndex(uri, ":"); i > strings.LastIndex(uri, "/") {
			tag = uri[i+1:]
		}
		p.Reportf(fn.CodeURI.PosOr(fn.Pos), fn.ID, "function %s runs image %s by tag %s: the tag can move to different code; pin the digest", fn.ID, uri, tag)
	}
	return nil
}
