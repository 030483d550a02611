package graph

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// outsider is the principal used to ask whether any AWS account may call.
const outsider = "arn:aws:iam::999999999999:role/nightlight-outsider"

// ownAccount stands for the stack's own account in requests.
const ownAccount = "111111111111"

// restrictingKeys are condition keys that pin a request to a known caller,
// source or network: a statement conditioned on one of them does not open
// the resource to everyone. (aws:Referer and aws:UserAgent are set by the
// caller and restrict nothing.)
var restrictingKeys = []string{
	"aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourceorgid", "aws:sourceorgpaths",
	"aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
	"aws:sourcevpc", "aws:sourcevpce", "aws:vpcsourceip", "aws:sourceip", "aws:principalservicename",
	"aws:userid", "aws:username", "aws:principaltag", "lambda:functionurlauthtype",
	"cloudfront:", "s3:datasourceaccount",
}

// absentForOutsiders are condition keys a caller from outside cannot carry
// (or, for lambda:FunctionUrlAuthType, that only a function URL request
// carries, which the function URL entry point already shows).
var absentForOutsiders = []string{
	"aws:SourceAccount", "aws:SourceArn", "aws:SourceOwner", "aws:SourceOrgID", "aws:SourceOrgPaths",
	"aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:SourceVpc", "aws:SourceVpce", "aws:VpcSourceIp",
	"lambda:FunctionUrlAuthType",
}

// probe is an action tried against a resource policy and the edge it
// makes when allowed.
type probe struct {
	action string
	kind   EdgeKind
}

// probes returns the actions worth asking a resource policy about.
func probes(k model.ResourcePolicyKind) []probe {
	switch k {
	case model.RPLambdaPermission:
		// A function's resource policy may also hand out its control
		// plane: changing its code or configuration, granting further
		// permissions, downloading its code, reading its environment.
		return []probe{{"lambda:InvokeFunction", EdgeInvokes}, {"lambda:UpdateFunctionCode", EdgeControls},
			{"lambda:UpdateFunctionConfiguration", EdgeControls}, {"lambda:AddPermission", EdgeControls},
			{"lambda:GetFunction", EdgeReadsCode}, {"lambda:GetFunctionConfiguration", EdgeReadsConfig}}
	case model.RPBucket:
		return []probe{{"s3:GetObject", EdgeReads}, {"s3:ListBucket", EdgeReads}, {"s3:PutObject", EdgeWrites}, {"s3:DeleteObject", EdgeWrites}, {"s3:PutBucketPolicy", EdgeManages}}
	case model.RPQueue:
		return []probe{{"sqs:ReceiveMessage", EdgeReads}, {"sqs:SendMessage", EdgeWrites}}
	case model.RPTopic:
		return []probe{{"sns:Subscribe", EdgeReads}, {"sns:Publish", EdgeWrites}}
	case model.RPSecret:
		return []probe{{"secretsmanager:GetSecretValue", EdgeReads}, {"secretsmanager:PutSecretValue", EdgeWrites}}
	case model.RPKey:
		return []probe{{"kms:Decrypt", EdgeReads}, {"kms:Encrypt", EdgeWrites}, {"kms:PutKeyPolicy", EdgeManages}}
	case model.RPEventBus:
		return []probe{{"events:PutEvents", EdgeWrites}}
	}
	return nil
}

// Exposure of a resource policy to one outside principal.
type exposure struct {
	principal NodeID
	via       string
	pos       model.Pos
	kinds     map[EdgeKind]bool
	deputy    bool
	// low is set when only principals nightlight cannot resolve admit
	// the caller.
	low bool
}

