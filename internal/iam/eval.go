package iam

import (
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Context holds a request's condition keys and their values. Keys compare
// case-insensitively, as in AWS. The zero value is an empty, open context.
type Context struct {
	entries []ctxEntry
	// Complete says the context lists every key the request carries, so a
	// key that is not set is absent (AWS semantics). When false (the
	// default, for static analysis), a key that is not set is unknown and
	// conditions on it make the decision conditional.
	Complete bool
	// Absent lists keys known to be absent even when Complete is false.
	Absent []string
}

type ctxEntry struct {
	key    string
	values []string
}

// Set sets key to values (several values make it multivalued), replacing
// any earlier values.
func (c *Context) Set(key string, values ...string) {
	for i := range c.entries {
		if strings.EqualFold(c.entries[i].key, key) {
			c.entries[i].values = values
			return
		}
	}
	c.entries = append(c.entries, ctxEntry{key: key, values: values})
}

// Get returns the values of key and whether it is set.
func (c *Context) Get(key string) ([]string, bool) {
	for i := range c.entries {
		if equalFoldASCII(c.entries[i].key, key) {
			return c.entries[i].values, true
		}
	}
	return nil, false
}

// Keys returns the keys that are set, sorted.
func (c *Context) Keys() []string {
	out := make([]string, len(c.entries))
	for i, e := range c.entries {
		out[i] = e.key
	}
	sort.Strings(out)
	return out
}

// lookup returns the values of key: present says the request carries it,
// known says whether that is known at all. aws:PrincipalArn and
// aws:PrincipalAccount default from the request's principal.
func (c *Context) lookup(key string, r *Request) (vals []string, present, known bool) {
	if v, ok := c.Get(key); ok {
		return v, true, true
	}
	if r != nil && r.Principal != "" && r.Principal != "*" {
		switch {
		case equalFoldASCII(key, "aws:PrincipalArn") && strings.HasPrefix(r.Principal, "arn:"):
			return []string{principalARN(r.Principal)}, true, true
		case equalFoldASCII(key, "aws:PrincipalAccount"):
			if a := accountOf(r.Principal); a != "" {
				return []string{a}, true, true
			}
		}
	}
	for _, a := range c.Absent {
		if equalFoldASCII(a, key) {
			return nil, false, true
		}
	}
	return nil, false, c.Complete
}

// Request is one API call to decide.
type Request struct {
	// Principal is who makes the call: an IAM role, user or assumed-role
	// session ARN, an account ID, a service principal
	// ("s3.amazonaws.com"), or "*" / "" for an anonymous caller.
	Principal string
	// Action is "service:Action" (any case).
	Action string
	// Resource is the ARN acted on ("*" for actions without resources). It
	// may contain ${…} symbols from a template.
	Resource string
	// ResourceAccount is the account that owns the resource. "" means: the
	// account in Resource's ARN, or, when the ARN has none (S3), the
	// principal's account.
	ResourceAccount string
	Context         Context
}

// PolicySet is the policies that decide requests for one principal and
// resource.
type PolicySet struct {
	// Identity are the principal's identity-based policies.
	Identity []*Policy
	// Boundary is the permissions boundary; nil means none. A boundary
	// limits what identity policies (and resource policies naming the role
	// ARN) can grant.
	Boundary *Policy
	// Resource are the resource's resource-based policies.
	Resource []*Policy
	// Session is a session policy passed when the role was assumed; nil
	// means none. It limits like a boundary.
	Session *Policy
	// SCPs are service control policies, one per level of the
	// organization (root, OU, account): every level must allow, and a deny
	// at any level denies.
	SCPs []*Policy
}

// hasDeny reports whether a policy of the set has a Deny statement:
// without one, no request is explicitly denied.
func (ps *PolicySet) hasDeny() bool {
	pols := append(append(append([]*Policy{ps.Boundary, ps.Session}, ps.Identity...), ps.Resource...), ps.SCPs...)
	for _, p := range pols {
		if p == nil {
			continue
		}
		for _, s := range p.Statements {
			if s.Effect == Deny {
				return true
			}
		}
	}
	return false
}

// Outcome is the final decision.
type Outcome string

// Outcomes.
const (
	OutcomeAllow        Outcome = "allow"
	OutcomeExplicitDeny Outcome = "explicit-deny"
	OutcomeImplicitDeny Outcome = "implicit-deny"
)

// PolicyKind tells which policy a matched statement came from.
type PolicyKind string

// Policy kinds.
const (
	KindIdentity PolicyKind = "identity"
	KindResource PolicyKind = "resource"
	KindBoundary PolicyKind = "boundary"
	KindSession  PolicyKind = "session"
	KindSCP      PolicyKind = "scp"
)

// Matched is a statement that took part in a decision.
type Matched struct {
	StatementRef
	Kind PolicyKind `json:"kind"`
	// Conditional is true when the statement applies only if its
	// conditions (or symbolic parts) turn out to hold.
	Conditional bool `json:"conditional,omitempty"`
	// Unknown is true for an unknown managed policy, which may grant
	// anything.
	Unknown bool `json:"unknown,omitempty"`
	// Statement is the statement as written (nil for unknown policies).
	Statement *model.Value `json:"statement,omitempty"`
}

// Decision is the result of evaluating a request.
type Decision struct {
	// Outcome is allow, explicit-deny or implicit-deny. When Conditional is
	// set, Outcome is allow and holds only if the Conditions do.
	Outcome Outcome `json:"decision"`
	// Conditional is true when the outcome depends on condition keys whose
	// values are unknown or on unresolved template values.
	Conditional bool `json:"conditional,omitempty"`
	// Conditions explains a conditional allow: each entry is a requirement
	// ("aws:SourceArn ArnLike \"arn:aws:s3:::b\"") or, prefixed with
	// "unless ", a possible deny.
	Conditions []string `json:"conditions,omitempty"`
	// CrossAccount is true when principal and resource are in different
	// accounts, so both identity and resource policy must allow.
	CrossAccount bool `json:"crossAccount,omitempty"`
	// Matched are the statements that decided: the denying statements for
	// an explicit deny, the allowing ones for an allow.
	Matched []Matched `json:"matched"`
}

// Allowed reports whether the request is allowed, certainly or
// conditionally.
func (d Decision) Allowed() bool { return d.Outcome == OutcomeAllow }

// evalState carries one evaluation.
type evalState struct {
	req        *Request
	svc, name  string
	resPh      bool
	principal  string
	reasons    []string
	collecting bool
}

func (s *evalState) because(r string) {
	if s.collecting {
		s.reasons = append(s.reasons, r)
	}
}

// varLookup resolves a policy variable from the request context.
func (s *evalState) varLookup(name string) (string, bool) {
	vals, present, known := s.req.Context.lookup(name, s.req)
	if !known || !present || len(vals) != 1 {
		return "", false
	}
	return vals[0], true
}

// Evaluate decides the request with AWS's policy evaluation logic: an
// explicit deny in any policy wins; otherwise, within one account, an allow
// from an identity policy (within the permissions boundary) or from a
// resource policy naming the principal allows; across accounts both the
// identity and the resource policy must allow. Unknown condition keys and
// symbolic values give a conditional allow that lists what must hold.
func (ps *PolicySet) Evaluate(req *Request) Decision {
	st := evalState{req: req}
	st.svc, st.name, _ = strings.Cut(req.Action, ":")
	st.resPh = hasPlaceholder(req.Resource)
	st.principal = req.Principal

	var d Decision
	var denyMaybe []*Statement
	var allowID, allowRes, allowBound []match
	idAllow, bound := No, Yes
	resDirect, resAny := No, No // resource-policy allow: usable alone (same account), and by anyone (cross account)

	// Identity policies.
	for _, p := range ps.Identity {
		if p == nil {
			continue
		}
		if p.Unknown {
			idAllow = maxTri(idAllow, Maybe)
			allowID = append(allowID, match{pol: p, t: Maybe})
		}
		for _, s := range p.Statements {
			t := s.applies(&st, false)
			if t == No {
				continue
			}
			if s.Effect == Deny {
				if t == Yes {
					d.Matched = append(d.Matched, matchedOf(s, KindIdentity, Yes))
				} else {
					denyMaybe = append(denyMaybe, s)
				}
				continue
			}
			idAllow = maxTri(idAllow, t)
			allowID = append(allowID, match{st: s, t: t})
		}
	}
	// Permissions boundary, session policy, SCPs: each must allow.
	if ps.Boundary != nil {
		bound = st.gate(ps.Boundary, KindBoundary, &d, &denyMaybe, &allowBound)
	}
	if ps.Session != nil {
		bound = minTri(bound, st.gate(ps.Session, KindSession, &d, &denyMaybe, &allowBound))
	}
	scp := Yes
	for _, p := range ps.SCPs {
		scp = minTri(scp, st.gate(p, KindSCP, &d, &denyMaybe, &allowBound))
	}
	// Resource policies.
	for _, p := range ps.Resource {
		if p == nil {
			continue
		}
		if p.Unknown {
			resAny = maxTri(resAny, Maybe)
			resDirect = maxTri(resDirect, Maybe)
			allowRes = append(allowRes, match{pol: p, t: Maybe})
		}
		for _, s := range p.Statements {
			t := s.applies(&st, true)
			if t == No {
				continue
			}
			if s.Effect == Deny {
				if t == Yes {
					d.Matched = append(d.Matched, matchedOf(s, KindResource, Yes))
				} else {
					denyMaybe = append(denyMaybe, s)
				}
				continue
			}
			pk := st.principalKind(s)
			resAny = maxTri(resAny, t)
			switch pk {
			case pmDirect:
				resDirect = maxTri(resDirect, t)
			case pmEntity:
				resDirect = maxTri(resDirect, minTri(t, bound))
			}
			allowRes = append(allowRes, match{st: s, t: t})
		}
	}
	if len(d.Matched) > 0 {
		d.Outcome = OutcomeExplicitDeny
		return d
	}

	d.CrossAccount = st.crossAccount()
	viaID := minTri(idAllow, bound)
	var total Tri
	switch {
	case len(ps.Resource) == 0 && !d.CrossAccount:
		total = viaID
	case d.CrossAccount:
		total = minTri(viaID, resAny)
	default:
		total = maxTri(viaID, resDirect)
	}
	total = minTri(total, scp)
	if total == No {
		d.Outcome = OutcomeImplicitDeny
		return d
	}
	d.Outcome = OutcomeAllow
	if viaID != No {
		for _, m := range allowID {
			d.Matched = append(d.Matched, m.matched(KindIdentity))
		}
	}
	for _, m := range allowBound {
		d.Matched = append(d.Matched, m.matched(m.kind))
	}
	if resAny != No && (d.CrossAccount || resDirect != No) {
		for _, m := range allowRes {
			d.Matched = append(d.Matched, m.matched(KindResource))
		}
	}
	if total == Maybe || len(denyMaybe) > 0 {
		d.Conditional = true
		d.Conditions = st.explain(ps, denyMaybe)
	}
	return d
}

// match is an applicable allow statement (or unknown policy).
type match struct {
	st   *Statement
	pol  *Policy
	t    Tri
	kind PolicyKind // for gates
}

// gate evaluates a policy that must also allow (a permissions boundary, a
// session policy, one level of SCPs), recording its explicit denies in d,
// its possible denies in denyMaybe and its allows in allows.
func (st *evalState) gate(p *Policy, kind PolicyKind, d *Decision, denyMaybe *[]*Statement, allows *[]match) Tri {
	t := No
	if p.Unknown {
		t = Maybe
		*allows = append(*allows, match{pol: p, t: Maybe, kind: kind})
	}
	for _, s := range p.Statements {
		a := s.applies(st, false)
		if a == No {
			continue
		}
		if s.Effect == Deny {
			if a == Yes {
				d.Matched = append(d.Matched, matchedOf(s, kind, Yes))
			} else {
				*denyMaybe = append(*denyMaybe, s)
			}
			continue
		}
		t = maxTri(t, a)
		*allows = append(*allows, match{st: s, t: a, kind: kind})
	}
	return t
}

func (m match) matched(k PolicyKind) Matched {
	if m.st != nil {
		return matchedOf(m.st, k, m.t)
	}
	return Matched{StatementRef: StatementRef{Policy: m.pol.Name, Effect: Allow, File: m.pol.Pos.File, Line: m.pol.Pos.Line}, Kind: k, Conditional: true, Unknown: true}
}

func matchedOf(s *Statement, k PolicyKind, t Tri) Matched {
	return Matched{StatementRef: s.Ref(), Kind: k, Conditional: t != Yes, Statement: s.Raw}
}

// explain re-evaluates the conditional statements collecting the reasons;
// it runs only for conditional decisions, off the hot path.
func (st *evalState) explain(ps *PolicySet, denyMaybe []*Statement) []string {
	st.collecting = true
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	collect := func(p *Policy, resource bool) {
		if p == nil {
			return
		}
		if p.Unknown {
			add("the unknown policy " + p.Name + " grants it")
		}
		for _, s := range p.Statements {
			if s.Effect != Allow {
				continue
			}
			st.reasons = st.reasons[:0]
			if s.applies(st, resource) == Maybe {
				add(strings.Join(st.reasons, " and "))
			}
		}
	}
	for _, p := range ps.Identity {
		collect(p, false)
	}
	collect(ps.Boundary, false)
	collect(ps.Session, false)
	for _, p := range ps.SCPs {
		collect(p, false)
	}
	for _, p := range ps.Resource {
		collect(p, true)
	}
	for _, s := range denyMaybe {
		st.reasons = st.reasons[:0]
		s.applies(st, s.HasPrincipal)
		add("unless " + strings.Join(st.reasons, " and ") + " (" + s.Ref().String() + ")")
	}
	st.collecting = false
	return out
}

// String renders a statement reference as policy[#sid] file:line.
func (r StatementRef) String() string {
	s := r.Policy
	if r.Sid != "" {
		s += "#" + r.Sid
	} else {
		s += "#" + itoa(r.Index)
	}
	if r.File != "" {
		s += " " + model.Pos{File: r.File, Line: r.Line}.String()
	}
	return s
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	neg := i < 0
	if neg {
		i = -i
	}
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		n--
		b[n] = '-'
	}
	return string(b[n:])
}

