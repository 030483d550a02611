package serverless

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// The framework's defaults for AWS functions.
const (
	defaultMemoryMB       = 1024
	defaultTimeoutSeconds = 6
	perFunctionPlugin     = "serverless-iam-roles-per-function"
	vpcAccessPolicyARN    = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
)

// awsFn is one function being translated, with the statements its events
// add to its execution role.
type awsFn struct {
	key   string
	decl  *model.Value
	fn    *model.Function
	extra []*model.Value // statements the framework adds (event sources, DLQ, …)
	vpc   bool
	trace bool
}

// aws translates an AWS service.
func (b *builder) aws() {
	prov := b.doc.Get("provider")
	var fns []*awsFn
	for _, f := range b.fnOrder {
		if f.Value == nil || !is(f.Value, model.Map) {
			if f.Value.IsSet() {
				b.diag(f.KeyPos, model.DiagWarning, "function %s must be a mapping, got %s", f.Key, f.Value.Kind)
			}
			fn := &model.Function{ID: f.Key, Pos: f.KeyPos}
			fns = append(fns, &awsFn{key: f.Key, decl: model.NewMap(nil, f.KeyPos), fn: fn})
			b.st.Functions = append(b.st.Functions, fn)
			continue
		}
		af := b.awsFunction(f.Key, f.KeyPos, f.Value, prov)
		fns = append(fns, af)
		b.st.Functions = append(b.st.Functions, af.fn)
	}
	apis := newAPIs(b)
	for _, af := range fns {
		b.events(af, apis)
	}
	b.stateMachines(apis)
	apis.finish()
	b.roles(fns, prov)
}

func (b *builder) awsFunction(key string, kpos model.Pos, d, prov *model.Value) *awsFn {
	fn := &model.Function{ID: key, Pos: kpos}
	af := &awsFn{key: key, decl: d, fn: fn}
	fn.Name = b.get(d, "name")
	if !fn.Name.IsSet() {
		fn.Name = b.defaultName(key, kpos)
	}
	fn.Handler = b.get(d, "handler")
	fn.Runtime = first(b.get(d, "runtime"), b.get(prov, "runtime"))
	if img := d.Get("image"); img.IsSet() {
		fn.PackageType = model.NewString("Image", img.Pos)
		if is(img, model.Map) {
			fn.CodeURI = first(b.get(img, "uri"), b.get(img, "name"))
		} else {
			fn.CodeURI = b.cfnValue(img)
		}
	} else {
		fn.CodeURI = first(b.get(d, "package", "artifact"), b.get(prov, "package", "artifact"))
	}
	fn.MemorySize = first(b.get(d, "memorySize"), b.get(prov, "memorySize"))
	if fn.MemorySize == nil {
		fn.MemorySize = model.NewNumber(strconv.Itoa(defaultMemoryMB), kpos)
	}
	fn.Timeout = first(b.get(d, "timeout"), b.get(prov, "timeout"))
	if fn.Timeout == nil {
		fn.Timeout = model.NewNumber(strconv.Itoa(defaultTimeoutSeconds), kpos)
	}
	if arch := first(b.get(d, "architecture"), b.get(prov, "architecture")); arch != nil {
		fn.Architectures = model.NewList([]*model.Value{arch}, arch.Pos)
	}
	fn.Environment = mergeEnv(b.get(prov, "environment"), b.get(d, "environment"))
	if tr := first(b.get(d, "tracing"), b.get(prov, "tracing", "lambda")); tr != nil {
		fn.Tracing = tracingMode(tr)
		af.trace = fn.Tracing.String() == "Active" || fn.Tracing.String() == "PassThrough"
	}
	fn.KMSKey = first(b.get(d, "kmsKeyArn"), b.get(prov, "kmsKeyArn"))
	if vpc := first(d.Get("vpc"), prov.Get("vpc")); vpc.IsSet() && is(vpc, model.Map) {
		fn.VPC = &model.VPC{Pos: vpc.Pos, SubnetIDs: b.get(vpc, "subnetIds"), SecurityGroups: b.get(vpc, "securityGroupIds")}
		af.vpc = true
	}
	fn.ReservedConcurrency = b.get(d, "reservedConcurrency")
	fn.ProvisionedConcurrency = b.get(d, "provisionedConcurrency")
	fn.DeadLetter = b.get(d, "onError")
	if dl := fn.DeadLetter; dl.IsSet() {
		af.extra = append(af.extra, statement(dl.Pos, b.destinationActions(dl, "sns:Publish"), dl))
	}
	if dst := d.Get("destinations"); is(dst, model.Map) {
		fn.OnSuccess = b.destination(dst.Get("onSuccess"))
		fn.OnFailure = b.destination(dst.Get("onFailure"))
		for _, v := range []*model.Value{fn.OnSuccess, fn.OnFailure} {
			if v.IsSet() {
				af.extra = append(af.extra, statement(v.Pos, b.destinationActions(v, "lambda:InvokeFunction"), v))
			}
		}
	}
	fn.MaxEventAge = b.get(d, "maximumEventAge")
	fn.MaxRetries = b.get(d, "maximumRetryAttempts")
	for _, l := range first(d.Get("layers"), prov.Get("layers")).Elems() {
		fn.Layers = append(fn.Layers, b.cfnValue(l))
	}
	fn.LogRetention = first(b.get(d, "logRetentionInDays"), b.get(prov, "logRetentionInDays"))
	fn.Tags = append(cfn.Tags(b.get(prov, "tags")), cfn.Tags(b.get(d, "tags"))...)
	for _, tg := range fn.Tags {
		switch strings.ToLower(tg.Key) {
		case "team", "owner", "group":
			if fn.Group == "" && tg.Value.IsResolved() {
				fn.Group = tg.Value.String()
			}
		}
	}
	if u := d.Get("url"); u.IsSet() && !(is(u, model.Bool) && !isTrue(u)) {
		b.functionURL(key, u)
	}
	return af
}

