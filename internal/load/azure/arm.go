package azure

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/decode/jsonv"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Well-known built-in role definition IDs, for role assignments that name
// their role by GUID.
var builtinRoles = map[string]string{
	"8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
	"b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
	"acdd72a7-3385-48ef-bd42-f6fc9462c4fc": "Reader",
	"18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
	"ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
	"b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
	"2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": "Storage Blob Data Reader",
	"974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Storage Queue Data Contributor",
	"19e7f393-937e-4f77-808e-94535e297925": "Storage Queue Data Reader",
	"0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
	"090c5cfd-751d-490a-894a-3ce6f1109419": "Azure Service Bus Data Owner",
	"69a216fc-b8fb-44d8-bc22-1f3c2cd27a39": "Azure Service Bus Data Sender",
	"4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0": "Azure Service Bus Data Receiver",
	"f526a384-b230-433a-b45c-95f59c4a2dec": "Azure Event Hubs Data Owner",
	"4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
	"00482a5a-887f-4fb3-b363-3b7fe8e74483": "Key Vault Administrator",
}

// LoadARM loads an ARM template: function apps (Microsoft.Web/sites whose
// kind includes functionapp) with their settings, identities and role
// assignments, and the data stores it declares.
func LoadARM(ctx context.Context, u load.Unit, opts load.Options) (*model.Stack, error) {
	if len(u.Files) != 1 {
		return nil, fmt.Errorf("arm: want one file, got %d", len(u.Files))
	}
	f := u.Files[0]
	doc, err := jsonv.Decode(f.Path, f.Data, opts.Limits)
	if err != nil {
		return nil, err
	}
	if doc == nil || doc.Kind != model.Map {
		return nil, load.Errorf(model.Pos{File: f.Path, Line: 1, Col: 1}, "not an ARM template: want a JSON object")
	}
	st := &model.Stack{ID: f.Path, File: f.Path, Format: model.FormatARM, Provider: model.Azure}
	a := &arm{st: st, doc: doc}
	for _, p := range doc.Get("parameters").Entries() {
		par := &model.Parameter{ID: p.Key, Pos: p.KeyPos, Type: p.Value.Get("type").String(), Default: p.Value.Get("defaultValue")}
		par.Value = par.Default
		if v, ok := opts.Param(p.Key); ok {
			par.Value = model.NewString(v, p.KeyPos)
		}
		st.Parameters = append(st.Parameters, par)
	}
	res := doc.Get("resources")
	if res.IsSet() && res.Kind != model.List {
		return st, load.Errorf(res.Pos, "resources must be a list, found %s", res.Kind)
	}
	for _, r := range res.Elems() {
		if ctx.Err() != nil {
			return st, ctx.Err()
		}
		a.resource(r, "", "")
	}
	for _, fn := range a.later {
		fn()
	}
	return st, nil
}

type arm struct {
	st    *model.Stack
	doc   *model.Value
	later []func()
	sites []*armSite
	depth int
}

type armSite struct {
	fn   *model.Function
	name string // the name as written (expression or literal)
	ep   *model.EntryPoint
}

// eval resolves the ARM expressions nightlight can decide statically
// (parameters with defaults, variables, plain literals); anything else is
// a symbol naming the expression.
func (a *arm) eval(v *model.Value) *model.Value {
	return a.evalDepth(v, 0)
}

var simpleExprRE = regexp.MustCompile(`^\[\s*(parameters|variables)\(\s*'([^']+)'\s*\)\s*\]$`)

func (a *arm) evalDepth(v *model.Value, depth int) *model.Value {
	if v == nil || v.Kind != model.String || !strings.HasPrefix(v.Str, "[") || depth > 8 {
		return v
	}
	if strings.HasPrefix(v.Str, "[[") {
		out := *v
		out.Str = v.Str[1:]
		return &out
	}
	if m := simpleExprRE.FindStringSubmatch(v.Str); m != nil {
		var x *model.Value
		if m[1] == "variables" {
			x = a.doc.Path("variables", m[2])
		} else {
			for _, p := range a.st.Parameters {
				if p.ID == m[2] {
					x = p.Value
				}
			}
			if x == nil {
				return model.NewSymbol("parameter "+m[2], v.Pos)
			}
		}
		if x.IsSet() && x.Kind != model.Map && x.Kind != model.List {
			r := a.evalDepth(x, depth+1)
			if r.IsResolved() {
				out := *r
				out.Pos = v.Pos
				return &out
			}
			return model.NewSymbol(r.Source, v.Pos)
		}
		return model.NewSymbol(m[1]+" "+m[2], v.Pos)
	}
	src := v.Str
	if len(src) > 120 {
		src = src[:120] + "…"
	}
	return model.NewSymbol(src, v.Pos)
}

