// Package sam loads AWS SAM templates (CloudFormation with the
// AWS::Serverless-2016-10-31 transform) into the model, with SAM's real
// semantics: Globals merging, the implicit execution role of each function
// (with the managed and inline policies SAM adds for tracing, VPC access,
// event sources and destinations), every shape of Policies including the
// SAM policy templates expanded to their statements, every event source
// type, the implicit ServerlessRestApi and ServerlessHttpApi, Auth on APIs
// and routes (authorizers, NONE overrides, API keys, resource policies),
// function URLs, SimpleTable, StateMachine, LayerVersion, Application,
// Connector and GraphQLApi.
//
// The template is parsed and resolved by internal/load/cfn; this package
// translates the AWS::Serverless::* resources, records the resources SAM
// would generate (MyFunctionRole, ServerlessRestApi, …) so that references
// to them resolve to model objects, and leaves every other resource to
// cfn.Template.Translate.
package sam

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/conc"
	"github.com/nightlight-sec/nightlight/internal/decode/yamlv"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// IDs of the APIs SAM creates for events that name no API.
const (
	ImplicitRestAPIID = "ServerlessRestApi"
	ImplicitHTTPAPIID = "ServerlessHttpApi"
)

// Load decodes, parses and translates one SAM template file. The stack is
// returned even when err is non-nil, with whatever could be loaded; err
// carries file:line:col positions.
func Load(ctx context.Context, u load.Unit, opts load.Options) (st *model.Stack, err error) {
	if len(u.Files) != 1 {
		return nil, fmt.Errorf("sam: want one file, got %d", len(u.Files))
	}
	f := u.Files[0]
	doc, err := yamlv.Decode(f.Path, f.Data, opts.Limits)
	if err != nil {
		return nil, err
	}
	t, err := cfn.Parse(ctx, f.Path, doc.Root, opts)
	if err != nil {
		return nil, err
	}
	// A translation bug must not take the whole scan down: report it as a
	// positioned error on this file and keep what was loaded.
	err = conc.Safely("translating SAM template", func() error {
		return translate(ctx, t, doc, u, opts)
	})
	if pe := (*conc.PanicError)(nil); errors.As(err, &pe) {
		err = load.Errorf(model.Pos{File: f.Path, Line: 1, Col: 1}, "%v", pe)
	}
	return t.Stack, err
}

// translate turns the parsed CloudFormation template t into SAM's stack.
func translate(ctx context.Context, t *cfn.Template, doc *yamlv.Document, u load.Unit, opts load.Options) error {
	t.Stack.Format = model.FormatSAM
	t.Stack.Suppressions = append(t.Stack.Suppressions, doc.Suppressions...)
	t.Stack.Diagnostics = append(t.Stack.Diagnostics, doc.Warnings...)
	x := newTranslator(t)
	x.root, x.limits = u.Root, opts.Limits
	if err := x.run(ctx); err != nil {
		return err
	}
	t.Translate()
	x.afterCFN()
	t.Stack.LinkRoleUses()
	t.Stack.Sort()
	return t.Err()
}

// translator holds the state of one template's SAM translation.
type translator struct {
	t  *cfn.Template
	st *model.Stack
	// globals are the Globals sections by resource kind (Function, Api, …).
	globals map[string]*model.Value
	// implicitRole is the role SAM made for each function and state
	// machine that sets no Role, by the function's or machine's ID.
	implicitRole map[string]*model.Role
	// apiAuth keeps each SAM API's Auth block, for its events' routes.
	apiAuth map[string]*apiInfo
	// connectors are translated after plain CloudFormation resources, so
	// that sources of any type have their roles.
	connectors []connector
	generated  map[string]bool
	// resources indexes Stack.Resources by ID, routes the route entry
	// points by ID (index in Stack.EntryPoints), permissions the
	// generated resource policies: lookups stay constant-time on large
	// templates.
	resources   map[string]*model.Resource
	routes      map[string]int
	permissions map[string]bool
	// root reads files the template refers to (DefinitionUri); nil means
	// no file access.
	root   *load.Root
	limits load.Limits
}

type connector struct {
	id    string
	pos   model.Pos
	props *model.Value
	// source is set for embedded connectors (the resource they sit on).
	source string
}

func newTranslator(t *cfn.Template) *translator {
	x := &translator{
		t: t, st: t.Stack,
		globals:      map[string]*model.Value{},
		implicitRole: map[string]*model.Role{},
		apiAuth:      map[string]*apiInfo{},
		generated:    map[string]bool{},
		resources:    make(map[string]*model.Resource, len(t.Stack.Resources)),
		routes:       map[string]int{},
		permissions:  map[string]bool{},
	}
	for _, r := range t.Stack.Resources {
		x.resources[r.ID] = r
	}
	return x
}

