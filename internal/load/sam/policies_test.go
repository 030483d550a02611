package sam

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// stmtLines renders each statement of a policy as "actions → resources
// [refs]".
func stmtLines(doc *model.Value) []string {
	var out []string
	for _, st := range doc.Get("Statement").Elems() {
		s := strings.Join(st.Get("Action").AsStrings(), ",") + " → " + strings.Join(st.Get("Resource").AsStrings(), " ")
		if refs := st.Get("Resource").AllRefs(); len(refs) > 0 {
			s += " [" + strings.Join(refs, ",") + "]"
		}
		if c := st.Get("Condition"); c.IsSet() {
			s += " if " + jsonOf(c)
		}
		out = append(out, s)
	}
	return out
}

// TestPolicyShapes checks every shape a Policies entry takes.
func TestPolicyShapes(t *testing.T) {
	got := loadArchive(t, "policies.txtar")
	st := got["shapes.yaml"].st
	const basic = "managed:arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	for _, tc := range []struct {
		role string
		want []string
	}{
		{"FnRole", []string{basic, "managed:arn:aws:iam::aws:policy/AWSLambdaExecute", "managed:arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
			"managed:arn:aws:iam::123456789012:policy/custom", "standalone:Managed", "inline:FnRolePolicy4", "inline:FnRolePolicy5",
			"sam-template:SQSPollerPolicy", "sam-template:CloudWatchPutMetricPolicy", "sam-template:VPCAccessPolicy"}},
		{"SingleRole", []string{basic, "managed:arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}},
		{"SingleDocRole", []string{basic, "inline:SingleDocRolePolicy0"}},
	} {
		if diff := cmp.Diff(tc.want, policyNames(st.Role(tc.role))); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.role, diff)
		}
	}
	for _, p := range st.Role("FnRole").Policies {
		switch p.Name {
		case "Managed":
			if !p.Known() || p.Ref != "Managed" {
				t.Errorf("customer managed policy in the stack: %+v", p)
			}
		case "FnRolePolicy5":
			if diff := cmp.Diff([]string{"sqs:* → *"}, stmtLines(p.Document)); diff != "" {
				t.Errorf("inline policy (-want +got):\n%s", diff)
			}
		case "arn:aws:iam::aws:policy/AWSLambdaExecute":
			if p.Known() {
				t.Errorf("AWS managed policy has a document: internal/iam resolves it")
			}
		}
	}
}

