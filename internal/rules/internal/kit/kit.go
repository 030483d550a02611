// Package kit holds small helpers that several rules share: reading
// resource policies for public principals, naming entry points, and
// walking the values a rule inspects. It holds no rule logic of its own.
package kit

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/cost"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// restricting are condition keys that pin a `*` principal to a known
// caller (an account, an organization, a source resource, a network), so
// that a statement using them is not public.
var restricting = []string{
	"aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:principalorgid",
	"aws:principalorgpaths", "aws:principalaccount", "aws:principalarn", "aws:sourcevpc",
	"aws:sourcevpce", "aws:sourceip", "aws:userid", "aws:username", "aws:sourceorgid",
	"aws:sourceorgpaths", "aws:principalservicename", "aws:calledvia", "aws:viaawsservice",
	"kms:callervia", "kms:calleraccount", "kms:viaservice", "lambda:functionurlauthtype",
	"aws:securetransport",
	// Alexa's skill ID: only that skill may invoke the function.
	"lambda:eventsourcetoken",
	// S3 access-point delegation: only access points of the account
	// (which carry their own policies) may use the bucket.
	"s3:dataaccesspointaccount", "s3:dataaccesspointarn",
}

// Restricted reports whether the statement has a condition that limits
// who the caller can be (aws:SourceArn, aws:PrincipalOrgID, …).
// aws:SecureTransport alone does not count.
func Restricted(s *iam.Statement) bool {
	for _, c := range s.Conditions {
		k := strings.ToLower(c.Key)
		if k == "aws:securetransport" || k == "lambda:functionurlauthtype" {
			continue
		}
		for _, r := range restricting {
			if k == r {
				return true
			}
		}
	}
	return false
}

// HasCondition reports whether s has a condition on key (case-insensitive).
func HasCondition(s *iam.Statement, key string) bool {
	for _, c := range s.Conditions {
		if strings.EqualFold(c.Key, key) {
			return true
		}
	}
	return false
}

// AnyPrincipal reports whether s allows every principal ("*" or
// {"AWS": "*"}).
func AnyPrincipal(s *iam.Statement) bool {
	if !s.HasPrincipal || s.NotPrincipal {
		return s.HasPrincipal && s.NotPrincipal
	}
	for _, p := range s.Principals {
		if p.Symbolic {
			continue
		}
		if p.Type == iam.PrincipalAny || (p.Type == iam.PrincipalAWS && p.Value == "*") {
			return true
		}
	}
	return false
}

// ServicePrincipal returns the first service principal of s
// ("s3.amazonaws.com"), or "".
func ServicePrincipal(s *iam.Statement) string {
	for _, p := range s.Principals {
		if p.Type == iam.PrincipalService {
			return p.Value
		}
	}
	return ""
}

// PublicStatements returns the Allow statements of a resource policy that
// any principal may use: a `*` principal without a condition that pins
// the caller.
func PublicStatements(d *model.PolicyDoc) []*iam.Statement {
	if !d.Known() {
		return nil
	}
	p, _ := iam.ParseDoc(d)
	var out []*iam.Statement
	for _, s := range p.Statements {
		if s.Effect == iam.Allow && AnyPrincipal(s) && !Restricted(s) {
			out = append(out, s)
		}
	}
	return out
}

// Statements parses d and returns its statements (nil when unknown).
func Statements(d *model.PolicyDoc) []*iam.Statement {
	if !d.Known() {
		return nil
	}
	p, _ := iam.ParseDoc(d)
	return p.Statements
}

// PolicyPos returns where statement s is written, falling back to the
// document's position.
func PolicyPos(s *iam.Statement, d *model.PolicyDoc) model.Pos {
	if s != nil && s.Pos.IsValid() {
		return s.Pos
	}
	return d.Pos
}

