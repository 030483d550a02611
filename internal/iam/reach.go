package iam

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Reach levels, strongest first.
const (
	// ReachAdmin: the principal can make itself administrator (grant
	// itself any permission) or act as an administrator principal.
	ReachAdmin = "administrator"
	// ReachAny: the principal can act as any role, user or function of
	// some kind in the account (a wildcard); whether one of them is an
	// administrator depends on the account.
	ReachAny = "any-principal"
	// ReachPrincipal: the principal can act as a specific, stronger
	// principal of the application.
	ReachPrincipal = "principal"
)

func reachRank(l string) int {
	switch l {
	case ReachAdmin:
		return 3
	case ReachAny:
		return 2
	case ReachPrincipal:
		return 1
	}
	return 0
}

// Reach is what a principal can escalate to, through every path it has.
type Reach struct {
	// Level is the strongest level reached.
	Level string `json:"level"`
	// Paths are the escalation paths, strongest first, then by path ID.
	Paths []ReachPath `json:"paths"`
	// Conditional is true when every path at the strongest level holds
	// only under conditions or on partly unknown resources.
	Conditional bool `json:"conditional,omitempty"`
}

// ReachPath is one escalation path and what it reaches.
type ReachPath struct {
	// ID and Name identify the path in the catalogue (EscalationPaths).
	ID   string `json:"id"`
	Name string `json:"name"`
	// Actions are the actions used, in step order; Statements grant them.
	Actions    []string       `json:"actions"`
	Statements []StatementRef `json:"statements"`
	Level      string         `json:"level"`
	// Reaches describes the target: "its own role", "any role in the
	// account that lambda.amazonaws.com can assume", "role Admin".
	Reaches string `json:"reaches"`
	// Targets are the model IDs of the principals reached, when known.
	Targets     []string `json:"targets,omitempty"`
	Conditional bool     `json:"conditional,omitempty"`
}

// String renders the path for messages: "pass a role to … (iam:PassRole +
// lambda:CreateFunction) → any role in the account".
func (r ReachPath) String() string {
	return r.Name + " (" + strings.Join(r.Actions, " + ") + ") → " + r.Reaches
}

// What an escalation path's first step acts on, which decides what the
// principal reaches through it.
const (
	// TargetSelf: writing the policies (or boundary) of an IAM entity;
	// reaching administrator when the entity is the principal itself or
	// one of its groups or attached policies.
	TargetSelf = "self"
	// TargetTrust: rewriting a role's trust policy, then assuming it.
	TargetTrust = "trust"
	// TargetGroup: joining a group (its permissions).
	TargetGroup = "group"
	// TargetUser: taking over a user's credentials (its permissions).
	TargetUser = "user"
	// TargetPassRole: passing a role to a new compute resource (the
	// passed role's permissions).
	TargetPassRole = "passrole"
	// TargetFunction: running own code in an existing function (its
	// role's permissions).
	TargetFunction = "function"
	// TargetAssume: assuming a role.
	TargetAssume = "assume"
	// TargetService: reaching into an existing instance, endpoint,
	// notebook or build project (the role it runs with).
	TargetService = "service"
)

// pathTargets gives the Target of the paths that do not pass a role.
var pathTargets = map[string]string{
	"iam-create-policy-version": TargetSelf, "iam-set-default-policy-version": TargetSelf,
	"iam-attach-user-policy": TargetSelf, "iam-attach-group-policy": TargetSelf, "iam-attach-role-policy": TargetSelf,
	"iam-put-user-policy": TargetSelf, "iam-put-group-policy": TargetSelf, "iam-put-role-policy": TargetSelf,
	"iam-put-role-permissions-boundary": TargetSelf,
	"iam-create-access-key":             TargetUser, "iam-create-login-profile": TargetUser, "iam-update-login-profile": TargetUser,
	"iam-add-user-to-group":         TargetGroup,
	"iam-update-assume-role-policy": TargetTrust,
	"sts-assume-any-role":           TargetAssume,
	"lambda-update-function-code":   TargetFunction, "lambda-update-layers": TargetFunction,
}

