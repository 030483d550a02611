package sam

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/load"
)

// generatedApp writes a SAM template of n functions, each with an API
// route on the implicit API, an SQS trigger, a policy template and a
// function URL.
func generatedApp(n int) []byte {
	var b strings.Builder
	b.WriteString("Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: python3.12\n    Environment:\n      Variables: {STAGE: dev}\nResources:\n  Table:\n    Type: AWS::DynamoDB::Table\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `  Queue%[1]d:
    Type: AWS::SQS::Queue
  Fn%[1]d:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.h%[1]d
      CodeUri: src/
      FunctionUrlConfig: {AuthType: AWS_IAM}
      Policies:
        - DynamoDBCrudPolicy: {TableName: !Ref Table}
      Events:
        Get:
          Type: Api
          Properties: {Path: /items/%[1]d, Method: get}
        Jobs:
          Type: SQS
          Properties: {Queue: !GetAtt Queue%[1]d.Arn}
`, i)
	}
	return []byte(b.String())
}

// BenchmarkLoadGenerated loads generated apps of growing size: the time
// per function must stay flat (no quadratic lookups).
func BenchmarkLoadGenerated(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 4000} {
		data := generatedApp(n)
		b.Run(fmt.Sprintf("functions=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := Load(context.Background(), load.Unit{Path: "gen.yaml", Files: []load.File{{Path: "gen.yaml", Data: data}}}, load.Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "functions/s")
		})
	}
}
