package terraform

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// apigw translates API Gateway (REST and HTTP/WebSocket) resources. APIs
// are created at once; routes, integrations, stages and the rest are
// resolved once every instance is known.
func (t *translator) apigw(in *instance) {
	p := in.props
	switch in.typ {
	case "aws_api_gateway_rest_api":
		a := &model.API{ID: in.addr, Pos: in.pos, Kind: model.APIRest, Name: p.Get("name"),
			Endpoint: get(p, "endpoint_configuration", "types"), DisableDefaultEndpoint: isTrue(p.Get("disable_execute_api_endpoint"))}
		if pol := p.Get("policy"); pol.IsSet() {
			a.Policy = &model.PolicyDoc{Name: in.addr, Pos: pol.Pos, Source: model.PolicyResource, Document: t.doc(pol)}
			t.st.ResourcePolicies = append(t.st.ResourcePolicies, &model.ResourcePolicy{ID: in.addr + "/policy", Pos: pol.Pos, Kind: model.RPAPI, Targets: []string{in.addr}, Doc: a.Policy})
		}
		t.st.APIs = append(t.st.APIs, a)
		if body := p.Get("body"); body.IsSet() {
			t.last(func() { t.openAPIRoutes(a, body) })
		}
	case "aws_apigatewayv2_api":
		kind := model.APIHTTP
		if strings.EqualFold(p.Get("protocol_type").String(), "WEBSOCKET") {
			kind = model.APIWebSocket
		}
		a := &model.API{ID: in.addr, Pos: in.pos, Kind: kind, Name: p.Get("name"), DisableDefaultEndpoint: isTrue(p.Get("disable_execute_api_endpoint"))}
		if c := first(p.Get("cors_configuration")); c != nil {
			a.CORS = &model.CORS{Pos: c.Pos, AllowOrigins: c.Get("allow_origins"), AllowCredentials: c.Get("allow_credentials"),
				AllowMethods: c.Get("allow_methods"), AllowHeaders: c.Get("allow_headers")}
		}
		t.st.APIs = append(t.st.APIs, a)
		if body := p.Get("body"); body.IsSet() {
			t.last(func() { t.openAPIRoutes(a, body) })
		}
		if target := p.Get("target"); target.IsSet() {
			// Quick create: a $default route to the target, without auth.
			t.later(func() {
				t.st.EntryPoints = append(t.st.EntryPoints, &model.EntryPoint{ID: in.addr + " $default", Pos: target.Pos, Kind: model.EntryRoute,
					API: in.addr, Path: "$default", Method: "ANY", Function: t.fnID(target), Target: target, CORS: a.CORS,
					Auth: model.Auth{Type: model.AuthNone, Pos: target.Pos}})
			})
		}
	case "aws_api_gateway_method":
		t.last(func() { t.restMethod(in) })
	case "aws_apigatewayv2_route":
		t.last(func() { t.httpRoute(in) })
	case "aws_api_gateway_authorizer", "aws_apigatewayv2_authorizer":
		t.later(func() {
			a := t.st.API(t.ref(p.Get("rest_api_id"), "aws_api_gateway_rest_api"))
			if a == nil {
				a = t.st.API(t.ref(p.Get("api_id"), "aws_apigatewayv2_api"))
			}
			if a == nil {
				return
			}
			a.Authorizers = append(a.Authorizers, t.authorizer(in))
		})
	case "aws_api_gateway_stage", "aws_apigatewayv2_stage":
		t.later(func() {
			a := t.st.API(firstNonEmpty(t.ref(p.Get("rest_api_id"), "aws_api_gateway_rest_api"), t.ref(p.Get("api_id"), "aws_apigatewayv2_api")))
			if a == nil {
				return
			}
			a.Stage = p.Get("stage_name")
			if a.Stage == nil {
				a.Stage = p.Get("name")
			}
			a.AccessLog = get(p, "access_log_settings", "destination_arn")
			if v := p.Get("xray_tracing_enabled"); v.IsSet() {
				a.Tracing = v
			}
			if rs := first(p.Get("default_route_settings")); rs != nil {
				a.Throttle = throttle(rs.Pos, rs.Get("throttling_rate_limit"), rs.Get("throttling_burst_limit"))
				if lv := rs.Get("logging_level"); lv.IsSet() {
					a.ExecutionLog = lv
				}
			}
		})
	case "aws_api_gateway_method_settings":
		t.later(func() {
			a := t.st.API(t.ref(p.Get("rest_api_id"), "aws_api_gateway_rest_api"))
			s := first(p.Get("settings"))
			if a == nil || s == nil {
				return
			}
			if r, b := s.Get("throttling_rate_limit"), s.Get("throttling_burst_limit"); r.IsSet() || b.IsSet() {
				a.Throttle = throttle(s.Pos, r, b)
			}
			if lv := s.Get("logging_level"); lv.IsSet() {
				a.ExecutionLog = lv
			}
		})
	case "aws_api_gateway_usage_plan":
		t.later(func() {
			up := &model.UsagePlan{ID: in.addr, Pos: in.pos}
			if ts := first(p.Get("throttle_settings")); ts != nil {
				up.Throttle = throttle(ts.Pos, ts.Get("rate_limit"), ts.Get("burst_limit"))
			}
			if qs := first(p.Get("quota_settings")); qs != nil {
				if up.Throttle == nil {
					up.Throttle = &model.Throttle{Pos: qs.Pos}
				}
				up.Throttle.Quota, up.Throttle.QuotaPeriod = qs.Get("limit"), qs.Get("period")
			}
			for _, st := range p.Get("api_stages").Elems() {
				if a := t.st.API(t.ref(st.Get("api_id"), "aws_api_gateway_rest_api")); a != nil {
					a.UsagePlans = append(a.UsagePlans, up)
				}
			}
		})
	case "aws_api_gateway_rest_api_policy":
		t.later(func() {
			id := t.ref(p.Get("rest_api_id"), "aws_api_gateway_rest_api")
			rp := &model.ResourcePolicy{ID: in.addr, Pos: in.pos, Kind: model.RPAPI, TargetValues: []*model.Value{p.Get("rest_api_id")},
				Doc: &model.PolicyDoc{Name: in.addr, Pos: in.pos, Source: model.PolicyResource, Document: t.doc(p.Get("policy"))}}
			if a := t.st.API(id); a != nil {
				rp.Targets = []string{id}
				a.Policy = rp.Doc
			}
			t.st.ResourcePolicies = append(t.st.ResourcePolicies, rp)
		})
	}
}