// resourcePolicies turns resource policies that admit the Internet, other
// accounts, or AWS services without a source condition (confused deputy)
// into entry points.
func (b *builder) resourcePolicies(st *model.Stack) {
	for _, rp := range st.ResourcePolicies {
		if rp.Kind == model.RPAPI || !rp.Doc.Known() || len(rp.Targets) == 0 {
			continue
		}
		pol, _ := iam.ParseDoc(rp.Doc)
		if pol == nil || len(pol.Statements) == 0 {
			continue
		}
		exps := b.expose(rp, pol)
		exps = b.controlPlane(st, rp, exps)
		if rp.Kind == model.RPBucket && publicBlocked(st, rp.Targets, model.AttrRestrictPublicBuckets, model.AttrBlockPublicPolicy) {
			// S3 ignores public grants of bucket policies when the
			// bucket restricts public buckets (and refuses to attach them
			// when it blocks public policies).
			exps = withoutPublic(exps)
		}
		if len(exps) == 0 {
			continue
		}
		id := ID(st.ID, NodeEntryPoint, "policy:"+rp.ID)
		auth := "resource-policy"
		for _, e := range exps {
			switch {
			case e.principal == PrincipalInternet:
				auth = "none"
			case e.deputy && auth != "none":
				auth = "confused-deputy"
			case auth == "resource-policy":
				auth = "cross-account"
			}
		}
		n := b.node(&Node{ID: id, Name: rp.ID, File: rp.Pos.File, Line: rp.Pos.Line,
			Sub: "resource-policy", Ref: rp.ID, Auth: auth})
		kinds := map[EdgeKind]bool{}
		for _, e := range exps {
			conf := model.ConfidenceHigh
			if e.low {
				conf = model.ConfidenceLow
			}
			b.edge(e.principal, n.ID, EdgeInvokes, e.via, e.pos, conf)
			for k := range e.kinds {
				kinds[k] = true
			}
		}
		for _, t := range rp.Targets {
			switch {
			case st.Function(t) != nil:
				b.edge(n.ID, ID(st.ID, NodeFunction, t), EdgeInvokes, string(rp.Kind), rp.Pos, model.ConfidenceHigh)
			case st.Store(t) != nil:
				to := ID(st.ID, NodeStore, t)
				if kinds[EdgeReads] {
					b.edge(to, n.ID, EdgeReads, string(rp.Kind)+" policy", rp.Pos, model.ConfidenceHigh)
				}
				if kinds[EdgeWrites] {
					b.edge(n.ID, to, EdgeWrites, string(rp.Kind)+" policy", rp.Pos, model.ConfidenceHigh)
				}
				if kinds[EdgeManages] {
					b.edge(n.ID, to, EdgeManages, string(rp.Kind)+" policy", rp.Pos, model.ConfidenceHigh)
				}
			}
		}
	}
}

// controlPlane turns what a function's resource policy grants beyond
// invoking (changing the function, downloading its code, reading its
// configuration) into edges from the admitted principals straight to the
// functions: that is control, not an entry point. An anonymous "*" needs
// AWS credentials for these calls, so it is any AWS account. It returns
// the exposures that remain entry points (those that invoke).
func (b *builder) controlPlane(st *model.Stack, rp *model.ResourcePolicy, exps []exposure) []exposure {
	if rp.Kind != model.RPLambdaPermission {
		return exps
	}
	var out []exposure
	for _, e := range exps {
		from := e.principal
		if from == PrincipalInternet {
			from = b.account("*")
		}
		for _, k := range []EdgeKind{EdgeControls, EdgeReadsCode, EdgeReadsConfig} {
			if !e.kinds[k] {
				continue
			}
			conf := model.ConfidenceHigh
			if e.low {
				conf = model.ConfidenceLow
			}
			for _, t := range rp.Targets {
				if st.Function(t) != nil {
					b.edge(from, ID(st.ID, NodeFunction, t), k, "resource policy "+rp.ID, e.pos, conf)
				}
			}
			delete(e.kinds, k)
		}
		if len(e.kinds) > 0 {
			out = append(out, e)
		}
	}
	return out
}

// publicBlocked reports whether every target bucket sets one of the
// public access block attributes to true.
func publicBlocked(st *model.Stack, targets []string, attrs ...string) bool {
	if len(targets) == 0 {
		return false
	}
	for _, t := range targets {
		s := st.Store(t)
		if s == nil {
			return false
		}
		blocked := false
		for _, a := range attrs {
			if v, ok := s.Attr(a).AsBool(); ok && v {
				blocked = true
			}
		}
		if !blocked {
			return false
		}
	}
	return true
}

// withoutPublic drops the Internet and any-account exposures.
func withoutPublic(exps []exposure) []exposure {
	var out []exposure
	for _, e := range exps {
		if e.principal != PrincipalInternet && e.principal != PrincipalAnyAccount {
			out = append(out, e)
		}
	}
	return out
}

