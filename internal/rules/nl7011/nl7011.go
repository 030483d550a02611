// Package nl7011 is rule NL7011: Code calls an AWS action its role does not grant.
//
// It compares the AWS SDK calls found in a function's handler code with the
// effective permissions of its execution role.
package nl7011

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL7011.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL7011",
		Title:      "Code calls an AWS action its role does not grant",
		Platforms:  []model.Provider{model.AWS},
		Category:   rule.Code,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceMedium,
		Doc: rule.Doc{
			Description: "The handler code makes an AWS SDK call (table.put_item, s3.send(new GetObjectCommand(…))) that the function's execution role does not allow on that resource. The call fails with AccessDenied at run time, and the usual fix under pressure — a wildcard policy — is worse than the bug. The template and the code have drifted apart.",
			Bad: `Policies:
  - DynamoDBReadPolicy: {TableName: !Ref Orders}
# code: TABLE.put_item(Item=order)`,
			Good: `Policies:
  - DynamoDBCrudPolicy: {TableName: !Ref Orders}`,
			Remediation: "Grant exactly the missing action on the resource the code uses (`nightlight iam propose PATH` prints the policy the code needs), or remove the call.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, fn := range p.Stack.Functions {
		if fn.Code == nil || len(fn.Code.Calls) == 0 {
			continue
		}
		e := p.Facts.Effective(ctx, fn)
		if e == nil || len(e.Unknown) > 0 || (fn.Role == "" && fn.RoleARN.IsSet()) {
			continue // permissions nightlight cannot see
		}
		seen := map[string]bool{}
		for _, c := range fn.Code.Calls {
			for _, a := range c.Actions {
				key := a + "\x00" + c.Resource
				if seen[key] {
					continue
				}
				granted, onOther := covered(e.Grants, a, c.Resource)
				if granted {
					continue
				}
				seen[key] = true
				f := rule.Finding{Resource: fn.ID}
				f.At(c.Pos)
				if onOther {
					f.Message = fmt.Sprintf("function %s calls %s on %s, but its role allows %s only on other resources: the call fails with AccessDenied", fn.ID, a, c.Resource, a)
				} else {
					on := ""
					if c.Resource != "" {
						on = " on " + c.Resource
					}
					f.Message = fmt.Sprintf("function %s calls %s%s, which its role does not allow: the call fails with AccessDenied", fn.ID, a, on)
				}
				if s := p.Stack.Store(c.Resource); s != nil && (s.Kind == model.StoreBucket || s.Kind == model.StoreKey || s.Kind == model.StoreSecret || s.Kind == model.StoreQueue || s.Kind == model.StoreTopic) && s.Policy != nil {
					f.Confidence = rule.ConfidenceLow // a resource policy may grant it
				}
				p.Report(f)
			}
		}
	}
	return nil
}

// covered reports whether grants allow action on the store resource ("":
// unknown resource); onOther is true when the action is granted, but only
// on other resources of the stack.
func covered(grants []iam.Grant, action, resource string) (granted, onOther bool) {
	for _, g := range grants {
		if !strings.EqualFold(g.Action, action) {
			continue
		}
		if resource == "" || len(g.Targets) == 0 || g.Resource == "*" || g.Conditional {
			return true, false
		}
		for _, t := range g.Targets {
			if t.ID == resource {
				return true, false
			}
		}
		onOther = true
	}
	return false, onOther
}
