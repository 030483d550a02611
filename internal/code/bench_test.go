//go:build cgo

package code_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/scan"
)

// benchApp writes a generated SAM app of n functions to dir: a mix of
// Python (40%), JavaScript (35%) and TypeScript (25%) handlers of 50 to
// 2,000 lines each, all importing the same shared modules (a database
// layer, utilities, authentication), with helper functions that call each
// other, loops, try blocks, SDK calls and event data that reaches
// sanitised and unsanitised sinks. withCode false writes the template
// only: the infrastructure scan of the same app.
func benchApp(tb testing.TB, dir string, n int, withCode bool) {
	tb.Helper()
	var t strings.Builder
	t.WriteString(`AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 10
    Environment:
      Variables:
        TABLE_NAME: !Ref Orders
        BUCKET: !Ref Uploads
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
  Uploads:
    Type: AWS::S3::Bucket
`)
	write := func(p, s string) {
		if !withCode {
			return
		}
		p = filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	write("py/common/__init__.py", "")
	write("py/common/db.py", pyShared("db", 320))
	write("py/common/util.py", pyShared("util", 240))
	write("py/common/auth.py", pyShared("auth", 160))
	write("js/lib/db.js", jsShared("db", 320, false))
	write("js/lib/util.js", jsShared("util", 240, false))
	write("ts/src/lib/db.ts", jsShared("db", 320, true))
	write("ts/src/lib/util.ts", jsShared("util", 240, true))
	for i := 0; i < n; i++ {
		lines := 50 + (i*7919)%1951 // 50 … 2,000 lines, spread evenly
		var codeURI, handler, runtime string
		switch i % 20 {
		case 0, 1, 2, 3, 4, 5, 6, 7:
			codeURI, handler, runtime = "py/", fmt.Sprintf("handlers.h%d.handler", i), "python3.12"
			write(fmt.Sprintf("py/handlers/h%d.py", i), pyHandler(i, lines))
		case 8, 9, 10, 11, 12, 13, 14:
			codeURI, handler, runtime = "js/", fmt.Sprintf("handlers/h%d.handler", i), "nodejs20.x"
			write(fmt.Sprintf("js/handlers/h%d.js", i), jsHandler(i, lines, false))
		default:
			codeURI, handler, runtime = "ts/", fmt.Sprintf("src/h%d.handler", i), "nodejs20.x"
			write(fmt.Sprintf("ts/src/h%d.ts", i), jsHandler(i, lines, true))
		}
		event := fmt.Sprintf(`        Api:
          Type: Api
          Properties: {Path: "/items%d/{id}", Method: post}
`, i)
		if i%4 == 3 {
			event = fmt.Sprintf(`        Queue:
          Type: SQS
          Properties: {Queue: !GetAtt Jobs%d.Arn}
`, i)
			fmt.Fprintf(&t, "  Jobs%d:\n    Type: AWS::SQS::Queue\n", i)
		}
		fmt.Fprintf(&t, `  Fn%d:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: %s
      Handler: %s
      Runtime: %s
      Policies:
        - DynamoDBCrudPolicy: {TableName: !Ref Orders}
        - S3ReadPolicy: {BucketName: !Ref Uploads}
      Events:
%s`, i, codeURI, handler, runtime, event)
	}
	p := filepath.Join(dir, "template.yaml")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(t.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// pyShared is a shared Python module of about lines lines: functions that
// call each other and the SDK.
func pyShared(name string, lines int) string {
	var b strings.Builder
	b.WriteString("import json\nimport os\nimport subprocess\nimport boto3\n\n")
	b.WriteString("dynamodb = boto3.resource('dynamodb')\ntable = dynamodb.Table(os.environ['TABLE_NAME'])\ns3 = boto3.client('s3')\n\n")
	for k := 0; k*20 < lines; k++ {
		fmt.Fprintf(&b, `
def %[1]s_%[2]d(item, key=None):
    record = dict(item)
    record["key"] = key
    for field in ("a", "b", "c"):
        if field in record:
            record[field] = str(record[field]).strip()
    try:
        table.put_item(Item=record)
        obj = s3.get_object(Bucket=os.environ["BUCKET"], Key=str(key))
        data = json.loads(obj["Body"].read())
    except Exception as err:
        print("failed", err)
        data = {}
    if key:
        out = %[1]s_%[3]d(data, key)
        record.update(out)
    subprocess.run(["ls", "-l", str(key)])
    return record

`, name, k, max(k-1, 0))
	}
	return b.String()
}

// pyHandler is a Python handler module of about lines lines.
func pyHandler(i, lines int) string {
	var b strings.Builder
	b.WriteString("import json\nimport os\nimport subprocess\nimport shlex\nimport boto3\nfrom common import db, util\nfrom common.auth import auth_0\n\n")
	b.WriteString("sqs = boto3.client('sqs')\nALLOWED = {'a', 'b'}\n\n")
	helpers := max(1, (lines-30)/24)
	for k := 0; k < helpers; k++ {
		fmt.Fprintf(&b, `
def step_%[1]d(event, body):
    name = event.get("queryStringParameters", {}).get("name", "")
    order = {"id": body.get("id"), "name": name}
    for line in body.get("lines", []):
        order["total"] = order.get("total", 0) + int(line.get("qty", 0))
        if line.get("sku") in ALLOWED:
            order["sku"] = line["sku"]
    try:
        db.db_%[3]d(order, name)
        util.util_%[4]d(order)
        subprocess.run("echo " + shlex.quote(name), shell=True)
    except Exception as err:
        return {"statusCode": 500, "body": str(err)}
    if name:
        order = step_%[2]d(event, order)
    sqs.send_message(QueueUrl=os.environ.get("QUEUE_URL"), MessageBody=json.dumps(order))
    auth_0(order, name)
    return order

`, k, max(k-1, 0), k%16, k%12)
	}
	fmt.Fprintf(&b, `
def handler(event, context):
    body = json.loads(event["body"] or "{}")
    result = {}
`)
	for k := 0; k < helpers; k += max(1, helpers/8) {
		fmt.Fprintf(&b, "    result.update(step_%d(event, body))\n", k)
	}
	fmt.Fprintf(&b, "    return {\"statusCode\": 200, \"body\": json.dumps(result)}\n")
	return b.String()
}

// jsShared is a shared JavaScript or TypeScript module.
func jsShared(name string, lines int, ts bool) string {
	var b strings.Builder
	typ := ""
	if ts {
		typ = ": any"
		b.WriteString("import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient, PutCommand, GetCommand } from '@aws-sdk/lib-dynamodb';\nimport { execFile } from 'child_process';\n\n")
	} else {
		b.WriteString("const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');\nconst { DynamoDBDocumentClient, PutCommand, GetCommand } = require('@aws-sdk/lib-dynamodb');\nconst { execFile } = require('child_process');\n\n")
	}
	b.WriteString("const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));\nconst TABLE = process.env.TABLE_NAME;\n\n")
	for k := 0; k*20 < lines; k++ {
		export := "export "
		if !ts {
			export = ""
		}
		fmt.Fprintf(&b, `%[5]sasync function %[1]s_%[2]d(item%[4]s, key%[4]s) {
  const record = { ...item, key };
  for (const field of ['a', 'b', 'c']) {
    if (record[field]) {
      record[field] = String(record[field]).trim();
    }
  }
  try {
    await doc.send(new PutCommand({ TableName: TABLE, Item: record }));
    const got = await doc.send(new GetCommand({ TableName: TABLE, Key: { id: key } }));
    Object.assign(record, got.Item || {});
  } catch (err) {
    console.error('failed', err);
  }
  if (key) {
    Object.assign(record, await %[1]s_%[3]d(record, key));
  }
  execFile('ls', ['-l', String(key)]);
  return record;
}

`, name, k, max(k-1, 0), typ, export)
		if !ts {
			fmt.Fprintf(&b, "module.exports.%[1]s_%[2]d = %[1]s_%[2]d;\n", name, k)
		}
	}
	return b.String()
}

// jsHandler is a JavaScript or TypeScript handler module.
func jsHandler(i, lines int, ts bool) string {
	var b strings.Builder
	typ := ""
	if ts {
		typ = ": any"
		b.WriteString("import * as db from './lib/db';\nimport * as util from './lib/util';\nimport { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';\nimport { exec } from 'child_process';\nimport path from 'path';\n\n")
	} else {
		b.WriteString("const db = require('../lib/db');\nconst util = require('../lib/util');\nconst { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');\nconst { exec } = require('child_process');\nconst path = require('path');\n\n")
	}
	b.WriteString("const sqs = new SQSClient({});\nconst ALLOWED = new Set(['a', 'b']);\n\n")
	helpers := max(1, (lines-30)/24)
	for k := 0; k < helpers; k++ {
		fmt.Fprintf(&b, `async function step_%[1]d(event%[5]s, body%[5]s) {
  const name = (event.queryStringParameters || {}).name || '';
  const order = { id: body.id, name, total: 0 };
  for (const line of body.lines || []) {
    order.total += Number(line.qty || 0);
    if (ALLOWED.has(line.sku)) {
      order.sku = line.sku;
    }
  }
  try {
    await db.db_%[3]d(order, name);
    await util.util_%[4]d(order, name);
    exec('cat ' + path.basename(name));
  } catch (err) {
    return { statusCode: 500, body: String(err) };
  }
  if (name) {
    Object.assign(order, await step_%[2]d(event, order));
  }
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: JSON.stringify(order) }));
  return order;
}

`, k, max(k-1, 0), k%16, k%12, typ)
	}
	if ts {
		fmt.Fprintf(&b, "export const handler = async (event%s) => {\n", typ)
	} else {
		b.WriteString("exports.handler = async (event) => {\n")
	}
	b.WriteString("  const body = JSON.parse(event.body || '{}');\n  const result = {};\n")
	for k := 0; k < helpers; k += max(1, helpers/8) {
		fmt.Fprintf(&b, "  Object.assign(result, await step_%d(event, body));\n", k)
	}
	b.WriteString("  return { statusCode: 200, body: JSON.stringify(result) };\n};\n")
	return b.String()
}

// BenchmarkGeneratedApp scans a generated app of n functions, once
// without handler code (the infrastructure scan) and once with it: the
// difference is what handler analysis costs.
func BenchmarkGeneratedApp(b *testing.B) {
	for _, n := range []int{100, 1000} {
		for _, withCode := range []bool{false, true} {
			name := fmt.Sprintf("functions=%d/infra", n)
			if withCode {
				name = fmt.Sprintf("functions=%d/with-code", n)
			}
			b.Run(name, func(b *testing.B) {
				dir := filepath.Join(b.TempDir(), "app")
				benchApp(b, dir, n, withCode)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					doc, err := scan.Run(context.Background(), scan.Options{Paths: []string{dir}, Loaders: scan.DefaultLoaders()})
					if err != nil {
						b.Fatal(err)
					}
					for _, in := range doc.Inputs {
						if in.Error != "" {
							b.Fatalf("%s: %s", in.Path, in.Error)
						}
					}
					if withCode {
						analysed := 0
						for _, st := range doc.App.Stacks {
							for _, f := range st.Functions {
								if f.Code != nil {
									analysed++
								}
							}
						}
						if analysed != n {
							b.Fatalf("%d of %d functions have their code analysed", analysed, n)
						}
					}
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "functions/s")
			})
		}
	}
}

func TestWriteBenchApp(t *testing.T) {
	dir := os.Getenv("NL_BENCH_APP")
	if dir == "" {
		t.Skip("set NL_BENCH_APP=DIR to write the generated benchmark app")
	}
	benchApp(t, dir, 1000, true)
}
