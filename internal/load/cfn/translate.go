package cfn

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/load/aws"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Translate turns the template's AWS::* resources that no other translator
// has handled into typed model objects. Resources of unknown types stay in
// Stack.Resources only. It runs in dependency order: functions and roles
// first, then what refers to them.
func (t *Template) Translate() {
	active := func(r *RawResource) bool {
		if r.Handled {
			return false
		}
		if !r.Active {
			t.Infof(r.Pos, "resource %s is not created: condition %s is false", r.ID, r.Condition)
			r.Handled = true
			return false
		}
		return true
	}
	// Pass 1: things others refer to.
	for _, r := range t.Resources {
		if !active(r) {
			continue
		}
		switch r.Type {
		case "AWS::Lambda::Function":
			t.lambdaFunction(r)
		case "AWS::IAM::Role":
			t.iamRole(r)
		case "AWS::IAM::User":
			t.iamUser(r)
		case "AWS::IAM::Group":
			t.iamGroup(r)
		case "AWS::ApiGateway::RestApi":
			t.restAPI(r)
		case "AWS::ApiGatewayV2::Api":
			t.httpAPI(r)
		case "AWS::Cognito::IdentityPool":
			t.identityPool(r)
		case "AWS::AppSync::GraphQLApi":
			t.graphQLAPI(r)
		default:
			if kind, ok := storeKinds[r.Type]; ok {
				t.store(r, kind)
			}
		}
	}
	for _, f := range t.afterGroups {
		f()
	}
	t.afterGroups = nil
	// Pass 2: what attaches to functions, roles, APIs and stores.
	for _, r := range t.Resources {
		if r.Handled || !r.Active {
			continue
		}
		p := r.Properties
		switch r.Type {
		case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
			t.iamPolicy(r)
		case "AWS::IAM::UserToGroupAddition":
			r.Handled = true
			g := t.groupRef(p.Get("GroupName"))
			for _, uv := range p.Get("Users").Elems() {
				if u := t.Stack.User(t.RefTo(uv, "AWS::IAM::User")); u != nil {
					u.Groups = model.SortedUnique(append(u.Groups, g))
				}
			}
		case "AWS::Lambda::Permission":
			t.lambdaPermission(r)
		case "AWS::Lambda::Url":
			t.functionURL(r)
		case "AWS::Lambda::EventSourceMapping":
			t.eventSourceMapping(r)
		case "AWS::Lambda::EventInvokeConfig":
			if f := t.Stack.Function(t.FunctionRef(p.Get("FunctionName"))); f != nil {
				f.OnFailure = p.Path("DestinationConfig", "OnFailure", "Destination")
				f.OnSuccess = p.Path("DestinationConfig", "OnSuccess", "Destination")
				f.MaxRetries = p.Get("MaximumRetryAttempts")
				f.MaxEventAge = p.Get("MaximumEventAgeInSeconds")
			}
		case "AWS::ApiGateway::Authorizer", "AWS::ApiGatewayV2::Authorizer":
			t.authorizer(r)
		case "AWS::S3::BucketPolicy":
			t.resourcePolicy(r, model.RPBucket, p.Get("Bucket"), p.Get("PolicyDocument"))
		case "AWS::SQS::QueuePolicy":
			t.resourcePolicy(r, model.RPQueue, p.Get("Queues"), p.Get("PolicyDocument"))
		case "AWS::SNS::TopicPolicy":
			t.resourcePolicy(r, model.RPTopic, p.Get("Topics"), p.Get("PolicyDocument"))
		case "AWS::SecretsManager::ResourcePolicy":
			t.resourcePolicy(r, model.RPSecret, p.Get("SecretId"), p.Get("ResourcePolicy"))
		case "AWS::Events::EventBusPolicy":
			if st := p.Get("Statement"); st != nil {
				doc := model.NewMap([]model.Field{{Key: "Statement", KeyPos: st.Pos, Value: st}}, st.Pos)
				t.resourcePolicy(r, model.RPEventBus, p.Get("EventBusName"), doc)
			}
		case "AWS::SNS::Subscription":
			if strings.EqualFold(p.Get("Protocol").String(), "lambda") {
				t.trigger(r, model.TriggerSNS, p.Get("Endpoint"), p.Get("TopicArn"), p.Get("FilterPolicy"), r.ID)
			}
		case "AWS::Events::Rule":
			t.eventRule(r)
		case "AWS::Logs::SubscriptionFilter":
			t.trigger(r, model.TriggerCloudWatchLogs, p.Get("DestinationArn"), p.Get("LogGroupName"), p.Get("FilterPattern"), r.ID)
		case "AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage":
			t.stage(r)
		case "AWS::ApiGateway::UsagePlan":
			t.usagePlan(r)
		case "AWS::IAM::AccessKey":
			user := t.RefTo(p.Get("UserName"), "AWS::IAM::User")
			if user == "" {
				user = p.Get("UserName").String()
			}
			t.Stack.AccessKeys = append(t.Stack.AccessKeys, &model.AccessKey{ID: r.ID, Pos: r.Pos, User: user})
		case "AWS::SecretsManager::RotationSchedule":
			// The schedule is the secret's rotation (Terraform's
			// aws_secretsmanager_secret_rotation sets the same attribute).
			r.Handled = true
			if s := t.Stack.Store(t.RefTo(p.Get("SecretId"), "AWS::SecretsManager::Secret")); s != nil {
				rot := p.Get("RotationRules")
				if !rot.IsSet() {
					rot = model.NewBool(true, r.Pos)
				}
				s.SetAttr(model.AttrRotation, rot)
			}
		case "AWS::Cognito::UserPoolClient":
			t.userPoolClient(r)
		case "AWS::Cognito::IdentityPoolRoleAttachment":
			t.identityPoolRoles(r)
		case "AWS::WAFv2::WebACLAssociation", "AWS::WAFRegional::WebACLAssociation":
			if a := t.Stack.API(t.RefTo(p.Get("ResourceArn"), "AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api", "AWS::Serverless::Api", "AWS::ApiGateway::Stage", "AWS::AppSync::GraphQLApi")); a != nil {
				a.WAF = p.Get("WebACLArn")
			}
		}
	}
	// Pass 3: routes, which need authorizers and integrations.
	for _, r := range t.Resources {
		if r.Handled || !r.Active {
			continue
		}
		switch r.Type {
		case "AWS::ApiGateway::Method":
			t.restMethod(r)
		case "AWS::ApiGatewayV2::Route":
			t.httpRoute(r)
		case "AWS::AppSync::Resolver":
			t.appSyncResolver(r)
		}
	}
	t.loadBalancers()
	t.linkLogGroups()
}

