package sam

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// simpleTable translates an AWS::Serverless::SimpleTable into a table.
func (x *translator) simpleTable(r *cfn.RawResource) {
	p := r.Properties
	s := &model.Store{ID: r.ID, Pos: r.Pos, Kind: model.StoreTable, Type: r.Type, Name: p.Get("TableName"), Tags: cfn.Tags(p.Get("Tags"))}
	s.Classification = cfn.ClassificationOf(s.Tags)
	s.Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: r.Pos}
	if sse := p.Get("SSESpecification"); sse.IsSet() {
		if on, _ := sse.Get("SSEEnabled").AsBool(); on {
			s.Encryption = model.Encryption{Kind: model.EncryptionAWSManaged, Pos: sse.Pos}
			if k := sse.Get("KMSMasterKeyId"); k.IsSet() && !strings.Contains(k.String(), "alias/aws/") {
				s.Encryption = model.Encryption{Kind: model.EncryptionCustomer, Key: k, Pos: k.Pos}
			}
		}
	}
	s.SetAttr(model.AttrBillingMode, model.NewString("PAY_PER_REQUEST", r.Pos))
	if p.Has("ProvisionedThroughput") {
		s.SetAttr(model.AttrBillingMode, model.NewString("PROVISIONED", p.Get("ProvisionedThroughput").Pos))
	}
	x.st.Stores = append(x.st.Stores, s)
}

// stateMachine translates an AWS::Serverless::StateMachine into a store
// of kind state-machine and its execution role (implicit <Id>Role trusting
// states.amazonaws.com, with the machine's Policies, unless Role is set).
func (x *translator) stateMachine(r *cfn.RawResource) {
	p := r.Properties
	s := &model.Store{ID: r.ID, Pos: r.Pos, Kind: model.StoreStateMachine, Type: r.Type, Name: p.Get("Name"), Tags: cfn.Tags(p.Get("Tags"))}
	s.Classification = cfn.ClassificationOf(s.Tags)
	s.Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: r.Pos}
	typ := p.Get("Type")
	if !typ.IsSet() {
		typ = model.NewString("STANDARD", r.Pos)
	}
	s.SetAttr(model.AttrStateMachineType, typ)
	def := p.Get("Definition")
	if !def.IsSet() {
		def = p.Get("DefinitionUri")
		if body := x.readFile(r.ID, "DefinitionUri", def); body != nil {
			def = body
		}
	}
	if subs := p.Get("DefinitionSubstitutions"); subs.IsSet() && def.IsSet() {
		def = substitute(def, subs)
		c := *def
		c.Refs = model.SortedUnique(append(append([]string{}, def.Refs...), subs.AllRefs()...))
		def = &c
	}
	s.SetAttr(model.AttrDefinition, def)
	s.SetAttr(model.AttrLoggingConfig, p.Get("Logging"))
	s.SetAttr(model.AttrTracing, p.Path("Tracing", "Enabled"))
	if k := p.Path("EncryptionConfiguration", "KmsKeyId"); k.IsSet() {
		s.Encryption = model.Encryption{Kind: model.EncryptionCustomer, Key: k, Pos: k.Pos}
	}
	x.st.Stores = append(x.st.Stores, s)
	if role := p.Get("Role"); role.IsSet() {
		return
	}
	id := r.ID + "Role"
	if d := x.t.Resource(id); d != nil {
		x.t.Errorf(d.Pos, "resource %s has the logical ID SAM gives the execution role of state machine %s (which sets no Role)", d.ID, r.ID)
		return
	}
	rl := &model.Role{ID: id, Pos: r.Pos, Implicit: true, Boundary: p.Get("PermissionsBoundary")}
	rl.Trust = cfn.PolicyDocument(id+" trust policy", model.PolicyGenerated, trustDoc(r.Pos, "states.amazonaws.com"))
	x.addPolicies(rl, p.Get("Policies"), id)
	if lg := p.Get("Logging"); lg.IsSet() {
		rl.Policies = append(rl.Policies, cfn.PolicyDocument(id+"LoggingPolicy", model.PolicyGenerated, policyDoc(lg.Pos,
			statement(lg.Pos, "Allow", []string{"logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
				"logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
				"logs:DescribeLogGroups"}, model.NewString("*", lg.Pos)))))
	}
	if tr, _ := p.Path("Tracing", "Enabled").AsBool(); tr {
		rl.Policies = append(rl.Policies, cfn.ManagedPolicy(managedARN("AWSXrayWriteOnlyAccess", r.Pos)))
	}
	x.implicitRole[r.ID] = rl
	x.st.Roles = append(x.st.Roles, rl)
	x.addGenerated(id, "AWS::IAM::Role", r.ID, r.Pos, nil)
}

