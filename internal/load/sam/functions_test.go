package sam

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFunctions checks function properties after Globals merging, roles
// (implicit, declared, external, another function's) and intrinsics.
func TestFunctions(t *testing.T) {
	got := loadArchive(t, "functions.txtar")
	for _, tc := range []struct {
		file, fn, want string
	}{
		// Globals: scalars from the function win, Environment.Variables
		// and Tags merge key by key, Layers concatenate (global first).
		{"globals.yaml", "Fn", `{"codeUri":"src/","environment":[{"name":"STAGE","value":"dev"},{"name":"LOG_LEVEL","value":"DEBUG"},{"name":"TABLE","value":"orders"}],"handler":"app.handler","id":"Fn","layers":[{"$unresolved":"!Ref SharedLayer"},"arn:aws:lambda:us-east-1:123456789012:layer:extra:1"],"role":"FnRole","runtime":"python3.12","tags":[{"key":"team","value":"orders"},{"key":"owner","value":"alice"}],"timeout":5,"tracing":"Active"}`},
		{"globals.yaml", "Other", `{"codeUri":"other/","environment":[{"name":"STAGE","value":"dev"},{"name":"LOG_LEVEL","value":"INFO"}],"handler":"other.handler","id":"Other","layers":[{"$unresolved":"!Ref SharedLayer"}],"role":"OtherRole","runtime":"nodejs20.x","tags":[{"key":"team","value":"orders"}],"timeout":30,"tracing":"Active"}`},
		{"all-properties.yaml", "Fn", `{"architectures":["arm64"],"autoPublishAlias":"live","codeUri":"s3://bucket/code.zip","deadLetter":{"$unresolved":"!Ref DeadLetters"},"deploymentPreference":{"Type":"Canary10Percent5Minutes"},"handler":"app.handler","id":"Fn","kmsKey":{"$unresolved":"!GetAtt Key.Arn"},"maxEventAge":60,"maxRetries":0,"memorySize":1024,"name":"all-props","onFailure":{"$unresolved":"!GetAtt Other.Arn"},"onSuccess":{"$unresolved":"!GetAtt Done.Arn"},"provisionedConcurrency":2,"reservedConcurrency":5,"role":"FnRole","runtime":"python3.11","settings":{"EphemeralStorage":{"Size":10240},"RecursiveLoop":"Allow"},"timeout":900,"tracing":"PassThrough","vpc":{"securityGroups":["sg-1"],"subnetIds":["subnet-1","subnet-2"]}}`},
		{"all-properties.yaml", "Other", `{"codeUri":"123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest","id":"Other","packageType":"Image","role":"OtherRole"}`},
		{"all-properties.yaml", "Inline", `{"handler":"index.handler","id":"Inline","inlineCode":"def handler(event, context):\n    return \"ok\"\n","role":"InlineRole","runtime":"python3.12"}`},
		{"role.yaml", "Declared", `{"codeUri":"a/","handler":"a.h","id":"Declared","role":"ExecRole","runtime":"python3.12"}`},
		{"role.yaml", "External", `{"codeUri":"a/","handler":"a.h","id":"External","roleArn":"arn:aws:iam::123456789012:role/shared-lambda","runtime":"python3.12"}`},
		// ExternalRole is not a role SAM generates (External sets Role).
		{"role.yaml", "Borrowed", `{"codeUri":"a/","handler":"a.h","id":"Borrowed","roleArn":{"$unresolved":"!GetAtt ExternalRole.Arn"},"runtime":"python3.12"}`},
		{"intrinsics.yaml", "Fn", `{"codeUri":"a/","environment":[{"name":"IMPORTED","value":{"$unresolved":"!ImportValue shared-table-name"}},{"name":"SUBBED","value":"arn:${AWS::Partition}:s3:::prod-bucket/${Vpc}"},{"name":"ENCODED","value":"plain"},{"name":"AZ","value":{"$unresolved":"!Select"}},{"name":"CIDR","value":{"$unresolved":"!Select"}},{"name":"FIRST_SUBNET","value":"subnet-b"},{"name":"JSON","value":"{\"a\":1}"},{"name":"BOTH","value":"yes"}],"handler":"a.h","id":"Fn","memorySize":2048,"name":"orders-prod-a","role":"FnRole","runtime":"python3.12","timeout":30}`},
		// Long (JSON) forms: Fn::Sub with a variable map, Fn::Join,
		// Fn::If, Fn::Length, Fn::GetAtt list form, Fn::Split/Select,
		// Fn::ImportValue over Fn::Sub, pseudo parameters.
		{"intrinsics-long.json", "Fn", `{"codeUri":"a/","environment":[{"name":"REGION","value":{"$unresolved":"AWS::Region"}},{"name":"SPLIT","value":"b"},{"name":"IMPORT","value":{"$unresolved":"!ImportValue dev-table"}}],"handler":"a.h","id":"Fn","memorySize":3,"name":"orders-dev","role":"Exec","runtime":"python3.12","timeout":3}`},
	} {
		t.Run(tc.file+"/"+tc.fn, func(t *testing.T) {
			l := got[tc.file]
			if l.err != nil {
				t.Fatal(l.err)
			}
			f := l.st.Function(tc.fn)
			if f == nil {
				t.Fatalf("no function %s", tc.fn)
			}
			if diff := cmp.Diff(tc.want, compact(t, f)); diff != "" {
				t.Errorf("function (-want +got):\n%s", diff)
			}
		})
	}
	// Fn::Transform AWS::Include in a DefinitionBody is noted, not fetched.
	if d := got["intrinsics-long.json"].st.Diagnostics; len(d) != 1 || d[0].Message != "Fn::Transform AWS::Include s3://bucket/openapi.yaml is not expanded (nightlight does not fetch included files)" {
		t.Errorf("diagnostics = %v", d)
	}
	if f := got["intrinsics.yaml"].st.Function("DevOnly"); f != nil {
		t.Errorf("function DevOnly is created although its condition is false")
	}
}