func isTrue(v *model.Value) bool {
	b, ok := v.AsBool()
	return ok && b
}

func throttle(pos model.Pos, rate, burst *model.Value) *model.Throttle {
	if !rate.IsSet() && !burst.IsSet() {
		return nil
	}
	return &model.Throttle{Pos: pos, Rate: rate, Burst: burst}
}

func (t *translator) authorizer(in *instance) *model.Authorizer {
	p := in.props
	a := &model.Authorizer{Name: firstNonEmpty(p.Get("name").String(), in.addr), Pos: in.pos, Type: model.AuthUnknown}
	typ := strings.ToUpper(firstSet(p.Get("type"), p.Get("authorizer_type")).String())
	switch typ {
	case "TOKEN", "REQUEST", "":
		a.Type = model.AuthLambda
		uri := p.Get("authorizer_uri")
		a.FunctionARN = uri
		a.Function = t.fnID(uri)
		a.Identity = p.Get("identity_source")
	case "COGNITO_USER_POOLS":
		a.Type = model.AuthCognito
		a.UserPools = p.Get("provider_arns")
	case "JWT":
		a.Type = model.AuthJWT
		a.Issuer = get(p, "jwt_configuration", "issuer")
		a.Audience = get(p, "jwt_configuration", "audience")
		a.Identity = p.Get("identity_sources")
	}
	return a
}

// authByID finds the authorizer a route's authorizer_id refers to.
func (t *translator) authByID(a *model.API, v *model.Value) string {
	id := t.ref(v, "aws_api_gateway_authorizer", "aws_apigatewayv2_authorizer")
	if id == "" || a == nil {
		return v.String()
	}
	name := firstNonEmpty(t.byID[id].props.Get("name").String(), id)
	return name
}

// restPath builds a REST API resource's path by following parent_id.
func (t *translator) restPath(v *model.Value, depth int) (string, bool) {
	if depth > 64 || v == nil {
		return "", false
	}
	if strings.HasSuffix(v.Source, ".root_resource_id") {
		return "/", true
	}
	id := t.ref(v, "aws_api_gateway_resource")
	if id == "" {
		if t.ref(v, "aws_api_gateway_rest_api") != "" {
			return "/", true
		}
		return "", false
	}
	rp := t.byID[id].props
	parent, ok := t.restPath(rp.Get("parent_id"), depth+1)
	part := rp.Get("path_part").String()
	if !ok {
		parent = "/${" + rp.Get("parent_id").String() + "}"
	}
	return strings.TrimSuffix(parent, "/") + "/" + part, ok
}