// EntryName names an entry point for messages: "GET /orders" for routes,
// "function URL of X" for URLs, "Query.getPost" for GraphQL resolvers,
// "the load balancer route /api/* to X" for load balancer targets.
func EntryName(ep *model.EntryPoint) string {
	switch ep.Kind {
	case model.EntryGraphQL:
		if ep.Method != "" && ep.Path != "" {
			return ep.Method + "." + ep.Path
		}
	case model.EntryFunctionURL:
		return "the function URL of " + ep.Function
	case model.EntryRoute:
		if ep.Method != "" || ep.Path != "" {
			return strings.TrimSpace(strings.ToUpper(ep.Method) + " " + ep.Path)
		}
	case model.EntryALB:
		if ep.Method != "" || ep.Path != "" {
			return "the load balancer route " + strings.TrimSpace(strings.ToUpper(ep.Method)+" "+ep.Path) + " to " + ep.Function
		}
		return "the load balancer target " + ep.Function
	}
	return ep.ID
}

// EntryNoun names an API's entry points in the plural for messages:
// "resolvers" for a GraphQL API, "routes" otherwise.
func EntryNoun(ep *model.EntryPoint) string {
	if ep.Kind == model.EntryGraphQL {
		return "resolvers"
	}
	return "routes"
}

// Resource returns the resource ID to report an entry point under: its
// API, or the entry point's own ID.
func Resource(ep *model.EntryPoint) string {
	if ep.API != "" {
		return ep.API
	}
	return ep.ID
}

// IsWebSocket reports whether the entry point is a route of a WebSocket
// API.
func IsWebSocket(st *model.Stack, ep *model.EntryPoint) bool {
	a := st.API(ep.API)
	return a != nil && a.Kind == model.APIWebSocket
}

// Truthy reports whether v is a resolved true.
func Truthy(v *model.Value) bool {
	b, ok := v.AsBool()
	return ok && b
}

// Falsy reports whether v is a resolved false.
func Falsy(v *model.Value) bool {
	b, ok := v.AsBool()
	return ok && !b
}

// Prop returns the property at keys of the resource with the given ID in
// st, or nil.
func Prop(st *model.Stack, id string, keys ...string) *model.Value {
	r := st.ByID(id)
	if r == nil {
		return nil
	}
	return r.Properties.Path(keys...)
}

// RoleFlag is an IAM engine flag of a role, with the functions using the
// role.
type RoleFlag struct {
	iam.Flag
	// Role is the role's model ID, or its ARN when outside the stack.
	Role string
	// Functions use the role, sorted.
	Functions []string
	// Pos is where to report: the statement when it is in the stack's
	// file, else the policy reference or the role.
	Pos model.Pos
	// Managed is true when the statement comes from an AWS managed policy.
	Managed bool
	// Template is the name of the SAM policy template (SQSPollerPolicy,
	// DynamoDBCrudPolicy, …) the statement was expanded from, or "" when
	// the statement is the user's own.
	Template string
}

// Flags returns the flags of kind k over the stack's functions, one per
// (role, statement, message), in a stable order.
func Flags(ctx context.Context, p *rule.Pass, k iam.FlagKind) []RoleFlag {
	an := p.Facts.IAM(ctx)
	if an == nil {
		return nil
	}
	var out []RoleFlag
	idx := map[string]int{}
	for _, e := range an.Functions {
		for _, f := range e.Flags {
			if f.Kind != k {
				continue
			}
			role := e.Role
			if role == "" {
				role = e.RoleARN
			}
			key := role + "\x00" + f.Message + "\x00" + f.Statement.File + fmt.Sprint(f.Statement.Line)
			if i, ok := idx[key]; ok {
				out[i].Functions = append(out[i].Functions, e.Function)
				continue
			}
			rf := RoleFlag{Flag: f, Role: role, Functions: []string{e.Function}, Pos: f.Pos}
			rf.Managed = managedPolicy(f.Statement.Policy)
			rf.Template = samTemplate(p.Stack.Role(e.Role), f.Statement.Policy)
			if rf.Pos.File != p.Stack.File || rf.Pos.Line == 0 {
				rf.Pos = rolePos(p.Stack, e, f.Statement.Policy)
			}
			idx[key] = len(out)
			out = append(out, rf)
		}
	}
	for i := range out {
		// A function whose role carries the flag twice (two statements on
		// one line) is listed once.
		out[i].Functions = model.SortedUnique(out[i].Functions)
	}
	return out
}

