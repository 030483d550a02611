package model

import "strings"

// UserPool is a Cognito user pool's security settings. The pool is also a
// Store (kind user-pool) so that the graph can relate functions to it;
// this struct holds what identity rules judge. Settings are *Value so that
// rules can point at the line that set them; nil means "not set" and the
// service default applies (self sign-up open, 8-character password with
// every character class, MFA off).
type UserPool struct {
	ID   string `json:"id"`
	Pos  Pos    `json:"pos"`
	Name *Value `json:"name,omitempty"`
	// AdminCreateUserOnly is AllowAdminCreateUserOnly /
	// allow_admin_create_user_only: true disables self sign-up. Unset
	// means false: anyone can sign up.
	AdminCreateUserOnly *Value `json:"adminCreateUserOnly,omitempty"`
	// Password is the password policy; nil means the service default.
	Password *PasswordPolicy `json:"password,omitempty"`
	// MFA is the MFA configuration (OFF, ON, OPTIONAL); nil means OFF.
	MFA *Value `json:"mfa,omitempty"`
	// Attributes are the schema attributes the template declares (custom
	// attributes carry their "custom:" prefix).
	Attributes []*UserAttribute `json:"attributes,omitempty"`
	// Clients are the app clients of the pool declared in the stack.
	Clients []*UserPoolClient `json:"clients,omitempty"`
}

// SelfSignUp reports whether anyone can create an account in the pool:
// AdminCreateUserOnly is unset or false. known is false when the setting
// is symbolic.
func (u *UserPool) SelfSignUp() (open, known bool) {
	v := u.AdminCreateUserOnly
	if !v.IsSet() {
		return true, true
	}
	b, ok := v.AsBool()
	if !ok {
		return false, false
	}
	return !b, true
}

// PasswordPolicy is a user pool's password policy.
type PasswordPolicy struct {
	Pos              Pos    `json:"pos"`
	MinLength        *Value `json:"minLength,omitempty"`
	RequireUppercase *Value `json:"requireUppercase,omitempty"`
	RequireLowercase *Value `json:"requireLowercase,omitempty"`
	RequireNumbers   *Value `json:"requireNumbers,omitempty"`
	RequireSymbols   *Value `json:"requireSymbols,omitempty"`
}

// UserAttribute is one attribute of a user pool's schema.
type UserAttribute struct {
	// Name is the attribute name as tokens carry it: "custom:role" for
	// custom attributes, "email" for standard ones.
	Name string `json:"name"`
	Pos  Pos    `json:"pos"`
	// Mutable is the Mutable flag; nil means the default (true).
	Mutable *Value `json:"mutable,omitempty"`
	// Custom is true for developer-defined attributes.
	Custom bool `json:"custom,omitempty"`
}

// IsMutable reports whether users' values of the attribute can change
// after sign-up (the default), and whether that is known.
func (a *UserAttribute) IsMutable() (mutable, known bool) {
	if !a.Mutable.IsSet() {
		return true, true
	}
	b, ok := a.Mutable.AsBool()
	return b, ok
}

// UserPoolClient is an app client of a user pool.
type UserPoolClient struct {
	ID  string `json:"id"`
	Pos Pos    `json:"pos"`
	// Pool is the ID of the client's user pool in the stack, or "".
	Pool string `json:"pool,omitempty"`
	// WriteAttributes lists the attributes the client (and so any signed-in
	// user through it) may write; nil means every writable attribute.
	WriteAttributes *Value `json:"writeAttributes,omitempty"`
	// GenerateSecret is true for confidential clients.
	GenerateSecret *Value `json:"generateSecret,omitempty"`
}

// CanWrite reports whether the client lets users write attribute name,
// and whether that is known.
func (c *UserPoolClient) CanWrite(name string) (can, known bool) {
	if !c.WriteAttributes.IsSet() {
		return true, true
	}
	if c.WriteAttributes.Unresolved {
		return false, false
	}
	for _, a := range c.WriteAttributes.AsStrings() {
		if strings.EqualFold(a, name) {
			return true, true
		}
	}
	return false, true
}

// IdentityPool is a Cognito identity pool: it hands AWS credentials of its
// authenticated role to signed-in users and, when enabled, of its
// unauthenticated role to anyone.
type IdentityPool struct {
	ID   string `json:"id"`
	Pos  Pos    `json:"pos"`
	Name *Value `json:"name,omitempty"`
	// AllowUnauthenticated is AllowUnauthenticatedIdentities; nil means
	// false.
	AllowUnauthenticated *Value `json:"allowUnauthenticated,omitempty"`
	// AllowClassicFlow is AllowClassicFlow / allow_classic_flow (the basic
	// authflow); nil means false.
	AllowClassicFlow *Value `json:"allowClassicFlow,omitempty"`
	// Providers are the user pool clients the identity pool trusts.
	Providers []*IdentityProvider `json:"providers,omitempty"`
	// AuthenticatedRole and UnauthenticatedRole are the IDs of the roles
	// attached in the stack (AWS::Cognito::IdentityPoolRoleAttachment /
	// aws_cognito_identity_pool_roles_attachment), or "" when none is or
	// the role lives outside the stack; RolesPos is where they are
	// attached.
	AuthenticatedRole   string `json:"authenticatedRole,omitempty"`
	UnauthenticatedRole string `json:"unauthenticatedRole,omitempty"`
	RolesPos            Pos    `json:"rolesPos,omitzero"`
}

// IdentityProvider is one Cognito user pool provider of an identity pool.
type IdentityProvider struct {
	Pos      Pos    `json:"pos"`
	ClientID *Value `json:"clientId,omitempty"`
	// Pool is the ID of the user pool in the stack, when the provider
	// refers to one.
	Pool string `json:"pool,omitempty"`
	// ServerSideTokenCheck is ServerSideTokenCheck /
	// server_side_token_check; nil means false.
	ServerSideTokenCheck *Value `json:"serverSideTokenCheck,omitempty"`
}

// UserPool returns the user pool with the given ID, or nil.
func (s *Stack) UserPool(id string) *UserPool {
	for _, u := range s.UserPools {
		if u.ID == id {
			return u
		}
	}
	return nil
}
