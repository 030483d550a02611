package sam

import (
	"strconv"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// function translates an AWS::Serverless::Function and its execution role.
func (x *translator) function(r *cfn.RawResource) {
	p := r.Properties
	f := &model.Function{
		ID: r.ID, Pos: r.Pos,
		Name: p.Get("FunctionName"), Runtime: p.Get("Runtime"), Handler: p.Get("Handler"),
		PackageType: p.Get("PackageType"), MemorySize: p.Get("MemorySize"), Timeout: p.Get("Timeout"),
		Architectures: p.Get("Architectures"), ReservedConcurrency: p.Get("ReservedConcurrentExecutions"),
		ProvisionedConcurrency: p.Path("ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions"),
		Tracing:                p.Get("Tracing"), KMSKey: p.Get("KmsKeyArn"),
		DeadLetter:       p.Path("DeadLetterQueue", "TargetArn"),
		Layers:           p.Get("Layers").Elems(),
		AutoPublishAlias: p.Get("AutoPublishAlias"), DeploymentPreference: p.Get("DeploymentPreference"),
		Tags: cfn.Tags(p.Get("Tags")),
	}
	if kindOf(f.Tracing) == model.Map {
		f.Tracing = nil // not a SAM shape; ignore
	}
	switch {
	case p.Has("InlineCode"):
		f.InlineCode = p.Get("InlineCode")
	case p.Has("ImageUri"):
		f.CodeURI = p.Get("ImageUri")
		if !f.PackageType.IsSet() {
			f.PackageType = model.NewString("Image", p.Get("ImageUri").Pos)
		}
	case p.Has("CodeUri"):
		f.CodeURI = p.Get("CodeUri")
	}
	if strings.EqualFold(f.PackageType.String(), "Image") {
		// sam build makes the image from local sources named in the
		// resource's Metadata; sam deploy pushes it and rewrites
		// ImageUri.
		for _, k := range []string{"Dockerfile", "DockerContext"} {
			if v := r.Metadata.Get(k); v.IsSet() {
				f.ImageBuild = v
				break
			}
		}
	}
	for _, ev := range p.Path("Environment", "Variables").Entries() {
		f.Environment = append(f.Environment, model.EnvVar{Name: ev.Key, Pos: ev.KeyPos, Value: ev.Value})
	}
	if vpc := p.Get("VpcConfig"); vpc.IsSet() {
		f.VPC = &model.VPC{Pos: vpc.Pos, SubnetIDs: vpc.Get("SubnetIds"), SecurityGroups: vpc.Get("SecurityGroupIds")}
	}
	eic := p.Get("EventInvokeConfig")
	f.OnFailure = destination(eic.Path("DestinationConfig", "OnFailure"))
	f.OnSuccess = destination(eic.Path("DestinationConfig", "OnSuccess"))
	f.MaxRetries = eic.Get("MaximumRetryAttempts")
	f.MaxEventAge = eic.Get("MaximumEventAgeInSeconds")
	// Settings without a model field that rules may want: RecursiveLoop
	// (Allow turns off Lambda's recursive-loop detection), ephemeral
	// storage, SnapStart, logging and runtime management.
	var settings []model.Field
	for _, key := range []string{"RecursiveLoop", "EphemeralStorage", "SnapStart", "LoggingConfig", "RuntimeManagementConfig", "CodeSigningConfigArn", "FileSystemConfigs"} {
		if v := p.Get(key); v.IsSet() {
			settings = append(settings, model.Field{Key: key, KeyPos: v.Pos, Value: v})
		}
	}
	if len(settings) > 0 {
		f.Settings = model.NewMap(settings, r.Pos)
	}
	if lc := p.Path("LoggingConfig", "LogGroup"); lc.IsSet() {
		if id := x.t.RefTo(lc, "AWS::Logs::LogGroup"); id != "" {
			f.LogGroup = id
		}
	}
	x.st.Functions = append(x.st.Functions, f)

	if alias := f.AutoPublishAlias; alias.IsSet() {
		x.addGenerated(r.ID+"Alias"+alias.String(), "AWS::Lambda::Alias", r.ID, alias.Pos, nil)
		x.addGenerated(r.ID+"Version", "AWS::Lambda::Version", r.ID, alias.Pos, nil)
	}
	if dp := f.DeploymentPreference; dp.IsSet() {
		x.addGenerated(r.ID+"DeploymentGroup", "AWS::CodeDeploy::DeploymentGroup", r.ID, dp.Pos, nil)
		x.addGenerated("ServerlessDeploymentApplication", "AWS::CodeDeploy::Application", r.ID, dp.Pos, nil)
		if !dp.Has("Role") {
			x.addGenerated("CodeDeployServiceRole", "AWS::IAM::Role", r.ID, dp.Pos, nil)
		}
	}
	if eic.IsSet() {
		x.addGenerated(r.ID+"EventInvokeConfig", "AWS::Lambda::EventInvokeConfig", r.ID, eic.Pos, nil)
	}
	if url := p.Get("FunctionUrlConfig"); url.IsSet() {
		x.functionURL(r, url)
	}
	if role := p.Get("Role"); role.IsSet() {
		x.setRole(f, role)
		if pol := p.Get("Policies"); pol.IsSet() {
			x.t.Infof(pol.Pos, "function %s: Policies are ignored because Role is set", r.ID)
		}
		return
	}
	if d := x.t.Resource(r.ID + "Role"); d != nil {
		// CloudFormation would reject the duplicate logical ID.
		x.t.Errorf(d.Pos, "resource %s has the logical ID SAM gives the execution role of function %s (which sets no Role)", d.ID, r.ID)
		if d.Type == "AWS::IAM::Role" {
			f.Role = d.ID
		}
		return
	}
	role := x.implicitLambdaRole(r, f)
	x.implicitRole[r.ID] = role
	f.Role = role.ID
}

// destination reads an EventInvokeConfig destination: its Destination, or
// its Type when SAM creates the destination.
func destination(d *model.Value) *model.Value {
	if !d.IsSet() {
		return nil
	}
	if v := d.Get("Destination"); v.IsSet() {
		return v
	}
	return d.Get("Type")
}

// setRole points a function at the role named by Role: a role in the
// stack (declared or generated), else an external ARN.
func (x *translator) setRole(f *model.Function, role *model.Value) {
	if id := x.t.RefTo(role, "AWS::IAM::Role"); id != "" {
		f.Role = id
		return
	}
	for _, id := range role.AllRefs() {
		if r := x.t.Resource(id); r != nil && r.Type == "AWS::IAM::Role" {
			f.Role = id
			return
		}
		if x.st.Role(id) != nil || x.isGeneratedRole(id) {
			// Another function's or state machine's generated role.
			f.Role = id
			return
		}
	}
	f.RoleARN = role
}

// isGeneratedRole reports whether id is the implicit role SAM generates
// for a function or state machine that sets no Role.
func (x *translator) isGeneratedRole(id string) bool {
	owner, ok := strings.CutSuffix(id, "Role")
	if !ok {
		return false
	}
	r := x.t.Resource(owner)
	return r != nil && (r.Type == "AWS::Serverless::Function" || r.Type == "AWS::Serverless::StateMachine") && !r.Properties.Has("Role")
}

// Managed policies whose ARN has a path (SAM resolves names to ARNs).
var managedPaths = map[string]string{
	"AWSLambdaBasicExecutionRole":              "service-role/",
	"AWSLambdaVPCAccessExecutionRole":          "service-role/",
	"AWSLambdaSQSQueueExecutionRole":           "service-role/",
	"AWSLambdaDynamoDBExecutionRole":           "service-role/",
	"AWSLambdaKinesisExecutionRole":            "service-role/",
	"AWSLambdaMSKExecutionRole":                "service-role/",
	"AWSLambdaRole":                            "service-role/",
	"AWSLambdaENIManagementAccess":             "service-role/",
	"AWSLambdaBasicDurableExecutionRolePolicy": "service-role/",
	"AmazonAPIGatewayPushToCloudWatchLogs":     "service-role/",
	"AWSIoTRuleActions":                        "service-role/",
	"AWSConfigRulesExecutionRole":              "service-role/",
	"AWSAppSyncPushToCloudWatchLogs":           "service-role/",
	"AWSGlueServiceRole":                       "service-role/",
	"AmazonSSMAutomationRole":                  "service-role/",
	"AWSLambdaReplicator":                      "aws-service-role/",
	"AWSCodeDeployRoleForLambda":               "service-role/",
	"AWSCodeDeployRoleForLambdaLimited":        "service-role/",
}

// managedARN is the ARN of the AWS managed policy name.
func managedARN(name string, pos model.Pos) *model.Value {
	return model.NewString("arn:aws:iam::aws:policy/"+managedPaths[name]+name, pos)
}

// lambdaTrust is the trust policy SAM gives a function's role.
func trustDoc(pos model.Pos, services ...string) *model.Value {
	svc := model.NewList(nil, pos)
	for _, s := range services {
		svc.Items = append(svc.Items, model.NewString(s, pos))
	}
	st := fields(pos, "Effect", model.NewString("Allow", pos), "Principal", fields(pos, "Service", svc), "Action", strs(pos, "sts:AssumeRole"))
	return policyDoc(pos, st)
}

// implicitLambdaRole builds <Function>Role: trust in lambda.amazonaws.com,
// AWSLambdaBasicExecutionRole, the managed policies SAM adds for tracing,
// VPC access and event sources, the function's Policies, and inline
// policies for its dead-letter queue and destinations.
func (x *translator) implicitLambdaRole(r *cfn.RawResource, f *model.Function) *model.Role {
	p := r.Properties
	id := r.ID + "Role"
	role := &model.Role{ID: id, Pos: r.Pos, Implicit: true, Boundary: p.Get("PermissionsBoundary")}
	if doc := p.Get("AssumeRolePolicyDocument"); doc.IsSet() {
		role.Trust = cfn.PolicyDocument(id+" trust policy", model.PolicyInline, doc)
	} else {
		role.Trust = cfn.PolicyDocument(id+" trust policy", model.PolicyGenerated, trustDoc(r.Pos, "lambda.amazonaws.com"))
	}
	role.Policies = append(role.Policies, cfn.ManagedPolicy(managedARN("AWSLambdaBasicExecutionRole", r.Pos)))
	if tr := p.Get("Tracing"); tr.IsSet() && !strings.EqualFold(tr.String(), "Disabled") {
		role.Policies = append(role.Policies, cfn.ManagedPolicy(managedARN("AWSXrayWriteOnlyAccess", tr.Pos)))
	}
	if vpc := p.Get("VpcConfig"); vpc.IsSet() {
		role.Policies = append(role.Policies, cfn.ManagedPolicy(managedARN("AWSLambdaVPCAccessExecutionRole", vpc.Pos)))
	}
	x.addPolicies(role, p.Get("Policies"), id)
	if dlq := p.Get("DeadLetterQueue"); dlq.IsSet() {
		action := "sqs:SendMessage"
		if strings.EqualFold(dlq.Get("Type").String(), "SNS") {
			action = "sns:Publish"
		}
		doc := policyDoc(dlq.Pos, statement(dlq.Pos, "Allow", []string{action}, dlq.Get("TargetArn")))
		role.Policies = append(role.Policies, cfn.PolicyDocument(id+"DeadLetterQueuePolicy", model.PolicyGenerated, doc))
	}
	eic := p.Path("EventInvokeConfig", "DestinationConfig")
	for _, kind := range []string{"OnSuccess", "OnFailure"} {
		d := eic.Get(kind)
		if pd := destinationPolicy(id+"EventInvokeConfig"+kind+"Policy", d); pd != nil {
			role.Policies = append(role.Policies, pd)
		}
	}
	x.st.Roles = append(x.st.Roles, role)
	x.addGenerated(id, "AWS::IAM::Role", r.ID, r.Pos, nil)
	return role
}

// destinationPolicy is the inline policy SAM adds for an asynchronous or
// stream destination {Type, Destination}.
func destinationPolicy(name string, d *model.Value) *model.PolicyDoc {
	if !d.IsSet() {
		return nil
	}
	dest := d.Get("Destination")
	typ := strings.ToUpper(d.Get("Type").String())
	if !dest.IsSet() {
		return nil
	}
	if typ == "" {
		s := dest.String()
		switch {
		case strings.Contains(s, ":sqs:"):
			typ = "SQS"
		case strings.Contains(s, ":sns:"):
			typ = "SNS"
		case strings.Contains(s, ":lambda:"):
			typ = "LAMBDA"
		case strings.Contains(s, ":events:"):
			typ = "EVENTBRIDGE"
		case strings.Contains(s, ":s3:"):
			typ = "S3"
		}
	}
	var actions []string
	switch typ {
	case "SQS":
		actions = []string{"sqs:SendMessage"}
	case "SNS":
		actions = []string{"sns:Publish"}
	case "LAMBDA":
		actions = []string{"lambda:InvokeFunction"}
	case "EVENTBRIDGE":
		actions = []string{"events:PutEvents"}
	case "S3":
		actions = []string{"s3:PutObject", "s3:ListBucket"}
	default:
		return nil
	}
	doc := policyDoc(d.Pos, statement(d.Pos, "Allow", actions, dest))
	return cfn.PolicyDocument(name, model.PolicyGenerated, doc)
}

// addPolicies translates a Policies property of every shape: a managed
// policy name or ARN, an inline document, a SAM policy template, or a list
// mixing them.
func (x *translator) addPolicies(role *model.Role, pols *model.Value, roleID string) {
	if !pols.IsSet() {
		return
	}
	// A single inline document (a map with Statement) is one policy, not a
	// list of templates.
	items := pols.Elems()
	for i, pol := range items {
		name := roleID + "Policy" + strconv.Itoa(i)
		switch kindOf(pol) {
		case model.String:
			role.Policies = append(role.Policies, x.managed(pol))
		case model.Symbolic:
			role.Policies = append(role.Policies, x.managed(pol))
		case model.Map:
			if pol.Has("Statement") {
				role.Policies = append(role.Policies, cfn.PolicyDocument(name, model.PolicyInline, pol))
				continue
			}
			if len(pol.Fields) != 1 {
				x.t.Warnf(pol.Pos, "%s: a Policies entry must be a managed policy, a policy document or one SAM policy template", roleID)
				role.Policies = append(role.Policies, &model.PolicyDoc{Name: name, Pos: pol.Pos, Source: model.PolicyInline})
				continue
			}
			fd := pol.Fields[0]
			role.Policies = append(role.Policies, x.policyTemplate(fd.Key, fd.KeyPos, fd.Value))
		case model.Null:
		default:
			x.t.Warnf(pol.Pos, "%s: unsupported Policies entry of kind %s", roleID, pol.Kind)
		}
	}
}

// managed resolves a managed policy reference: an AWS managed policy name,
// an ARN, or a reference to an AWS::IAM::ManagedPolicy in the stack.
func (x *translator) managed(v *model.Value) *model.PolicyDoc {
	if id := x.t.RefTo(v, "AWS::IAM::ManagedPolicy"); id != "" {
		if mp := x.t.Resource(id); mp != nil {
			pd := cfn.PolicyDocument(id, model.PolicyStandalone, mp.Properties.Get("PolicyDocument"))
			pd.Ref = id
			return pd
		}
	}
	s := v.String()
	if v.Kind == model.String && !v.Unresolved && !strings.HasPrefix(s, "arn:") && s != "" {
		return cfn.ManagedPolicy(managedARN(s, v.Pos))
	}
	return cfn.ManagedPolicy(v)
}
