package code

import (
	"strings"
	"sync"
	"unicode"

	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// boto3Services maps boto3 service names that differ from their IAM
// prefix.
var boto3Services = map[string]string{
	"stepfunctions": "states", "cognito-idp": "cognito-idp", "secretsmanager": "secretsmanager", "ssm": "ssm",
	"events": "events", "logs": "logs", "sesv2": "ses", "apigatewaymanagementapi": "execute-api", "dynamodbstreams": "dynamodb",
	"s3control": "s3", "elbv2": "elasticloadbalancing", "iot-data": "iot", "kinesisanalyticsv2": "kinesisanalytics",
}

// jsV2Services maps AWS SDK for JavaScript v2 class names to IAM prefixes.
var jsV2Services = map[string]string{
	"S3": "s3", "DynamoDB": "dynamodb", "SQS": "sqs", "SNS": "sns", "SecretsManager": "secretsmanager", "SSM": "ssm",
	"Lambda": "lambda", "StepFunctions": "states", "EventBridge": "events", "CloudWatchEvents": "events", "Kinesis": "kinesis",
	"CognitoIdentityServiceProvider": "cognito-idp", "SES": "ses", "KMS": "kms", "STS": "sts", "CloudWatchLogs": "logs",
	"CloudWatch": "cloudwatch", "Firehose": "firehose", "IAM": "iam", "Athena": "athena", "Rekognition": "rekognition",
	"Textract": "textract", "Comprehend": "comprehend", "Translate": "translate", "Polly": "polly", "AppSync": "appsync",
	"ApiGatewayManagementApi": "execute-api", "EC2": "ec2", "ECS": "ecs", "RDSDataService": "rds-data", "DynamoDBStreams": "dynamodb",
}

// jsV3Packages maps @aws-sdk/client-* package suffixes that differ from
// their IAM prefix.
var jsV3Packages = map[string]string{
	"secrets-manager": "secretsmanager", "sfn": "states", "eventbridge": "events", "cloudwatch-events": "events",
	"cognito-identity-provider": "cognito-idp", "sesv2": "ses", "cloudwatch-logs": "logs", "apigatewaymanagementapi": "execute-api",
	"firehose": "firehose", "rds-data": "rds-data", "dynamodb-streams": "dynamodb",
}

// docOps maps DynamoDB document-client operations to the DynamoDB API.
var docOps = map[string]string{
	"put": "PutItem", "get": "GetItem", "update": "UpdateItem", "delete": "DeleteItem", "query": "Query", "scan": "Scan",
	"batchWrite": "BatchWriteItem", "batchGet": "BatchGetItem", "transactWrite": "TransactWriteItems", "transactGet": "TransactGetItems",
	"Put": "PutItem", "Get": "GetItem", "Update": "UpdateItem", "Delete": "DeleteItem", "Query": "Query", "Scan": "Scan",
	"BatchWrite": "BatchWriteItem", "BatchGet": "BatchGetItem", "TransactWrite": "TransactWriteItems", "TransactGet": "TransactGetItems",
}

// boto3 operations whose IAM action is named differently.
var pyOps = map[string]string{
	"s3.upload_file": "PutObject", "s3.upload_fileobj": "PutObject", "s3.download_file": "GetObject", "s3.download_fileobj": "GetObject",
	"s3.list_objects_v2": "ListBucket", "s3.list_objects": "ListBucket", "s3.head_object": "GetObject", "s3.head_bucket": "ListBucket",
	"s3.delete_objects": "DeleteObject", "s3.copy_object": "PutObject", "s3.copy": "PutObject", "s3.list_object_versions": "ListBucketVersions",
	"s3.get_object_acl": "GetObjectAcl", "s3.put_object_acl": "PutObjectAcl",
	"table.batch_writer": "BatchWriteItem", "dynamodb.batch_writer": "BatchWriteItem",
	"lambda.invoke": "InvokeFunction", "lambda.invoke_async": "InvokeFunction", "sqs.receive_message": "ReceiveMessage",
	"ssm.get_parameter": "GetParameter", "ssm.get_parameters_by_path": "GetParametersByPath",
}

// jsOps maps JS operations whose IAM action is named differently.
var jsOps = map[string]string{
	"s3.ListObjectsV2": "ListBucket", "s3.ListObjects": "ListBucket", "s3.HeadObject": "GetObject", "s3.HeadBucket": "ListBucket",
	"s3.DeleteObjects": "DeleteObject", "s3.CopyObject": "PutObject", "s3.Upload": "PutObject", "lambda.Invoke": "InvokeFunction",
	"lambda.InvokeAsync": "InvokeFunction", "s3.ListObjectVersions": "ListBucketVersions",
}

// resourceParams are the parameters that name the resource an operation
// acts on.
var resourceParams = []string{"TableName", "Bucket", "QueueUrl", "TopicArn", "TargetArn", "SecretId", "Name", "FunctionName",
	"StateMachineArn", "StreamName", "EventBusName", "KeyId", "DeliveryStreamName", "UserPoolId", "LogGroupName"}

// pascal turns put_item or putItem into PutItem.
func pascal(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if r == '_' {
			up = true
			continue
		}
		if up {
			b.WriteRune(unicode.ToUpper(r))
			up = false
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var (
	catOnce sync.Once
	cat     *catalog.Catalog
)

func actionCatalog() *catalog.Catalog {
	catOnce.Do(func() { cat = catalog.New() })
	return cat
}

// knownAction reports whether service:op is an IAM action (true when the
// catalog cannot be read: better to keep the call than lose it).
func knownAction(service, op string) bool {
	c := actionCatalog()
	if c.Err() != nil {
		return true
	}
	return c.Lookup(service+":"+op) != nil
}

// boto3Resource reports whether an SDK handle of kind is a boto3 resource
// (boto3.resource, or a Table, Bucket, Queue, Topic or Object of one).
func boto3Resource(kind string) bool {
	switch kind {
	case "resource", "table", "bucket", "queue", "topic", "object":
		return true
	}
	return false
}

// sdk handles calls that create SDK clients or call their operations.
func (a *analysis) sdk(fi *fileInfo, n *node, q, method string, recv val, ar args) (val, bool) {
	if recv.client != nil && recv.client.kind == "txitems" {
		// items.push(…), items.append(…): the list literal no longer says
		// all the transaction does.
		a.rec.partial = true
		return val{}, true
	}
	py := fi.lang == model.FormatPython
	if py {
		switch q {
		case "boto3.client", "boto3.resource", "boto3.session.Session.client", "boto3.Session.client":
			svc := ""
			if n := ar.node(0); n != nil && n.typ() == "string" {
				svc = unquoteAll(fi.text(n))
			} else if v, ok := ar.kwVal("service_name"); ok && v.isStr {
				svc = v.str
			}
			if svc == "" {
				return val{}, true
			}
			if m, ok := boto3Services[svc]; ok {
				svc = m
			}
			kind := "client"
			if strings.HasSuffix(q, "resource") {
				kind = "resource"
			}
			return val{client: &sdkClient{service: svc, kind: kind}}, true
		}
		if recv.client == nil {
			return val{}, false
		}
		c := recv.client
		switch {
		case c.kind == "resource" && (method == "Table" || method == "Bucket" || method == "Queue" || method == "Topic" || method == "Object"):
			env := ar.at(0).env
			return val{client: &sdkClient{service: c.service, kind: strings.ToLower(method), env: env}}, true
		case c.kind == "bucket" && method == "Object":
			return val{client: &sdkClient{service: c.service, kind: "object", env: c.env}}, true
		case method == "get_paginator" || method == "get_waiter" || method == "generate_presigned_url" || method == "meta" ||
			strings.HasPrefix(method, "_") || method == "close":
			if method == "get_paginator" {
				if n := ar.node(0); n != nil && n.typ() == "string" {
					return val{client: &sdkClient{service: c.service, kind: "paginator", op: unquoteAll(fi.text(n))}}, true
				}
			}
			return val{}, true
		case c.kind == "paginator" && method == "paginate":
			a.recordCall(fi, n, c.service, pascal(c.op), a.envOf(fi, ar, c.env))
			return val{}, true
		}
		opName := method
		svcKey := c.service + "." + method
		if c.kind == "table" {
			svcKey = "table." + method
		}
		op := pyOps[svcKey]
		if op == "" {
			op = pyOps[c.service+"."+method]
		}
		switch c.kind {
		case "object":
			op = map[string]string{"get": "GetObject", "put": "PutObject", "delete": "DeleteObject", "upload_file": "PutObject",
				"download_file": "GetObject", "copy_from": "PutObject", "load": "GetObject"}[method]
		case "bucket":
			op = map[string]string{"put_object": "PutObject", "upload_file": "PutObject", "download_file": "GetObject",
				"delete_objects": "DeleteObject", "objects": "ListBucket", "copy": "PutObject"}[method]
		case "queue":
			op = map[string]string{"send_message": "SendMessage", "send_messages": "SendMessage", "receive_messages": "ReceiveMessage",
				"delete_messages": "DeleteMessage"}[method]
		case "topic":
			op = map[string]string{"publish": "Publish"}[method]
		}
		if op == "" {
			op = pascal(opName)
		}
		if c.service == "dynamodb" && isTxOp(op) && c.kind == "client" {
			v, _ := ar.kwVal("TransactItems")
			pf, items := txItems(fi, ar.kwNode("TransactItems"), v)
			a.recordTx(fi, n, op, pf, items)
			return val{}, true
		}
		if c.service == "dynamodb" && isPartiQLOp(op) && c.kind == "client" {
			items := a.partiqlItems(fi, op, ar.kwNode)
			a.recordTxItems(fi, n, op, items, items != nil)
			return val{}, true
		}
		if !knownAction(c.service, op) {
			return val{}, false
		}
		a.recordCall(fi, n, c.service, op, a.envOf(fi, ar, c.env))
		return val{}, true
	}
	// JavaScript / TypeScript.
	if recv.client != nil {
		c := recv.client
		switch method {
		case "send":
			cmd := ar.at(0).client
			switch {
			case cmd != nil && cmd.kind == "v3command" && cmd.service == "dynamodb" && isTxOp(cmd.op):
				a.recordTx(fi, n, cmd.op, cmd.pfile, cmd.params)
			case cmd != nil && cmd.kind == "v3command" && cmd.service == "dynamodb" && isPartiQLOp(cmd.op):
				a.recordPartiQL(fi, n, cmd.op, cmd.pfile, cmd.params)
			case cmd != nil && cmd.kind == "v3command":
				a.recordCall(fi, n, cmd.service, cmd.op, cmd.env)
			}
			return val{}, true
		case "promise", "then", "on", "createReadStream":
			return val{}, true
		case "from": // DynamoDBDocumentClient.from(client)
			return val{client: &sdkClient{service: "dynamodb", kind: "docclient"}}, true
		}
		if c.kind == "docclient" || c.kind == "client" {
			op := ""
			if c.kind == "docclient" {
				op = docOps[method]
			}
			if op == "" {
				op = pascal(method)
				if m := jsOps[c.service+"."+op]; m != "" {
					op = m
				}
			}
			if c.service == "dynamodb" && isTxOp(op) {
				pf, items := txItems(fi, ar.node(0), ar.at(0))
				a.recordTx(fi, n, op, pf, items)
				return val{client: &sdkClient{service: c.service, kind: "request"}}, true
			}
			if c.service == "dynamodb" && isPartiQLOp(op) {
				a.recordPartiQL(fi, n, op, fi, ar.node(0))
				return val{client: &sdkClient{service: c.service, kind: "request"}}, true
			}
			if !knownAction(c.service, op) {
				return val{}, false
			}
			env := ""
			if p := ar.node(0); p != nil && p.typ() == "object" {
				env = a.paramEnv(fi, p)
			} else {
				env = ar.at(0).env
			}
			a.recordCall(fi, n, c.service, op, env)
			return val{client: &sdkClient{service: c.service, kind: "request"}}, true
		}
		return val{}, true
	}
	// DynamoDBDocumentClient.from(new DynamoDBClient())
	if strings.HasSuffix(q, ".DynamoDBDocumentClient.from") || strings.HasSuffix(q, ".DynamoDBDocument.from") {
		return val{client: &sdkClient{service: "dynamodb", kind: "v3client"}}, true
	}
	return val{}, false
}

// sdkNew handles `new S3Client()`, `new AWS.S3()`, `new PutObjectCommand()`.
func (a *analysis) sdkNew(fi *fileInfo, n *node, q string, ar args) (val, bool) {
	if q == "" {
		return val{}, false
	}
	// v3: @aws-sdk/client-s3.S3Client / .PutObjectCommand; lib-dynamodb.
	if strings.HasPrefix(q, "@aws-sdk/") {
		pkg, member := q, ""
		if i := strings.LastIndex(q, "."); i > 0 {
			pkg, member = q[:i], q[i+1:]
		}
		svc := ""
		switch {
		case strings.HasPrefix(pkg, "@aws-sdk/client-"):
			svc = strings.TrimPrefix(pkg, "@aws-sdk/client-")
			if m, ok := jsV3Packages[svc]; ok {
				svc = m
			}
		case pkg == "@aws-sdk/lib-dynamodb":
			svc = "dynamodb"
		case pkg == "@aws-sdk/lib-storage" && member == "Upload":
			env := ""
			if p := ar.node(0); p != nil && p.typ() == "object" {
				if pp := dictField(fi, p, "params"); pp != nil && pp.typ() == "object" {
					env = a.paramEnv(fi, pp)
					a.publicACL(fi, n, dictField(fi, pp, "ACL"), "Upload")
				}
			}
			a.recordCall(fi, n, "s3", "PutObject", env)
			return val{}, true
		default:
			return val{}, false
		}
		switch {
		case strings.HasSuffix(member, "Command"):
			op := strings.TrimSuffix(member, "Command")
			if svc == "dynamodb" && isPartiQLOp(op) {
				// the statements are read when the command is sent
				return val{client: &sdkClient{service: svc, kind: "v3command", op: op, params: ar.node(0), pfile: fi}}, true
			}
			if pkg == "@aws-sdk/lib-dynamodb" {
				if m := docOps[op]; m != "" {
					op = m
				}
			}
			if m := jsOps[svc+"."+op]; m != "" {
				op = m
			}
			env := ""
			if p := ar.node(0); p != nil && p.typ() == "object" {
				env = a.paramEnv(fi, p)
				if svc == "s3" {
					a.publicACL(fi, n, dictField(fi, p, "ACL"), member)
				}
			} else {
				env = ar.at(0).env
			}
			cmd := &sdkClient{service: svc, kind: "v3command", op: op, env: env}
			if svc == "dynamodb" && isTxOp(op) {
				cmd.pfile, cmd.params = txItems(fi, ar.node(0), ar.at(0)) // read when the command is sent
			}
			return val{client: cmd}, true
		case strings.HasSuffix(member, "Client") || member == "DynamoDBDocument" || member == "":
			return val{client: &sdkClient{service: svc, kind: "v3client"}}, true
		}
		return val{}, false
	}
	// v2: aws-sdk.S3, aws-sdk.DynamoDB.DocumentClient, aws-sdk/clients/s3.
	if strings.HasPrefix(q, "aws-sdk.") || strings.HasPrefix(q, "aws-sdk/clients/") {
		rest := strings.TrimPrefix(strings.TrimPrefix(q, "aws-sdk."), "aws-sdk/clients/")
		if rest == "DynamoDB.DocumentClient" || strings.HasSuffix(rest, ".DocumentClient") {
			return val{client: &sdkClient{service: "dynamodb", kind: "docclient"}}, true
		}
		if svc, ok := jsV2Services[rest]; ok {
			return val{client: &sdkClient{service: svc, kind: "client"}}, true
		}
		if strings.HasPrefix(q, "aws-sdk/clients/") {
			if i := strings.Index(rest, "."); i > 0 && rest[i+1:] == "DocumentClient" {
				return val{client: &sdkClient{service: "dynamodb", kind: "docclient"}}, true
			}
			return val{client: &sdkClient{service: strings.ToLower(rest), kind: "client"}}, true
		}
	}
	return val{}, false
}

// paramEnv finds the environment variable naming the resource in a JS
// parameter object ({ TableName: process.env.TABLE_NAME }).
func (a *analysis) paramEnv(fi *fileInfo, obj *node) string {
	s := a.moduleScope(fi)
	for _, k := range resourceParams {
		v := objParam(fi, obj, k)
		if v == nil {
			continue
		}
		if x := a.eval(fi, v, &scope{vars: map[string]val{}, parent: s}, maxDepth); x.env != "" {
			return x.env
		}
	}
	return ""
}

// objParam returns the value of key in a parameter object literal, given
// as key: value or as a shorthand property ({ TableName }).
func objParam(fi *fileInfo, obj *node, key string) *node {
	if v := dictField(fi, obj, key); v != nil {
		return v
	}
	var v *node
	for p := range obj.eachNamed() {
		if p.typ() == "shorthand_property_identifier" && fi.text(p) == key {
			v = p
		}
	}
	return v
}

// envOf finds the environment variable naming the resource among boto3
// keyword arguments, or def.
func (a *analysis) envOf(fi *fileInfo, ar args, def string) string {
	for _, k := range resourceParams {
		if v, ok := ar.kwVal(k); ok && v.env != "" {
			return v.env
		}
	}
	return def
}

// recordCall records an SDK call with the environment variable that names
// its resource (linked to a store when the function's analysis ends).
func (a *analysis) recordCall(fi *fileInfo, n *node, service, op, env string) {
	a.recordSDKCall(fi, n, model.SDKCall{Service: service, Operation: op, Env: env})
}

// recordSDKCall records c made at n; its actions are Service:Operation
// unless c lists them.
func (a *analysis) recordSDKCall(fi *fileInfo, n *node, c model.SDKCall) {
	if c.Service == "" || c.Operation == "" {
		return
	}
	c.Pos = fi.pos(n)
	if len(c.Actions) == 0 {
		c.Actions = []string{c.Service + ":" + c.Operation}
	}
	a.rec.setCall(c.Pos.String()+"\x00"+c.Operation, c)
}
