// Package nl4017 is rule NL4017: KMS key without automatic rotation.
//
// It reports customer-managed symmetric KMS keys declared without
// EnableKeyRotation.
package nl4017

import (
	"context"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL4017.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4017",
		Title:      "KMS key without automatic rotation",
		Category:   rule.Misconfig,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Automatic rotation replaces a KMS key's backing material every year (or on the period you choose) without changing its ID or breaking decryption of old data. Without it, a key's material lives as long as the key, and many compliance baselines fail.",
			Bad: `DataKey:
  Type: AWS::KMS::Key`,
			Good: `DataKey:
  Type: AWS::KMS::Key
  Properties:
    EnableKeyRotation: true`,
			Remediation: "Set EnableKeyRotation: true (and RotationPeriodInDays if you need a shorter period).",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, st := range p.Stack.Stores {
		if st.Kind != model.StoreKey || kit.Truthy(st.Attr(model.AttrRotation)) {
			continue
		}
		if spec := st.Attr(model.AttrKeySpec); spec.IsResolved() && !strings.EqualFold(spec.String(), "SYMMETRIC_DEFAULT") {
			continue // asymmetric and HMAC keys cannot rotate automatically
		}
		v := st.Attr(model.AttrRotation)
		p.Reportf(v.PosOr(st.Pos), st.ID, "KMS key %s does not rotate its key material automatically", st.ID)
	}
	return nil
}
