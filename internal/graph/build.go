package graph

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Shared principal node IDs. Principals are not tied to a stack: the same
// Internet reaches every stack's public routes.
var (
	PrincipalInternet   = PrincipalID("internet")    // anonymous callers
	PrincipalAPIKey     = PrincipalID("api-key")     // anyone holding an API key (not authentication)
	PrincipalIAM        = PrincipalID("iam")         // callers signing with IAM credentials
	PrincipalAnyAccount = PrincipalID("any-account") // any AWS account
	PrincipalUnknown    = PrincipalID("unknown")     // auth nightlight could not decide statically
	// PrincipalAccountSelf is every principal of the stack's own account
	// outside the app, whose own IAM policies decide (a function's resource
	// policy that names the account hands them its control plane).
	PrincipalAccountSelf = PrincipalID("account:self")
)

// Principal sub-kinds (Node.Sub of principal nodes).
const (
	SubAnonymous     = "anonymous"
	SubAPIKey        = "api-key"
	SubAuthenticated = "authenticated"
	SubIAM           = "iam"
	SubAccount       = "account"
	SubService       = "service"
	SubUnknown       = "unknown"
)

// Options configure Build. The zero value is ready to use.
type Options struct {
	// Permissions gives the effective permissions of functions. Nil means
	// IAMPermissions with a fresh iam.Analyzer.
	Permissions Permissions
	// Classify, when set, gives a store's data classification, overriding
	// the one the loader read from tags when it returns non-empty (a flow
	// policy's classifications, say).
	Classify func(stack *model.Stack, st *model.Store) string
	// Group, when set, gives a function's owner group (for trust
	// boundaries), overriding Function.Group when it returns non-empty.
	Group func(stack *model.Stack, fn *model.Function) string
	// AwaitCode, when set, is called before Build first reads a function's
	// handler code (Function.Code), which another goroutine may still be
	// writing until it returns: the part of the graph that does not
	// depend on the code is built meanwhile.
	AwaitCode func()
}

// Permissions is what the graph needs from IAM analysis: the effective
// permissions of the functions of a stack.
type Permissions interface {
	// Analyze returns the effective permissions of every function of the
	// stack.
	Analyze(ctx context.Context, stack *model.Stack) (*iam.Analysis, error)
}

// IAMPermissions returns the Permissions backed by the iam package's
// analyzer (a nil analyzer means iam.NewAnalyzer()).
func IAMPermissions(a *iam.Analyzer) Permissions {
	if a == nil {
		a = iam.NewAnalyzer()
	}
	return a
}

// ID returns the node ID of a model object (ModelID).
func ID(stack string, kind NodeKind, id string) NodeID { return ModelID(stack, kind, id) }

// builder accumulates nodes and edges, merging duplicates.
type builder struct {
	ctx   context.Context
	opts  Options
	nodes map[NodeID]*Node
	edges map[edgeKey]*edgeAcc
}

type edgeKey struct {
	from, to NodeID
	kind     EdgeKind
}

// edgeAcc merges the reasons for one (from, to, kind) edge.
type edgeAcc struct {
	edge *Edge
	vias []string
	conf model.Confidence
}

// Build builds the application graph of every stack in app. It fails only
// when ctx is cancelled; problems in the model (unparsable policies, unknown
// references) lower the confidence of edges or leave them out.
func Build(ctx context.Context, app *model.App, opts Options) (*Graph, error) {
	if opts.Permissions == nil {
		opts.Permissions = IAMPermissions(nil)
	}
	b := &builder{ctx: ctx, opts: opts, nodes: map[NodeID]*Node{}, edges: map[edgeKey]*edgeAcc{}}
	if app != nil {
		for _, st := range app.Stacks {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if st == nil {
				continue
			}
			if err := b.stack(st); err != nil {
				return nil, fmt.Errorf("graph of %s: %w", st.ID, err)
			}
		}
		// The code's SDK calls only add reasons to edges already made
		// (merged in any order), so they come last, once the code is read.
		if opts.AwaitCode != nil {
			opts.AwaitCode()
		}
		for _, st := range app.Stacks {
			if st != nil {
				b.codeCalls(st)
			}
		}
	}
	g := &Graph{Nodes: make([]*Node, 0, len(b.nodes)), Edges: make([]*Edge, 0, len(b.edges))}
	for _, n := range b.nodes {
		g.Nodes = append(g.Nodes, n)
	}
	for _, e := range b.edges {
		e.edge.Via = joinVias(e.vias)
		e.edge.Confidence = e.conf
		g.Edges = append(g.Edges, e.edge)
	}
	g.Sort()
	g.idx = newIndex(g)
	return g, nil
}

func (b *builder) node(n *Node) *Node {
	if old, ok := b.nodes[n.ID]; ok {
		return old
	}
	b.nodes[n.ID] = n
	return n
}