// defaultName is the framework's function name: service-stage-key.
func (b *builder) defaultName(key string, pos model.Pos) *model.Value {
	parts := []*model.Value{b.service, b.stage}
	var s strings.Builder
	unresolved := false
	var sources []string
	for _, p := range parts {
		if !p.IsSet() {
			return nil
		}
		s.WriteString(p.String())
		s.WriteByte('-')
		if p.Unresolved {
			unresolved = true
			sources = append(sources, p.Source)
		}
	}
	s.WriteString(key)
	v := model.NewString(s.String(), pos)
	if unresolved {
		v.Unresolved = true
		v.Source = strings.Join(model.SortedUnique(sources), ", ")
	}
	return v
}

// mergeEnv merges provider and function environment variables; the
// function's win.
func mergeEnv(prov, fn *model.Value) []model.EnvVar {
	var out []model.EnvVar
	idx := map[string]int{}
	for _, m := range []*model.Value{prov, fn} {
		for _, f := range m.Entries() {
			ev := model.EnvVar{Name: f.Key, Pos: f.KeyPos, Value: f.Value}
			if i, ok := idx[f.Key]; ok {
				out[i] = ev
				continue
			}
			idx[f.Key] = len(out)
			out = append(out, ev)
		}
	}
	return out
}

// tracingMode maps tracing: true|Active|PassThrough|false.
func tracingMode(v *model.Value) *model.Value {
	if b, ok := v.AsBool(); ok {
		if b {
			return model.NewString("Active", v.Pos)
		}
		return model.NewString("PassThrough", v.Pos)
	}
	return v
}

// destination reads an onSuccess/onFailure destination: an ARN, a
// function key of this service, or {type, arn}.
func (b *builder) destination(v *model.Value) *model.Value {
	if is(v, model.Map) {
		v = v.Get("arn")
	}
	v = b.cfnValue(v)
	if !v.IsSet() {
		return nil
	}
	if is(v, model.String) && !v.Unresolved && !strings.HasPrefix(v.Str, "arn:") {
		if _, ok := b.fns[v.Str]; ok {
			c := *v
			c.Refs = []string{v.Str}
			return &c
		}
	}
	return v
}