// samTemplate returns the SAM policy template the named policy of role r
// was expanded from, or "".
func samTemplate(r *model.Role, policy string) string {
	if r == nil {
		return ""
	}
	for _, d := range r.Policies {
		if d.Name == policy && d.Source == model.PolicySAMTemplate {
			return d.Name
		}
	}
	return ""
}

func managedPolicy(name string) bool {
	return strings.Contains(name, ":iam::aws:policy/")
}

// rolePos finds where the role of e references the named policy, else the
// role or function.
func rolePos(st *model.Stack, e *iam.Effective, policy string) model.Pos {
	if r := st.Role(e.Role); r != nil {
		for _, d := range r.Policies {
			if d.Name == policy && d.Pos.IsValid() {
				return d.Pos
			}
		}
		if r.Pos.IsValid() {
			return r.Pos
		}
	}
	if fn := st.Function(e.Function); fn != nil {
		return fn.Pos
	}
	return model.Pos{File: st.File}
}

// Who describes the functions using a role for messages: "function Fn"
// or "functions A, B".
func Who(fns []string) string {
	if len(fns) == 1 {
		return "function " + fns[0]
	}
	return "functions " + strings.Join(fns, ", ")
}

// ReportFlag reports f with message msg under the role, at the rule's
// severity lowered when nothing reaches the role's functions (see
// Reachability).
func ReportFlag(p *rule.Pass, f RoleFlag, msg string) { reportFlag(p, f, msg, false) }

// ReportGrant is ReportFlag for a flag about what a compromised function
// could do with its role: the severity is also raised when anyone on the
// internet can run one of the functions (see Exposure).
func ReportGrant(p *rule.Pass, f RoleFlag, msg string) { reportFlag(p, f, msg, true) }

func reportFlag(p *rule.Pass, f RoleFlag, msg string, raise bool) {
	sev, why := Reachability(p, p.Rule.Severity, f.Functions)
	var path []graph.NodeID
	if raise && why == "" {
		sev, why, path = Exposure(p, p.Rule.Severity, f.Functions)
	}
	reportFlagAs(p, f, sev, msg+why, path)
}

// ReportFlagAs reports f with message msg under the role at severity sev,
// for a rule that decides the severity itself.
func ReportFlagAs(p *rule.Pass, f RoleFlag, sev rule.Severity, msg string) {
	reportFlagAs(p, f, sev, msg, nil)
}

// reportFlagAs is ReportFlagAs with the graph path that made the severity
// (nil: none).
func reportFlagAs(p *rule.Pass, f RoleFlag, sev rule.Severity, msg string, path []graph.NodeID) {
	res := f.Role
	if p.Stack.Role(f.Role) == nil && len(f.Functions) == 1 {
		res = f.Functions[0]
	}
	p.Report(rule.Finding{Resource: res, File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col, Severity: sev,
		Confidence: f.Flag.Confidence, Message: msg, Path: path})
}

// unreachedWhen and exposedWhen are the conditions of the reachability
// adjustments, as `nightlight explain` lists them.
const (
	unreachedWhen = "when no entry point, trigger or other function reaches the functions using the role: only principals of the account can run them"
	exposedWhen   = "when anyone on the internet can run one of the functions using the role without authentication (at most high)"
)

// Reached declares the reachability adjustment of ReportFlag for a rule
// whose default is def: one level lower when nothing reaches the role.
func Reached(def rule.Severity) []rule.Adjustment {
	if Lower(def) == def {
		return nil
	}
	return []rule.Adjustment{{Severity: Lower(def), When: unreachedWhen}}
}

// Exposed declares the adjustments of ReportGrant for a rule whose
// default is def: one level lower when nothing reaches the role, one
// level higher (at most high) when the internet reaches a function.
func Exposed(def rule.Severity) []rule.Adjustment {
	out := Reached(def)
	if up := raise(def); up != def {
		out = append(out, rule.Adjustment{Severity: up, When: exposedWhen})
	}
	return out
}

