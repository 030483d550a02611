package cfn

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/load/openapi"
	"github.com/nightlight-sec/nightlight/internal/model"
)

func (t *Template) restAPI(r *RawResource) {
	r.Handled = true
	p := r.Properties
	api := &model.API{ID: r.ID, Pos: r.Pos, Kind: model.APIRest, Name: p.Get("Name"),
		Endpoint: p.Path("EndpointConfiguration", "Types")}
	if b, _ := p.Get("DisableExecuteApiEndpoint").AsBool(); b {
		api.DisableDefaultEndpoint = true
	}
	if doc := p.Get("Policy"); doc.IsSet() {
		api.Policy = PolicyDocument(r.ID+" resource policy", model.PolicyResource, doc)
		t.Stack.ResourcePolicies = append(t.Stack.ResourcePolicies, &model.ResourcePolicy{ID: r.ID + "/Policy", Pos: doc.Pos, Kind: model.RPAPI, Targets: []string{r.ID}, Doc: api.Policy})
	}
	t.Stack.APIs = append(t.Stack.APIs, api)
	if body := p.Get("Body"); body.IsSet() {
		t.OpenAPIRoutes(api, body)
	}
}

func (t *Template) httpAPI(r *RawResource) {
	r.Handled = true
	p := r.Properties
	kind := model.APIHTTP
	if strings.EqualFold(p.Get("ProtocolType").String(), "WEBSOCKET") {
		kind = model.APIWebSocket
	}
	api := &model.API{ID: r.ID, Pos: r.Pos, Kind: kind, Name: p.Get("Name")}
	if b, _ := p.Get("DisableExecuteApiEndpoint").AsBool(); b {
		api.DisableDefaultEndpoint = true
	}
	if c := p.Get("CorsConfiguration"); c.IsSet() {
		api.CORS = &model.CORS{Pos: c.Pos, AllowOrigins: c.Get("AllowOrigins"), AllowCredentials: c.Get("AllowCredentials"), AllowMethods: c.Get("AllowMethods"), AllowHeaders: c.Get("AllowHeaders")}
	}
	t.Stack.APIs = append(t.Stack.APIs, api)
	// Quick create: Target is the function behind a $default route.
	if target := p.Get("Target"); target.IsSet() {
		t.Stack.EntryPoints = append(t.Stack.EntryPoints, &model.EntryPoint{ID: r.ID + " $default", Pos: target.Pos, Kind: model.EntryRoute,
			API: r.ID, Method: "ANY", Path: "$default", Function: t.FunctionRef(target), Target: target, Auth: model.Auth{Type: model.AuthNone, Pos: target.Pos}})
	}
	if body := p.Get("Body"); body.IsSet() {
		t.OpenAPIRoutes(api, body)
	}
}

func (t *Template) authorizer(r *RawResource) {
	r.Handled = true
	p := r.Properties
	api := t.Stack.API(t.RefTo(p.Get("RestApiId"), "AWS::ApiGateway::RestApi", "AWS::Serverless::Api"))
	if api == nil {
		api = t.Stack.API(t.RefTo(p.Get("ApiId"), "AWS::ApiGatewayV2::Api", "AWS::Serverless::HttpApi"))
	}
	if api == nil {
		return
	}
	a := &model.Authorizer{Name: r.ID, Pos: r.Pos, Identity: p.Get("IdentitySource")}
	switch strings.ToUpper(p.Get("Type").String() + p.Get("AuthorizerType").String()) {
	case "COGNITO_USER_POOLS":
		a.Type = model.AuthCognito
		a.UserPools = p.Get("ProviderARNs")
	case "JWT":
		a.Type = model.AuthJWT
		a.Issuer = p.Path("JwtConfiguration", "Issuer")
		a.Audience = p.Path("JwtConfiguration", "Audience")
	case "TOKEN", "REQUEST":
		a.Type = model.AuthLambda
		a.FunctionARN = p.Get("AuthorizerUri")
		a.Function = t.FunctionRef(a.FunctionARN)
	default:
		a.Type = model.AuthUnknown
	}
	api.Authorizers = append(api.Authorizers, a)
}

