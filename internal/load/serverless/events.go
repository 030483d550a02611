package serverless

import (
	"strconv"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// apis collects the service's APIs while events are translated; an API
// exists only when some event uses it.
type apis struct {
	b         *builder
	rest      *model.API
	http      *model.API
	ws        *model.API
	routes    map[string]bool
	wsConnect *model.EntryPoint
	wsRoutes  []*model.EntryPoint
}

func newAPIs(b *builder) *apis { return &apis{b: b, routes: map[string]bool{}} }

// restAPI returns ApiGatewayRestApi, creating it from provider settings.
func (a *apis) restAPI(pos model.Pos) *model.API {
	if a.rest != nil {
		return a.rest
	}
	b := a.b
	prov := b.doc.Get("provider")
	gw := prov.Get("apiGateway")
	api := &model.API{ID: RestAPIID, Pos: pos, Kind: model.APIRest, Implicit: true, Stage: b.stage}
	api.Name = first(b.get(prov, "apiName"), b.get(gw, "restApiName"))
	if ext := first(b.get(gw, "restApiId"), b.get(prov, "restApiId")); ext.IsSet() {
		api.Implicit = false
		b.diag(ext.Pos, model.DiagInfo, "REST API routes attach to an existing API (%s) whose other settings are outside this stack", ext.String())
	}
	api.Endpoint = first(b.get(prov, "endpointType"), b.get(gw, "endpointType"))
	api.Tracing = b.get(prov, "tracing", "apiGateway")
	if logs := prov.Path("logs", "restApi"); logs.IsSet() {
		api.AccessLog, api.ExecutionLog = restLogs(logs)
	}
	if rp := first(gw.Get("resourcePolicy"), prov.Get("resourcePolicy")); rp.IsSet() {
		api.Policy = cfn.PolicyDocument("provider.apiGateway.resourcePolicy", model.PolicyResource, policyDoc(rp.Pos, b.cfnValue(rp).Elems()))
		b.st.ResourcePolicies = append(b.st.ResourcePolicies, &model.ResourcePolicy{ID: RestAPIID + " resourcePolicy", Pos: rp.Pos, Kind: model.RPAPI, Targets: []string{RestAPIID}, Doc: api.Policy})
	}
	if v, ok := gw.Get("disableDefaultEndpoint").AsBool(); ok {
		api.DisableDefaultEndpoint = v
	}
	api.UsagePlans = a.usagePlans(first(gw.Get("usagePlan"), prov.Get("usagePlan")))
	if keys := first(gw.Get("apiKeys"), prov.Get("apiKeys")); keys.IsSet() && len(api.UsagePlans) == 0 {
		api.UsagePlans = []*model.UsagePlan{{ID: "ApiGatewayUsagePlan", Pos: keys.Pos}}
	}
	a.rest = api
	b.st.APIs = append(b.st.APIs, api)
	return api
}

// restLogs reads provider.logs.restApi: true or {accessLogging,
// executionLogging, level, …}.
func restLogs(v *model.Value) (access, exec *model.Value) {
	if on, ok := v.AsBool(); ok {
		if !on {
			return nil, nil
		}
		return v, v
	}
	access, exec = v.Get("accessLogging"), v.Get("executionLogging")
	if access == nil {
		access = model.NewBool(true, v.Pos)
	}
	if exec == nil {
		exec = model.NewBool(true, v.Pos)
	}
	if lvl := v.Get("level"); lvl.IsSet() && isTrue(exec) {
		exec = lvl
	}
	return access, exec
}

// usagePlans reads usagePlan: {quota, throttle} or a list of named plans.
func (a *apis) usagePlans(v *model.Value) []*model.UsagePlan {
	if !v.IsSet() {
		return nil
	}
	plan := func(id string, p *model.Value) *model.UsagePlan {
		up := &model.UsagePlan{ID: id, Pos: p.Pos}
		th, q := p.Get("throttle"), p.Get("quota")
		if th.IsSet() || q.IsSet() {
			up.Throttle = &model.Throttle{Pos: p.Pos, Rate: th.Get("rateLimit"), Burst: th.Get("burstLimit"), Quota: q.Get("limit"), QuotaPeriod: q.Get("period")}
		}
		return up
	}
	if is(v, model.List) {
		var out []*model.UsagePlan
		for _, it := range v.Items {
			for _, f := range it.Entries() {
				out = append(out, plan("ApiGatewayUsagePlan"+NormalizeName(f.Key), f.Value))
			}
		}
		return out
	}
	return []*model.UsagePlan{plan("ApiGatewayUsagePlan", v)}
}

// httpAPI returns HttpApi, creating it from provider.httpApi.
func (a *apis) httpAPI(pos model.Pos) *model.API {
	if a.http != nil {
		return a.http
	}
	b := a.b
	prov := b.doc.Get("provider")
	h := prov.Get("httpApi")
	api := &model.API{ID: HTTPAPIID, Pos: pos, Kind: model.APIHTTP, Implicit: true, Stage: model.NewString("$default", pos)}
	api.Name = b.get(h, "name")
	if ext := b.get(h, "id"); ext.IsSet() {
		api.Implicit = false
		b.diag(ext.Pos, model.DiagInfo, "HTTP API routes attach to an existing API (%s) whose other settings are outside this stack", ext.String())
	}
	if v, ok := h.Get("disableDefaultEndpoint").AsBool(); ok {
		api.DisableDefaultEndpoint = v
	}
	if c := h.Get("cors"); c.IsSet() {
		api.CORS = corsOf(c, []string{"allowedOrigins"}, []string{"allowCredentials"}, []string{"allowedMethods"}, []string{"allowedHeaders"})
	}
	if logs := prov.Path("logs", "httpApi"); logs.IsSet() && !(is(logs, model.Bool) && !isTrue(logs)) {
		api.AccessLog = logs
	}
	for _, f := range h.Get("authorizers").Entries() {
		api.Authorizers = append(api.Authorizers, a.httpAuthorizer(f.Key, f.KeyPos, f.Value))
	}
	a.http = api
	b.st.APIs = append(b.st.APIs, api)
	return api
}

// httpAuthorizer reads one provider.httpApi.authorizers entry.
func (a *apis) httpAuthorizer(name string, pos model.Pos, d *model.Value) *model.Authorizer {
	b := a.b
	az := &model.Authorizer{Name: name, Pos: pos}
	typ := strings.ToLower(d.Get("type").String())
	switch {
	case typ == "request" || d.Has("functionName") || d.Has("functionArn"):
		az.Type = model.AuthLambda
		if fn := d.Get("functionName").String(); fn != "" {
			if _, ok := b.fns[fn]; ok {
				az.Function = fn
			}
		}
		az.FunctionARN = b.get(d, "functionArn")
		if az.Function != "" {
			b.permission(NormalizeName(az.Function)+"LambdaAuthorizerPermissionHttpApi", az.Function, "apigateway.amazonaws.com", pos, b.executeAPIArn(pos, HTTPAPIID, "/*"), nil, nil)
		}
	case typ == "jwt" || d.Has("issuerUrl"):
		az.Type = model.AuthJWT
		az.Issuer = b.get(d, "issuerUrl")
		az.Audience = b.get(d, "audience")
	default:
		az.Type = model.AuthUnknown
	}
	az.Identity = b.get(d, "identitySource")
	return az
}

// wsAPI returns WebsocketsApi.
func (a *apis) wsAPI(pos model.Pos) *model.API {
	if a.ws != nil {
		return a.ws
	}
	b := a.b
	prov := b.doc.Get("provider")
	api := &model.API{ID: WebSocketAPIID, Pos: pos, Kind: model.APIWebSocket, Implicit: true, Stage: b.stage}
	api.Name = b.get(prov, "websocketsApiName")
	if logs := prov.Path("logs", "websocket"); logs.IsSet() {
		api.AccessLog, api.ExecutionLog = restLogs(logs)
	}
	a.ws = api
	b.st.APIs = append(b.st.APIs, api)
	return api
}

// addRoute adds an entry point, keeping IDs unique.
func (a *apis) addRoute(ep *model.EntryPoint) {
	id := ep.ID
	for n := 2; a.routes[id]; n++ {
		id = ep.ID + " #" + strconv.Itoa(n)
	}
	if id != ep.ID {
		a.b.diag(ep.Pos, model.DiagWarning, "route %s is declared more than once", ep.ID)
	}
	ep.ID = id
	a.routes[id] = true
	a.b.st.EntryPoints = append(a.b.st.EntryPoints, ep)
}

// addAuthorizer adds az to the API unless one of that name is there.
func (a *apis) addAuthorizer(api *model.API, az *model.Authorizer) {
	if az.Function != "" {
		a.b.permission(NormalizeName(az.Function)+"LambdaPermissionApiGateway", az.Function, "apigateway.amazonaws.com", az.Pos, a.b.executeAPIArn(az.Pos, api.ID, "/*"), nil, nil)
	}
	for _, x := range api.Authorizers {
		if x.Name == az.Name {
			return
		}
	}
	api.Authorizers = append(api.Authorizers, az)
}

// finish gives WebSocket routes the authentication of $connect: a client
// only reaches them through an authorized connection.
func (a *apis) finish() {
	if a.wsConnect == nil {
		return
	}
	for _, ep := range a.wsRoutes {
		if ep != a.wsConnect && ep.Auth.Type == model.AuthNone {
			ep.Auth = a.wsConnect.Auth
		}
	}
}

// eventKey returns an event's type and body: {http: {...}}, or the
// sibling-keys form {http: true, x-azure-settings: {...}}.
func eventKey(ev *model.Value) (string, *model.Value) {
	if is(ev, model.String) {
		return ev.Str, nil
	}
	if !is(ev, model.Map) || len(ev.Fields) == 0 {
		return "", nil
	}
	f := ev.Fields[0]
	return f.Key, f.Value
}

// events translates one function's AWS events.
func (b *builder) events(af *awsFn, a *apis) {
	evs := af.decl.Get("events")
	if evs.IsSet() && !is(evs, model.List) {
		b.diag(evs.Pos, model.DiagWarning, "function %s: events must be a list, got %s", af.key, evs.Kind)
		return
	}
	for i, ev := range evs.Elems() {
		typ, body := eventKey(ev)
		if typ == "" {
			b.diag(ev.Pos, model.DiagWarning, "function %s: event %d is %s, not an event", af.key, i, ev.Kind)
			continue
		}
		if is(ev, model.Map) && len(ev.Fields) > 1 && !body.IsSet() {
			// `- http:` with its settings as siblings (indentation slip).
			body = model.NewMap(ev.Fields[1:], ev.Pos)
		}
		e := &event{af: af, typ: typ, body: body, pos: ev.Pos, idx: i}
		switch typ {
		case "http":
			b.httpEvent(e, a)
		case "httpApi":
			b.httpAPIEvent(e, a)
		case "websocket":
			b.websocketEvent(e, a)
		case "alb":
			b.albEvent(e)
		case "s3":
			b.s3Event(e)
		case "sqs":
			b.sqsEvent(e)
		case "sns":
			b.snsEvent(e)
		case "stream":
			b.streamEvent(e)
		case "schedule":
			b.scheduleEvent(e)
		case "eventBridge", "cloudwatchEvent":
			b.eventBridgeEvent(e)
		case "cloudwatchLog":
			b.logEvent(e)
		case "cognitoUserPool":
			b.cognitoEvent(e)
		case "iot", "iotFleetProvisioning":
			b.iotEvent(e)
		case "alexaSkill", "alexaSmartHome":
			b.alexaEvent(e)
		case "msk", "kafka":
			b.kafkaEvent(e)
		case "activemq", "rabbitmq":
			b.mqEvent(e)
		default:
			b.diag(ev.Pos, model.DiagInfo, "function %s: event type %q is not modelled; recorded as an 'other' trigger", af.key, typ)
			b.trigger(e, model.TriggerOther, nil)
		}
		if n := len(b.st.Triggers); n > 0 && b.st.Triggers[n-1].ID == e.id() {
			b.eventPermission(e, b.st.Triggers[n-1])
		}
	}
}

// event is one entry of a function's events list.
type event struct {
	af   *awsFn
	typ  string
	body *model.Value
	pos  model.Pos
	idx  int
}

func (e *event) id() string { return fmtIndex(e.af.key, e.typ, e.idx) }

// trigger adds a trigger for e with the given source.
func (b *builder) trigger(e *event, kind model.TriggerKind, src *model.Value) *model.Trigger {
	tr := &model.Trigger{ID: e.id(), Pos: e.pos, Kind: kind, Function: e.af.key, SourceValue: src, Event: e.typ}
	if is(e.body, model.Map) {
		tr.Enabled = b.get(e.body, "enabled")
		tr.BatchSize = b.get(e.body, "batchSize")
	}
	b.st.Triggers = append(b.st.Triggers, tr)
	return tr
}

// splitMethodPath reads "GET /path" (or "GET path").
func splitMethodPath(s string) (method, p string) {
	s = strings.TrimSpace(s)
	method, p, ok := strings.Cut(s, " ")
	if !ok {
		return "", s
	}
	return method, strings.TrimSpace(p)
}

func normPath(p string) string {
	p = strings.TrimSpace(p)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p
}

func (b *builder) httpEvent(e *event, a *apis) {
	var method, p string
	body := e.body
	switch {
	case is(body, model.String):
		method, p = splitMethodPath(body.Str)
	case is(body, model.Map):
		method, p = body.Get("method").String(), body.Get("path").String()
	default:
		b.diag(e.pos, model.DiagWarning, "function %s: http event needs a method and path", e.af.key)
		return
	}
	method = strings.ToUpper(method)
	if method == "" {
		method = "ANY"
	}
	api := a.restAPI(e.pos)
	ep := &model.EntryPoint{ID: RestAPIID + " " + method + " " + normPath(p), Pos: e.pos, Kind: model.EntryRoute, API: RestAPIID,
		Method: method, Path: normPath(p), Function: e.af.key, Event: e.typ}
	ep.Auth = b.restAuth(e, a, api)
	b.permission(NormalizeName(e.af.key)+"LambdaPermissionApiGateway", e.af.key, "apigateway.amazonaws.com", e.pos, b.executeAPIArn(e.pos, RestAPIID, "/*/*"), nil, nil)
	if is(body, model.Map) {
		if c := body.Get("cors"); c.IsSet() {
			ep.CORS = corsOf(c, []string{"origins", "origin"}, []string{"allowCredentials"}, []string{"methods"}, []string{"headers"})
		}
		if th := body.Get("throttling"); th.IsSet() {
			ep.Throttle = &model.Throttle{Pos: th.Pos, Rate: th.Get("maxRequestsPerSecond"), Burst: th.Get("maxConcurrentRequests")}
		}
		if integ := strings.ToLower(body.Get("integration").String()); integ != "" && integ != "lambda" && integ != "lambda-proxy" && integ != "aws_proxy" {
			ep.Target = body.Get("request")
		}
	}
	a.addRoute(ep)
}

// restAuth decides a REST route's authentication from its authorizer and
// private settings.
func (b *builder) restAuth(e *event, a *apis, api *model.API) model.Auth {
	body := e.body
	auth := model.Auth{Type: model.AuthNone, Pos: e.pos}
	if !is(body, model.Map) {
		return auth
	}
	private := isTrue(body.Get("private"))
	az := b.restAuthorizer(e, body.Get("authorizer"))
	if az != nil {
		auth.Type = az.Type
		auth.Pos = az.Pos
		if az.Type != model.AuthIAM && az.Type != model.AuthNone {
			auth.Authorizer = az.Name
			a.addAuthorizer(api, az)
		}
		auth.Scopes = body.Path("authorizer", "scopes").AsStrings()
	}
	if private {
		auth.APIKeyRequired = true
		if auth.Type == model.AuthNone {
			auth.Type = model.AuthAPIKey
			auth.Pos = body.Get("private").Pos
		}
	}
	return auth
}

// restAuthorizer reads an http event's authorizer in every shape the
// framework accepts.
func (b *builder) restAuthorizer(e *event, v *model.Value) *model.Authorizer {
	if !v.IsSet() {
		return nil
	}
	az := &model.Authorizer{Pos: v.Pos}
	if !is(v, model.Map) {
		s := b.cfnValue(v)
		str := s.String()
		switch {
		case strings.EqualFold(str, "aws_iam"):
			az.Type, az.Name = model.AuthIAM, "aws_iam"
		case strings.Contains(str, ":cognito-idp:"):
			az.Type, az.Name, az.UserPools = model.AuthCognito, lastSegment(str), s
		case strings.HasPrefix(str, "arn:") || s.Unresolved || is(s, model.Symbolic):
			az.Type, az.Name, az.FunctionARN = model.AuthLambda, lastSegment(str), s
			az.Function = b.functionIn(s)
		default:
			az.Type, az.Name = model.AuthLambda, str
			if _, ok := b.fns[str]; ok {
				az.Function = str
			} else {
				b.diag(v.Pos, model.DiagWarning, "function %s: authorizer %q names no function of this service", e.af.key, str)
			}
		}
		return az
	}
	typ := strings.ToUpper(v.Get("type").String())
	name := v.Get("name").String()
	arn := b.get(v, "arn")
	az.Name = name
	az.Identity = b.get(v, "identitySource")
	switch {
	case typ == "AWS_IAM":
		az.Type, az.Name = model.AuthIAM, "aws_iam"
	case typ == "COGNITO_USER_POOLS" || strings.Contains(arn.String(), ":cognito-idp:") || b.t.RefTo(arn, "AWS::Cognito::UserPool") != "":
		az.Type, az.UserPools = model.AuthCognito, arn
	case typ == "TOKEN" || typ == "REQUEST" || typ == "CUSTOM" || name != "" || arn.IsSet():
		az.Type = model.AuthLambda
		az.FunctionARN = arn
		if _, ok := b.fns[name]; ok && !arn.IsSet() {
			az.Function = name
		} else if arn.IsSet() {
			az.Function = b.functionIn(arn)
		}
	default:
		az.Type = model.AuthUnknown
	}
	if az.Name == "" {
		id := b.get(v, "authorizerId")
		switch {
		case az.Function != "":
			az.Name = az.Function
		case arn.IsSet() && len(arn.AllRefs()) > 0:
			az.Name = arn.AllRefs()[0]
		case arn.IsSet():
			az.Name = lastSegment(arn.String())
		case len(id.AllRefs()) > 0:
			az.Name = id.AllRefs()[0]
			// authorizerId: !Ref X names an authorizer declared under
			// resources: its user pools are those of the declaration.
			if r := b.t.RefTo(id, "AWS::ApiGateway::Authorizer"); r != "" && !az.UserPools.IsSet() {
				if res := b.t.Stack.ByID(r); res != nil {
					az.UserPools = res.Properties.Get("ProviderARNs")
				}
			}
		case id.IsSet():
			az.Name = id.String()
		default:
			az.Name = strings.ToLower(string(az.Type))
		}
	}
	return az
}

// functionIn returns the function key a value refers to (through a
// generated <Name>LambdaFunction logical ID), or "".
func (b *builder) functionIn(v *model.Value) string {
	for _, r := range v.AllRefs() {
		if k, ok := b.rename[r]; ok {
			if _, isFn := b.fns[k]; isFn {
				return k
			}
		}
		if _, isFn := b.fns[r]; isFn {
			return r
		}
	}
	return ""
}

func lastSegment(s string) string {
	if i := strings.LastIndexAny(s, ":/"); i >= 0 && i < len(s)-1 {
		return s[i+1:]
	}
	return s
}

func (b *builder) httpAPIEvent(e *event, a *apis) {
	var method, p string
	body := e.body
	switch {
	case is(body, model.String):
		if strings.TrimSpace(body.Str) == "*" {
			method, p = "*", "*"
		} else {
			method, p = splitMethodPath(body.Str)
		}
	case is(body, model.Map):
		method, p = body.Get("method").String(), body.Get("path").String()
	default:
		b.diag(e.pos, model.DiagWarning, "function %s: httpApi event needs a method and path", e.af.key)
		return
	}
	api := a.httpAPI(e.pos)
	method = strings.ToUpper(method)
	var id string
	if method == "*" && p == "*" {
		method, p = "ANY", "$default"
		id = HTTPAPIID + " $default"
	} else {
		if method == "*" || method == "" {
			method = "ANY"
		}
		p = normPath(p)
		id = HTTPAPIID + " " + method + " " + p
	}
	ep := &model.EntryPoint{ID: id, Pos: e.pos, Kind: model.EntryRoute, API: HTTPAPIID, Method: method, Path: p, Function: e.af.key, Event: e.typ}
	b.permission(NormalizeName(e.af.key)+"LambdaPermissionHttpApi", e.af.key, "apigateway.amazonaws.com", e.pos, b.executeAPIArn(e.pos, HTTPAPIID, "/*"), nil, nil)
	ep.Auth = model.Auth{Type: model.AuthNone, Pos: e.pos}
	if az := body.Get("authorizer"); az.IsSet() {
		ep.Auth.Pos = az.Pos
		ep.Auth.Scopes = az.Get("scopes").AsStrings()
		name := az.String()
		if is(az, model.Map) {
			name = az.Get("name").String()
		}
		switch {
		case strings.EqualFold(az.Get("type").String(), "aws_iam") || strings.EqualFold(name, "aws_iam"):
			ep.Auth.Type = model.AuthIAM
		case name != "":
			ep.Auth.Authorizer = name
			ep.Auth.Type = model.AuthUnknown
			for _, x := range api.Authorizers {
				if x.Name == name {
					ep.Auth.Type = x.Type
				}
			}
			if ep.Auth.Type == model.AuthUnknown {
				b.diag(az.Pos, model.DiagWarning, "function %s: httpApi authorizer %q is not declared in provider.httpApi.authorizers", e.af.key, name)
			}
		case az.Has("id"):
			ep.Auth.Type = model.AuthUnknown
			ep.Auth.Authorizer = az.Get("id").String()
		default:
			ep.Auth.Type = model.AuthUnknown
		}
	}
	a.addRoute(ep)
}

func (b *builder) websocketEvent(e *event, a *apis) {
	body := e.body
	route := body.String()
	if is(body, model.Map) {
		route = body.Get("route").String()
	}
	if route == "" {
		b.diag(e.pos, model.DiagWarning, "function %s: websocket event needs a route", e.af.key)
		return
	}
	a.wsAPI(e.pos)
	ep := &model.EntryPoint{ID: WebSocketAPIID + " " + route, Pos: e.pos, Kind: model.EntryRoute, API: WebSocketAPIID, Path: route, Function: e.af.key, Event: e.typ}
	b.permission(NormalizeName(e.af.key)+"LambdaPermissionWebsockets", e.af.key, "apigateway.amazonaws.com", e.pos, b.executeAPIArn(e.pos, WebSocketAPIID, "/*"), nil, nil)
	ep.Auth = model.Auth{Type: model.AuthNone, Pos: e.pos}
	if azv := body.Get("authorizer"); azv.IsSet() {
		var az *model.Authorizer
		if is(azv, model.Map) {
			az = b.restAuthorizer(e, azv)
		} else {
			az = b.restAuthorizer(e, azv)
		}
		if az != nil {
			ep.Auth = model.Auth{Type: az.Type, Authorizer: az.Name, Pos: azv.Pos}
			if az.Type != model.AuthIAM {
				a.addAuthorizer(a.ws, az)
			}
		}
	}
	if route == "$connect" {
		a.wsConnect = ep
	}
	a.wsRoutes = append(a.wsRoutes, ep)
	a.addRoute(ep)
}

func (b *builder) albEvent(e *event) {
	body := e.body
	ep := &model.EntryPoint{Pos: e.pos, Kind: model.EntryALB, Function: e.af.key, Event: e.typ}
	ep.Target = b.get(body, "listenerArn")
	if b.t != nil {
		ep.Scheme = b.t.ListenerScheme(ep.Target)
	}
	cond := body.Get("conditions")
	ep.Method = strings.ToUpper(strings.Join(cond.Get("method").AsStrings(), ","))
	ep.Path = strings.Join(cond.Get("path").AsStrings(), ",")
	ep.ID = "alb " + e.af.key + " " + body.Get("priority").String()
	ep.Auth = model.Auth{Type: model.AuthNone, Pos: e.pos}
	if az := body.Get("authorizer"); az.IsSet() {
		ep.Auth = model.Auth{Type: model.AuthUnknown, Pos: az.Pos}
		for _, name := range az.AsStrings() {
			d := b.doc.Path("provider", "alb", "authorizers", name)
			switch strings.ToLower(d.Get("type").String()) {
			case "cognito":
				ep.Auth = model.Auth{Type: model.AuthCognito, Authorizer: name, Pos: az.Pos}
			case "oidc":
				ep.Auth = model.Auth{Type: model.AuthJWT, Authorizer: name, Pos: az.Pos}
			}
		}
	}
	b.st.EntryPoints = append(b.st.EntryPoints, ep)
	b.permission(NormalizeName(e.af.key)+"LambdaPermissionAlb", e.af.key, "elasticloadbalancing.amazonaws.com", e.pos, nil, nil, nil)
}

// generatedStore adds a store the framework creates for an event, unless
// it exists already.
func (b *builder) generatedStore(id string, kind model.StoreKind, typ string, name *model.Value, pos model.Pos, from string) {
	if b.generated[id] {
		return
	}
	b.generated[id] = true
	st := &model.Store{ID: id, Pos: pos, Kind: kind, Type: typ, Name: name, Encryption: model.Encryption{Kind: model.EncryptionAWSOwned, Pos: pos}}
	if kind == model.StoreTopic {
		st.Encryption = model.Encryption{Kind: model.EncryptionNone, Pos: pos}
	}
	b.st.Stores = append(b.st.Stores, st)
	b.genStores[st] = true
	b.st.Resources = append(b.st.Resources, &model.Resource{ID: id, Type: typ, Pos: pos, Generated: from})
}

func (b *builder) s3Event(e *event) {
	body := e.body
	var bucket *model.Value
	var events []string
	existing := false
	if is(body, model.Map) {
		bucket = b.get(body, "bucket")
		events = body.Get("event").AsStrings()
		existing = isTrue(body.Get("existing"))
	} else {
		bucket = b.cfnValue(body)
	}
	if len(events) == 0 {
		events = []string{"s3:ObjectCreated:*"}
	}
	tr := b.trigger(e, model.TriggerS3, bucket)
	tr.Events = events
	if rules := body.Get("rules"); rules.IsSet() {
		tr.Filter = rules
	}
	if bucket.IsResolved() && is(bucket, model.String) && !existing && !strings.HasPrefix(bucket.Str, "arn:") {
		id := "S3Bucket" + normalizeAlnum(bucket.Str)
		b.generatedStore(id, model.StoreBucket, "AWS::S3::Bucket", bucket, e.pos, e.af.key)
		tr.Source = id
	}
}

// eventARN reads an event's source ARN: the string itself or body.arn.
func (b *builder) eventARN(body *model.Value) *model.Value {
	if is(body, model.Map) {
		return b.get(body, "arn")
	}
	return b.cfnValue(body)
}

func (b *builder) sqsEvent(e *event) {
	arn := b.eventARN(e.body)
	tr := b.trigger(e, model.TriggerSQS, arn)
	tr.Filter = b.get(e.body, "filterPatterns")
	if arn.IsSet() {
		e.af.extra = append(e.af.extra, statement(e.pos, []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}, arn))
	}
}