// evalTree evaluates every string in a tree.
func (a *arm) evalTree(v *model.Value) *model.Value {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case model.String:
		return a.eval(v)
	case model.List:
		out := *v
		out.Items = make([]*model.Value, len(v.Items))
		for i, x := range v.Items {
			out.Items[i] = a.evalTree(x)
			out.Unresolved = out.Unresolved || out.Items[i].Unresolved
		}
		return &out
	case model.Map:
		out := *v
		out.Fields = make([]model.Field, len(v.Fields))
		for i, f := range v.Fields {
			f.Value = a.evalTree(f.Value)
			out.Fields[i] = f
			out.Unresolved = out.Unresolved || f.Value.Unresolved
		}
		return &out
	}
	return v
}

func (a *arm) id(name *model.Value, fallback string) string {
	n := a.eval(name)
	if n.IsResolved() {
		return n.String()
	}
	if name.IsSet() {
		return name.String()
	}
	return fallback
}

// resource translates one resource; parentType and parentName are set for
// resources nested in another's "resources".
func (a *arm) resource(r *model.Value, parentType, parentName string) {
	if r == nil || r.Kind != model.Map {
		a.st.Diagnostics = append(a.st.Diagnostics, model.Diagnostic{Pos: r.PosOr(model.Pos{File: a.st.File}), Severity: model.DiagError, Message: "resource must be an object"})
		return
	}
	typ := r.Get("type").String()
	name := r.Get("name")
	if parentType != "" && !strings.Contains(typ, "/") {
		typ = parentType + "/" + typ
		name = model.NewString(parentName+"/"+name.String(), name.PosOr(r.Pos))
	}
	props := r.Get("properties")
	lt := strings.ToLower(typ)
	id := a.id(name, typ)
	a.st.Resources = append(a.st.Resources, &model.Resource{ID: id, Type: typ, Pos: r.Pos, Properties: a.evalTree(props)})
	switch {
	case lt == "microsoft.web/sites" && strings.Contains(strings.ToLower(r.Get("kind").String()), "functionapp"):
		a.site(r, id, name)
	case lt == "microsoft.web/sites/config":
		n := name.String()
		site, cfg := n, n
		if i := strings.LastIndex(n, "/"); i >= 0 {
			site, cfg = n[:i], n[i+1:]
		}
		a.later = append(a.later, func() { a.config(site, strings.ToLower(cfg), props, r.Pos) })
	case lt == "microsoft.authorization/roleassignments":
		a.later = append(a.later, func() { a.roleAssignment(r, id) })
	case lt == "microsoft.managedidentity/userassignedidentities":
		a.st.Roles = append(a.st.Roles, &model.Role{ID: id, Pos: r.Pos, Name: a.eval(name)})
	default:
		a.store(lt, r, id, name, props)
	}
	if a.depth < 4 {
		a.depth++
		for _, c := range r.Get("resources").Elems() {
			a.resource(c, typ, id)
		}
		a.depth--
	}
}

func (a *arm) store(lt string, r *model.Value, id string, name, props *model.Value) {
	var kind model.StoreKind
	switch lt {
	case "microsoft.storage/storageaccounts":
		kind = model.StoreBucket
	case "microsoft.storage/storageaccounts/blobservices/containers":
		kind = model.StoreBucket
	case "microsoft.storage/storageaccounts/queueservices/queues", "microsoft.servicebus/namespaces/queues":
		kind = model.StoreQueue
	case "microsoft.servicebus/namespaces/topics", "microsoft.eventgrid/topics":
		kind = model.StoreTopic
	case "microsoft.eventhub/namespaces/eventhubs":
		kind = model.StoreStream
	case "microsoft.documentdb/databaseaccounts", "microsoft.sql/servers/databases":
		kind = model.StoreDatabase
	case "microsoft.keyvault/vaults":
		kind = model.StoreSecret
	default:
		return
	}
	s := &model.Store{ID: id, Pos: r.Pos, Kind: kind, Type: r.Get("type").String(), Name: a.eval(name),
		Encryption: model.Encryption{Kind: model.EncryptionAWSOwned, Pos: r.Pos}}
	if kv := props.Path("encryption", "keyVaultProperties"); kv.IsSet() {
		s.Encryption = model.Encryption{Kind: model.EncryptionCustomer, Key: kv, Pos: kv.Pos}
	}
	s.SetAttr("https_only", a.eval(props.Get("supportsHttpsTrafficOnly")))
	s.SetAttr("min_tls_version", a.eval(props.Get("minimumTlsVersion")))
	s.SetAttr(model.AttrPublic, a.eval(firstSet(props.Get("allowBlobPublicAccess"), props.Get("publicAccess"))))
	s.SetAttr("public_network_access", a.eval(props.Get("publicNetworkAccess")))
	a.st.Stores = append(a.st.Stores, s)
}

