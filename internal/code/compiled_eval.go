package code

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// What the Go and Java analyses share: the event's fields under their
// SDK names, the AWS SDK's service packages, scopes with assignment to
// enclosing variables.

// canonFields maps the lower-cased name of an event field to the names
// the source rules use (the event's JSON keys): the Go events types and
// the Java events getters name the same fields with other cases
// (QueryStringParameters, getSNS()).
var canonFields = func() map[string][]string {
	m := map[string][]string{}
	add := func(k, v string) {
		for _, x := range m[k] {
			if x == v {
				return
			}
		}
		m[k] = append(m[k], v)
	}
	for _, r := range sourceRules {
		for _, p := range r.path {
			if p != "*" && !strings.HasSuffix(p, "()") {
				add(strings.ToLower(p), p)
			}
		}
	}
	// aws-lambda-go names DynamoDB stream records' "dynamodb" Change, and
	// aws-lambda-java-events has the URL-decoded object key.
	add("change", "dynamodb")
	add("urldecodedkey", "key")
	return m
}()

// extendField returns the value of field (or getter) name of v, matching
// event fields whatever their case.
func (a *analysis) extendField(v val, name string, fi *fileInfo, at *node) val {
	if v.evt != nil {
		for _, c := range canonFields[strings.ToLower(name)] {
			if r := a.extend(v, c, fi, at); r.t != nil || r.evt != nil {
				return r
			}
		}
		return val{}
	}
	if v.t != nil {
		return val{t: v.t}
	}
	return val{}
}

// setVar assigns v to name: in the innermost scope that has it (an
// assignment to a variable of an enclosing function or of the package),
// or in s when none has (a declaration).
func setVar(s *scope, name string, v val, declare bool) {
	if !declare {
		for c := s; c != nil; c = c.parent {
			if _, ok := c.vars[name]; ok {
				c.vars[name] = v
				return
			}
		}
	}
	s.vars[name] = v
}

// noteLiteral records a string constant assigned to a name when it looks
// like a credential, for the secret rules.
func (a *analysis) noteLiteral(fi *fileInfo, name string, v *node, str string) {
	if v == nil || len(str) < 8 || len(str) > 4096 {
		return
	}
	if len(secretDetector.Find(name, str)) == 0 {
		return
	}
	p := fi.pos(v)
	a.rec.setStr(p.String(), model.CodeString{Name: name, Value: str, Pos: p})
}

// publicACLAt records an object written with a public canned ACL, named
// by acl (a string or an SDK constant).
func (a *analysis) publicACLAt(fi *fileInfo, call, aclNode *node, acl, what string) {
	v := ""
	switch strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(acl)) {
	case "publicread", "objectcannedaclpublicread", "cannedaccesscontrollistpublicread", "bucketcannedaclpublicread":
		v = "public-read"
	case "publicreadwrite", "objectcannedaclpublicreadwrite", "cannedaccesscontrollistpublicreadwrite", "bucketcannedaclpublicreadwrite":
		v = "public-read-write"
	case "authenticatedread", "objectcannedaclauthenticatedread", "cannedaccesscontrollistauthenticatedread":
		v = "authenticated-read"
	default:
		return
	}
	pos := fi.pos(aclNode)
	key := string(model.FlowPublicWrite) + "\x00" + pos.String()
	a.rec.setFlow(key, flowRec{f: model.Flow{Kind: model.FlowPublicWrite, Source: "ACL " + v, Sink: what, Certain: true,
		Steps: []model.FlowStep{{Pos: pos, Note: "ACL " + v}, {Pos: fi.pos(call), Note: "sink: " + what}}}})
}

// sdkServices maps the AWS SDK package names of Go (service/NAME) and
// Java (services.NAME) that differ from their IAM prefix.
var sdkServices = map[string]string{
	"sfn": "states", "eventbridge": "events", "cloudwatchevents": "events", "cognitoidentityprovider": "cognito-idp",
	"sesv2": "ses", "cloudwatchlogs": "logs", "apigatewaymanagementapi": "execute-api", "rdsdata": "rds-data",
	"dynamodbstreams": "dynamodb", "dynamodbv2": "dynamodb", "bedrockruntime": "bedrock", "bedrockagentruntime": "bedrock",
	"simpleemail": "ses", "simpleemailv2": "ses", "stepfunctions": "states", "secretsmanager": "secretsmanager",
	"simplesystemsmanagement": "ssm", "kinesisfirehose": "firehose", "elasticloadbalancingv2": "elasticloadbalancing",
	"iotdataplane": "iot", "lexruntimev2": "lex", "timestreamwrite": "timestream", "timestreamquery": "timestream",
	"cognitoidp": "cognito-idp", "logs": "logs", "iamv2": "iam",
}

