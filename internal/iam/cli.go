package iam

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
)

// ParseContext turns "key=value" arguments into a request context. A key
// given several times is multivalued; "key=" gives it an empty value list.
func ParseContext(kvs []string) (Context, error) {
	var c Context
	vals := map[string][]string{}
	var order []string
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return c, fmt.Errorf("context %q: want KEY=VALUE", kv)
		}
		lk := strings.ToLower(k)
		if _, seen := vals[lk]; !seen {
			order = append(order, k)
			vals[lk] = []string{}
		}
		if v != "" {
			vals[lk] = append(vals[lk], v)
		}
	}
	for _, k := range order {
		c.Set(k, vals[strings.ToLower(k)]...)
	}
	return c, nil
}

// PolicyFile is a policy document read from a file.
type PolicyFile struct {
	Name string
	Data []byte
}

// EvalInput is everything `nightlight iam eval` decides on.
type EvalInput struct {
	// Identity, Resource and Boundary are the policy files; Identity and
	// Resource may be empty (but not both).
	Identity []PolicyFile
	Resource []PolicyFile
	Boundary *PolicyFile
	Request  Request
}

// EvalResult is the JSON printed by `nightlight iam eval`:
// {"decision": …, "matched": [statements]}, plus the conditional flag,
// conditions, and problems found in the policies.
type EvalResult struct {
	Decision
	// Action describes the action's catalog entry, or the problem with it.
	Access  catalog.AccessLevel `json:"access,omitempty"`
	Problem catalog.Problem     `json:"actionProblem,omitempty"`
	// Warnings are problems in the policy documents.
	Warnings []string `json:"warnings,omitempty"`
}

// Eval parses the policy files and evaluates the request. It fails only
// when a file cannot be read as a policy at all; problems inside a policy
// are returned as warnings.
func Eval(ctx context.Context, cat *catalog.Catalog, in EvalInput) (*EvalResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &EvalResult{}
	parse := func(f PolicyFile) (*Policy, error) {
		p, err := ParseJSON(f.Name, f.Data)
		if p == nil {
			return nil, err
		}
		for _, e := range unjoinErrors(err) {
			res.Warnings = append(res.Warnings, e.Error())
		}
		return p, nil
	}
	ps := &PolicySet{}
	for _, f := range in.Identity {
		p, err := parse(f)
		if err != nil {
			return nil, err
		}
		ps.Identity = append(ps.Identity, p)
	}
	for _, f := range in.Resource {
		p, err := parse(f)
		if err != nil {
			return nil, err
		}
		ps.Resource = append(ps.Resource, p)
	}
	if in.Boundary != nil {
		p, err := parse(*in.Boundary)
		if err != nil {
			return nil, err
		}
		ps.Boundary = p
	}
	req := in.Request
	res.Decision = ps.Evaluate(&req)
	if res.Matched == nil {
		res.Matched = []Matched{}
	}
	if cat != nil && !hasPlaceholder(req.Action) {
		if a := cat.Lookup(req.Action); a != nil {
			res.Access = a.Access
		} else {
			res.Problem = cat.Check(req.Action)
		}
	}
	return res, nil
}

func unjoinErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unjoinErrors(e)...)
		}
		return out
	}
	return []error{err}
}

// WriteText writes the effective permissions of the analysis (only the
// function named fn, when fn is not "") as text: per function its role,
// flags, and granted actions grouped by service and access level.
func WriteText(w io.Writer, an *Analysis, fn string) error {
	var b strings.Builder
	for _, e := range an.Functions {
		if fn != "" && e.Function != fn {
			continue
		}
		role := e.Role
		if role == "" {
			role = e.RoleARN
		}
		if role == "" {
			role = "(none)"
		}
		fmt.Fprintf(&b, "%s: function %s, role %s\n", an.Stack, e.Function, role)
		for _, f := range e.Flags {
			pos := ""
			if f.Pos.IsValid() {
				pos = " (" + f.Pos.String() + ")"
			}
			fmt.Fprintf(&b, "  ! %-22s %s [%s]%s\n", f.Kind, f.Message, f.Confidence, pos)
		}
		for _, s := range e.Services {
			all := ""
			if s.All {
				all = " (all actions)"
			}
			fmt.Fprintf(&b, "  %s%s\n", s.Service, all)
			for _, l := range s.Levels {
				acts := l.Actions
				more := ""
				if len(acts) > 12 {
					more = fmt.Sprintf(" … and %d more", len(acts)-12)
					acts = acts[:12]
				}
				fmt.Fprintf(&b, "    %-22s %s%s\n", l.Access+":", strings.Join(trimService(acts), " "), more)
			}
			for _, r := range resourcesOf(e, s.Service) {
				fmt.Fprintf(&b, "    on %s\n", r)
			}
		}
		if len(e.Grants) == 0 && len(e.Unknown) == 0 {
			b.WriteString("  no permissions\n")
		}
	}
	if len(an.SharedRoles) > 0 && fn == "" {
		for _, s := range an.SharedRoles {
			fmt.Fprintf(&b, "%s: role %s is shared by %s\n", an.Stack, s.Role, strings.Join(s.Functions, ", "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func trimService(acts []string) []string {
	out := make([]string, len(acts))
	for i, a := range acts {
		_, n, _ := strings.Cut(a, ":")
		out[i] = n
	}
	return out
}

// resourcesOf lists the resources (with their targets) granted for a
// service.
func resourcesOf(e *Effective, svc string) []string {
	seen := map[string]bool{}
	var out []string
	for _, g := range e.Grants {
		if g.Service != svc || seen[g.Resource] {
			continue
		}
		seen[g.Resource] = true
		r := g.Resource
		var ts []string
		for _, t := range g.Targets {
			ts = append(ts, t.Kind+" "+t.ID)
		}
		if len(ts) > 0 {
			r += " → " + strings.Join(ts, ", ")
		}
		if g.Conditional {
			r += " (conditional)"
		}
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}