// edge adds or merges an edge; the evidence kept is the first one by
// position, the confidence the highest.
func (b *builder) edge(from, to NodeID, kind EdgeKind, via string, pos model.Pos, conf model.Confidence) {
	if from.IsZero() || to.IsZero() || from == to && kind != EdgeInvokes {
		return
	}
	k := edgeKey{from, to, kind}
	acc, ok := b.edges[k]
	if !ok {
		acc = &edgeAcc{edge: &Edge{From: from, To: to, Kind: kind, Evidence: pos}}
		b.edges[k] = acc
	} else if pos.IsValid() && (!acc.edge.Evidence.IsValid() || pos.Before(acc.edge.Evidence)) {
		acc.edge.Evidence = pos
	}
	if via != "" {
		acc.vias = append(acc.vias, via)
	}
	if conf.Rank() > acc.conf.Rank() {
		acc.conf = conf
	}
}

func principalNode(id NodeID, name, sub string) *Node {
	return &Node{ID: id, Name: name, Sub: sub}
}

func (b *builder) internet() NodeID {
	return b.node(principalNode(PrincipalInternet, "Internet", SubAnonymous)).ID
}

func (b *builder) service(svc string) NodeID {
	return b.node(principalNode(PrincipalID("service:"+svc), svc, SubService)).ID
}

func (b *builder) account(acct string) NodeID {
	if acct == "*" || acct == "" {
		return b.node(principalNode(PrincipalAnyAccount, "Any AWS account", SubAccount)).ID
	}
	return b.node(principalNode(PrincipalID("account:"+acct), "AWS account "+acct, SubAccount)).ID
}

func (b *builder) stack(st *model.Stack) error {
	sid := st.ID
	// Stores first: functions, entry points and triggers refer to them.
	stores := map[string]*Node{}
	for _, s := range st.Stores {
		class := s.Classification
		if b.opts.Classify != nil {
			if c := b.opts.Classify(st, s); c != "" {
				class = c
			}
		}
		n := b.node(&Node{ID: ID(sid, NodeStore, s.ID), Name: s.ID, File: s.Pos.File, Line: s.Pos.Line,
			Sub: string(s.Kind), Ref: s.ID, Classification: class})
		stores[s.ID] = n
	}
	for _, r := range st.Roles {
		if r.External {
			continue
		}
		b.node(&Node{ID: ID(sid, NodeRole, r.ID), Name: r.ID, File: r.Pos.File, Line: r.Pos.Line, Ref: r.ID})
	}
	for _, fn := range st.Functions {
		n := b.node(&Node{ID: ID(sid, NodeFunction, fn.ID), Name: fn.ID, File: fn.Pos.File, Line: fn.Pos.Line,
			Ref: fn.ID, Sub: fn.Runtime.String()})
		n.Group = fn.Group
		if b.opts.Group != nil {
			if g := b.opts.Group(st, fn); g != "" {
				n.Group = g
			}
		}
		if fn.Role != "" && st.Role(fn.Role) != nil && !st.Role(fn.Role).External {
			pos := fn.Pos
			if fn.RoleARN != nil {
				pos = fn.RoleARN.PosOr(pos)
			}
			b.edge(n.ID, ID(sid, NodeRole, fn.Role), EdgeAssumes, "execution role", pos, model.ConfidenceHigh)
		}
	}
	b.entryPoints(st)
	b.triggers(st)
	b.bindings(st)
	b.stateMachines(st)
	b.trust(st)
	b.roleOwners(st)
	b.resourcePolicies(st)
	b.bucketACLs(st)
	return b.permissions(st)
}

// authPrincipal returns the principal node that may call an entry point
// with the given auth, and the edge's via text.
func (b *builder) authPrincipal(sid string, ep *model.EntryPoint) (NodeID, string) {
	a := ep.Auth
	switch a.Type {
	case model.AuthNone, "":
		if a.APIKeyRequired {
			return b.node(principalNode(PrincipalAPIKey, "API key holders", SubAPIKey)).ID, "API key only"
		}
		return b.internet(), "no auth"
	case model.AuthAPIKey:
		return b.node(principalNode(PrincipalAPIKey, "API key holders", SubAPIKey)).ID, "API key only"
	case model.AuthIAM:
		return b.node(principalNode(PrincipalIAM, "IAM principals", SubIAM)).ID, "IAM (SigV4)"
	case model.AuthUnknown:
		return b.node(principalNode(PrincipalUnknown, "Undecided auth", SubUnknown)).ID, "auth unknown"
	}
	name := a.Authorizer
	if name == "" {
		name = string(a.Type)
	}
	scope := sid + "#" + ep.API + "/" + name
	if ep.API == "" {
		scope = sid + "#" + name
	}
	label := authLabel(a.Type) + " users (" + name + ")"
	id := PrincipalID("authenticated:" + scope)
	n := b.node(principalNode(id, label, SubAuthenticated))
	n.Auth = string(a.Type)
	return id, "authorizer " + name + " (" + string(a.Type) + ")"
}

