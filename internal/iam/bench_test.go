package iam

import (
	"testing"
)

// realistic is a 20-statement policy of the kind serverless apps carry:
// logs, tables, buckets, queues, secrets, a deny guard and conditions.
const realistic = `{"Version":"2012-10-17","Statement":[
{"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/*"},
{"Sid":"XRay","Effect":"Allow","Action":["xray:PutTraceSegments","xray:PutTelemetryRecords"],"Resource":"*"},
{"Sid":"OrdersRead","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query","dynamodb:Scan","dynamodb:BatchGetItem"],"Resource":["arn:aws:dynamodb:us-east-1:111111111111:table/Orders","arn:aws:dynamodb:us-east-1:111111111111:table/Orders/index/*"]},
{"Sid":"OrdersWrite","Effect":"Allow","Action":["dynamodb:PutItem","dynamodb:UpdateItem","dynamodb:DeleteItem"],"Resource":"arn:aws:dynamodb:us-east-1:111111111111:table/Orders"},
{"Sid":"UsersRead","Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-east-1:111111111111:table/Users"},
{"Sid":"Stream","Effect":"Allow","Action":["dynamodb:DescribeStream","dynamodb:GetRecords","dynamodb:GetShardIterator","dynamodb:ListStreams"],"Resource":"arn:aws:dynamodb:us-east-1:111111111111:table/Orders/stream/*"},
{"Sid":"UploadsRead","Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":"arn:aws:s3:::uploads-111111111111/*"},
{"Sid":"ReportsWrite","Effect":"Allow","Action":["s3:PutObject","s3:PutObjectAcl"],"Resource":"arn:aws:s3:::reports-111111111111/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}},
{"Sid":"List","Effect":"Allow","Action":"s3:ListBucket","Resource":["arn:aws:s3:::uploads-111111111111","arn:aws:s3:::reports-111111111111"]},
{"Sid":"Queue","Effect":"Allow","Action":["sqs:SendMessage","sqs:GetQueueUrl"],"Resource":"arn:aws:sqs:us-east-1:111111111111:jobs"},
{"Sid":"DLQ","Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes"],"Resource":"arn:aws:sqs:us-east-1:111111111111:jobs-dlq"},
{"Sid":"Topic","Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:111111111111:order-events"},
{"Sid":"Bus","Effect":"Allow","Action":"events:PutEvents","Resource":"arn:aws:events:us-east-1:111111111111:event-bus/default"},
{"Sid":"Secret","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/orders/*"},
{"Sid":"Params","Effect":"Allow","Action":["ssm:GetParameter","ssm:GetParameters"],"Resource":"arn:aws:ssm:us-east-1:111111111111:parameter/orders/*"},
{"Sid":"Key","Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab","Condition":{"StringEquals":{"kms:ViaService":["s3.us-east-1.amazonaws.com","secretsmanager.us-east-1.amazonaws.com"]}}},
{"Sid":"Invoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111111111111:function:notifier*"},
{"Sid":"States","Effect":"Allow","Action":"states:StartExecution","Resource":"arn:aws:states:us-east-1:111111111111:stateMachine:fulfil"},
{"Sid":"Metrics","Effect":"Allow","Action":"cloudwatch:PutMetricData","Resource":"*","Condition":{"StringEquals":{"cloudwatch:namespace":"Orders"}}},
{"Sid":"DenyInsecure","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}
]}`

func benchRequests() []Request {
	reqs := []Request{
		{Principal: me, Action: "dynamodb:Query", Resource: "arn:aws:dynamodb:us-east-1:111111111111:table/Orders/index/byDate"},
		{Principal: me, Action: "s3:GetObject", Resource: "arn:aws:s3:::uploads-111111111111/2024/01/a.pdf"},
		{Principal: me, Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111111111111:jobs"},
		{Principal: me, Action: "dynamodb:DeleteTable", Resource: "arn:aws:dynamodb:us-east-1:111111111111:table/Orders"},
		{Principal: me, Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/orders/db-AbCdEf"},
		{Principal: me, Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/admin"},
	}
	for i := range reqs {
		reqs[i].Context.Set("aws:SecureTransport", "true")
		reqs[i].Context.Complete = true
	}
	return reqs
}

// BenchmarkEvaluate measures evaluations of a realistic 20-statement
// identity policy; evals/s is reported as a metric.
func BenchmarkEvaluate(b *testing.B) {
	p := mustParse(b, "realistic", realistic)
	if len(p.Statements) != 20 {
		b.Fatalf("policy has %d statements", len(p.Statements))
	}
	ps := &PolicySet{Identity: []*Policy{p}}
	reqs := benchRequests()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = ps.Evaluate(&reqs[i%len(reqs)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}

// BenchmarkEvaluateWithResourcePolicy adds a bucket policy and a boundary.
func BenchmarkEvaluateWithResourcePolicy(b *testing.B) {
	p := mustParse(b, "realistic", realistic)
	rp := mustParse(b, "bucket", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/fn"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::uploads-111111111111/*"}`)
	bound := mustParse(b, "boundary", `{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`)
	ps := &PolicySet{Identity: []*Policy{p}, Boundary: bound, Resource: []*Policy{rp}}
	reqs := benchRequests()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = ps.Evaluate(&reqs[i%len(reqs)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}
