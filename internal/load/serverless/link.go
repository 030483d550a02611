package serverless

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// afterTranslate reconciles what the framework generates with what the
// resources section declares, and links triggers to their sources.
func (b *builder) afterTranslate() {
	st := b.st
	// A resource that redeclares a generated bucket or topic (to set its
	// properties, as the framework documents) wins over the generated one.
	declared := map[string]bool{}
	for _, s := range st.Stores {
		if !b.genStores[s] {
			declared[s.ID] = true
		}
	}
	var stores []*model.Store
	for _, s := range st.Stores {
		if b.genStores[s] && declared[s.ID] {
			continue
		}
		stores = append(stores, s)
	}
	st.Stores = stores
	var res []*model.Resource
	for _, r := range st.Resources {
		if r.Generated != "" && declared[r.ID] {
			continue
		}
		res = append(res, r)
	}
	st.Resources = res
	// A permission declared under resources replaces the generated one.
	rpDeclared := map[string]bool{}
	for _, p := range st.ResourcePolicies {
		if !b.genPolicies[p] {
			rpDeclared[p.ID] = true
		}
	}
	var rps []*model.ResourcePolicy
	for _, p := range st.ResourcePolicies {
		if b.genPolicies[p] && rpDeclared[p.ID] {
			continue
		}
		rps = append(rps, p)
	}
	st.ResourcePolicies = rps
	// A role declared under resources with a generated ID replaces ours.
	roleIDs := map[string]int{}
	for _, r := range st.Roles {
		roleIDs[r.ID]++
	}
	var roles []*model.Role
	for _, r := range st.Roles {
		if roleIDs[r.ID] > 1 && r.Implicit {
			roleIDs[r.ID]--
			b.diag(r.Pos, model.DiagInfo, "role %s is declared under resources; it replaces the framework's generated role", r.ID)
			continue
		}
		roles = append(roles, r)
	}
	st.Roles = roles

	for _, tr := range st.Triggers {
		if tr.Source != "" {
			continue
		}
		tr.Source = b.sourceOf(tr.SourceValue)
	}
	for _, fn := range st.Functions {
		if id := NormalizeName(fn.ID) + "LogGroup"; st.ByID(id) != nil {
			fn.LogGroup = id
		}
	}
}

// sourceOf finds the store a trigger's source value names: by reference,
// or by a name or ARN that matches a store's name.
func (b *builder) sourceOf(v *model.Value) string {
	if !v.IsSet() {
		return ""
	}
	for _, id := range v.AllRefs() {
		if to, ok := b.rename[id]; ok {
			id = to
		}
		if b.st.Store(id) != nil {
			return id
		}
	}
	if !v.IsResolved() || !is(v, model.String) {
		return ""
	}
	name := v.Str
	if strings.HasPrefix(name, "arn:") {
		name = lastSegment(name)
	}
	for _, s := range b.st.Stores {
		if s.Name.IsResolved() && s.Name.String() == name {
			return s.ID
		}
	}
	return ""
}