// raise returns the severity one level above s, at most high: a
// compromised function's permissions need the compromise first, so they
// are never "exploitable now" (critical) on their own.
func raise(s rule.Severity) rule.Severity {
	switch s {
	case rule.Info:
		return rule.Low
	case rule.Low:
		return rule.Medium
	case rule.Medium:
		return rule.High
	}
	return s
}

// Exposure raises sev one level (at most high) when anyone on the
// internet can run one of fns without authentication (the graph has a
// path from the internet principal to it), as the severity model in
// docs/rules.md says; why names the path, which is also returned for the
// finding's Path. Otherwise sev stays.
func Exposure(p *rule.Pass, sev rule.Severity, fns []string) (rule.Severity, string, []graph.NodeID) {
	up := raise(sev)
	if p.Graph == nil || up == sev {
		return sev, "", nil
	}
	for _, fn := range fns {
		path := p.Graph.ShortestPath(graph.PrincipalInternet, FnNode(p, fn))
		if len(path) == 0 {
			continue
		}
		var steps []string
		for _, id := range path {
			steps = append(steps, id.Ref)
		}
		return up, fmt.Sprintf(" (severity raised from %s: anyone on the internet can run function %s without authentication: %s)", sev, fn, strings.Join(steps, " → ")), path
	}
	return sev, "", nil
}

// Reachability adjusts the severity of a finding about the permissions of
// fns by who can start them, as the severity model in docs/rules.md says:
// when nothing in the application graph reaches any of them (no entry
// point, trigger, store or other function), only principals of the account
// can run them and the severity is one level lower; otherwise it stays.
// why is "" or the reason to append to the message.
func Reachability(p *rule.Pass, sev rule.Severity, fns []string) (rule.Severity, string) {
	if p.Graph == nil || len(fns) == 0 {
		return sev, ""
	}
	for _, fn := range fns {
		if len(p.Graph.Reaching(FnNode(p, fn))) > 0 {
			return sev, ""
		}
	}
	lower := Lower(sev)
	if lower == sev {
		return sev, ""
	}
	return lower, fmt.Sprintf(" (severity lowered from %s: no entry point, trigger or other function reaches %s, so only principals of the account can run it)", sev, Who(fns))
}

// Lower returns the severity one level below s (info stays info).
func Lower(s rule.Severity) rule.Severity {
	switch s {
	case rule.Critical:
		return rule.High
	case rule.High:
		return rule.Medium
	case rule.Medium:
		return rule.Low
	}
	return rule.Info
}

// CostModel returns the denial-of-wallet model of the pass's stack, with
// downstream writes taken from the IAM engine (stores a function's policy
// names exactly).
func CostModel(ctx context.Context, p *rule.Pass) *cost.Model {
	m, _ := rule.ResultOf(ctx, p, CostAnalysis)
	return m
}

// CostAnalysis builds the stack's cost model once per stack.
var CostAnalysis = &rule.Analysis[*cost.Model]{Name: "cost", PerStack: true,
	Run: func(ctx context.Context, p *rule.Pass) (*cost.Model, error) {
		facts := p.Facts
		return &cost.Model{Stack: p.Stack, Prices: cost.DefaultPrices(), Writes: func(fn *model.Function) []*model.Store {
			var out []*model.Store
			for _, a := range facts.Access(ctx, fn) {
				if a.Write && a.Exact {
					out = append(out, a.Store)
				}
			}
			return out
		}}, nil
	}}

// Public reports whether anyone can call an entry point without real
// authentication (anonymous, or an API key only). It reads the whole
// exposure model, not only the route's own auth: a PRIVATE API (VPC
// endpoints only), a target of an internal load balancer and an API whose
// resource policy pins or denies outside callers are not public, and a WebSocket route is reached only through
// the API's $connect route, whose authorization counts for every route.
func Public(st *model.Stack, ep *model.EntryPoint) bool {
	if ep.Internal() {
		return false // an internal load balancer's target: VPC callers only
	}
	auth := ep.Auth.Type
	if api := st.API(ep.API); api != nil {
		if api.Private() || PolicyRestrictsCallers(api.Policy) {
			return false
		}
		if api.Kind == model.APIWebSocket && ep.Path != "$connect" {
			if c := ConnectRoute(st, api.ID); c != nil && c.Auth.Type != model.AuthNone && c.Auth.Type != model.AuthAPIKey {
				auth = c.Auth.Type
			}
		}
	}
	return auth == model.AuthNone || auth == model.AuthAPIKey
}

