// Package nl1024 is rule NL1024: API resource policy lets any AWS account
// in.
//
// It reports REST API resource policies that allow execute-api:Invoke to
// Principal "*" without a condition on the caller, when that matters: on a
// private API (any VPC endpoint of any account can then reach it) and on
// routes that use IAM authorization (any IAM principal of any account can
// then call them). On a public API with other authorization, such a policy
// is the default and is not reported.
package nl1024

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/glob"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1024.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1024",
		Title:      "API resource policy lets any AWS account in",
		Category:   rule.AttackSurface,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "An API Gateway resource policy that allows execute-api:Invoke to Principal \"*\" with no condition on the caller opens the API to every AWS account. On a PRIVATE API that means any VPC endpoint, including one an attacker creates in their own account, can reach it: the API is private only with an aws:SourceVpce or aws:SourceVpc condition. On routes with AWS_IAM authorization it means any IAM user or role of any account passes the check. A public API with another authorizer is not reported: there the policy changes nothing.",
			Bad: `Policy:
  Statement:
    - Effect: Allow
      Principal: "*"
      Action: execute-api:Invoke
      Resource: execute-api:/*`,
			Good: `Policy:
  Statement:
    - Effect: Allow
      Principal: "*"
      Action: execute-api:Invoke
      Resource: execute-api:/*
      Condition:
        StringEquals:
          aws:SourceVpce: !Ref ApiEndpoint`,
			Remediation: "Add a condition that pins the caller (aws:SourceVpce or aws:SourceVpc for private APIs, aws:PrincipalOrgID or aws:PrincipalAccount for IAM-authorized routes), or add a Deny statement for callers outside it.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, a := range p.Stack.APIs {
		if a.Kind != model.APIRest || !a.Policy.Known() {
			continue
		}
		stmts := kit.Statements(a.Policy)
		if narrowed(stmts) {
			continue
		}
		var iamRoutes []string
		for _, ep := range p.Stack.EntryPoints {
			if ep.API == a.ID && ep.Auth.Type == model.AuthIAM {
				iamRoutes = append(iamRoutes, kit.EntryName(ep))
			}
		}
		private := Private(a)
		if !private && len(iamRoutes) == 0 {
			continue
		}
		for _, s := range stmts {
			if s.Effect != iam.Allow || !kit.AnyPrincipal(s) || kit.Restricted(s) || !invokes(s) {
				continue
			}
			pos := kit.PolicyPos(s, a.Policy)
			var msg string
			if private {
				msg = fmt.Sprintf("private API %s allows execute-api:Invoke to any principal without an aws:SourceVpce or aws:SourceVpc condition: a VPC endpoint in any AWS account can reach it", a.ID)
			} else {
				msg = fmt.Sprintf("API %s allows execute-api:Invoke to any principal without a condition: its IAM-authorized routes (%s) accept any IAM principal of any AWS account", a.ID, kit.Actions(iamRoutes, 3))
			}
			p.Report(rule.Finding{Resource: a.ID, File: pos.File, Line: pos.Line, Message: msg})
		}
	}
	return nil
}

// Private reports whether the API's endpoint type is PRIVATE.
func Private(a *model.API) bool {
	for _, t := range a.Endpoint.AsStrings() {
		if strings.EqualFold(t, "PRIVATE") {
			return true
		}
	}
	return strings.EqualFold(a.Endpoint.String(), "PRIVATE")
}

// invokes reports whether the statement's actions cover execute-api:Invoke.
func invokes(s *iam.Statement) bool {
	if s.NotAction {
		return true
	}
	for _, act := range s.ActionStrings() {
		if glob.Match(strings.ToLower(act), "execute-api:invoke") {
			return true
		}
	}
	return false
}

// narrowed reports whether a Deny statement with a condition limits the
// callers (the usual "deny unless from this VPC endpoint" pattern).
func narrowed(stmts []*iam.Statement) bool {
	for _, s := range stmts {
		if s.Effect == iam.Deny && len(s.Conditions) > 0 {
			return true
		}
	}
	return false
}
