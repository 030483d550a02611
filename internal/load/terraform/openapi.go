package terraform

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/decode/yamlv"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/openapi"
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
	schemes := openapi.Schemes(d)
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
				if ep.Integration = openapi.Integration(integ); ep.Integration != nil {
					ep.Integration.Role = t.ref(ep.Integration.Credentials, "aws_iam_role")
				}
			}
			ep.Auth = openapi.Auth(openapi.Security(d, mf.Value), schemes, mf.KeyPos)
			if api.Kind != model.APIRest {
				ep.CORS = api.CORS
			}
			t.st.EntryPoints = append(t.st.EntryPoints, ep)
		}
	}
}