// sdkService returns the IAM prefix of an SDK package name.
func sdkService(pkg string) string {
	pkg = strings.ToLower(pkg)
	if m, ok := sdkServices[pkg]; ok {
		return m
	}
	return pkg
}

// sdkOp normalises an SDK method name to the API operation it calls
// (PutItem for putItem, PutItemWithContext, PutItemRequest, ScanPages),
// and maps operations whose IAM action is named otherwise; "" when the
// catalog knows no such action.
func sdkOp(service, method string) string {
	op := method
	for _, suf := range []string{"WithContext", "Request", "Async"} {
		op = strings.TrimSuffix(op, suf)
	}
	if strings.HasSuffix(op, "Pages") && len(op) > 5 {
		op = strings.TrimSuffix(op, "Pages")
	}
	op = strings.TrimSuffix(op, "Paginator")
	op = strings.TrimSuffix(op, "Iterable")
	op = strings.TrimPrefix(op, "Presign")
	op = strings.TrimPrefix(op, "presign")
	if op == "" {
		return ""
	}
	op = strings.ToUpper(op[:1]) + op[1:]
	if m := jsOps[service+"."+op]; m != "" {
		op = m
	}
	if service == "dynamodb" && (op == "ExecuteStatement" || op == "BatchExecuteStatement") {
		op = "PartiQLSelect"
	}
	if !knownAction(service, op) {
		return ""
	}
	return op
}

// resourceParam reports whether a request field names the resource an
// operation acts on (TableName, tableName, withTableName, Bucket, …).
func resourceParam(name string) bool {
	name = strings.TrimPrefix(name, "with")
	if name == "" {
		return false
	}
	up := strings.ToUpper(name[:1]) + name[1:]
	for _, k := range resourceParams {
		if k == up {
			return true
		}
	}
	return false
}

// evalCompiled evaluates a Go or Java expression; ok is false for the
// kinds the common evaluator handles the same way (binary and ternary
// expressions, parentheses).
func (a *analysis) evalCompiled(fi *fileInfo, n *node, s *scope, depth int) (val, bool) {
	if fi.lang == model.FormatGo {
		return a.evalGo(fi, n, s, depth)
	}
	return a.evalJava(fi, n, s, depth)
}

// stmtCompiled runs a Go or Java statement.
func (a *analysis) stmtCompiled(fi *fileInfo, n *node, s *scope, depth int, handler bool, ret *val) {
	if fi.lang == model.FormatGo {
		a.stmtGo(fi, n, s, depth, handler, ret)
		return
	}
	a.stmtJava(fi, n, s, depth, handler, ret)
}

// compiledParams returns the parameter names of a Go or Java function.
func compiledParams(fi *fileInfo, fn *node) []string {
	names, _ := compiledSignature(fi, fn)
	return names
}

// compiledSignature returns the names and type nodes of a Go or Java
// function's parameters, in order ("" and nil where not written).
func compiledSignature(fi *fileInfo, fn *node) (names []string, types []*node) {
	ps := fn.child("parameters")
	if ps == nil {
		return nil, nil
	}
	if ps.typ() == "identifier" { // Java x -> …
		return []string{fi.text(ps)}, []*node{nil}
	}
	add := func(name string, t *node) {
		names = append(names, name)
		types = append(types, t)
	}
	for p := range ps.eachNamed() {
		switch p.typ() {
		case "parameter_declaration", "variadic_parameter_declaration":
			n := 0
			for k := range p.eachNamed() {
				if k.field() == "name" {
					add(fi.text(k), p.child("type"))
					n++
				}
			}
			if n == 0 {
				add("", p.child("type"))
			}
		case "formal_parameter", "spread_parameter", "receiver_parameter":
			name := ""
			if nm := p.child("name"); nm != nil {
				name = fi.text(nm)
			} else if d := firstOfType(p, "variable_declarator"); d != nil {
				name = fi.text(d.child("name"))
			}
			add(name, p.child("type"))
		case "identifier": // Java (x, y) -> …
			add(fi.text(p), nil)
		case "inferred_parameters":
			for k := range p.eachNamed() {
				add(fi.text(k), nil)
			}
		}
	}
	return names, types
}