func (b *builder) snsEvent(e *event) {
	body := e.body
	var arn, name *model.Value
	if is(body, model.Map) {
		arn = b.get(body, "arn")
		name = b.get(body, "topicName")
	} else {
		v := b.cfnValue(body)
		if strings.HasPrefix(v.String(), "arn:") || len(v.AllRefs()) > 0 {
			arn = v
		} else {
			name = v
		}
	}
	tr := b.trigger(e, model.TriggerSNS, first(arn, name))
	tr.Filter = b.get(body, "filterPolicy")
	if !arn.IsSet() && name.IsResolved() && is(name, model.String) {
		id := "SNSTopic" + normalizeAlnum(name.Str)
		b.generatedStore(id, model.StoreTopic, "AWS::SNS::Topic", name, e.pos, e.af.key)
		tr.Source = id
	}
}

func (b *builder) streamEvent(e *event) {
	arn := b.eventARN(e.body)
	typ := strings.ToLower(e.body.Get("type").String())
	s := arn.String()
	kind := model.TriggerKinesis
	switch {
	case typ == "dynamodb" || strings.Contains(s, ":dynamodb:") || strings.Contains(s, "StreamArn"):
		kind = model.TriggerDynamoDB
	case typ == "kinesis" || strings.Contains(s, ":kinesis:"):
		kind = model.TriggerKinesis
	default:
		if id := b.t.RefTo(arn, "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"); id != "" {
			kind = model.TriggerDynamoDB
		}
	}
	tr := b.trigger(e, kind, arn)
	tr.Filter = b.get(e.body, "filterPatterns")
	tr.OnFailure = b.get(e.body, "destinations", "onFailure")
	if arn.IsSet() {
		acts := []string{"kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream", "kinesis:ListStreams"}
		if kind == model.TriggerDynamoDB {
			acts = []string{"dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream", "dynamodb:ListStreams"}
		}
		e.af.extra = append(e.af.extra, statement(e.pos, acts, arn))
	}
}