func (t *Template) findAuthorizer(api *model.API, name string) *model.Authorizer {
	if api == nil {
		return nil
	}
	for _, a := range api.Authorizers {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// restPath rebuilds a REST API resource's path from its chain of
// AWS::ApiGateway::Resource parents.
func (t *Template) restPath(v *model.Value) string {
	var parts []string
	for i := 0; i < 64; i++ {
		id := t.RefTo(v, "AWS::ApiGateway::Resource")
		if id == "" {
			break
		}
		res := t.byID[id]
		parts = append([]string{res.Properties.Get("PathPart").String()}, parts...)
		v = res.Properties.Get("ParentId")
	}
	return "/" + strings.Join(parts, "/")
}

func (t *Template) restMethod(r *RawResource) {
	r.Handled = true
	p := r.Properties
	apiID := t.RefTo(p.Get("RestApiId"), "AWS::ApiGateway::RestApi", "AWS::Serverless::Api")
	api := t.Stack.API(apiID)
	method := strings.ToUpper(p.Get("HttpMethod").String())
	if method == "OPTIONS" && strings.EqualFold(p.Path("Integration", "Type").String(), "MOCK") {
		return // CORS preflight
	}
	path := t.restPath(p.Get("ResourceId"))
	ep := &model.EntryPoint{ID: apiID + " " + method + " " + path, Pos: r.Pos, Kind: model.EntryRoute, API: apiID, Method: method, Path: path, Event: r.ID}
	if apiID == "" {
		ep.ID = r.ID
	}
	ep.Auth = t.routeAuth(r, api, "AWS::ApiGateway::Authorizer")
	integ := p.Get("Integration")
	ep.Target = integ.Get("Uri")
	ep.Function = t.FunctionRef(integ.Get("Uri"))
	if ep.Function == "" && integ.IsSet() {
		in := &model.Integration{Pos: integ.Pos, Type: strings.ToUpper(integ.Get("Type").String()), URI: integ.Get("Uri"),
			Service: model.IntegrationService(integ.Get("Uri").String()), Credentials: integ.Get("Credentials"),
			RequestParameters: integ.Get("RequestParameters"), RequestTemplates: integ.Get("RequestTemplates")}
		for _, r := range integ.Get("IntegrationResponses").Elems() {
			if rt := r.Get("ResponseTemplates"); rt.IsSet() {
				in.ResponseTemplates = append(in.ResponseTemplates, rt)
			}
		}
		in.Role = t.RefTo(in.Credentials, "AWS::IAM::Role")
		ep.Integration = in
	}
	t.Stack.EntryPoints = append(t.Stack.EntryPoints, ep)
}

func (t *Template) httpRoute(r *RawResource) {
	r.Handled = true
	p := r.Properties
	apiID := t.RefTo(p.Get("ApiId"), "AWS::ApiGatewayV2::Api", "AWS::Serverless::HttpApi")
	api := t.Stack.API(apiID)
	key := p.Get("RouteKey").String()
	method, path, ok := strings.Cut(key, " ")
	if !ok {
		method, path = "", key
	}
	ep := &model.EntryPoint{ID: apiID + " " + key, Pos: r.Pos, Kind: model.EntryRoute, API: apiID, Method: method, Path: path, Event: r.ID}
	ep.Auth = t.routeAuth(r, api, "AWS::ApiGatewayV2::Authorizer")
	target := p.Get("Target")
	ep.Target = target
	if iid := t.RefTo(target, "AWS::ApiGatewayV2::Integration"); iid != "" {
		ip := t.byID[iid].Properties
		ep.Function = t.FunctionRef(ip.Get("IntegrationUri"))
		ep.Target = ip.Get("IntegrationUri")
		if ep.Function == "" {
			in := &model.Integration{Pos: t.byID[iid].Pos, Type: strings.ToUpper(ip.Get("IntegrationType").String()), URI: ip.Get("IntegrationUri"),
				Service: model.IntegrationSubtypeService(ip.Get("IntegrationSubtype").String()), Credentials: ip.Get("CredentialsArn"),
				RequestParameters: ip.Get("RequestParameters"), RequestTemplates: ip.Get("RequestTemplates")}
			in.Role = t.RefTo(in.Credentials, "AWS::IAM::Role")
			if in.Service != "" {
				// A service integration names its target in its
				// parameters (QueueUrl, StateMachineArn, …).
				var parts []*model.Value
				for _, v := range []*model.Value{ip.Get("IntegrationUri"), in.RequestParameters} {
					if v != nil {
						parts = append(parts, v)
					}
				}
				ep.Target = model.NewList(parts, in.Pos)
			}
			ep.Integration = in
		}
	}
	if api != nil {
		ep.CORS = api.CORS
	}
	t.Stack.EntryPoints = append(t.Stack.EntryPoints, ep)
}

// routeAuth reads a REST method's or HTTP/WebSocket route's effective auth:
// AuthorizationType, the authorizer it names (whose type wins), scopes, and
// ApiKeyRequired (an API key alone is not authentication).
func (t *Template) routeAuth(r *RawResource, api *model.API, authorizerType string) model.Auth {
	p := r.Properties
	at := p.Get("AuthorizationType")
	auth := model.Auth{Pos: at.PosOr(r.Pos)}
	switch strings.ToUpper(at.String()) {
	case "", "NONE":
		auth.Type = model.AuthNone
	case "AWS_IAM":
		auth.Type = model.AuthIAM
	case "COGNITO_USER_POOLS":
		auth.Type = model.AuthCognito
	case "JWT":
		auth.Type = model.AuthJWT
	case "CUSTOM":
		auth.Type = model.AuthLambda
	default:
		auth.Type = model.AuthUnknown
	}
	auth.Scopes = p.Get("AuthorizationScopes").AsStrings()
	if id := t.RefTo(p.Get("AuthorizerId"), authorizerType); id != "" {
		auth.Authorizer = id
		if a := t.findAuthorizer(api, id); a != nil {
			auth.Type = a.Type
		}
	}
	if b, _ := p.Get("ApiKeyRequired").AsBool(); b {
		auth.APIKeyRequired = true
		if auth.Type == model.AuthNone {
			auth.Type = model.AuthAPIKey
		}
	}
	return auth
}

func (t *Template) stage(r *RawResource) {
	r.Handled = true
	p := r.Properties
	api := t.Stack.API(t.RefTo(p.Get("RestApiId"), "AWS::ApiGateway::RestApi", "AWS::Serverless::Api"))
	if api == nil {
		api = t.Stack.API(t.RefTo(p.Get("ApiId"), "AWS::ApiGatewayV2::Api", "AWS::Serverless::HttpApi"))
	}
	if api == nil {
		return
	}
	api.Stage = p.Get("StageName")
	api.AccessLog = p.Get("AccessLogSetting")
	if !api.AccessLog.IsSet() {
		api.AccessLog = p.Get("AccessLogSettings")
	}
	api.Tracing = p.Get("TracingEnabled")
	for _, ms := range p.Get("MethodSettings").Elems() {
		if ms.Get("HttpMethod").String() == "*" || !ms.Has("HttpMethod") {
			if ms.Has("ThrottlingRateLimit") || ms.Has("ThrottlingBurstLimit") {
				api.Throttle = &model.Throttle{Pos: ms.Pos, Rate: ms.Get("ThrottlingRateLimit"), Burst: ms.Get("ThrottlingBurstLimit")}
			}
			if ms.Has("LoggingLevel") {
				api.ExecutionLog = ms.Get("LoggingLevel")
			}
		}
	}
	if d := p.Get("DefaultRouteSettings"); d.IsSet() && (d.Has("ThrottlingRateLimit") || d.Has("ThrottlingBurstLimit")) {
		api.Throttle = &model.Throttle{Pos: d.Pos, Rate: d.Get("ThrottlingRateLimit"), Burst: d.Get("ThrottlingBurstLimit")}
	}
}

func (t *Template) usagePlan(r *RawResource) {
	r.Handled = true
	p := r.Properties
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
	for _, st := range p.Get("ApiStages").Elems() {
		if api := t.Stack.API(t.RefTo(st.Get("ApiId"))); api != nil {
			api.UsagePlans = append(api.UsagePlans, up)
		}
	}
}

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true, "x-amazon-apigateway-any-method": true}

// OpenAPIRoutes adds the routes of an inline OpenAPI/Swagger definition
// (RestApi Body, SAM DefinitionBody) to api: each path and method, the
// function its x-amazon-apigateway-integration invokes, and its security
// (a security requirement naming an authorizer in
// securityDefinitions/securitySchemes, or none).
func (t *Template) OpenAPIRoutes(api *model.API, body *model.Value) {
	if body == nil || body.Kind != model.Map {
		return
	}
	schemes := openapi.Schemes(body)
	paths := body.Get("paths")
	for _, pf := range paths.Entries() {
		for _, mf := range pf.Value.Entries() {
			m := strings.ToLower(mf.Key)
			if !httpMethods[m] {
				continue
			}
			op := mf.Value
			method := strings.ToUpper(m)
			if m == "x-amazon-apigateway-any-method" {
				method = "ANY"
			}
			integ := op.Get("x-amazon-apigateway-integration")
			if method == "OPTIONS" && strings.EqualFold(integ.Get("type").String(), "mock") {
				continue
			}
			ep := &model.EntryPoint{ID: api.ID + " " + method + " " + pf.Key, Pos: mf.KeyPos, Kind: model.EntryRoute,
				API: api.ID, Method: method, Path: pf.Key, Target: integ.Get("uri"), Function: t.FunctionRef(integ.Get("uri"))}
			ep.Auth = openapi.Auth(openapi.Security(body, op), schemes, mf.KeyPos)
			if ep.Function == "" {
				if ep.Integration = openapi.Integration(integ); ep.Integration != nil {
					ep.Integration.Role = t.RefTo(ep.Integration.Credentials, "AWS::IAM::Role")
				}
			}
			if api.Kind == model.APIWebSocket || api.Kind == model.APIHTTP {
				ep.CORS = api.CORS
			}
			t.Stack.EntryPoints = append(t.Stack.EntryPoints, ep)
		}
	}
}
