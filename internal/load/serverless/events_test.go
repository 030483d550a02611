package serverless

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// loadFixture loads testdata/<name> with testdata as the scan root.
func loadFixture(t testing.TB, name string, opts load.Options) *model.Stack {
	t.Helper()
	st, err := loadFixtureErr(t, name, opts)
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	return st
}

func loadFixtureErr(t testing.TB, name string, opts load.Options) (*model.Stack, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	root, err := load.OpenRoot("testdata", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	u := load.Unit{Format: model.FormatServerless, Path: name, Files: []load.File{{Path: name, Data: data}}, Root: root}
	return Load(context.Background(), u, opts)
}

// entrySummary is a compact, comparable view of an entry point.
func entrySummary(ep *model.EntryPoint) string {
	s := fmt.Sprintf("%s | %s | %s", ep.ID, ep.Kind, ep.Auth.Type)
	if ep.Auth.Authorizer != "" {
		s += "(" + ep.Auth.Authorizer + ")"
	}
	if ep.Auth.APIKeyRequired {
		s += "+key"
	}
	return s + " -> " + ep.Function
}

func triggerSummary(tr *model.Trigger) string {
	s := fmt.Sprintf("%s | %s -> %s", tr.ID, tr.Kind, tr.Function)
	if tr.Source != "" {
		s += " src=" + tr.Source
	} else if tr.SourceValue.IsSet() {
		s += " value=" + strings.Join(tr.SourceValue.AsStrings(), ",")
	}
	if len(tr.Events) > 0 {
		s += " events=" + strings.Join(tr.Events, ",")
	}
	if tr.Schedule.IsSet() {
		j, _ := tr.Schedule.MarshalJSON()
		s += " schedule=" + string(j)
	}
	return s
}

func summaries(st *model.Stack) (eps, trs []string) {
	for _, ep := range st.EntryPoints {
		eps = append(eps, entrySummary(ep))
	}
	for _, tr := range st.Triggers {
		trs = append(trs, triggerSummary(tr))
	}
	return eps, trs
}

func TestEvents(t *testing.T) {
	tests := []struct {
		file     string
		provider model.Provider
		entries  []string
		triggers []string
	}{
		{file: "events/http.yml", provider: model.AWS, entries: []string{
			"ApiGatewayRestApi GET /cognito | route | cognito(pool) -> cognito",
			"ApiGatewayRestApi GET /cognito2 | route | cognito(PoolAuthorizer) -> cognito",
			"ApiGatewayRestApi GET /custom | route | lambda(auth) -> custom",
			"ApiGatewayRestApi GET /custom2 | route | lambda(auth) -> custom",
			"ApiGatewayRestApi GET /custom3 | route | lambda(ext-auth) -> custom",
			"ApiGatewayRestApi GET /custom4 | route | lambda(auth)+key -> custom",
			"ApiGatewayRestApi GET /iam | route | iam -> iam",
			"ApiGatewayRestApi GET /keyed | route | api-key+key -> keyed",
			"ApiGatewayRestApi GET /public | route | none -> public",
			"ApiGatewayRestApi POST /items | route | none -> public",
			"ApiGatewayRestApi PUT /iam2 | route | iam -> iam",
		}},
		{file: "events/httpapi.yml", provider: model.AWS, entries: []string{
			"HttpApi $default | route | none -> api",
			"HttpApi GET /iam | route | iam -> api",
			"HttpApi GET /lambda | route | lambda(lambdaAuth) -> api",
			"HttpApi GET /open | route | none -> api",
			"HttpApi POST /jwt | route | jwt(jwtAuth) -> api",
		}},
		{file: "events/websocket.yml", provider: model.AWS, entries: []string{
			"WebsocketsApi $connect | route | lambda(wsAuth) -> connect",
			"WebsocketsApi $default | route | lambda(wsAuth) -> msg",
		}},
		{file: "events/url.yml", provider: model.AWS, entries: []string{
			"explicit url | function-url | none -> explicit",
			"open url | function-url | none -> open",
			"signed url | function-url | iam -> signed",
		}},
		{file: "events/alb.yml", provider: model.AWS, entries: []string{
			"alb web 1 | alb | none -> web",
			"alb web 2 | alb | cognito(cog) -> web",
		}},
		{file: "events/s3.yml", provider: model.AWS, triggers: []string{
			"thumb s3 0 | s3 -> thumb src=S3BucketPhotos events=s3:ObjectCreated:*",
			"thumb s3 1 | s3 -> thumb src=S3BucketUploads events=s3:ObjectCreated:Put",
			"thumb s3 2 | s3 -> thumb value=legacy-bucket events=s3:ObjectCreated:*",
		}},
		{file: "events/queues.yml", provider: model.AWS, triggers: []string{
			"worker sns 2 | sns -> worker src=SNSTopicAlerts",
			"worker sns 3 | sns -> worker value=arn:aws:sns:us-east-1:123456789012:shared",
			"worker sqs 0 | sqs -> worker src=JobsQueue",
			"worker sqs 1 | sqs -> worker value=arn:aws:sqs:us-east-1:123456789012:external",
			"worker stream 4 | dynamodb -> worker src=Table",
			"worker stream 5 | kinesis -> worker value=arn:aws:kinesis:us-east-1:123456789012:stream/clicks",
		}},
		{file: "events/misc.yml", provider: model.AWS, triggers: []string{
			"misc activemq 10 | mq -> misc value=arn:aws:mq:us-east-1:1:broker:b:id events=q",
			"misc alexaSkill 7 | alexa -> misc value=amzn1.ask.skill.123",
			"misc alexaSmartHome 13 | alexa -> misc value=amzn1.ask.skill.456",
			"misc cloudwatchEvent 3 | eventbridge -> misc",
			"misc cloudwatchLog 4 | cloudwatch-logs -> misc value=/aws/lambda/other",
			"misc cognitoUserPool 5 | cognito -> misc src=CognitoUserPoolMyPool events=PreSignUp",
			"misc eventBridge 2 | eventbridge -> misc value=custom-bus",
			"misc futureEvent 12 | other -> misc",
			"misc iot 6 | iot -> misc",
			"misc kafka 9 | kafka -> misc value=b1:9092 events=t",
			"misc msk 8 | kafka -> misc value=arn:aws:kafka:us-east-1:1:cluster/c/x events=orders",
			"misc rabbitmq 11 | mq -> misc value=arn:aws:mq:us-east-1:1:broker:r:id events=q2",
			`misc schedule 0 | schedule -> misc schedule="rate(5 minutes)"`,
			`misc schedule 1 | schedule -> misc schedule=["cron(0 12 * * ? *)"]`,
		}},
		{file: "events/azure.yml", provider: model.Azure, entries: []string{
			"FunctionApp ANY /api/keyed | route | function-key -> keyed",
			"FunctionApp GET /api/hello | route | none -> hello",
			"FunctionApp POST /api/admin/reset | route | function-key -> admin",
		}, triggers: []string{
			"jobs blob 1 | blob -> jobs value=uploads/{name}",
			"jobs queue 0 | queue -> jobs value=jobs",
			`jobs timer 2 | timer -> jobs schedule="0 */5 * * * *"`,
		}},
		{file: "events/google.yml", provider: model.Google, entries: []string{
			"CloudFunctions open | route | none -> open",
			"CloudFunctions private | route | iam -> private",
		}, triggers: []string{
			"onPublish event 0 | pubsub -> onPublish value=projects/p/topics/t events=providers/cloud.pubsub/eventTypes/topic.publish",
		}},
		{file: "events/openwhisk.yml", provider: model.OpenWhisk, entries: []string{
			"ApiGateway GET /time | route | none -> time",
			"web guarded | web-action | function-key -> guarded",
			"web page | web-action | none -> page",
		}, triggers: []string{
			"rule my_rule | other -> page value=my_trigger",
			`tick schedule 0 | schedule -> tick schedule="*/5 * * * *"`,
			"tick trigger 1 | other -> tick value=my_trigger",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			st := loadFixture(t, tc.file, load.Options{})
			if st.Provider != tc.provider || st.Format != model.FormatServerless {
				t.Errorf("provider/format = %s/%s, want %s/serverless", st.Provider, st.Format, tc.provider)
			}
			eps, trs := summaries(st)
			if diff := cmp.Diff(tc.entries, eps); diff != "" {
				t.Errorf("entry points (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.triggers, trs); diff != "" {
				t.Errorf("triggers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPermissions(t *testing.T) {
	tests := []struct {
		file string
		want []string // "ID principal"
	}{
		{"events/url.yml", []string{
			`ExplicitLambdaPermissionFnUrl "*" {"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}`,
			`OpenLambdaPermissionFnUrl "*" {"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}`,
			`SignedLambdaPermissionFnUrl "*" {"StringEquals":{"lambda:FunctionUrlAuthType":"AWS_IAM"}}`,
		}},
		{"events/s3.yml", []string{
			`ThumbLambdaPermissionLegacybucketS3 {"Service":"s3.amazonaws.com"} {"ArnLike":{"aws:SourceArn":"arn:aws:s3:::legacy-bucket"},"StringEquals":{"aws:SourceAccount":{"$unresolved":"AWS::AccountId"}}}`,
			`ThumbLambdaPermissionPhotosS3 {"Service":"s3.amazonaws.com"} {"ArnLike":{"aws:SourceArn":"arn:aws:s3:::photos"},"StringEquals":{"aws:SourceAccount":{"$unresolved":"AWS::AccountId"}}}`,
			`ThumbLambdaPermissionUploadsS3 {"Service":"s3.amazonaws.com"} {"ArnLike":{"aws:SourceArn":"arn:aws:s3:::uploads"},"StringEquals":{"aws:SourceAccount":{"$unresolved":"AWS::AccountId"}}}`,
		}},
		{"events/websocket.yml", []string{
			`ConnectLambdaPermissionWebsockets {"Service":"apigateway.amazonaws.com"} {"ArnLike":{"aws:SourceArn":"arn:aws:execute-api:us-east-1:${AWS::AccountId}:${WebsocketsApi}/*"}}`,
			`MsgLambdaPermissionWebsockets {"Service":"apigateway.amazonaws.com"} {"ArnLike":{"aws:SourceArn":"arn:aws:execute-api:us-east-1:${AWS::AccountId}:${WebsocketsApi}/*"}}`,
			`WsAuthLambdaPermissionApiGateway {"Service":"apigateway.amazonaws.com"} {"ArnLike":{"aws:SourceArn":"arn:aws:execute-api:us-east-1:${AWS::AccountId}:${WebsocketsApi}/*"}}`,
		}},
		{"events/misc.yml", []string{
			// The framework names the pool and the topic rule it creates as
			// the sources of their permissions.
			`MiscEventBridgeLambdaPermission3 {"Service":"events.amazonaws.com"} {"ArnLike":{"aws:SourceArn":{"$unresolved":"!GetAtt MiscEventBridgeRule3.Arn"}}}`,
			`MiscLambdaPermissionAlexaSkill8 {"Service":"alexa-appkit.amazon.com"} {"StringEquals":{"lambda:EventSourceToken":"amzn1.ask.skill.123"}}`,
			`MiscLambdaPermissionAlexaSmartHome14 {"Service":"alexa-connectedhome.amazon.com"} {"StringEquals":{"lambda:EventSourceToken":"amzn1.ask.skill.456"}}`,
			`MiscLambdaPermissionCognitoUserPoolMyPoolTriggerSourcePreSignUp {"Service":"cognito-idp.amazonaws.com"} {"ArnLike":{"aws:SourceArn":{"$unresolved":"!GetAtt CognitoUserPoolMyPool.Arn"}}}`,
			`MiscLambdaPermissionEventsRuleCloudWatchEvent4 {"Service":"events.amazonaws.com"} {"ArnLike":{"aws:SourceArn":{"$unresolved":"!GetAtt MiscEventsRuleCloudWatchEvent4.Arn"}}}`,
			`MiscLambdaPermissionEventsRuleSchedule1 {"Service":"events.amazonaws.com"} {"ArnLike":{"aws:SourceArn":{"$unresolved":"!GetAtt MiscEventsRuleSchedule1.Arn"}}}`,
			`MiscLambdaPermissionEventsRuleSchedule2 {"Service":"events.amazonaws.com"} {"ArnLike":{"aws:SourceArn":{"$unresolved":"!GetAtt MiscEventsRuleSchedule2.Arn"}}}`,
			`MiscLambdaPermissionIotTopicRule7 {"Service":"iot.amazonaws.com"} {"ArnLike":{"aws:SourceArn":"arn:aws:iot:us-east-1:${AWS::AccountId}:rule/${MiscIotTopicRule7}"}}`,
			`MiscLambdaPermissionLogsSubscriptionFilterCloudWatchLog {"Service":"logs.amazonaws.com"} {"ArnLike":{"aws:SourceArn":"arn:aws:logs:us-east-1:${AWS::AccountId}:log-group:*"}}`,
		}},
		{"events/existing_pool.yml", []string{
			// A custom resource adds the permission of an existing pool.
			`FnLambdaPermissionCognitoUserPoolLegacyTriggerSourcePostConfirmation {"Service":"cognito-idp.amazonaws.com"} null`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			st := loadFixture(t, tc.file, load.Options{})
			var got []string
			for _, p := range st.ResourcePolicies {
				s := p.Doc.Document.Get("Statement").Items[0]
				pr, _ := s.Get("Principal").MarshalJSON()
				c, _ := s.Get("Condition").MarshalJSON()
				got = append(got, p.ID+" "+string(pr)+" "+string(c))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("permissions (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOverrides checks that resources redeclaring what the framework
// generates (a bucket, a permission) replace the generated objects.
func TestOverrides(t *testing.T) {
	st := loadFixture(t, "events/override.yml", load.Options{})
	var stores, rps, res []string
	for _, s := range st.Stores {
		stores = append(stores, s.ID+":"+s.Type)
	}
	for _, p := range st.ResourcePolicies {
		rps = append(rps, p.ID+":"+strings.Join(p.Targets, ","))
	}
	for _, r := range st.Resources {
		res = append(res, r.ID+":"+r.Generated)
	}
	if diff := cmp.Diff([]string{"S3BucketPhotos:AWS::S3::Bucket", "SNSTopicAlerts:AWS::SNS::Topic"}, stores); diff != "" {
		t.Errorf("stores (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ThumbLambdaPermissionAlertsSNS:thumb", "ThumbLambdaPermissionPhotosS3:thumb"}, rps); diff != "" {
		t.Errorf("permissions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"S3BucketPhotos:", "SNSTopicAlerts:thumb", "ThumbLambdaPermissionPhotosS3:"}, res); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	if v := st.Store("S3BucketPhotos").Attr(model.AttrVersioning); v.String() != "Enabled" {
		t.Errorf("declared bucket's versioning = %v", v)
	}
	for _, p := range st.ResourcePolicies {
		if p.ID == "ThumbLambdaPermissionPhotosS3" && p.Doc.Document.Get("Statement").Items[0].Get("Condition") != nil {
			t.Error("the declared permission (no condition) should replace the generated one")
		}
	}
}

// TestStepFunctions checks the serverless-step-functions plugin's state
// machines: stores with type, logging and definition, the generated
// execution role allowed to invoke the functions the definition names,
// and http events as REST routes that start the machine.
func TestStepFunctions(t *testing.T) {
	st := loadFixture(t, "events/stepfunctions.yml", load.Options{})
	orders, audit := st.Store("orders"), st.Store("audit")
	if orders == nil || audit == nil || orders.Kind != model.StoreStateMachine {
		t.Fatalf("stores: %v", st.Stores)
	}
	if got := orders.Attr(model.AttrStateMachineType).String(); got != "EXPRESS" {
		t.Errorf("orders type = %q", got)
	}
	if got := audit.Attr(model.AttrStateMachineType).String(); got != "STANDARD" {
		t.Errorf("audit type = %q", got)
	}
	if !orders.Attr(model.AttrLoggingConfig).IsSet() || audit.Attr(model.AttrLoggingConfig).IsSet() {
		t.Errorf("logging: orders %v, audit %v", orders.Attr(model.AttrLoggingConfig), audit.Attr(model.AttrLoggingConfig))
	}
	role := st.Role("ordersRole")
	if role == nil || st.Role("auditRole") != nil {
		t.Fatalf("roles: %v", st.Roles)
	}
	var refs []string
	for _, p := range role.Policies {
		refs = append(refs, p.Document.AllRefs()...)
	}
	if diff := cmp.Diff([]string{"check", "save"}, model.SortedUnique(refs)); diff != "" {
		t.Errorf("role grants invoke on (-want +got):\n%s", diff)
	}
	eps, _ := summaries(st)
	if diff := cmp.Diff([]string{"ApiGatewayRestApi POST /orders | route | api-key+key -> "}, eps); diff != "" {
		t.Errorf("entry points (-want +got):\n%s", diff)
	}
	if ep := st.EntryPoints[0]; ep.Integration == nil || ep.Integration.Service != "states" || fmt.Sprint(ep.Target.AllRefs()) != "[orders]" {
		t.Errorf("route integration %+v target %v", ep.Integration, ep.Target)
	}
}