// samTypes maps SAM resource types to their Globals section.
var samTypes = map[string]string{
	"AWS::Serverless::Function":         "Function",
	"AWS::Serverless::Api":              "Api",
	"AWS::Serverless::HttpApi":          "HttpApi",
	"AWS::Serverless::SimpleTable":      "SimpleTable",
	"AWS::Serverless::StateMachine":     "StateMachine",
	"AWS::Serverless::LayerVersion":     "LayerVersion",
	"AWS::Serverless::Application":      "",
	"AWS::Serverless::Connector":        "",
	"AWS::Serverless::GraphQLApi":       "",
	"AWS::Serverless::CapacityProvider": "",
}

// globalsSections are the Globals sections SAM accepts.
var globalsSections = map[string]bool{"Function": true, "Api": true, "HttpApi": true, "SimpleTable": true, "StateMachine": true, "LayerVersion": true, "CapacityProvider": true}

func (x *translator) run(ctx context.Context) error {
	x.readGlobals()
	var fns, apis, others []*cfn.RawResource
	// Embedded connectors sit beside Properties, which Parse does not
	// keep: find them in the document once.
	embedded := map[string]*model.Value{}
	for _, f := range x.t.Root.Get("Resources").Entries() {
		if c := f.Value.Get("Connectors"); c != nil {
			embedded[f.Key] = c
		}
	}
	for _, r := range x.t.Resources {
		if c := embedded[r.ID]; c != nil && r.Active {
			x.embeddedConnectors(r, c)
		}
		sec, ok := samTypes[r.Type]
		if !ok {
			if strings.HasPrefix(r.Type, "AWS::Serverless::") {
				x.t.Warnf(r.Pos, "unknown SAM resource type %s: kept as a generic resource", r.Type)
				r.Handled = true
			}
			continue
		}
		r.Handled = true
		if !r.Active {
			x.t.Infof(r.Pos, "resource %s is not created: condition %s is false", r.ID, r.Condition)
			continue
		}
		if g := x.globals[sec]; g != nil && sec != "" {
			r.Properties = mergeGlobals(g, r.Properties)
			if res := x.resources[r.ID]; res != nil {
				res.Properties = r.Properties
				res.Tags = cfn.Tags(r.Properties.Get("Tags"))
			}
		}
		if r.Properties != nil && r.Properties.Kind == model.Symbolic {
			x.t.Warnf(r.Pos, "resource %s: Properties could not be resolved (%s)", r.ID, r.Properties.Source)
			r.Properties = nil
		}
		switch r.Type {
		case "AWS::Serverless::Function":
			fns = append(fns, r)
		case "AWS::Serverless::Api", "AWS::Serverless::HttpApi", "AWS::Serverless::GraphQLApi":
			apis = append(apis, r)
		default:
			others = append(others, r)
		}
	}
	// Functions and their roles first: APIs (authorizers) and events refer
	// to them.
	for _, r := range fns {
		if err := ctx.Err(); err != nil {
			return err
		}
		x.function(r)
	}
	for _, r := range others {
		switch r.Type {
		case "AWS::Serverless::SimpleTable":
			x.simpleTable(r)
		case "AWS::Serverless::StateMachine":
			x.stateMachine(r)
		}
	}
	for _, r := range apis {
		switch r.Type {
		case "AWS::Serverless::Api":
			x.restAPI(r)
		case "AWS::Serverless::HttpApi":
			x.httpAPI(r)
		case "AWS::Serverless::GraphQLApi":
			x.graphQLAPI(r)
		}
	}
	// Events, which need functions, APIs and stores.
	for _, r := range fns {
		if err := ctx.Err(); err != nil {
			return err
		}
		x.functionEvents(r)
	}
	for _, r := range others {
		switch r.Type {
		case "AWS::Serverless::StateMachine":
			x.stateMachineEvents(r)
		case "AWS::Serverless::LayerVersion":
			// A layer is a generic resource; functions list it in Layers.
		case "AWS::Serverless::Application":
			loc := r.Properties.Get("Location")
			where := loc.String()
			if kindOf(loc) == model.Map {
				where = loc.Get("ApplicationId").String() + " " + loc.Get("SemanticVersion").String()
			}
			x.t.Infof(r.Pos, "nested application %s (%s) is not fetched: its resources are not analysed", r.ID, strings.TrimSpace(where))
		case "AWS::Serverless::Connector":
			x.connectors = append(x.connectors, connector{id: r.ID, pos: r.Pos, props: r.Properties})
		}
	}
	x.finishAPIs()
	return nil
}