// site translates a function app.
func (a *arm) site(r *model.Value, id string, name *model.Value) {
	props := r.Get("properties")
	f := &model.Function{ID: id, Pos: r.Pos, Name: a.eval(name)}
	sc := props.Get("siteConfig")
	sets := model.NewMap(nil, r.Pos)
	add := func(k string, v *model.Value) {
		if v.IsSet() {
			sets.Fields = append(sets.Fields, model.Field{Key: k, KeyPos: v.Pos, Value: a.evalTree(v)})
		}
	}
	add("httpsOnly", props.Get("httpsOnly"))
	add("publicNetworkAccess", props.Get("publicNetworkAccess"))
	add("clientCertEnabled", props.Get("clientCertEnabled"))
	f.Settings = sets
	a.st.Functions = append(a.st.Functions, f)
	s := &armSite{fn: f, name: name.String()}
	a.sites = append(a.sites, s)
	api := &model.API{ID: id + "/http", Pos: r.Pos, Kind: model.APIFunction, Name: f.Name, Implicit: true}
	a.st.APIs = append(a.st.APIs, api)
	s.ep = &model.EntryPoint{ID: id + "/http", Pos: r.Pos, Kind: model.EntryRoute, API: api.ID, Method: "ANY", Path: "/api/*",
		Function: f.ID, Auth: model.Auth{Type: model.AuthKey, Pos: r.Pos}}
	a.st.EntryPoints = append(a.st.EntryPoints, s.ep)
	a.siteConfig(s, sc)
	if idt := r.Get("identity"); idt.IsSet() {
		t := strings.ToLower(idt.Get("type").String())
		if strings.Contains(t, "systemassigned") {
			role := &model.Role{ID: id + "/identity", Pos: idt.Pos, Name: idt.Get("type"), Implicit: true}
			a.st.Roles = append(a.st.Roles, role)
			f.Role = role.ID
		}
		for _, uid := range idt.Get("userAssignedIdentities").Entries() {
			key := uid.Key
			a.later = append(a.later, func() {
				for _, ro := range a.st.Roles {
					if !ro.Implicit && strings.Contains(key, ro.ID) {
						if f.Role == "" {
							f.Role = ro.ID
						}
					}
				}
			})
		}
	}
}

// siteConfig merges a siteConfig object (or a config/web resource) into a
// function app.
func (a *arm) siteConfig(s *armSite, sc *model.Value) {
	if !sc.IsSet() {
		return
	}
	f := s.fn
	for _, k := range []string{"minTlsVersion", "ftpsState", "http20Enabled", "functionAppScaleLimit", "linuxFxVersion", "netFrameworkVersion", "powerShellVersion", "javaVersion", "publicNetworkAccess", "ipSecurityRestrictions", "scmIpSecurityRestrictions"} {
		if v := sc.Get(k); v.IsSet() {
			f.Settings.Fields = append(f.Settings.Fields, model.Field{Key: k, KeyPos: v.Pos, Value: a.evalTree(v)})
		}
	}
	if v := sc.Get("functionAppScaleLimit"); v.IsSet() {
		f.ReservedConcurrency = a.eval(v)
	}
	if v := a.eval(sc.Get("linuxFxVersion")); v.IsResolved() && v.Str != "" {
		// "Python|3.9", "Node|18", "DOTNET-ISOLATED|8.0"
		lang, ver, _ := strings.Cut(v.Str, "|")
		f.Runtime = model.NewString(strings.ToLower(lang)+ver, v.Pos)
	}
	if c := sc.Get("cors"); c.IsSet() {
		api := a.st.API(f.ID + "/http")
		cors := &model.CORS{Pos: c.Pos, AllowOrigins: a.evalTree(c.Get("allowedOrigins")), AllowCredentials: c.Get("supportCredentials")}
		if api != nil {
			api.CORS = cors
		}
		if s.ep != nil {
			s.ep.CORS = cors
		}
	}
	a.appSettings(f, sc.Get("appSettings"))
}

// appSettings reads a siteConfig appSettings list ([{name, value}]) or a
// config/appsettings object into the function's environment.
func (a *arm) appSettings(f *model.Function, v *model.Value) {
	switch {
	case v == nil:
	case v.Kind == model.List:
		for _, e := range v.Items {
			n := a.eval(e.Get("name"))
			if n.IsResolved() {
				f.Environment = append(f.Environment, model.EnvVar{Name: n.Str, Pos: e.Pos, Value: a.eval(e.Get("value"))})
			}
		}
	case v.Kind == model.Map:
		for _, fl := range v.Fields {
			f.Environment = append(f.Environment, model.EnvVar{Name: fl.Key, Pos: fl.KeyPos, Value: a.eval(fl.Value)})
		}
	}
	runtime := firstEnv(f, "FUNCTIONS_WORKER_RUNTIME")
	if f.Runtime == nil && runtime != nil {
		f.Runtime = runtime
	}
	if ext := firstEnv(f, "FUNCTIONS_EXTENSION_VERSION"); ext != nil {
		f.Settings.Fields = append(f.Settings.Fields, model.Field{Key: "functionsVersion", KeyPos: ext.Pos, Value: ext})
	}
}