// compiledEventParam returns the index of the handler parameter that
// receives the event: the first that is not the context (Go
// context.Context, Java Context), or -1.
func compiledEventParam(fi *fileInfo, fn *node) int {
	names, ts := compiledSignature(fi, fn)
	for i, t := range ts {
		tt := fi.text(t)
		if tt == "context.Context" || tt == "Context" || strings.HasSuffix(tt, ".Context") || i >= len(names) || names[i] == "" || names[i] == "_" {
			continue
		}
		if fi.lang == model.FormatJava && (tt == "OutputStream" || strings.HasSuffix(tt, ".OutputStream")) {
			continue
		}
		return i
	}
	return -1
}

// compiledHandler returns the function named name in a Go or Java file:
// the function main() passes to lambda.Start, a top-level function, a
// method (Type.Method, or a method name when one type has it).
func (fi *fileInfo) compiledHandler(name string) *node {
	if name == "lambda.Start" && fi.x != nil {
		return fi.x.start
	}
	if fn := fi.funcs[name]; fn != nil {
		return fn
	}
	if fi.lang == model.FormatGo {
		if fi.x != nil && fi.x.start != nil && fi.funcs["main"] != nil {
			// The handler passed to lambda.Start through a wrapper.
			if h := fi.x.start; h.typ() != "func_literal" {
				return h
			}
		}
		return fi.goMethod(name)
	}
	return fi.javaMethod(name)
}

// packageScope binds in a Go or Java file's global scope the functions of
// the other files of its package, and runs the package's initialisation
// (Go init() and the main() before lambda.Start; Java field initialisers,
// static blocks and constructors, run by stmtJava).
func (a *analysis) packageScope(fi *fileInfo, s *scope) {
	if fi.x == nil {
		return
	}
	for _, p := range fi.x.pkgFiles {
		lf := a.sh.files[p]
		if lf == nil || lf.funcs == nil {
			continue
		}
		for name, fn := range lf.funcs {
			if _, ok := s.vars[name]; !ok && !strings.Contains(name, ".") && name != "main" && name != "init" {
				s.vars[name] = val{fn: &fnRef{file: lf, n: fn}}
			}
		}
	}
	// The package-level variables of the other files (their clients,
	// configuration read from the environment), once their initialisation
	// has run. A file whose scope is being built already (a cycle) gives
	// what it has so far.
	if fi.lang != model.FormatGo || a.sh.frozen {
		return
	}
	for _, p := range fi.x.pkgFiles {
		lf := a.sh.files[p]
		if lf == nil || lf.root == nil {
			continue
		}
		for name, v := range a.moduleScope(lf).vars {
			if _, ok := s.vars[name]; !ok {
				s.vars[name] = v
			}
		}
	}
}

// localFunc returns a function of the package of the file a "$local:"
// qualifier names, or a method of one of its types.
func (a *analysis) localFunc(qual, name string) *fnRef {
	lf := a.sh.files[strings.TrimPrefix(qual, "$local:")]
	if lf == nil {
		return nil
	}
	cands := []*fileInfo{lf}
	if lf.x != nil {
		for _, p := range lf.x.pkgFiles {
			if o := a.sh.files[p]; o != nil {
				cands = append(cands, o)
			}
		}
	}
	for _, c := range cands {
		if fn := c.funcs[name]; fn != nil {
			return &fnRef{file: c, n: fn}
		}
	}
	return nil
}

// methodOf returns the method name of a type of fi's package (fi and its
// sibling files) when one type has it.
func (a *analysis) methodOf(fi *fileInfo, name string) *fnRef {
	cands := []*fileInfo{fi}
	if fi.x != nil {
		for _, p := range fi.x.pkgFiles {
			if o := a.sh.files[p]; o != nil {
				cands = append(cands, o)
			}
		}
	}
	var found *fnRef
	n := 0
	for _, c := range cands {
		for k, fn := range c.funcs {
			if strings.HasSuffix(k, "."+name) {
				found = &fnRef{file: c, n: fn}
				n++
			}
		}
	}
	if n == 1 {
		return found
	}
	return nil
}