// afterCFN runs what needs the plain CloudFormation resources translated:
// connectors (their sources may be AWS::Lambda::Function or
// AWS::IAM::Role).
func (x *translator) afterCFN() {
	for _, c := range x.connectors {
		x.connector(c)
	}
	x.implicitAPIRefs()
	x.inheritSuppressions()
}

// inheritSuppressions extends a resource's Metadata suppressions to the
// resources SAM generates from it: ignoring a rule on a function also
// ignores it on the function's implicit role, permissions and URL, which
// the template cannot annotate. Shared generated resources (the implicit
// APIs) keep only their own suppressions.
func (x *translator) inheritSuppressions() {
	byFrom := map[string][]string{}
	for _, r := range x.st.Resources {
		// Only the resources that belong to one declaration (named after
		// it: FnRole, FnUrl, FnGetPermission), not shared ones such as
		// ServerlessRestApi.
		if r.Generated != "" && strings.HasPrefix(r.ID, r.Generated) {
			byFrom[r.Generated] = append(byFrom[r.Generated], r.ID)
		}
	}
	var extra []model.Suppression
	for _, s := range x.st.Suppressions {
		for _, id := range byFrom[s.Resource] {
			c := s
			c.Resource = id
			extra = append(extra, c)
		}
	}
	x.st.Suppressions = append(x.st.Suppressions, extra...)
}

// implicitAPIRefs attaches to SAM's implicit APIs what plain resources say
// about them (usage plans, WAF associations): cfn.Translate only finds
// APIs declared in the template.
func (x *translator) implicitAPIRefs() {
	implicit := func(v *model.Value) *model.API {
		for _, id := range v.AllRefs() {
			if a := x.st.API(id); a != nil && a.Implicit {
				return a
			}
		}
		return nil
	}
	for _, r := range x.t.Resources {
		if !r.Active {
			continue
		}
		p := r.Properties
		switch r.Type {
		case "AWS::ApiGateway::UsagePlan":
			for _, stg := range p.Get("ApiStages").Elems() {
				api := implicit(stg.Get("ApiId"))
				if api == nil {
					continue
				}
				up := &model.UsagePlan{ID: r.ID, Pos: r.Pos}
				if th := p.Get("Throttle"); th.IsSet() {
					up.Throttle = &model.Throttle{Pos: th.Pos, Rate: th.Get("RateLimit"), Burst: th.Get("BurstLimit")}
				}
				if q := p.Get("Quota"); q.IsSet() {
					if up.Throttle == nil {
						up.Throttle = &model.Throttle{Pos: q.Pos}
					}
					up.Throttle.Quota, up.Throttle.QuotaPeriod = q.Get("Limit"), q.Get("Period")
				}
				api.UsagePlans = append(api.UsagePlans, up)
			}
		case "AWS::WAFv2::WebACLAssociation", "AWS::WAFRegional::WebACLAssociation":
			if api := implicit(p.Get("ResourceArn")); api != nil {
				api.WAF = p.Get("WebACLArn")
			}
		}
	}
}

// readGlobals reads the Globals section.
func (x *translator) readGlobals() {
	g := x.t.Globals
	if !g.IsSet() {
		return
	}
	if g.Kind != model.Map {
		x.t.Errorf(g.Pos, "Globals must be a mapping, got %s", g.Kind)
		return
	}
	for _, f := range g.Fields {
		if !globalsSections[f.Key] {
			x.t.Warnf(f.KeyPos, "Globals section %q is not one SAM supports (Function, Api, HttpApi, SimpleTable, StateMachine, LayerVersion)", f.Key)
			continue
		}
		if f.Value.IsSet() && f.Value.Kind != model.Map {
			x.t.Errorf(f.Value.Pos, "Globals.%s must be a mapping, got %s", f.Key, f.Value.Kind)
			continue
		}
		x.globals[f.Key] = f.Value
	}
}

// mergeGlobals applies SAM's Globals rules: a property set on the resource
// wins over the global one, except that maps are merged key by key (so
// Environment.Variables from both apply) and lists are concatenated
// (global items first). A symbolic value (an unresolved intrinsic) on
// either side is not merged: the resource's value wins.
func mergeGlobals(global, local *model.Value) *model.Value {
	switch {
	case global == nil:
		return local
	case local == nil:
		return global
	case global.Kind == model.Map && local.Kind == model.Map:
		fields := make([]model.Field, 0, len(global.Fields)+len(local.Fields))
		index := map[string]int{}
		for _, f := range global.Fields {
			index[f.Key] = len(fields)
			fields = append(fields, f)
		}
		for _, f := range local.Fields {
			if i, ok := index[f.Key]; ok {
				fields[i] = model.Field{Key: f.Key, KeyPos: f.KeyPos, Value: mergeGlobals(fields[i].Value, f.Value)}
				continue
			}
			index[f.Key] = len(fields)
			fields = append(fields, f)
		}
		out := model.NewMap(fields, local.Pos)
		out.Unresolved = global.Unresolved || local.Unresolved
		return out
	case global.Kind == model.List && local.Kind == model.List:
		items := make([]*model.Value, 0, len(global.Items)+len(local.Items))
		items = append(append(items, global.Items...), local.Items...)
		out := model.NewList(items, local.Pos)
		out.Unresolved = global.Unresolved || local.Unresolved
		return out
	}
	return local
}

