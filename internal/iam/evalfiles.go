package iam

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
)

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
