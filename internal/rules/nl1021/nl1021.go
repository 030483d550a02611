// Package nl1021 is rule NL1021: Authorization attribute writable by its
// own user.
//
// It reports custom user pool attributes whose names say they drive
// authorisation (custom:role, custom:is_admin, custom:tenant_id, …) that are
// mutable and that an app client of the pool lets users write: any user can
// call UpdateUserAttributes with their own access token and promote
// themselves.
package nl1021

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1021.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1021",
		Title:      "Authorization attribute writable by its own user",
		Category:   rule.AttackSurface,
		Severity:   rule.High,
		Confidence: rule.ConfidenceMedium,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Signed-in Cognito users can change their own attributes with UpdateUserAttributes and their access token. An app client without WriteAttributes lets them write every mutable attribute, so a custom attribute that the app reads to authorise requests (custom:role, custom:is_admin, custom:tenant_id) is a self-service privilege escalation: the next ID token carries the forged value. The rule judges by name, so an attribute named like a role that is not used for authorisation is a false positive; the confidence is medium.",
			Bad: `Schema:
  - Name: role
    AttributeDataType: String
    Mutable: true
Client:
  Type: AWS::Cognito::UserPoolClient
  Properties:
    UserPoolId: !Ref UserPool`,
			Good: `Client:
  Type: AWS::Cognito::UserPoolClient
  Properties:
    UserPoolId: !Ref UserPool
    WriteAttributes: [email, name]`,
			Remediation: "List WriteAttributes (write_attributes) on every app client without the authorisation attributes, and set them only from the back end with admin credentials (AdminUpdateUserAttributes); or use Cognito groups, which users cannot change, or make the attribute immutable or developer-only.",
		},
		Run: run,
	}
}

// authWords are name tokens that mark an attribute as driving
// authorisation.
var authWords = map[string]bool{
	"admin": true, "admins": true, "administrator": true, "superuser": true, "root": true, "staff": true,
	"role": true, "roles": true, "group": true, "groups": true, "access": true, "permission": true,
	"permissions": true, "perm": true, "perms": true, "privilege": true, "privileges": true, "tenant": true,
	"tenantid": true, "scope": true, "scopes": true, "entitlement": true, "entitlements": true, "tier": true,
	"isadmin": true, "acl": true, "rights": true, "clearance": true, "org": true, "orgid": true,
	"organization": true, "organisation": true, "accountid": true, "owner": true, "approved": true, "verified": true,
}

// Authorizing reports whether an attribute name says it drives
// authorisation.
func Authorizing(name string) bool {
	name = strings.TrimPrefix(name, "custom:")
	if authWords[strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(name))] {
		return true
	}
	for _, w := range kit.Words(name) {
		if authWords[w] {
			return true
		}
	}
	return false
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, u := range p.Stack.UserPools {
		for _, a := range u.Attributes {
			if !a.Custom || strings.HasPrefix(a.Name, "dev:") || !Authorizing(a.Name) {
				continue
			}
			if m, known := a.IsMutable(); !m || !known {
				continue
			}
			var writers []string
			for _, c := range u.Clients {
				if can, known := c.CanWrite(a.Name); can && known {
					writers = append(writers, c.ID)
				}
			}
			if len(writers) == 0 {
				continue
			}
			p.Report(rule.Finding{
				Resource: u.ID, File: a.Pos.File, Line: a.Pos.Line,
				Message: fmt.Sprintf("%s of user pool %s is mutable and app client %s lets every user write it: any user can set their own %s and the next token carries it", a.Name, u.ID, strings.Join(writers, ", "), a.Name),
			})
		}
	}
	return nil
}