// ConnectRoute returns the $connect route of a WebSocket API, or nil.
func ConnectRoute(st *model.Stack, api string) *model.EntryPoint {
	for _, ep := range st.EntryPoints {
		if ep.API == api && ep.Path == "$connect" {
			return ep
		}
	}
	return nil
}

// PolicyRestrictsCallers reports whether a resource policy keeps the
// anonymous internet out: no statement allows any principal without a
// condition on the caller, or a Deny for any principal carries such a
// condition (the usual "Deny unless aws:SourceVpce" and IP allow lists).
// An unknown or absent policy restricts nothing.
func PolicyRestrictsCallers(d *model.PolicyDoc) bool {
	if !d.Known() {
		return false
	}
	sts := Statements(d)
	if len(sts) == 0 {
		return false
	}
	for _, s := range sts {
		if s.Effect == iam.Deny && AnyPrincipal(s) && Restricted(s) {
			return true
		}
	}
	return len(PublicStatements(d)) == 0
}

// Broader reports whether the statement that granted f also carries a
// full or service wildcard flag, which a more specific rule already
// reports (NL3001, NL3002).
func Broader(ctx context.Context, p *rule.Pass, f RoleFlag) bool {
	for _, k := range []iam.FlagKind{iam.FlagFullWildcard, iam.FlagServiceWildcard} {
		for _, o := range Flags(ctx, p, k) {
			if o.Role == f.Role && o.Statement.Line == f.Statement.Line && o.Statement.File == f.Statement.File {
				return true
			}
		}
	}
	return false
}

// WildcardSecrets reports whether a secrets-read flag covers a pattern of
// secrets or parameters (a "*" in its resource) rather than one named
// secret: what NL3007 reports, and NL3003 therefore leaves to it.
func WildcardSecrets(f RoleFlag) bool { return strings.Contains(f.Resource, "*") }

// Plural returns one when n is 1, else many: the word a count takes.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Count writes n with the noun it takes: "1 route", "3 routes".
func Count(n int, one, many string) string {
	return fmt.Sprintf("%d %s", n, Plural(n, one, many))
}

