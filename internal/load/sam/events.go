package sam

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/load/aws"
	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// event is one entry of a function's or state machine's Events.
type event struct {
	name  string
	typ   string
	pos   model.Pos
	props *model.Value
	// owner is the function or state machine the event invokes.
	owner string
	// fn is owner when it is a function, "" for a state machine.
	fn string
}

// id is the logical ID SAM gives the resource it generates for the event.
func (e *event) id() string { return e.owner + e.name }

// functionEvents translates a function's Events.
func (x *translator) functionEvents(r *cfn.RawResource) {
	role := x.implicitRole[r.ID]
	for _, f := range r.Properties.Get("Events").Entries() {
		e, ok := x.readEvent(r.ID, f)
		if !ok {
			continue
		}
		e.fn = r.ID
		x.functionEvent(e, role)
	}
}

func (x *translator) readEvent(owner string, f model.Field) (*event, bool) {
	d := f.Value
	if d == nil || d.Kind != model.Map {
		x.t.Errorf(f.KeyPos, "%s: event %s must be a mapping", owner, f.Key)
		return nil, false
	}
	typ := d.Get("Type")
	if kindOf(typ) != model.String || typ.Str == "" {
		x.t.Errorf(f.KeyPos, "%s: event %s has no Type", owner, f.Key)
		return nil, false
	}
	props := d.Get("Properties")
	if props.IsSet() && props.Kind != model.Map {
		x.t.Errorf(props.Pos, "%s: event %s: Properties must be a mapping, got %s", owner, f.Key, props.Kind)
		props = nil
	}
	return &event{name: f.Key, typ: typ.Str, pos: f.KeyPos, props: props, owner: owner}, true
}

// managedFor are the managed policies SAM adds to a function's implicit
// role for poll-based event sources.
var managedFor = map[string]string{
	"SQS":      "AWSLambdaSQSQueueExecutionRole",
	"Kinesis":  "AWSLambdaKinesisExecutionRole",
	"DynamoDB": "AWSLambdaDynamoDBExecutionRole",
	"MSK":      "AWSLambdaMSKExecutionRole",
}

