package sam

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// trigLine is a compact, comparable form of a trigger.
func trigLines(l loaded) []string {
	var out []string
	for _, tr := range triggers(l.st) {
		s := fmt.Sprintf("%s %s fn=%s src=%s", tr.ID, tr.Kind, tr.Function, tr.Source)
		for _, kv := range [][2]string{{"value", tr.Value}, {"filter", tr.Filter}, {"schedule", tr.Schedule}, {"enabled", tr.Enabled},
			{"batch", tr.Batch}, {"onFailure", tr.OnFailure}, {"events", strings.Join(tr.Events, ",")}} {
			if kv[1] != "" {
				s += " " + kv[0] + "=" + kv[1]
			}
		}
		out = append(out, s)
	}
	return out
}

// TestEvents checks every SAM event type: the trigger it becomes, the
// policies SAM adds to the implicit role, the Lambda permissions and the
// resources SAM generates.
func TestEvents(t *testing.T) {
	got := loadArchive(t, "events.txtar")
	const basic = "managed:arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	for _, tc := range []struct {
		file     string
		triggers []string
		policies []string
		perms    []string
		gen      []string
		diags    []string
		err      string
	}{
		{
			file:     "s3.yaml",
			triggers: []string{`FnUpload s3 fn=Fn src=Uploads value=${Uploads} filter={"S3Key":{"Rules":[{"Name":"prefix","Value":"incoming/"}]}} events=s3:ObjectCreated:*,s3:ObjectRemoved:*`},
			policies: []string{basic},
			perms:    []string{"FnUploadPermission→Fn"},
			gen:      []string{"FnRole:AWS::IAM::Role<-Fn", "FnUploadPermission:AWS::Lambda::Permission<-Fn"},
		},
		{
			file:     "sqs.yaml",
			triggers: []string{`FnJobs sqs fn=Fn src=Jobs value=${Jobs.Arn} filter={"Filters":[{"Pattern":"{\"body\": {\"kind\": [\"order\"]}}"}]} enabled=false batch=5`},
			policies: []string{basic, "managed:arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"},
			gen:      []string{"FnJobs:AWS::Lambda::EventSourceMapping<-Fn", "FnRole:AWS::IAM::Role<-Fn"},
		},
		{
			file: "sns.yaml",
			triggers: []string{
				`FnAlerts sns fn=Fn src=Alerts value=${Alerts} filter={"severity":["high"]}`,
				`FnBuffered sqs fn=Fn src=FnBufferedQueue value=${FnBufferedQueue.Arn}`,
			},
			policies: []string{basic, "managed:arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"},
			perms:    []string{"FnAlertsPermission→Fn", "FnBufferedQueuePolicy→FnBufferedQueue"},
			gen: []string{"FnAlertsPermission:AWS::Lambda::Permission<-Fn", "FnBufferedEventSourceMapping:AWS::Lambda::EventSourceMapping<-Fn",
				"FnBufferedQueue:AWS::SQS::Queue<-Fn", "FnBufferedQueuePolicy:AWS::SQS::QueuePolicy<-Fn", "FnBufferedSubscription:AWS::SNS::Subscription<-Fn", "FnRole:AWS::IAM::Role<-Fn"},
		},
		{
			file: "streams.yaml",
			triggers: []string{
				`FnClicks kinesis fn=Fn src=Clicks value=${Clicks.Arn} batch=100`,
				`FnTableStream dynamodb fn=Fn src=Table value=${Table.StreamArn} onFailure=${Failures.Arn}`,
			},
			policies: []string{basic, "managed:arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
				"generated:FnTableStreamDestinationPolicy", "managed:arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole"},
			gen: []string{"FnClicks:AWS::Lambda::EventSourceMapping<-Fn", "FnRole:AWS::IAM::Role<-Fn", "FnTableStream:AWS::Lambda::EventSourceMapping<-Fn"},
		},
		{
			file: "schedules.yaml",
			triggers: []string{
				`FnHourly schedule fn=Fn src= schedule=rate(1 hour) enabled=DISABLED`,
				`FnNightly schedule fn=Fn src= schedule=cron(0 3 * * ? *) enabled=true`,
			},
			policies: []string{basic},
			perms:    []string{"FnNightlyPermission→Fn"},
			gen: []string{"FnHourly:AWS::Scheduler::Schedule<-Fn", "FnNightly:AWS::Events::Rule<-Fn",
				"FnNightlyPermission:AWS::Lambda::Permission<-Fn", "FnRole:AWS::IAM::Role<-Fn"},
		},
		{
			file: "eventbridge.yaml",
			triggers: []string{
				`FnLegacy eventbridge fn=Fn src= filter={"source":["aws.ec2"]}`,
				`FnOrders eventbridge fn=Fn src=Bus value=${Bus} filter={"source":["orders"]}`,
			},
			policies: []string{basic},
			perms:    []string{"FnLegacyPermission→Fn", "FnOrdersPermission→Fn"},
			gen: []string{"FnLegacy:AWS::Events::Rule<-Fn", "FnLegacyPermission:AWS::Lambda::Permission<-Fn", "FnOrders:AWS::Events::Rule<-Fn",
				"FnOrdersPermission:AWS::Lambda::Permission<-Fn", "FnRole:AWS::IAM::Role<-Fn"},
		},
		{
			file: "logs-cognito-iot-alexa.yaml",
			triggers: []string{
				`FnLogs cloudwatch-logs fn=Fn src=Logs value=${Logs} filter="ERROR"`,
				`FnSensor iot fn=Fn src= filter="SELECT * FROM 'sensors/#'"`,
				`FnSignUp cognito fn=Fn src=Pool value=${Pool} events=PreSignUp,PostConfirmation`,
				`FnSkill alexa fn=Fn src= value=amzn1.ask.skill.12345 filter="amzn1.ask.skill.12345"`,
			},
			policies: []string{basic},
			perms:    []string{"FnLogsPermission→Fn", "FnSensorPermission→Fn", "FnSignUpPermission→Fn", "FnSkillPermission→Fn"},
			gen: []string{"FnLogs:AWS::Logs::SubscriptionFilter<-Fn", "FnLogsPermission:AWS::Lambda::Permission<-Fn", "FnRole:AWS::IAM::Role<-Fn",
				"FnSensor:AWS::IoT::TopicRule<-Fn", "FnSensorPermission:AWS::Lambda::Permission<-Fn", "FnSignUpPermission:AWS::Lambda::Permission<-Fn",
				"FnSkillPermission:AWS::Lambda::Permission<-Fn"},
		},
		{
			file: "brokers.yaml",
			triggers: []string{
				`FnDocs documentdb fn=Fn src=DocCluster value=${DocCluster}`,
				`FnKafka kafka fn=Fn src= filter=["clicks"]`,
				`FnMq mq fn=Fn src=Broker value=${Broker.Arn} filter=["orders"]`,
				`FnMsk kafka fn=Fn src= value=arn:aws:kafka:us-east-1:123456789012:cluster/orders/abc`,
			},
			policies: []string{basic, "managed:arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole",
				"generated:FnMqPolicy", "generated:FnKafkaPolicy", "generated:FnDocsPolicy"},
			gen: []string{"FnDocs:AWS::Lambda::EventSourceMapping<-Fn", "FnKafka:AWS::Lambda::EventSourceMapping<-Fn",
				"FnMq:AWS::Lambda::EventSourceMapping<-Fn", "FnMsk:AWS::Lambda::EventSourceMapping<-Fn", "FnRole:AWS::IAM::Role<-Fn"},
		},
		{
			file:     "unknown.yaml",
			policies: []string{basic},
			gen:      []string{"FnRole:AWS::IAM::Role<-Fn"},
			diags:    []string{"warning: Fn: event Odd has an unknown type Telepathy"},
			err:      "unknown.yaml:12:9: Fn: event NoType has no Type",
		},
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
			if diff := cmp.Diff(tc.triggers, trigLines(l)); diff != "" {
				t.Errorf("triggers (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.policies, policyNames(l.st.Role("FnRole"))); diff != "" {
				t.Errorf("role policies (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.perms, rpIDs(l.st)); diff != "" {
				t.Errorf("permissions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.gen, generated(l.st)); diff != "" {
				t.Errorf("generated resources (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.diags, diags(l.st)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEventPermissionDocs checks the documents of generated permissions:
// who may invoke, scoped to which source.
func TestEventPermissionDocs(t *testing.T) {
	got := loadArchive(t, "events.txtar")
	for _, tc := range []struct{ file, id, want string }{
		{"s3.yaml", "FnUploadPermission", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":{"$unresolved":"!GetAtt Fn.Arn"},"Condition":{"StringEquals":{"aws:SourceAccount":{"$unresolved":"AWS::AccountId"}}}}]}`},
		{"sns.yaml", "FnAlertsPermission", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":{"$unresolved":"!GetAtt Fn.Arn"},"Condition":{"ArnLike":{"aws:SourceArn":{"$unresolved":"!Ref Alerts"}}}}]}`},
		{"logs-cognito-iot-alexa.yaml", "FnSkillPermission", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"alexa-appkit.amazon.com"},"Action":"lambda:InvokeFunction","Resource":{"$unresolved":"!GetAtt Fn.Arn"},"Condition":{"StringEquals":{"lambda:EventSourceToken":"amzn1.ask.skill.12345"}}}]}`},
	} {
		t.Run(tc.id, func(t *testing.T) {
			st := got[tc.file].st
			for _, rp := range st.ResourcePolicies {
				if rp.ID == tc.id {
					if diff := cmp.Diff(tc.want, jsonOf(rp.Doc.Document)); diff != "" {
						t.Errorf("document (-want +got):\n%s", diff)
					}
					return
				}
			}
			t.Errorf("no resource policy %s", tc.id)
		})
	}
}
