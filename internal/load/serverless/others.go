package serverless

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// baseFunction reads the settings every provider shares.
func (b *builder) baseFunction(key string, kpos model.Pos, d, prov *model.Value) *model.Function {
	fn := &model.Function{ID: key, Pos: kpos}
	fn.Name = b.get(d, "name")
	fn.Handler = b.get(d, "handler")
	fn.Runtime = first(b.get(d, "runtime"), b.get(prov, "runtime"))
	fn.MemorySize = first(b.get(d, "memorySize"), b.get(prov, "memorySize"))
	fn.Timeout = first(b.get(d, "timeout"), b.get(prov, "timeout"))
	fn.Environment = mergeEnv(b.get(prov, "environment"), b.get(d, "environment"))
	fn.Tags = append(cfn.Tags(first(b.get(prov, "labels"), b.get(prov, "tags"))), cfn.Tags(first(b.get(d, "labels"), b.get(d, "tags")))...)
	return fn
}

// providerFunctions runs each for every function declared as a mapping.
func (b *builder) providerFunctions(each func(key string, kpos model.Pos, d *model.Value, fn *model.Function)) {
	prov := b.doc.Get("provider")
	for _, f := range b.fnOrder {
		d := f.Value
		if !is(d, model.Map) {
			d = model.NewMap(nil, f.KeyPos)
		}
		fn := b.baseFunction(f.Key, f.KeyPos, d, prov)
		b.st.Functions = append(b.st.Functions, fn)
		each(f.Key, f.KeyPos, d, fn)
	}
}

// providerAPI returns the provider's own HTTP front door.
func (b *builder) providerAPI(id string, pos model.Pos) string {
	if b.st.API(id) == nil {
		b.st.APIs = append(b.st.APIs, &model.API{ID: id, Pos: pos, Kind: model.APIFunction, Implicit: true, Name: b.service})
	}
	return id
}

// settingsOf returns an Azure event's settings: x-azure-settings (nested
// or as a sibling key) merged over the event's own keys.
func settingsOf(ev, body *model.Value) *model.Value {
	var fields []model.Field
	add := func(m *model.Value) {
		for _, f := range m.Entries() {
			if f.Key == "x-azure-settings" {
				fields = append(fields, f.Value.Entries()...)
				continue
			}
			fields = append(fields, f)
		}
	}
	if is(ev, model.Map) {
		for _, f := range ev.Fields[1:] {
			add(model.NewMap([]model.Field{f}, ev.Pos))
		}
	}
	add(body)
	return model.NewMap(fields, ev.Pos)
}

// azure translates an Azure Functions service
// (serverless-azure-functions): HTTP triggers with authLevel, and queue,
// blob, timer, Service Bus, Event Hub and Cosmos DB bindings.
func (b *builder) azure() {
	b.providerFunctions(func(key string, kpos model.Pos, d *model.Value, fn *model.Function) {
		for i, ev := range d.Get("events").Elems() {
			typ, body := eventKey(ev)
			set := settingsOf(ev, body)
			e := &event{af: &awsFn{key: key}, typ: typ, body: set, pos: ev.Pos, idx: i}
			switch typ {
			case "http":
				methods := set.Get("methods").AsStrings()
				route := set.Get("route").String()
				if route == "" {
					route = key
				}
				auth := model.Auth{Type: model.AuthKey, Pos: ev.Pos}
				if lvl := set.Get("authLevel"); lvl.IsSet() {
					auth.Pos = lvl.Pos
					switch strings.ToLower(lvl.String()) {
					case "anonymous":
						auth.Type = model.AuthNone
					case "function", "admin", "system":
						auth.Type = model.AuthKey
					default:
						auth.Type = model.AuthUnknown
					}
				}
				api := b.providerAPI("FunctionApp", ev.Pos)
				if len(methods) == 0 {
					methods = []string{"ANY"}
				}
				for _, m := range methods {
					m = strings.ToUpper(m)
					p := normPath("api/" + strings.TrimPrefix(route, "/"))
					if strings.HasPrefix(strings.TrimPrefix(route, "/"), "api/") {
						p = normPath(route)
					}
					ep := &model.EntryPoint{ID: api + " " + m + " " + p, Pos: ev.Pos, Kind: model.EntryRoute, API: api, Method: m, Path: p, Function: key, Auth: auth, Event: typ}
					b.addEntry(ep)
				}
			case "queue", "serviceBus", "eventHub":
				tr := b.trigger(e, model.TriggerQueue, first(set.Get("queueName"), set.Get("topicName"), set.Get("eventHubName"), set.Get("name")))
				tr.Filter = set.Get("connection")
			case "blob":
				tr := b.trigger(e, model.TriggerBlob, set.Get("path"))
				tr.Filter = set.Get("connection")
			case "timer":
				tr := b.trigger(e, model.TriggerTimer, nil)
				tr.Schedule = set.Get("schedule")
			case "":
			default:
				b.trigger(e, model.TriggerOther, set.Get("name"))
			}
		}
	})
}