// PathTarget returns what the escalation path's first step acts on (a
// Target* constant).
func PathTarget(p EscalationPath) string {
	if t, ok := pathTargets[p.ID]; ok {
		return t
	}
	if p.PassedTo != "" {
		return TargetPassRole
	}
	return TargetService
}

// grantScope is what the grants of one action cover: principals or
// functions of the stack, and whether a wildcard or an ARN outside the
// stack leaves the door open to others.
type grantScope struct {
	targets    map[string]Target
	open       bool // a wildcard covers entities beyond the stack's
	fullyOpen  bool // Resource "*" (or every resource of the type)
	outside    bool // names an entity outside the stack
	statements []StatementRef
}

func scopeOf(e *Effective, action string) grantScope {
	sc := grantScope{targets: map[string]Target{}}
	for _, g := range e.Grants {
		if !strings.EqualFold(g.Action, action) || arnAccount(g.Resource) == "aws" {
			// AWS-owned resources (arn:aws:iam::aws:policy/…) cannot be
			// changed by anyone.
			continue
		}
		sc.statements = append(sc.statements, g.Statement)
		wild := strings.ContainsAny(g.Resource, "*?")
		for _, t := range g.Targets {
			if t.Confidence == model.ConfidenceMedium && !wild {
				// A literal ARN matched only through an unknown
				// (generated) name: a different entity.
				continue
			}
			if old, ok := sc.targets[t.ID]; !ok || confRank(t.Confidence) > confRank(old.Confidence) {
				sc.targets[t.ID] = t
			}
		}
		switch {
		case broadResource(g.Resource):
			sc.open, sc.fullyOpen = true, true
		case strings.ContainsAny(g.Resource, "*?"):
			sc.open = true
		case len(g.Targets) == 0:
			sc.outside = true
		}
	}
	return sc
}

func confRank(c model.Confidence) int {
	switch c {
	case model.ConfidenceHigh:
		return 3
	case model.ConfidenceMedium:
		return 2
	}
	return 1
}