// stateMachineEvents translates a state machine's Events: Api events
// become routes whose Target refers to the machine; schedules and rules
// are recorded as the resources SAM generates.
func (x *translator) stateMachineEvents(r *cfn.RawResource) {
	for _, f := range r.Properties.Get("Events").Entries() {
		e, ok := x.readEvent(r.ID, f)
		if !ok {
			continue
		}
		switch e.typ {
		case "Api":
			x.apiEvent(e, model.APIRest)
		case "HttpApi":
			x.apiEvent(e, model.APIHTTP)
		case "Schedule", "EventBridgeRule", "CloudWatchEvent":
			x.addGenerated(e.id(), "AWS::Events::Rule", r.ID, e.pos, fields(e.pos, "Target", ref(r.ID, e.pos),
				"ScheduleExpression", e.props.Get("Schedule"), "EventPattern", e.props.Get("Pattern"), "EventBusName", e.props.Get("EventBusName")))
		case "ScheduleV2":
			x.addGenerated(e.id(), "AWS::Scheduler::Schedule", r.ID, e.pos, fields(e.pos, "Target", ref(r.ID, e.pos),
				"ScheduleExpression", e.props.Get("ScheduleExpression")))
		default:
			x.t.Warnf(e.pos, "%s: event %s has a type %s that state machines do not support", r.ID, e.name, e.typ)
		}
	}
}

// graphQLAPI translates an AWS::Serverless::GraphQLApi: an API of kind
// graphql with its authorizers, and one entry point per resolver.
func (x *translator) graphQLAPI(r *cfn.RawResource) {
	p := r.Properties
	api := &model.API{ID: r.ID, Pos: r.Pos, Kind: model.APIGraphQL, Name: p.Get("Name"), Tracing: p.Get("XrayEnabled")}
	// SAM turns logging on (with a generated role) unless Logging: false.
	switch lg := p.Get("Logging"); {
	case !lg.IsSet():
		api.AccessLog = model.NewBool(true, r.Pos)
	case !isFalse(lg):
		api.AccessLog, api.ExecutionLog = lg, lg.Get("FieldLogLevel")
	}
	auth := p.Get("Auth")
	add := func(d *model.Value, name string) *model.Authorizer {
		a := &model.Authorizer{Name: name, Pos: d.Pos, Type: cfn.AppSyncAuthType(d.Get("Type").String())}
		switch a.Type {
		case model.AuthCognito:
			a.UserPools = d.Path("UserPool", "UserPoolId")
		case model.AuthJWT:
			a.Issuer = d.Path("OpenIDConnect", "Issuer")
			a.Audience = d.Path("OpenIDConnect", "ClientId")
		case model.AuthLambda:
			a.FunctionARN = d.Path("LambdaAuthorizer", "AuthorizerUri")
			a.Function = x.t.FunctionRef(a.FunctionARN)
		}
		if a.Name == "" {
			a.Name = string(a.Type)
		}
		api.Authorizers = append(api.Authorizers, a)
		return a
	}
	var def *model.Authorizer
	if auth.IsSet() {
		def = add(auth, "")
		api.DefaultAuthorizer = def.Name
		for _, ad := range auth.Get("Additional").Elems() {
			add(ad, "")
		}
	}
	x.st.APIs = append(x.st.APIs, api)
	// Data sources: Lambda functions and DynamoDB tables.
	lambdaDS := map[string]string{}
	dsTarget := map[string]*model.Value{}
	for _, f := range p.Path("DataSources", "Lambda").Entries() {
		lambdaDS[f.Key] = x.t.FunctionRef(f.Value.Get("FunctionArn"))
		dsTarget[f.Key] = f.Value.Get("FunctionArn")
	}
	for _, f := range p.Path("DataSources", "DynamoDb").Entries() {
		if v := f.Value.Get("TableArn"); v.IsSet() {
			dsTarget[f.Key] = v
		} else {
			dsTarget[f.Key] = f.Value.Get("TableName")
		}
	}
	fnDS := map[string]string{}
	for _, f := range p.Get("Functions").Entries() {
		fnDS[f.Key] = f.Value.Get("DataSource").String()
	}
	for _, typ := range p.Get("Resolvers").Entries() {
		for _, res := range typ.Value.Entries() {
			ep := &model.EntryPoint{ID: r.ID + " " + typ.Key + "." + res.Key, Pos: res.KeyPos, Kind: model.EntryGraphQL, API: r.ID,
				Method: typ.Key, Path: res.Key, Event: typ.Key + "." + res.Key}
			ep.Auth = model.Auth{Type: model.AuthNone, Pos: r.Pos}
			if def != nil {
				ep.Auth = model.Auth{Type: def.Type, Authorizer: def.Name, Pos: auth.Pos}
			}
			for _, step := range res.Value.Get("Pipeline").Elems() {
				ds := fnDS[step.String()]
				if fid := lambdaDS[ds]; fid != "" && ep.Function == "" {
					ep.Function = fid
				}
				if ep.Target == nil {
					ep.Target = dsTarget[ds]
				}
			}
			x.st.EntryPoints = append(x.st.EntryPoints, ep)
		}
	}
}