// addEntry adds an entry point with a unique ID.
func (b *builder) addEntry(ep *model.EntryPoint) {
	base := ep.ID
	for n := 2; ; n++ {
		dup := false
		for _, x := range b.st.EntryPoints {
			if x.ID == ep.ID {
				dup = true
				break
			}
		}
		if !dup {
			break
		}
		ep.ID = base + " #" + itoa(n)
	}
	b.st.EntryPoints = append(b.st.EntryPoints, ep)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}

// google translates a Google Cloud Functions service
// (serverless-google-cloudfunctions): HTTP functions, whose callers are
// decided by their invoker bindings, and event triggers.
func (b *builder) google() {
	provIAM := b.doc.Path("provider", "iam", "bindings")
	b.providerFunctions(func(key string, kpos model.Pos, d *model.Value, fn *model.Function) {
		fn.RoleARN = b.get(d, "serviceAccountEmail")
		if fn.RoleARN == nil {
			fn.RoleARN = b.get(b.doc.Get("provider"), "serviceAccountEmail")
		}
		bindings := first(d.Path("iam", "bindings"), provIAM)
		for i, ev := range d.Get("events").Elems() {
			typ, body := eventKey(ev)
			e := &event{af: &awsFn{key: key}, typ: typ, body: body, pos: ev.Pos, idx: i}
			switch typ {
			case "http":
				api := b.providerAPI("CloudFunctions", ev.Pos)
				p := normPath(key)
				ep := &model.EntryPoint{ID: api + " " + key, Pos: ev.Pos, Kind: model.EntryRoute, API: api, Method: "ANY", Path: p, Function: key, Event: typ}
				ep.Auth = b.googleInvoker(key, bindings, ev.Pos)
				b.addEntry(ep)
			case "event":
				et := body.Get("eventType").String()
				kind := model.TriggerOther
				switch {
				case strings.Contains(et, "pubsub"):
					kind = model.TriggerPubSub
				case strings.Contains(et, "storage"):
					kind = model.TriggerBlob
				}
				tr := b.trigger(e, kind, body.Get("resource"))
				if et != "" {
					tr.Events = []string{et}
				}
			default:
				b.trigger(e, model.TriggerOther, nil)
			}
		}
	})
}

// googleInvoker decides who may call an HTTP function from its
// roles/cloudfunctions.invoker bindings: allUsers or allAuthenticatedUsers
// make it public; otherwise callers need IAM.
func (b *builder) googleInvoker(key string, bindings *model.Value, pos model.Pos) model.Auth {
	auth := model.Auth{Type: model.AuthIAM, Pos: pos}
	var doc []*model.Value
	for _, bd := range bindings.Elems() {
		role := bd.Get("role").String()
		if !strings.Contains(role, "invoker") {
			continue
		}
		doc = append(doc, bd)
		for _, m := range bd.Get("members").AsStrings() {
			if m == "allUsers" || m == "allAuthenticatedUsers" {
				auth = model.Auth{Type: model.AuthNone, Pos: bd.Pos}
			}
		}
	}
	if len(doc) > 0 {
		b.st.ResourcePolicies = append(b.st.ResourcePolicies, &model.ResourcePolicy{
			ID: key + " invoker", Pos: doc[0].Pos, Kind: model.RPInvoker, Targets: []string{key},
			Doc: cfn.PolicyDocument("invoker bindings", model.PolicyResource, model.NewList(doc, doc[0].Pos)),
		})
	}
	return auth
}

