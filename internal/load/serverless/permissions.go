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
// event's source; extra adds StringEquals conditions.
func (b *builder) permission(id, fnKey, principal string, pos model.Pos, sourceArn, sourceAccount, urlAuth *model.Value, extra ...model.Field) {
	for _, p := range b.st.ResourcePolicies {
		if p.ID == id {
			return
		}
	}
	fnArn := model.NewSymbol("!GetAtt "+LogicalID(fnKey)+".Arn", pos, fnKey)
	fnArn.Str = "${" + fnKey + ".Arn}"
	pr := model.NewString(principal, pos)
	doc := aws.PermissionDoc(pos, pr, nil, fnArn, sourceArn, sourceAccount, nil, urlAuth)
	st := doc.Get("Statement").Items[0]
	if principal != "*" && !strings.HasSuffix(principal, ".amazonaws.com") {
		// Service principals outside amazonaws.com (alexa-appkit.amazon.com).
		for i := range st.Fields {
			if st.Fields[i].Key == "Principal" {
				st.Fields[i].Value = model.NewMap([]model.Field{{Key: "Service", KeyPos: pos, Value: pr}}, pos)
			}
		}
	}
	if len(extra) > 0 {
		cond := st.Get("Condition")
		if cond == nil {
			cond = model.NewMap(nil, pos)
			st.Fields = append(st.Fields, model.Field{Key: "Condition", KeyPos: pos, Value: cond})
		}
		eq := cond.Get("StringEquals")
		if eq == nil {
			eq = model.NewMap(nil, pos)
			cond.Fields = append(cond.Fields, model.Field{Key: "StringEquals", KeyPos: pos, Value: eq})
		}
		eq.Fields = append(eq.Fields, extra...)
	}
	rp := &model.ResourcePolicy{
		ID: id, Pos: pos, Kind: model.RPLambdaPermission, Targets: []string{fnKey}, TargetValues: []*model.Value{fnArn},
		Doc: cfn.PolicyDocument(id, model.PolicyGenerated, doc),
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
		b.permission(n+"LambdaPermissionIotTopicRule"+idx, e.af.key, "iot.amazonaws.com", pos, nil, nil, nil)
	case "cognitoUserPool":
		b.permission(n+"LambdaPermissionCognitoUserPool"+normalizeAlnum(tr.SourceValue.String())+"TriggerSource"+strings.Join(tr.Events, ""), e.af.key, "cognito-idp.amazonaws.com", pos, nil, nil, nil)
	case "alexaSkill", "alexaSmartHome":
		var extra []model.Field
		if tr.SourceValue.IsSet() {
			extra = append(extra, model.Field{Key: "lambda:EventSourceToken", KeyPos: pos, Value: tr.SourceValue})
		}
		b.permission(n+"LambdaPermissionAlexaSkill"+idx, e.af.key, "alexa-appkit.amazon.com", pos, nil, nil, nil, extra...)
	}
}

// ruleArn is the ARN of an EventBridge rule the framework generates.
func (b *builder) ruleArn(pos model.Pos, ruleID string) *model.Value {
	v := model.NewSymbol("!GetAtt "+ruleID+".Arn", pos, ruleID)
	v.Str = "${" + ruleID + ".Arn}"
	return v
}