// destinationActions is what the role needs to send to a destination
// or dead-letter target: decided by the referenced resource's type, else
// by the ARN's service; fallback is the action for unknown targets.
func (b *builder) destinationActions(v *model.Value, fallback string) []string {
	switch {
	case b.t.RefTo(v, "AWS::SQS::Queue") != "":
		return []string{"sqs:SendMessage"}
	case b.t.RefTo(v, "AWS::SNS::Topic") != "":
		return []string{"sns:Publish"}
	case b.t.RefTo(v, "AWS::Events::EventBus") != "":
		return []string{"events:PutEvents"}
	case b.functionIn(v) != "" || b.t.RefTo(v, "AWS::Lambda::Function") != "":
		return []string{"lambda:InvokeFunction"}
	}
	s := v.String()
	switch {
	case strings.Contains(s, ":sqs:"):
		return []string{"sqs:SendMessage"}
	case strings.Contains(s, ":sns:"):
		return []string{"sns:Publish"}
	case strings.Contains(s, ":events:"):
		return []string{"events:PutEvents"}
	case strings.Contains(s, ":lambda:"):
		return []string{"lambda:InvokeFunction"}
	}
	return []string{fallback}
}

// statement builds an Allow statement for actions on resources.
func statement(pos model.Pos, actions []string, resources ...*model.Value) *model.Value {
	acts := make([]*model.Value, len(actions))
	for i, a := range actions {
		acts[i] = model.NewString(a, pos)
	}
	var res []*model.Value
	for _, r := range resources {
		res = append(res, r.Elems()...)
	}
	return model.NewMap([]model.Field{
		{Key: "Effect", KeyPos: pos, Value: model.NewString("Allow", pos)},
		{Key: "Action", KeyPos: pos, Value: model.NewList(acts, pos)},
		{Key: "Resource", KeyPos: pos, Value: model.NewList(res, pos)},
	}, pos)
}

// policyDoc wraps statements into a policy document.
func policyDoc(pos model.Pos, stmts []*model.Value) *model.Value {
	return model.NewMap([]model.Field{
		{Key: "Version", KeyPos: pos, Value: model.NewString("2012-10-17", pos)},
		{Key: "Statement", KeyPos: pos, Value: model.NewList(stmts, pos)},
	}, pos)
}

// lambdaTrust is the execution role's trust policy.
func lambdaTrust(pos model.Pos) *model.PolicyDoc { return serviceTrust(pos, "lambda.amazonaws.com") }

// serviceTrust is a trust policy that lets one AWS service assume a role.
func serviceTrust(pos model.Pos, service string) *model.PolicyDoc {
	st := model.NewMap([]model.Field{
		{Key: "Effect", KeyPos: pos, Value: model.NewString("Allow", pos)},
		{Key: "Principal", KeyPos: pos, Value: model.NewMap([]model.Field{{Key: "Service", KeyPos: pos, Value: model.NewList([]*model.Value{model.NewString(service, pos)}, pos)}}, pos)},
		{Key: "Action", KeyPos: pos, Value: model.NewList([]*model.Value{model.NewString("sts:AssumeRole", pos)}, pos)},
	}, pos)
	return cfn.PolicyDocument("trust", model.PolicyGenerated, policyDoc(pos, []*model.Value{st}))
}

// logsStatements are the framework's default CloudWatch Logs permissions
// for the log groups /aws/lambda/<prefix>*.
func (b *builder) logsStatements(pos model.Pos, prefix *model.Value) []*model.Value {
	region := b.region.String()
	acct := "${AWS::AccountId}"
	arn := func(suffix string) *model.Value {
		v := model.NewString("arn:aws:logs:"+region+":"+acct+":log-group:/aws/lambda/"+prefix.String()+suffix, pos)
		v.Unresolved = true
		srcs := []string{"AWS::AccountId"}
		if b.region.Unresolved {
			srcs = append(srcs, b.region.Source)
		}
		if prefix.Unresolved {
			srcs = append(srcs, prefix.Source)
		}
		v.Source = strings.Join(model.SortedUnique(srcs), ", ")
		return v
	}
	return []*model.Value{
		statement(pos, []string{"logs:CreateLogStream", "logs:CreateLogGroup", "logs:TagResource"}, arn("*:*")),
		statement(pos, []string{"logs:PutLogEvents"}, arn("*:*:*")),
	}
}