// crossAccount reports whether principal and resource are known to be in
// different accounts.
func (st *evalState) crossAccount() bool {
	pa := accountOf(st.req.Principal)
	ra := st.req.ResourceAccount
	if ra == "" {
		ra = arnAccount(st.req.Resource)
	}
	if pa == "" || ra == "" || hasPlaceholder(pa) || hasPlaceholder(ra) || ra == "*" {
		return false
	}
	return pa != ra
}

// applies reports whether the statement applies to the request, ignoring
// its effect. resource says the statement is in a resource policy, where
// the principal must match.
func (s *Statement) applies(st *evalState, resource bool) Tri {
	res := Yes
	if s.invalid {
		return No
	}
	if s.symbolic {
		if st.collecting {
			st.because("statement " + s.Ref().String() + " has unresolved parts")
		}
		res = Maybe
	}
	// Action.
	t := No
	for i := range s.Actions {
		t = maxTri(t, s.Actions[i].match(st.req.Action, st.svc, st.name))
		if t == Yes {
			break
		}
	}
	if s.NotAction {
		t = not(t)
	}
	if t == No {
		return No
	}
	if t == Maybe {
		if st.collecting {
			st.because("action " + st.req.Action + " matches " + strings.Join(s.ActionStrings(), ", "))
		}
	}
	res = minTri(res, t)
	// Resource.
	if s.HasResource {
		t = No
		for i := range s.Resources {
			t = maxTri(t, s.Resources[i].match(st.req.Resource, st.resPh, st.varLookup))
			if t == Yes {
				break
			}
		}
		if s.NotResource {
			t = not(t)
		}
		if t == No {
			return No
		}
		if t == Maybe {
			if st.collecting {
				st.because("resource " + st.req.Resource + " matches " + strings.Join(s.ResourceStrings(), ", "))
			}
		}
		res = minTri(res, t)
	}
	// Principal.
	if resource && s.HasPrincipal {
		t = st.matchPrincipals(s)
		if t == No {
			return No
		}
		if t == Maybe {
			if st.collecting {
				st.because("principal " + st.req.Principal + " is one of the statement's principals")
			}
		}
		res = minTri(res, t)
	}
	// Conditions.
	for _, c := range s.Conditions {
		t = c.eval(st)
		if t == No {
			return No
		}
		res = minTri(res, t)
	}
	return res
}