func firstEnv(f *model.Function, name string) *model.Value {
	for _, e := range f.Environment {
		if strings.EqualFold(e.Name, name) {
			return e.Value
		}
	}
	return nil
}

// siteFor finds the function app a child resource's parent name refers
// to.
func (a *arm) siteFor(name string) *armSite {
	for _, s := range a.sites {
		if s.name == name || s.fn.ID == name || a.id(model.NewString(name, model.Pos{}), name) == s.fn.ID {
			return s
		}
	}
	// "[concat(variables('app'), '/web')]" style names.
	for _, s := range a.sites {
		if strings.Contains(name, strings.Trim(strings.TrimPrefix(s.name, "["), "]")) {
			return s
		}
	}
	return nil
}

// config applies a Microsoft.Web/sites/config resource.
func (a *arm) config(site, cfg string, props *model.Value, pos model.Pos) {
	s := a.siteFor(site)
	if s == nil {
		return
	}
	switch {
	case cfg == "web" || strings.HasSuffix(cfg, "/web") || strings.Contains(cfg, "'web'"):
		a.siteConfig(s, props)
	case strings.Contains(cfg, "appsettings"):
		a.appSettings(s.fn, props)
	case strings.Contains(cfg, "authsettingsv2"):
		enabled := props.Path("platform", "enabled")
		action := props.Path("globalValidation", "unauthenticatedClientAction")
		s.fn.Settings.Fields = append(s.fn.Settings.Fields, model.Field{Key: "authsettingsV2", KeyPos: pos, Value: a.evalTree(props)})
		if b, ok := a.eval(enabled).AsBool(); ok && b && !strings.EqualFold(a.eval(action).String(), "AllowAnonymous") {
			s.ep.Auth = model.Auth{Type: model.AuthJWT, Authorizer: "App Service Authentication", Pos: enabled.Pos}
		}
	case strings.Contains(cfg, "authsettings"):
		enabled := props.Get("enabled")
		action := props.Get("unauthenticatedClientAction")
		s.fn.Settings.Fields = append(s.fn.Settings.Fields, model.Field{Key: "authsettings", KeyPos: pos, Value: a.evalTree(props)})
		if b, ok := a.eval(enabled).AsBool(); ok && b && !strings.EqualFold(a.eval(action).String(), "AllowAnonymous") {
			s.ep.Auth = model.Auth{Type: model.AuthJWT, Authorizer: "App Service Authentication", Pos: enabled.Pos}
		}
	}
}

// roleAssignment attaches a role assignment to the identity whose
// principal it names.
func (a *arm) roleAssignment(r *model.Value, id string) {
	props := r.Get("properties")
	pid := props.Get("principalId").String()
	var role *model.Role
	for _, s := range a.sites {
		inner := strings.Trim(strings.TrimPrefix(s.name, "["), "]")
		if s.fn.Role != "" && (strings.Contains(pid, inner) || strings.Contains(pid, s.fn.ID)) {
			role = a.st.Role(s.fn.Role)
		}
	}
	if role == nil {
		for _, ro := range a.st.Roles {
			if !ro.Implicit && strings.Contains(pid, ro.ID) {
				role = ro
			}
		}
	}
	if role == nil {
		return
	}
	def := props.Get("roleDefinitionId")
	roleName := a.eval(def)
	for guid, n := range builtinRoles {
		if strings.Contains(strings.ToLower(def.String()), guid) || strings.Contains(strings.ToLower(roleName.String()), guid) {
			roleName = model.NewString(n, def.Pos)
		}
	}
	pos := r.Pos
	stmt := model.NewMap([]model.Field{
		{Key: "Effect", KeyPos: pos, Value: model.NewString("Allow", pos)},
		{Key: "Action", KeyPos: def.PosOr(pos), Value: roleName},
		{Key: "Resource", KeyPos: pos, Value: a.eval(firstSet(props.Get("scope"), r.Get("scope")))},
	}, pos)
	role.Policies = append(role.Policies, &model.PolicyDoc{Name: roleName.String(), Pos: def.PosOr(pos), Source: model.PolicyManaged, Ref: id,
		Document: model.NewMap([]model.Field{{Key: "Statement", KeyPos: pos, Value: model.NewList([]*model.Value{stmt}, pos)}}, pos)})
}