func authLabel(t model.AuthType) string {
	switch t {
	case model.AuthCognito:
		return "Cognito"
	case model.AuthJWT:
		return "JWT"
	case model.AuthLambda:
		return "Lambda-authorized"
	case model.AuthMTLS:
		return "mTLS"
	case model.AuthKey:
		return "Function-key"
	}
	return string(t)
}

func entrySub(st *model.Stack, ep *model.EntryPoint) string {
	if ep.Kind == model.EntryRoute {
		if api := st.API(ep.API); api != nil && api.Kind == model.APIWebSocket {
			return "websocket-route"
		}
		return "api-route"
	}
	return string(ep.Kind)
}

// vpcEdge marks an entry point reachable only from inside a VPC (a private
// API, an internal load balancer): callers there invoke it, and no
// Internet edge is drawn.
func (b *builder) vpcEdge(n *Node, auth model.AuthType, via string, pos model.Pos) {
	n.Auth = string(auth) + ",private"
	id := b.node(principalNode(PrincipalID("vpc"), "callers inside the VPC", "vpc")).ID
	b.edge(id, n.ID, EdgeInvokes, via, pos, model.ConfidenceHigh)
}

func entryName(ep *model.EntryPoint) string {
	if ep.Method != "" || ep.Path != "" {
		return strings.TrimSpace(ep.Method + " " + ep.Path)
	}
	return ep.ID
}

func (b *builder) entryPoints(st *model.Stack) {
	sid := st.ID
	for _, ep := range st.EntryPoints {
		auth := ep.Auth.Type
		if auth == model.AuthNone && ep.Auth.APIKeyRequired {
			auth = model.AuthAPIKey
		}
		if auth == "" {
			auth = model.AuthNone
		}
		n := b.node(&Node{ID: ID(sid, NodeEntryPoint, ep.ID), Name: entryName(ep), File: ep.Pos.File, Line: ep.Pos.Line,
			Sub: entrySub(st, ep), Ref: ep.ID, Auth: string(auth)})
		if api := st.API(ep.API); api != nil && api.Private() {
			// A private API is reachable only from inside a VPC, through
			// its endpoint: no Internet edge.
			b.vpcEdge(n, auth, "private API", api.Endpoint.PosOr(ep.Pos))
		} else if ep.Internal() {
			// A target of an internal load balancer answers only inside
			// its VPC: callers there, after the listener's own
			// authentication, and no Internet edge.
			b.vpcEdge(n, auth, "internal load balancer", ep.Pos)
		} else if !b.apiPolicyCloses(st, ep, auth) {
			p, via := b.authPrincipal(sid, ep)
			conf := model.ConfidenceHigh
			if ep.Kind == model.EntryFunctionURL && auth == model.AuthNone && !urlPermitted(st, ep.Function) {
				// Without a permission for "*" on lambda:InvokeFunctionUrl
				// the URL answers 403, unless one is added outside the
				// template.
				conf = model.ConfidenceMedium
				via += " (no public lambda:InvokeFunctionUrl permission in the template)"
			}
			b.edge(p, n.ID, EdgeInvokes, via, ep.Auth.Pos, conf)
			if auth == model.AuthIAM {
				b.apiAccounts(st, ep, n.ID)
			}
		}
		b.authorizerEntry(st, ep)
		via := "route " + entryName(ep)
		switch ep.Kind {
		case model.EntryFunctionURL:
			via = "function URL"
		case model.EntryALB:
			via = "ALB target"
		}
		if ep.Function != "" && st.Function(ep.Function) != nil {
			b.edge(n.ID, ID(sid, NodeFunction, ep.Function), EdgeInvokes, via, ep.Pos, model.ConfidenceHigh)
		}
		for _, ref := range ep.Target.AllRefs() {
			if ref == ep.Function {
				continue
			}
			if st.Store(ref) != nil {
				// A direct service integration (API Gateway → SQS, an
				// AppSync data source) may write the store and, for
				// queries, read it back to the caller.
				b.edge(n.ID, ID(sid, NodeStore, ref), EdgeWrites, "integration "+entryName(ep), ep.Target.PosOr(ep.Pos), model.ConfidenceHigh)
				if k := st.Store(ref).Kind; k != model.StoreQueue && k != model.StoreTopic && k != model.StoreEventBus && k != model.StoreStream && k != model.StoreStateMachine {
					b.edge(ID(sid, NodeStore, ref), n.ID, EdgeReads, "integration "+entryName(ep), ep.Target.PosOr(ep.Pos), model.ConfidenceMedium)
				}
			} else if st.Function(ref) != nil {
				b.edge(n.ID, ID(sid, NodeFunction, ref), EdgeInvokes, "integration "+entryName(ep), ep.Target.PosOr(ep.Pos), model.ConfidenceHigh)
			}
		}
	}
}