// openwhisk translates an Apache OpenWhisk service (serverless-openwhisk):
// API Gateway routes from http events, web actions (public unless
// require-whisk-auth), triggers, rules, and sequences.
func (b *builder) openwhisk() {
	b.providerFunctions(func(key string, kpos model.Pos, d *model.Value, fn *model.Function) {
		ann := d.Get("annotations")
		if seq := d.Get("sequence"); seq.IsSet() {
			fn.Settings = model.NewMap([]model.Field{{Key: "sequence", KeyPos: seq.Pos, Value: seq}}, seq.Pos)
		}
		if ann.IsSet() {
			if fn.Settings == nil {
				fn.Settings = model.NewMap(nil, ann.Pos)
			}
			fn.Settings.Fields = append(fn.Settings.Fields, model.Field{Key: "annotations", KeyPos: ann.Pos, Value: ann})
		}
		web := ann.Get("web-export")
		if wb := d.Get("web"); wb.IsSet() {
			web = wb
		}
		if isTrue(web) || strings.EqualFold(web.String(), "raw") {
			auth := model.Auth{Type: model.AuthNone, Pos: web.Pos}
			if ra := ann.Get("require-whisk-auth"); ra.IsSet() && !(is(ra, model.Bool) && !isTrue(ra)) {
				auth = model.Auth{Type: model.AuthKey, Pos: ra.Pos}
			}
			b.addEntry(&model.EntryPoint{ID: "web " + key, Pos: web.Pos, Kind: model.EntryWebAction, Function: key, Auth: auth, Event: "web"})
		}
		for i, ev := range d.Get("events").Elems() {
			typ, body := eventKey(ev)
			e := &event{af: &awsFn{key: key}, typ: typ, body: body, pos: ev.Pos, idx: i}
			switch typ {
			case "http":
				var method, p string
				if is(body, model.Map) {
					method, p = body.Get("method").String(), body.Get("path").String()
				} else {
					method, p = splitMethodPath(body.String())
				}
				method = strings.ToUpper(method)
				if method == "" {
					method = "GET"
				}
				api := b.providerAPI("ApiGateway", ev.Pos)
				b.addEntry(&model.EntryPoint{ID: api + " " + method + " " + normPath(p), Pos: ev.Pos, Kind: model.EntryRoute, API: api,
					Method: method, Path: normPath(p), Function: key, Auth: model.Auth{Type: model.AuthNone, Pos: ev.Pos}, Event: typ})
			case "schedule":
				tr := b.trigger(e, model.TriggerSchedule, nil)
				tr.Schedule = body
				if is(body, model.Map) {
					tr.Schedule = body.Get("rate")
				}
			case "trigger":
				name := body
				if is(body, model.Map) {
					name = body.Get("name")
				}
				tr := b.trigger(e, model.TriggerOther, name)
				tr.Filter = body.Get("feed")
			default:
				b.trigger(e, model.TriggerOther, nil)
			}
		}
	})
	// Top-level triggers with feeds, and rules binding triggers to actions.
	for _, f := range b.doc.Path("resources", "triggers").Entries() {
		b.st.Resources = append(b.st.Resources, &model.Resource{ID: "trigger " + f.Key, Type: "openwhisk:trigger", Pos: f.KeyPos, Properties: f.Value})
	}
	for _, f := range b.doc.Path("resources", "rules").Entries() {
		action := f.Value.Get("action").String()
		if b.st.Function(action) == nil {
			continue
		}
		pos := f.KeyPos
		e := &event{af: &awsFn{key: action}, typ: "rule", body: f.Value, pos: pos}
		tr := b.trigger(e, model.TriggerOther, f.Value.Get("trigger"))
		tr.ID = "rule " + f.Key
	}
}
