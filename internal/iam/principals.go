package iam

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// PrincipalKind is the kind of an IAM principal of a stack.
type PrincipalKind string

// Principal kinds. A standalone policy is analysed as if it were a
// principal holding only that policy (what anything it is attached to
// gets).
const (
	RolePrincipal   PrincipalKind = "role"
	UserPrincipal   PrincipalKind = "user"
	GroupPrincipal  PrincipalKind = "group"
	PolicyPrincipal PrincipalKind = "policy"
)

// PrincipalRef names one principal of a stack.
type PrincipalRef struct {
	Kind PrincipalKind `json:"kind"`
	ID   string        `json:"id"`
}

// Actor is the IAM analysis of one principal of a stack: a role
// (whatever uses it), a user (with its groups' policies), a group, or a
// customer-managed policy attached to nothing in the stack.
type Actor struct {
	Kind PrincipalKind `json:"kind"`
	ID   string        `json:"id"`
	// Name is the physical name when the input sets one.
	Name string    `json:"name,omitempty"`
	Pos  model.Pos `json:"pos"`
	// Functions run with the role (roles only), sorted.
	Functions []string `json:"functions,omitempty"`
	// UsedBy lists the other resources that use the role.
	UsedBy []model.RoleUse `json:"usedBy,omitempty"`
	// Groups are a user's groups; Members a group's users.
	Groups  []string `json:"groups,omitempty"`
	Members []string `json:"members,omitempty"`
	// Trust says who can assume a role.
	Trust *Trust `json:"trust,omitempty"`
	// Admin is true when the principal may do every action on every
	// resource without condition: nothing is stronger.
	Admin bool `json:"admin,omitempty"`
	// Effective are the principal's effective identity permissions.
	Effective *Effective `json:"effective"`
	// Reach is what the principal can escalate to (nil: nothing).
	Reach *Reach `json:"reach,omitempty"`
}

// Ref returns the principal's reference.
func (p *Actor) Ref() PrincipalRef { return PrincipalRef{Kind: p.Kind, ID: p.ID} }

// Describe names the principal for messages: "role AppRole (function
// Api)", "user deployer", "policy BroadPolicy".
func (p *Actor) Describe() string {
	s := string(p.Kind) + " " + p.ID
	var uses []string
	for _, f := range p.Functions {
		uses = append(uses, "function "+f)
	}
	for _, u := range p.UsedBy {
		uses = append(uses, u.Kind+" "+u.ID)
	}
	if len(uses) > 3 {
		uses = append(uses[:3], fmt.Sprintf("%d more", len(uses)-3))
	}
	if len(uses) > 0 {
		s += " (used by " + strings.Join(uses, ", ") + ")"
	}
	return s
}

// Principal returns the analysed principal of kind k with the given ID,
// or nil.
func (a *Analysis) Principal(k PrincipalKind, id string) *Actor {
	for _, p := range a.Principals {
		if p.Kind == k && p.ID == id {
			return p
		}
	}
	return nil
}

// AnalyzeRole returns the effective permissions of the stack's role with
// the given ID, whatever uses it (nil when there is no such role).
func (a *Analyzer) AnalyzeRole(ctx context.Context, stack *model.Stack, id string) (*Effective, error) {
	p, err := a.AnalyzePrincipal(ctx, stack, PrincipalRef{Kind: RolePrincipal, ID: id})
	if p == nil {
		return nil, err
	}
	return p.Effective, err
}

// AnalyzePrincipal returns the analysis of one principal of the stack
// (nil when the stack has no such principal).
func (a *Analyzer) AnalyzePrincipal(ctx context.Context, stack *model.Stack, ref PrincipalRef) (*Actor, error) {
	an, err := a.Analyze(ctx, stack)
	if err != nil {
		return nil, err
	}
	return an.Principal(ref.Kind, ref.ID), nil
}