// authorizerEntry makes a Lambda authorizer an entry point of its own: it
// runs on every request, before anyone is authenticated, so anonymous
// callers reach it whatever the route requires.
func (b *builder) authorizerEntry(st *model.Stack, ep *model.EntryPoint) {
	api := st.API(ep.API)
	if api == nil || ep.Auth.Type != model.AuthLambda || api.Private() {
		return
	}
	name := ep.Auth.Authorizer
	if name == "" {
		name = api.DefaultAuthorizer
	}
	for _, a := range api.Authorizers {
		if a.Name != name || a.Function == "" || st.Function(a.Function) == nil {
			continue
		}
		id := ID(st.ID, NodeEntryPoint, "authorizer:"+api.ID+"/"+a.Name)
		b.node(&Node{ID: id, Name: "authorizer " + a.Name, File: a.Pos.File, Line: a.Pos.Line,
			Sub: "authorizer", Ref: api.ID + "/" + a.Name, Auth: string(model.AuthNone)})
		b.edge(b.internet(), id, EdgeInvokes, "every request to "+api.ID, a.Pos, model.ConfidenceHigh)
		b.edge(id, ID(st.ID, NodeFunction, a.Function), EdgeInvokes, "Lambda authorizer", a.Pos, model.ConfidenceHigh)
	}
}

// triggerService is the AWS service that delivers events of a trigger kind
// without a source in the stack.
func triggerService(k model.TriggerKind) string {
	switch k {
	case model.TriggerSchedule, model.TriggerEventBridge:
		return "events.amazonaws.com"
	case model.TriggerS3:
		return "s3.amazonaws.com"
	case model.TriggerSNS:
		return "sns.amazonaws.com"
	case model.TriggerSQS:
		return "sqs.amazonaws.com"
	case model.TriggerCloudWatchLogs:
		return "logs.amazonaws.com"
	case model.TriggerCognito:
		return "cognito-idp.amazonaws.com"
	case model.TriggerIoT:
		return "iot.amazonaws.com"
	case model.TriggerAlexa:
		return "alexa-appkit.amazon.com"
	case model.TriggerKinesis:
		return "kinesis.amazonaws.com"
	case model.TriggerDynamoDB:
		return "dynamodb.amazonaws.com"
	case model.TriggerKafka:
		return "kafka.amazonaws.com"
	case model.TriggerMQ:
		return "mq.amazonaws.com"
	case model.TriggerStepFunctions:
		return "states.amazonaws.com"
	}
	return string(k)
}

func (b *builder) triggers(st *model.Stack) {
	sid := st.ID
	for _, tr := range st.Triggers {
		if st.Function(tr.Function) == nil {
			continue
		}
		to := ID(sid, NodeFunction, tr.Function)
		via := "trigger " + string(tr.Kind)
		if tr.Event != "" {
			via += " " + tr.Event
		}
		var from NodeID
		switch {
		case tr.Source != "" && st.Store(tr.Source) != nil:
			from = ID(sid, NodeStore, tr.Source)
		case tr.Source != "" && st.Function(tr.Source) != nil:
			from = ID(sid, NodeFunction, tr.Source)
		default:
			for _, ref := range tr.SourceValue.AllRefs() {
				if st.Store(ref) != nil {
					from = ID(sid, NodeStore, ref)
					break
				}
			}
		}
		if from.IsZero() {
			from = b.service(triggerService(tr.Kind))
		}
		b.edge(from, to, EdgeInvokes, via, tr.Pos, model.ConfidenceHigh)
	}
}

// bindings adds the data flows functions declare as input and output
// bindings: the platform moves the data, so no permission is involved.
func (b *builder) bindings(st *model.Stack) {
	sid := st.ID
	for _, bd := range st.Bindings {
		if st.Function(bd.Function) == nil || st.Store(bd.Store) == nil {
			continue
		}
		fn, s := ID(sid, NodeFunction, bd.Function), ID(sid, NodeStore, bd.Store)
		conf := model.ConfidenceHigh
		if bd.Note != "" {
			conf = model.ConfidenceMedium
		}
		via := bd.Type + " binding"
		if bd.Access == model.AccessWrite {
			b.edge(fn, s, EdgeWrites, via, bd.Pos, conf)
		} else {
			b.edge(s, fn, EdgeReads, via, bd.Pos, conf)
		}
	}
}

