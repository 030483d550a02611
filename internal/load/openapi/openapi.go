// Package openapi reads what nightlight needs from an OpenAPI (Swagger 2 or
// OpenAPI 3) definition of an API Gateway API, whichever loader found it
// (a CloudFormation Body or SAM DefinitionBody, a Terraform body), so that
// every input format decides a route's authentication the same way.
package openapi

import (
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Schemes returns the security schemes of a definition: Swagger 2's
// securityDefinitions or OpenAPI 3's components.securitySchemes, or nil.
func Schemes(def *model.Value) *model.Value {
	if s := def.Get("securityDefinitions"); s.IsSet() {
		return s
	}
	return def.Path("components", "securitySchemes")
}

// Security returns the security requirements that apply to an operation:
// its own security, or the definition's global one.
func Security(def, op *model.Value) *model.Value {
	if sec := op.Get("security"); sec != nil {
		return sec
	}
	return def.Get("security")
}

// Auth decides a route's authentication from its security requirements
// (sec, a list of {scheme: scopes} maps: any one of them admits the caller,
// and within one all schemes apply) and the definition's security schemes.
// pos is the operation; the result is positioned at sec when it is set.
//
// An API Gateway API key is a scheme of type apiKey named x-api-key (header
// names are case-insensitive) without an authorizer: it makes callers send
// a key, which identifies and meters them but does not authenticate them.
// A scheme with x-amazon-apigateway-authtype awsSigv4 is IAM; cognito_user_pools
// (as authtype or authorizer type) Cognito; a jwt authorizer or an oauth2 /
// openIdConnect scheme JWT; any other authorizer a Lambda authorizer; a
// scheme nightlight cannot place (an apiKey of another name without an
// authorizer, which API Gateway does not enforce) is unknown.
func Auth(sec, schemes *model.Value, pos model.Pos) model.Auth {
	a := model.Auth{Type: model.AuthNone, Pos: pos}
	if sec.IsSet() {
		a.Pos = sec.Pos
	}
	var names []string
	for _, req := range sec.Elems() {
		for _, f := range req.Entries() {
			names = append(names, f.Key)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		s := schemes.Get(name)
		typ := strings.ToLower(s.Get("type").String())
		authType := strings.ToLower(s.Get("x-amazon-apigateway-authtype").String())
		az := s.Get("x-amazon-apigateway-authorizer")
		azType := strings.ToLower(az.Get("type").String())
		switch {
		case typ == "apikey" && strings.EqualFold(s.Get("name").String(), "x-api-key") && !az.IsSet() && authType == "":
			a.APIKeyRequired = true
			continue
		case authType == "awssigv4" || authType == "aws_iam":
			a.Type = model.AuthIAM
		case authType == "cognito_user_pools" || azType == "cognito_user_pools":
			a.Type = model.AuthCognito
		case azType == "jwt" || typ == "oauth2" || typ == "openidconnect":
			a.Type = model.AuthJWT
		case az.IsSet():
			a.Type = model.AuthLambda
		default:
			a.Type = model.AuthUnknown
		}
		a.Authorizer = name
	}
	if a.Type == model.AuthNone && a.APIKeyRequired {
		a.Type = model.AuthAPIKey
	}
	return a
}

// Integration reads an x-amazon-apigateway-integration extension into the
// model, or returns nil when integ is not set or is a Lambda proxy (the
// route's function says all there is). Role is left to the loader, which
// knows how the template names its roles.
func Integration(integ *model.Value) *model.Integration {
	if !integ.IsSet() {
		return nil
	}
	typ := strings.ToUpper(integ.Get("type").String())
	uri := integ.Get("uri")
	svc := model.IntegrationService(uri.String())
	if svc == "lambda" {
		return nil
	}
	in := &model.Integration{Pos: integ.Pos, Type: typ, Service: svc, URI: uri, Credentials: integ.Get("credentials"),
		RequestParameters: integ.Get("requestParameters"), RequestTemplates: integ.Get("requestTemplates")}
	for _, r := range integ.Get("responses").Entries() {
		if t := r.Value.Get("responseTemplates"); t.IsSet() {
			in.ResponseTemplates = append(in.ResponseTemplates, t)
		}
	}
	return in
}