// bucketACLs makes buckets whose canned ACL grants public access entry
// points, unless the bucket's public access block ignores public ACLs.
func (b *builder) bucketACLs(st *model.Stack) {
	for _, s := range st.Stores {
		if s.Kind != model.StoreBucket {
			continue
		}
		acl := s.Attr(model.AttrACL)
		var principal NodeID
		var via string
		write := false
		switch acl.String() {
		case model.ACLPublicRead:
			principal, via = b.internet(), "canned ACL "+acl.String()
		case model.ACLPublicReadWrite:
			principal, via, write = b.internet(), "canned ACL "+acl.String(), true
		case model.ACLAuthenticatedRead:
			principal, via = b.account("*"), "canned ACL "+acl.String()
		default:
			continue
		}
		if publicBlocked(st, []string{s.ID}, model.AttrIgnorePublicACLs) {
			continue
		}
		id := ID(st.ID, NodeEntryPoint, "acl:"+s.ID)
		auth := "none"
		if principal == PrincipalAnyAccount {
			auth = "cross-account"
		}
		n := b.node(&Node{ID: id, Name: s.ID + " ACL", File: acl.Pos.File, Line: acl.Pos.Line,
			Sub: "bucket-acl", Ref: s.ID, Auth: auth})
		b.edge(principal, n.ID, EdgeInvokes, via, acl.Pos, model.ConfidenceHigh)
		b.edge(ID(st.ID, NodeStore, s.ID), n.ID, EdgeReads, via, acl.Pos, model.ConfidenceHigh)
		if write {
			b.edge(n.ID, ID(st.ID, NodeStore, s.ID), EdgeWrites, via, acl.Pos, model.ConfidenceHigh)
		}
	}
}

// expose asks the IAM engine who from outside the policy admits.
func (b *builder) expose(rp *model.ResourcePolicy, pol *iam.Policy) []exposure {
	ps := &iam.PolicySet{Resource: []*iam.Policy{pol}}
	everything := iam.AllowAll("caller")
	withIdentity := &iam.PolicySet{Identity: []*iam.Policy{everything}, Resource: []*iam.Policy{pol}}
	var resources []string
	accounts := map[string]bool{}
	services := map[string]bool{}
	ownRef := false // an AWS principal names the stack's own account
	for _, s := range pol.Statements {
		if s.Effect != iam.Allow {
			continue
		}
		resources = append(resources, s.ResourceStrings()...)
		if s.NotPrincipal {
			continue
		}
		for _, p := range s.Principals {
			switch {
			case p.Type == iam.PrincipalService && !p.Symbolic:
				services[p.Value] = true
			case p.Type == iam.PrincipalAWS && !p.Symbolic && p.Value != "*":
				if a := accountOf(p.Value); iam.IsAccountID(a) {
					accounts[a] = true
				}
			case p.Type == iam.PrincipalAWS && ownAccountRef(p.Value):
				ownRef = true
			}
		}
	}
	resources = model.SortedUnique(resources)
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	outside := iam.Context{Absent: absentForOutsiders}
	var out []exposure
	self := false // probing the account's own principals
	try := func(principal string, nodeID NodeID, via string, set *iam.PolicySet, deputy bool) {
		e := exposure{principal: nodeID, via: via, kinds: map[EdgeKind]bool{}, deputy: deputy}
		for _, pr := range probes(rp.Kind) {
			if rp.Kind == model.RPLambdaPermission && pr.kind != EdgeInvokes && deputy {
				continue // services invoke; they do not manage functions on anyone's behalf
			}
			if self && pr.kind == EdgeInvokes {
				continue // the account's own callers are not an entry point
			}
			for _, res := range resources {
				req := &iam.Request{Principal: principal, Action: pr.action, Resource: res, ResourceAccount: ownAccount, Context: outside}
				d := set.Evaluate(req)
				if !open(d) {
					continue
				}
				switch {
				case self:
				case symbolicPrincipals(pol, d, principal) == symbolsNameModel:
					continue // a role or function of the stack, not an outsider
				case symbolicPrincipals(pol, d, principal) == symbolsUnknown:
					e.low = true
				}
				e.kinds[pr.kind] = true
				for _, m := range d.Matched {
					mp := model.Pos{File: m.File, Line: m.Line}
					if m.Kind == iam.KindResource && mp.IsValid() && (!e.pos.IsValid() || mp.Before(e.pos)) {
						e.pos = mp
					}
				}
			}
		}
		if len(e.kinds) > 0 {
			if !e.pos.IsValid() {
				e.pos = rp.Pos
			}
			out = append(out, e)
		}
	}
	try("*", PrincipalInternet, "resource policy admits anyone", ps, false)
	if len(out) > 0 {
		b.internet()
	}
	if len(out) == 0 {
		try(outsider, PrincipalAnyAccount, "resource policy admits any AWS account", withIdentity, false)
		if len(out) > 0 {
			b.account("*")
		}
	}
	if len(out) == 0 {
		for _, a := range sortedKeys(accounts) {
			if a == ownAccount {
				continue
			}
			n := len(out)
			try("arn:aws:iam::"+a+":root", PrincipalID("account:"+a), "resource policy admits account "+a, withIdentity, false)
			if len(out) > n {
				b.account(a)
			}
		}
	}
	if rp.Kind == model.RPLambdaPermission && ownRef {
		// "Principal: !Ref AWS::AccountId" on a function's control plane:
		// every principal of the account whose own IAM policies allow it
		// (outside the app, where nightlight cannot see them).
		self = true
		n := len(out)
		try("arn:aws:iam::"+ownAccount+":role/outside-the-app", PrincipalAccountSelf, "resource policy admits the principals of the account", withIdentity, false)
		if len(out) > n {
			b.node(principalNode(PrincipalAccountSelf, "Principals of this account outside the app", SubAccount))
		}
		self = false
	}
	for _, svc := range sortedKeys(services) {
		n := len(out)
		try(svc, PrincipalID("service:"+svc), "service "+svc+" without aws:SourceArn/aws:SourceAccount (confused deputy)", ps, true)
		if len(out) > n {
			b.service(svc)
		}
	}
	return out
}

