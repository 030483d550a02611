// Package nl1020 is rule NL1020: User pool open to self sign-up guards the
// app.
//
// It reports Cognito user pools that let anyone create an account
// (AllowAdminCreateUserOnly unset or false) whose tokens an API authorizer
// of the stack accepts, or that an identity pool exchanges for AWS
// credentials: "any authenticated user" there means "anyone who signs up".
package nl1020

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1020.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1020",
		Title:      "User pool open to self sign-up guards the app",
		Category:   rule.AttackSurface,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceMedium,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A Cognito user pool allows self sign-up unless AllowAdminCreateUserOnly is true. When an API authorizer accepts the pool's tokens, or an identity pool hands the pool's users AWS credentials, \"authenticated\" means \"anyone on the internet who signs up\": every route and grant behind it is open to strangers. That is right for a public consumer app, and wrong when the routes assume callers are staff, customers you onboarded or tenants you vetted.",
			Bad: `UserPool:
  Type: AWS::Cognito::UserPool
  Properties:
    UserPoolName: staff
Authorizer:
  Type: AWS::ApiGateway::Authorizer
  Properties:
    Type: COGNITO_USER_POOLS
    ProviderARNs: [!GetAtt UserPool.Arn]`,
			Good: `UserPool:
  Type: AWS::Cognito::UserPool
  Properties:
    UserPoolName: staff
    AdminCreateUserConfig:
      AllowAdminCreateUserOnly: true`,
			Remediation: "Set AllowAdminCreateUserOnly (allow_admin_create_user_only) to true when only users you create should get in; if sign-up is intended, authorise each route on claims you assign (groups, verified attributes), not on being signed in.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, u := range p.Stack.UserPools {
		open, known := u.SelfSignUp()
		if !open || !known {
			continue
		}
		routes := kit.PoolRoutes(p.Stack, u.ID)
		ids := kit.PoolIdentityPools(p.Stack, u.ID)
		if len(routes) == 0 && len(ids) == 0 {
			continue
		}
		var what []string
		var path []graph.NodeID
		if len(routes) > 0 {
			names := make([]string, 0, len(routes))
			for _, ep := range routes {
				names = append(names, kit.EntryName(ep))
			}
			what = append(what, fmt.Sprintf("%s (%s)", kit.Count(len(routes), "route", "routes"), kit.Actions(names, 3)))
			path = append(path, kit.EntryNode(p, routes[0]))
			if routes[0].Function != "" {
				path = append(path, kit.FnNode(p, routes[0].Function))
			}
		}
		for _, ip := range ids {
			w := "identity pool " + ip.ID
			if ip.AuthenticatedRole != "" {
				w += " (role " + ip.AuthenticatedRole + ")"
			}
			what = append(what, w)
		}
		pos := u.AdminCreateUserOnly.PosOr(u.Pos)
		p.Report(rule.Finding{
			Resource: u.ID, File: pos.File, Line: pos.Line, Path: path,
			Message: fmt.Sprintf("user pool %s lets anyone sign up, and its users are trusted by %s: \"authenticated\" means anyone who signs up", u.ID, strings.Join(what, " and ")),
		})
	}
	return nil
}
