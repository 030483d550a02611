// Package kit holds small helpers that several rules share: reading
// resource policies for public principals, naming entry points, and
// walking the values a rule inspects. It holds no rule logic of its own.
package kit

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
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
// "function URL of X" for URLs.
func EntryName(ep *model.EntryPoint) string {
	switch ep.Kind {
	case model.EntryFunctionURL:
		return "the function URL of " + ep.Function
	case model.EntryRoute:
		if ep.Method != "" || ep.Path != "" {
			return strings.TrimSpace(strings.ToUpper(ep.Method) + " " + ep.Path)
		}
	}
	return ep.ID
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

// IsAWS reports whether the stack deploys to AWS.
func IsAWS(st *model.Stack) bool { return st.Provider == "" || st.Provider == model.AWS }