// TestImplicitRoles checks the roles SAM generates and what they hold.
func TestImplicitRoles(t *testing.T) {
	got := loadArchive(t, "functions.txtar")
	const (
		basic = "managed:arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
		xray  = "managed:arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"
		vpc   = "managed:arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
	)
	for _, tc := range []struct {
		file, role string
		policies   []string
		boundary   string
		trust      string
	}{
		{"globals.yaml", "FnRole", []string{basic, xray}, "", `{"Statement":[{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]}}],"Version":"2012-10-17"}`},
		{"all-properties.yaml", "FnRole", []string{basic, xray, vpc, "generated:FnRoleDeadLetterQueuePolicy",
			"generated:FnRoleEventInvokeConfigOnSuccessPolicy", "generated:FnRoleEventInvokeConfigOnFailurePolicy"},
			"arn:aws:iam::123456789012:policy/boundary", ""},
		{"role.yaml", "TrustOverrideRole", []string{basic, "standalone:ExtraPolicy"}, "",
			`{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com","edgelambda.amazonaws.com"]}}],"Version":"2012-10-17"}`},
		{"intrinsics.yaml", "FnRole", []string{basic, "sam-template:DynamoDBCrudPolicy"}, "", ""},
	} {
		t.Run(tc.file+"/"+tc.role, func(t *testing.T) {
			r := got[tc.file].st.Role(tc.role)
			if r == nil || !r.Implicit {
				t.Fatalf("no implicit role %s: %+v", tc.role, r)
			}
			if diff := cmp.Diff(tc.policies, policyNames(r)); diff != "" {
				t.Errorf("policies (-want +got):\n%s", diff)
			}
			if r.Boundary.String() != tc.boundary {
				t.Errorf("boundary = %q, want %q", r.Boundary.String(), tc.boundary)
			}
			if tc.trust != "" {
				if diff := cmp.Diff(tc.trust, compact(t, r.Trust.Document)); diff != "" {
					t.Errorf("trust (-want +got):\n%s", diff)
				}
			}
		})
	}
	st := got["role.yaml"].st
	for _, id := range []string{"DeclaredRole", "ExternalRole", "BorrowedRole"} {
		if st.Role(id) != nil {
			t.Errorf("role %s generated for a function that sets Role", id)
		}
	}
	// The dead-letter and destination policies grant what SAM grants.
	r := got["all-properties.yaml"].st.Role("FnRole")
	for _, p := range r.Policies {
		switch p.Name {
		case "FnRoleDeadLetterQueuePolicy":
			if want := `{"Statement":[{"Action":["sns:Publish"],"Effect":"Allow","Resource":{"$unresolved":"!Ref DeadLetters"}}],"Version":"2012-10-17"}`; compact(t, p.Document) != want {
				t.Errorf("DLQ policy = %s", compact(t, p.Document))
			}
		case "FnRoleEventInvokeConfigOnFailurePolicy":
			if want := `{"Statement":[{"Action":["lambda:InvokeFunction"],"Effect":"Allow","Resource":{"$unresolved":"!GetAtt Other.Arn"}}],"Version":"2012-10-17"}`; compact(t, p.Document) != want {
				t.Errorf("OnFailure policy = %s", compact(t, p.Document))
			}
		}
	}
	// A policy template parameter from !ImportValue stays symbolic.
	for _, p := range got["intrinsics.yaml"].st.Role("FnRole").Policies {
		if p.Name == "DynamoDBCrudPolicy" {
			res := p.Document.Get("Statement").Items[0].Get("Resource").Items[0]
			if res.String() != "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${ImportValue:shared-table-name}" || !res.Unresolved {
				t.Errorf("table ARN = %#v", res)
			}
		}
	}
}

// TestSuppressionsReachGeneratedResources checks that a function's
// Metadata suppression also covers its generated role, which the template
// cannot annotate.
func TestSuppressionsReachGeneratedResources(t *testing.T) {
	st := loadArchive(t, "functions.txtar")["all-properties.yaml"].st
	var got []string
	for _, s := range st.Suppressions {
		got = append(got, s.Resource+":"+strings.Join(s.Rules, ",")+":"+s.Reason)
	}
	want := []string{
		"Fn:NL3004:the function manages its own bucket ACLs",
		"FnAliaslive:NL3004:the function manages its own bucket ACLs",
		"FnDeploymentGroup:NL3004:the function manages its own bucket ACLs",
		"FnEventInvokeConfig:NL3004:the function manages its own bucket ACLs",
		"FnRole:NL3004:the function manages its own bucket ACLs",
		"FnVersion:NL3004:the function manages its own bucket ACLs",
	}
	sort.Strings(got)
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suppressions (-want +got):\n%s", diff)
	}
}