// principals analyses every principal of the stack. roleCache holds the
// effective permissions already computed for functions' roles.
func (a *Analyzer) principals(ctx context.Context, stack *model.Stack, idx *targetIndex, roleCache map[string]*Effective) []*Actor {
	var out []*Actor
	fnsOf := map[string][]string{}
	for _, fn := range stack.Functions {
		if fn.Role != "" {
			fnsOf[fn.Role] = append(fnsOf[fn.Role], fn.ID)
		}
	}
	name := func(v *model.Value) string {
		if v.IsResolved() && v.Kind == model.String {
			return v.Str
		}
		return ""
	}
	for _, r := range stack.Roles {
		if ctx.Err() != nil {
			return nil
		}
		if r.External {
			continue
		}
		e := roleCache[r.ID]
		if e == nil {
			e = &Effective{Role: r.ID}
			a.policiesOf(stack, e, r.Policies, r.Boundary, r.BoundaryDoc)
			a.finish(ctx, idx, e)
		}
		fns := append([]string(nil), fnsOf[r.ID]...)
		sort.Strings(fns)
		p := &Actor{Kind: RolePrincipal, ID: r.ID, Name: name(r.Name), Pos: r.Pos, Functions: fns, UsedBy: r.UsedBy, Effective: e}
		p.Trust = trustOf(r)
		out = append(out, p)
	}
	members := map[string][]string{}
	for _, u := range stack.Users {
		if ctx.Err() != nil {
			return nil
		}
		e := &Effective{}
		docs := append([]*model.PolicyDoc(nil), u.Policies...)
		for _, g := range u.Groups {
			members[g] = append(members[g], u.ID)
			if grp := stack.Group(g); grp != nil {
				docs = append(docs, grp.Policies...)
			} else {
				e.Unknown = append(e.Unknown, UnknownGrant{Policy: g, Reason: "group " + g + " is defined outside the stack", Pos: u.Pos})
			}
		}
		a.policiesOf(stack, e, docs, u.Boundary, u.BoundaryDoc)
		a.finish(ctx, idx, e)
		out = append(out, &Actor{Kind: UserPrincipal, ID: u.ID, Name: name(u.Name), Pos: u.Pos, Groups: u.Groups, Effective: e})
	}
	for _, g := range stack.Groups {
		e := &Effective{}
		a.policiesOf(stack, e, g.Policies, nil, nil)
		a.finish(ctx, idx, e)
		m := append([]string(nil), members[g.ID]...)
		sort.Strings(m)
		out = append(out, &Actor{Kind: GroupPrincipal, ID: g.ID, Name: name(g.Name), Pos: g.Pos, Members: m, Effective: e})
	}
	for _, pol := range stack.Policies {
		if !pol.Managed || attachedInStack(stack, pol) {
			continue
		}
		e := &Effective{}
		a.policiesOf(stack, e, []*model.PolicyDoc{pol.Doc}, nil, nil)
		a.finish(ctx, idx, e)
		out = append(out, &Actor{Kind: PolicyPrincipal, ID: pol.ID, Name: name(pol.Name), Pos: pol.Pos, Effective: e})
	}
	for _, p := range out {
		p.Admin = isAdmin(p.Effective)
	}
	for _, p := range out {
		if ctx.Err() != nil {
			return nil
		}
		p.Reach = a.reach(stack, p, out)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return kindRank(out[i].Kind) < kindRank(out[j].Kind)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func kindRank(k PrincipalKind) int {
	switch k {
	case RolePrincipal:
		return 0
	case UserPrincipal:
		return 1
	case GroupPrincipal:
		return 2
	}
	return 3
}

// attachedInStack reports whether a standalone policy is attached to a
// role, user or group of the stack (whose analysis then covers it).
func attachedInStack(stack *model.Stack, pol *model.Policy) bool {
	for _, r := range pol.Roles {
		if stack.Role(r) != nil {
			return true
		}
	}
	for _, u := range pol.Users {
		if stack.User(u) != nil {
			return true
		}
	}
	for _, g := range pol.Groups {
		if stack.Group(g) != nil {
			return true
		}
	}
	has := func(docs []*model.PolicyDoc) bool {
		for _, d := range docs {
			if d.Ref == pol.ID {
				return true
			}
		}
		return false
	}
	for _, r := range stack.Roles {
		if has(r.Policies) {
			return true
		}
	}
	for _, u := range stack.Users {
		if has(u.Policies) {
			return true
		}
	}
	for _, g := range stack.Groups {
		if has(g.Policies) {
			return true
		}
	}
	return false
}

// adminProbes are actions an administrator may call on every resource;
// a principal allowed all of them unconditionally is treated as
// administrator.
var adminProbes = []string{
	"iam:AttachRolePolicy", "iam:CreateUser", "iam:PassRole", "sts:AssumeRole", "s3:GetObject", "s3:PutBucketPolicy",
	"ec2:RunInstances", "lambda:UpdateFunctionCode", "kms:Decrypt", "dynamodb:DeleteTable", "organizations:LeaveOrganization",
	"secretsmanager:GetSecretValue", "cloudtrail:StopLogging",
}

// isAdmin reports whether e allows every probe action on "*" without
// condition.
func isAdmin(e *Effective) bool {
	if e == nil || len(e.Policies) == 0 {
		return false
	}
	ps := e.PolicySet()
	for _, act := range adminProbes {
		d := ps.Evaluate(&Request{Action: act, Resource: "*"})
		if !d.Allowed() || d.Conditional || onlyUnknown(d) {
			return false
		}
	}
	return true
}

// Trust summarises a role's trust policy.
type Trust struct {
	// Services are the service principals the role trusts
	// (lambda.amazonaws.com, …), sorted.
	Services []string `json:"services,omitempty"`
	// AWS are the AWS principals (accounts, roles, users, "*") and
	// Federated the identity providers it trusts, as written.
	AWS       []string `json:"aws,omitempty"`
	Federated []string `json:"federated,omitempty"`
	// ServiceOnly is true when only services can assume the role: no user
	// or role can assume it directly; the way in is passing it to the
	// service (iam:PassRole plus e.g. lambda:CreateFunction).
	ServiceOnly bool `json:"serviceOnly,omitempty"`
}

func trustOf(r *model.Role) *Trust {
	if !r.Trust.Known() {
		return nil
	}
	pol, _ := ParseDoc(r.Trust)
	t := &Trust{}
	for _, s := range pol.Statements {
		if s.Effect != Allow {
			continue
		}
		for _, p := range s.Principals {
			switch p.Type {
			case PrincipalService:
				t.Services = append(t.Services, p.Value)
			case PrincipalFederated:
				t.Federated = append(t.Federated, p.Value)
			default:
				t.AWS = append(t.AWS, p.Value)
			}
		}
	}
	t.Services = model.SortedUnique(t.Services)
	t.AWS = model.SortedUnique(t.AWS)
	t.Federated = model.SortedUnique(t.Federated)
	t.ServiceOnly = len(t.Services) > 0 && len(t.AWS) == 0 && len(t.Federated) == 0
	return t
}

// trustsService reports whether the role's trust policy lets the service
// assume it (unknown trust: maybe, counted as yes).
func trustsService(r *model.Role, service string) bool {
	if r == nil || !r.Trust.Known() {
		return true
	}
	pol, _ := ParseDoc(r.Trust)
	d := (&PolicySet{Resource: []*Policy{pol}}).Evaluate(&Request{Principal: service, Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/" + r.ID, ResourceAccount: "111111111111"})
	return d.Allowed()
}
