package serverless

import (
	"strconv"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/load/aws"
	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// permission records the Lambda permission (a resource policy on the
// function) that the framework generates for an event source, under the
// framework's logical ID. sourceArn and sourceAccount scope it to the
// event's source.
func (b *builder) permission(id, fnKey, principal string, pos model.Pos, sourceArn, sourceAccount, urlAuth *model.Value) {
	b.permissionFor(id, fnKey, pos, aws.Permission{Principal: model.NewString(principal, pos), SourceArn: sourceArn, SourceAccount: sourceAccount, URLAuth: urlAuth})
}

// permissionFor records p (its Resource set to the function's ARN) under
// id, once.
func (b *builder) permissionFor(id, fnKey string, pos model.Pos, p aws.Permission) {
	for _, rp := range b.st.ResourcePolicies {
		if rp.ID == id {
			return
		}
	}
	fnArn := model.NewSymbol("!GetAtt "+LogicalID(fnKey)+".Arn", pos, fnKey)
	fnArn.Str = "${" + fnKey + ".Arn}"
	p.Resource = fnArn
	rp := &model.ResourcePolicy{
		ID: id, Pos: pos, Kind: model.RPLambdaPermission, Targets: []string{fnKey}, TargetValues: []*model.Value{fnArn},
		Doc: cfn.PolicyDocument(id, model.PolicyGenerated, p.Doc(pos)),
	}
	b.genPolicies[rp] = true
	b.st.ResourcePolicies = append(b.st.ResourcePolicies, rp)
}

// template builds a partly symbolic string: parts are literal text or
// ${Name} placeholders for the IDs in refs and the pseudo parameters.
func template(pos model.Pos, text string, refs ...string) *model.Value {
	v := model.NewString(text, pos)
	if strings.Contains(text, "${") {
		v.Unresolved = true
		var srcs []string
		for _, sg := range split(text) {
			if sg.expr != "" {
				srcs = append(srcs, sg.expr)
			}
		}
		v.Source = strings.Join(model.SortedUnique(srcs), ", ")
		v.Refs = model.SortedUnique(refs)
	}
	return v
}

// accountID is the deploying account, known only at deploy time.
func accountID(pos model.Pos) *model.Value {
	v := model.NewSymbol("AWS::AccountId", pos)
	return v
}

// executeAPIArn is the execute-api ARN of one of the service's APIs.
func (b *builder) executeAPIArn(pos model.Pos, apiID, suffix string) *model.Value {
	return template(pos, "arn:aws:execute-api:"+b.region.String()+":${AWS::AccountId}:${"+apiID+"}"+suffix, apiID)
}

// eventPermission adds the permission for one event, as the framework
// does; event sources polled by Lambda (sqs, stream, msk, kafka, mq) use
// the execution role instead and get none.
func (b *builder) eventPermission(e *event, tr *model.Trigger) {
	n := NormalizeName(e.af.key)
	idx := strconv.Itoa(e.idx + 1)
	pos := e.pos
	switch e.typ {
	case "s3":
		bucket := tr.SourceValue
		if !bucket.IsSet() {
			return
		}
		arn := template(pos, "arn:aws:s3:::"+bucket.String())
		if bucket.Unresolved || bucket.Kind == model.Symbolic {
			arn = bucket
		}
		b.permission(n+"LambdaPermission"+normalizeAlnum(bucket.String())+"S3", e.af.key, "s3.amazonaws.com", pos, arn, accountID(pos), nil)
	case "sns":
		src := tr.SourceValue
		if tr.Source != "" && b.generated[tr.Source] {
			src = template(pos, "arn:aws:sns:"+b.region.String()+":${AWS::AccountId}:"+src.String(), tr.Source)
		}
		b.permission(n+"LambdaPermission"+normalizeAlnum(lastSegment(tr.SourceValue.String()))+"SNS", e.af.key, "sns.amazonaws.com", pos, src, nil, nil)
	case "schedule":
		b.permission(n+"LambdaPermissionEventsRuleSchedule"+idx, e.af.key, "events.amazonaws.com", pos, b.ruleArn(pos, n+"EventsRuleSchedule"+idx), nil, nil)
	case "eventBridge":
		b.permission(n+"EventBridgeLambdaPermission"+idx, e.af.key, "events.amazonaws.com", pos, b.ruleArn(pos, n+"EventBridgeRule"+idx), nil, nil)
	case "cloudwatchEvent":
		b.permission(n+"LambdaPermissionEventsRuleCloudWatchEvent"+idx, e.af.key, "events.amazonaws.com", pos, b.ruleArn(pos, n+"EventsRuleCloudWatchEvent"+idx), nil, nil)
	case "cloudwatchLog":
		b.permission(n+"LambdaPermissionLogsSubscriptionFilterCloudWatchLog", e.af.key, "logs.amazonaws.com", pos,
			template(pos, "arn:aws:logs:"+b.region.String()+":${AWS::AccountId}:log-group:*"), nil, nil)
	case "iot":
		// The framework names the topic rule it generates as the source.
		rule := n + "IotTopicRule" + idx
		b.permission(n+"LambdaPermissionIotTopicRule"+idx, e.af.key, "iot.amazonaws.com", pos,
			template(pos, "arn:aws:iot:"+b.region.String()+":${AWS::AccountId}:rule/${"+rule+"}", rule), nil, nil)
	case "cognitoUserPool":
		// A pool the framework creates is named as the source; for an
		// existing pool a custom resource adds the permission at deploy
		// time, out of sight.
		var src *model.Value
		if tr.Source != "" && b.generated[tr.Source] {
			src = b.ruleArn(pos, tr.Source)
		}
		b.permission(n+"LambdaPermissionCognitoUserPool"+normalizeAlnum(tr.SourceValue.String())+"TriggerSource"+strings.Join(tr.Events, ""), e.af.key, "cognito-idp.amazonaws.com", pos, src, nil, nil)
	case "alexaSkill":
		b.permissionFor(n+"LambdaPermissionAlexaSkill"+idx, e.af.key, pos, aws.Permission{Principal: model.NewString("alexa-appkit.amazon.com", pos), EventSourceToken: tr.SourceValue})
	case "alexaSmartHome":
		b.permissionFor(n+"LambdaPermissionAlexaSmartHome"+idx, e.af.key, pos, aws.Permission{Principal: model.NewString("alexa-connectedhome.amazon.com", pos), EventSourceToken: tr.SourceValue})
	}
}

// ruleArn is the ARN (Fn::GetAtt …Arn) of a resource the framework
// generates: an EventBridge rule, a Cognito user pool.
func (b *builder) ruleArn(pos model.Pos, ruleID string) *model.Value {
	v := model.NewSymbol("!GetAtt "+ruleID+".Arn", pos, ruleID)
	v.Str = "${" + ruleID + ".Arn}"
	return v
}