// servicePrefix is "<service>-<stage>", the prefix of the default function
// names and log groups.
func (b *builder) servicePrefix(pos model.Pos) *model.Value {
	v := b.defaultName("", pos)
	if v == nil {
		return model.NewSymbol("service-stage", pos)
	}
	v.Str = strings.TrimSuffix(v.Str, "-")
	return v
}

// roles makes the execution roles: the shared IamRoleLambdaExecution for
// the functions without a role of their own, a role per function for the
// per-function-roles plugin, and external roles named by ARN.
func (b *builder) roles(fns []*awsFn, prov *model.Value) {
	iam := prov.Get("iam")
	roleDecl := iam.Get("role")
	if roleDecl == nil {
		roleDecl = prov.Get("role")
	}
	var provStatements, provManaged, boundary *model.Value
	var roleName *model.Value
	if is(roleDecl, model.Map) {
		provStatements = roleDecl.Get("statements")
		provManaged = roleDecl.Get("managedPolicies")
		boundary = b.get(roleDecl, "permissionsBoundary")
		roleName = b.get(roleDecl, "name")
	}
	if st := prov.Get("iamRoleStatements"); st.IsSet() {
		if provStatements.IsSet() {
			b.diag(st.Pos, model.DiagWarning, "provider.iamRoleStatements is ignored: provider.iam.role.statements is set")
		} else {
			provStatements = st
		}
	}
	if mp := prov.Get("iamManagedPolicies"); mp.IsSet() && !provManaged.IsSet() {
		provManaged = mp
	}
	if !boundary.IsSet() {
		boundary = first(b.get(prov, "rolePermissionsBoundary"), b.get(iam, "role", "permissionsBoundary"))
	}
	sharedCustom := (*model.Value)(nil)
	if roleDecl.IsSet() && !is(roleDecl, model.Map) {
		sharedCustom = b.cfnValue(roleDecl)
	}
	perFn := b.hasPlugin(perFunctionPlugin)
	defaultInherit := isTrue(b.doc.Path("custom", perFunctionPlugin, "defaultInherit"))

	var shared *model.Role
	var sharedExtra []*model.Value
	sharedVPC, sharedTrace := false, false
	for _, af := range fns {
		d := af.decl
		if r := d.Get("role"); r.IsSet() {
			af.fn.Role, af.fn.RoleARN = b.customRole(b.cfnValue(r))
			continue
		}
		if st := d.Get("iamRoleStatements"); st.IsSet() || d.Get("iamManagedPolicies").IsSet() {
			if perFn {
				b.functionRole(af, provStatements, provManaged, boundary, defaultInherit)
				continue
			}
			pos := d.Get("iamRoleStatements")
			if pos == nil {
				pos = d.Get("iamManagedPolicies")
			}
			b.diag(pos.Pos, model.DiagWarning, "function %s: iamRoleStatements needs the %s plugin, which is not listed in plugins; the framework ignores them", af.key, perFunctionPlugin)
		}
		if sharedCustom != nil {
			af.fn.Role, af.fn.RoleARN = b.customRole(sharedCustom)
			continue
		}
		if shared == nil {
			pos := model.Pos{File: b.file, Line: 1, Col: 1}
			if prov != nil {
				pos = prov.Pos
			}
			shared = &model.Role{ID: DefaultRoleID, Pos: pos, Implicit: true, Trust: lambdaTrust(pos), Boundary: boundary}
			shared.Name = roleName
			if shared.Name == nil {
				shared.Name = b.defaultRoleName(pos)
			}
		}
		af.fn.Role = DefaultRoleID
		sharedExtra = append(sharedExtra, af.extra...)
		sharedVPC = sharedVPC || af.vpc
		sharedTrace = sharedTrace || af.trace
	}
	if shared == nil {
		return
	}
	stmts := b.logsStatements(shared.Pos, b.servicePrefix(shared.Pos))
	shared.Policies = append(shared.Policies, cfn.PolicyDocument("serverless: CloudWatch Logs (default)", model.PolicyGenerated, policyDoc(shared.Pos, stmts)))
	if provStatements.IsSet() {
		shared.Policies = append(shared.Policies, b.inlinePolicy("provider.iam.role.statements", provStatements))
	}
	b.addGenerated(shared, sharedExtra, sharedTrace)
	for _, m := range b.cfnValue(provManaged).Elems() {
		shared.Policies = append(shared.Policies, cfn.ManagedPolicy(m))
	}
	if sharedVPC {
		shared.Policies = append(shared.Policies, cfn.ManagedPolicy(model.NewString(vpcAccessPolicyARN, shared.Pos)))
	}
	b.st.Roles = append(b.st.Roles, shared)
}

