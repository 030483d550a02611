package terraform

import (
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/yamlv"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// structured returns the value of an attribute holding a JSON or YAML
// document (an API body): decoded, with the references of the original
// string kept on the strings that mention them.
func (t *translator) structured(v *model.Value) *model.Value {
	if v == nil {
		return nil
	}
	if v.Kind == model.Map {
		return v
	}
	if v.Kind != model.String {
		return nil
	}
	if d := t.doc(v); d != nil && d.Kind == model.Map {
		return d
	}
	doc, err := yamlv.Decode(v.Pos.File, []byte(v.Str), load.Limits{})
	if err != nil || doc.Root == nil || doc.Root.Kind != model.Map {
		return nil
	}
	doc.Root.Walk(func(x *model.Value) bool {
		x.Pos = v.Pos
		for i := range x.Fields {
			x.Fields[i].KeyPos = v.Pos
		}
		if x.Kind == model.String && strings.Contains(x.Str, "${") {
			for _, r := range v.Refs {
				if strings.Contains(x.Str, "${"+r+".") || strings.Contains(x.Str, "${"+r+"}") {
					x.Unresolved = true
					x.Source = v.Source
					x.Refs = model.SortedUnique(append(x.Refs, r))
				}
			}
		}
		return true
	})
	return doc.Root
}

var openAPIMethods = map[string]string{"get": "GET", "put": "PUT", "post": "POST", "delete": "DELETE", "options": "OPTIONS",
	"head": "HEAD", "patch": "PATCH", "trace": "TRACE", "x-amazon-apigateway-any-method": "ANY"}

// openAPIRoutes adds an entry point for each operation of an API's OpenAPI
// body, with the function its x-amazon-apigateway-integration invokes and
// the authentication its security requirement names.
func (t *translator) openAPIRoutes(api *model.API, body *model.Value) {
	d := t.structured(body)
	if d == nil {
		return
	}
	schemes := firstSet(d.Get("securityDefinitions"), d.Path("components", "securitySchemes"))
	global := d.Get("security")
	for _, pf := range d.Get("paths").Entries() {
		for _, mf := range pf.Value.Entries() {
			method, ok := openAPIMethods[strings.ToLower(mf.Key)]
			if !ok {
				continue
			}
			integ := mf.Value.Get("x-amazon-apigateway-integration")
			if method == "OPTIONS" && strings.EqualFold(integ.Get("type").String(), "mock") {
				continue
			}
			uri := integ.Get("uri")
			ep := &model.EntryPoint{ID: api.ID + " " + method + " " + pf.Key, Pos: mf.KeyPos, Kind: model.EntryRoute, API: api.ID,
				Method: method, Path: pf.Key, Function: t.fnID(uri)}
			if ep.Function == "" {
				ep.Target = uri
			}
			sec := mf.Value.Get("security")
			if sec == nil {
				sec = global
			}
			ep.Auth = securityAuth(sec, schemes, mf.KeyPos)
			if api.Kind != model.APIRest {
				ep.CORS = api.CORS
			}
			t.st.EntryPoints = append(t.st.EntryPoints, ep)
		}
	}
}

// securityAuth decides a route's authentication from its OpenAPI security
// requirements and the API's security schemes.
func securityAuth(sec, schemes *model.Value, pos model.Pos) model.Auth {
	auth := model.Auth{Type: model.AuthNone, Pos: pos}
	var names []string
	for _, req := range sec.Elems() {
		for _, f := range req.Entries() {
			names = append(names, f.Key)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		s := schemes.Get(n)
		typ := strings.ToLower(s.Get("type").String())
		authType := strings.ToLower(s.Get("x-amazon-apigateway-authtype").String())
		az := s.Get("x-amazon-apigateway-authorizer")
		azType := strings.ToLower(az.Get("type").String())
		switch {
		case authType == "awssigv4" || authType == "aws_iam":
			auth.Type = model.AuthIAM
		case typ == "apikey" && !az.IsSet():
			auth.APIKeyRequired = true
			continue
		case authType == "cognito_user_pools" || azType == "cognito_user_pools":
			auth.Type = model.AuthCognito
		case azType == "jwt" || typ == "oauth2" || typ == "openidconnect":
			auth.Type = model.AuthJWT
		case az.IsSet():
			auth.Type = model.AuthLambda
		default:
			auth.Type = model.AuthUnknown
		}
		auth.Authorizer = n
	}
	if auth.Type == model.AuthNone && auth.APIKeyRequired {
		auth.Type = model.AuthAPIKey
	}
	return auth
}