// codeCalls confirms the data flows a function's handler code makes: an
// AWS SDK call (read from the code) whose resource the code names through
// an environment variable the template links to a store of the stack. The
// code shows the call is made, not only allowed, so the permission edge it
// uses gets high confidence and the reason "code ACTION" (a guess from a
// wildcard policy becomes a fact). A call the role does not allow makes no
// edge: it fails at run time (the handler-code rules report it).
func (b *builder) codeCalls(st *model.Stack) {
	sid := st.ID
	// Whether a policy grant made an edge, per edge and action: a function
	// makes the same call at many places, and each one's via repeats the
	// first (joinVias keeps one); each still counts for the evidence.
	type grant struct {
		k      edgeKey
		action string
	}
	seen := map[grant]bool{}
	for _, f := range st.Functions {
		if f.Code == nil {
			continue
		}
		fn := ID(sid, NodeFunction, f.ID)
		clear(seen)
		for _, c := range f.Code.Calls {
			if c.Resource == "" || st.Store(c.Resource) == nil {
				continue
			}
			s := ID(sid, NodeStore, c.Resource)
			for _, act := range c.Actions {
				a := actionCatalog().Lookup(act)
				if a == nil {
					continue
				}
				from, to, kind := fn, s, EdgeWrites
				switch {
				case a.Access == catalog.Read || a.Access == catalog.List:
					from, to, kind = s, fn, EdgeReads
				case a.Access == catalog.PermissionsManagement || a.Access == catalog.Write && configWrite(a.Name):
					kind = EdgeManages
				case a.Access != catalog.Write:
					continue
				}
				g := grant{edgeKey{from, to, kind}, act}
				ok, done := seen[g]
				switch {
				case !done:
					name := a.String()
					acc := b.edges[g.k]
					ok = acc != nil && granted(acc, name)
					seen[g] = ok
					if ok {
						b.edge(from, to, kind, "code "+name, c.Pos, model.ConfidenceHigh)
					}
				case ok:
					b.edge(from, to, kind, "", c.Pos, model.ConfidenceHigh)
				}
			}
		}
	}
}

// granted reports whether a policy grant of action made the edge.
func granted(acc *edgeAcc, action string) bool {
	for _, v := range acc.vias {
		for v != "" {
			var part string
			part, v, _ = strings.Cut(v, "\x00")
			if a, ok := strings.CutPrefix(part, "policy "); ok && strings.EqualFold(a, action) {
				return true
			}
		}
	}
	return false
}

// actionCatalog is the IAM action catalog for the access level of actions
// read from handler code; loaded once, immutable.
var actionCatalog = sync.OnceValue(catalog.New)

func (b *builder) stateMachines(st *model.Stack) {
	sid := st.ID
	for _, s := range st.Stores {
		if s.Kind != model.StoreStateMachine {
			continue
		}
		def := s.Attr(model.AttrDefinition)
		def.Walk(func(v *model.Value) bool {
			for _, ref := range v.Refs {
				if st.Function(ref) != nil {
					b.edge(ID(sid, NodeStore, s.ID), ID(sid, NodeFunction, ref), EdgeInvokes, "state machine definition", v.PosOr(s.Pos), model.ConfidenceHigh)
				} else if ref != s.ID && st.Store(ref) != nil {
					b.edge(ID(sid, NodeStore, s.ID), ID(sid, NodeStore, ref), EdgeWrites, "state machine definition", v.PosOr(s.Pos), model.ConfidenceMedium)
				}
			}
			return true
		})
	}
}