func (t *Template) lambdaFunction(r *RawResource) {
	r.Handled = true
	p := r.Properties
	f := &model.Function{
		ID: r.ID, Pos: r.Pos,
		Name: p.Get("FunctionName"), Runtime: p.Get("Runtime"), Handler: p.Get("Handler"),
		PackageType: p.Get("PackageType"), MemorySize: p.Get("MemorySize"), Timeout: p.Get("Timeout"),
		Architectures: p.Get("Architectures"), ReservedConcurrency: p.Get("ReservedConcurrentExecutions"),
		Tracing: p.Path("TracingConfig", "Mode"), KMSKey: p.Get("KmsKeyArn"),
		DeadLetter: p.Path("DeadLetterConfig", "TargetArn"), Layers: p.Get("Layers").Elems(),
		Environment: envVars(p.Path("Environment", "Variables")), Tags: Tags(p.Get("Tags")),
	}
	code := p.Get("Code")
	switch {
	case code.Has("ZipFile"):
		f.InlineCode = code.Get("ZipFile")
	case code.Has("ImageUri"):
		f.CodeURI = code.Get("ImageUri")
	case code.Has("S3Key"):
		f.CodeURI = code.Get("S3Key")
	}
	if vpc := p.Get("VpcConfig"); vpc.IsSet() {
		f.VPC = &model.VPC{Pos: vpc.Pos, SubnetIDs: vpc.Get("SubnetIds"), SecurityGroups: vpc.Get("SecurityGroupIds")}
	}
	t.setRole(f, p.Get("Role"))
	t.Stack.Functions = append(t.Stack.Functions, f)
}

