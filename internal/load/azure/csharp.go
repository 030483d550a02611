package azure

import (
	"regexp"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// C# has no pinned grammar, so functions are read from their attributes:
// [Function("name")] (isolated worker) or [FunctionName("name")]
// (in-process) starts a function; the attributes up to the method body
// are its bindings, and output attributes on the properties of the class
// the method returns (isolated multi-output types) are added to them.

var (
	csFuncRE  = regexp.MustCompile(`\[\s*(?:Function|FunctionName)\s*\(`)
	csAttrRE  = regexp.MustCompile(`\[\s*(?:return\s*:\s*)?([A-Za-z_][A-Za-z0-9_]*?)(?:Attribute)?\s*(\(|\]|,)`)
	csClassRE = regexp.MustCompile(`\bclass\s+([A-Za-z_][A-Za-z0-9_]*)[^{;]*\{`)
	csIdentRE = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
)

// csAttr describes a binding attribute: its binding type, direction (""
// to decide from the parameter type) and the names of its positional
// arguments.
type csAttr struct {
	typ, dir string
	pos      []string
}

var csAttrs = map[string]csAttr{
	"HttpTrigger":          {"httpTrigger", "in", []string{"authLevel", "methods"}},
	"TimerTrigger":         {"timerTrigger", "in", []string{"schedule"}},
	"QueueTrigger":         {"queueTrigger", "in", []string{"queueName"}},
	"Queue":                {"queue", "out", []string{"queueName"}},
	"QueueOutput":          {"queue", "out", []string{"queueName"}},
	"BlobTrigger":          {"blobTrigger", "in", []string{"path"}},
	"Blob":                 {"blob", "", []string{"path", "access"}},
	"BlobInput":            {"blob", "in", []string{"path"}},
	"BlobOutput":           {"blob", "out", []string{"path"}},
	"Table":                {"table", "", []string{"tableName"}},
	"TableInput":           {"table", "in", []string{"tableName"}},
	"TableOutput":          {"table", "out", []string{"tableName"}},
	"CosmosDBTrigger":      {"cosmosDBTrigger", "in", []string{"databaseName", "containerName"}},
	"CosmosDB":             {"cosmosDB", "", []string{"databaseName", "containerName"}},
	"CosmosDBInput":        {"cosmosDB", "in", []string{"databaseName", "containerName"}},
	"CosmosDBOutput":       {"cosmosDB", "out", []string{"databaseName", "containerName"}},
	"ServiceBusTrigger":    {"serviceBusTrigger", "in", []string{"queueName", "subscriptionName"}},
	"ServiceBus":           {"serviceBus", "out", []string{"queueName"}},
	"ServiceBusOutput":     {"serviceBus", "out", []string{"queueName"}},
	"EventHubTrigger":      {"eventHubTrigger", "in", []string{"eventHubName"}},
	"EventHub":             {"eventHub", "out", []string{"eventHubName"}},
	"EventHubOutput":       {"eventHub", "out", []string{"eventHubName"}},
	"EventGridTrigger":     {"eventGridTrigger", "in", nil},
	"EventGrid":            {"eventGrid", "out", []string{"topicEndpointUri"}},
	"EventGridOutput":      {"eventGrid", "out", []string{"topicEndpointUri"}},
	"SqlTrigger":           {"sqlTrigger", "in", []string{"tableName"}},
	"SqlInput":             {"sql", "in", []string{"commandText"}},
	"SqlOutput":            {"sql", "out", []string{"commandText"}},
	"Sql":                  {"sql", "", []string{"commandText"}},
	"SendGrid":             {"sendGrid", "out", nil},
	"SendGridOutput":       {"sendGrid", "out", nil},
	"SignalR":              {"signalR", "out", nil},
	"SignalROutput":        {"signalR", "out", nil},
	"OrchestrationTrigger": {"orchestrationTrigger", "in", nil},
	"ActivityTrigger":      {"activityTrigger", "in", nil},
	"DurableClient":        {"durableClient", "in", nil},
}

// csNamed maps named attribute arguments to function.json keys.
var csNamed = map[string]string{
	"Route": "route", "Connection": "connection", "ConnectionStringSetting": "connection", "databaseName": "databaseName",
	"containerName": "containerName", "collectionName": "collectionName", "DatabaseName": "databaseName",
	"ContainerName": "containerName", "CollectionName": "collectionName", "queueName": "queueName", "QueueName": "queueName",
	"TopicName": "topicName", "topicName": "topicName", "SubscriptionName": "subscriptionName", "subscriptionName": "subscriptionName",
	"tableName": "tableName", "TableName": "tableName", "blobPath": "path", "BlobPath": "path", "eventHubName": "eventHubName",
	"EventHubName": "eventHubName", "commandText": "commandText", "TopicEndpointUri": "topicEndpointUri", "AuthLevel": "authLevel",
	"schedule": "schedule", "Methods": "methods",
}

func (b *builder) csharp(file, src string) []reg {
	outputs := csOutputClasses(file, src)
	var out []reg
	starts := csFuncRE.FindAllStringIndex(src, -1)
	for i, loc := range starts {
		open := loc[1] - 1
		end := matchClose(src, open)
		if end < 0 {
			continue
		}
		pos := posAt(file, []byte(src), loc[0])
		args := splitArgs(src[open+1:end-1], open+1, "=")
		if len(args) == 0 {
			continue
		}
		name, ok := unquote(args[0].Text)
		if !ok {
			// nameof(X) names the function after X; other expressions are
			// unknown.
			t := strings.TrimSpace(args[0].Text)
			if strings.HasPrefix(t, "nameof(") && strings.HasSuffix(t, ")") {
				name = lastName(t[len("nameof(") : len(t)-1])
			}
			if name == "" {
				name = "function@" + itoa(pos.Line)
			}
		}
		// The signature runs to the method body's '{' (or the next
		// function when the file is odd).
		limit := len(src)
		if i+1 < len(starts) && starts[i+1][0] > end {
			// (a next attribute inside this one's arguments, as in odd or
			// hostile input, does not end the signature before it starts)
			limit = starts[i+1][0]
		}
		sigEnd := csBody(src, end, limit)
		if sigEnd < end {
			sigEnd = end
		}
		sig := src[end:sigEnd]
		r := reg{name: name, pos: pos}
		r.bindings = append(r.bindings, csBindings(file, src, end, sig)...)
		// Outputs declared on the properties of the returned class.
		if paren := strings.IndexByte(sig, '('); paren > 0 {
			for _, id := range csIdentRE.FindAllString(sig[:paren], -1) {
				r.bindings = append(r.bindings, outputs[id]...)
			}
		}
		if len(r.bindings) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// csBody returns the offset of the '{' or '=>' that starts the body of
// the method whose attributes start at from, or limit.
func csBody(src string, from, limit int) int {
	depth := 0
	for i := from; i < limit; i++ {
		switch c := src[i]; c {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case '"', '\'':
			if j := skipString(src, i); j >= 0 {
				i = j
			}
		case '{':
			if depth <= 0 {
				return i
			}
		case '=':
			if depth <= 0 && i+1 < len(src) && src[i+1] == '>' {
				return i
			}
		}
	}
	return limit
}

// csBindings reads the binding attributes in text (which starts at
// offset base in src).
func csBindings(file, src string, base int, text string) []*model.Value {
	var out []*model.Value
	for _, m := range csAttrRE.FindAllStringSubmatchIndex(text, -1) {
		name := text[m[2]:m[3]]
		a, ok := csAttrs[name]
		if !ok {
			continue
		}
		apos := posAt(file, []byte(src), base+m[0])
		var args []arg
		attrEnd := m[1]
		if text[m[4]:m[5]] == "(" {
			open := m[5] - 1
			end := matchClose(text, open)
			if end < 0 {
				continue
			}
			args = splitArgs(text[open+1:end-1], base+open+1, "=:")
			attrEnd = end
		}
		dir := a.dir
		var fields []model.Field
		var methods []*model.Value
		pi := 0
		for _, ar := range args {
			if ar.Name != "" {
				k, ok := csNamed[ar.Name]
				if !ok {
					continue
				}
				v := value(file, src, ar, k == "authLevel")
				if k == "authLevel" {
					v = authLevel(v)
				}
				fields = append(fields, field(k, v))
				continue
			}
			if pi >= len(a.pos) {
				if a.typ == "httpTrigger" {
					// Further positional arguments are methods.
					if s, ok := unquote(ar.Text); ok {
						methods = append(methods, model.NewString(s, posAt(file, []byte(src), ar.Off)))
					}
				}
				continue
			}
			k := a.pos[pi]
			pi++
			switch k {
			case "access":
				switch lastName(ar.Text) {
				case "Read":
					dir = "in"
				case "Write":
					dir = "out"
				case "ReadWrite":
					dir = "inout"
				}
			case "authLevel":
				fields = append(fields, field(k, authLevel(value(file, src, ar, true))))
			case "methods":
				if s, ok := unquote(ar.Text); ok {
					methods = append(methods, model.NewString(s, posAt(file, []byte(src), ar.Off)))
				}
			default:
				fields = append(fields, field(k, value(file, src, ar, false)))
			}
		}
		if len(methods) > 0 {
			fields = append(fields, field("methods", model.NewList(methods, methods[0].Pos)))
		}
		if dir == "" {
			// In-process Table/CosmosDB/Blob: a collector parameter writes,
			// anything else reads.
			param := text[attrEnd:]
			if j := strings.IndexAny(param, ",)"); j >= 0 {
				param = param[:j]
			}
			dir = "in"
			if strings.Contains(param, "Collector") || strings.Contains(param, "out ") {
				dir = "out"
			}
		}
		if a.typ == "httpTrigger" && !hasField(fields, "authLevel") {
			fields = append(fields, field("authLevel", model.NewString("function", apos)))
		}
		out = append(out, bindingValue(apos, a.typ, dir, fields...))
	}
	return out
}

// csOutputClasses returns, per class name, the output bindings declared
// on its properties (isolated worker multi-output return types).
func csOutputClasses(file, src string) map[string][]*model.Value {
	out := map[string][]*model.Value{}
	for _, m := range csClassRE.FindAllStringSubmatchIndex(src, -1) {
		open := m[1] - 1
		end := matchClose(src, open)
		if end < 0 {
			continue
		}
		body := src[open:end]
		if csFuncRE.MatchString(body) {
			continue // a class of functions, not an output type
		}
		var bs []*model.Value
		for _, bd := range csBindings(file, src, open, body) {
			if d := bd.Get("direction").String(); d == "out" {
				bs = append(bs, bd)
			}
		}
		if len(bs) > 0 {
			out[src[m[2]:m[3]]] = bs
		}
	}
	return out
}