// trust adds assumes edges from the principals a role's trust policy
// admits, except the Lambda service (the function → role edge says it).
// Other accounts, any AWS principal and federated identities come through
// an entry point ("…#entry-point:trust:<role>"): a trust policy is the
// role's resource policy.
func (b *builder) trust(st *model.Stack) {
	everything := iam.AllowAll("caller")
	for _, r := range st.Roles {
		if r.External || !r.Trust.Known() {
			continue
		}
		pol, _ := iam.ParseDoc(r.Trust)
		if pol == nil {
			continue
		}
		to := ID(st.ID, NodeRole, r.ID)
		entry := func(from NodeID, auth, via string, pos model.Pos) {
			id := ID(st.ID, NodeEntryPoint, "trust:"+r.ID)
			b.node(&Node{ID: id, Name: r.ID + " trust", File: r.Trust.Pos.File, Line: r.Trust.Pos.Line,
				Sub: "role-trust", Ref: r.ID, Auth: auth})
			b.edge(from, id, EdgeInvokes, via, pos, model.ConfidenceHigh)
			b.edge(id, to, EdgeAssumes, "sts:AssumeRole", r.Trust.Pos, model.ConfidenceHigh)
		}
		ps := &iam.PolicySet{Identity: []*iam.Policy{everything}, Resource: []*iam.Policy{pol}}
		admits := func(principal string) bool {
			d := ps.Evaluate(&iam.Request{Principal: principal, Action: "sts:AssumeRole", Resource: "arn:aws:iam::" + ownAccount + ":role/" + r.ID,
				ResourceAccount: ownAccount, Context: iam.Context{Absent: absentForOutsiders}})
			return open(d)
		}
		for _, s := range pol.Statements {
			if s.Effect != iam.Allow || s.NotPrincipal {
				continue
			}
			for _, p := range s.Principals {
				via := "trust " + string(p.Type) + " " + p.Value
				switch {
				case p.Type == iam.PrincipalService:
					if p.Value == "lambda.amazonaws.com" || p.Value == "edgelambda.amazonaws.com" {
						continue
					}
					b.edge(b.service(p.Value), to, EdgeAssumes, via, s.Pos, model.ConfidenceHigh)
				case p.Type == iam.PrincipalAny || p.Type == iam.PrincipalAWS && p.Value == "*":
					if admits(outsider) {
						entry(b.account("*"), "cross-account", via, s.Pos)
					}
				case p.Type == iam.PrincipalAWS && p.Symbolic:
					for _, ref := range p.Refs {
						if st.Role(ref) != nil && ref != r.ID {
							b.edge(ID(st.ID, NodeRole, ref), to, EdgeAssumes, via, s.Pos, model.ConfidenceHigh)
						}
					}
				case p.Type == iam.PrincipalAWS:
					if a := accountOf(p.Value); iam.IsAccountID(a) && admits("arn:aws:iam::"+a+":root") {
						entry(b.account(a), "cross-account", via, s.Pos)
					}
				case p.Type == iam.PrincipalFederated:
					id := b.node(principalNode(PrincipalID("federated:"+p.Value), p.Value, SubAuthenticated)).ID
					entry(id, "federated", via, s.Pos)
				}
			}
		}
	}
}

// roleOwners links stores that run with a role (state machines, …) to it:
// the resource's RoleArn/Role property, or a role generated for it.
func (b *builder) roleOwners(st *model.Stack) {
	for _, s := range st.Stores {
		from := ID(st.ID, NodeStore, s.ID)
		if r := st.ByID(s.ID); r != nil {
			for _, key := range []string{"RoleArn", "Role", "role_arn", "ExecutionRoleArn"} {
				v := r.Properties.Get(key)
				for _, ref := range v.AllRefs() {
					if role := st.Role(ref); role != nil && !role.External {
						b.edge(from, ID(st.ID, NodeRole, ref), EdgeAssumes, key, v.PosOr(r.Pos), model.ConfidenceHigh)
					}
				}
			}
		}
		for _, r := range st.Resources {
			if r.Generated == s.ID && st.Role(r.ID) != nil && !st.Role(r.ID).External {
				b.edge(from, ID(st.ID, NodeRole, r.ID), EdgeAssumes, "generated role", r.Pos, model.ConfidenceHigh)
			}
		}
	}
}

// accountOf returns the account ID in an ARN or a bare account ID.
func accountOf(s string) string {
	if strings.HasPrefix(s, "arn:") {
		parts := strings.SplitN(s, ":", 6)
		if len(parts) > 4 && parts[4] != "" {
			return parts[4]
		}
	}
	return s
}

// permissions adds the edges effective IAM permissions create: reads,
// writes, manages, invokes and control of functions, and assumes of other
// roles, for every principal of the stack — functions (through their
// roles), roles no function runs with (a state machine's, a CI role, an
// identity pool's), and users.
func (b *builder) permissions(st *model.Stack) error {
	if st.Provider != "" && st.Provider != model.AWS || len(st.Functions) == 0 && len(st.Roles) == 0 && len(st.Users) == 0 {
		return nil
	}
	an, err := b.opts.Permissions.Analyze(b.ctx, st)
	if err != nil {
		if b.ctx.Err() != nil {
			return err
		}
		return nil
	}
	if an == nil {
		return nil
	}
	names := storeNames(st)
	for _, fn := range st.Functions {
		if eff := an.Function(fn.ID); eff != nil {
			b.grants(st, actor{node: ID(st.ID, NodeFunction, fn.ID), fn: fn, role: fn.Role, pos: fn.Pos}, eff, names)
		}
	}
	for _, a := range an.Principals {
		var from NodeID
		switch a.Kind {
		case iam.RolePrincipal:
			if len(a.Functions) > 0 || st.Role(a.ID) == nil {
				continue // acts through its functions
			}
			from = ID(st.ID, NodeRole, a.ID)
			b.grants(st, actor{node: from, role: a.ID, pos: a.Pos}, a.Effective, names)
		case iam.UserPrincipal:
			from = b.node(&Node{ID: ID(st.ID, NodeUser, a.ID), Name: a.ID, File: a.Pos.File, Line: a.Pos.Line, Ref: a.ID, Sub: "iam-user"}).ID
			b.grants(st, actor{node: from, pos: a.Pos, docs: userDocs(st, a.ID)}, a.Effective, names)
		}
	}
	return nil
}