func (t *translator) restMethod(in *instance) {
	p := in.props
	apiID := t.ref(p.Get("rest_api_id"), "aws_api_gateway_rest_api")
	a := t.st.API(apiID)
	path, _ := t.restPath(p.Get("resource_id"), 0)
	if path == "" {
		path = p.Get("resource_id").String()
	}
	method := strings.ToUpper(p.Get("http_method").String())
	ep := &model.EntryPoint{ID: in.addr, Pos: in.pos, Kind: model.EntryRoute, API: apiID, Method: method, Path: path}
	authV := p.Get("authorization")
	ep.Auth = model.Auth{Type: restAuth(authV.String()), Pos: in.pos, APIKeyRequired: isTrue(p.Get("api_key_required")), Scopes: strs(p.Get("authorization_scopes"))}
	if authV.IsSet() {
		ep.Auth.Pos = authV.Pos
		if authV.Unresolved {
			ep.Auth.Type = model.AuthUnknown
		}
	}
	if az := p.Get("authorizer_id"); az.IsSet() {
		ep.Auth.Authorizer = t.authByID(a, az)
	}
	if ep.Auth.Type == model.AuthNone && ep.Auth.APIKeyRequired {
		ep.Auth.Type = model.AuthAPIKey
	}
	// The integration of the same API, resource and method.
	for _, x := range t.insts {
		if x.typ != "aws_api_gateway_integration" {
			continue
		}
		xp := x.props
		if xp.Get("rest_api_id").String() != p.Get("rest_api_id").String() ||
			xp.Get("resource_id").String() != p.Get("resource_id").String() ||
			!strings.EqualFold(xp.Get("http_method").String(), p.Get("http_method").String()) {
			continue
		}
		uri := xp.Get("uri")
		ep.Function = t.fnID(uri)
		if ep.Function == "" {
			ep.Target = uri
			in := &model.Integration{Pos: x.pos, Type: strings.ToUpper(xp.Get("type").String()), URI: uri,
				Service: model.IntegrationService(uri.String()), Credentials: xp.Get("credentials"),
				RequestParameters: xp.Get("request_parameters"), RequestTemplates: xp.Get("request_templates")}
			in.Role = t.ref(in.Credentials, "aws_iam_role")
			ep.Integration = in
		}
	}
	t.st.EntryPoints = append(t.st.EntryPoints, ep)
}

func restAuth(s string) model.AuthType {
	switch strings.ToUpper(s) {
	case "NONE":
		return model.AuthNone
	case "AWS_IAM":
		return model.AuthIAM
	case "CUSTOM":
		return model.AuthLambda
	case "COGNITO_USER_POOLS":
		return model.AuthCognito
	case "JWT":
		return model.AuthJWT
	}
	return model.AuthUnknown
}

func (t *translator) httpRoute(in *instance) {
	p := in.props
	apiID := t.ref(p.Get("api_id"), "aws_apigatewayv2_api")
	a := t.st.API(apiID)
	key := p.Get("route_key").String()
	method, path := "ANY", key
	if m, rest, ok := strings.Cut(key, " "); ok {
		method, path = strings.ToUpper(m), rest
	}
	ep := &model.EntryPoint{ID: in.addr, Pos: in.pos, Kind: model.EntryRoute, API: apiID, Method: method, Path: path}
	authV := p.Get("authorization_type")
	ep.Auth = model.Auth{Type: model.AuthNone, Pos: in.pos, APIKeyRequired: isTrue(p.Get("api_key_required")), Scopes: strs(p.Get("authorization_scopes"))}
	if authV.IsSet() {
		ep.Auth.Type, ep.Auth.Pos = restAuth(authV.String()), authV.Pos
	}
	if az := p.Get("authorizer_id"); az.IsSet() {
		ep.Auth.Authorizer = t.authByID(a, az)
	}
	if ep.Auth.Type == model.AuthNone && ep.Auth.APIKeyRequired {
		ep.Auth.Type = model.AuthAPIKey
	}
	target := p.Get("target")
	if id := t.ref(target, "aws_apigatewayv2_integration"); id != "" {
		ip := t.byID[id].props
		uri := ip.Get("integration_uri")
		ep.Function = t.fnID(uri)
		if ep.Function == "" {
			ep.Target = uri
			in := &model.Integration{Pos: t.byID[id].pos, Type: strings.ToUpper(ip.Get("integration_type").String()), URI: uri,
				Service: model.IntegrationSubtypeService(ip.Get("integration_subtype").String()), Credentials: ip.Get("credentials_arn"),
				RequestParameters: ip.Get("request_parameters"), RequestTemplates: ip.Get("request_templates")}
			in.Role = t.ref(in.Credentials, "aws_iam_role")
			if in.Service != "" && in.RequestParameters != nil {
				// A service integration names its target in its
				// parameters (QueueUrl, StateMachineArn, …).
				ep.Target = in.RequestParameters
			}
			ep.Integration = in
		}
	} else if target.IsSet() {
		ep.Target = target
	}
	if a != nil {
		ep.CORS = a.CORS
	}
	t.st.EntryPoints = append(t.st.EntryPoints, ep)
}
