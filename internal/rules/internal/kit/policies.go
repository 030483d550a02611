package kit

import "github.com/nightlight-sec/nightlight/internal/model"

// PolicyDoc is one policy document of a stack and who holds it.
type PolicyDoc struct {
	// What names the document for messages ("the trust policy of role
	// Api", "policy read of user ci", "resource policy BucketPolicy").
	What string
	// Resource is the ID of the holder (role, user, group, policy,
	// resource policy).
	Resource string
	Doc      *model.PolicyDoc
}

// PolicyDocs lists every policy document written in the stack, each once:
// trust policies, inline and SAM-template policies of roles, users and
// groups, permissions boundaries written inline, standalone policies (on
// their own resource, not on each principal they are attached to) and
// resource policies. AWS managed policies and documents nightlight does
// not know are left out.
func PolicyDocs(st *model.Stack) []PolicyDoc {
	var out []PolicyDoc
	add := func(what, res string, d *model.PolicyDoc) {
		if !d.Known() || d.Source == model.PolicyManaged || d.Source == model.PolicyStandalone && d.Ref != "" && d.Ref != res {
			return
		}
		out = append(out, PolicyDoc{What: what, Resource: res, Doc: d})
	}
	for _, r := range st.Roles {
		add("the trust policy of role "+r.ID, r.ID, r.Trust)
		for _, d := range r.Policies {
			add("policy "+d.Name+" of role "+r.ID, r.ID, d)
		}
		add("the permissions boundary of role "+r.ID, r.ID, r.BoundaryDoc)
	}
	for _, u := range st.Users {
		for _, d := range u.Policies {
			add("policy "+d.Name+" of user "+u.ID, u.ID, d)
		}
		add("the permissions boundary of user "+u.ID, u.ID, u.BoundaryDoc)
	}
	for _, g := range st.Groups {
		for _, d := range g.Policies {
			add("policy "+d.Name+" of group "+g.ID, g.ID, d)
		}
	}
	for _, p := range st.Policies {
		add("policy "+p.ID, p.ID, p.Doc)
	}
	for _, rp := range st.ResourcePolicies {
		add("resource policy "+rp.ID, rp.ID, rp.Doc)
	}
	return out
}
