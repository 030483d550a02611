package sam

import (
	"path"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/decode/yamlv"
	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// apiInfo is what routes need to know about a SAM API.
type apiInfo struct {
	api  *model.API
	auth *model.Value
	// scopes are each authorizer's default AuthorizationScopes.
	scopes map[string][]string
	// defaultPos is where the default authorizer was set.
	defaultPos model.Pos
	// preflightAuth is AddDefaultAuthorizerToCorsPreflight (default true).
	preflightAuth bool
	// methodSettings are a REST API's MethodSettings, for per-route
	// throttling.
	methodSettings *model.Value
	// routeSettings are an HTTP API's RouteSettings by route key.
	routeSettings *model.Value
	// policy collects the resource policy statements: the API's own
	// Auth.ResourcePolicy and those of its events.
	policy    []*model.Value
	policyPos model.Pos
	// from is the function whose event created an implicit API.
	from string
}

// restAPI translates an AWS::Serverless::Api.
func (x *translator) restAPI(r *cfn.RawResource) {
	x.newRestAPI(r.ID, r.Pos, r.Properties, false)
}

func (x *translator) newRestAPI(id string, pos model.Pos, p *model.Value, implicit bool) *apiInfo {
	api := &model.API{ID: id, Pos: pos, Kind: model.APIRest, Name: p.Get("Name"), Implicit: implicit, Stage: p.Get("StageName")}
	if implicit && !api.Stage.IsSet() {
		api.Stage = model.NewString("Prod", pos)
	}
	api.Endpoint = p.Get("EndpointConfiguration")
	if kindOf(api.Endpoint) == model.Map {
		api.Endpoint = api.Endpoint.Get("Type")
	}
	api.Tracing = p.Get("TracingEnabled")
	api.AccessLog = p.Get("AccessLogSetting")
	if b, _ := p.Get("DisableExecuteApiEndpoint").AsBool(); b {
		api.DisableDefaultEndpoint = true
	}
	for _, ms := range p.Get("MethodSettings").Elems() {
		if m := ms.Get("HttpMethod").String(); m == "*" || m == "" {
			if ms.Has("ThrottlingRateLimit") || ms.Has("ThrottlingBurstLimit") {
				api.Throttle = &model.Throttle{Pos: ms.Pos, Rate: ms.Get("ThrottlingRateLimit"), Burst: ms.Get("ThrottlingBurstLimit")}
			}
			if ms.Has("LoggingLevel") {
				api.ExecutionLog = ms.Get("LoggingLevel")
			}
		}
	}
	if c := p.Get("Cors"); c.IsSet() {
		if c.Kind == model.Map {
			api.CORS = &model.CORS{Pos: c.Pos, AllowOrigins: unquote(c.Get("AllowOrigin")), AllowMethods: unquote(c.Get("AllowMethods")),
				AllowHeaders: unquote(c.Get("AllowHeaders")), AllowCredentials: c.Get("AllowCredentials")}
		} else {
			api.CORS = &model.CORS{Pos: c.Pos, AllowOrigins: unquote(c)}
		}
	}
	info := &apiInfo{api: api, auth: p.Get("Auth"), scopes: map[string][]string{}, preflightAuth: true, methodSettings: p.Get("MethodSettings")}
	x.readAuth(info)
	x.st.APIs = append(x.st.APIs, api)
	x.apiAuth[id] = info
	x.definition(info, p)
	return info
}

// routeThrottle is the throttling a REST stage's MethodSettings set for
// one method: an entry whose ResourcePath (with / written ~1) and
// HttpMethod match it.
func routeThrottle(settings *model.Value, method, path string) *model.Throttle {
	var th *model.Throttle
	for _, ms := range settings.Elems() {
		rp := strings.ReplaceAll(ms.Get("ResourcePath").String(), "~1", "/")
		m := strings.ToUpper(ms.Get("HttpMethod").String())
		if rp != path || (m != method && m != "*") {
			continue
		}
		if ms.Has("ThrottlingRateLimit") || ms.Has("ThrottlingBurstLimit") {
			th = &model.Throttle{Pos: ms.Pos, Rate: ms.Get("ThrottlingRateLimit"), Burst: ms.Get("ThrottlingBurstLimit")}
		}
	}
	return th
}

// routeThrottle sets the route's own throttling from the API's
// MethodSettings (REST) or RouteSettings (HTTP), when they name it.
func (info *apiInfo) routeThrottle(ep *model.EntryPoint) {
	if th := routeThrottle(info.methodSettings, ep.Method, ep.Path); th != nil {
		ep.Throttle = th
	}
	if rs := info.routeSettings.Get(ep.Method + " " + ep.Path); rs.Has("ThrottlingRateLimit") || rs.Has("ThrottlingBurstLimit") {
		ep.Throttle = &model.Throttle{Pos: rs.Pos, Rate: rs.Get("ThrottlingRateLimit"), Burst: rs.Get("ThrottlingBurstLimit")}
	}
}

// httpAPI translates an AWS::Serverless::HttpApi.
func (x *translator) httpAPI(r *cfn.RawResource) {
	x.newHTTPAPI(r.ID, r.Pos, r.Properties, false)
}

func (x *translator) newHTTPAPI(id string, pos model.Pos, p *model.Value, implicit bool) *apiInfo {
	api := &model.API{ID: id, Pos: pos, Kind: model.APIHTTP, Name: p.Get("Name"), Implicit: implicit, Stage: p.Get("StageName")}
	if !api.Stage.IsSet() {
		api.Stage = model.NewString("$default", pos)
	}
	api.AccessLog = p.Get("AccessLogSettings")
	if b, _ := p.Get("DisableExecuteApiEndpoint").AsBool(); b {
		api.DisableDefaultEndpoint = true
	}
	if d := p.Get("DefaultRouteSettings"); d.Has("ThrottlingRateLimit") || d.Has("ThrottlingBurstLimit") {
		api.Throttle = &model.Throttle{Pos: d.Pos, Rate: d.Get("ThrottlingRateLimit"), Burst: d.Get("ThrottlingBurstLimit")}
	}
	if c := p.Get("CorsConfiguration"); c.IsSet() {
		if c.Kind == model.Map {
			api.CORS = &model.CORS{Pos: c.Pos, AllowOrigins: c.Get("AllowOrigins"), AllowMethods: c.Get("AllowMethods"),
				AllowHeaders: c.Get("AllowHeaders"), AllowCredentials: c.Get("AllowCredentials")}
		} else if b, _ := c.AsBool(); b {
			// CorsConfiguration: true allows every origin.
			api.CORS = &model.CORS{Pos: c.Pos, AllowOrigins: model.NewString("*", c.Pos)}
		}
	}
	info := &apiInfo{api: api, auth: p.Get("Auth"), scopes: map[string][]string{}, preflightAuth: true, routeSettings: p.Get("RouteSettings")}
	x.readAuth(info)
	x.st.APIs = append(x.st.APIs, api)
	x.apiAuth[id] = info
	x.definition(info, p)
	return info
}

// definition adds the routes of an inline OpenAPI DefinitionBody. SAM
// applies the API's default authorizer to every operation that declares
// no security of its own.
func (x *translator) definition(info *apiInfo, p *model.Value) {
	body := p.Get("DefinitionBody")
	if uri := p.Get("DefinitionUri"); uri.IsSet() && !body.IsSet() {
		body = x.readDefinition(info.api.ID, uri)
	}
	if body == nil || body.Kind != model.Map {
		return
	}
	n := len(x.st.EntryPoints)
	x.t.OpenAPIRoutes(info.api, body)
	for i, ep := range x.st.EntryPoints[n:] {
		x.routes[ep.ID] = n + i
		if ep.Throttle == nil {
			ep.Throttle = info.api.Throttle
		}
		info.routeThrottle(ep)
	}
	if info.api.DefaultAuthorizer == "" || body.Has("security") {
		return
	}
	for _, ep := range x.st.EntryPoints[n:] {
		op := body.Path("paths", ep.Path)
		var decl *model.Value
		for _, f := range op.Entries() {
			m := strings.ToUpper(f.Key)
			if m == ep.Method || m == "X-AMAZON-APIGATEWAY-ANY-METHOD" && ep.Method == "ANY" {
				decl = f.Value
			}
		}
		if decl.Has("security") {
			continue
		}
		api := ep.Auth.APIKeyRequired
		ep.Auth = x.effectiveAuth(info, ep.Method, nil, ep.Pos)
		ep.Auth.APIKeyRequired = ep.Auth.APIKeyRequired || api
	}
}

// readDefinition reads an OpenAPI file named by DefinitionUri.
func (x *translator) readDefinition(api string, uri *model.Value) *model.Value {
	body := x.readFile("API "+api, "DefinitionUri", uri)
	if body == nil {
		x.t.Infof(uri.Pos, "API %s: only routes declared by function events are known", api)
	}
	return body
}

// readFile reads and resolves a YAML or JSON file that a property names:
// a local path below the scan root, resolved from the template's
// directory. An S3 location, or a file that cannot be read, is noted and
// yields nil.
func (x *translator) readFile(what, prop string, uri *model.Value) *model.Value {
	if !uri.IsSet() {
		return nil
	}
	s := uri.String()
	if uri.Kind != model.String || uri.Unresolved || s == "" || strings.Contains(s, "://") {
		x.t.Infof(uri.Pos, "%s: %s %s is not read (not a local file)", what, prop, describe(uri))
		return nil
	}
	if x.root == nil {
		x.t.Infof(uri.Pos, "%s: %s %s is not read (no file access)", what, prop, s)
		return nil
	}
	p, err := x.root.Resolve(path.Dir(x.t.File), s)
	if err != nil {
		x.t.Warnf(uri.Pos, "%s: %s %s: %v", what, prop, s, err)
		return nil
	}
	data, err := x.root.ReadFile(p)
	if err != nil {
		x.t.Infof(uri.Pos, "%s: %s: %v", what, prop, err)
		return nil
	}
	doc, err := yamlv.Decode(p, data, x.limits)
	if err != nil {
		x.t.Warnf(uri.Pos, "%s: %s: %v", what, prop, err)
		return nil
	}
	return x.t.Resolve(doc.Root)
}

// readAuth reads an API's Auth block: its authorizers, default authorizer,
// API key requirement, usage plan and resource policy.
func (x *translator) readAuth(info *apiInfo) {
	auth := info.auth
	api := info.api
	if !auth.IsSet() {
		return
	}
	if auth.Kind != model.Map {
		x.t.Warnf(auth.Pos, "API %s: Auth must be a mapping, got %s", api.ID, auth.Kind)
		return
	}
	for _, f := range auth.Get("Authorizers").Entries() {
		d := f.Value
		a := &model.Authorizer{Name: f.Key, Pos: f.KeyPos}
		switch {
		case d.Has("UserPoolArn"):
			a.Type = model.AuthCognito
			a.UserPools = d.Get("UserPoolArn")
			a.Identity = d.Path("Identity", "Header")
		case d.Has("JwtConfiguration"):
			a.Type = model.AuthJWT
			jc := d.Get("JwtConfiguration")
			a.Issuer = jc.GetFold("issuer")
			a.Audience = jc.GetFold("audience")
			a.Identity = d.Get("IdentitySource")
		case d.Has("FunctionArn"):
			a.Type = model.AuthLambda
			a.FunctionARN = d.Get("FunctionArn")
			a.Function = x.t.FunctionRef(a.FunctionARN)
			if a.Function != "" {
				// SAM lets API Gateway invoke the authorizer function.
				x.permission(api.ID+f.Key+"AuthorizerPermission", a.Function, "apigateway.amazonaws.com", f.KeyPos,
					str(f.KeyPos, "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:", ref(api.ID, f.KeyPos), "/authorizers/*"), nil)
			}
			a.Identity = d.Get("Identity")
			if h := d.Path("Identity", "Header"); h.IsSet() {
				a.Identity = h
			}
		default:
			a.Type = model.AuthUnknown
			x.t.Warnf(f.KeyPos, "API %s: authorizer %s has neither UserPoolArn, JwtConfiguration nor FunctionArn", api.ID, f.Key)
		}
		if sc := d.Get("AuthorizationScopes"); sc.IsSet() {
			info.scopes[f.Key] = sc.AsStrings()
		}
		api.Authorizers = append(api.Authorizers, a)
	}
	if b, _ := auth.Get("EnableIamAuthorizer").AsBool(); b {
		api.Authorizers = append(api.Authorizers, &model.Authorizer{Name: "AWS_IAM", Pos: auth.Get("EnableIamAuthorizer").Pos, Type: model.AuthIAM})
	}
	if d := auth.Get("DefaultAuthorizer"); d.IsSet() {
		api.DefaultAuthorizer = d.String()
		info.defaultPos = d.Pos
		if name := d.String(); name != "AWS_IAM" && name != "NONE" && findAuthorizer(api, name) == nil {
			x.t.Errorf(d.Pos, "API %s: DefaultAuthorizer %s is not one of its Authorizers", api.ID, name)
		}
	}
	if b, ok := auth.Get("AddDefaultAuthorizerToCorsPreflight").AsBool(); ok {
		info.preflightAuth = b
	}
	if b, _ := auth.Get("ApiKeyRequired").AsBool(); b {
		api.APIKeyRequired = true
	}
	if up := auth.Get("UsagePlan"); up.IsSet() {
		create := strings.ToUpper(up.Get("CreateUsagePlan").String())
		if create == "PER_API" || create == "SHARED" {
			id := api.ID + "UsagePlan"
			if create == "SHARED" {
				id = "ServerlessUsagePlan"
			}
			plan := &model.UsagePlan{ID: id, Pos: up.Pos}
			if th := up.Get("Throttle"); th.IsSet() {
				plan.Throttle = &model.Throttle{Pos: th.Pos, Rate: th.Get("RateLimit"), Burst: th.Get("BurstLimit")}
			}
			if q := up.Get("Quota"); q.IsSet() {
				if plan.Throttle == nil {
					plan.Throttle = &model.Throttle{Pos: q.Pos}
				}
				plan.Throttle.Quota, plan.Throttle.QuotaPeriod = q.Get("Limit"), q.Get("Period")
			}
			api.UsagePlans = append(api.UsagePlans, plan)
			x.addGenerated(id, "AWS::ApiGateway::UsagePlan", api.ID, up.Pos, nil)
		}
	}
	if rp := auth.Get("ResourcePolicy"); rp.IsSet() {
		info.policy = append(info.policy, resourcePolicyStatements(rp, model.NewString("execute-api:/*", rp.Pos))...)
		info.policyPos = rp.Pos
	}
}

func findAuthorizer(api *model.API, name string) *model.Authorizer {
	for _, a := range api.Authorizers {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// effectiveAuth decides a route's auth: the event's Auth.Authorizer
// (NONE and AWS_IAM included) or else the API's DefaultAuthorizer (not on
// CORS preflight when AddDefaultAuthorizerToCorsPreflight is false), its
// scopes, and ApiKeyRequired from the event or the API. An API key alone
// is AuthAPIKey, never authentication.
func (x *translator) effectiveAuth(info *apiInfo, method string, evAuth *model.Value, pos model.Pos) model.Auth {
	api := info.api
	a := model.Auth{Type: model.AuthNone, Pos: pos}
	name := ""
	if az := evAuth.Get("Authorizer"); az.IsSet() {
		name = az.String()
		a.Pos = az.Pos
	} else if api.DefaultAuthorizer != "" && (method != "OPTIONS" || info.preflightAuth) {
		name = api.DefaultAuthorizer
		a.Pos = info.defaultPos
	}
	switch name {
	case "", "NONE":
	case "AWS_IAM":
		a.Type = model.AuthIAM
		a.Authorizer = name
	default:
		a.Authorizer = name
		if az := findAuthorizer(api, name); az != nil {
			a.Type = az.Type
		} else {
			a.Type = model.AuthUnknown
			x.t.Errorf(a.Pos, "API %s has no authorizer %s", api.ID, name)
		}
		a.Scopes = info.scopes[name]
	}
	if sc := evAuth.Get("AuthorizationScopes"); sc.IsSet() {
		a.Scopes = sc.AsStrings()
	}
	a.APIKeyRequired = api.APIKeyRequired
	if k := evAuth.Get("ApiKeyRequired"); k.IsSet() {
		b, _ := k.AsBool()
		a.APIKeyRequired = b
	}
	if method == "OPTIONS" && !info.preflightAuth {
		a.APIKeyRequired = false
	}
	if a.Type == model.AuthNone && a.APIKeyRequired {
		a.Type = model.AuthAPIKey
	}
	return a
}

// resourcePolicyStatements expands a SAM Auth.ResourcePolicy into IAM
// statements on resource (execute-api:/… of the API or the route).
func resourcePolicyStatements(rp, resource *model.Value) []*model.Value {
	pos := rp.Pos
	var out []*model.Value
	out = append(out, rp.Get("CustomStatements").Elems()...)
	invoke := strs(pos, "execute-api:Invoke")
	allowAll := func() *model.Value {
		return fields(pos, "Effect", model.NewString("Allow", pos), "Principal", model.NewString("*", pos), "Action", invoke, "Resource", resource)
	}
	deny := func(op, key string, vals *model.Value) *model.Value {
		return fields(pos, "Effect", model.NewString("Deny", pos), "Principal", model.NewString("*", pos), "Action", invoke, "Resource", resource,
			"Condition", fields(vals.Pos, op, fields(vals.Pos, key, vals)))
	}
	if v := rp.Get("AwsAccountWhitelist"); v.IsSet() {
		out = append(out, fields(v.Pos, "Effect", model.NewString("Allow", v.Pos), "Principal", fields(v.Pos, "AWS", v), "Action", invoke, "Resource", resource))
	}
	if v := rp.Get("AwsAccountBlacklist"); v.IsSet() {
		out = append(out, fields(v.Pos, "Effect", model.NewString("Deny", v.Pos), "Principal", fields(v.Pos, "AWS", v), "Action", invoke, "Resource", resource))
	}
	if v := rp.Get("IpRangeWhitelist"); v.IsSet() {
		out = append(out, allowAll(), deny("NotIpAddress", "aws:SourceIp", v))
	}
	if v := rp.Get("IpRangeBlacklist"); v.IsSet() {
		out = append(out, allowAll(), deny("IpAddress", "aws:SourceIp", v))
	}
	vpcs := func(v *model.Value, wantVpce bool) *model.Value {
		var items []*model.Value
		for _, it := range v.Elems() {
			if strings.HasPrefix(it.String(), "vpce-") == wantVpce {
				items = append(items, it)
			}
		}
		if len(items) == 0 {
			return nil
		}
		return model.NewList(items, v.Pos)
	}
	if v := rp.Get("SourceVpcWhitelist"); v.IsSet() {
		out = append(out, allowAll())
		if l := vpcs(v, false); l != nil {
			out = append(out, deny("StringNotEquals", "aws:SourceVpc", l))
		}
		if l := vpcs(v, true); l != nil {
			out = append(out, deny("StringNotEquals", "aws:SourceVpce", l))
		}
	}
	if v := rp.Get("SourceVpcBlacklist"); v.IsSet() {
		out = append(out, allowAll())
		if l := vpcs(v, false); l != nil {
			out = append(out, deny("StringEquals", "aws:SourceVpc", l))
		}
		if l := vpcs(v, true); l != nil {
			out = append(out, deny("StringEquals", "aws:SourceVpce", l))
		}
	}
	for key, spec := range map[string][2]string{
		"IntrinsicVpcWhitelist":  {"StringNotEquals", "aws:SourceVpc"},
		"IntrinsicVpceWhitelist": {"StringNotEquals", "aws:SourceVpce"},
		"IntrinsicVpcBlacklist":  {"StringEquals", "aws:SourceVpc"},
		"IntrinsicVpceBlacklist": {"StringEquals", "aws:SourceVpce"},
	} {
		if v := rp.Get(key); v.IsSet() {
			out = append(out, allowAll(), deny(spec[0], spec[1], v))
		}
	}
	return out
}

// implicitAPI returns the API SAM creates for events without an API id,
// creating it (with the Globals of its kind) on first use.
func (x *translator) implicitAPI(kind model.APIKind, from string, pos model.Pos) *apiInfo {
	id, typ, sec := ImplicitRestAPIID, "AWS::ApiGateway::RestApi", "Api"
	if kind == model.APIHTTP {
		id, typ, sec = ImplicitHTTPAPIID, "AWS::ApiGatewayV2::Api", "HttpApi"
	}
	if info := x.apiAuth[id]; info != nil {
		return info
	}
	if r := x.t.Resource(id); r != nil {
		x.t.Warnf(r.Pos, "resource %s has the logical ID of SAM's implicit API", id)
	}
	props := x.globals[sec]
	var info *apiInfo
	if kind == model.APIHTTP {
		info = x.newHTTPAPI(id, pos, props, true)
	} else {
		info = x.newRestAPI(id, pos, props, true)
	}
	info.from = from
	x.addGenerated(id, typ, from, pos, nil)
	if kind == model.APIRest {
		x.addGenerated(id+info.api.Stage.String()+"Stage", "AWS::ApiGateway::Stage", from, pos, nil)
	}
	return info
}

// finishAPIs attaches the collected resource policies.
func (x *translator) finishAPIs() {
	for _, api := range x.st.APIs {
		info := x.apiAuth[api.ID]
		if info == nil || len(info.policy) == 0 {
			continue
		}
		pos := info.policyPos
		if !pos.IsValid() {
			pos = info.policy[0].Pos
		}
		doc := policyDoc(pos, info.policy...)
		api.Policy = cfn.PolicyDocument(api.ID+" resource policy", model.PolicyResource, doc)
		x.st.ResourcePolicies = append(x.st.ResourcePolicies, &model.ResourcePolicy{ID: api.ID + "/Policy", Pos: pos,
			Kind: model.RPAPI, Targets: []string{api.ID}, Doc: api.Policy})
	}
}

// route adds an API event's route to info's API.
func (x *translator) route(info *apiInfo, method, path, fn string, target *model.Value, event string, evAuth *model.Value, pos model.Pos) *model.EntryPoint {
	api := info.api
	method = strings.ToUpper(method)
	if method == "X-AMAZON-APIGATEWAY-ANY-METHOD" {
		method = "ANY"
	}
	id := api.ID + " " + method + " " + path
	if path == "$default" {
		id = api.ID + " $default"
	}
	ep := &model.EntryPoint{ID: id, Pos: pos, Kind: model.EntryRoute, API: api.ID, Method: method, Path: path,
		Function: fn, Target: target, Event: event, CORS: api.CORS, Throttle: api.Throttle}
	ep.Auth = x.effectiveAuth(info, method, evAuth, pos)
	info.routeThrottle(ep)
	// An event's route replaces the same route from the DefinitionBody
	// (SAM adds the event's integration and security to it).
	if i, ok := x.routes[id]; ok && i < len(x.st.EntryPoints) && x.st.EntryPoints[i].ID == id {
		x.st.EntryPoints[i] = ep
		return ep
	}
	x.routes[id] = len(x.st.EntryPoints)
	x.st.EntryPoints = append(x.st.EntryPoints, ep)
	return ep
}

// describe shows a value in a message: its text, or its JSON for a map.
func describe(v *model.Value) string {
	if s := v.String(); s != "" {
		return s
	}
	b, _ := v.MarshalJSON()
	return string(b)
}

// unquote removes the single quotes SAM requires around REST API CORS
// header values ("'*'" allows every origin).
func unquote(v *model.Value) *model.Value {
	if v == nil || v.Kind != model.String || len(v.Str) < 2 || v.Str[0] != '\'' || v.Str[len(v.Str)-1] != '\'' {
		return v
	}
	c := *v
	c.Str = v.Str[1 : len(v.Str)-1]
	return &c
}