// Actions lists up to n actions and says how many more there are.
func Actions(acts []string, n int) string {
	if len(acts) <= n {
		return strings.Join(acts, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(acts[:n], ", "), len(acts)-n)
}

// Graph node IDs for finding paths (see graph.ID), so that reports can
// draw a finding's path on the application graph.

// FnNode is the graph node ID of a function of the pass's stack.
func FnNode(p *rule.Pass, id string) graph.NodeID {
	return graph.ID(p.Stack.ID, graph.NodeFunction, id)
}

// StoreNode is the graph node ID of a store of the pass's stack.
func StoreNode(p *rule.Pass, id string) graph.NodeID {
	return graph.ID(p.Stack.ID, graph.NodeStore, id)
}

// EntryNode is the graph node ID of an entry point of the pass's stack.
func EntryNode(p *rule.Pass, ep *model.EntryPoint) graph.NodeID {
	return graph.ID(p.Stack.ID, graph.NodeEntryPoint, ep.ID)
}

// Caller is the graph principal that can call a public entry point:
// anyone, or anyone holding an API key.
func Caller(ep *model.EntryPoint) graph.NodeID {
	if ep.Auth.Type == model.AuthAPIKey {
		return graph.PrincipalAPIKey
	}
	return graph.PrincipalInternet
}

// EntryPath is the path caller → entry point → function (when it has one).
func EntryPath(p *rule.Pass, ep *model.EntryPoint) []graph.NodeID {
	out := []graph.NodeID{Caller(ep), EntryNode(p, ep)}
	if ep.Function != "" {
		return append(out, FnNode(p, ep.Function))
	}
	// A service integration: the store it writes.
	for _, ref := range ep.Target.AllRefs() {
		if p.Stack.Store(ref) != nil {
			return append(out, StoreNode(p, ref))
		}
	}
	return out
}

// UnconditionalOnAny calls report once per principal (a role, or the
// function when its role is outside the stack) allowed action on Resource
// "*" with no condition, giving the position to report (the first such
// statement, or the function when the statement is in another file), the
// resource to name (the role, or the function without one) and who uses it
// ("function A" / "functions A, B"). A principal that already holds every
// action on every resource is left out: a narrower finding says nothing
// more than the administrator finding (NL3001, NL3014) does; so is one
// that can escalate its privileges (NL3005 lists its paths, this action
// among them).
func UnconditionalOnAny(ctx context.Context, p *rule.Pass, action string, report func(pos model.Pos, res, who string)) {
	an := p.Facts.IAM(ctx)
	if an == nil {
		return
	}
	type hit struct {
		pos model.Pos
		fns []string
	}
	var order []string
	hits := map[string]*hit{}
	for _, e := range an.Functions {
		if Admin(e) || (e.Role != "" && Escalates(ctx, p, e.Role)) {
			continue
		}
		for _, g := range e.Grants {
			if !strings.EqualFold(g.Action, action) || g.Resource != "*" || g.Conditional {
				continue
			}
			res := e.Role
			if res == "" {
				res = e.Function
			}
			h := hits[res]
			if h == nil {
				pos := model.Pos{File: g.Statement.File, Line: g.Statement.Line}
				if pos.File != p.Stack.File {
					pos = p.Stack.Function(e.Function).Pos
				}
				h = &hit{pos: pos}
				hits[res] = h
				order = append(order, res)
			}
			h.fns = append(h.fns, e.Function)
			break
		}
	}
	for _, res := range order {
		h := hits[res]
		report(h.pos, res, Who(model.SortedUnique(h.fns)))
	}
}

// Admin reports whether the effective permissions allow every action on
// every resource without condition (AdministratorAccess, Action "*").
func Admin(e *iam.Effective) bool {
	for _, f := range e.Flags {
		if f.Kind == iam.FlagFullWildcard && f.Resource == "*" && f.Confidence == model.ConfidenceHigh {
			return true
		}
	}
	return false
}

// ReportPublicPolicies reports each statement of the stack's resource
// policies of the given kinds that lets anyone in (Principal "*" with no
// condition on the caller); noun names a policy's kind in the message.
func ReportPublicPolicies(p *rule.Pass, kinds map[model.ResourcePolicyKind]bool, noun func(model.ResourcePolicyKind) string) {
	for _, rp := range p.Stack.ResourcePolicies {
		if !kinds[rp.Kind] {
			continue
		}
		for _, s := range PublicStatements(rp.Doc) {
			target := rp.ID
			if len(rp.Targets) > 0 {
				target = strings.Join(rp.Targets, ", ")
			}
			pos := PolicyPos(s, rp.Doc)
			p.Report(rule.Finding{
				Resource: target,
				File:     pos.File, Line: pos.Line,
				Message: fmt.Sprintf("the %s policy %s lets anyone (Principal \"*\", no condition on the caller) %s on %s", noun(rp.Kind), rp.ID, strings.Join(s.ActionStrings(), ", "), target),
			})
		}
	}
}

// Escalates reports whether NL3005 reports the principal with this ID (a
// role, user or standalone policy of the stack): it can escalate its
// privileges. The narrower escalation-family rules (NL3014, NL3015,
// NL3016) then stay silent about it, so that a principal gets one
// escalation finding, which names everything it holds. A principal whose
// one path is sts:AssumeRole on "*" is NL3016's.
func Escalates(ctx context.Context, p *rule.Pass, id string) bool {
	an := p.Facts.IAM(ctx)
	if an == nil {
		return false
	}
	for _, a := range an.Principals {
		if a.ID == id && EscalationReported(a) {
			return true
		}
	}
	return false
}

// EscalationReported reports whether NL3005 reports principal a: it has
// an escalation path, it is not a group whose members report it, and its
// paths are more than sts:AssumeRole on "*" alone, which NL3016 reports.
func EscalationReported(a *iam.Actor) bool {
	if a == nil || a.Reach == nil || (a.Kind == iam.GroupPrincipal && len(a.Members) > 0) {
		return false
	}
	for _, x := range a.Reach.Paths {
		if x.ID != "sts-assume-any-role" {
			return true
		}
	}
	return false
}

// BroadManaged returns the names (without the ARN prefix) of the AWS
// managed policies attached to role r that grant administrator or
// whole-service access (AdministratorAccess, PowerUserAccess,
// IAMFullAccess, *FullAccess), in the order attached, and where each is
// attached.
func BroadManaged(r *model.Role) (names []string, pos []model.Pos) {
	if r == nil {
		return nil, nil
	}
	for _, d := range r.Policies {
		if d.Source != model.PolicyManaged {
			continue
		}
		if strings.HasPrefix(d.Name, "arn:") && !strings.Contains(d.Name, ":iam::aws:policy/") {
			continue // a customer managed policy
		}
		name := d.Name[strings.LastIndex(d.Name, "/")+1:]
		switch {
		case name == "AdministratorAccess", name == "PowerUserAccess", name == "IAMFullAccess", strings.HasSuffix(name, "FullAccess"):
			names = append(names, name)
			pos = append(pos, d.Pos)
		}
	}
	return names, pos
}

// RuntimeGroup is the functions of a stack that take one runtime from one
// place: a serverless.yml provider, SAM Globals, or the function itself.
type RuntimeGroup struct {
	Runtime   string
	Pos       model.Pos
	Functions []string
}

// RuntimeGroups groups the stack's functions by runtime and by where the
// runtime is written, in the order of the first function of each group,
// so that a runtime set once at provider level is one finding at that
// line listing its functions, not one per function.
func RuntimeGroups(st *model.Stack) []RuntimeGroup {
	type key struct {
		rt  string
		pos model.Pos
	}
	idx := map[key]int{}
	var out []RuntimeGroup
	for _, fn := range st.Functions {
		rt := fn.Runtime.String()
		if rt == "" {
			continue
		}
		k := key{rt, fn.Runtime.PosOr(fn.Pos)}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, RuntimeGroup{Runtime: rt, Pos: k.pos})
		}
		out[i].Functions = append(out[i].Functions, fn.ID)
	}
	return out
}

