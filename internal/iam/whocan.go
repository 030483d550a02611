package iam

import (
	"context"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Allowed is one principal of a stack allowed an action on a resource,
// and the statements that allow it.
type Allowed struct {
	Stack string        `json:"stack"`
	Kind  PrincipalKind `json:"kind"`
	ID    string        `json:"id"`
	// Functions run with the role; Members are a group's users.
	Functions []string `json:"functions,omitempty"`
	Members   []string `json:"members,omitempty"`
	// Conditional is true when the allow holds only under Conditions.
	Conditional bool           `json:"conditional,omitempty"`
	Conditions  []string       `json:"conditions,omitempty"`
	Statements  []StatementRef `json:"statements"`
}

// ResourceGrant is a resource-policy statement of the stack that allows
// the action on the resource to principals named in it (a service,
// another account, anyone).
type ResourceGrant struct {
	Stack      string       `json:"stack"`
	Policy     string       `json:"policy"`
	Principals []string     `json:"principals"`
	Statement  StatementRef `json:"statement"`
	// Conditions are the statement's conditions, as written.
	Conditions []string `json:"conditions,omitempty"`
}

// WhoCanResult answers "who can do action on resource" for one stack.
type WhoCanResult struct {
	Action string `json:"action"`
	// Resource is the resource as asked, ARN the ARN evaluated (with
	// ${…} symbols for unknown parts) and Target the model object it
	// names, if any.
	Resource  string          `json:"resource"`
	ARN       string          `json:"arn"`
	Target    string          `json:"target,omitempty"`
	Allowed   []Allowed       `json:"principals"`
	Resources []ResourceGrant `json:"resourcePolicies,omitempty"`
}

// ResolveResource returns the ARN of resource in the stack: a function,
// store, role, user or group named by its model ID or physical name
// (with ${…} for unknown parts), or resource itself when it is an ARN
// or "*". target is the model ID found, if any.
func ResolveResource(stack *model.Stack, resource string) (arn, target string) {
	idx := newTargetIndex(stack)
	for i := range idx.objs {
		o := &idx.objs[i]
		if len(o.arns) == 0 {
			continue
		}
		if o.id == resource {
			return o.arns[0], o.id
		}
	}
	for i := range idx.objs {
		o := &idx.objs[i]
		if len(o.arns) == 0 || strings.HasPrefix(resource, "arn:") || resource == "*" {
			continue
		}
		if a0 := o.arns[0]; strings.HasSuffix(a0, ":"+resource) || strings.HasSuffix(a0, "/"+resource) {
			return a0, o.id
		}
	}
	return resource, ""
}

// WhoCan lists every principal of the stack (roles whatever uses them,
// users with their groups' policies, groups) whose identity policies
// allow action on resource, after denies and boundaries, and the
// stack's resource policies on the resource that allow it to others.
func (a *Analyzer) WhoCan(ctx context.Context, stack *model.Stack, action, resource string) (*WhoCanResult, error) {
	an, err := a.Analyze(ctx, stack)
	if err != nil {
		return nil, err
	}
	arn, target := ResolveResource(stack, resource)
	res := &WhoCanResult{Action: action, Resource: resource, ARN: arn, Target: target, Allowed: []Allowed{}}
	for _, p := range an.Principals {
		if p.Kind == PolicyPrincipal || p.Effective == nil {
			continue
		}
		d := p.Effective.PolicySet().Evaluate(&Request{Action: action, Resource: arn})
		if !d.Allowed() || onlyUnknown(d) {
			continue
		}
		al := Allowed{Stack: stack.ID, Kind: p.Kind, ID: p.ID, Functions: p.Functions, Members: p.Members,
			Conditional: d.Conditional, Conditions: d.Conditions, Statements: []StatementRef{}}
		for _, m := range d.Matched {
			if m.Kind == KindIdentity {
				al.Statements = append(al.Statements, m.StatementRef)
			}
		}
		res.Allowed = append(res.Allowed, al)
	}
	if target != "" {
		rps, _ := a.ResourcePolicies(stack)
		for _, pol := range rps[target] {
			for _, s := range pol.Statements {
				if s.Effect != Allow || !statementAction(s, action) {
					continue
				}
				rg := ResourceGrant{Stack: stack.ID, Policy: pol.Name, Statement: s.Ref()}
				for _, pr := range s.Principals {
					v := pr.Value
					if pr.Type != PrincipalAny {
						v = string(pr.Type) + " " + v
					}
					rg.Principals = append(rg.Principals, v)
				}
				for _, c := range s.Conditions {
					rg.Conditions = append(rg.Conditions, c.String())
				}
				res.Resources = append(res.Resources, rg)
			}
		}
	}
	sort.SliceStable(res.Allowed, func(i, j int) bool {
		if res.Allowed[i].Kind != res.Allowed[j].Kind {
			return kindRank(res.Allowed[i].Kind) < kindRank(res.Allowed[j].Kind)
		}
		return res.Allowed[i].ID < res.Allowed[j].ID
	})
	return res, nil
}

// statementAction reports whether s's Action (or NotAction) may cover
// action.
func statementAction(s *Statement, action string) bool {
	svc, name, _ := cutAction(action)
	t := No
	for i := range s.Actions {
		t = maxTri(t, s.Actions[i].match(action, svc, name))
	}
	if s.NotAction {
		t = not(t)
	}
	return t != No
}

// controlActions are the Lambda actions that change a function: its code,
// configuration (environment, layers, role), resource policy, URL,
// concurrency, aliases, versions, destinations and code signing.
// Run-time calls on a function (durable execution callbacks and
// checkpoints) are not control.
var controlActions = map[string]bool{
	"updatefunctioncode": true, "updatefunctionconfiguration": true, "addpermission": true, "removepermission": true,
	"createfunctionurlconfig": true, "updatefunctionurlconfig": true, "deletefunctionurlconfig": true,
	"deletefunction": true, "putfunctionconcurrency": true, "deletefunctionconcurrency": true,
	"createalias": true, "updatealias": true, "deletealias": true, "publishversion": true,
	"putfunctioneventinvokeconfig": true, "updatefunctioneventinvokeconfig": true, "deletefunctioneventinvokeconfig": true,
	"putfunctioncodesigningconfig": true, "deletefunctioncodesigningconfig": true, "putruntimemanagementconfig": true,
	"putprovisionedconcurrencyconfig": true, "deleteprovisionedconcurrencyconfig": true, "putfunctionrecursionconfig": true,
	"putfunctionscalingconfig": true, "createeventsourcemapping": true, "updateeventsourcemapping": true,
}

// ControlAction reports whether action ("lambda:UpdateFunctionCode")
// changes a function (see controlActions).
func ControlAction(action string) bool {
	svc, name, _ := cutAction(action)
	return strings.EqualFold(svc, "lambda") && controlActions[strings.ToLower(name)]
}
