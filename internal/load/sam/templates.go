package sam

import (
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// ptStatement is one statement of a SAM policy template. Resources are
// ARN templates: {arn} stands for "arn:${AWS::Partition}", {ra} for
// "${AWS::Region}:${AWS::AccountId}", and ${Param} for the template's
// parameters.
type ptStatement struct {
	actions   []string
	resources []string
	// cond is an optional condition: operator, key, value template.
	cond [3]string
}

// policyTemplate is a SAM policy template: its parameters and statements,
// written from the semantics documented in "AWS SAM policy templates".
type policyTemplate struct {
	params []string
	stmts  []ptStatement
}

func st(actions []string, resources ...string) ptStatement {
	return ptStatement{actions: actions, resources: resources}
}

func a(actions ...string) []string { return actions }

// Resource ARN layouts shared by several templates.
const (
	tableARN     = "{arn}:dynamodb:{ra}:table/${TableName}"
	tableIndexes = "{arn}:dynamodb:{ra}:table/${TableName}/index/*"
	bucketARN    = "{arn}:s3:::${BucketName}"
	objectsARN   = "{arn}:s3:::${BucketName}/*"
	queueARN     = "{arn}:sqs:{ra}:${QueueName}"
	streamARN    = "{arn}:kinesis:{ra}:stream/${StreamName}"
	keyARN       = "{arn}:kms:{ra}:key/${KeyId}"
	sesIdentity  = "{arn}:ses:{ra}:identity/${IdentityName}"
	emrCluster   = "{arn}:elasticmapreduce:{ra}:cluster/${ClusterId}"
	rekCollect   = "{arn}:rekognition:{ra}:collection/${CollectionId}"
	codeCommit   = "{arn}:codecommit:{ra}:${RepositoryName}"
	firehoseARN  = "{arn}:firehose:{ra}:deliverystream/${DeliveryStreamName}"
	stateMachine = "{arn}:states:{ra}:stateMachine:${StateMachineName}"
)

var codeCommitRead = a("codecommit:GitPull", "codecommit:GetBranch", "codecommit:ListBranches",
	"codecommit:BatchDescribeMergeConflicts", "codecommit:DescribeMergeConflicts", "codecommit:GetMergeCommit",
	"codecommit:GetMergeOptions", "codecommit:BatchGetPullRequests", "codecommit:DescribePullRequestEvents",
	"codecommit:GetCommentsForPullRequest", "codecommit:GetCommitsFromMergeBase", "codecommit:GetMergeConflicts",
	"codecommit:GetPullRequest", "codecommit:ListPullRequests", "codecommit:GetBlob", "codecommit:GetFile",
	"codecommit:GetFolder", "codecommit:GetComment", "codecommit:GetCommentsForComparedCommit",
	"codecommit:BatchGetCommits", "codecommit:GetCommit", "codecommit:GetCommitHistory", "codecommit:GetDifferences",
	"codecommit:GetObjectIdentifier", "codecommit:GetReferences", "codecommit:GetTree", "codecommit:GetRepository",
	"codecommit:ListTagsForResource", "codecommit:GetRepositoryTriggers", "codecommit:TestRepositoryTriggers",
	"codecommit:GetUploadArchiveStatus")

var codeCommitWrite = a("codecommit:GitPush", "codecommit:CreateBranch", "codecommit:DeleteBranch",
	"codecommit:MergeBranchesByFastForward", "codecommit:MergeBranchesBySquash", "codecommit:MergeBranchesByThreeWay",
	"codecommit:UpdateDefaultBranch", "codecommit:CreateUnreferencedMergeCommit", "codecommit:CreatePullRequest",
	"codecommit:MergePullRequestByFastForward", "codecommit:MergePullRequestBySquash",
	"codecommit:MergePullRequestByThreeWay", "codecommit:PostCommentForPullRequest",
	"codecommit:UpdatePullRequestDescription", "codecommit:UpdatePullRequestStatus",
	"codecommit:UpdatePullRequestTitle", "codecommit:DeleteFile", "codecommit:PutFile",
	"codecommit:DeleteCommentContent", "codecommit:PostCommentForComparedCommit", "codecommit:PostCommentReply",
	"codecommit:UpdateComment", "codecommit:CreateCommit", "codecommit:UpdateRepositoryDescription",
	"codecommit:TagResource", "codecommit:UntagResource", "codecommit:PutRepositoryTriggers",
	"codecommit:UploadArchive", "codecommit:CancelUploadArchive")

// policyTemplates are SAM's policy templates by name. The table is never
// modified.
var policyTemplates = map[string]policyTemplate{
	"AcmGetCertificatePolicy": {[]string{"CertificateArn"}, []ptStatement{st(a("acm:GetCertificate"), "${CertificateArn}")}},
	"AMIDescribePolicy":       {nil, []ptStatement{st(a("ec2:DescribeImages"), "*")}},
	"AthenaQueryPolicy": {[]string{"WorkGroupName"}, []ptStatement{
		st(a("athena:ListWorkGroups", "athena:GetExecutionEngine", "athena:GetExecutionEngines", "athena:GetNamespace",
			"athena:GetCatalogs", "athena:GetNamespaces", "athena:GetTables", "athena:GetTable"), "*"),
		st(a("athena:StartQueryExecution", "athena:GetQueryResults", "athena:DeleteNamedQuery", "athena:GetNamedQuery",
			"athena:ListQueryExecutions", "athena:StopQueryExecution", "athena:GetQueryResultsStream",
			"athena:ListNamedQueries", "athena:CreateNamedQuery", "athena:GetQueryExecution",
			"athena:BatchGetNamedQuery", "athena:BatchGetQueryExecution", "athena:GetWorkGroup"),
			"{arn}:athena:{ra}:workgroup/${WorkGroupName}"),
	}},
	"AWSSecretsManagerGetSecretValuePolicy": {[]string{"SecretArn"}, []ptStatement{st(a("secretsmanager:GetSecretValue"), "${SecretArn}")}},
	"AWSSecretsManagerRotationPolicy": {[]string{"FunctionName"}, []ptStatement{
		{actions: a("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
			"secretsmanager:UpdateSecretVersionStage"), resources: []string{"{arn}:secretsmanager:{ra}:secret:*"},
			cond: [3]string{"StringEquals", "secretsmanager:resource/AllowRotationLambdaArn", "{arn}:lambda:{ra}:function:${FunctionName}"}},
		st(a("secretsmanager:GetRandomPassword"), "*"),
	}},
	"CloudFormationDescribeStacksPolicy": {nil, []ptStatement{st(a("cloudformation:DescribeStacks"), "{arn}:cloudformation:{ra}:stack/*")}},
	"CloudWatchDashboardPolicy": {nil, []ptStatement{st(a("cloudwatch:GetDashboard", "cloudwatch:ListDashboards",
		"cloudwatch:PutDashboard", "cloudwatch:ListMetrics"), "*")}},
	"CloudWatchDescribeAlarmHistoryPolicy": {nil, []ptStatement{st(a("cloudwatch:DescribeAlarmHistory"), "*")}},
	"CloudWatchPutMetricPolicy":            {nil, []ptStatement{st(a("cloudwatch:PutMetricData"), "*")}},
	"CodeCommitCrudPolicy": {[]string{"RepositoryName"}, []ptStatement{
		st(append(append([]string{}, codeCommitRead...), codeCommitWrite...), codeCommit)}},
	"CodeCommitReadPolicy":              {[]string{"RepositoryName"}, []ptStatement{st(codeCommitRead, codeCommit)}},
	"CodePipelineLambdaExecutionPolicy": {nil, []ptStatement{st(a("codepipeline:PutJobSuccessResult", "codepipeline:PutJobFailureResult"), "*")}},
	"CodePipelineReadOnlyPolicy": {[]string{"PipelineName"}, []ptStatement{
		st(a("codepipeline:ListPipelineExecutions"), "{arn}:codepipeline:{ra}:${PipelineName}")}},
	"ComprehendBasicAccessPolicy": {nil, []ptStatement{st(a("comprehend:BatchDetectKeyPhrases", "comprehend:DetectDominantLanguage",
		"comprehend:DetectEntities", "comprehend:BatchDetectEntities", "comprehend:DetectKeyPhrases",
		"comprehend:DetectSentiment", "comprehend:BatchDetectDominantLanguage", "comprehend:BatchDetectSentiment"), "*")}},
	"CostExplorerReadOnlyPolicy": {nil, []ptStatement{st(a("ce:GetCostAndUsage", "ce:GetDimensionValues",
		"ce:GetReservationCoverage", "ce:GetReservationPurchaseRecommendation", "ce:GetReservationUtilization", "ce:GetTags"), "*")}},
	"DynamoDBBackupFullAccessPolicy": {[]string{"TableName"}, []ptStatement{
		st(a("dynamodb:CreateBackup", "dynamodb:DescribeContinuousBackups"), tableARN),
		st(a("dynamodb:DeleteBackup", "dynamodb:DescribeBackup", "dynamodb:ListBackups"), "{arn}:dynamodb:{ra}:table/${TableName}/backup/*"),
	}},
	"DynamoDBCrudPolicy": {[]string{"TableName"}, []ptStatement{st(a("dynamodb:GetItem", "dynamodb:DeleteItem",
		"dynamodb:PutItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem",
		"dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:ConditionCheckItem"), tableARN, tableIndexes)}},
	"DynamoDBReadPolicy": {[]string{"TableName"}, []ptStatement{st(a("dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query",
		"dynamodb:BatchGetItem", "dynamodb:DescribeTable"), tableARN, tableIndexes)}},
	"DynamoDBReconfigurePolicy": {[]string{"TableName"}, []ptStatement{st(a("dynamodb:UpdateTable"), tableARN)}},
	"DynamoDBRestoreFromBackupPolicy": {[]string{"TableName"}, []ptStatement{
		st(a("dynamodb:RestoreTableFromBackup"), "{arn}:dynamodb:{ra}:table/${TableName}/backup/*"),
		st(a("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:Query",
			"dynamodb:Scan", "dynamodb:BatchWriteItem"), tableARN),
	}},
	"DynamoDBStreamReadPolicy": {[]string{"TableName", "StreamName"}, []ptStatement{
		st(a("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"), "{arn}:dynamodb:{ra}:table/${TableName}/stream/${StreamName}"),
		st(a("dynamodb:ListStreams"), "{arn}:dynamodb:{ra}:table/${TableName}/stream/*"),
	}},
	"DynamoDBWritePolicy": {[]string{"TableName"}, []ptStatement{st(a("dynamodb:PutItem", "dynamodb:UpdateItem",
		"dynamodb:BatchWriteItem"), tableARN, tableIndexes)}},
	"EC2CopyImagePolicy": {[]string{"ImageId"}, []ptStatement{st(a("ec2:CopyImage"), "{arn}:ec2:{ra}:image/${ImageId}")}},
	"EC2DescribePolicy":  {nil, []ptStatement{st(a("ec2:DescribeRegions", "ec2:DescribeInstances"), "*")}},
	"EcsRunTaskPolicy": {[]string{"TaskDefinition"}, []ptStatement{
		st(a("ecs:RunTask"), "{arn}:ecs:{ra}:task-definition/${TaskDefinition}")}},
	"EFSWriteAccessPolicy": {[]string{"FileSystem", "AccessPoint"}, []ptStatement{
		{actions: a("elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"),
			resources: []string{"{arn}:elasticfilesystem:{ra}:file-system/${FileSystem}"},
			cond:      [3]string{"StringEquals", "elasticfilesystem:AccessPointArn", "{arn}:elasticfilesystem:{ra}:access-point/${AccessPoint}"}},
	}},
	"EKSDescribePolicy":                              {nil, []ptStatement{st(a("eks:DescribeCluster", "eks:ListClusters"), "*")}},
	"ElasticMapReduceAddJobFlowStepsPolicy":          {[]string{"ClusterId"}, []ptStatement{st(a("elasticmapreduce:AddJobFlowSteps"), emrCluster)}},
	"ElasticMapReduceCancelStepsPolicy":              {[]string{"ClusterId"}, []ptStatement{st(a("elasticmapreduce:CancelSteps"), emrCluster)}},
	"ElasticMapReduceModifyInstanceFleetPolicy":      {[]string{"ClusterId"}, []ptStatement{st(a("elasticmapreduce:ModifyInstanceFleet", "elasticmapreduce:ListInstanceFleets"), emrCluster)}},
	"ElasticMapReduceModifyInstanceGroupsPolicy":     {[]string{"ClusterId"}, []ptStatement{st(a("elasticmapreduce:ModifyInstanceGroups", "elasticmapreduce:ListInstanceGroups"), emrCluster)}},
	"ElasticMapReduceSetTerminationProtectionPolicy": {[]string{"ClusterId"}, []ptStatement{st(a("elasticmapreduce:SetTerminationProtection"), emrCluster)}},
	"ElasticMapReduceTerminateJobFlowsPolicy":        {[]string{"ClusterId"}, []ptStatement{st(a("elasticmapreduce:TerminateJobFlows"), emrCluster)}},
	"ElasticsearchHttpPostPolicy": {[]string{"DomainName"}, []ptStatement{
		st(a("es:ESHttpPost", "es:ESHttpPut"), "{arn}:es:{ra}:domain/${DomainName}/*")}},
	"EventBridgePutEventsPolicy": {[]string{"EventBusName"}, []ptStatement{
		st(a("events:PutEvents"), "{arn}:events:{ra}:event-bus/${EventBusName}")}},
	"FilterLogEventsPolicy": {[]string{"LogGroupName"}, []ptStatement{
		st(a("logs:FilterLogEvents"), "{arn}:logs:{ra}:log-group:${LogGroupName}:log-stream:*")}},
	"FirehoseCrudPolicy": {[]string{"DeliveryStreamName"}, []ptStatement{st(a("firehose:CreateDeliveryStream",
		"firehose:DeleteDeliveryStream", "firehose:DescribeDeliveryStream", "firehose:PutRecord", "firehose:PutRecordBatch",
		"firehose:UpdateDestination"), firehoseARN)}},
	"FirehoseWritePolicy": {[]string{"DeliveryStreamName"}, []ptStatement{st(a("firehose:PutRecord", "firehose:PutRecordBatch"), firehoseARN)}},
	"KinesisCrudPolicy": {[]string{"StreamName"}, []ptStatement{st(a("kinesis:AddTagsToStream", "kinesis:CreateStream",
		"kinesis:DecreaseStreamRetentionPeriod", "kinesis:DeleteStream", "kinesis:DescribeStream",
		"kinesis:DescribeStreamSummary", "kinesis:GetShardIterator", "kinesis:IncreaseStreamRetentionPeriod",
		"kinesis:ListTagsForStream", "kinesis:MergeShards", "kinesis:PutRecord", "kinesis:PutRecords", "kinesis:SplitShard",
		"kinesis:RemoveTagsFromStream"), streamARN)}},
	"KinesisStreamReadPolicy": {[]string{"StreamName"}, []ptStatement{
		st(a("kinesis:ListStreams", "kinesis:DescribeLimits"), "{arn}:kinesis:{ra}:stream/*"),
		st(a("kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator"), streamARN),
	}},
	"KMSDecryptPolicy":                     {[]string{"KeyId"}, []ptStatement{st(a("kms:Decrypt"), keyARN)}},
	"KMSEncryptPolicy":                     {[]string{"KeyId"}, []ptStatement{st(a("kms:Encrypt"), keyARN)}},
	"LambdaInvokePolicy":                   {[]string{"FunctionName"}, []ptStatement{st(a("lambda:InvokeFunction"), "{arn}:lambda:{ra}:function:${FunctionName}*")}},
	"MobileAnalyticsWriteOnlyAccessPolicy": {nil, []ptStatement{st(a("mobileanalytics:PutEvents"), "*")}},
	"OrganizationsListAccountsPolicy":      {nil, []ptStatement{st(a("organizations:ListAccounts"), "*")}},
	"PinpointEndpointAccessPolicy": {[]string{"PinpointApplicationId"}, []ptStatement{st(a("mobiletargeting:GetEndpoint",
		"mobiletargeting:UpdateEndpoint", "mobiletargeting:UpdateEndpointsBatch"), "{arn}:mobiletargeting:{ra}:apps/${PinpointApplicationId}/endpoints/*")}},
	"PollyFullAccessPolicy": {[]string{"LexiconName"}, []ptStatement{
		st(a("polly:GetLexicon", "polly:DeleteLexicon"), "{arn}:polly:{ra}:lexicon/${LexiconName}"),
		st(a("polly:DescribeVoices", "polly:ListLexicons", "polly:PutLexicon", "polly:SynthesizeSpeech"), "{arn}:polly:{ra}:lexicon/*"),
	}},
	"RekognitionDetectOnlyPolicy": {nil, []ptStatement{st(a("rekognition:DetectFaces", "rekognition:DetectLabels",
		"rekognition:DetectModerationLabels", "rekognition:DetectText"), "*")}},
	"RekognitionFacesManagementPolicy": {[]string{"CollectionId"}, []ptStatement{st(a("rekognition:IndexFaces",
		"rekognition:DeleteFaces", "rekognition:SearchFaces", "rekognition:SearchFacesByImage", "rekognition:ListFaces"), rekCollect)}},
	"RekognitionFacesPolicy":  {nil, []ptStatement{st(a("rekognition:CompareFaces", "rekognition:DetectFaces"), "*")}},
	"RekognitionLabelsPolicy": {nil, []ptStatement{st(a("rekognition:DetectLabels", "rekognition:DetectModerationLabels"), "*")}},
	"RekognitionNoDataAccessPolicy": {[]string{"CollectionId"}, []ptStatement{st(a("rekognition:CompareFaces",
		"rekognition:DetectFaces", "rekognition:DetectLabels", "rekognition:DetectModerationLabels"), rekCollect)}},
	"RekognitionReadPolicy": {[]string{"CollectionId"}, []ptStatement{st(a("rekognition:ListCollections",
		"rekognition:ListFaces", "rekognition:SearchFaces", "rekognition:SearchFacesByImage"), rekCollect)}},
	"RekognitionWriteOnlyAccessPolicy": {[]string{"CollectionId"}, []ptStatement{st(a("rekognition:CreateCollection", "rekognition:IndexFaces"), rekCollect)}},
	"Route53ChangeResourceRecordSetsPolicy": {[]string{"HostedZoneId"}, []ptStatement{
		st(a("route53:ChangeResourceRecordSets"), "{arn}:route53:::hostedzone/${HostedZoneId}")}},
	"S3CrudPolicy": {[]string{"BucketName"}, []ptStatement{st(a("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation",
		"s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl", "s3:GetLifecycleConfiguration",
		"s3:PutLifecycleConfiguration", "s3:DeleteObject"), bucketARN, objectsARN)}},
	"S3FullAccessPolicy": {[]string{"BucketName"}, []ptStatement{
		st(a("s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl", "s3:DeleteObject",
			"s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging", "s3:GetObjectTagging", "s3:GetObjectVersionTagging",
			"s3:PutObjectTagging", "s3:PutObjectVersionTagging"), objectsARN),
		st(a("s3:ListBucket", "s3:GetBucketLocation", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration"), bucketARN),
	}},
	"S3ReadPolicy": {[]string{"BucketName"}, []ptStatement{st(a("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation",
		"s3:GetObjectVersion", "s3:GetLifecycleConfiguration"), bucketARN, objectsARN)}},
	"S3WritePolicy": {[]string{"BucketName"}, []ptStatement{st(a("s3:PutObject", "s3:PutObjectAcl",
		"s3:PutLifecycleConfiguration"), bucketARN, objectsARN)}},
	"SageMakerCreateEndpointConfigPolicy": {[]string{"EndpointConfigName"}, []ptStatement{
		st(a("sagemaker:CreateEndpointConfig"), "{arn}:sagemaker:{ra}:endpoint-config/${EndpointConfigName}")}},
	"SageMakerCreateEndpointPolicy": {[]string{"EndpointName"}, []ptStatement{
		st(a("sagemaker:CreateEndpoint"), "{arn}:sagemaker:{ra}:endpoint/${EndpointName}")}},
	"ServerlessRepoReadWriteAccessPolicy": {nil, []ptStatement{st(a("serverlessrepo:CreateApplication",
		"serverlessrepo:CreateApplicationVersion", "serverlessrepo:GetApplication", "serverlessrepo:ListApplications",
		"serverlessrepo:ListApplicationVersions"), "{arn}:serverlessrepo:{ra}:applications/*")}},
	"SESBulkTemplatedCrudPolicy": {[]string{"IdentityName"}, []ptStatement{st(a("ses:GetIdentityVerificationAttributes",
		"ses:SendEmail", "ses:SendRawEmail", "ses:SendTemplatedEmail", "ses:SendBulkTemplatedEmail", "ses:VerifyEmailIdentity"), sesIdentity)}},
	"SESBulkTemplatedCrudPolicy_v2": {[]string{"IdentityName", "TemplateName"}, []ptStatement{
		st(a("ses:SendEmail", "ses:SendRawEmail", "ses:SendTemplatedEmail", "ses:SendBulkTemplatedEmail"),
			sesIdentity, "{arn}:ses:{ra}:template/${TemplateName}"),
		st(a("ses:GetIdentityVerificationAttributes", "ses:VerifyEmailIdentity"), "*"),
	}},
	"SESCrudPolicy": {[]string{"IdentityName"}, []ptStatement{st(a("ses:GetIdentityVerificationAttributes",
		"ses:SendEmail", "ses:SendRawEmail", "ses:VerifyEmailIdentity"), sesIdentity)}},
	"SESCrudPolicy_v2": {[]string{"IdentityName"}, []ptStatement{
		st(a("ses:SendEmail", "ses:SendRawEmail"), sesIdentity),
		st(a("ses:GetIdentityVerificationAttributes", "ses:VerifyEmailIdentity"), "*"),
	}},
	"SESEmailTemplateCrudPolicy": {nil, []ptStatement{st(a("ses:CreateTemplate", "ses:GetTemplate", "ses:ListTemplates",
		"ses:UpdateTemplate", "ses:DeleteTemplate", "ses:TestRenderTemplate"), "*")}},
	"SESEmailTemplateCrudPolicy_v2": {nil, []ptStatement{
		st(a("ses:CreateTemplate", "ses:GetTemplate", "ses:UpdateTemplate", "ses:DeleteTemplate", "ses:TestRenderTemplate"), "{arn}:ses:{ra}:template/*"),
		st(a("ses:ListTemplates"), "*"),
	}},
	"SESSendBouncePolicy": {[]string{"IdentityName"}, []ptStatement{st(a("ses:SendBounce"), sesIdentity)}},
	"SNSCrudPolicy": {[]string{"TopicName"}, []ptStatement{st(a("sns:ListSubscriptionsByTopic", "sns:CreateTopic",
		"sns:SetTopicAttributes", "sns:Subscribe", "sns:Publish"), "{arn}:sns:{ra}:${TopicName}*")}},
	"SNSPublishMessagePolicy": {[]string{"TopicName"}, []ptStatement{st(a("sns:Publish"), "{arn}:sns:{ra}:${TopicName}")}},
	"SQSPollerPolicy": {[]string{"QueueName"}, []ptStatement{st(a("sqs:ChangeMessageVisibility",
		"sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessage", "sqs:DeleteMessageBatch", "sqs:GetQueueAttributes",
		"sqs:ReceiveMessage"), queueARN)}},
	"SQSSendMessagePolicy": {[]string{"QueueName"}, []ptStatement{st(a("sqs:SendMessage*"), queueARN)}},
	"SSMParameterReadPolicy": {[]string{"ParameterName"}, []ptStatement{
		st(a("ssm:DescribeParameters"), "*"),
		st(a("ssm:GetParameters", "ssm:GetParameter", "ssm:GetParametersByPath"), "{arn}:ssm:{ra}:parameter/${ParameterName}"),
	}},
	"SSMParameterWithSlashPrefixReadPolicy": {[]string{"ParameterName"}, []ptStatement{
		st(a("ssm:DescribeParameters"), "*"),
		st(a("ssm:GetParameters", "ssm:GetParameter", "ssm:GetParametersByPath"), "{arn}:ssm:{ra}:parameter${ParameterName}"),
	}},
	"StepFunctionsCallbackPolicy": {[]string{"StateMachineName"}, []ptStatement{
		st(a("states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"), stateMachine)}},
	"StepFunctionsExecutionPolicy": {[]string{"StateMachineName"}, []ptStatement{st(a("states:StartExecution"), stateMachine)}},
	"TextractDetectAnalyzePolicy": {nil, []ptStatement{st(a("textract:DetectDocumentText", "textract:StartDocumentTextDetection",
		"textract:StartDocumentAnalysis", "textract:AnalyzeDocument"), "*")}},
	"TextractGetResultPolicy": {nil, []ptStatement{st(a("textract:GetDocumentTextDetection", "textract:GetDocumentAnalysis"), "*")}},
	"TextractPolicy":          {nil, []ptStatement{st(a("textract:*"), "*")}},
	"VPCAccessPolicy": {nil, []ptStatement{st(a("ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
		"ec2:DescribeNetworkInterfaces", "ec2:DetachNetworkInterface"), "*")}},
}

// PolicyTemplateNames returns the names of the SAM policy templates the
// loader expands, sorted.
func PolicyTemplateNames() []string {
	names := make([]string, 0, len(policyTemplates))
	for n := range policyTemplates {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var arnMacros = strings.NewReplacer("{arn}", "arn:${AWS::Partition}", "{ra}", "${AWS::Region}:${AWS::AccountId}")

// policyTemplate expands the SAM policy template name with its parameter
// map args into a PolicyDoc. An unknown template yields a PolicyDoc whose
// document is unknown (it grants unknown permissions) and a warning.
func (x *translator) policyTemplate(name string, pos model.Pos, args *model.Value) *model.PolicyDoc {
	pd := &model.PolicyDoc{Name: name, Pos: pos, Source: model.PolicySAMTemplate}
	tpl, ok := policyTemplates[name]
	if !ok {
		x.t.Warnf(pos, "unknown SAM policy template %s: its permissions are unknown", name)
		return pd
	}
	if args.IsSet() && args.Kind != model.Map {
		if args.Kind == model.Symbolic {
			x.t.Warnf(args.Pos, "SAM policy template %s: parameters could not be resolved (%s)", name, args.Source)
		} else {
			x.t.Errorf(args.Pos, "SAM policy template %s: parameters must be a mapping, got %s", name, args.Kind)
		}
		return pd
	}
	vals := map[string]*model.Value{}
	for _, p := range tpl.params {
		v := args.Get(p)
		if !v.IsSet() {
			x.t.Errorf(args.PosOr(pos), "SAM policy template %s is missing parameter %s", name, p)
			v = model.NewSymbol("missing "+name+" parameter "+p, pos)
			v.Str = "${" + p + "}"
		}
		vals[p] = v
	}
	var stmts []*model.Value
	for _, s := range tpl.stmts {
		var res []*model.Value
		for _, r := range s.resources {
			res = append(res, expandARN(arnMacros.Replace(r), vals, pos, name))
		}
		stv := statement(pos, "Allow", s.actions, res...)
		if s.cond[0] != "" {
			cond := fields(pos, s.cond[0], fields(pos, s.cond[1], expandARN(arnMacros.Replace(s.cond[2]), vals, pos, name)))
			stv.Fields = append(stv.Fields, model.Field{Key: "Condition", KeyPos: pos, Value: cond})
		}
		stmts = append(stmts, stv)
	}
	pd.Document = policyDoc(pos, stmts...)
	return pd
}

// expandARN substitutes the template's parameters into an ARN template.
// Resolved parameters become text; unresolved ones keep their ${…} form and
// refs (so that IAM maps table/${OrdersTable} back to the table); pseudo
// parameters stay ${AWS::…} placeholders.
func expandARN(tmpl string, vals map[string]*model.Value, pos model.Pos, name string) *model.Value {
	if tmpl == "*" {
		return model.NewString("*", pos)
	}
	var b strings.Builder
	var refs, srcs []string
	unresolved := false
	s := tmpl
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		key := s[i+2 : i+j]
		s = s[i+j+1:]
		v, ok := vals[key]
		if !ok {
			b.WriteString("${" + key + "}")
			unresolved = true
			continue
		}
		if v.Kind == model.List {
			b.WriteString(strings.Join(v.AsStrings(), ","))
		} else {
			b.WriteString(v.String())
		}
		if v.Unresolved {
			unresolved = true
			if v.Source != "" {
				srcs = append(srcs, v.Source)
			}
		}
		refs = append(refs, v.AllRefs()...)
	}
	out := model.NewString(b.String(), pos)
	out.Refs = model.SortedUnique(refs)
	if unresolved {
		out.Unresolved = true
		out.Source = "SAM policy template " + name
		if len(srcs) > 0 {
			out.Source += ": " + strings.Join(model.SortedUnique(srcs), ", ")
		}
	}
	return out
}