// TestPolicyTemplates checks that each family of SAM policy templates
// expands to its statements with parameters substituted and references
// kept, so that IAM maps the ARNs back to the stack's resources.
func TestPolicyTemplates(t *testing.T) {
	got := loadArchive(t, "policies.txtar")
	role := got["families.yaml"].st.Role("FnRole")
	docs := map[string]*model.PolicyDoc{}
	for _, p := range role.Policies {
		docs[p.Name] = p
	}
	const (
		ddb = "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/"
		reg = "${AWS::Region}:${AWS::AccountId}"
	)
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"DynamoDBCrudPolicy", []string{"dynamodb:GetItem,dynamodb:DeleteItem,dynamodb:PutItem,dynamodb:Scan,dynamodb:Query,dynamodb:UpdateItem,dynamodb:BatchWriteItem,dynamodb:BatchGetItem,dynamodb:DescribeTable,dynamodb:ConditionCheckItem → " + ddb + "${Table} " + ddb + "${Table}/index/* [Table]"}},
		{"DynamoDBReadPolicy", []string{"dynamodb:GetItem,dynamodb:Scan,dynamodb:Query,dynamodb:BatchGetItem,dynamodb:DescribeTable → " + ddb + "orders " + ddb + "orders/index/*"}},
		{"DynamoDBWritePolicy", []string{"dynamodb:PutItem,dynamodb:UpdateItem,dynamodb:BatchWriteItem → " + ddb + "${Table} " + ddb + "${Table}/index/* [Table]"}},
		{"DynamoDBStreamReadPolicy", []string{
			"dynamodb:DescribeStream,dynamodb:GetRecords,dynamodb:GetShardIterator → " + ddb + "${Table}/stream/* [Table]",
			"dynamodb:ListStreams → " + ddb + "${Table}/stream/* [Table]"}},
		{"S3ReadPolicy", []string{"s3:GetObject,s3:ListBucket,s3:GetBucketLocation,s3:GetObjectVersion,s3:GetLifecycleConfiguration → arn:${AWS::Partition}:s3:::${Bucket} arn:${AWS::Partition}:s3:::${Bucket}/* [Bucket]"}},
		{"S3WritePolicy", []string{"s3:PutObject,s3:PutObjectAcl,s3:PutLifecycleConfiguration → arn:${AWS::Partition}:s3:::my-bucket arn:${AWS::Partition}:s3:::my-bucket/*"}},
		{"SQSSendMessagePolicy", []string{"sqs:SendMessage* → arn:${AWS::Partition}:sqs:" + reg + ":${Queue.QueueName} [Queue]"}},
		{"SNSPublishMessagePolicy", []string{"sns:Publish → arn:${AWS::Partition}:sns:" + reg + ":${Topic.TopicName} [Topic]"}},
		{"LambdaInvokePolicy", []string{"lambda:InvokeFunction → arn:${AWS::Partition}:lambda:" + reg + ":function:${Other}* [Other]"}},
		{"StepFunctionsExecutionPolicy", []string{"states:StartExecution → arn:${AWS::Partition}:states:" + reg + ":stateMachine:${Machine.Name} [Machine]"}},
		{"SSMParameterReadPolicy", []string{"ssm:DescribeParameters → *", "ssm:GetParameters,ssm:GetParameter,ssm:GetParametersByPath → arn:${AWS::Partition}:ssm:" + reg + ":parameter/app/config"}},
		{"SSMParameterWithSlashPrefixReadPolicy", []string{"ssm:DescribeParameters → *", "ssm:GetParameters,ssm:GetParameter,ssm:GetParametersByPath → arn:${AWS::Partition}:ssm:" + reg + ":parameter/app/config"}},
		{"AWSSecretsManagerGetSecretValuePolicy", []string{"secretsmanager:GetSecretValue → ${Secret} [Secret]"}},
		{"KMSDecryptPolicy", []string{"kms:Decrypt → arn:${AWS::Partition}:kms:" + reg + ":key/${Key} [Key]"}},
		{"KMSEncryptPolicy", []string{"kms:Encrypt → arn:${AWS::Partition}:kms:" + reg + ":key/1234abcd"}},
		{"EventBridgePutEventsPolicy", []string{"events:PutEvents → arn:${AWS::Partition}:events:" + reg + ":event-bus/default"}},
		{"KinesisStreamReadPolicy", []string{
			"kinesis:ListStreams,kinesis:DescribeLimits → arn:${AWS::Partition}:kinesis:" + reg + ":stream/*",
			"kinesis:DescribeStream,kinesis:DescribeStreamSummary,kinesis:GetRecords,kinesis:GetShardIterator → arn:${AWS::Partition}:kinesis:" + reg + ":stream/${Stream} [Stream]"}},
		{"SESSendBouncePolicy", []string{"ses:SendBounce → arn:${AWS::Partition}:ses:" + reg + ":identity/example.com"}},
		{"ComprehendBasicAccessPolicy", []string{"comprehend:BatchDetectKeyPhrases,comprehend:DetectDominantLanguage,comprehend:DetectEntities,comprehend:BatchDetectEntities,comprehend:DetectKeyPhrases,comprehend:DetectSentiment,comprehend:BatchDetectDominantLanguage,comprehend:BatchDetectSentiment → *"}},
		{"TextractPolicy", []string{"textract:* → *"}},
		{"EFSWriteAccessPolicy", []string{`elasticfilesystem:ClientMount,elasticfilesystem:ClientWrite → arn:${AWS::Partition}:elasticfilesystem:` + reg + `:file-system/fs-1 if {"StringEquals":{"elasticfilesystem:AccessPointArn":"arn:${AWS::Partition}:elasticfilesystem:` + reg + `:access-point/fsap-1"}}`}},
		{"AWSSecretsManagerRotationPolicy", []string{
			`secretsmanager:DescribeSecret,secretsmanager:GetSecretValue,secretsmanager:PutSecretValue,secretsmanager:UpdateSecretVersionStage → arn:${AWS::Partition}:secretsmanager:` + reg + `:secret:* if {"StringEquals":{"secretsmanager:resource/AllowRotationLambdaArn":"arn:${AWS::Partition}:lambda:` + reg + `:function:rotator"}}`,
			"secretsmanager:GetRandomPassword → *"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := docs[tc.name]
			if p == nil {
				t.Fatalf("no policy %s", tc.name)
			}
			if p.Source != model.PolicySAMTemplate || !p.Known() {
				t.Errorf("source = %s, known = %v", p.Source, p.Known())
			}
			if diff := cmp.Diff(tc.want, stmtLines(p.Document)); diff != "" {
				t.Errorf("statements (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPolicyTemplateErrors checks unknown templates, missing parameters
// and malformed entries.
func TestPolicyTemplateErrors(t *testing.T) {
	l := loadArchive(t, "policies.txtar")["bad.yaml"]
	if l.err == nil || !strings.HasPrefix(l.err.Error(), "bad.yaml:11:31: SAM policy template DynamoDBCrudPolicy is missing parameter TableName") {
		t.Errorf("error = %v", l.err)
	}
	if diff := cmp.Diff([]string{
		"warning: unknown SAM policy template MadeUpPolicy: its permissions are unknown",
		"warning: FnRole: a Policies entry must be a managed policy, a policy document or one SAM policy template",
		"warning: FnRole: unsupported Policies entry of kind number",
	}, diags(l.st)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	for _, p := range l.st.Role("FnRole").Policies {
		if p.Name == "MadeUpPolicy" && (p.Known() || p.Source != model.PolicySAMTemplate) {
			t.Errorf("unknown template must grant unknown permissions: %+v", p)
		}
	}
}

// TestPolicyTemplateTable checks the template table itself: every
// statement has actions and resources, and every ${Param} used is
// declared.
func TestPolicyTemplateTable(t *testing.T) {
	if n := len(PolicyTemplateNames()); n < 75 {
		t.Errorf("only %d policy templates", n)
	}
	for name, tpl := range policyTemplates {
		declared := map[string]bool{"AWS::Partition": true, "AWS::Region": true, "AWS::AccountId": true}
		for _, p := range tpl.params {
			declared[p] = true
		}
		for _, s := range tpl.stmts {
			if len(s.actions) == 0 || len(s.resources) == 0 {
				t.Errorf("%s: statement without actions or resources", name)
			}
			for _, r := range append(append([]string{}, s.resources...), s.cond[2]) {
				r = arnMacros.Replace(r)
				for {
					i := strings.Index(r, "${")
					if i < 0 {
						break
					}
					j := strings.IndexByte(r[i:], '}')
					if !declared[r[i+2:i+j]] {
						t.Errorf("%s: %s is not a parameter", name, r[i:i+j+1])
					}
					r = r[i+j+1:]
				}
			}
			for _, a := range s.actions {
				if !strings.Contains(a, ":") {
					t.Errorf("%s: action %q has no service prefix", name, a)
				}
			}
		}
	}
}