func (x *translator) functionEvent(e *event, role *model.Role) {
	p := e.props
	switch e.typ {
	case "Api":
		x.apiEvent(e, model.APIRest)
	case "HttpApi":
		x.apiEvent(e, model.APIHTTP)
	case "S3":
		bucket := p.Get("Bucket")
		tr := x.trigger(e, model.TriggerS3, bucket)
		tr.Events = p.Get("Events").AsStrings()
		tr.Filter = p.Get("Filter")
		if tr.Source == "" {
			x.t.Warnf(bucket.PosOr(e.pos), "%s: S3 event %s must name a bucket declared in the template", e.owner, e.name)
		}
		x.permission(e.id()+"Permission", e.fn, "s3.amazonaws.com", e.pos, nil, model.NewSymbol("AWS::AccountId", e.pos))
	case "SQS":
		x.pollTrigger(e, model.TriggerSQS, p.Get("Queue"), role)
	case "Kinesis":
		x.pollTrigger(e, model.TriggerKinesis, p.Get("Stream"), role)
	case "DynamoDB":
		x.pollTrigger(e, model.TriggerDynamoDB, p.Get("Stream"), role)
	case "MSK":
		x.pollTrigger(e, model.TriggerKafka, p.Get("Stream"), role)
	case "MQ":
		tr := x.pollTrigger(e, model.TriggerMQ, p.Get("Broker"), role)
		tr.Filter = p.Get("Queues")
		if role != nil {
			x.sourceAccessPolicy(role, e, []string{"mq:DescribeBroker"}, p.Get("Broker"))
		}
	case "SelfManagedKafka":
		tr := x.pollTrigger(e, model.TriggerKafka, p.Get("KafkaBootstrapServers"), role)
		tr.Filter = p.Get("Topics")
		if role != nil {
			x.sourceAccessPolicy(role, e, nil, nil)
		}
	case "DocumentDB":
		x.pollTrigger(e, model.TriggerDocumentDB, p.Get("Cluster"), role)
		if role != nil {
			x.sourceAccessPolicy(role, e, []string{"rds:DescribeDBClusterParameters", "rds:DescribeDBClusterParameterGroups",
				"rds:DescribeDBSubnetGroups", "rds:DescribeDBClusters"}, p.Get("Cluster"))
		}
	case "SNS":
		topic := p.Get("Topic")
		if sq := p.Get("SqsSubscription"); sq.IsSet() {
			if b, ok := sq.AsBool(); !ok || b {
				x.snsViaQueue(e, topic, sq, role)
				break
			}
		}
		tr := x.trigger(e, model.TriggerSNS, topic)
		tr.Filter = p.Get("FilterPolicy")
		x.permission(e.id()+"Permission", e.fn, "sns.amazonaws.com", e.pos, topic, nil)
	case "Schedule":
		tr := x.trigger(e, model.TriggerSchedule, nil)
		tr.Schedule = p.Get("Schedule")
		tr.Enabled = p.Get("Enabled")
		if !tr.Enabled.IsSet() {
			tr.Enabled = p.Get("State")
		}
		x.addGenerated(e.id(), "AWS::Events::Rule", e.fn, e.pos, nil)
		x.permission(e.id()+"Permission", e.fn, "events.amazonaws.com", e.pos, getAtt(e.id(), "Arn", e.pos), nil)
		tr.OnFailure = p.Path("DeadLetterConfig", "Arn")
	case "ScheduleV2":
		tr := x.trigger(e, model.TriggerSchedule, nil)
		tr.Schedule = p.Get("ScheduleExpression")
		tr.Enabled = p.Get("State")
		tr.OnFailure = p.Path("DeadLetterConfig", "Arn")
		x.addGenerated(e.id(), "AWS::Scheduler::Schedule", e.fn, e.pos, nil)
	case "EventBridgeRule", "CloudWatchEvent":
		bus := p.Get("EventBusName")
		tr := x.trigger(e, model.TriggerEventBridge, bus)
		tr.Filter = p.Get("Pattern")
		tr.Enabled = p.Get("State")
		if !tr.Enabled.IsSet() {
			tr.Enabled = p.Get("Enabled")
		}
		tr.OnFailure = p.Path("DeadLetterConfig", "Arn")
		x.addGenerated(e.id(), "AWS::Events::Rule", e.fn, e.pos, nil)
		x.permission(e.id()+"Permission", e.fn, "events.amazonaws.com", e.pos, getAtt(e.id(), "Arn", e.pos), nil)
	case "CloudWatchLogs":
		lg := p.Get("LogGroupName")
		tr := x.trigger(e, model.TriggerCloudWatchLogs, lg)
		tr.Filter = p.Get("FilterPattern")
		x.addGenerated(e.id(), "AWS::Logs::SubscriptionFilter", e.fn, e.pos, nil)
		x.permission(e.id()+"Permission", e.fn, "logs.amazonaws.com", e.pos,
			str(e.pos, "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:", lg, ":*"), nil)
	case "Cognito":
		pool := p.Get("UserPool")
		tr := x.trigger(e, model.TriggerCognito, pool)
		tr.Events = p.Get("Trigger").AsStrings()
		var poolArn *model.Value
		if id := x.t.RefTo(pool); id != "" {
			poolArn = getAtt(id, "Arn", e.pos)
		}
		x.permission(e.id()+"Permission", e.fn, "cognito-idp.amazonaws.com", e.pos, poolArn, nil)
	case "IoTRule":
		tr := x.trigger(e, model.TriggerIoT, nil)
		tr.Filter = p.Get("Sql")
		x.addGenerated(e.id(), "AWS::IoT::TopicRule", e.fn, e.pos, nil)
		x.permission(e.id()+"Permission", e.fn, "iot.amazonaws.com", e.pos,
			str(e.pos, "arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:rule/${", e.id(), "}"), nil)
	case "AlexaSkill":
		tr := x.trigger(e, model.TriggerAlexa, p.Get("SkillId"))
		tr.Filter = p.Get("SkillId")
		x.permissionFor(e.id()+"Permission", e.fn, e.pos, aws.Permission{Principal: model.NewString("alexa-appkit.amazon.com", e.pos), EventSourceToken: p.Get("SkillId")})
	default:
		x.t.Warnf(e.pos, "%s: event %s has an unknown type %s", e.owner, e.name, e.typ)
	}
}