// reach computes what p can escalate to among the stack's principals all.
// An administrator reaches nothing stronger.
func (a *Analyzer) reach(stack *model.Stack, p *Actor, all []*Actor) *Reach {
	if p.Admin || p.Effective == nil || len(p.Effective.Escalations) == 0 {
		return nil
	}
	e := p.Effective
	byID := map[PrincipalRef]*Actor{}
	for _, q := range all {
		byID[q.Ref()] = q
	}
	roleP := func(id string) *Actor { return byID[PrincipalRef{RolePrincipal, id}] }
	// The principal's own identities: its role, its user and groups, the
	// standalone policies attached to it.
	self := map[string]bool{p.ID: true}
	for _, g := range p.Groups {
		self[g] = true
	}
	hasCustomerPolicy := false
	for _, pol := range e.Policies {
		if pol.Source == model.PolicyStandalone || pol.Source == model.PolicyManaged && !strings.Contains(pol.Name, ":iam::aws:policy/") {
			hasCustomerPolicy = true
		}
	}
	for _, d := range docsOf(stack, p) {
		if d.Ref != "" {
			self[d.Ref] = true
		}
	}
	var paths []ReachPath
	add := func(esc Escalation, level, reaches string, targets []string, cond bool) {
		paths = append(paths, ReachPath{ID: esc.Path.ID, Name: esc.Path.Name, Actions: esc.Actions, Statements: esc.Statements,
			Level: level, Reaches: reaches, Targets: targets, Conditional: cond || esc.Conditional})
	}
	// stronger returns the targets of kind k among ids that are stronger
	// than p (by their effective permissions), and whether one is admin.
	stronger := func(ids []string, of func(string) *Actor) (out []string, admin bool) {
		for _, id := range ids {
			q := of(id)
			if q == nil || q == p {
				continue
			}
			if strongerThan(q, p) {
				out = append(out, id)
				admin = admin || q.Admin
			}
		}
		sort.Strings(out)
		return out, admin
	}
	targetIDs := func(sc grantScope, kind string) []string {
		var out []string
		for id, t := range sc.targets {
			if t.Kind == kind {
				out = append(out, id)
			}
		}
		sort.Strings(out)
		return out
	}
	specific := func(esc Escalation, what string, ids []string, admin bool) {
		if len(ids) == 0 {
			return
		}
		level := ReachPrincipal
		if admin {
			level = ReachAdmin
		}
		add(esc, level, what+" "+strings.Join(ids, ", "), ids, false)
	}
	for _, esc := range e.Escalations {
		if len(esc.Actions) == 0 {
			continue
		}
		if esc.Path.ID == "iam-put-role-permissions-boundary" && e.Boundary == nil {
			continue // no boundary to remove
		}
		sc := scopeOf(e, esc.Actions[0])
		switch PathTarget(esc.Path) {
		case TargetSelf:
			kind := "role"
			switch {
			case strings.Contains(esc.Path.ID, "user"):
				kind = "user"
			case strings.Contains(esc.Path.ID, "group"):
				kind = "group"
			case strings.Contains(esc.Path.ID, "policy-version"):
				kind = "policy"
			}
			own := ""
			for id, t := range sc.targets {
				if t.Kind == kind && self[id] {
					own = id
				}
			}
			switch {
			case own != "":
				add(esc, ReachAdmin, "administrator: it can grant itself any permission through "+kind+" "+own, []string{own}, false)
			case kind == "policy" && sc.fullyOpen && hasCustomerPolicy:
				add(esc, ReachAdmin, "administrator: it can rewrite the customer-managed policies attached to it", nil, false)
			case kind == "policy":
				// Rewriting policies attached to others only helps those
				// others.
			case sc.fullyOpen && string(p.Kind) == kind:
				add(esc, ReachAdmin, "administrator: it can grant itself any permission (Resource \"*\" includes its own "+kind+")", nil, false)
			case sc.open && string(p.Kind) == kind && p.Name == "":
				add(esc, ReachAdmin, "administrator, if the pattern covers its own "+kind, nil, true)
			}
		case TargetTrust:
			ids, admin := stronger(targetIDs(sc, "role"), roleP)
			specific(esc, "role", ids, admin)
			if sc.open {
				add(esc, ReachAny, "any role in the account (after rewriting its trust policy)", nil, !sc.fullyOpen)
			}
		case TargetGroup:
			if p.Kind != UserPrincipal && !sc.fullyOpen {
				continue
			}
			ids, admin := stronger(targetIDs(sc, "group"), func(id string) *Actor { return byID[PrincipalRef{GroupPrincipal, id}] })
			specific(esc, "group", ids, admin)
			if sc.open {
				add(esc, ReachAny, "any group in the account", nil, !sc.fullyOpen)
			}
		case TargetUser:
			var others []string
			for _, id := range targetIDs(sc, "user") {
				if !self[id] {
					others = append(others, id)
				}
			}
			ids, admin := stronger(others, func(id string) *Actor { return byID[PrincipalRef{UserPrincipal, id}] })
			specific(esc, "user", ids, admin)
			if sc.open {
				add(esc, ReachAny, "any user in the account", nil, !sc.fullyOpen)
			}
		case TargetPassRole:
			var cands []string
			for _, id := range targetIDs(sc, "role") {
				if id != p.ID && trustsService(stack.Role(id), esc.Path.PassedTo) {
					cands = append(cands, id)
				}
			}
			ids, admin := stronger(cands, roleP)
			what := "role"
			if len(ids) == 1 {
				if t := trustOf(stack.Role(ids[0])); t != nil && t.ServiceOnly && len(t.Services) == 1 {
					// Nobody assumes it directly: passing it is the way in.
					ids[0] += ", which only " + t.Services[0] + " can assume"
				}
			}
			specific(esc, what, ids, admin)
			if len(ids) == 1 {
				paths[len(paths)-1].Targets = []string{strings.SplitN(ids[0], ",", 2)[0]}
			}
			if sc.open {
				add(esc, ReachAny, "any role in the account that "+esc.Path.PassedTo+" may assume", nil, !sc.fullyOpen)
			}
		case TargetFunction:
			var roles []string
			seen := map[string]bool{}
			for _, id := range targetIDs(sc, "function") {
				fn := stack.Function(id)
				if fn == nil || fn.Role == "" || fn.Role == p.ID || seen[fn.Role] {
					continue
				}
				seen[fn.Role] = true
				roles = append(roles, fn.Role)
			}
			ids, admin := stronger(roles, roleP)
			if len(ids) > 0 {
				level := ReachPrincipal
				if admin {
					level = ReachAdmin
				}
				add(esc, level, "the role of the functions using role "+strings.Join(ids, ", "), ids, false)
			}
			if sc.open {
				add(esc, ReachAny, "the role of any function in the account", nil, !sc.fullyOpen)
			}
		case TargetAssume:
			if sc.fullyOpen {
				add(esc, ReachAny, "any role whose trust policy trusts this account", nil, false)
			}
		case TargetService:
			var roles []string
			for _, q := range all {
				if q.Kind != RolePrincipal {
					continue
				}
				for _, u := range q.UsedBy {
					if serviceUse(esc.Path.ID, u.Kind) {
						roles = append(roles, q.ID)
						break
					}
				}
			}
			ids, admin := stronger(roles, roleP)
			specific(esc, "role", ids, admin)
			if sc.open && len(ids) == 0 {
				add(esc, ReachAny, "the role of any "+serviceNoun(esc.Path.ID)+" in the account", nil, !sc.fullyOpen)
			}
		}
	}
	// sts:AssumeRole on specific roles of the stack whose trust admits p.
	if sc := scopeOf(e, "sts:AssumeRole"); len(sc.targets) > 0 {
		var cands []string
		for _, id := range targetIDs(sc, "role") {
			if id != p.ID && trustsPrincipal(stack.Role(id), p) {
				cands = append(cands, id)
			}
		}
		if ids, admin := stronger(cands, roleP); len(ids) > 0 {
			esc := Escalation{Path: EscalationPath{ID: "sts-assume-role", Name: "assume a more privileged role"}, Actions: []string{"sts:AssumeRole"}, Statements: sc.statements}
			specific(esc, "role", ids, admin)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	paths = mergePaths(paths)
	sort.SliceStable(paths, func(i, j int) bool {
		if reachRank(paths[i].Level) != reachRank(paths[j].Level) {
			return reachRank(paths[i].Level) > reachRank(paths[j].Level)
		}
		return paths[i].ID < paths[j].ID
	})
	r := &Reach{Level: paths[0].Level, Paths: paths, Conditional: true}
	for _, x := range paths {
		if x.Level == r.Level && !x.Conditional {
			r.Conditional = false
		}
	}
	return r
}

// docsOf returns the identity policy documents of p as the model holds
// them.
func docsOf(stack *model.Stack, p *Actor) []*model.PolicyDoc {
	switch p.Kind {
	case RolePrincipal:
		if r := stack.Role(p.ID); r != nil {
			return r.Policies
		}
	case UserPrincipal:
		if u := stack.User(p.ID); u != nil {
			out := append([]*model.PolicyDoc(nil), u.Policies...)
			for _, g := range u.Groups {
				if grp := stack.Group(g); grp != nil {
					out = append(out, grp.Policies...)
				}
			}
			return out
		}
	case GroupPrincipal:
		if g := stack.Group(p.ID); g != nil {
			return g.Policies
		}
	}
	return nil
}

// serviceUse reports whether a role use is the kind of resource a
// service-reaching path acts on.
func serviceUse(path, kind string) bool {
	switch path {
	case "ssm-run-command", "ec2-instance-connect":
		return kind == "instance-profile"
	case "codebuild-start-build-override":
		return kind == "codebuild"
	case "sagemaker-notebook-url":
		return kind == "sagemaker-notebook"
	case "glue-update-dev-endpoint":
		return kind == "glue-dev-endpoint"
	}
	return false
}

func serviceNoun(path string) string {
	switch path {
	case "ssm-run-command", "ec2-instance-connect":
		return "EC2 instance"
	case "codebuild-start-build-override":
		return "CodeBuild project"
	case "sagemaker-notebook-url":
		return "SageMaker notebook"
	case "glue-update-dev-endpoint":
		return "Glue development endpoint"
	}
	return "resource"
}

// strongerThan reports whether q may do something p may not: q is an
// administrator and p is not, or one of q's grants is denied to p.
func strongerThan(q, p *Actor) bool {
	if q.Admin {
		return !p.Admin
	}
	if p.Admin || q.Effective == nil {
		return false
	}
	ps := p.Effective.PolicySet()
	for i, g := range q.Effective.Grants {
		if i > 5000 {
			return true
		}
		if g.Conditional {
			continue
		}
		if d := ps.Evaluate(&Request{Action: g.Action, Resource: g.Resource}); !d.Allowed() {
			return true
		}
	}
	return len(q.Effective.Unknown) > 0 && len(p.Effective.Unknown) == 0
}

// trustsPrincipal reports whether r's trust policy names p: its role
// (by reference) or user, or allows the account as a whole.
func trustsPrincipal(r *model.Role, p *Actor) bool {
	if r == nil || !r.Trust.Known() {
		return false
	}
	pol, _ := ParseDoc(r.Trust)
	for _, s := range pol.Statements {
		if s.Effect != Allow || s.NotPrincipal {
			continue
		}
		for _, pr := range s.Principals {
			if pr.Type != PrincipalAWS && pr.Type != PrincipalAny {
				continue
			}
			for _, ref := range pr.Refs {
				if ref == p.ID || strings.HasPrefix(ref, p.ID+".") {
					return true
				}
			}
			v := pr.Value
			if v == "*" || strings.HasSuffix(v, ":root") || IsAccountID(v) || strings.Contains(v, "${AWS::AccountId}") && !strings.Contains(v, ":role/") && !strings.Contains(v, ":user/") {
				return true
			}
			if p.Name != "" && (strings.HasSuffix(v, ":role/"+p.Name) || strings.HasSuffix(v, ":user/"+p.Name)) {
				return true
			}
		}
	}
	return false
}

// Summary renders the reach for messages: "administrator through 3
// paths".
func (r *Reach) Summary() string {
	n := len(r.Paths)
	what := "administrator"
	switch r.Level {
	case ReachAny:
		what = "other principals of the account"
	case ReachPrincipal:
		what = "more privileged principals of the application"
	}
	if n == 1 {
		return what + " through 1 path"
	}
	return fmt.Sprintf("%s through %d paths", what, n)
}

// mergePaths merges the entries of one path ID (a wildcard and the
// specific principals it covers) into one, at the strongest level.
func mergePaths(paths []ReachPath) []ReachPath {
	var out []ReachPath
	at := map[string]int{}
	for _, x := range paths {
		i, ok := at[x.ID]
		if !ok {
			at[x.ID] = len(out)
			out = append(out, x)
			continue
		}
		y := &out[i]
		if reachRank(x.Level) > reachRank(y.Level) {
			x.Reaches += "; " + y.Reaches
			x.Targets = model.SortedUnique(append(x.Targets, y.Targets...))
			x.Statements = append(x.Statements, y.Statements...)
			*y = x
			continue
		}
		y.Reaches += "; " + x.Reaches
		y.Targets = model.SortedUnique(append(y.Targets, x.Targets...))
		y.Conditional = y.Conditional && x.Conditional
	}
	return out
}
