package iam

import (
	"sort"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// ResourcePolicies parses the stack's resource-based policies (bucket,
// queue, topic, API, key policies and Lambda permissions), keyed by the ID
// of each object they govern. Policies whose target is not in the stack are
// keyed by "" . Parse problems are returned, not fatal.
func (a *Analyzer) ResourcePolicies(stack *model.Stack) (map[string][]*Policy, []error) {
	out := map[string][]*Policy{}
	var errs []error
	for _, rp := range stack.ResourcePolicies {
		p, err := a.ResolvePolicy(rp.Doc)
		if err != nil {
			errs = append(errs, err)
		}
		if p.Name == "" || p.Name == "?" {
			p.Name = rp.ID
		}
		if len(rp.Targets) == 0 {
			out[""] = append(out[""], p)
		}
		for _, t := range rp.Targets {
			out[t] = append(out[t], p)
		}
	}
	return out, errs
}

// foreignPrincipal stands for any principal of an account outside the
// application, whose own identity policies allow everything.
const foreignPrincipal = "arn:aws:iam::000000000000:role/nightlight-outsider"

// Exposure says who outside the resource's account a resource policy
// admits for one action.
type Exposure struct {
	// Anonymous is the decision for an unauthenticated caller.
	Anonymous Decision `json:"anonymous"`
	// AnyAccount is the decision for a principal of an unrelated AWS
	// account (whose own policies allow the call).
	AnyAccount Decision `json:"anyAccount"`
	// Services lists service principals the policy names for the action
	// (s3.amazonaws.com, …), sorted; their conditions (aws:SourceArn,
	// aws:SourceAccount) decide whether other accounts' resources can use
	// them.
	Services []string `json:"services,omitempty"`
}

// Expose evaluates resource policies for callers from outside: an
// anonymous caller and a principal of an unrelated account. The resource
// account is taken from the resource ARN or resourceAccount. Unknown
// condition keys (aws:SourceIp, aws:PrincipalOrgID …) make the decisions
// conditional.
func Expose(policies []*Policy, action, resource, resourceAccount string) Exposure {
	ps := &PolicySet{Resource: policies}
	anon := Request{Principal: "*", Action: action, Resource: resource, ResourceAccount: resourceAccount}
	if resourceAccount == "" && arnAccount(resource) == "" {
		anon.ResourceAccount = "111111111111"
	}
	out := Exposure{Anonymous: ps.Evaluate(&anon)}
	foreign := anon
	foreign.Principal = foreignPrincipal
	if foreign.ResourceAccount == "" {
		foreign.ResourceAccount = arnAccount(resource)
	}
	if foreign.ResourceAccount == "" || foreign.ResourceAccount == "000000000000" || hasPlaceholder(foreign.ResourceAccount) {
		foreign.ResourceAccount = "111111111111"
	}
	all := &PolicySet{Identity: []*Policy{allowEverything()}, Resource: policies}
	out.AnyAccount = all.Evaluate(&foreign)
	seen := map[string]bool{}
	for _, p := range policies {
		for _, s := range p.Statements {
			if s.Effect != Allow || s.NotPrincipal {
				continue
			}
			st := evalState{req: &Request{Action: action}}
			st.svc, st.name, _ = cutAction(action)
			t := No
			for i := range s.Actions {
				t = maxTri(t, s.Actions[i].match(action, st.svc, st.name))
			}
			if s.NotAction {
				t = not(t)
			}
			if t == No {
				continue
			}
			for _, pr := range s.Principals {
				if pr.Type == PrincipalService && !seen[pr.Value] {
					seen[pr.Value] = true
					out.Services = append(out.Services, pr.Value)
				}
			}
		}
	}
	sort.Strings(out.Services)
	return out
}

func allowEverything() *Policy {
	p := &Policy{Name: "(the caller's own policies)"}
	p.Statements = []*Statement{{Policy: p, Effect: Allow, Actions: []actionPattern{{raw: "*", any: true, lowerRaw: "*"}}, HasResource: true, Resources: []arnPattern{{raw: "*", any: true}}}}
	return p
}

func cutAction(a string) (svc, name string, ok bool) {
	for i := 0; i < len(a); i++ {
		if a[i] == ':' {
			return a[:i], a[i+1:], true
		}
	}
	return a, "", false
}