// snsViaQueue translates an SNS event with SqsSubscription: SAM subscribes
// a queue (its own <Fn><Event>Queue, or the one given) to the topic and
// polls it, so the function's trigger is that queue.
func (x *translator) snsViaQueue(e *event, topic, sq *model.Value, role *model.Role) {
	var queueArn *model.Value
	qid := ""
	if sq.Kind == model.Map && sq.Has("QueueArn") {
		queueArn = sq.Get("QueueArn")
		qid = x.t.RefTo(queueArn)
	} else {
		qid = e.id() + "Queue"
		queueArn = getAtt(qid, "Arn", sq.Pos)
		x.addGenerated(qid, "AWS::SQS::Queue", e.fn, sq.Pos, nil)
		x.st.Stores = append(x.st.Stores, &model.Store{ID: qid, Pos: sq.Pos, Kind: model.StoreQueue, Type: "AWS::SQS::Queue",
			Encryption: model.Encryption{Kind: model.EncryptionAWSOwned, Pos: sq.Pos}})
	}
	x.addGenerated(e.id()+"Subscription", "AWS::SNS::Subscription", e.fn, e.pos,
		fields(e.pos, "Protocol", model.NewString("sqs", e.pos), "TopicArn", topic, "Endpoint", queueArn, "FilterPolicy", e.props.Get("FilterPolicy")))
	x.addGenerated(e.id()+"EventSourceMapping", "AWS::Lambda::EventSourceMapping", e.fn, e.pos, nil)
	// The queue policy SAM adds: the topic may send to the queue.
	pid := e.id() + "QueuePolicy"
	stmt := fields(e.pos, "Effect", model.NewString("Allow", e.pos), "Principal", fields(e.pos, "Service", model.NewString("sns.amazonaws.com", e.pos)),
		"Action", model.NewString("sqs:SendMessage", e.pos), "Resource", queueArn,
		"Condition", fields(e.pos, "ArnEquals", fields(e.pos, "aws:SourceArn", topic)))
	rp := &model.ResourcePolicy{ID: pid, Pos: e.pos, Kind: model.RPQueue, TargetValues: []*model.Value{queueArn},
		Doc: cfn.PolicyDocument(pid, model.PolicyGenerated, policyDoc(e.pos, stmt))}
	if qid != "" {
		rp.Targets = []string{qid}
		if st := x.st.Store(qid); st != nil && st.Policy == nil {
			st.Policy = rp.Doc
		}
	}
	x.st.ResourcePolicies = append(x.st.ResourcePolicies, rp)
	x.addGenerated(pid, "AWS::SQS::QueuePolicy", e.fn, e.pos, nil)
	tr := &model.Trigger{ID: e.id(), Pos: e.pos, Kind: model.TriggerSQS, Function: e.fn, Source: qid, SourceValue: queueArn,
		Filter: e.props.Get("FilterPolicy"), Event: e.name}
	if sq.Kind == model.Map {
		tr.BatchSize = sq.Get("BatchSize")
		tr.Enabled = sq.Get("Enabled")
	}
	x.st.Triggers = append(x.st.Triggers, tr)
	if role != nil {
		role.Policies = append(role.Policies, cfn.ManagedPolicy(managedARN("AWSLambdaSQSQueueExecutionRole", sq.Pos)))
	}
}

// trigger records a trigger for the event, from src.
func (x *translator) trigger(e *event, kind model.TriggerKind, src *model.Value) *model.Trigger {
	tr := &model.Trigger{ID: e.id(), Pos: e.pos, Kind: kind, Function: e.fn, SourceValue: src, Source: x.t.RefTo(src), Event: e.name}
	x.st.Triggers = append(x.st.Triggers, tr)
	return tr
}

// pollTrigger records an event source mapping (SQS, streams, Kafka, MQ,
// DocumentDB): its settings, its on-failure destination, and the managed
// policy and destination policy SAM adds to the implicit role.
func (x *translator) pollTrigger(e *event, kind model.TriggerKind, src *model.Value, role *model.Role) *model.Trigger {
	p := e.props
	tr := x.trigger(e, kind, src)
	tr.Filter = p.Get("FilterCriteria")
	tr.Enabled = p.Get("Enabled")
	tr.BatchSize = p.Get("BatchSize")
	dest := p.Path("DestinationConfig", "OnFailure")
	tr.OnFailure = dest.Get("Destination")
	x.addGenerated(e.id(), "AWS::Lambda::EventSourceMapping", e.fn, e.pos, nil)
	if !src.IsSet() && kind != model.TriggerKafka {
		x.t.Errorf(e.pos, "%s: %s event %s has no event source", e.owner, e.typ, e.name)
	}
	if role == nil {
		return tr
	}
	if m := managedFor[e.typ]; m != "" {
		role.Policies = append(role.Policies, cfn.ManagedPolicy(managedARN(m, e.pos)))
	}
	if pd := destinationPolicy(e.id()+"DestinationPolicy", dest); pd != nil {
		role.Policies = append(role.Policies, pd)
	}
	return tr
}