// setRole points a function at its execution role: a role in the stack when
// the value refers to one, else an external role ARN.
func (t *Template) setRole(f *model.Function, role *model.Value) {
	if !role.IsSet() {
		return
	}
	if id := t.RefTo(role, "AWS::IAM::Role"); id != "" {
		f.Role = id
		return
	}
	for _, id := range role.AllRefs() {
		if t.Stack.Role(id) != nil {
			f.Role = id
			return
		}
	}
	f.RoleARN = role
}

func (t *Template) iamRole(r *RawResource) {
	r.Handled = true
	p := r.Properties
	role := &model.Role{ID: r.ID, Pos: r.Pos, Name: p.Get("RoleName"), Boundary: p.Get("PermissionsBoundary")}
	if doc := p.Get("AssumeRolePolicyDocument"); doc.IsSet() {
		role.Trust = PolicyDocument(r.ID+" trust policy", model.PolicyInline, doc)
	}
	for _, pol := range p.Get("Policies").Elems() {
		role.Policies = append(role.Policies, PolicyDocument(pol.Get("PolicyName").String(), model.PolicyInline, pol.Get("PolicyDocument")))
	}
	for _, arn := range p.Get("ManagedPolicyArns").Elems() {
		role.Policies = append(role.Policies, t.managedRef(arn))
	}
	t.Stack.Roles = append(t.Stack.Roles, role)
}

// managedRef turns a managed policy ARN into a PolicyDoc: the document of
// an AWS::IAM::ManagedPolicy in the stack when the ARN refers to one.
func (t *Template) managedRef(arn *model.Value) *model.PolicyDoc {
	if id := t.RefTo(arn, "AWS::IAM::ManagedPolicy"); id != "" {
		if mp := t.byID[id]; mp != nil {
			pd := PolicyDocument(id, model.PolicyStandalone, mp.Properties.Get("PolicyDocument"))
			pd.Ref = id
			return pd
		}
	}
	return ManagedPolicy(arn)
}

func (t *Template) iamPolicy(r *RawResource) {
	r.Handled = true
	p := r.Properties
	pol := &model.Policy{ID: r.ID, Pos: r.Pos, Managed: r.Type == "AWS::IAM::ManagedPolicy"}
	pol.Name = p.Get("PolicyName")
	if !pol.Name.IsSet() {
		pol.Name = p.Get("ManagedPolicyName")
	}
	pol.Doc = PolicyDocument(r.ID, model.PolicyStandalone, p.Get("PolicyDocument"))
	pol.Doc.Ref = r.ID
	for _, rv := range p.Get("Roles").Elems() {
		id := t.RefTo(rv, "AWS::IAM::Role")
		if id == "" {
			for _, ref := range rv.AllRefs() {
				if t.Stack.Role(ref) != nil {
					id = ref
				}
			}
		}
		if role := t.Stack.Role(id); role != nil {
			pol.Roles = append(pol.Roles, id)
			if !pol.Managed || !hasPolicyRef(role, r.ID) {
				role.Policies = append(role.Policies, pol.Doc)
			}
		} else {
			pol.Roles = append(pol.Roles, rv.String())
		}
	}
	for _, uv := range p.Get("Users").Elems() {
		if u := t.Stack.User(t.RefTo(uv, "AWS::IAM::User")); u != nil {
			pol.Users = append(pol.Users, u.ID)
			if !pol.Managed || !hasDocRef(u.Policies, r.ID) {
				u.Policies = append(u.Policies, pol.Doc)
			}
		} else {
			pol.Users = append(pol.Users, uv.String())
		}
	}
	for _, gv := range p.Get("Groups").Elems() {
		if g := t.Stack.Group(t.RefTo(gv, "AWS::IAM::Group")); g != nil {
			pol.Groups = append(pol.Groups, g.ID)
			if !pol.Managed || !hasDocRef(g.Policies, r.ID) {
				g.Policies = append(g.Policies, pol.Doc)
			}
		} else {
			pol.Groups = append(pol.Groups, gv.String())
		}
	}
	t.Stack.Policies = append(t.Stack.Policies, pol)
}