// actor is who acts through a set of effective permissions: a function
// (through its role), a role, or a user.
type actor struct {
	node NodeID
	fn   *model.Function // nil for roles and users
	role string          // the role's ID, for functions and roles
	pos  model.Pos       // fallback evidence
	docs []*model.PolicyDoc
}

func userDocs(st *model.Stack, id string) []*model.PolicyDoc {
	u := st.User(id)
	if u == nil {
		return nil
	}
	docs := append([]*model.PolicyDoc(nil), u.Policies...)
	for _, g := range u.Groups {
		if grp := st.Group(g); grp != nil {
			docs = append(docs, grp.Policies...)
		}
	}
	return docs
}

// storeNames returns the physical names of stores, for environment
// values and inline code that name a store literally rather than by
// reference.
func storeNames(st *model.Stack) map[string]string {
	names := map[string]string{}
	for _, s := range st.Stores {
		if n := s.Name.String(); s.Name.IsResolved() && len(n) >= 4 {
			names[s.ID] = n
		}
	}
	return names
}

// grants adds the edges of the effective permissions eff of one actor.
func (b *builder) grants(st *model.Stack, a actor, eff *iam.Effective, names map[string]string) {
	if n := b.nodes[a.node]; n != nil {
		for _, f := range eff.Flags {
			if dangerous(f) {
				n.Flags = append(n.Flags, string(f.Kind))
			}
		}
		n.Flags = model.SortedUnique(n.Flags)
	}
	envRefs := map[string]string{}
	if fn := a.fn; fn != nil {
		for _, ev := range fn.Environment {
			for _, ref := range ev.Value.AllRefs() {
				if _, ok := envRefs[ref]; !ok {
					envRefs[ref] = "env " + ev.Name
				}
			}
			if ev.Value.IsResolved() {
				for id, name := range names {
					if _, ok := envRefs[id]; !ok && strings.Contains(ev.Value.String(), name) {
						envRefs[id] = "env " + ev.Name
					}
				}
			}
		}
		if code := fn.InlineCode.String(); code != "" {
			for id, name := range names {
				if _, ok := envRefs[id]; !ok && strings.Contains(code, name) {
					envRefs[id] = "inline code"
				}
			}
		}
	}
	for _, g := range eff.Grants {
		for _, t := range g.Targets {
			b.grantEdge(st, a, g, t, envRefs)
		}
	}
}

// dangerous reports whether a flag is worth showing in a blast radius:
// not the informational ones (shared role, unknown grants, misspelt
// actions), and not the log-writing wildcard every function's basic
// execution role has.
func dangerous(f iam.Flag) bool {
	switch f.Kind {
	case iam.FlagSharedRole, iam.FlagUnknownAction, iam.FlagUnknownGrants:
		return false
	case iam.FlagWildcardResource:
		for _, a := range f.Actions {
			if !strings.HasPrefix(strings.ToLower(a), "logs:") {
				return true
			}
		}
		return false
	}
	return true
}

// grantEdge adds the edge one granted (action, target) makes. envRefs maps
// the IDs of stores the function's environment or inline code names to the
// reason ("env TABLE", "inline code").
func (b *builder) grantEdge(st *model.Stack, a actor, g iam.Grant, t iam.Target, envRefs map[string]string) {
	sid := st.ID
	from := a.node
	pos := b.statementPos(st, a, g.Statement)
	conf := model.ConfidenceLow
	switch t.Confidence {
	case model.ConfidenceHigh, model.ConfidenceMedium:
		conf = model.ConfidenceMedium
	}
	via := "policy " + g.Action
	if env, ok := envRefs[t.ID]; ok {
		if t.Confidence == model.ConfidenceHigh {
			conf = model.ConfidenceHigh
		}
		via += "\x00" + env
	}
	if g.Conditional && conf == model.ConfidenceHigh {
		conf = model.ConfidenceMedium
	}
	_, name, _ := strings.Cut(g.Action, ":")
	switch t.Kind {
	case "function":
		if a.fn != nil && t.ID == a.fn.ID {
			return
		}
		to := ID(sid, NodeFunction, t.ID)
		if k := functionEdge(name, g.Access); k != "" {
			b.edge(from, to, k, via, pos, conf)
		}
	case "role":
		if st.Role(t.ID) == nil || st.Role(t.ID).External {
			return
		}
		to := ID(sid, NodeRole, t.ID)
		switch {
		case strings.EqualFold(g.Action, "sts:AssumeRole"):
			if t.ID != a.role {
				b.edge(from, to, EdgeAssumes, via, pos, conf)
			}
		case g.Access == catalog.PermissionsManagement || strings.EqualFold(g.Action, "iam:PassRole"):
			b.edge(from, to, EdgeManages, via, pos, conf)
		}
	default:
		if st.Store(t.ID) == nil {
			return
		}
		to := ID(sid, NodeStore, t.ID)
		switch g.Access {
		case catalog.Read, catalog.List:
			b.edge(to, from, EdgeReads, via, pos, conf)
		case catalog.Write:
			if configWrite(name) {
				b.edge(from, to, EdgeManages, via, pos, conf)
			} else {
				b.edge(from, to, EdgeWrites, via, pos, conf)
			}
		case catalog.PermissionsManagement:
			b.edge(from, to, EdgeManages, via, pos, conf)
		case catalog.UnknownLevel:
			b.edge(from, to, EdgeWrites, via, pos, model.ConfidenceLow)
		}
	}
}

