package azure

import (
	"path"
	"regexp"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Code-first registrations are read lexically: the decorator, call or
// attribute and its literal arguments. Arguments built at run time (a
// variable, a call, a formatted string) become symbolic values, so an
// HTTP trigger whose auth level is not a literal has unknown auth rather
// than a guessed one. Each file read this way is noted in the stack's
// diagnostics.

// reg is one function registration found in source: its name, where it
// is, and its bindings in function.json shape.
type reg struct {
	name     string
	pos      model.Pos
	bindings []*model.Value
}

// codeFirst reads the registrations in one source file.
func (b *builder) codeFirst(p string, data []byte) {
	src := string(data)
	var regs []reg
	var how, lang string
	switch ext := strings.ToLower(path.Ext(p)); {
	case ext == ".py" && strings.Contains(src, "FunctionApp") || ext == ".py" && strings.Contains(src, "Blueprint"):
		regs, how, lang = b.python(p, src), "Python v2 decorators", "python"
	case (ext == ".js" || ext == ".ts" || ext == ".mjs" || ext == ".cjs") && strings.Contains(src, "@azure/functions"):
		regs, how, lang = b.node(p, src), "Node.js v4 app registrations", "node"
	case ext == ".cs" && (strings.Contains(src, "[Function(") || strings.Contains(src, "[FunctionName(") || strings.Contains(src, "[Function (")):
		regs, how, lang = b.csharp(p, src), "C# function attributes", "dotnet"
	default:
		return
	}
	if len(regs) == 0 {
		return
	}
	if b.runtime == nil {
		// The worker runtime the source implies (version unknown).
		b.runtime = model.NewString(lang, model.Pos{File: p, Line: 1, Col: 1})
	}
	b.diag(model.Pos{File: p, Line: 1, Col: 1}, model.DiagInfo, "%d function(s) read from %s lexically (no code is run; arguments that are not literals are kept as unknown)", len(regs), how)
	for _, r := range regs {
		f := b.function(r.name, r.pos)
		for i, bd := range r.bindings {
			b.binding(f, i, bd, true)
		}
	}
}

// value turns an argument's text into a model value: a string for a
// string literal, a list for a list of string literals, the last name of
// a dotted name (for enums) when enum is true, a symbol otherwise.
func value(file, src string, a arg, enum bool) *model.Value {
	pos := posAt(file, []byte(src), a.Off)
	if s, ok := unquote(a.Text); ok {
		return model.NewString(s, pos)
	}
	if l, ok := stringList(a.Text); ok {
		items := make([]*model.Value, len(l))
		for i, s := range l {
			items[i] = model.NewString(s, pos)
		}
		return model.NewList(items, pos)
	}
	if enum {
		if n := lastName(a.Text); n != "" && strings.Contains(a.Text, ".") {
			return model.NewString(n, pos)
		}
	}
	t := a.Text
	if len(t) > 60 {
		t = t[:60] + "…"
	}
	return model.NewSymbol("code: "+t, pos)
}

// bindingValue builds a function.json-shaped binding.
func bindingValue(pos model.Pos, typ, dir string, fields ...model.Field) *model.Value {
	fs := []model.Field{{Key: "type", KeyPos: pos, Value: model.NewString(typ, pos)}}
	if dir != "" {
		fs = append(fs, model.Field{Key: "direction", KeyPos: pos, Value: model.NewString(dir, pos)})
	}
	for _, f := range fields {
		if f.Value != nil {
			fs = append(fs, f)
		}
	}
	return model.NewMap(fs, pos)
}

func field(key string, v *model.Value) model.Field {
	var p model.Pos
	if v != nil {
		p = v.Pos
	}
	return model.Field{Key: key, KeyPos: p, Value: v}
}

// authLevel normalises an auth level written as an enum member
// (ANONYMOUS, Anonymous) or a string ('anonymous') to function.json's
// lower-case form; anything else stays as it is (unknown).
func authLevel(v *model.Value) *model.Value {
	if !v.IsResolved() || v.Kind != model.String {
		return v
	}
	switch l := strings.ToLower(v.Str); l {
	case "anonymous", "function", "admin", "system", "user":
		return model.NewString(l, v.Pos)
	}
	return v
}

// ---- Python v2 ----

var (
	pyDecoRE  = regexp.MustCompile(`(?m)^[ \t]*@([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*\(`)
	pyDefRE   = regexp.MustCompile(`(?m)^[ \t]*(?:async[ \t]+)?def[ \t]+([A-Za-z_][A-Za-z0-9_]*)`)
	pyAppRE   = regexp.MustCompile(`FunctionApp\s*\(`)
	pyPlainRE = regexp.MustCompile(`(?m)^[ \t]*@([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)[ \t]*$`)
)

// pyTypes maps Python v2 decorator names to binding types and directions.
var pyTypes = map[string][2]string{
	"route": {"httpTrigger", "in"}, "http_trigger": {"httpTrigger", "in"},
	"timer_trigger": {"timerTrigger", "in"}, "schedule": {"timerTrigger", "in"},
	"queue_trigger": {"queueTrigger", "in"}, "queue_output": {"queue", "out"},
	"blob_trigger": {"blobTrigger", "in"}, "blob_input": {"blob", "in"}, "blob_output": {"blob", "out"},
	"table_input": {"table", "in"}, "table_output": {"table", "out"},
	"cosmos_db_trigger": {"cosmosDBTrigger", "in"}, "cosmos_db_input": {"cosmosDB", "in"}, "cosmos_db_output": {"cosmosDB", "out"},
	"cosmos_db_trigger_v3": {"cosmosDBTrigger", "in"}, "cosmos_db_input_v3": {"cosmosDB", "in"}, "cosmos_db_output_v3": {"cosmosDB", "out"},
	"service_bus_queue_trigger": {"serviceBusTrigger", "in"}, "service_bus_topic_trigger": {"serviceBusTrigger", "in"},
	"service_bus_queue_output": {"serviceBus", "out"}, "service_bus_topic_output": {"serviceBus", "out"},
	"event_hub_message_trigger": {"eventHubTrigger", "in"}, "event_hub_output": {"eventHub", "out"},
	"event_grid_trigger": {"eventGridTrigger", "in"}, "event_grid_output": {"eventGrid", "out"},
	"sql_trigger": {"sqlTrigger", "in"}, "sql_input": {"sql", "in"}, "sql_output": {"sql", "out"},
	"kafka_trigger": {"kafkaTrigger", "in"}, "kafka_output": {"kafka", "out"},
	"generic_trigger": {"", "in"}, "generic_input_binding": {"", "in"}, "generic_output_binding": {"", "out"},
}

// pyKeys maps Python keyword arguments to function.json keys.
var pyKeys = map[string]string{
	"auth_level": "authLevel", "route": "route", "methods": "methods", "queue_name": "queueName", "path": "path",
	"connection": "connection", "table_name": "tableName", "database_name": "databaseName", "container_name": "containerName",
	"collection_name": "collectionName", "topic_name": "topicName", "subscription_name": "subscriptionName",
	"event_hub_name": "eventHubName", "schedule": "schedule", "arg_name": "name", "type": "type", "command_text": "commandText",
	"topic": "topic", "connection_string_setting": "connection",
}

func (b *builder) python(file, src string) []reg {
	// The app's default auth level for routes that set none.
	defLevel := model.NewString("function", model.Pos{File: file, Line: 1, Col: 1})
	if loc := pyAppRE.FindStringIndex(src); loc != nil {
		if end := matchClose(src, loc[1]-1); end > 0 {
			for _, a := range splitArgs(src[loc[1]:end-1], loc[1], "=") {
				if a.Name == "http_auth_level" {
					defLevel = authLevel(value(file, src, a, true))
				}
			}
		}
	}
	type deco struct {
		method string
		args   []arg
		off    int
	}
	var pending []deco
	var out []reg
	decos := pyDecoRE.FindAllStringSubmatchIndex(src, -1)
	defs := pyDefRE.FindAllStringSubmatchIndex(src, -1)
	di := 0
	for _, d := range defs {
		for di < len(decos) && decos[di][0] < d[0] {
			m := decos[di]
			di++
			open := m[1] - 1
			end := matchClose(src, open)
			if end < 0 {
				continue
			}
			pending = append(pending, deco{method: src[m[4]:m[5]], args: splitArgs(src[open+1:end-1], open+1, "="), off: m[0]})
		}
		if len(pending) == 0 {
			continue
		}
		// Decorators belong to this def only if nothing but other
		// decorators sits between them and it.
		name := src[d[2]:d[3]]
		pos := posAt(file, []byte(src), d[2])
		r := reg{name: name, pos: pos}
		for _, dc := range pending {
			if dc.method == "function_name" {
				for _, a := range dc.args {
					if a.Name == "name" || a.Name == "" {
						if s, ok := unquote(a.Text); ok {
							r.name = s
						}
					}
				}
				continue
			}
			t, ok := pyTypes[dc.method]
			if !ok {
				continue
			}
			dpos := posAt(file, []byte(src), dc.off)
			var fields []model.Field
			typ := t[0]
			hasLevel := false
			for _, a := range dc.args {
				k, ok := pyKeys[a.Name]
				if !ok {
					continue
				}
				v := value(file, src, a, a.Name == "auth_level")
				if k == "authLevel" {
					v, hasLevel = authLevel(v), true
				}
				if k == "type" && typ == "" {
					typ = v.String()
					continue
				}
				fields = append(fields, field(k, v))
			}
			if typ == "httpTrigger" && !hasLevel {
				fields = append(fields, field("authLevel", defLevel))
			}
			if typ == "" {
				continue
			}
			r.bindings = append(r.bindings, bindingValue(dpos, typ, t[1], fields...))
		}
		pending = nil
		if len(r.bindings) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// ---- Node.js v4 ----

var (
	nodeAppRE    = regexp.MustCompile(`\bapp\s*\.\s*(http|get|post|put|patch|deleteRequest|storageQueue|storageBlob|timer|cosmosDB|serviceBusQueue|serviceBusTopic|eventHub|eventGrid|sql|generic)\s*\(`)
	nodeBindRE   = regexp.MustCompile(`\b(?:const|let|var)\s+([A-Za-z_$][A-Za-z0-9_$]*)\s*=\s*(input|output)\s*\.\s*([A-Za-z]+)\s*\(`)
	nodeInlineRE = regexp.MustCompile(`^(input|output)\s*\.\s*([A-Za-z]+)\s*\(`)
)

// nodeTypes maps app/input/output method names to binding types.
var nodeTypes = map[string]string{
	"http": "httpTrigger", "get": "httpTrigger", "post": "httpTrigger", "put": "httpTrigger", "patch": "httpTrigger", "deleteRequest": "httpTrigger",
	"storageQueue": "queue", "storageBlob": "blob", "timer": "timerTrigger", "cosmosDB": "cosmosDB", "serviceBusQueue": "serviceBus",
	"serviceBusTopic": "serviceBus", "eventHub": "eventHub", "eventGrid": "eventGrid", "sql": "sql", "table": "table",
}

// nodeKeys are the option keys copied into bindings.
var nodeKeys = map[string]bool{
	"authLevel": true, "route": true, "methods": true, "queueName": true, "path": true, "connection": true, "tableName": true,
	"databaseName": true, "containerName": true, "collectionName": true, "topicName": true, "subscriptionName": true,
	"eventHubName": true, "schedule": true, "commandText": true, "type": true, "direction": true,
}

func (b *builder) node(file, src string) []reg {
	// Named input/output bindings declared once and used in extraInputs
	// and extraOutputs.
	named := map[string]*model.Value{}
	for _, m := range nodeBindRE.FindAllStringSubmatchIndex(src, -1) {
		if bd := b.nodeCall(file, src, m[1]-1, src[m[4]:m[5]], src[m[6]:m[7]]); bd != nil {
			named[src[m[2]:m[3]]] = bd
		}
	}
	var out []reg
	for _, m := range nodeAppRE.FindAllStringSubmatchIndex(src, -1) {
		method := src[m[2]:m[3]]
		open := m[1] - 1
		end := matchClose(src, open)
		if end < 0 {
			continue
		}
		args := splitArgs(src[open+1:end-1], open+1, ":")
		if len(args) == 0 {
			continue
		}
		pos := posAt(file, []byte(src), m[0])
		name, ok := unquote(args[0].Text)
		if !ok {
			b.diag(posAt(file, []byte(src), args[0].Off), model.DiagWarning, "app.%s registers a function whose name is not a literal; named after its position", method)
			name = "function@" + itoa(pos.Line)
		}
		r := reg{name: name, pos: pos}
		typ := nodeTypes[method]
		if method != "http" && method != "generic" && typ != "timerTrigger" && typ != "httpTrigger" {
			typ += "Trigger"
		}
		var fields []model.Field
		var extras []*model.Value
		if len(args) > 1 {
			opts := strings.TrimSpace(args[1].Text)
			if strings.HasPrefix(opts, "{") && strings.HasSuffix(opts, "}") {
				inner := opts[1 : len(opts)-1]
				base := args[1].Off + 1
				for _, a := range splitArgs(inner, base, ":") {
					switch {
					case nodeKeys[a.Name]:
						v := value(file, src, a, false)
						if a.Name == "authLevel" {
							v = authLevel(v)
						}
						if a.Name == "type" && method == "generic" {
							typ = v.String()
							continue
						}
						fields = append(fields, field(a.Name, v))
					case a.Name == "extraInputs" || a.Name == "extraOutputs" || a.Name == "return":
						extras = append(extras, b.nodeExtras(file, src, a, named)...)
					}
				}
			}
		}
		switch method {
		case "get", "post", "put", "patch", "deleteRequest":
			m := strings.ToUpper(strings.TrimSuffix(method, "Request"))
			fields = append(fields, field("methods", model.NewList([]*model.Value{model.NewString(m, pos)}, pos)))
		}
		if typ == "httpTrigger" && !hasField(fields, "authLevel") {
			// app.http's default level is anonymous.
			fields = append(fields, field("authLevel", model.NewString("anonymous", pos)))
		}
		if typ == "" {
			b.diag(pos, model.DiagWarning, "app.generic registers %s without a literal type; left out", name)
			continue
		}
		r.bindings = append(r.bindings, bindingValue(pos, typ, "in", fields...))
		r.bindings = append(r.bindings, extras...)
		out = append(out, r)
	}
	return out
}

func hasField(fs []model.Field, k string) bool {
	for _, f := range fs {
		if f.Key == k {
			return true
		}
	}
	return false
}

func (b *builder) nodeCall(file, src string, open int, dir, method string) *model.Value {
	typ, ok := nodeTypes[method]
	if !ok || method == "http" {
		return nil // output.http() is the response
	}
	end := matchClose(src, open)
	if end < 0 {
		return nil
	}
	pos := posAt(file, []byte(src), open)
	var fields []model.Field
	args := splitArgs(src[open+1:end-1], open+1, ":")
	if len(args) > 0 {
		o := strings.TrimSpace(args[0].Text)
		if strings.HasPrefix(o, "{") && strings.HasSuffix(o, "}") {
			for _, a := range splitArgs(o[1:len(o)-1], args[0].Off+1, ":") {
				if nodeKeys[a.Name] {
					fields = append(fields, field(a.Name, value(file, src, a, false)))
				}
			}
		}
	}
	d := "in"
	if dir == "output" {
		d = "out"
	}
	return bindingValue(pos, typ, d, fields...)
}

// nodeExtras resolves extraInputs/extraOutputs lists: names of bindings
// declared with input.x/output.x, or such calls inline.
func (b *builder) nodeExtras(file, src string, a arg, named map[string]*model.Value) []*model.Value {
	t := strings.TrimSpace(a.Text)
	if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
		var out []*model.Value
		for _, e := range splitArgs(t[1:len(t)-1], a.Off+1, "") {
			out = append(out, b.nodeExtra(file, src, e, named)...)
		}
		return out
	}
	return b.nodeExtra(file, src, a, named)
}

func (b *builder) nodeExtra(file, src string, e arg, named map[string]*model.Value) []*model.Value {
	t := strings.TrimSpace(e.Text)
	if bd, ok := named[t]; ok {
		return []*model.Value{bd}
	}
	if m := nodeInlineRE.FindStringSubmatchIndex(t); m != nil {
		open := e.Off + m[1] - 1
		if bd := b.nodeCall(file, src, open, t[m[2]:m[3]], t[m[4]:m[5]]); bd != nil {
			return []*model.Value{bd}
		}
	}
	return nil
}