// sourceAccessPolicy is the inline policy SAM adds for MQ, self-managed
// Kafka and DocumentDB sources: describing the source and reading the
// secrets named in SourceAccessConfigurations.
func (x *translator) sourceAccessPolicy(role *model.Role, e *event, describe []string, src *model.Value) {
	pos := e.pos
	var stmts []*model.Value
	if len(describe) > 0 && src.IsSet() {
		stmts = append(stmts, statement(pos, "Allow", describe, src))
	}
	var secrets []*model.Value
	for _, sac := range e.props.Get("SourceAccessConfigurations").Elems() {
		switch strings.ToUpper(sac.Get("Type").String()) {
		case "BASIC_AUTH", "SASL_SCRAM_256_AUTH", "SASL_SCRAM_512_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH", "SERVER_ROOT_CA_CERTIFICATE":
			secrets = append(secrets, sac.Get("URI"))
		}
	}
	if len(secrets) > 0 {
		stmts = append(stmts, statement(pos, "Allow", []string{"secretsmanager:GetSecretValue"}, secrets...))
	}
	if k := e.props.Get("SecretsManagerKmsKeyId"); k.IsSet() {
		stmts = append(stmts, statement(pos, "Allow", []string{"kms:Decrypt"},
			str(pos, "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/", k)))
	}
	if e.typ == "SelfManagedKafka" || e.typ == "MQ" {
		stmts = append(stmts, statement(pos, "Allow", []string{"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
			"ec2:DeleteNetworkInterface", "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"}, model.NewString("*", pos)))
	}
	if len(stmts) == 0 {
		return
	}
	role.Policies = append(role.Policies, cfn.PolicyDocument(e.id()+"Policy", model.PolicyGenerated, policyDoc(pos, stmts...)))
}

// permission records the Lambda permission SAM generates for a push event
// source: a one-statement resource policy on the function.
func (x *translator) permission(id, fn, principal string, pos model.Pos, sourceArn, sourceAccount *model.Value) {
	x.permissionFor(id, fn, pos, aws.Permission{Principal: model.NewString(principal, pos), SourceArn: sourceArn, SourceAccount: sourceAccount})
}

// permissionFor records the permission p (its Resource set to the
// function's ARN) under id, once.
func (x *translator) permissionFor(id, fn string, pos model.Pos, p aws.Permission) {
	if x.permissions[id] {
		return
	}
	x.permissions[id] = true
	fnArn := getAtt(fn, "Arn", pos)
	p.Resource = fnArn
	doc := p.Doc(pos)
	x.st.ResourcePolicies = append(x.st.ResourcePolicies, &model.ResourcePolicy{ID: id, Pos: pos, Kind: model.RPLambdaPermission,
		Targets: []string{fn}, TargetValues: []*model.Value{fnArn}, Doc: cfn.PolicyDocument(id, model.PolicyGenerated, doc)})
	x.addGenerated(id, "AWS::Lambda::Permission", fn, pos, nil)
}

