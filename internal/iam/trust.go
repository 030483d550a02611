package iam

import (
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// TrustKind says whom one principal of a trust policy stands for.
type TrustKind string

// Trust kinds.
const (
	// TrustAnyone is Principal "*", {"AWS": "*"} or an Allow with
	// NotPrincipal: any principal of any AWS account.
	TrustAnyone TrustKind = "anyone"
	// TrustAccount is a whole account (its root ARN or account ID): every
	// principal of it whose own policies allow sts:AssumeRole.
	TrustAccount TrustKind = "account"
	// TrustEntity is one role, user or session.
	TrustEntity TrustKind = "entity"
	// TrustService is an AWS service principal.
	TrustService TrustKind = "service"
	// TrustWebIdentity is an OpenID Connect or web identity provider
	// (sts:AssumeRoleWithWebIdentity).
	TrustWebIdentity TrustKind = "web-identity"
	// TrustSAML is a SAML provider (sts:AssumeRoleWithSAML).
	TrustSAML TrustKind = "saml"
	// TrustUnknown is a principal nightlight cannot classify (an
	// unresolved value).
	TrustUnknown TrustKind = "unknown"
)

// TrustGrant is one way into a role: one principal of an Allow statement
// of its trust policy, and whether the statement's conditions keep
// outsiders out.
type TrustGrant struct {
	Kind TrustKind `json:"kind"`
	// Principal is the principal as written.
	Principal string `json:"principal"`
	// Account is the trusted account ID when it is written literally.
	Account string `json:"account,omitempty"`
	// OwnAccount is true when the principal is the stack's own account
	// (${AWS::AccountId}, data.aws_caller_identity).
	OwnAccount bool `json:"ownAccount,omitempty"`
	// Provider is a web identity provider's issuer
	// ("token.actions.githubusercontent.com", "cognito-identity.amazonaws.com").
	Provider string `json:"provider,omitempty"`
	// Statement is the trust statement and Pos its position.
	Statement StatementRef `json:"statement"`
	Pos       model.Pos    `json:"pos"`
	// Open is true when a caller the trust does not mean to admit can
	// satisfy the statement: for Anyone and Account, a principal of
	// another account (or of the trusted one, for Account); for a web
	// identity, a token the provider issues to anyone (any GitHub
	// repository, any identity pool).
	Open bool `json:"open,omitempty"`
	// Guards are the conditions that keep outsiders out or may do so
	// (rendered "key operator value"); empty when Open.
	Guards []string `json:"guards,omitempty"`
	// ExternalID is true when an sts:ExternalId condition is the only
	// guard: an outsider who learns the ID gets in.
	ExternalID bool `json:"externalId,omitempty"`
	// MFA is true when the statement requires the caller to have signed
	// in with MFA (in its own account): it does not say which account.
	MFA bool `json:"mfa,omitempty"`
	// Missing names, for an open web identity, the claim whose condition
	// is missing or does not pin the caller ("sub", "aud").
	Missing string `json:"missing,omitempty"`
	// Audience says, for an open web identity, who can obtain a token
	// that passes ("any GitHub Actions workflow of any repository").
	Audience string `json:"audience,omitempty"`
}

// outsider is the account nightlight uses for a caller from another
// account (no account of a real app uses it).
const outsiderAccount = "000000000000"

// TrustGrants analyses a role's trust policy: every principal of its Allow
// statements that can assume the role, and whether the statement's
// conditions keep outsiders out. Conditions nightlight cannot decide
// (unknown keys, unresolved values, unreadable conditions) count as
// guards: a grant is Open only when an outsider certainly satisfies them.
// The error is the policy's parse error, if any.
func TrustGrants(d *model.PolicyDoc) ([]TrustGrant, error) {
	if !d.Known() {
		return nil, nil
	}
	pol, err := ParseDoc(d)
	if pol == nil {
		return nil, err
	}
	var denies []*Statement
	for _, s := range pol.Statements {
		if (s.Effect == Deny || s.symbolic) && !s.invalid {
			denies = append(denies, s)
		}
	}
	var out []TrustGrant
	for _, s := range pol.Statements {
		if s.Effect != Allow || s.symbolic {
			continue
		}
		if s.NotPrincipal {
			g := TrustGrant{Kind: TrustAnyone, Principal: "NotPrincipal", Statement: s.Ref(), Pos: s.Pos}
			awsOutsider(s, denies, &g)
			out = append(out, g)
			continue
		}
		for _, p := range s.Principals {
			g := classifyTrust(p)
			g.Statement, g.Pos = s.Ref(), s.Pos
			switch g.Kind {
			case TrustAnyone, TrustAccount:
				if covers(s, "sts:AssumeRole") == No {
					continue
				}
				awsOutsider(s, denies, &g)
			case TrustWebIdentity:
				if covers(s, "sts:AssumeRoleWithWebIdentity") == No {
					continue
				}
				webIdentity(s, denies, &g)
			case TrustSAML:
				if covers(s, "sts:AssumeRoleWithSAML") == No {
					continue
				}
			default:
				if covers(s, "sts:AssumeRole") == No {
					continue
				}
			}
			out = append(out, g)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		return a.Principal < b.Principal
	})
	return out, err
}

// covers reports whether the statement's actions include action.
func covers(s *Statement, action string) Tri {
	svc, name, _ := strings.Cut(action, ":")
	t := No
	for i := range s.Actions {
		t = maxTri(t, s.Actions[i].match(action, svc, name))
	}
	if s.NotAction {
		t = not(t)
	}
	return t
}

// classifyTrust classifies one principal of a trust statement.
func classifyTrust(p Principal) TrustGrant {
	g := TrustGrant{Principal: p.Value}
	v := p.Value
	switch p.Type {
	case PrincipalAny:
		g.Kind = TrustAnyone
		return g
	case PrincipalService:
		g.Kind = TrustService
		return g
	case PrincipalFederated:
		if strings.Contains(v, ":saml-provider/") {
			g.Kind = TrustSAML
			return g
		}
		g.Kind = TrustWebIdentity
		g.Provider = issuerOf(v)
		return g
	case PrincipalAWS:
	default:
		g.Kind = TrustUnknown
		return g
	}
	if v == "*" && !p.Symbolic {
		g.Kind = TrustAnyone
		return g
	}
	acct := v
	root := IsAccountID(v) || hasPlaceholder(v) && !strings.HasPrefix(v, "arn:") && ownAccountRef(v)
	if strings.HasPrefix(v, "arn:") {
		acct = arnField(v, 4)
		root = strings.HasSuffix(v, ":root")
	}
	switch {
	case ownAccountRef(acct):
		g.OwnAccount = true
	case IsAccountID(acct):
		g.Account = acct
	case p.Symbolic || hasPlaceholder(v):
		g.Kind = TrustUnknown
		return g
	}
	if root {
		g.Kind = TrustAccount
	} else {
		g.Kind = TrustEntity
	}
	return g
}

// ownAccountRef reports whether s names the stack's own account:
// CloudFormation's AWS::AccountId or Terraform's aws_caller_identity.
func ownAccountRef(s string) bool {
	return strings.Contains(s, "AWS::AccountId") || strings.Contains(s, "aws_caller_identity")
}

// arnField returns field i (0-based, "arn" is 0) of an ARN, "" when
// missing. Placeholders may contain ':' ("${AWS::AccountId}"): they are
// kept whole.
func arnField(arn string, i int) string {
	var fields []string
	start, depth := 0, 0
	for k := 0; k < len(arn); k++ {
		switch {
		case arn[k] == '$' && k+1 < len(arn) && arn[k+1] == '{':
			depth++
			k++
		case arn[k] == '}' && depth > 0:
			depth--
		case arn[k] == ':' && depth == 0:
			fields = append(fields, arn[start:k])
			start = k + 1
		}
	}
	fields = append(fields, arn[start:])
	if i < len(fields) {
		return fields[i]
	}
	return ""
}

// issuerOf returns the issuer of a Federated principal: the host and path
// of an oidc-provider ARN, or the value itself
// ("cognito-identity.amazonaws.com").
func issuerOf(v string) string {
	if i := strings.Index(v, ":oidc-provider/"); i >= 0 {
		return v[i+len(":oidc-provider/"):]
	}
	if hasPlaceholder(v) {
		return ""
	}
	return v
}

// attackerKeys are condition keys whose value the caller chooses: tags on
// its own principal or session, its session name and source identity,
// whether it used MFA in its own account. A condition on them keeps no
// outsider out.
var attackerKeys = []string{
	"aws:principaltag/", "aws:requesttag/", "aws:tagkeys", "sts:rolesessionname", "sts:sourceidentity",
	"sts:transitivetagkeys", "aws:multifactorauthpresent", "aws:multifactorauthage", "aws:username",
	"aws:requestedregion", "aws:principaltype", "aws:securetransport",
}

func attackerKey(key string) bool {
	k := strings.ToLower(key)
	for _, a := range attackerKeys {
		if k == a || strings.HasSuffix(a, "/") && strings.HasPrefix(k, a) {
			return true
		}
	}
	return false
}

// outsiderContexts are the request contexts of a caller from another
// account calling sts:AssumeRole directly: in another organization or in
// none, from an address on the Internet, not through a service.
func outsiderContexts() []Context {
	base := func() Context {
		var c Context
		c.Set("aws:SourceIp", "203.0.113.7")
		c.Set("aws:ViaAWSService", "false")
		c.Set("aws:PrincipalIsAWSService", "false")
		c.Set("aws:userid", "AROAOUTSIDEROUTSIDER:outsider")
		c.Absent = []string{"aws:SourceVpc", "aws:SourceVpce", "aws:VpcSourceIp", "aws:SourceArn", "aws:SourceAccount",
			"aws:SourceOwner", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:CalledVia", "aws:CalledViaFirst",
			"aws:CalledViaLast", "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:FederatedProvider"}
		return c
	}
	inOrg := base()
	inOrg.Set("aws:PrincipalOrgID", "o-outsider0000")
	inOrg.Set("aws:PrincipalOrgPaths", "o-outsider0000/r-out0/ou-out0-outsider/")
	noOrg := base()
	noOrg.Absent = append(noOrg.Absent, "aws:PrincipalOrgID", "aws:PrincipalOrgPaths")
	return []Context{inOrg, noOrg}
}

// awsOutsider decides whether a principal of another account (or, for a
// trusted account, any principal of it) satisfies the statement and no
// Deny of the policy stops it.
func awsOutsider(s *Statement, denies []*Statement, g *TrustGrant) {
	acct := outsiderAccount
	if g.Kind == TrustAccount {
		if g.OwnAccount || g.Account == "" {
			return // the app's own account, or one nightlight cannot name
		}
		acct = g.Account
	}
	caller := "arn:aws:iam::" + acct + ":role/outsider"
	for _, c := range s.Conditions {
		if strings.EqualFold(c.Key, "aws:MultiFactorAuthPresent") && c.op == opBool && !c.ifExists && len(c.bools) == 1 && c.bools[0] {
			g.MFA = true
		}
	}
	best, bestGuards, closed := No, []string(nil), []string(nil)
	for _, ctx := range outsiderContexts() {
		req := &Request{Principal: caller, Action: "sts:AssumeRole", Context: ctx}
		st := &evalState{req: req, svc: "sts", name: "AssumeRole", principal: caller}
		t, guards := conditionsFor(st, s, false)
		if t == No {
			closed = append(closed, guards...)
			continue
		}
		if deniedBy(st, denies) {
			closed = append(closed, "a Deny statement of the trust policy")
			continue
		}
		if t > best {
			best, bestGuards = t, guards
		}
	}
	switch best {
	case Yes:
		g.Open = true
	case Maybe:
		g.Guards = bestGuards
		g.ExternalID = len(bestGuards) > 0
		for _, gd := range bestGuards {
			if !strings.HasPrefix(strings.ToLower(gd), "sts:externalid ") {
				g.ExternalID = false
			}
		}
	default:
		g.Guards = model.SortedUnique(closed)
	}
}

// conditionsFor evaluates the statement's conditions for the request in
// st. Conditions on keys the caller chooses hold for an Allow (the
// caller makes them hold) and fail for a Deny (the caller avoids them).
// It returns the combined result and the conditions that did not
// certainly hold.
func conditionsFor(st *evalState, s *Statement, deny bool) (Tri, []string) {
	res := Yes
	var guards []string
	for _, c := range s.Conditions {
		var t Tri
		switch {
		case c.bad != "":
			t = Maybe
		case attackerKey(c.Key):
			t = Yes
			if deny {
				t = No
			}
		default:
			t = c.eval(st)
		}
		if t != Yes {
			guards = append(guards, c.String())
		}
		res = minTri(res, t)
	}
	return res, guards
}

// deniedBy reports whether a Deny statement may apply to the request in
// st (an unreadable statement counts as one): the request is then not
// certainly allowed, and nightlight reports nothing.
func deniedBy(st *evalState, denies []*Statement) bool {
	for _, d := range denies {
		if d.invalid {
			continue
		}
		if d.symbolic {
			return true
		}
		if covers(d, st.req.Action) == No {
			continue
		}
		if d.HasPrincipal {
			if st.matchPrincipals(d) == No {
				continue
			}
		}
		if t, _ := conditionsFor(st, d, true); t != No {
			return true // certainly or possibly denied: not certainly open
		}
	}
	return false
}

// webProvider describes a web identity issuer whose tokens anyone can
// obtain: the claim that must pin the caller, and how a value of it names
// the tenant (owner, organization) it belongs to.
type webProvider struct {
	// audience says who can obtain a token from the issuer.
	audience string
	// claims are the claims (after "issuer:") whose positive conditions
	// pin the caller; missing names the one to add.
	claims  []string
	missing string
	// pinned reports whether a condition value names one tenant (nil:
	// any value without a wildcard does).
	pinned func(claim, v string) bool
}

// webProviders are the issuers that serve anyone: tokens of any GitHub
// repository, GitLab project or Terraform Cloud workspace, of any Amazon
// Cognito identity pool, of any Google, Facebook or Amazon application.
var webProviders = map[string]webProvider{
	"token.actions.githubusercontent.com": {
		audience: "any GitHub Actions workflow of any repository",
		claims:   []string{"sub", "repository", "repository_owner", "repository_owner_id", "repository_id", "job_workflow_ref", "workflow_ref", "enterprise", "enterprise_id"},
		missing:  "sub",
		pinned: func(claim, v string) bool {
			switch claim {
			case "sub":
				if !strings.HasPrefix(v, "repo:") {
					return v != "*" && !strings.HasPrefix(v, "*")
				}
				return ownerPinned(strings.TrimPrefix(v, "repo:"), "/")
			case "repository", "job_workflow_ref", "workflow_ref":
				return ownerPinned(v, "/")
			}
			return !strings.ContainsAny(v, "*?")
		},
	},
	"gitlab.com": {
		audience: "any GitLab CI job of any project on gitlab.com",
		claims:   []string{"sub", "namespace_path", "namespace_id", "project_path", "project_id"},
		missing:  "sub",
		pinned: func(claim, v string) bool {
			switch claim {
			case "sub":
				if !strings.HasPrefix(v, "project_path:") {
					return v != "*" && !strings.HasPrefix(v, "*")
				}
				return ownerPinned(strings.TrimPrefix(v, "project_path:"), "/")
			case "project_path":
				return ownerPinned(v, "/")
			}
			return !strings.ContainsAny(v, "*?")
		},
	},
	"app.terraform.io": {
		audience: "any Terraform Cloud workspace of any organization",
		claims:   []string{"sub", "terraform_organization_id", "terraform_organization_name"},
		missing:  "sub",
		pinned: func(claim, v string) bool {
			if claim == "sub" {
				if !strings.HasPrefix(v, "organization:") {
					return v != "*" && !strings.HasPrefix(v, "*")
				}
				return ownerPinned(strings.TrimPrefix(v, "organization:"), ":")
			}
			return !strings.ContainsAny(v, "*?")
		},
	},
	"cognito-identity.amazonaws.com": {
		audience: "any Amazon Cognito identity pool of any AWS account (an unauthenticated identity of the attacker's own pool)",
		claims:   []string{"aud"},
		missing:  "aud",
	},
	"accounts.google.com": {
		audience: "any user of any Google OAuth application",
		claims:   []string{"aud", "oaud", "azp"},
		missing:  "aud",
	},
	"graph.facebook.com": {
		audience: "any user of any Facebook application",
		claims:   []string{"app_id"},
		missing:  "app_id",
	},
	"www.amazon.com": {
		audience: "any user of any Login with Amazon application",
		claims:   []string{"app_id"},
		missing:  "app_id",
	},
}

// ownerPinned reports whether v, a claim value that starts with a tenant
// name ended by sep ("acme/api:ref:…"), names the tenant without a
// wildcard. "acme*" is not pinned: anyone can register "acme-evil". An
// unresolved value counts as pinned.
func ownerPinned(v, sep string) bool {
	owner, _, ok := strings.Cut(v, sep)
	if hasPlaceholder(owner) {
		return true
	}
	return ok && owner != "" && !strings.ContainsAny(owner, "*?")
}

// webIdentity decides whether the statement lets a token the provider
// issues to anyone assume the role. Issuers that serve one tenant (an
// EKS cluster, a company's identity provider) are open when no condition
// names the subject: any workload or user of that issuer gets in.
func webIdentity(s *Statement, denies []*Statement, g *TrustGrant) {
	issuer := strings.ToLower(g.Provider)
	if issuer == "" {
		issuer = issuerFromConditions(s)
		g.Provider = issuer
	}
	if issuer == "" {
		g.Guards = []string{"unresolved provider"}
		return
	}
	for _, d := range denies {
		if covers(d, "sts:AssumeRoleWithWebIdentity") != No {
			g.Guards = []string{"a Deny statement of the trust policy"}
			return
		}
	}
	wp, known := webProviders[issuer]
	if !known {
		wp = webProvider{claims: []string{"sub"}, missing: "sub", audience: "any identity " + issuer + " issues tokens to"}
		if strings.HasPrefix(issuer, "oidc.eks.") {
			wp.audience = "any service account of the EKS cluster " + issuer
		}
	}
	for _, c := range s.Conditions {
		claim, ok := claimOf(c.Key, issuer)
		if !ok {
			if c.bad != "" || !attackerKey(c.Key) {
				// Another key (aws:SourceIp, a claim of another issuer):
				// nightlight assumes it guards.
				g.Guards = append(g.Guards, c.String())
			}
			continue
		}
		if !known && claim != "aud" && claim != "azp" && claim != "amr" {
			if positive(c) && !allWildcard(c) {
				g.Guards = append(g.Guards, c.String())
			}
			continue
		}
		if !containsString(wp.claims, claim) || !positive(c) {
			continue
		}
		pinned := len(c.Values) > 0
		for _, v := range c.Values {
			switch {
			case hasPlaceholder(v) && wp.pinned == nil:
			case wp.pinned != nil:
				if c.op == opStringEquals || c.op == opStringEqualsIgnoreCase || c.op == opArnEquals {
					v = strings.NewReplacer("*", "x", "?", "x").Replace(v) // literal characters
				}
				if !wp.pinned(claim, v) {
					pinned = false
				}
			case (c.op == opStringLike || c.op == opArnLike) && strings.ContainsAny(v, "*?"):
				pinned = false
			}
		}
		if pinned {
			g.Guards = append(g.Guards, c.String())
		}
	}
	if len(g.Guards) == 0 {
		g.Open = true
		g.Missing = wp.missing
		g.Audience = wp.audience
	}
}

// claimOf returns the claim of a web identity condition key
// ("token.actions.githubusercontent.com:sub" → "sub").
func claimOf(key, issuer string) (string, bool) {
	k := strings.ToLower(key)
	if !strings.HasPrefix(k, issuer+":") {
		return "", false
	}
	return k[len(issuer)+1:], true
}

// issuerFromConditions guesses the issuer of an unresolved Federated
// principal from its condition keys ("token.actions.githubusercontent.com:sub").
func issuerFromConditions(s *Statement) string {
	for _, c := range s.Conditions {
		k := strings.ToLower(c.Key)
		i := strings.LastIndexByte(k, ':')
		if i <= 0 || strings.HasPrefix(k, "aws:") || strings.HasPrefix(k, "sts:") {
			continue
		}
		return k[:i]
	}
	return ""
}

// positive reports whether the condition requires a matching value: a
// non-negated operator, not ForAllValues (vacuous on a missing claim).
func positive(c *Condition) bool {
	if c.bad != "" || c.op.negated() || c.set == setForAll || c.op == opNull {
		return false
	}
	switch c.op {
	case opStringEquals, opStringEqualsIgnoreCase, opStringLike, opArnEquals, opArnLike:
		return true
	}
	return false
}

// allWildcard reports whether every value of a Like condition is "*".
func allWildcard(c *Condition) bool {
	if c.op != opStringLike && c.op != opArnLike {
		return false
	}
	for _, v := range c.Values {
		if strings.Trim(v, "*") != "" {
			return false
		}
	}
	return true
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MultiTenantIssuer reports whether a web identity issuer gives tokens to
// anyone (GitHub Actions, gitlab.com, Terraform Cloud, Amazon Cognito
// identity pools, Google, Facebook, Login with Amazon).
func MultiTenantIssuer(issuer string) bool {
	_, ok := webProviders[strings.ToLower(issuer)]
	return ok
}

// MFATrap explains how a condition that looks like it requires MFA lets
// callers without MFA through, or returns "". Requests signed with
// long-term access keys carry no aws:MultiFactorAuthPresent (nor
// aws:MultiFactorAuthAge) key: an Allow with BoolIfExists
// aws:MultiFactorAuthPresent "true" (or NumericLessThanIfExists
// aws:MultiFactorAuthAge) admits them, and a Deny with Bool
// aws:MultiFactorAuthPresent "false" (or NumericGreaterThan
// aws:MultiFactorAuthAge) without IfExists never stops them.
func (c *Condition) MFATrap(effect Effect) string {
	if c.bad != "" || c.set != setNone {
		return ""
	}
	present := strings.EqualFold(c.Key, "aws:MultiFactorAuthPresent")
	age := strings.EqualFold(c.Key, "aws:MultiFactorAuthAge")
	if !present && !age {
		return ""
	}
	hasBool := func(b bool) bool {
		for _, x := range c.bools {
			if x == b {
				return true
			}
		}
		return false
	}
	switch {
	case effect == Allow && present && c.op == opBool && c.ifExists && hasBool(true):
		return "BoolIfExists aws:MultiFactorAuthPresent \"true\" also holds when the key is absent, and requests signed with long-term access keys carry no such key: they pass without MFA (use Bool)"
	case effect == Allow && age && c.ifExists && (c.op == opNumericLessThan || c.op == opNumericLessThanEquals):
		return c.Operator + " aws:MultiFactorAuthAge also holds when the key is absent, and requests signed with long-term access keys carry no such key: they pass without MFA (drop IfExists)"
	case effect == Deny && present && c.op == opBool && !c.ifExists && hasBool(false):
		return "Bool aws:MultiFactorAuthPresent \"false\" does not hold when the key is absent, and requests signed with long-term access keys carry no such key: this Deny never stops them (use BoolIfExists)"
	case effect == Deny && age && !c.ifExists && (c.op == opNumericGreaterThan || c.op == opNumericGreaterThanEquals):
		return c.Operator + " aws:MultiFactorAuthAge does not hold when the key is absent, and requests signed with long-term access keys carry no such key: this Deny never stops them (add IfExists)"
	}
	return ""
}