// Results of symbolicPrincipals.
const (
	symbolsNone      = iota // some allowing statement names its principal plainly
	symbolsNameModel        // only symbols that refer to the stack's roles/functions
	symbolsUnknown          // only symbols, some of unknown origin
)

// symbolicPrincipals tells whether the statements that allowed a request
// admit it only through unresolved principals (a Terraform role ARN, a
// !GetAtt of a role): such a principal is one definite identity, which
// matched the probe only as "maybe".
func symbolicPrincipals(pol *iam.Policy, d iam.Decision, probe string) int {
	result := symbolsNone
	for _, m := range d.Matched {
		if m.Kind != iam.KindResource || m.Effect != iam.Allow || m.Index < 0 || m.Index >= len(pol.Statements) {
			continue
		}
		st := pol.Statements[m.Index]
		if !st.HasPrincipal || st.NotPrincipal {
			return symbolsNone
		}
		for _, p := range st.Principals {
			switch {
			case !p.Symbolic && (p.Type == iam.PrincipalAny || p.Value == "*" || p.Value == probe || accountOf(p.Value) == accountOf(probe)):
				return symbolsNone
			case !p.Symbolic:
				// Names someone else: it did not admit the probe.
			case ownAccountRef(p.Value):
				// The stack's own account: not an outsider.
				if result == symbolsNone {
					result = symbolsNameModel
				}
			case len(p.Refs) == 0:
				result = symbolsUnknown
			case result == symbolsNone:
				result = symbolsNameModel
			}
		}
	}
	return result
}

// open reports whether a decision lets an outside caller in: allowed, and
// not only under a condition that pins the caller or its network.
func open(d iam.Decision) bool {
	if !d.Allowed() {
		return false
	}
	if !d.Conditional {
		return true
	}
	// A requirement ("aws:SourceArn ArnLike …") or a possible deny
	// ("unless aws:SourceIp NotIpAddress …") on a key that pins the caller
	// keeps the Internet out; one on aws:SecureTransport does not.
	for _, c := range d.Conditions {
		lc := strings.ToLower(c)
		for _, k := range restrictingKeys {
			if strings.Contains(lc, k) {
				return false
			}
		}
	}
	return true
}