func hasDocRef(docs []*model.PolicyDoc, id string) bool {
	for _, pd := range docs {
		if pd.Ref == id {
			return true
		}
	}
	return false
}

// iamUser translates an AWS::IAM::User: its inline and managed policies,
// groups (resolved after the groups are read), boundary and console login.
func (t *Template) iamUser(r *RawResource) {
	r.Handled = true
	p := r.Properties
	u := &model.User{ID: r.ID, Pos: r.Pos, Name: p.Get("UserName"), Boundary: p.Get("PermissionsBoundary"),
		Console: p.Get("LoginProfile").IsSet()}
	for _, pol := range p.Get("Policies").Elems() {
		u.Policies = append(u.Policies, PolicyDocument(pol.Get("PolicyName").String(), model.PolicyInline, pol.Get("PolicyDocument")))
	}
	for _, arn := range p.Get("ManagedPolicyArns").Elems() {
		u.Policies = append(u.Policies, t.managedRef(arn))
	}
	groups := p.Get("Groups").Elems()
	t.Stack.Users = append(t.Stack.Users, u)
	t.afterGroups = append(t.afterGroups, func() {
		for _, gv := range groups {
			u.Groups = append(u.Groups, t.groupRef(gv))
		}
		u.Groups = model.SortedUnique(u.Groups)
	})
}

// groupRef returns the ID of the group v names (by reference or by
// GroupName), or v as written for groups outside the stack.
func (t *Template) groupRef(v *model.Value) string {
	if id := t.RefTo(v, "AWS::IAM::Group"); id != "" {
		return id
	}
	for _, g := range t.Stack.Groups {
		if g.Name.IsResolved() && v.IsResolved() && g.Name.Str == v.String() {
			return g.ID
		}
	}
	return v.String()
}

// iamGroup translates an AWS::IAM::Group and its policies.
func (t *Template) iamGroup(r *RawResource) {
	r.Handled = true
	p := r.Properties
	g := &model.Group{ID: r.ID, Pos: r.Pos, Name: p.Get("GroupName")}
	for _, pol := range p.Get("Policies").Elems() {
		g.Policies = append(g.Policies, PolicyDocument(pol.Get("PolicyName").String(), model.PolicyInline, pol.Get("PolicyDocument")))
	}
	for _, arn := range p.Get("ManagedPolicyArns").Elems() {
		g.Policies = append(g.Policies, t.managedRef(arn))
	}
	t.Stack.Groups = append(t.Stack.Groups, g)
}

func hasPolicyRef(role *model.Role, id string) bool {
	for _, pd := range role.Policies {
		if pd.Ref == id {
			return true
		}
	}
	return false
}

func (t *Template) lambdaPermission(r *RawResource) {
	r.Handled = true
	p := r.Properties
	fn := p.Get("FunctionName")
	rp := &model.ResourcePolicy{ID: r.ID, Pos: r.Pos, Kind: model.RPLambdaPermission, TargetValues: []*model.Value{fn}}
	if id := t.FunctionRef(fn); id != "" {
		rp.Targets = []string{id}
	}
	doc := aws.Permission{Principal: p.Get("Principal"), Action: p.Get("Action"), Resource: fn, SourceArn: p.Get("SourceArn"),
		SourceAccount: p.Get("SourceAccount"), OrgID: p.Get("PrincipalOrgID"), URLAuth: p.Get("FunctionUrlAuthType"),
		EventSourceToken: p.Get("EventSourceToken")}.Doc(r.Pos)
	rp.Doc = PolicyDocument(r.ID, model.PolicyGenerated, doc)
	rp.Doc.Pos = r.Pos
	t.Stack.ResourcePolicies = append(t.Stack.ResourcePolicies, rp)
}