func (b *builder) scheduleEvent(e *event) {
	body := e.body
	var rate *model.Value
	if is(body, model.Map) {
		rate = b.get(body, "rate")
	} else {
		rate = body
	}
	tr := b.trigger(e, model.TriggerSchedule, nil)
	tr.Schedule = rate
}

func (b *builder) eventBridgeEvent(e *event) {
	body := e.body
	var bus, pattern *model.Value
	if e.typ == "cloudwatchEvent" {
		pattern = b.get(body, "event")
	} else {
		bus = b.get(body, "eventBus")
		pattern = b.get(body, "pattern")
	}
	tr := b.trigger(e, model.TriggerEventBridge, bus)
	tr.Filter = pattern
	if s := b.get(body, "schedule"); s.IsSet() {
		tr.Kind = model.TriggerSchedule
		tr.Schedule = s
	}
}

func (b *builder) logEvent(e *event) {
	body := e.body
	group := b.cfnValue(body)
	if is(body, model.Map) {
		group = b.get(body, "logGroup")
	}
	tr := b.trigger(e, model.TriggerCloudWatchLogs, group)
	tr.Filter = b.get(body, "filter")
}

func (b *builder) cognitoEvent(e *event) {
	body := e.body
	tr := b.trigger(e, model.TriggerCognito, b.get(body, "pool"))
	if t := body.Get("trigger").String(); t != "" {
		tr.Events = []string{t}
	}
	if !isTrue(body.Get("existing")) {
		if p := body.Get("pool"); p.IsResolved() && is(p, model.String) {
			id := "CognitoUserPool" + normalizeAlnum(p.Str)
			b.generatedStore(id, model.StoreUserPool, "AWS::Cognito::UserPool", p, e.pos, e.af.key)
			tr.Source = id
		}
	}
}

