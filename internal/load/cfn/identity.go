package cfn

import (
	"github.com/nightlight-sec/nightlight/internal/load/aws"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// userPoolTriggerKeys are the LambdaConfig keys that name a function
// directly; the *Sender and PreTokenGenerationConfig keys hold a map with
// LambdaArn.
var userPoolTriggerKeys = []string{
	"CreateAuthChallenge", "CustomMessage", "DefineAuthChallenge", "PostAuthentication", "PostConfirmation",
	"PreAuthentication", "PreSignUp", "PreTokenGeneration", "UserMigration", "VerifyAuthChallengeResponse",
	"CustomEmailSender", "CustomSMSSender", "PreTokenGenerationConfig",
}

// userPool records the identity settings of an AWS::Cognito::UserPool and
// its LambdaConfig triggers.
func (t *Template) userPool(r *RawResource) {
	p := r.Properties
	u := &model.UserPool{ID: r.ID, Pos: r.Pos, Name: p.Get("UserPoolName"),
		AdminCreateUserOnly: p.Path("AdminCreateUserConfig", "AllowAdminCreateUserOnly"),
		MFA:                 p.Get("MfaConfiguration")}
	if pp := p.Path("Policies", "PasswordPolicy"); pp.IsSet() {
		u.Password = &model.PasswordPolicy{Pos: pp.Pos, MinLength: pp.Get("MinimumLength"),
			RequireUppercase: pp.Get("RequireUppercase"), RequireLowercase: pp.Get("RequireLowercase"),
			RequireNumbers: pp.Get("RequireNumbers"), RequireSymbols: pp.Get("RequireSymbols")}
	}
	for _, a := range p.Get("Schema").Elems() {
		name := a.Get("Name")
		if !name.IsResolved() {
			continue
		}
		n, custom := aws.UserAttributeName(name.Str)
		if dev, _ := a.Get("DeveloperOnlyAttribute").AsBool(); dev {
			// Developer-only attributes are written with admin credentials
			// only, never through an app client.
			n = "dev:" + n
		}
		u.Attributes = append(u.Attributes, &model.UserAttribute{Name: n, Pos: a.Pos, Mutable: a.Get("Mutable"), Custom: custom})
	}
	t.Stack.UserPools = append(t.Stack.UserPools, u)

	lc := p.Get("LambdaConfig")
	for _, key := range userPoolTriggerKeys {
		v := lc.Get(key)
		if v != nil && v.Kind == model.Map {
			v = v.Get("LambdaArn")
		}
		fid := t.FunctionRef(v)
		if fid == "" || t.hasCognitoTrigger(fid, r.ID) {
			continue
		}
		t.Stack.Triggers = append(t.Stack.Triggers, &model.Trigger{ID: r.ID + "/" + key, Pos: v.PosOr(r.Pos),
			Kind: model.TriggerCognito, Function: fid, Source: r.ID, SourceValue: model.NewString(r.ID, r.Pos), Events: []string{key}, Event: key})
	}
}

// hasCognitoTrigger reports whether a loader already recorded that pool
// triggers fn (SAM's Cognito event writes the same LambdaConfig).
func (t *Template) hasCognitoTrigger(fn, pool string) bool {
	for _, tr := range t.Stack.Triggers {
		if tr.Kind == model.TriggerCognito && tr.Function == fn && tr.Source == pool {
			return true
		}
	}
	return false
}

// userPoolClient records an AWS::Cognito::UserPoolClient on its pool.
func (t *Template) userPoolClient(r *RawResource) {
	p := r.Properties
	c := &model.UserPoolClient{ID: r.ID, Pos: r.Pos, Pool: t.RefTo(p.Get("UserPoolId"), "AWS::Cognito::UserPool"),
		WriteAttributes: p.Get("WriteAttributes"), GenerateSecret: p.Get("GenerateSecret")}
	if u := t.Stack.UserPool(c.Pool); u != nil {
		r.Handled = true
		u.Clients = append(u.Clients, c)
	}
}

// identityPool records an AWS::Cognito::IdentityPool.
func (t *Template) identityPool(r *RawResource) {
	r.Handled = true
	p := r.Properties
	ip := &model.IdentityPool{ID: r.ID, Pos: r.Pos, Name: p.Get("IdentityPoolName"),
		AllowUnauthenticated: p.Get("AllowUnauthenticatedIdentities"), AllowClassicFlow: p.Get("AllowClassicFlow")}
	for _, pr := range p.Get("CognitoIdentityProviders").Elems() {
		cid := pr.Get("ClientId")
		prov := &model.IdentityProvider{Pos: pr.Pos, ClientID: cid, ServerSideTokenCheck: pr.Get("ServerSideTokenCheck"),
			Pool: t.RefTo(pr.Get("ProviderName"), "AWS::Cognito::UserPool")}
		if prov.Pool == "" {
			if c := t.RefTo(cid, "AWS::Cognito::UserPoolClient"); c != "" {
				prov.Pool = t.RefTo(t.byID[c].Properties.Get("UserPoolId"), "AWS::Cognito::UserPool")
			}
		}
		ip.Providers = append(ip.Providers, prov)
	}
	t.Stack.IdentityPools = append(t.Stack.IdentityPools, ip)
}

// identityPoolRoles records an AWS::Cognito::IdentityPoolRoleAttachment on
// its identity pool.
func (t *Template) identityPoolRoles(r *RawResource) {
	p := r.Properties
	id := t.RefTo(p.Get("IdentityPoolId"), "AWS::Cognito::IdentityPool")
	for _, ip := range t.Stack.IdentityPools {
		if ip.ID != id {
			continue
		}
		r.Handled = true
		roles := p.Get("Roles")
		ip.AuthenticatedRole = t.RefTo(roles.Get("authenticated"), "AWS::IAM::Role")
		ip.UnauthenticatedRole = t.RefTo(roles.Get("unauthenticated"), "AWS::IAM::Role")
		ip.RolesPos = roles.PosOr(r.Pos)
	}
}