// apiPolicyCloses reports whether the resource policy of the route's API
// keeps anonymous callers out of a route that has no auth of its own (a
// policy allowing only a VPC endpoint, an IP range or named accounts).
func (b *builder) apiPolicyCloses(st *model.Stack, ep *model.EntryPoint, auth model.AuthType) bool {
	if auth != model.AuthNone && auth != model.AuthAPIKey {
		return false
	}
	api := st.API(ep.API)
	if api == nil || !api.Policy.Known() {
		return false
	}
	pol, _ := iam.ParseDoc(api.Policy)
	if pol == nil {
		return false
	}
	var resources []string
	for _, s := range pol.Statements {
		resources = append(resources, s.ResourceStrings()...)
	}
	resources = model.SortedUnique(resources)
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	ps := &iam.PolicySet{Resource: []*iam.Policy{pol}}
	for _, res := range resources {
		d := ps.Evaluate(&iam.Request{Principal: "*", Action: "execute-api:Invoke", Resource: res, ResourceAccount: ownAccount,
			Context: iam.Context{Absent: absentForOutsiders}})
		if open(d) {
			return false
		}
	}
	return true
}

// urlPermitted reports whether the stack grants anonymous callers
// lambda:InvokeFunctionUrl on the function (as SAM's FunctionUrlConfig and
// the console do), which a function URL with AuthType NONE needs.
func urlPermitted(st *model.Stack, fn string) bool {
	for _, rp := range st.ResourcePolicies {
		if rp.Kind != model.RPLambdaPermission || !rp.Doc.Known() || !hasString(rp.Targets, fn) {
			continue
		}
		pol, _ := iam.ParseDoc(rp.Doc)
		if pol == nil {
			continue
		}
		ctx := iam.Context{}
		ctx.Set("lambda:FunctionUrlAuthType", "NONE")
		d := (&iam.PolicySet{Resource: []*iam.Policy{pol}}).Evaluate(&iam.Request{Principal: "*", Action: "lambda:InvokeFunctionUrl",
			Resource: "*", ResourceAccount: ownAccount, Context: ctx})
		if d.Allowed() {
			return true
		}
	}
	return false
}

func hasString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// apiAccounts adds the other accounts an API's resource policy lets call
// an IAM-authorized route (their own policies must allow it too, which
// nightlight cannot see, so it assumes they do).
func (b *builder) apiAccounts(st *model.Stack, ep *model.EntryPoint, entry NodeID) {
	api := st.API(ep.API)
	if api == nil || !api.Policy.Known() {
		return
	}
	pol, _ := iam.ParseDoc(api.Policy)
	if pol == nil {
		return
	}
	everything := iam.AllowAll("caller")
	ps := &iam.PolicySet{Identity: []*iam.Policy{everything}, Resource: []*iam.Policy{pol}}
	var resources []string
	accounts := map[string]bool{"*": true}
	for _, s := range pol.Statements {
		resources = append(resources, s.ResourceStrings()...)
		if s.Effect != iam.Allow || s.NotPrincipal {
			continue
		}
		for _, p := range s.Principals {
			if a := accountOf(p.Value); p.Type == iam.PrincipalAWS && !p.Symbolic && iam.IsAccountID(a) && a != ownAccount {
				accounts[a] = true
			}
		}
	}
	resources = model.SortedUnique(resources)
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	for _, a := range sortedKeys(accounts) {
		principal := "arn:aws:iam::" + a + ":root"
		if a == "*" {
			principal = outsider
		}
		for _, res := range resources {
			d := ps.Evaluate(&iam.Request{Principal: principal, Action: "execute-api:Invoke", Resource: res, ResourceAccount: ownAccount,
				Context: iam.Context{Absent: absentForOutsiders}})
			if !open(d) || symbolicPrincipals(pol, d, principal) == symbolsNameModel {
				continue
			}
			who := "account " + a
			if a == "*" {
				who = "any AWS account"
			}
			b.edge(b.account(a), entry, EdgeInvokes, "API resource policy admits "+who, api.Policy.Pos, model.ConfidenceHigh)
			break
		}
	}
}

// ownAccountRef reports whether a principal value names the stack's own
// account: CloudFormation's AWS::AccountId or Terraform's
// aws_caller_identity, as the account ID or in a root ARN.
func ownAccountRef(v string) bool {
	if !strings.Contains(v, "AWS::AccountId") && !strings.Contains(v, "aws_caller_identity") {
		return false
	}
	return !strings.HasPrefix(v, "arn:") || strings.HasSuffix(v, ":root")
}