// configWrite reports whether a Write action changes a resource's
// configuration or existence rather than its data: DeleteTable,
// PutBucketPolicy, UpdateFunctionCode, SetQueueAttributes, …
func configWrite(name string) bool {
	for _, s := range []string{"Configuration", "Policy", "Attributes", "Permission", "Acl", "Encryption", "Lifecycle", "Replication", "Notification", "Cors", "Website", "Versioning", "Rotation"} {
		if strings.Contains(name, s) {
			return true
		}
	}
	verb := false
	for _, v := range []string{"Create", "Delete", "Update", "Disable", "Enable", "Schedule", "Cancel", "Purge"} {
		if strings.HasPrefix(name, v) {
			verb = true
			break
		}
	}
	if !verb {
		return false
	}
	for _, s := range []string{"Table", "Bucket", "Queue", "Topic", "Function", "FunctionCode", "StateMachine", "Stream", "EventBus", "Key", "KeyDeletion", "Alias", "LogGroup", "Secret", "UserPool", "Layer", "Index", "Rule"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// maxViaActions bounds the actions listed in an edge's Via.
const maxViaActions = 6

// statementPos is the evidence for a grant: the statement when it is
// written in the stack's own files, else where its policy is attached (a
// managed policy or SAM policy template line), else the function.
func (b *builder) statementPos(st *model.Stack, a actor, ref iam.StatementRef) model.Pos {
	docs := a.docs
	if r := st.Role(a.role); r != nil {
		docs = r.Policies
	}
	for _, d := range docs {
		// A managed policy's statements are placed where it is attached.
		if d.Name == ref.Policy && !d.Known() && d.Pos.File == ref.File && d.Pos.Line == ref.Line {
			return d.Pos
		}
	}
	if ref.File != "" && (ref.File == st.File || ref.File == a.pos.File) {
		return model.Pos{File: ref.File, Line: ref.Line}
	}
	for _, d := range docs {
		if d.Name == ref.Policy && d.Pos.IsValid() {
			return d.Pos
		}
	}
	for _, d := range docs {
		if ref.Policy != "" && strings.HasSuffix(d.Name, "/"+ref.Policy) && d.Pos.IsValid() {
			return d.Pos
		}
	}
	return a.pos
}

// functionEdge returns the edge a granted Lambda action on a function
// makes: invokes, reads-code (GetFunction returns a download URL for the
// code), reads-config (the environment), controls (anything that changes
// the function, its code, configuration, layers, resource policy, URL,
// concurrency or aliases), or "" for actions that do none of these.
func functionEdge(name string, access catalog.AccessLevel) EdgeKind {
	switch strings.ToLower(name) {
	case "invokefunction", "invokeasync", "invokefunctionurl", "invokewithresponsestream":
		return EdgeInvokes
	case "getfunction":
		return EdgeReadsCode
	case "getfunctionconfiguration":
		return EdgeReadsConfig
	}
	if iam.ControlAction("lambda:" + name) {
		return EdgeControls
	}
	return ""
}

// joinVias merges the reasons for one edge: "policy a, b; env X; trigger".
// A reason may hold several parts separated by NUL.
func joinVias(vias []string) string {
	var actions, code, other []string
	for _, v := range vias {
		for _, part := range strings.Split(v, "\x00") {
			if a, ok := strings.CutPrefix(part, "policy "); ok {
				actions = append(actions, a)
			} else if a, ok := strings.CutPrefix(part, "code "); ok {
				code = append(code, a)
			} else {
				other = append(other, part)
			}
		}
	}
	var parts []string
	if code = model.SortedUnique(code); len(code) > 0 {
		parts = append(parts, "code "+strings.Join(code, ", "))
	}
	if actions = model.SortedUnique(actions); len(actions) > maxViaActions {
		parts = append(parts, fmt.Sprintf("policy %s, … (%d actions)", strings.Join(actions[:maxViaActions], ", "), len(actions)))
	} else if len(actions) > 0 {
		parts = append(parts, "policy "+strings.Join(actions, ", "))
	}
	return strings.Join(append(parts, model.SortedUnique(other)...), "; ")
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
