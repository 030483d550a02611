package code

import (
	"context"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// taint is data an outsider controls (or an error's stack trace) and the
// way it travelled.
type taint struct {
	source  string
	trigger string
	stack   bool // an error's stack trace, not event data
	steps   *stepList
	unsure  bool // passed through something the analysis cannot follow
	built   bool // went through string building (concatenation, format, interpolation)
	safePre bool // the value's leading text is a constant scheme://host/ (an URL whose host is fixed)
	// param > 0 marks a placeholder for the taint of the param-th
	// parameter of a function being summarised (see summary.go).
	param int
}

func (t *taint) with(step model.FlowStep) *taint {
	if t == nil {
		return nil
	}
	if l := t.steps; l == nil || l.step != step && l.n < maxSteps {
		// The copy and its new step in one allocation.
		c := &taintStep{t: *t, l: stepList{step: step, prev: l, n: l.len() + 1}}
		c.t.steps = &c.l
		return &c.t
	}
	c := *t
	c.steps = t.steps.push(step)
	return &c
}

// taintStep is a taint and the step it adds, allocated together.
type taintStep struct {
	t taint
	l stepList
}

// stepList is an immutable list of flow steps, newest first: taints
// derived from one another share their common steps instead of copying
// them at every step.
type stepList struct {
	step model.FlowStep
	prev *stepList
	n    int // the number of steps
}

// oneStep returns the list of the single step st.
func oneStep(st model.FlowStep) *stepList { return &stepList{step: st, n: 1} }

func (l *stepList) len() int {
	if l == nil {
		return 0
	}
	return l.n
}

// push returns l with st appended: unchanged when st repeats the last
// step; the last step replaced when l has maxSteps steps already.
func (l *stepList) push(st model.FlowStep) *stepList {
	switch {
	case l == nil:
		return oneStep(st)
	case l.step == st:
		return l
	case l.n >= maxSteps:
		return &stepList{step: st, prev: l.prev, n: l.n}
	}
	return &stepList{step: st, prev: l, n: l.n + 1}
}

// slice returns the steps, oldest first.
func (l *stepList) slice() []model.FlowStep {
	if l == nil {
		return nil
	}
	out := make([]model.FlowStep, l.n)
	for i, c := l.n-1, l; c != nil && i >= 0; i, c = i-1, c.prev {
		out[i] = c.step
	}
	return out
}

const maxSteps = 12

// val is the abstract value of an expression.
type val struct {
	t *taint
	// evt is the path of a part of the event object that is not itself a
	// source (event, event.Records[*], record.s3), nil otherwise.
	evt []string
	// qual is the qualified name of a module or module member
	// ("subprocess", "os.path.join", "child_process.exec").
	qual string
	// client is an AWS SDK client, resource or table handle.
	client *sdkClient
	// env is the environment variable the value was read from.
	env string
	// str is a constant string's value (isStr true).
	str   string
	isStr bool
	// obj marks an object/dict literal (not a string).
	obj bool
	// fn is a local function the value names.
	fn *fnRef
	// exc marks a caught exception object.
	exc bool
	// raw marks the text of the whole event (a Java RequestStreamHandler's
	// input stream, a reader over it, the string or JSON tree read from
	// it): t is the taint of the text as a whole, evt the event's root, so
	// that the fields a JSON parser reads are the event's fields.
	raw bool
}

type fnRef struct {
	file *fileInfo
	n    *node
}

// sdkClient is an AWS SDK handle: a boto3 client/resource/Table, a JS SDK
// v2 service object, a v3 client or command.
type sdkClient struct {
	service string // IAM prefix
	kind    string // "client", "resource", "table", "bucket", "docclient", "v3client", "v3command", "txitems"
	env     string // environment variable naming the resource (Table(os.environ["T"]))
	op      string // v3 command's operation; a DynamoDBMapper's (or its config's) save operation; a mapper transaction's operations, comma-separated
	name    string // the resource's constant name (a DynamoDBMapper item class's table)
	prefix  string // a DynamoDBMapper configuration's table name prefix ("?": not a constant)
	params  *node  // the TransactItems list literal of a DynamoDB transaction ("txitems", a v3 transaction command)
	pfile   *fileInfo
	tx      []txItem // the items of a Go DynamoDB transaction's TransactItems slice literal ("txitems")
}

func join(a, b val) val {
	switch {
	case a.t == nil:
		a.t = b.t
	case b.t != nil && a.t.stack && !b.t.stack:
		a.t = b.t // event data wins over a stack trace for the sinks
	}
	if a.client == nil {
		a.client = b.client
	}
	if a.qual == "" {
		a.qual = b.qual
	}
	if a.env == "" {
		a.env = b.env
	}
	if a.fn == nil {
		a.fn = b.fn
	}
	if a.evt == nil {
		a.evt, a.raw = b.evt, b.raw
	}
	a.exc = a.exc || b.exc
	return a
}

// scope is a function's local variables, chained to the module's globals.
type scope struct {
	vars   map[string]val
	parent *scope
}

func (s *scope) get(name string) (val, bool) {
	for c := s; c != nil; c = c.parent {
		if v, ok := c.vars[name]; ok {
			return v, true
		}
	}
	return val{}, false
}

// analysis is the state of one function's analysis, or of one summary's.
type analysis struct {
	ctx      context.Context
	sh       *shared
	triggers []triggerCtx
	trigKey  string
	// root names the event parameter in source descriptions ("event",
	// "req").
	root string
	api  bool // the function answers HTTP requests
	// noCache: summaries are computed afresh and not kept (while module
	// scopes are being built).
	noCache bool
	// budget bounds the evaluation steps; rec is what was found.
	budget *int
	rec    record
	// stack holds the arguments of the calls being evaluated; shared with
	// the summaries this analysis computes (on the same goroutine).
	stack *argStack
}

// triggerCtx is one kind of event the function receives.
type triggerCtx struct {
	name string // "route", "function-url", "s3", "sqs", …
	kind string // a sourceRule kind: "api", "s3", "sqs", …, "express", "flask", "firestore", …
	// bind is the name the declaration gives the event's parameter
	// (Azure Functions binding name), or "".
	bind string
}

// analyseFlows runs the taint and SDK analyses for one function and fills
// c.Flows, c.Calls and c.Strings.
func analyseFlows(ctx context.Context, c *model.Code, j *job, entry *fileInfo, sh *shared) {
	budget := 200_000
	a := &analysis{ctx: ctx, sh: sh, budget: &budget, rec: newRecord(), stack: &argStack{}}
	dst, dfn := j.declFn()
	a.triggers = triggersOf(dst, dfn, j.site.model, entry.lang)
	a.trigKey = triggerKey(a.triggers)
	a.root = "event"
	for _, t := range a.triggers {
		switch t.kind {
		case "api", "express", "flask", "azure-http-py", "azure-http-js4", "whisk-web", "callable", "callable-v1":
			a.api = true
		}
	}
	envStore := map[string]string{}
	for _, e := range j.fn.Environment {
		for _, r := range e.Value.AllRefs() {
			if j.st.Store(r) != nil {
				envStore[e.Name] = r
				break
			}
		}
		if _, ok := envStore[e.Name]; !ok && e.Value.IsResolved() {
			for _, s := range j.st.Stores {
				if s.Name.IsResolved() && s.Name.Str == e.Value.Str {
					envStore[e.Name] = s.ID
				}
			}
		}
	}
	// Module-level code of every file runs at import: clients, constants.
	for _, p := range fileList(j, sh.files) {
		if m := sh.modules[sh.files[p]]; m != nil {
			a.merge(m.rec, nil)
		}
	}
	if h, _ := j.handlerNode(entry); h != nil {
		params := paramNames(entry, h)
		fs := &scope{vars: map[string]val{}, parent: a.moduleScope(entry)}
		pi := eventParam(j.site.model, a.triggers, params)
		if isCompiled(entry.lang) {
			// The event is the parameter that is not the context.
			pi = compiledEventParam(entry, h)
			if pi >= 0 {
				a.root = params[pi]
				a.trigKey += "|" + a.root
			}
		}
		if j.site.model != "" && pi >= 0 && params[pi] != "" {
			a.root = params[pi]
			a.trigKey += "|" + a.root // summaries name the parameter
		}
		ev := val{evt: []string{}}
		if src, trig, _ := a.eventSource(nil); src != "" {
			// The parameter itself is the data (a queue message).
			ev = val{t: &taint{source: src, trigger: trig, steps: oneStep(model.FlowStep{Pos: entry.pos(h), Note: "source: " + src})}}
		}
		if entry.lang == model.FormatJava && pi >= 0 && javaStreamParam(entry, h, pi) {
			ev = a.javaStreamEvent(entry, h)
			if oi := javaOutputParam(entry, h); oi >= 0 && params[oi] != "" {
				fs.vars[params[oi]] = val{qual: "$response"} // what the handler writes there is its response
			}
		}
		switch {
		case pi < 0:
		case params[pi] != "":
			fs.vars[params[pi]] = ev
		case pi == 0:
			// A destructured event: ({ body, headers }) => …
			a.bind(entry, paramTarget(h), ev, fs, h)
		}
		if j.site.model == "" && len(params) > 2 && entry.lang != model.FormatPython && !isCompiled(entry.lang) {
			fs.vars[params[2]] = val{qual: "$callback"}
		}
		a.runFunc(entry, h, fs, 0, true)
	}
	if a.rec.partial {
		c.Partial = true
	}
	for _, f := range a.rec.flows {
		if f.param == 0 {
			c.Flows = append(c.Flows, f.f)
		}
	}
	sortFlows(c.Flows)
	c.Calls = slices.Grow(c.Calls, len(a.rec.calls))
	for _, p := range a.rec.calls {
		k := *p
		if k.Env != "" {
			k.Resource = envStore[k.Env]
		} else if k.Name != "" {
			k.Resource = storeNamed(j.st, k.Name)
		}
		c.Calls = append(c.Calls, k)
	}
	sortCalls(c.Calls)
	for _, s := range a.rec.strs {
		c.Strings = append(c.Strings, s)
	}
	sort.Slice(c.Strings, func(x, y int) bool { return c.Strings[x].Pos.Before(c.Strings[y].Pos) })
	for _, k := range a.rec.checks {
		c.Checks = append(c.Checks, k)
	}
	sort.Slice(c.Checks, func(x, y int) bool { return c.Checks[x].Pos.Before(c.Checks[y].Pos) })
}

// storeNamed returns the ID of the store of st whose name is name, or ""
// when none or several are.
func storeNamed(st *model.Stack, name string) string {
	id := ""
	for _, s := range st.Stores {
		if s.Name.IsResolved() && s.Name.Str == name {
			if id != "" {
				return ""
			}
			id = s.ID
		}
	}
	return id
}

// sortFlows sorts flows by sink, kind and source.
func sortFlows(fs []model.Flow) {
	sort.Slice(fs, func(x, y int) bool {
		px, py := fs[x].SinkPos(), fs[y].SinkPos()
		if px != py {
			return px.Before(py)
		}
		if fs[x].Kind != fs[y].Kind {
			return fs[x].Kind < fs[y].Kind
		}
		return fs[x].Source < fs[y].Source
	})
}

// sortCalls sorts SDK calls by position and operation.
func sortCalls(cs []model.SDKCall) {
	sort.Slice(cs, func(x, y int) bool {
		if cs[x].Pos != cs[y].Pos {
			return cs[x].Pos.Before(cs[y].Pos)
		}
		if cs[x].Operation != cs[y].Operation {
			return cs[x].Operation < cs[y].Operation
		}
		if cs[x].Env != cs[y].Env { // a transaction's calls, one per table
			return cs[x].Env < cs[y].Env
		}
		return cs[x].Name < cs[y].Name
	})
}

// triggersOf lists the kinds of events that invoke f, as read by its
// programming model pm (see site.model) in language lang.
func triggersOf(st *model.Stack, f *model.Function, pm string, lang model.Format) []triggerCtx {
	var out []triggerCtx
	seen := map[string]bool{}
	add := func(name, kind, bind string) {
		if kind != "" && !seen[name+"\x00"+kind] {
			seen[name+"\x00"+kind] = true
			out = append(out, triggerCtx{name: name, kind: kind, bind: bind})
		}
	}
	py := lang == model.FormatPython
	for _, e := range st.EntryPoints {
		if e.Function != f.ID {
			continue
		}
		switch e.Kind {
		case model.EntryRoute, model.EntryFunctionURL, model.EntryALB, model.EntryWebAction:
			add(string(e.Kind), httpKind(pm, py, e.Event), e.Event)
		}
	}
	for _, t := range st.Triggers {
		if t.Function != f.ID {
			continue
		}
		if pm == "" {
			switch t.Kind {
			case model.TriggerS3, model.TriggerSQS, model.TriggerSNS, model.TriggerEventBridge, model.TriggerKinesis,
				model.TriggerDynamoDB, model.TriggerCognito, model.TriggerKafka, model.TriggerMQ:
				add(string(t.Kind), string(t.Kind), "")
			}
			continue
		}
		name := string(t.Kind)
		if t.Kind == model.TriggerOther && t.Event != "" {
			name = strings.TrimPrefix(t.Event, "=") // onDocumentCreated, cosmosDBTrigger
		}
		add(name, eventKind(pm, py, t), "")
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].name != out[j].name {
			return out[i].name < out[j].name
		}
		return out[i].kind < out[j].kind
	})
	return out
}

