package terraform

import (
	"github.com/nightlight-sec/nightlight/internal/load/aws"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// userPool records the identity settings of an aws_cognito_user_pool.
func (t *translator) userPool(in *instance) {
	p := in.props
	u := &model.UserPool{ID: in.addr, Pos: in.pos, Name: p.Get("name"),
		AdminCreateUserOnly: get(p, "admin_create_user_config", "allow_admin_create_user_only"),
		MFA:                 p.Get("mfa_configuration")}
	if pp := first(p.Get("password_policy")); pp.IsSet() {
		u.Password = &model.PasswordPolicy{Pos: pp.PosOr(in.pos), MinLength: pp.Get("minimum_length"),
			RequireUppercase: pp.Get("require_uppercase"), RequireLowercase: pp.Get("require_lowercase"),
			RequireNumbers: pp.Get("require_numbers"), RequireSymbols: pp.Get("require_symbols")}
	}
	for _, a := range p.Get("schema").Elems() {
		name := a.Get("name")
		if !name.IsResolved() {
			continue
		}
		n, custom := aws.UserAttributeName(name.Str)
		if dev, _ := a.Get("developer_only_attribute").AsBool(); dev {
			n = "dev:" + n
		}
		u.Attributes = append(u.Attributes, &model.UserAttribute{Name: n, Pos: name.PosOr(in.pos), Mutable: a.Get("mutable"), Custom: custom})
	}
	t.st.UserPools = append(t.st.UserPools, u)
}

// userPoolClient records an aws_cognito_user_pool_client on its pool.
func (t *translator) userPoolClient(in *instance) {
	p := in.props
	c := &model.UserPoolClient{ID: in.addr, Pos: in.pos, Pool: t.ref(p.Get("user_pool_id"), "aws_cognito_user_pool"),
		WriteAttributes: p.Get("write_attributes"), GenerateSecret: p.Get("generate_secret")}
	if c.WriteAttributes != nil && c.WriteAttributes.Kind == model.Null {
		c.WriteAttributes = nil
	}
	t.later(func() {
		if u := t.st.UserPool(c.Pool); u != nil {
			u.Clients = append(u.Clients, c)
		}
	})
}

// identityPool records an aws_cognito_identity_pool.
func (t *translator) identityPool(in *instance) {
	p := in.props
	ip := &model.IdentityPool{ID: in.addr, Pos: in.pos, Name: p.Get("identity_pool_name"),
		AllowUnauthenticated: p.Get("allow_unauthenticated_identities"), AllowClassicFlow: p.Get("allow_classic_flow")}
	for _, pr := range p.Get("cognito_identity_providers").Elems() {
		cid := pr.Get("client_id")
		prov := &model.IdentityProvider{Pos: pr.PosOr(in.pos), ClientID: cid, ServerSideTokenCheck: pr.Get("server_side_token_check"),
			Pool: t.ref(pr.Get("provider_name"), "aws_cognito_user_pool")}
		if prov.Pool == "" {
			if c := t.ref(cid, "aws_cognito_user_pool_client"); c != "" {
				prov.Pool = t.ref(t.byID[c].props.Get("user_pool_id"), "aws_cognito_user_pool")
			}
		}
		ip.Providers = append(ip.Providers, prov)
	}
	t.st.IdentityPools = append(t.st.IdentityPools, ip)
}

// identityPoolRoles records an aws_cognito_identity_pool_roles_attachment
// on its identity pool.
func (t *translator) identityPoolRoles(in *instance) {
	p := in.props
	id := t.ref(p.Get("identity_pool_id"), "aws_cognito_identity_pool")
	t.later(func() {
		for _, ip := range t.st.IdentityPools {
			if ip.ID != id {
				continue
			}
			roles := p.Get("roles")
			ip.AuthenticatedRole = t.ref(roles.Get("authenticated"), "aws_iam_role")
			ip.UnauthenticatedRole = t.ref(roles.Get("unauthenticated"), "aws_iam_role")
			ip.RolesPos = roles.PosOr(in.pos)
		}
	})
}