func (b *builder) iotEvent(e *event) {
	tr := b.trigger(e, model.TriggerIoT, nil)
	tr.Filter = b.get(e.body, "sql")
}

func (b *builder) alexaEvent(e *event) {
	app := b.cfnValue(e.body)
	if is(e.body, model.Map) {
		app = b.get(e.body, "appId")
	}
	b.trigger(e, model.TriggerAlexa, app)
	if !app.IsSet() {
		b.diag(e.pos, model.DiagWarning, "function %s: %s event without appId: any skill can invoke the function", e.af.key, e.typ)
	}
}

func (b *builder) kafkaEvent(e *event) {
	body := e.body
	src := b.get(body, "arn")
	if e.typ == "kafka" {
		src = b.get(body, "bootstrapServers")
	}
	tr := b.trigger(e, model.TriggerKafka, src)
	if t := body.Get("topic").String(); t != "" {
		tr.Events = []string{t}
	}
	tr.Filter = b.get(body, "filterPatterns")
	// The role permissions the framework adds for Kafka sources.
	if e.typ == "msk" && src.IsSet() {
		e.af.extra = append(e.af.extra, statement(e.pos, []string{"kafka:DescribeCluster", "kafka:GetBootstrapBrokers"}, src))
	}
	var secrets []*model.Value
	for _, f := range body.Get("accessConfigurations").Entries() {
		for _, v := range f.Value.Elems() {
			if strings.Contains(v.String(), ":secretsmanager:") || len(v.Refs) > 0 {
				secrets = append(secrets, b.cfnValue(v))
			}
		}
	}
	if len(secrets) > 0 {
		e.af.extra = append(e.af.extra, statement(e.pos, []string{"secretsmanager:GetSecretValue"}, secrets...))
	}
	e.af.extra = append(e.af.extra, statement(e.pos, networkActions, model.NewString("*", e.pos)))
}

// networkActions are what Lambda needs to reach a broker or cluster in a
// VPC; the framework grants them on "*".
var networkActions = []string{"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs",
	"ec2:DeleteNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"}

func (b *builder) mqEvent(e *event) {
	body := e.body
	arn := b.get(body, "arn")
	tr := b.trigger(e, model.TriggerMQ, arn)
	if q := body.Get("queue").String(); q != "" {
		tr.Events = []string{q}
	}
	tr.Filter = b.get(body, "filterPatterns")
	if arn.IsSet() {
		e.af.extra = append(e.af.extra, statement(e.pos, []string{"mq:DescribeBroker"}, arn))
	}
	if auth := b.get(body, "basicAuthArn"); auth.IsSet() {
		e.af.extra = append(e.af.extra, statement(e.pos, []string{"secretsmanager:GetSecretValue"}, auth))
	}
	e.af.extra = append(e.af.extra, statement(e.pos, networkActions, model.NewString("*", e.pos)))
}
