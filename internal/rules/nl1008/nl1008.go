// Package nl1008 is rule NL1008: Service permission open to a confused deputy.
//
// It reports Lambda permissions for AWS service principals (S3, SNS,
// EventBridge, …) without SourceArn or SourceAccount, which let the same
// service acting for another account invoke the function.
package nl1008

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1008.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL1008",
		Title:      "Service permission open to a confused deputy",
		Category:   rule.AttackSurface,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A Lambda permission for a service principal such as s3.amazonaws.com without a SourceArn or SourceAccount lets that service invoke the function on behalf of any account: someone else's bucket notification can trigger your function (the \"confused deputy\" problem). S3 bucket ARNs carry no account ID, so S3 permissions need SourceAccount too. Elastic Load Balancing is not reported: a target group can only target functions of its own account and Region.",
			Bad: `Permission:
  Type: AWS::Lambda::Permission
  Properties:
    Action: lambda:InvokeFunction
    Principal: s3.amazonaws.com`,
			Good: `Permission:
  Type: AWS::Lambda::Permission
  Properties:
    Action: lambda:InvokeFunction
    Principal: s3.amazonaws.com
    SourceArn: !GetAtt Uploads.Arn
    SourceAccount: !Ref AWS::AccountId`,
			Remediation: "Add SourceArn (the bucket, topic, rule or API that should invoke the function) and, for S3, SourceAccount; for Alexa, EventSourceToken with the skill ID.",
		},
		Run: run,
	}
}

// ownAccountOnly are the service principals that can invoke a function
// only for a resource of the function's own account, so that no other
// account can make them a deputy: a load balancer's target group must be
// in the same account and Region as the Lambda function it targets
// (Elastic Load Balancing, "Use Lambda functions as targets", Limits).
var ownAccountOnly = map[string]bool{"elasticloadbalancing.amazonaws.com": true}

func run(ctx context.Context, p *rule.Pass) error {
	for _, rp := range p.Stack.ResourcePolicies {
		if rp.Kind != model.RPLambdaPermission {
			continue
		}
		for _, s := range kit.Statements(rp.Doc) {
			svc := kit.ServicePrincipal(s)
			if s.Effect != iam.Allow || svc == "" || kit.Restricted(s) || ownAccountOnly[svc] {
				continue
			}
			fn := strings.Join(rp.Targets, ", ")
			if fn == "" {
				fn = rp.ID
			}
			pos := kit.PolicyPos(s, rp.Doc)
			msg := fmt.Sprintf("permission %s lets %s invoke %s on behalf of any account: add SourceArn or SourceAccount so only your own resource can trigger it", rp.ID, svc, fn)
			if strings.HasPrefix(svc, "alexa-") {
				// Alexa names the calling skill in EventSourceToken.
				msg = fmt.Sprintf("permission %s lets any Alexa skill (%s) invoke %s: set EventSourceToken (serverless.yml: appId) to your skill ID so only your skill can trigger it", rp.ID, svc, fn)
			}
			p.Report(rule.Finding{Resource: rp.ID, File: pos.File, Line: pos.Line, Message: msg})
		}
	}
	return nil
}
