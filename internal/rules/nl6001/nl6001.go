// Package nl6001 is rule NL6001: Layer from another account.
//
// It reports Lambda layers referenced by ARN from an AWS account other than
// the stack's own: third-party code that runs with the function's
// permissions. A layer AWS publishes (Powertools, the Lambda Insights,
// AppConfig and Parameters and Secrets extensions, the OpenTelemetry
// distribution), known by its name and publishing account, is info.
package nl6001

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL6001.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL6001",
		Title:      "Layer from another account",
		Category:   rule.Dependency,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceMedium,
		Platforms:  []model.Provider{model.AWS},
		Adjust: []rule.Adjustment{
			{Severity: rule.Info, When: "when the layer is one AWS publishes, by its name and publishing account (Powertools for AWS Lambda, the Lambda Insights, AppConfig and Parameters and Secrets extensions, AWS Distro for OpenTelemetry, the Lambda Web Adapter)"},
		},
		Doc: rule.Doc{
			Description: "A layer's code runs inside the function with its permissions and secrets. A layer published by another account can change with each version its owner publishes, and you cannot see what it contains from the template. Layers from well-known publishers still deserve a pinned version and a review.",
			Bad: `Layers:
  - arn:aws:lambda:us-east-1:111122223333:layer:handy-utils:3`,
			Good: `Layers:
  - !Ref UtilsLayer        # built from source in this repository`,
			Remediation: "Build the layer from reviewed source in your own account (or vendor the dependency), or pin and review the third-party layer version.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, fn := range p.Stack.Functions {
		for _, l := range fn.Layers {
			// The region and partition may be symbols, the account must
			// be written out.
			parts := iam.SplitARN(l.String())
			if len(parts) < 6 || parts[0] != "arn" || !iam.IsAccountID(parts[4]) {
				continue
			}
			name, ok := strings.CutPrefix(parts[5], "layer:")
			layer, _, _ := strings.Cut(name, ":")
			if !ok || layer == "" || strings.Contains(layer, "${") {
				continue
			}
			f := rule.Finding{Resource: fn.ID,
				Message: fmt.Sprintf("function %s loads layer %s from account %s: code you do not build runs with the function's permissions", fn.ID, name, parts[4])}
			f.At(l.PosOr(fn.Pos))
			if what := publishedByAWS(parts[4], layer); what != "" {
				f.Severity = rule.Info
				f.Message += fmt.Sprintf(" (severity lowered from %s: AWS publishes it from that account as %s; keep the version pinned and review its release notes before moving)", p.Rule.Severity, what)
			}
			p.Report(f)
		}
	}
	return nil
}

// awsLayers are layers AWS publishes: the publishing account and the
// prefix of the layer's name, as AWS's documentation and its own
// serverless-patterns templates give them. Several extensions are
// published from one account per region; those not listed stay medium.
var awsLayers = []struct{ account, prefix, what string }{
	{"017000801446", "AWSLambdaPowertoolsPython", "Powertools for AWS Lambda (Python)"},
	{"094274105915", "AWSLambdaPowertoolsTypeScript", "Powertools for AWS Lambda (TypeScript)"},
	{"580247275435", "LambdaInsightsExtension", "the CloudWatch Lambda Insights extension"},
	{"177933569100", "AWS-Parameters-and-Secrets-Lambda-Extension", "the AWS Parameters and Secrets Lambda Extension"},
	{"027255383542", "AWS-AppConfig-Extension", "the AWS AppConfig Lambda extension"},
	{"066940009817", "AWS-AppConfig-Extension", "the AWS AppConfig Lambda extension"},
	{"901920570463", "aws-otel-", "AWS Distro for OpenTelemetry"},
	{"753240598075", "LambdaAdapterLayer", "the AWS Lambda Web Adapter (AWS Labs)"},
}

// publishedByAWS names what AWS publishes as layer name from account, or
// "" when AWS does not publish it there.
func publishedByAWS(account, name string) string {
	for _, l := range awsLayers {
		if account == l.account && strings.HasPrefix(name, l.prefix) {
			return l.what
		}
	}
	return ""
}