// Runs is the subject of a sentence about the group: "function a runs",
// "functions a, b run".
func (g RuntimeGroup) Runs() string {
	if len(g.Functions) == 1 {
		return Who(g.Functions) + " runs"
	}
	return Who(g.Functions) + " run"
}

// Path returns the graph path of the group's functions.
func (g RuntimeGroup) Path(p *rule.Pass) []graph.NodeID {
	out := make([]graph.NodeID, 0, len(g.Functions))
	for _, f := range g.Functions {
		out = append(out, FnNode(p, f))
	}
	return out
}

// SpendHigh and SpendMedium are the worst-case spend per hour (USD) from
// which a denial-of-wallet finding is high or medium; below SpendMedium it
// is low. One scale serves every platform, so the same bill gets the same
// severity on AWS, Azure, Google Cloud and OpenWhisk.
const (
	SpendHigh   = 100.0
	SpendMedium = 10.0
)

// SpendSeverity is the severity of a worst-case spend per hour on the
// shared scale (SpendHigh, SpendMedium).
func SpendSeverity(perHour float64) rule.Severity {
	switch {
	case perHour >= SpendHigh:
		return rule.High
	case perHour >= SpendMedium:
		return rule.Medium
	}
	return rule.Low
}

// SpendAdjust declares SpendSeverity's departures from a Medium default.
func SpendAdjust() []rule.Adjustment {
	return []rule.Adjustment{
		{Severity: rule.High, When: "when the worst-case spend is $100 per hour or more"},
		{Severity: rule.Low, When: "when the worst-case spend is under $10 per hour"},
	}
}
