// Package nl3022 is rule NL3022: Malformed policy document.
//
// It reports every problem the IAM parser finds in the stack's policy
// documents (trust, identity, boundary and resource policies), at its
// position: statements that are not objects, effects that are neither
// Allow nor Deny, elements of the wrong type, unknown condition
// operators, JSON strings that do not parse. nightlight reads the rest of
// the document; the broken parts are treated as unknown (they may grant
// anything), never as a grant or a denial it can rely on.
package nl3022

import (
	"context"
	"errors"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3022.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3022",
		Title:      "Malformed policy document",
		Category:   rule.IAM,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "IAM rejects a policy document it cannot read (MalformedPolicyDocument), so the deployment fails or, for a document assembled at deploy time, the stack breaks later. nightlight reads the rest of the document and treats the broken parts as unknown: they may grant anything, so the IAM rules cannot vouch for that principal (NL3010 lists what it cannot see). Each problem is reported where it is written: a statement that is not an object, an Effect other than Allow or Deny, an Action, Resource or Principal of the wrong type, an unknown condition operator or a value of the wrong type, a JSON string that does not parse.",
			Bad: `PolicyDocument:
  Statement:
    - Effect: Allw
      Action: s3:GetObject
      Resource: "*"`,
			Good: `PolicyDocument:
  Version: "2012-10-17"
  Statement:
    - Effect: Allow
      Action: s3:GetObject
      Resource: !Sub "${Bucket.Arn}/*"`,
			Remediation: "Fix the element the message names; validate policies with IAM Access Analyzer (aws accessanalyzer validate-policy) before deploying.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	seen := map[string]bool{}
	for _, d := range kit.PolicyDocs(p.Stack) {
		if d.Doc.Source == model.PolicyGenerated {
			continue // written by a loader from other properties, not by the user
		}
		_, err := iam.ParseDoc(d.Doc)
		for _, e := range unjoin(err) {
			var pe *iam.Error
			if !errors.As(e, &pe) {
				continue
			}
			pos := pe.Pos
			if !pos.IsValid() {
				pos = d.Doc.Pos
			}
			key := pos.String() + "\x00" + pe.Msg
			if seen[key] {
				continue
			}
			seen[key] = true
			f := rule.Finding{Resource: d.Resource, Message: fmt.Sprintf("%s: %s", d.What, pe.Msg)}
			f.At(pos)
			p.Report(f)
		}
	}
	return nil
}

// unjoin flattens errors.Join trees.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unjoin(e)...)
		}
		return out
	}
	return []error{err}
}