// embeddedConnectors queues the Connectors a resource declares beside its
// Properties (SAM's embedded connector syntax): <Resource><Name>.
func (x *translator) embeddedConnectors(r *cfn.RawResource, decl *model.Value) {
	for _, f := range decl.Entries() {
		props := x.t.Resolve(f.Value.Get("Properties"))
		id := r.ID + f.Key
		x.connectors = append(x.connectors, connector{id: id, pos: f.KeyPos, props: props, source: r.ID})
		x.addGenerated(id, "AWS::Serverless::Connector", r.ID, f.KeyPos, props)
	}
}

// connectorAccess gives, by destination type, the actions a connector's
// Read and Write permissions grant and the resources they apply to (ARN
// suffixes of the destination's ARN).
var connectorAccess = map[string]struct {
	read, write []string
	suffixes    []string
}{
	"AWS::DynamoDB::Table": {
		read: []string{"dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:PartiQLSelect"},
		write: []string{"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
			"dynamodb:PartiQLDelete", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate"},
		suffixes: []string{"", "/index/*"},
	},
	"AWS::S3::Bucket": {
		read: []string{"s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectLegalHold", "s3:GetObjectRetention", "s3:GetObjectTorrent",
			"s3:GetObjectVersion", "s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTorrent",
			"s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions", "s3:ListMultipartUploadParts"},
		write: []string{"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObject",
			"s3:PutObjectLegalHold", "s3:PutObjectRetention", "s3:RestoreObject"},
		suffixes: []string{"", "/*"},
	},
	"AWS::SQS::Queue": {
		read:     []string{"sqs:ReceiveMessage", "sqs:GetQueueAttributes"},
		write:    []string{"sqs:DeleteMessage", "sqs:SendMessage", "sqs:ChangeMessageVisibility", "sqs:PurgeQueue"},
		suffixes: []string{""},
	},
	"AWS::SNS::Topic":       {write: []string{"sns:Publish"}, suffixes: []string{""}},
	"AWS::Events::EventBus": {write: []string{"events:PutEvents"}, suffixes: []string{""}},
	"AWS::Lambda::Function": {write: []string{"lambda:InvokeAsync", "lambda:InvokeFunction"}, suffixes: []string{""}},
	"AWS::StepFunctions::StateMachine": {
		read:     []string{"states:DescribeStateMachine", "states:ListExecutions"},
		write:    []string{"states:StartExecution", "states:StartSyncExecution", "states:StopExecution"},
		suffixes: []string{""},
	},
	"AWS::SecretsManager::Secret": {read: []string{"secretsmanager:GetSecretValue"}, suffixes: []string{""}},
	"AWS::Kinesis::Stream": {
		read:     []string{"kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator"},
		write:    []string{"kinesis:PutRecord", "kinesis:PutRecords"},
		suffixes: []string{""},
	},
	"AWS::Location::PlaceIndex": {read: []string{"geo:DescribePlaceIndex", "geo:GetPlace", "geo:SearchPlaceIndexForPosition",
		"geo:SearchPlaceIndexForSuggestions", "geo:SearchPlaceIndexForText"}, suffixes: []string{""}},
}

// connectorTypeAlias maps SAM types to the type whose access they share.
var connectorTypeAlias = map[string]string{
	"AWS::Serverless::SimpleTable":  "AWS::DynamoDB::Table",
	"AWS::Serverless::Function":     "AWS::Lambda::Function",
	"AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine",
}

// connector translates a connector: an inline policy on the source's
// execution role granting its Permissions (Read, Write) on each
// destination; for a service source (an API, a rule, a topic) invoking a
// function, a Lambda permission.
func (x *translator) connector(c connector) {
	p := c.props
	src := c.source
	if src == "" {
		src = p.Path("Source", "Id").String()
	}
	perms := p.Get("Permissions").AsStrings()
	read, write := false, false
	for _, pm := range perms {
		switch pm {
		case "Read":
			read = true
		case "Write":
			write = true
		default:
			x.t.Warnf(p.Get("Permissions").PosOr(c.pos), "connector %s: unknown permission %q (want Read or Write)", c.id, pm)
		}
	}
	var role *model.Role
	if f := x.st.Function(src); f != nil {
		role = x.st.Role(f.Role)
	} else if rl := x.implicitRole[src]; rl != nil {
		role = rl
	} else if rl := x.st.Role(src); rl != nil {
		role = rl
	} else if s := x.st.Store(src); s != nil && s.Kind == model.StoreStateMachine {
		if raw := x.t.Resource(src); raw != nil {
			role = x.st.Role(x.t.RefTo(raw.Properties.Get("RoleArn"), "AWS::IAM::Role"))
		}
	}
	var stmts []*model.Value
	for _, d := range p.Get("Destination").Elems() {
		did := d.Get("Id").String()
		typ := d.Get("Type").String()
		var arn *model.Value
		if raw := x.t.Resource(did); raw != nil {
			typ = raw.Type
			arn = getAtt(did, "Arn", d.Pos)
		} else if d.Has("Arn") {
			arn = d.Get("Arn")
		}
		if alias := connectorTypeAlias[typ]; alias != "" {
			typ = alias
		}
		if arn == nil {
			x.t.Warnf(d.Pos, "connector %s: destination has neither an Id in the template nor an Arn", c.id)
			continue
		}
		if role == nil {
			principal := connectorPrincipal(x.t.Resource(src))
			switch {
			case principal == "" || !write:
			case typ == "AWS::Lambda::Function" && x.st.Function(did) != nil:
				x.permission(c.id+"WriteLambdaPermission", did, principal, c.pos, getAtt(src, "Arn", c.pos), nil)
			case typ == "AWS::SQS::Queue" || typ == "AWS::SNS::Topic":
				x.connectorResourcePolicy(c, did, typ, principal, src, arn, d.Pos)
			}
			continue
		}
		acc, ok := connectorAccess[typ]
		if !ok {
			x.t.Warnf(d.Pos, "connector %s: destination type %s is not modelled", c.id, typ)
			continue
		}
		var res []*model.Value
		for _, sfx := range acc.suffixes {
			if sfx == "" {
				res = append(res, arn)
			} else {
				res = append(res, str(d.Pos, arn, sfx))
			}
		}
		if read && len(acc.read) > 0 {
			stmts = append(stmts, statement(d.Pos, "Allow", acc.read, res...))
		}
		if write && len(acc.write) > 0 {
			stmts = append(stmts, statement(d.Pos, "Allow", acc.write, res...))
		}
	}
	if role != nil && len(stmts) > 0 {
		role.Policies = append(role.Policies, cfn.PolicyDocument(c.id+"Policy", model.PolicyGenerated, policyDoc(c.pos, stmts...)))
		x.addGenerated(c.id+"Policy", "AWS::IAM::ManagedPolicy", c.id, c.pos, nil)
	} else if role == nil && src != "" && x.t.Resource(src) == nil {
		x.t.Warnf(c.pos, "connector %s: source %s is not in the template", c.id, src)
	}
}

// connectorResourcePolicy is the queue or topic policy a connector from a
// service (an EventBridge rule, an SNS topic) generates: the service may
// send to the destination, from the source only.
func (x *translator) connectorResourcePolicy(c connector, dest, typ, principal, src string, arn *model.Value, pos model.Pos) {
	id, kind, action := c.id+"QueuePolicy", model.RPQueue, "sqs:SendMessage"
	if typ == "AWS::SNS::Topic" {
		id, kind, action = c.id+"TopicPolicy", model.RPTopic, "sns:Publish"
	}
	srcArn := getAtt(src, "Arn", pos)
	if x.t.Resource(src) != nil && x.t.Resource(src).Type == "AWS::SNS::Topic" {
		srcArn = ref(src, pos)
	}
	stmt := fields(pos, "Effect", model.NewString("Allow", pos), "Principal", fields(pos, "Service", model.NewString(principal, pos)),
		"Action", model.NewString(action, pos), "Resource", arn,
		"Condition", fields(pos, "ArnEquals", fields(pos, "aws:SourceArn", srcArn)))
	rp := &model.ResourcePolicy{ID: id, Pos: pos, Kind: kind, TargetValues: []*model.Value{arn},
		Doc: cfn.PolicyDocument(id, model.PolicyGenerated, policyDoc(pos, stmt))}
	if dest != "" {
		rp.Targets = []string{dest}
		if st := x.st.Store(dest); st != nil && st.Policy == nil {
			st.Policy = rp.Doc
		}
	}
	x.st.ResourcePolicies = append(x.st.ResourcePolicies, rp)
	x.addGenerated(id, map[model.ResourcePolicyKind]string{model.RPQueue: "AWS::SQS::QueuePolicy", model.RPTopic: "AWS::SNS::TopicPolicy"}[kind], c.id, pos, nil)
}

// connectorPrincipal is the service principal of a connector source that
// invokes functions through a resource policy.
func connectorPrincipal(r *cfn.RawResource) string {
	if r == nil {
		return ""
	}
	switch r.Type {
	case "AWS::Serverless::Api", "AWS::ApiGateway::RestApi", "AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api":
		return "apigateway.amazonaws.com"
	case "AWS::SNS::Topic":
		return "sns.amazonaws.com"
	case "AWS::Events::Rule":
		return "events.amazonaws.com"
	case "AWS::S3::Bucket":
		return "s3.amazonaws.com"
	}
	return ""
}

// substitute replaces the ${Name} placeholders of a state machine
// definition with its DefinitionSubstitutions, keeping their references.
func substitute(v, subs *model.Value) *model.Value {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case model.String:
		if !strings.Contains(v.Str, "${") {
			return v
		}
		out := *v
		var refs []string
		for _, f := range subs.Entries() {
			ph := "${" + f.Key + "}"
			if !strings.Contains(out.Str, ph) {
				continue
			}
			out.Str = strings.ReplaceAll(out.Str, ph, f.Value.String())
			refs = append(refs, f.Value.AllRefs()...)
			if f.Value.Unresolved {
				out.Unresolved = true
				if out.Source == "" {
					out.Source = "DefinitionSubstitutions " + f.Key
				}
			}
		}
		out.Refs = model.SortedUnique(append(append([]string{}, v.Refs...), refs...))
		return &out
	case model.List:
		out := *v
		out.Items = make([]*model.Value, len(v.Items))
		for i, it := range v.Items {
			out.Items[i] = substitute(it, subs)
			out.Unresolved = out.Unresolved || out.Items[i].Unresolved
		}
		return &out
	case model.Map:
		out := *v
		out.Fields = make([]model.Field, len(v.Fields))
		for i, f := range v.Fields {
			out.Fields[i] = model.Field{Key: f.Key, KeyPos: f.KeyPos, Value: substitute(f.Value, subs)}
			out.Unresolved = out.Unresolved || (out.Fields[i].Value != nil && out.Fields[i].Value.Unresolved)
		}
		return &out
	}
	return v
}

// isFalse reports whether v is the literal false (Logging: false).
func isFalse(v *model.Value) bool {
	b, ok := v.AsBool()
	return ok && !b
}
