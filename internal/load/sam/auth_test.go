package sam

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func routeLines(l loaded) []string {
	var out []string
	for _, r := range routes(l.st) {
		s := fmt.Sprintf("%s auth=%s", r.ID, r.Auth)
		if r.Authorizer != "" {
			s += " authorizer=" + r.Authorizer
		}
		if r.APIKey {
			s += " apikey"
		}
		if len(r.Scopes) > 0 {
			s += " scopes=" + strings.Join(r.Scopes, ",")
		}
		s += " fn=" + r.Function
		out = append(out, s)
	}
	return out
}

// TestAuth checks every Auth shape: the effective auth of each route.
func TestAuth(t *testing.T) {
	got := loadArchive(t, "auth.txtar")
	for _, tc := range []struct {
		file   string
		routes []string
		err    string
	}{
		{"default-none-override.yaml", []string{
			"Api GET /health auth=none fn=Fn",
			"Api GET /private auth=lambda authorizer=Tokens fn=Fn",
		}, ""},
		{"cognito.yaml", []string{
			"ServerlessRestApi GET /orders auth=cognito authorizer=Users scopes=orders/read fn=Fn",
			"ServerlessRestApi OPTIONS /orders auth=cognito authorizer=Users scopes=orders/read fn=Fn",
			"ServerlessRestApi POST /orders auth=cognito authorizer=Users scopes=orders/write fn=Fn",
		}, ""},
		{"lambda-request.yaml", []string{"Api ANY /items/{id} auth=lambda authorizer=Req fn=Fn"}, ""},
		{"iam.yaml", []string{
			"Api GET /open auth=none fn=Fn",
			"Api POST /admin auth=iam authorizer=AWS_IAM fn=Fn",
		}, ""},
		{"apikey.yaml", []string{
			"Api GET /free auth=none fn=Fn",
			"Api GET /keyed auth=api-key apikey fn=Fn",
		}, ""},
		{"resource-policy.yaml", []string{"Api GET /things auth=none fn=Fn"}, ""},
		{"httpapi-jwt.yaml", []string{
			"Http GET /custom auth=lambda authorizer=Lam fn=Fn",
			"Http GET /me auth=jwt authorizer=Jwt scopes=profile fn=Fn",
			"Http GET /public auth=none fn=Fn",
			"Http POST /signed auth=iam authorizer=AWS_IAM fn=Fn",
		}, ""},
		{"implicit-http.yaml", []string{
			"ServerlessHttpApi $default auth=none fn=Fn",
			"ServerlessHttpApi GET /things/{id} auth=none fn=Fn",
		}, ""},
		{"bad-authorizer.yaml", []string{"Api GET /x auth=unknown authorizer=Missing fn=Fn"},
			"bad-authorizer.yaml:8:28: API Api: DefaultAuthorizer Missing is not one of its Authorizers (and 1 more errors)"},
		{"definition-body.yaml", []string{
			"Api GET /reports auth=cognito authorizer=Users fn=Fn",
			"Api GET /status auth=none fn=Fn",
		}, ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			l := got[tc.file]
			if l.st == nil {
				t.Fatalf("no stack: %v", l.err)
			}
			gotErr := ""
			if l.err != nil {
				gotErr = l.err.Error()
			}
			if gotErr != tc.err {
				t.Errorf("error = %q, want %q", gotErr, tc.err)
			}
			if diff := cmp.Diff(tc.routes, routeLines(l)); diff != "" {
				t.Errorf("routes (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAuthAPIs checks what the Auth blocks set on the APIs themselves.
func TestAuthAPIs(t *testing.T) {
	got := loadArchive(t, "auth.txtar")

	api := got["cognito.yaml"].st.API(ImplicitRestAPIID)
	if api == nil || !api.Implicit || api.Stage.String() != "Prod" || api.DefaultAuthorizer != "Users" || len(api.Authorizers) != 1 ||
		api.Authorizers[0].UserPools.String() != "${Pool.Arn}" {
		t.Errorf("implicit API from Globals.Api = %+v", api)
	}

	jwt := got["httpapi-jwt.yaml"].st.API("Http")
	var names []string
	for _, a := range jwt.Authorizers {
		names = append(names, a.Name+":"+string(a.Type)+":"+a.Function+":"+a.Issuer.String()+":"+jsonOf(a.Audience))
	}
	if diff := cmp.Diff([]string{
		"Jwt:jwt::https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc:[\"client-1\"]",
		"Lam:lambda:AuthFn::",
		"AWS_IAM:iam:::",
	}, names); diff != "" {
		t.Errorf("HttpApi authorizers (-want +got):\n%s", diff)
	}
	if rp := rpIDs(got["httpapi-jwt.yaml"].st); !contains(rp, "HttpLamAuthorizerPermission→AuthFn") {
		t.Errorf("no permission for API Gateway to invoke the authorizer: %v", rp)
	}

	keyed := got["apikey.yaml"].st.API("Api")
	if !keyed.APIKeyRequired || len(keyed.UsagePlans) != 1 || keyed.UsagePlans[0].ID != "ApiUsagePlan" ||
		keyed.UsagePlans[0].Throttle.Rate.String() != "10" || keyed.UsagePlans[0].Throttle.QuotaPeriod.String() != "DAY" {
		t.Errorf("API key and usage plan = %+v", keyed)
	}

	// MethodSettings: "/*" throttles the stage, a ResourcePath one route.
	throttles := map[string]string{}
	for _, ep := range got["apikey.yaml"].st.EntryPoints {
		throttles[ep.ID] = ep.Throttle.Rate.String() + "/" + ep.Throttle.Burst.String()
	}
	if diff := cmp.Diff(map[string]string{"Api GET /free": "100/200", "Api GET /keyed": "1/2"}, throttles); diff != "" {
		t.Errorf("route throttles (-want +got):\n%s", diff)
	}

	pol := got["resource-policy.yaml"].st.API("Api")
	if pol.Policy == nil || pol.Endpoint.String() != "PRIVATE" {
		t.Fatalf("resource policy API = %+v", pol)
	}
	want := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*/DELETE/*"},` +
		`{"Effect":"Allow","Principal":{"AWS":["111122223333"]},"Action":["execute-api:Invoke"],"Resource":"execute-api:/*"},` +
		`{"Effect":"Allow","Principal":"*","Action":["execute-api:Invoke"],"Resource":"execute-api:/*"},` +
		`{"Effect":"Deny","Principal":"*","Action":["execute-api:Invoke"],"Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}},` +
		`{"Effect":"Allow","Principal":"*","Action":["execute-api:Invoke"],"Resource":"execute-api:/*"},` +
		`{"Effect":"Deny","Principal":"*","Action":["execute-api:Invoke"],"Resource":"execute-api:/*","Condition":{"StringNotEquals":{"aws:SourceVpc":["vpc-1234"]}}},` +
		`{"Effect":"Deny","Principal":"*","Action":["execute-api:Invoke"],"Resource":"execute-api:/*","Condition":{"StringNotEquals":{"aws:SourceVpce":["vpce-5678"]}}},` +
		`{"Effect":"Allow","Principal":"*","Action":["execute-api:Invoke"],"Resource":"execute-api:/*/GET/things"},` +
		`{"Effect":"Deny","Principal":"*","Action":["execute-api:Invoke"],"Resource":"execute-api:/*/GET/things","Condition":{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24"]}}}]}`
	if diff := cmp.Diff(want, jsonOf(pol.Policy.Document)); diff != "" {
		t.Errorf("resource policy (-want +got):\n%s", diff)
	}
	if rp := rpIDs(got["resource-policy.yaml"].st); !contains(rp, "Api/Policy→Api") {
		t.Errorf("no API resource policy: %v", rp)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