// httpKind is the source kind of an HTTP request delivered to a handler
// of programming model pm.
func httpKind(pm string, py bool, event string) string {
	switch pm {
	case "":
		return "api"
	case modelAzurePy:
		return "azure-http-py"
	case modelAzureV4JS:
		return "azure-http-js4"
	case modelAzureV3JS:
		return "express"
	case modelWhisk:
		return "whisk-web"
	case modelFirebase, modelGoogle:
		if strings.Contains(strings.ToLower(event), "call") {
			if strings.Contains(event, ".") {
				return "callable-v1" // v1 onCall((data, context) => …)
			}
			return "callable" // v2 onCall((request) => request.data), on_call(req)
		}
		if py {
			return "flask"
		}
		return "express"
	}
	return ""
}

// eventKind is the source kind of a non-HTTP trigger's event delivered to
// a handler of programming model pm, or "" when the event carries nothing
// an outsider controls (timers, orchestration).
func eventKind(pm string, py bool, t *model.Trigger) string {
	ev := strings.ToLower(t.Event)
	switch pm {
	case modelAzurePy, modelAzureV3JS, modelAzureV4JS:
		switch {
		case strings.HasPrefix(ev, "blobtrigger"):
			if py {
				return "azure-blob-py"
			}
			return "blob"
		case strings.HasPrefix(ev, "queuetrigger"), strings.HasPrefix(ev, "servicebustrigger"), strings.HasPrefix(ev, "eventhubtrigger"),
			strings.HasPrefix(ev, "cosmosdbtrigger"), strings.HasPrefix(ev, "eventgridtrigger"), strings.HasPrefix(ev, "kafkatrigger"),
			strings.HasPrefix(ev, "rabbitmqtrigger"):
			if py {
				return "azure-msg-py"
			}
			return "message"
		}
	case modelFirebase, modelGoogle:
		switch {
		case strings.Contains(ev, "document") || strings.Contains(ev, "firestore"):
			return "firestore"
		case strings.Contains(ev, "onvalue") || strings.Contains(ev, "database") || strings.Contains(ev, "db_fn"):
			return "rtdb"
		case t.Kind == model.TriggerBlob || strings.Contains(ev, "storage") || strings.Contains(ev, "object"):
			return "gcs"
		case t.Kind == model.TriggerPubSub:
			return "pubsub"
		case strings.Contains(ev, "task"):
			return "callable"
		}
	}
	return ""
}