func (t *Template) functionURL(r *RawResource) {
	r.Handled = true
	p := r.Properties
	ep := &model.EntryPoint{ID: r.ID, Pos: r.Pos, Kind: model.EntryFunctionURL, Function: t.FunctionRef(p.Get("TargetFunctionArn"))}
	ep.Auth = URLAuth(p.Get("AuthType"), r.Pos)
	ep.CORS = corsFromURL(p.Get("Cors"))
	t.Stack.EntryPoints = append(t.Stack.EntryPoints, ep)
}

// URLAuth maps a function URL's AuthType.
func URLAuth(v *model.Value, pos model.Pos) model.Auth {
	if v.IsSet() {
		pos = v.Pos
	}
	switch strings.ToUpper(v.String()) {
	case "NONE":
		return model.Auth{Type: model.AuthNone, Pos: pos}
	case "AWS_IAM":
		return model.Auth{Type: model.AuthIAM, Pos: pos}
	}
	return model.Auth{Type: model.AuthUnknown, Pos: pos}
}

func corsFromURL(c *model.Value) *model.CORS {
	if !c.IsSet() {
		return nil
	}
	return &model.CORS{Pos: c.Pos, AllowOrigins: c.Get("AllowOrigins"), AllowCredentials: c.Get("AllowCredentials"),
		AllowMethods: c.Get("AllowMethods"), AllowHeaders: c.Get("AllowHeaders")}
}

// triggerKindOfARN guesses an event source's kind from its resource or ARN.
func (t *Template) triggerKindOf(src *model.Value) (model.TriggerKind, string) {
	if id := t.RefTo(src); id != "" {
		switch t.byID[id].Type {
		case "AWS::SQS::Queue":
			return model.TriggerSQS, id
		case "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable", "AWS::DynamoDB::GlobalTable":
			return model.TriggerDynamoDB, id
		case "AWS::Kinesis::Stream":
			return model.TriggerKinesis, id
		case "AWS::MSK::Cluster":
			return model.TriggerKafka, id
		case "AWS::AmazonMQ::Broker":
			return model.TriggerMQ, id
		case "AWS::DocDB::DBCluster":
			return model.TriggerDocumentDB, id
		}
	}
	s := src.String()
	switch {
	case strings.Contains(s, ":sqs:"):
		return model.TriggerSQS, ""
	case strings.Contains(s, ":dynamodb:"):
		return model.TriggerDynamoDB, ""
	case strings.Contains(s, ":kinesis:"):
		return model.TriggerKinesis, ""
	case strings.Contains(s, ":kafka:"):
		return model.TriggerKafka, ""
	case strings.Contains(s, ":mq:"):
		return model.TriggerMQ, ""
	}
	return model.TriggerOther, ""
}

func (t *Template) eventSourceMapping(r *RawResource) {
	r.Handled = true
	p := r.Properties
	kind, src := t.triggerKindOf(p.Get("EventSourceArn"))
	if !p.Get("EventSourceArn").IsSet() && p.Has("SelfManagedEventSource") {
		kind = model.TriggerKafka
	}
	tr := &model.Trigger{ID: r.ID, Pos: r.Pos, Kind: kind, Function: t.FunctionRef(p.Get("FunctionName")),
		Source: src, SourceValue: p.Get("EventSourceArn"), Filter: p.Get("FilterCriteria"),
		Enabled: p.Get("Enabled"), BatchSize: p.Get("BatchSize"),
		OnFailure: p.Path("DestinationConfig", "OnFailure", "Destination")}
	t.Stack.Triggers = append(t.Stack.Triggers, tr)
}

// trigger records a function trigger whose target is fnVal.
func (t *Template) trigger(r *RawResource, kind model.TriggerKind, fnVal, src, filter *model.Value, id string) {
	r.Handled = true
	fid := t.FunctionRef(fnVal)
	if fid == "" {
		return
	}
	tr := &model.Trigger{ID: id, Pos: r.Pos, Kind: kind, Function: fid, SourceValue: src, Filter: filter, Source: t.RefTo(src)}
	t.Stack.Triggers = append(t.Stack.Triggers, tr)
}

