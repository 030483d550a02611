package sam

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// TestResources checks the SAM resource types other than functions and
// APIs: each case compares one model object, positions left out.
func TestResources(t *testing.T) {
	got := loadArchive(t, "resources.txtar")
	store := func(file, id string) any { return got[file].st.Store(id) }
	api := func(file, id string) any { return got[file].st.API(id) }
	role := func(file, id string) any {
		r := got[file].st.Role(id)
		if r == nil {
			return nil
		}
		return policyNames(r)
	}
	entry := func(file, id string) any {
		for _, ep := range got[file].st.EntryPoints {
			if ep.ID == id {
				return ep
			}
		}
		return nil
	}
	for _, tc := range []struct {
		name string
		get  func(string, string) any
		file string
		id   string
		want string
	}{
		{"SimpleTable with Globals SSE and a classification tag", store, "simpletable.yaml", "Users",
			`{"attrs":{"billing_mode":"PAY_PER_REQUEST"},"classification":"pii","encryption":{"kind":"aws-managed"},"id":"Users","kind":"table","name":"users","tags":[{"key":"DataClassification","value":"PII"}],"type":"AWS::Serverless::SimpleTable"}`},
		{"SimpleTable with a customer key and provisioned throughput", store, "simpletable.yaml", "Plain",
			`{"attrs":{"billing_mode":"PROVISIONED"},"encryption":{"key":{"$unresolved":"!Ref Key"},"kind":"customer"},"id":"Plain","kind":"table","type":"AWS::Serverless::SimpleTable"}`},
		{"StateMachine", store, "statemachine.yaml", "Machine",
			`{"attrs":{"definition":"statemachine/flow.asl.json","logging_config":{"Destinations":[{"CloudWatchLogsLogGroup":{"LogGroupArn":{"$unresolved":"!GetAtt Logs.Arn"}}}],"Level":"ALL"},"state_machine_type":"EXPRESS","tracing":true},"encryption":{"kind":"aws-owned"},"id":"Machine","kind":"state-machine","name":"orders-flow","type":"AWS::Serverless::StateMachine"}`},
		{"StateMachine implicit role", role, "statemachine.yaml", "MachineRole",
			`["sam-template:LambdaInvokePolicy","generated:MachineRoleLoggingPolicy","managed:arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"]`},
		{"StateMachine with Role has no implicit role", role, "statemachine.yaml", "WithRoleRole", `null`},
		{"StateMachine Api event targets the machine", entry, "statemachine.yaml", "ServerlessRestApi POST /flows",
			`{"api":"ServerlessRestApi","auth":{"type":"none"},"event":"Start","id":"ServerlessRestApi POST /flows","kind":"route","method":"POST","path":"/flows","target":{"$unresolved":"!Ref Machine"}}`},
		{"Function URL with AWS_IAM and Cors", entry, "layer-app.yaml", "FnUrl",
			`{"auth":{"type":"iam"},"cors":{"allowCredentials":true,"allowOrigins":["https://example.com"]},"event":"FunctionUrlConfig","function":"Fn","id":"FnUrl","kind":"function-url"}`},
		{"Embedded connector policy", role, "connectors.yaml", "FnRole",
			`["managed:arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole","generated:FnTableConnPolicy","generated:FnBucketsConnPolicy"]`},
		{"Connector from a plain Lambda function", role, "connectors.yaml", "PlainRole", `["generated:PlainToTopicPolicy"]`},
		{"GraphQLApi", api, "graphql.yaml", "Graph",
			`{"accessLog":true,"authorizers":[{"name":"api-key","type":"api-key"},{"name":"iam","type":"iam"}],"defaultAuthorizer":"api-key","id":"Graph","kind":"graphql"}`},
		{"GraphQL resolver", entry, "graphql.yaml", "Graph Query.getPost",
			`{"api":"Graph","auth":{"authorizer":"api-key","type":"api-key"},"event":"Query.getPost","function":"Posts","id":"Graph Query.getPost","kind":"graphql","method":"Query","path":"getPost","target":{"$unresolved":"!GetAtt Posts.Arn"}}`},
		{"GraphQL resolver on a DynamoDB data source", entry, "graphql.yaml", "Graph Query.comments",
			`{"api":"Graph","auth":{"authorizer":"api-key","type":"api-key"},"event":"Query.comments","id":"Graph Query.comments","kind":"graphql","method":"Query","path":"comments","target":{"$unresolved":"!GetAtt Comments.Arn"}}`},
		{"HttpApi with Globals CORS, throttling, logs and a DefinitionBody", api, "httpapi-body.yaml", "Http",
			`{"accessLog":{"DestinationArn":{"$unresolved":"!GetAtt Logs.Arn"},"Format":"$context.requestId"},"cors":{"allowOrigins":["*"]},"disableDefaultEndpoint":true,"id":"Http","kind":"http","stage":"live","throttle":{"burst":50,"rate":100}}`},
		{"HttpApi route from the DefinitionBody", entry, "httpapi-body.yaml", "Http GET /legacy",
			`{"api":"Http","auth":{"type":"none"},"cors":{"allowOrigins":["*"]},"function":"Fn","id":"Http GET /legacy","kind":"route","method":"GET","path":"/legacy","target":{"$unresolved":"!GetAtt Fn.Arn"},"throttle":{"rate":3}}`},
		{"HttpApi event route with RouteSettings", entry, "httpapi-body.yaml", "Http GET /items",
			`{"api":"Http","auth":{"type":"none"},"cors":{"allowOrigins":["*"]},"event":"Get","function":"Fn","id":"Http GET /items","kind":"route","method":"GET","path":"/items","target":{"$unresolved":"!GetAtt Fn.Arn"},"throttle":{"burst":5}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := got[tc.file].err; err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, compact(t, tc.get(tc.file, tc.id))); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.id, diff)
			}
		})
	}
}

// TestConnectors checks what connectors grant.
func TestConnectors(t *testing.T) {
	st := loadArchive(t, "resources.txtar")["connectors.yaml"].st
	docs := map[string]*model.PolicyDoc{}
	for _, r := range st.Roles {
		for _, p := range r.Policies {
			docs[p.Name] = p
		}
	}
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"FnTableConnPolicy", []string{
			"dynamodb:GetItem,dynamodb:Query,dynamodb:Scan,dynamodb:BatchGetItem,dynamodb:ConditionCheckItem,dynamodb:PartiQLSelect → ${Table.Arn} ${Table.Arn}/index/* [Table]",
			"dynamodb:PutItem,dynamodb:UpdateItem,dynamodb:DeleteItem,dynamodb:BatchWriteItem,dynamodb:PartiQLDelete,dynamodb:PartiQLInsert,dynamodb:PartiQLUpdate → ${Table.Arn} ${Table.Arn}/index/* [Table]",
		}},
		{"FnBucketsConnPolicy", []string{
			"s3:AbortMultipartUpload,s3:DeleteObject,s3:DeleteObjectVersion,s3:PutObject,s3:PutObjectLegalHold,s3:PutObjectRetention,s3:RestoreObject → ${Bucket.Arn} ${Bucket.Arn}/* [Bucket]",
			"sqs:DeleteMessage,sqs:SendMessage,sqs:ChangeMessageVisibility,sqs:PurgeQueue → arn:aws:sqs:us-east-1:123456789012:outside",
		}},
		{"PlainToTopicPolicy", []string{"sns:Publish → ${Topic.Arn} [Topic]"}},
	} {
		p := docs[tc.name]
		if p == nil {
			t.Errorf("no policy %s", tc.name)
			continue
		}
		if diff := cmp.Diff(tc.want, stmtLines(p.Document)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	if diff := cmp.Diff([]string{"ApiToFnWriteLambdaPermission→Fn", "RuleToInboxQueuePolicy→Inbox"}, rpIDs(st)); diff != "" {
		t.Errorf("connectors from services are resource policies (-want +got):\n%s", diff)
	}
	for _, rp := range st.ResourcePolicies {
		if rp.ID == "RuleToInboxQueuePolicy" {
			want := `{"Statement":[{"Action":"sqs:SendMessage","Condition":{"ArnEquals":{"aws:SourceArn":{"$unresolved":"!GetAtt Rule.Arn"}}},"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Resource":{"$unresolved":"!GetAtt Inbox.Arn"}}],"Version":"2012-10-17"}`
			if diff := cmp.Diff(want, compact(t, rp.Doc.Document)); diff != "" {
				t.Errorf("queue policy (-want +got):\n%s", diff)
			}
		}
	}
	if diff := cmp.Diff([]string{`warning: connector PlainToTopic: unknown permission "Delete" (want Read or Write)`}, diags(st)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

// TestOtherDiagnostics checks nested applications and unknown types.
func TestOtherDiagnostics(t *testing.T) {
	got := loadArchive(t, "resources.txtar")
	var infos []string
	for _, d := range got["layer-app.yaml"].st.Diagnostics {
		infos = append(infos, string(d.Severity)+": "+d.Message)
	}
	if diff := cmp.Diff([]string{
		"info: nested application Nested (arn:aws:serverlessrepo:us-east-1:123456789012:applications/thing 1.0.0) is not fetched: its resources are not analysed",
		"info: nested application Local (nested/template.yaml) is not fetched: its resources are not analysed",
	}, infos); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	u := got["unknown-type.yaml"]
	if u.err == nil || u.err.Error() != `unknown-type.yaml:8:16: condition "Never" is not defined in Conditions` {
		t.Errorf("error = %v", u.err)
	}
	if diff := cmp.Diff([]string{"warning: unknown SAM resource type AWS::Serverless::Teleporter: kept as a generic resource"}, diags(u.st)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if u.st.ByID("Thing") == nil {
		t.Errorf("unknown SAM resource dropped")
	}
}

// TestImplicitRefs checks that plain resources find SAM's generated ones:
// a usage plan and a WAF on the implicit API, a permission on
// !Ref Function.Alias, and the generated alias, version, deployment group
// and invoke config.
func TestImplicitRefs(t *testing.T) {
	l := loadArchive(t, "resources.txtar")["implicit-refs.yaml"]
	if l.err != nil {
		t.Fatal(l.err)
	}
	api := l.st.API(ImplicitRestAPIID)
	if api == nil || len(api.UsagePlans) != 1 || api.UsagePlans[0].ID != "Plan" || api.UsagePlans[0].Throttle.Rate.String() != "5" {
		t.Errorf("usage plan on the implicit API: %+v", api)
	}
	if api.WAF.String() != "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/y" {
		t.Errorf("WAF on the implicit API = %v", api.WAF)
	}
	if diff := cmp.Diff([]string{"AliasPermission→Fn", "FnGetPermission→Fn"}, rpIDs(l.st)); diff != "" {
		t.Errorf("permissions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{
		"CodeDeployServiceRole:AWS::IAM::Role<-Fn",
		"FnAliaslive:AWS::Lambda::Alias<-Fn",
		"FnDeploymentGroup:AWS::CodeDeploy::DeploymentGroup<-Fn",
		"FnEventInvokeConfig:AWS::Lambda::EventInvokeConfig<-Fn",
		"FnGetPermission:AWS::Lambda::Permission<-Fn",
		"FnRole:AWS::IAM::Role<-Fn",
		"FnVersion:AWS::Lambda::Version<-Fn",
		"ServerlessDeploymentApplication:AWS::CodeDeploy::Application<-Fn",
		"ServerlessRestApi:AWS::ApiGateway::RestApi<-Fn",
		"ServerlessRestApiProdStage:AWS::ApiGateway::Stage<-Fn",
	}, generated(l.st)); diff != "" {
		t.Errorf("generated (-want +got):\n%s", diff)
	}
}
