package iam

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// fitStack is a stack with one function whose role allows actions on one
// resource, beside a bucket, a Firehose stream and a Glue job.
func fitStack(t *testing.T, actions, resource string) *model.Stack {
	t.Helper()
	doc := value(t, "template.yaml", fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":%s,"Resource":%q}]}`, actions, resource))
	return &model.Stack{
		ID: "template.yaml", File: "template.yaml",
		Resources: []*model.Resource{
			{ID: "Bucket", Type: "AWS::S3::Bucket"},
			{ID: "DeliveryStream", Type: "AWS::KinesisFirehose::DeliveryStream"},
		},
		Stores:    []*model.Store{{ID: "Bucket", Kind: model.StoreBucket, Type: "AWS::S3::Bucket"}},
		Functions: []*model.Function{{ID: "Fn", Role: "Role"}},
		Roles:     []*model.Role{{ID: "Role", Policies: []*model.PolicyDoc{{Name: "inline", Source: model.PolicyInline, Document: doc}}}},
	}
}

// TestResourceTypeFit checks that an action counts only on a resource of a
// type it accepts (issue 15, item 3: the corpus cases in miniature).
func TestResourceTypeFit(t *testing.T) {
	tests := []struct {
		name     string
		actions  string
		resource string
		want     []string // granted actions (sorted), or escalation path IDs with "esc:"
	}{
		{"secret read on an MQ ARN grants nothing", `"secretsmanager:GetSecretValue"`, "arn:aws:mq:${AWS::Region}:${AWS::AccountId}::*/*", nil},
		{"secret read on an EC2 ARN grants nothing", `"secretsmanager:GetSecretValue"`, "arn:aws:ec2:${AWS::Region}:${AWS::AccountId}:*/*", nil},
		{"secret read on a secret pattern", `"secretsmanager:GetSecretValue"`, "arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:*/*", []string{"secretsmanager:GetSecretValue"}},
		{"metric data takes no ARN", `"cloudwatch:PutMetricData"`, "arn:aws:logs:*:*:*", nil},
		{"metric data on *", `"cloudwatch:PutMetricData"`, "*", []string{"cloudwatch:PutMetricData"}},
		{"cloudwatch on a Firehose stream grants nothing", `["cloudwatch:*","logs:*"]`, "${DeliveryStream.Arn}", nil},
		{"object ACL on the bucket ARN grants nothing", `"s3:PutObjectAcl"`, "${Bucket.Arn}", nil},
		{"object ACL on the objects", `"s3:PutObjectAcl"`, "${Bucket.Arn}/*", []string{"s3:PutObjectAcl"}},
		{"bucket-name symbol does not absorb /", `["s3:GetObject","s3:ListBucket"]`, "arn:aws:s3:::${BucketName}", []string{"s3:ListBucket"}},
		{"bucket listing on the S3 service ARN", `"s3:ListAllMyBuckets"`, "arn:aws:s3:::*", []string{"s3:ListAllMyBuckets"}},
		{"bucket listing on any partition's S3 ARN", `"s3:ListAllMyBuckets"`, "arn:*:s3:::*", []string{"s3:ListAllMyBuckets"}},
		{"bucket listing on *", `"s3:ListAllMyBuckets"`, "*", []string{"s3:ListAllMyBuckets"}},
		{"bucket listing on one bucket grants nothing", `"s3:ListAllMyBuckets"`, "arn:aws:s3:::my-bucket", nil},
		{"bucket listing on objects grants nothing", `"s3:ListAllMyBuckets"`, "arn:aws:s3:::*/*", nil},
		{"bucket listing on a DynamoDB ARN grants nothing", `"s3:ListAllMyBuckets"`, "arn:aws:dynamodb:*:*:*", nil},
		{"unknown symbol stays possible", `"s3:GetObject"`, "${SomeParameter}", []string{"s3:GetObject"}},
		{"glue dev endpoint on a job is no escalation", `["glue:UpdateDevEndpoint"]`, "arn:aws:glue:${AWS::Region}:${AWS::AccountId}:job/${pGlueJobName}", nil},
		{"glue dev endpoint on every endpoint", `["glue:UpdateDevEndpoint"]`, "arn:aws:glue:*:*:devEndpoint/*", []string{"esc:glue-update-dev-endpoint", "glue:UpdateDevEndpoint"}},
	}
	a := NewAnalyzer()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			an, err := a.Analyze(context.Background(), fitStack(t, tc.actions, tc.resource))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			e := an.Function("Fn")
			for _, g := range e.Grants {
				got = append(got, g.Action)
			}
			for _, esc := range e.Escalations {
				got = append(got, "esc:"+esc.Path.ID)
			}
			if strings.Join(got, ",") != strings.Join(sorted(tc.want), ",") && strings.Join(sorted(got), ",") != strings.Join(sorted(tc.want), ",") {
				t.Errorf("grants on %s = %v, want %v", tc.resource, got, tc.want)
			}
		})
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