// addGenerated adds the statements the framework derives from events,
// destinations and tracing.
func (b *builder) addGenerated(role *model.Role, extra []*model.Value, trace bool) {
	if trace {
		extra = append(extra, statement(role.Pos, []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords"}, model.NewString("*", role.Pos)))
	}
	if len(extra) > 0 {
		role.Policies = append(role.Policies, cfn.PolicyDocument("serverless: event sources and destinations", model.PolicyGenerated, policyDoc(extra[0].Pos, extra)))
	}
}

func (b *builder) defaultRoleName(pos model.Pos) *model.Value {
	p := b.servicePrefix(pos)
	v := *p
	v.Str = p.Str + "-" + b.region.String() + "-lambdaRole"
	if b.region.Unresolved {
		v.Unresolved = true
		v.Source = strings.Join(model.SortedUnique([]string{v.Source, b.region.Source}), ", ")
	}
	return &v
}

// inlinePolicy wraps a statements list written in the service file.
func (b *builder) inlinePolicy(name string, stmts *model.Value) *model.PolicyDoc {
	r := b.cfnValue(stmts)
	var items []*model.Value
	switch {
	case r == nil:
	case is(r, model.List):
		items = r.Items
	default:
		items = []*model.Value{r}
	}
	return cfn.PolicyDocument(name, model.PolicyInline, policyDoc(stmts.Pos, items))
}

// customRole resolves a function's or the provider's role: a logical ID
// of a role in resources, !GetAtt Role.Arn, or an ARN of a role outside
// the stack (which becomes an External role).
func (b *builder) customRole(v *model.Value) (string, *model.Value) {
	if !v.IsSet() {
		return "", nil
	}
	if refs := v.AllRefs(); len(refs) > 0 {
		return refs[0], v
	}
	s := v.String()
	if is(v, model.String) && !v.Unresolved && !strings.HasPrefix(s, "arn:") {
		// A logical ID of a role declared under resources.
		return s, nil
	}
	id := s
	if b.st.Role(id) == nil {
		b.st.Roles = append(b.st.Roles, &model.Role{ID: id, Pos: v.Pos, ARN: v, External: true})
	}
	return id, v
}

// functionRole makes the per-function role of the
// serverless-iam-roles-per-function plugin.
func (b *builder) functionRole(af *awsFn, provStatements, provManaged, boundary *model.Value, defaultInherit bool) {
	d := af.decl
	pos := af.fn.Pos
	role := &model.Role{ID: NormalizeName(af.key) + DefaultRoleID, Pos: pos, Implicit: true, Trust: lambdaTrust(pos), Boundary: boundary}
	role.Name = b.get(d, "iamRoleStatementsName")
	prefix := af.fn.Name
	if prefix == nil {
		prefix = model.NewString(af.key, pos)
	}
	role.Policies = append(role.Policies, cfn.PolicyDocument("serverless: CloudWatch Logs (default)", model.PolicyGenerated, policyDoc(pos, b.logsStatements(pos, prefix))))
	inherit := defaultInherit
	if v, ok := d.Get("iamRoleStatementsInherit").AsBool(); ok {
		inherit = v
	}
	if inherit && provStatements.IsSet() {
		role.Policies = append(role.Policies, b.inlinePolicy("provider.iam.role.statements", provStatements))
	}
	if st := d.Get("iamRoleStatements"); st.IsSet() {
		role.Policies = append(role.Policies, b.inlinePolicy("functions."+af.key+".iamRoleStatements", st))
	}
	b.addGenerated(role, af.extra, af.trace)
	if inherit {
		for _, m := range b.cfnValue(provManaged).Elems() {
			role.Policies = append(role.Policies, cfn.ManagedPolicy(m))
		}
	}
	for _, m := range b.get(d, "iamManagedPolicies").Elems() {
		role.Policies = append(role.Policies, cfn.ManagedPolicy(m))
	}
	if af.vpc {
		role.Policies = append(role.Policies, cfn.ManagedPolicy(model.NewString(vpcAccessPolicyARN, pos)))
	}
	af.fn.Role = role.ID
	b.st.Roles = append(b.st.Roles, role)
}

// hasPlugin reports whether plugins (a list, or {modules: […]}) names p.
func (b *builder) hasPlugin(p string) bool {
	pl := b.doc.Get("plugins")
	if is(pl, model.Map) {
		pl = pl.Get("modules")
	}
	for _, s := range pl.AsStrings() {
		if s == p {
			return true
		}
	}
	return false
}

// functionURL makes the entry point of a function URL: url: true or
// {authorizer: aws_iam, cors: …}.
func (b *builder) functionURL(key string, u *model.Value) {
	ep := &model.EntryPoint{ID: key + " url", Pos: u.Pos, Kind: model.EntryFunctionURL, Function: key, Event: "url"}
	ep.Auth = model.Auth{Type: model.AuthNone, Pos: u.Pos}
	if is(u, model.Map) {
		if a := u.Get("authorizer"); a.IsSet() {
			switch {
			case strings.EqualFold(a.String(), "aws_iam"):
				ep.Auth = model.Auth{Type: model.AuthIAM, Pos: a.Pos}
			case strings.EqualFold(a.String(), "none"):
				ep.Auth = model.Auth{Type: model.AuthNone, Pos: a.Pos}
			default:
				ep.Auth = model.Auth{Type: model.AuthUnknown, Pos: a.Pos}
				b.diag(a.Pos, model.DiagWarning, "function %s: url authorizer %q is not none or aws_iam", key, a.String())
			}
		}
		if c := u.Get("cors"); c.IsSet() {
			ep.CORS = corsOf(c, []string{"allowedOrigins", "allowOrigins"}, []string{"allowCredentials"}, []string{"allowedMethods", "allowMethods"}, []string{"allowedHeaders", "allowHeaders"})
		}
	}
	b.st.EntryPoints = append(b.st.EntryPoints, ep)
	authType := "NONE"
	if ep.Auth.Type == model.AuthIAM {
		authType = "AWS_IAM"
	}
	b.permission(NormalizeName(key)+"LambdaPermissionFnUrl", key, "*", u.Pos, nil, nil, model.NewString(authType, u.Pos))
}

// corsOf reads a cors: true | {…} setting; true allows every origin.
func corsOf(c *model.Value, origins, creds, methods, headers []string) *model.CORS {
	if !c.IsSet() {
		return nil
	}
	if on, ok := c.AsBool(); ok {
		if !on {
			return nil
		}
		return &model.CORS{Pos: c.Pos, AllowOrigins: model.NewList([]*model.Value{model.NewString("*", c.Pos)}, c.Pos)}
	}
	pick := func(keys []string) *model.Value {
		for _, k := range keys {
			if v := c.Get(k); v != nil {
				return v
			}
		}
		return nil
	}
	cors := &model.CORS{Pos: c.Pos, AllowOrigins: pick(origins), AllowCredentials: pick(creds), AllowMethods: pick(methods), AllowHeaders: pick(headers)}
	if cors.AllowOrigins == nil {
		cors.AllowOrigins = model.NewList([]*model.Value{model.NewString("*", c.Pos)}, c.Pos)
	}
	return cors
}

// fmtIndex names the i-th event of a function.
func fmtIndex(key, typ string, i int) string { return fmt.Sprintf("%s %s %d", key, typ, i) }