// addGenerated records a resource SAM generates from the declaration from,
// so that references to it (!GetAtt MyFunctionRole.Arn, !Ref
// ServerlessRestApi) name a known resource.
func (x *translator) addGenerated(id, typ, from string, pos model.Pos, props *model.Value) {
	if x.generated[id] {
		return
	}
	if r := x.resources[id]; r != nil {
		// The template declares a resource with this ID: CloudFormation
		// would reject the duplicate; the declared one is kept.
		if r.Generated == "" {
			x.t.Warnf(r.Pos, "resource %s has the logical ID SAM generates for %s", id, from)
		}
		return
	}
	x.generated[id] = true
	r := &model.Resource{ID: id, Type: typ, Pos: pos, Generated: from, Properties: props}
	x.resources[id] = r
	x.st.Resources = append(x.st.Resources, r)
}

// str builds a string that may hold ${…} placeholders: the parts' text is
// concatenated, and unresolved parts make the result unresolved with their
// refs.
func str(pos model.Pos, parts ...any) *model.Value {
	var b strings.Builder
	var refs, srcs []string
	unresolved := false
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			b.WriteString(v)
			if strings.Contains(v, "${") {
				unresolved = true
			}
		case *model.Value:
			if v == nil {
				b.WriteString("${?}")
				unresolved = true
				continue
			}
			s := v.String()
			if v.Kind == model.List {
				s = strings.Join(v.AsStrings(), ",")
			}
			b.WriteString(s)
			if v.Unresolved {
				unresolved = true
				if v.Source != "" {
					srcs = append(srcs, v.Source)
				}
			}
			refs = append(refs, v.AllRefs()...)
		}
	}
	out := model.NewString(b.String(), pos)
	out.Refs = model.SortedUnique(refs)
	if unresolved {
		out.Unresolved = true
		out.Source = strings.Join(model.SortedUnique(srcs), ", ")
		if out.Source == "" {
			out.Source = "SAM"
		}
	}
	return out
}

// getAtt is the symbolic value of !GetAtt id.attr.
func getAtt(id, attr string, pos model.Pos) *model.Value {
	s := model.NewSymbol("!GetAtt "+id+"."+attr, pos, id)
	s.Str = "${" + id + "." + attr + "}"
	return s
}

// ref is the symbolic value of !Ref id.
func ref(id string, pos model.Pos) *model.Value {
	s := model.NewSymbol("!Ref "+id, pos, id)
	s.Str = "${" + id + "}"
	return s
}

// strs returns a list of resolved strings.
func strs(pos model.Pos, ss ...string) *model.Value {
	items := make([]*model.Value, len(ss))
	for i, s := range ss {
		items[i] = model.NewString(s, pos)
	}
	return model.NewList(items, pos)
}

// fields builds a map value from alternating keys and values.
func fields(pos model.Pos, kv ...any) *model.Value {
	fs := make([]model.Field, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		v, _ := kv[i+1].(*model.Value)
		if v == nil {
			continue
		}
		fs = append(fs, model.Field{Key: kv[i].(string), KeyPos: pos, Value: v})
	}
	return model.NewMap(fs, pos)
}

// statement builds one IAM statement.
func statement(pos model.Pos, effect string, actions []string, resources ...*model.Value) *model.Value {
	var res *model.Value
	if len(resources) == 1 {
		res = resources[0]
	} else {
		res = model.NewList(resources, pos)
	}
	return fields(pos, "Effect", model.NewString(effect, pos), "Action", strs(pos, actions...), "Resource", res)
}

// policyDoc wraps statements into a policy document.
func policyDoc(pos model.Pos, stmts ...*model.Value) *model.Value {
	return fields(pos, "Version", model.NewString("2012-10-17", pos), "Statement", model.NewList(stmts, pos))
}

// kindOf is v's kind, Null for nil.
func kindOf(v *model.Value) model.Kind {
	if v == nil {
		return model.Null
	}
	return v.Kind
}