func (t *Template) eventRule(r *RawResource) {
	r.Handled = true
	p := r.Properties
	kind := model.TriggerEventBridge
	if p.Has("ScheduleExpression") {
		kind = model.TriggerSchedule
	}
	for i, target := range p.Get("Targets").Elems() {
		fid := t.FunctionRef(target.Get("Arn"))
		if fid == "" {
			continue
		}
		tr := &model.Trigger{ID: r.ID + "/" + target.Get("Id").String(), Pos: target.Pos, Kind: kind, Function: fid,
			SourceValue: p.Get("EventBusName"), Source: t.RefTo(p.Get("EventBusName")), Filter: p.Get("EventPattern"),
			Schedule: p.Get("ScheduleExpression"), Enabled: p.Get("State"),
			OnFailure: target.Path("DeadLetterConfig", "Arn")}
		if target.Get("Id").String() == "" {
			tr.ID = r.ID + "/" + itoa(i)
		}
		t.Stack.Triggers = append(t.Stack.Triggers, tr)
	}
}

func (t *Template) resourcePolicy(r *RawResource, kind model.ResourcePolicyKind, targets, doc *model.Value) {
	r.Handled = true
	rp := &model.ResourcePolicy{ID: r.ID, Pos: r.Pos, Kind: kind, TargetValues: targets.Elems()}
	for _, tv := range targets.Elems() {
		for _, id := range tv.AllRefs() {
			if _, ok := t.byID[id]; ok {
				rp.Targets = append(rp.Targets, id)
			}
		}
	}
	rp.Targets = model.SortedUnique(rp.Targets)
	rp.Doc = PolicyDocument(r.ID, model.PolicyResource, doc)
	for _, id := range rp.Targets {
		if st := t.Stack.Store(id); st != nil {
			st.Policy = rp.Doc
		}
	}
	t.Stack.ResourcePolicies = append(t.Stack.ResourcePolicies, rp)
}

// linkLogGroups ties functions to the log groups of the stack they log
// to: a LoggingConfig.LogGroup that refers to or names a declared log
// group, or a log group named /aws/lambda/<function name> (the name
// compared as written, so that !Sub "${AWS::StackName}-worker" on both
// sides matches).
func (t *Template) linkLogGroups() {
	link := func(f *model.Function, st *model.Store) {
		f.LogGroup = st.ID
		f.LogRetention = st.Attr(model.AttrRetentionDays)
	}
	for _, f := range t.Stack.Functions {
		r := t.byID[f.ID]
		if r == nil {
			continue
		}
		lc := r.Properties.Path("LoggingConfig", "LogGroup")
		if !lc.IsSet() {
			continue
		}
		if st := t.Stack.Store(t.RefTo(lc, "AWS::Logs::LogGroup")); st != nil {
			link(f, st)
			continue
		}
		for _, st := range t.Stack.Stores {
			if st.Kind == model.StoreLogGroup && st.Name.IsSet() && st.Name.String() == lc.String() {
				link(f, st)
				break
			}
		}
	}
	for _, st := range t.Stack.Stores {
		if st.Kind != model.StoreLogGroup {
			continue
		}
		name := st.Name
		if !strings.HasPrefix(name.String(), "/aws/lambda/") {
			continue
		}
		var fid string
		for _, id := range name.AllRefs() {
			if t.Stack.Function(id) != nil {
				fid = id
			}
		}
		if fid == "" {
			suffix := strings.TrimPrefix(name.String(), "/aws/lambda/")
			for _, f := range t.Stack.Functions {
				if f.Name.IsSet() && f.Name.String() == suffix && (f.Name.IsResolved() || strings.Contains(suffix, "${")) {
					fid = f.ID
				}
			}
		}
		if f := t.Stack.Function(fid); f != nil && (f.LogGroup == "" || f.LogGroup == st.ID) {
			link(f, st)
		}
	}
}