// apiEvent translates an Api or HttpApi event into a route on the API it
// names, or on the implicit API.
func (x *translator) apiEvent(e *event, kind model.APIKind) {
	p := e.props
	key := "RestApiId"
	if kind == model.APIHTTP {
		key = "ApiId"
	}
	var info *apiInfo
	if v := p.Get(key); v.IsSet() {
		for _, id := range v.AllRefs() {
			if x.apiAuth[id] != nil {
				info = x.apiAuth[id]
				break
			}
		}
		if info == nil {
			if id := x.t.RefTo(v); id != "" {
				x.t.Warnf(v.Pos, "%s: event %s: %s %s is not an AWS::Serverless::%s", e.owner, e.name, key, id, map[model.APIKind]string{model.APIRest: "Api", model.APIHTTP: "HttpApi"}[kind])
			} else {
				x.t.Warnf(v.Pos, "%s: event %s: %s %s does not name an API in the template", e.owner, e.name, key, v.String())
			}
			return
		}
	} else {
		info = x.implicitAPI(kind, e.owner, e.pos)
	}
	method := p.Get("Method").String()
	path := p.Get("Path").String()
	if kind == model.APIHTTP && method == "" && path == "" {
		method, path = "ANY", "$default"
	}
	if kind == model.APIRest && (method == "" || path == "") {
		x.t.Errorf(e.pos, "%s: Api event %s needs Path and Method", e.owner, e.name)
		return
	}
	if strings.EqualFold(method, "any") {
		method = "ANY"
	}
	var target *model.Value
	if e.fn != "" {
		target = getAtt(e.fn, "Arn", e.pos)
	} else {
		target = ref(e.owner, e.pos)
	}
	ep := x.route(info, method, path, e.fn, target, e.name, p.Get("Auth"), e.pos)
	if rs := p.Get("RouteSettings"); rs.Has("ThrottlingRateLimit") || rs.Has("ThrottlingBurstLimit") {
		ep.Throttle = &model.Throttle{Pos: rs.Pos, Rate: rs.Get("ThrottlingRateLimit"), Burst: rs.Get("ThrottlingBurstLimit")}
	}
	if rp := p.Path("Auth", "ResourcePolicy"); rp.IsSet() && kind == model.APIRest {
		res := str(rp.Pos, "execute-api:/*/"+ep.Method+ep.Path)
		if ep.Method == "ANY" {
			res = str(rp.Pos, "execute-api:/*/*"+ep.Path)
		}
		info.policy = append(info.policy, resourcePolicyStatements(rp, res)...)
		if !info.policyPos.IsValid() {
			info.policyPos = rp.Pos
		}
	}
	if e.fn == "" {
		return
	}
	m := ep.Method
	if m == "ANY" {
		m = "*"
	}
	p2 := path
	if path == "$default" {
		p2 = "*"
	}
	src := str(e.pos, "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:", ref(info.api.ID, e.pos), "/*/"+m+strings.ReplaceAll(pathParams(p2), "//", "/"))
	x.permission(e.id()+"Permission", e.fn, "apigateway.amazonaws.com", e.pos, src, nil)
}

// pathParams turns {param} path segments into the * of an execute-api ARN.
func pathParams(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = "*"
		}
	}
	return strings.Join(segs, "/")
}

// functionURL translates FunctionUrlConfig into an entry point <Fn>Url
// and, for AuthType NONE, the public permission SAM adds.
func (x *translator) functionURL(r *cfn.RawResource, url *model.Value) {
	id := r.ID + "Url"
	ep := &model.EntryPoint{ID: id, Pos: url.Pos, Kind: model.EntryFunctionURL, Function: r.ID, Event: "FunctionUrlConfig"}
	ep.Auth = cfn.URLAuth(url.Get("AuthType"), url.Pos)
	if c := url.Get("Cors"); c.IsSet() {
		ep.CORS = &model.CORS{Pos: c.Pos, AllowOrigins: c.Get("AllowOrigins"), AllowCredentials: c.Get("AllowCredentials"),
			AllowMethods: c.Get("AllowMethods"), AllowHeaders: c.Get("AllowHeaders")}
	}
	x.st.EntryPoints = append(x.st.EntryPoints, ep)
	x.addGenerated(id, "AWS::Lambda::Url", r.ID, url.Pos, nil)
	if ep.Auth.Type == model.AuthNone {
		pid := r.ID + "UrlPublicPermissions"
		pos := url.Get("AuthType").PosOr(url.Pos)
		fnArn := getAtt(r.ID, "Arn", pos)
		doc := aws.Permission{Principal: model.NewString("*", pos), Action: model.NewString("lambda:InvokeFunctionUrl", pos), Resource: fnArn,
			URLAuth: model.NewString("NONE", pos)}.Doc(pos)
		x.st.ResourcePolicies = append(x.st.ResourcePolicies, &model.ResourcePolicy{ID: pid, Pos: pos, Kind: model.RPLambdaPermission,
			Targets: []string{r.ID}, TargetValues: []*model.Value{fnArn}, Doc: cfn.PolicyDocument(pid, model.PolicyGenerated, doc)})
		x.addGenerated(pid, "AWS::Lambda::Permission", r.ID, pos, nil)
	}
}