// eventParam returns the index of the handler parameter that receives the
// event for programming model pm, or -1 when none does.
func eventParam(pm string, triggers []triggerCtx, params []string) int {
	if len(params) == 0 {
		return -1
	}
	switch pm {
	case modelAzureV3JS:
		// module.exports = async function (context, req) { … }
		if len(params) > 1 {
			return 1
		}
		return -1
	case modelAzurePy:
		for _, t := range triggers {
			for i, p := range params {
				if t.bind != "" && p == t.bind {
					return i
				}
			}
		}
		for i, p := range params {
			if p != "context" && p != "ctx" {
				return i
			}
		}
		return -1
	}
	return 0
}

// sourceRule is an event path that carries data an outsider controls.
type sourceRule struct {
	kind string
	path []string // "*" matches any list index or field; "name()" a method call
	desc string
}

var sourceRules = []sourceRule{
	{"api", []string{"body"}, "request body"},
	{"api", []string{"queryStringParameters"}, "query string"},
	{"api", []string{"multiValueQueryStringParameters"}, "query string"},
	{"api", []string{"rawQueryString"}, "query string"},
	{"api", []string{"pathParameters"}, "path parameters"},
	{"api", []string{"path"}, "request path"},
	{"api", []string{"rawPath"}, "request path"},
	{"api", []string{"headers"}, "request headers"},
	{"api", []string{"multiValueHeaders"}, "request headers"},
	{"api", []string{"cookies"}, "cookies"},
	{"api", []string{"__ow_body"}, "request body"},
	{"api", []string{"__ow_query"}, "query string"},
	{"api", []string{"__ow_headers"}, "request headers"},
	{"s3", []string{"Records", "*", "s3", "object", "key"}, "S3 object key"},
	{"sqs", []string{"Records", "*", "body"}, "SQS message body"},
	{"sqs", []string{"Records", "*", "messageAttributes"}, "SQS message attributes"},
	{"sns", []string{"Records", "*", "Sns", "Message"}, "SNS message"},
	{"sns", []string{"Records", "*", "Sns", "Subject"}, "SNS message subject"},
	{"sns", []string{"Records", "*", "Sns", "MessageAttributes"}, "SNS message attributes"},
	{"eventbridge", []string{"detail"}, "EventBridge event detail"},
	{"kinesis", []string{"Records", "*", "kinesis", "data"}, "Kinesis record data"},
	{"dynamodb", []string{"Records", "*", "dynamodb", "NewImage"}, "DynamoDB stream record"},
	{"dynamodb", []string{"Records", "*", "dynamodb", "OldImage"}, "DynamoDB stream record"},
	{"dynamodb", []string{"Records", "*", "dynamodb", "Keys"}, "DynamoDB stream record"},
	{"cognito", []string{"request", "userAttributes"}, "Cognito user attributes"},
	{"cognito", []string{"request", "validationData"}, "Cognito validation data"},
	{"cognito", []string{"request", "clientMetadata"}, "Cognito client metadata"},
	{"cognito", []string{"userName"}, "Cognito user name"},
	{"kafka", []string{"records", "*", "*", "value"}, "Kafka record value"},
	{"mq", []string{"messages", "*", "data"}, "MQ message data"},

	// Express requests (Firebase onRequest, Cloud Functions for Node.js,
	// Azure Functions Node.js v3).
	{"express", []string{"body"}, "request body"},
	{"express", []string{"rawBody"}, "request body"},
	{"express", []string{"query"}, "query string"},
	{"express", []string{"params"}, "path parameters"},
	{"express", []string{"headers"}, "request headers"},
	{"express", []string{"cookies"}, "cookies"},
	{"express", []string{"path"}, "request path"},
	{"express", []string{"url"}, "request URL"},
	{"express", []string{"originalUrl"}, "request URL"},
	// Flask requests (Firebase on_request, Cloud Functions for Python).
	{"flask", []string{"args"}, "query string"},
	{"flask", []string{"form"}, "form fields"},
	{"flask", []string{"values"}, "request values"},
	{"flask", []string{"json"}, "request body"},
	{"flask", []string{"data"}, "request body"},
	{"flask", []string{"files"}, "uploaded files"},
	{"flask", []string{"headers"}, "request headers"},
	{"flask", []string{"cookies"}, "cookies"},
	{"flask", []string{"path"}, "request path"},
	{"flask", []string{"url"}, "request URL"},
	{"flask", []string{"get_json()"}, "request body"},
	{"flask", []string{"get_data()"}, "request body"},
	// Azure Functions Python HttpRequest.
	{"azure-http-py", []string{"params"}, "query string"},
	{"azure-http-py", []string{"route_params"}, "path parameters"},
	{"azure-http-py", []string{"headers"}, "request headers"},
	{"azure-http-py", []string{"form"}, "form fields"},
	{"azure-http-py", []string{"files"}, "uploaded files"},
	{"azure-http-py", []string{"url"}, "request URL"},
	{"azure-http-py", []string{"get_json()"}, "request body"},
	{"azure-http-py", []string{"get_body()"}, "request body"},
	// Azure Functions Node.js v4 HttpRequest (fetch-style).
	{"azure-http-js4", []string{"query"}, "query string"},
	{"azure-http-js4", []string{"params"}, "path parameters"},
	{"azure-http-js4", []string{"headers"}, "request headers"},
	{"azure-http-js4", []string{"url"}, "request URL"},
	{"azure-http-js4", []string{"body"}, "request body"},
	{"azure-http-js4", []string{"json()"}, "request body"},
	{"azure-http-js4", []string{"text()"}, "request body"},
	{"azure-http-js4", []string{"formData()"}, "form fields"},
	// Callable functions and task queues: the caller's data.
	{"callable", []string{"data"}, "caller data"},
	// The whole parameter: a v1 callable's data, a message, a blob.
	{"callable-v1", nil, "caller data"},
	{"message", nil, "message"},
	{"blob", nil, "blob content"},
	// OpenWhisk web actions: every parameter can come from the request.
	{"whisk-web", []string{"*"}, "web action parameter"},
	// Azure Functions Python trigger payloads.
	{"azure-msg-py", []string{"get_body()"}, "message body"},
	{"azure-msg-py", []string{"get_json()"}, "message body"},
	{"azure-blob-py", []string{"read()"}, "blob content"},
	{"azure-blob-py", []string{"name"}, "blob name"},
	// Firestore documents (v2 event.data…, v1 snapshot/change; Python
	// to_dict()) and their path wildcards.
	{"firestore", []string{"data", "data()"}, "Firestore document data"},
	{"firestore", []string{"data", "after", "data()"}, "Firestore document data"},
	{"firestore", []string{"data", "before", "data()"}, "Firestore document data"},
	{"firestore", []string{"data", "to_dict()"}, "Firestore document data"},
	{"firestore", []string{"data", "after", "to_dict()"}, "Firestore document data"},
	{"firestore", []string{"data()"}, "Firestore document data"},
	{"firestore", []string{"after", "data()"}, "Firestore document data"},
	{"firestore", []string{"before", "data()"}, "Firestore document data"},
	{"firestore", []string{"params"}, "document path parameters"},
	{"rtdb", []string{"data", "val()"}, "Realtime Database data"},
	{"rtdb", []string{"data", "after", "val()"}, "Realtime Database data"},
	{"rtdb", []string{"val()"}, "Realtime Database data"},
	{"rtdb", []string{"after", "val()"}, "Realtime Database data"},
	// Cloud Storage objects (v2 event.data.name, v1 object.name).
	{"gcs", []string{"data", "name"}, "Cloud Storage object name"},
	{"gcs", []string{"data", "metadata"}, "Cloud Storage object metadata"},
	{"gcs", []string{"name"}, "Cloud Storage object name"},
	{"gcs", []string{"metadata"}, "Cloud Storage object metadata"},
	// Pub/Sub messages (v2 event.data.message, v1 message.json/data).
	{"pubsub", []string{"data", "message", "json"}, "Pub/Sub message"},
	{"pubsub", []string{"data", "message", "data"}, "Pub/Sub message"},
	{"pubsub", []string{"json"}, "Pub/Sub message"},
	{"pubsub", []string{"data"}, "Pub/Sub message"},
}

