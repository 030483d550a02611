package openapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/decode/jsonv"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// TestAuth decides each route's authentication from one definition. Before
// issue 15 the CloudFormation and Terraform loaders each had a copy, and
// they disagreed on an apiKey scheme not named x-api-key (Terraform called
// it an API key, CloudFormation unknown).
func TestAuth(t *testing.T) {
	def := `{
  "securityDefinitions": {
    "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
    "ApiKeyUpper": {"type": "apiKey", "name": "X-API-Key", "in": "header"},
    "other_key": {"type": "apiKey", "name": "X-Token", "in": "header"},
    "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"},
    "pool": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "cognito_user_pools",
             "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools"}},
    "custom": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "custom",
               "x-amazon-apigateway-authorizer": {"type": "token", "authorizerUri": "arn"}},
    "jwt": {"type": "oauth2", "flows": {}}
  },
  "security": [{"api_key": []}],
  "paths": {
    "/global": {"get": {}},
    "/open": {"get": {"security": []}},
    "/upper": {"get": {"security": [{"ApiKeyUpper": []}]}},
    "/other": {"get": {"security": [{"other_key": []}]}},
    "/iam": {"get": {"security": [{"sigv4": []}]}},
    "/pool-and-key": {"get": {"security": [{"pool": [], "api_key": []}]}},
    "/custom": {"get": {"security": [{"custom": []}]}},
    "/jwt": {"get": {"security": [{"jwt": ["read"]}]}}
  }
}`
	d, err := jsonv.Decode("api.json", []byte(def), load.Limits{}.WithDefaults())
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		Type       model.AuthType
		Authorizer string
		Key        bool
	}
	want := map[string]got{
		"/global":       {model.AuthAPIKey, "", true},
		"/open":         {model.AuthNone, "", false},
		"/upper":        {model.AuthAPIKey, "", true},
		"/other":        {model.AuthUnknown, "other_key", false},
		"/iam":          {model.AuthIAM, "sigv4", false},
		"/pool-and-key": {model.AuthCognito, "pool", true},
		"/custom":       {model.AuthLambda, "custom", false},
		"/jwt":          {model.AuthJWT, "jwt", false},
	}
	schemes := Schemes(d)
	for _, pf := range d.Get("paths").Entries() {
		op := pf.Value.Get("get")
		a := Auth(Security(d, op), schemes, pf.KeyPos)
		if diff := cmp.Diff(want[pf.Key], got{a.Type, a.Authorizer, a.APIKeyRequired}); diff != "" {
			t.Errorf("%s (-want +got):\n%s", pf.Key, diff)
		}
		if !a.Pos.IsValid() {
			t.Errorf("%s: auth has no position", pf.Key)
		}
	}
}

func TestSchemesOpenAPI3(t *testing.T) {
	d, err := jsonv.Decode("api.json", []byte(`{"components": {"securitySchemes": {"k": {"type": "apiKey", "name": "x-api-key"}}}}`), load.Limits{}.WithDefaults())
	if err != nil {
		t.Fatal(err)
	}
	if !Schemes(d).Get("k").IsSet() {
		t.Error("OpenAPI 3 components.securitySchemes not read")
	}
}