// eventSource returns the source an event path reaches for the
// function's triggers: matched (the path is a source or below one), or
// prefix (the path may still reach one).
func (a *analysis) eventSource(p []string) (src string, trig string, prefix bool) {
	for _, tc := range a.triggers {
		for _, r := range sourceRules {
			if r.kind != tc.kind {
				continue
			}
			n := min(len(p), len(r.path))
			ok := true
			for i := 0; i < n; i++ {
				if r.path[i] != "*" && p[i] != "*" && r.path[i] != p[i] {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			if len(p) >= len(r.path) {
				if len(r.path) == 0 {
					return r.desc + " (" + a.root + ")", tc.name, false
				}
				return r.desc + " (" + a.root + "." + strings.Join(p[:len(r.path)], ".") + ")", tc.name, false
			}
			prefix = true
		}
	}
	return "", "", prefix
}

// extend returns the value of field name of v (an attribute or subscript).
func (a *analysis) extend(v val, name string, fi *fileInfo, at *node) val {
	switch {
	case v.t != nil && !v.raw:
		return val{t: v.t}
	case v.evt != nil:
		p := append(append([]string(nil), v.evt...), name)
		if len(p) > 12 {
			return val{}
		}
		src, trig, prefix := a.eventSource(p)
		if src != "" {
			return val{t: &taint{source: src, trigger: trig, steps: oneStep(model.FlowStep{Pos: fi.pos(at), Note: "source: " + src})}}
		}
		if prefix {
			return val{evt: p}
		}
		return val{}
	case strings.HasPrefix(v.qual, "$local:"):
		if lf := a.sh.files[strings.TrimPrefix(v.qual, "$local:")]; lf != nil {
			if fn := lf.handlerNode(name); fn != nil {
				return val{fn: &fnRef{file: lf, n: fn}}
			}
		}
		return val{}
	case v.client != nil && v.qual == "$method:meta" && name == "client" && boto3Resource(v.client.kind):
		// A boto3 resource's low-level client (table.meta.client).
		return val{client: &sdkClient{service: v.client.service, kind: "client"}}
	case strings.HasPrefix(v.qual, "$"):
		return val{}
	case v.qual != "":
		return val{qual: v.qual + "." + name}
	case v.exc && name == "stack":
		return val{t: &taint{source: "error stack trace", stack: true, steps: oneStep(model.FlowStep{Pos: fi.pos(at), Note: "source: error stack trace"})}}
	case v.client != nil:
		return val{client: v.client, qual: "$method:" + name}
	}
	return val{}
}

// paramNames returns the names of a function's parameters in order.
func paramNames(fi *fileInfo, fn *node) []string {
	if isCompiled(fi.lang) {
		return compiledParams(fi, fn)
	}
	ps := fn.child("parameters")
	if ps == nil {
		if p := fn.child("parameter"); p != nil { // x => …
			return []string{fi.text(p)}
		}
		return nil
	}
	var out []string
	for p := range ps.eachNamed() {
		switch p.typ() {
		case "identifier":
			out = append(out, fi.text(p))
		case "typed_parameter", "default_parameter", "typed_default_parameter":
			if n := p.child("name"); n != nil {
				out = append(out, fi.text(n))
			} else if n := p.firstNamed(); n != nil {
				out = append(out, fi.text(n))
			}
		case "required_parameter", "optional_parameter":
			pat := p.child("pattern")
			if pat != nil && pat.typ() == "identifier" {
				out = append(out, fi.text(pat))
			} else {
				out = append(out, "")
			}
		case "assignment_pattern":
			out = append(out, fi.text(p.child("left")))
		case "comment":
		default:
			out = append(out, "")
		}
	}
	return out
}

// runFunc analyses a function body with the parameters bound in s and
// returns the join of its return values.
func (a *analysis) runFunc(fi *fileInfo, fn *node, s *scope, depth int, handler bool) val {
	body := fn.child("body")
	if body == nil {
		return val{}
	}
	ret := val{}
	if body.typ() != "block" && body.typ() != "statement_block" {
		// An arrow function with an expression body.
		ret = a.eval(fi, body, s, depth)
		if handler {
			a.checkResponse(fi, body, ret)
		}
		return ret
	}
	for pass := 0; pass < 2; pass++ {
		a.block(fi, body.namedKids(), s, depth, handler, &ret)
	}
	return ret
}

// block runs statements in order.
func (a *analysis) block(fi *fileInfo, stmts []*node, s *scope, depth int, handler bool, ret *val) {
	for _, st := range stmts {
		if *a.budget <= 0 || a.ctx.Err() != nil {
			a.rec.partial = true
			return
		}
		a.stmt(fi, st, s, depth, handler, ret)
	}
}

func (a *analysis) stmt(fi *fileInfo, n *node, s *scope, depth int, handler bool, ret *val) {
	*a.budget--
	if isCompiled(fi.lang) {
		a.stmtCompiled(fi, n, s, depth, handler, ret)
		return
	}
	switch n.typ() {
	case "expression_statement":
		for k := range n.eachNamed() {
			a.eval(fi, k, s, depth)
		}
	case "return_statement":
		a.returnStmt(fi, n, s, depth, handler, ret)
	case "lexical_declaration", "variable_declaration":
		for d := range n.eachNamed() {
			if d.typ() == "variable_declarator" {
				if v := d.child("value"); v != nil {
					a.noteString(fi, fi.text(d.child("name")), v)
					a.bind(fi, d.child("name"), a.eval(fi, v, s, depth), s, v)
				}
			}
		}
	case "if_statement":
		cond := n.child("condition")
		a.eval(fi, cond, s, depth)
		guard := a.allowList(fi, cond, s)
		cons := n.child("consequence")
		if guard.name != "" && !guard.negated {
			// if x in ALLOWED: … — x is clean inside.
			inner := &scope{vars: map[string]val{guard.name: {}}, parent: s}
			a.body(fi, cons, inner, depth, handler, ret)
		} else {
			a.body(fi, cons, s, depth, handler, ret)
		}
		if guard.name != "" && guard.negated && exits(cons) {
			// if x not in ALLOWED: return — x is clean afterwards.
			s.vars[guard.name] = val{}
		}
		for k := range n.kids() {
			if k.field() == "alternative" || k.typ() == "elif_clause" || k.typ() == "else_clause" {
				a.body(fi, k, s, depth, handler, ret)
			}
		}
	case "for_statement", "for_in_statement", "async_for_statement":
		left, right := n.child("left"), n.child("right")
		rv := a.eval(fi, right, s, depth)
		ev := a.elem(fi, rv, right)
		for pass := 0; pass < 2; pass++ {
			a.bind(fi, left, ev, s, left)
			a.body(fi, n.child("body"), s, depth, handler, ret)
		}
	case "while_statement", "do_statement":
		a.eval(fi, n.child("condition"), s, depth)
		for pass := 0; pass < 2; pass++ {
			a.body(fi, n.child("body"), s, depth, handler, ret)
		}
	case "try_statement":
		for k := range n.eachNamed() {
			switch k.typ() {
			case "block", "statement_block":
				a.body(fi, k, s, depth, handler, ret)
			case "except_clause", "except_group_clause":
				for kk := range k.eachNamed() {
					if kk.typ() == "as_pattern" {
						if al := kk.child("alias"); al != nil {
							s.vars[strings.TrimSpace(fi.text(al))] = val{exc: true}
						}
					}
					if kk.typ() == "block" {
						a.body(fi, kk, s, depth, handler, ret)
					}
				}
			case "catch_clause":
				if p := k.child("parameter"); p != nil {
					s.vars[fi.text(p)] = val{exc: true}
				}
				a.body(fi, k.child("body"), s, depth, handler, ret)
			case "finally_clause", "else_clause":
				a.body(fi, k, s, depth, handler, ret)
			}
		}
	case "with_statement":
		for k := range n.eachNamed() {
			if k.typ() == "with_clause" {
				for it := range k.eachNamed() {
					v := it.child("value")
					if v == nil {
						v = it.firstNamed()
					}
					if v != nil && v.typ() == "as_pattern" {
						x := a.eval(fi, v.firstNamed(), s, depth)
						if al := v.child("alias"); al != nil {
							a.bind(fi, al.firstNamed(), x, s, al)
						}
					} else if v != nil {
						a.eval(fi, v, s, depth)
					}
				}
			}
		}
		a.body(fi, n.child("body"), s, depth, handler, ret)
	case "block", "statement_block", "else_clause", "elif_clause", "finally_clause":
		a.body(fi, n, s, depth, handler, ret)
	case "export_statement":
		if d := n.child("declaration"); d != nil {
			a.stmt(fi, d, s, depth, handler, ret)
		}
	case "decorated_definition", "function_definition", "class_definition", "function_declaration", "import_statement", "import_from_statement":
	case "exec_statement": // Python 2
		if k := n.firstNamed(); k != nil {
			a.report(fi, n, model.FlowEval, a.eval(fi, k, s, depth).t, "exec statement")
		}
	case "raise_statement", "throw_statement", "assert_statement", "delete_statement", "global_statement":
		for k := range n.eachNamed() {
			a.eval(fi, k, s, depth)
		}
	default:
		// Python assignments are expression statements; anything else
		// (match, labelled statements) is evaluated for its calls.
		for k := range n.eachNamed() {
			if strings.HasSuffix(k.typ(), "statement") || k.typ() == "block" || k.typ() == "statement_block" {
				a.stmt(fi, k, s, depth, handler, ret)
			} else {
				a.eval(fi, k, s, depth)
			}
		}
	}
}

// returnStmt joins the value a return statement returns into *ret,
// checking what a handler returns to an HTTP caller.
func (a *analysis) returnStmt(fi *fileInfo, n *node, s *scope, depth int, handler bool, ret *val) {
	var v val
	for k := range n.eachNamed() {
		v = join(v, a.eval(fi, k, s, depth))
		if handler {
			a.checkResponse(fi, k, v)
		}
	}
	*ret = join(*ret, v)
}

// body runs a block-like node (a block, an else clause, a single
// statement).
func (a *analysis) body(fi *fileInfo, n *node, s *scope, depth int, handler bool, ret *val) {
	if n == nil {
		return
	}
	switch n.typ() {
	case "block", "statement_block", "else_clause", "elif_clause", "finally_clause":
		for k := range n.eachNamed() {
			if k.field() == "condition" {
				a.eval(fi, k, s, depth)
				continue
			}
			if k.typ() == "block" || k.typ() == "statement_block" {
				a.body(fi, k, s, depth, handler, ret)
				continue
			}
			a.stmt(fi, k, s, depth, handler, ret)
		}
	default:
		a.stmt(fi, n, s, depth, handler, ret)
	}
}

// exits reports whether a block ends by leaving the function (return,
// raise, throw, continue).
func exits(n *node) bool {
	if n == nil {
		return false
	}
	ks := n.namedKids()
	if len(ks) == 0 {
		return n.typ() == "return_statement" || n.typ() == "raise_statement" || n.typ() == "throw_statement"
	}
	last := ks[len(ks)-1]
	switch last.typ() {
	case "return_statement", "raise_statement", "throw_statement", "continue_statement", "break_statement":
		return true
	case "block", "statement_block":
		return exits(last)
	}
	return false
}

// guard is an allow-list test on a variable.
type guard struct {
	name    string
	negated bool
}

// allowList recognises `x in ALLOWED`, `x not in ALLOWED`,
// `ALLOWED.includes(x)`, `!ALLOWED.has(x)` and `x == "literal"` tests.
func (a *analysis) allowList(fi *fileInfo, cond *node, s *scope) guard {
	if cond == nil {
		return guard{}
	}
	for cond.typ() == "parenthesized_expression" && cond.firstNamed() != nil {
		cond = cond.firstNamed()
	}
	switch cond.typ() {
	case "not_operator":
		g := a.allowList(fi, cond.child("argument"), s)
		g.negated = !g.negated
		return g
	case "unary_expression":
		if cond.hasToken("!") {
			g := a.allowList(fi, cond.child("argument"), s)
			g.negated = !g.negated
			return g
		}
	case "comparison_operator":
		ks := cond.namedKids()
		if len(ks) == 2 && ks[0].typ() == "identifier" {
			if cond.hasToken("in") || cond.hasToken("not in") {
				return guard{name: fi.text(ks[0]), negated: cond.hasToken("not in")}
			}
			if cond.hasToken("==") && ks[1].typ() == "string" {
				return guard{name: fi.text(ks[0])}
			}
			if cond.hasToken("!=") && ks[1].typ() == "string" {
				return guard{name: fi.text(ks[0]), negated: true}
			}
		}
	case "binary_expression":
		l, r := cond.child("left"), cond.child("right")
		if l != nil && l.typ() == "identifier" && r != nil && r.typ() == "string" {
			if cond.hasToken("===") || cond.hasToken("==") {
				return guard{name: fi.text(l)}
			}
			if cond.hasToken("!==") || cond.hasToken("!=") {
				return guard{name: fi.text(l), negated: true}
			}
		}
	case "call_expression":
		fn := cond.child("function")
		args := cond.child("arguments").namedKids()
		if fn != nil && fn.typ() == "member_expression" && len(args) == 1 && args[0].typ() == "identifier" {
			switch fi.text(fn.child("property")) {
			case "includes", "has":
				return guard{name: fi.text(args[0])}
			}
		}
	}
	return guard{}
}

// bind assigns v to a target: a name, a tuple/array pattern, an object
// pattern (destructuring), an attribute or subscript (which taints the
// object).
func (a *analysis) bind(fi *fileInfo, target *node, v val, s *scope, at *node) {
	if target == nil {
		return
	}
	if v.t != nil {
		v.t = v.t.with(model.FlowStep{Pos: fi.pos(at), Note: "assigned to " + short(fi.text(target))})
	}
	switch target.typ() {
	case "identifier", "shorthand_property_identifier_pattern":
		s.vars[fi.text(target)] = v
	case "pattern_list", "tuple_pattern", "list_pattern", "array_pattern", "expression_list":
		for k := range target.eachNamed() {
			ev := v
			if v.evt != nil {
				ev = val{evt: append(append([]string(nil), v.evt...), "*")}
			}
			ev.obj = false
			a.bind(fi, k, ev, s, at)
		}
	case "object_pattern":
		for p := range target.eachNamed() {
			switch p.typ() {
			case "shorthand_property_identifier_pattern":
				name := fi.text(p)
				s.vars[name] = a.extend(v, name, fi, p)
			case "pair_pattern":
				key := unquote(fi.text(p.child("key")))
				a.bind(fi, p.child("value"), a.extend(v, key, fi, p), s, p)
			case "object_assignment_pattern":
				l := p.child("left")
				name := fi.text(l)
				s.vars[name] = a.extend(v, name, fi, p)
			case "rest_pattern":
				a.bind(fi, p.firstNamed(), v, s, p)
			}
		}
	case "assignment_pattern":
		a.bind(fi, target.child("left"), v, s, at)
	case "subscript", "subscript_expression", "attribute", "member_expression":
		// obj[k] = tainted taints obj (dicts and objects built up key by
		// key).
		obj := target.child("value")
		if obj == nil {
			obj = target.child("object")
		}
		if obj != nil && obj.typ() == "identifier" && v.t != nil {
			name := fi.text(obj)
			old, _ := s.get(name)
			nv := join(old, v)
			if _, local := s.vars[name]; local || s.parent == nil {
				s.vars[name] = nv
			} else {
				s.vars[name] = nv
			}
		}
	case "parenthesized_expression", "parenthesized_pattern":
		a.bind(fi, target.firstNamed(), v, s, at)
	}
}

// elem returns the value of an element of a collection v (a for loop's
// variable).
func (a *analysis) elem(fi *fileInfo, v val, at *node) val {
	switch {
	case v.t != nil && !v.raw:
		return val{t: v.t}
	case v.evt != nil:
		return a.extend(v, "*", fi, at)
	}
	return val{}
}

func short(s string) string {
	if !spaced(s) {
		s = strings.Join(strings.Fields(s), " ")
	}
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

// spaced reports whether s is ASCII with single spaces between words and
// no other white space: what strings.Fields and a join by spaces would
// give back unchanged.
func spaced(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x80, c == '\t', c == '\n', c == '\v', c == '\f', c == '\r':
			return false
		case c == ' ' && s[i+1] == ' ':
			return false
		}
	}
	return true
}

var hostPrefix = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://[^/?#{}$]+[/?#]`)

// taintedString marks the taint of a built string, with the constant
// leading text lead (the text before the first interpolated part).
func builtString(t *taint, lead string, fi *fileInfo, at *node, how string) *taint {
	if t == nil {
		return nil
	}
	c := t.with(model.FlowStep{Pos: fi.pos(at), Note: how})
	c.built = true
	c.safePre = hostPrefix.MatchString(lead) || strings.HasPrefix(lead, "/") && !strings.HasPrefix(lead, "//")
	return c
}
