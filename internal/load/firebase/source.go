package firebase

import (
	"regexp"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

var (
	jsExportRE = regexp.MustCompile(`(?m)(?:\bexports\.([A-Za-z_$][\w$]*)|\bmodule\.exports\.([A-Za-z_$][\w$]*)|^\s*export\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*))\s*=\s*`)
	pyDecoRE   = regexp.MustCompile(`(?m)^[ \t]*@(https_fn|firestore_fn|storage_fn|pubsub_fn|scheduler_fn|tasks_fn|db_fn|identity_fn|alerts_fn|remote_config_fn|test_lab_fn|eventarc_fn)\.([a-z_]+)\s*\(`)
	pyDefRE    = regexp.MustCompile(`(?m)^[ \t]*(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)`)

	collWriteRE = regexp.MustCompile(`\.(?:collection|doc)\(\s*['"\x60]([A-Za-z0-9_\-]+)(?:/[^'"\x60]*)?['"\x60]\s*\)`)
	v1BucketRE  = regexp.MustCompile(`bucket\s*\(\s*['"\x60]([^'"\x60]+)`)
	authUseRE   = regexp.MustCompile(`\b(?:request|req|context|ctx)\.auth\b`)
	strArgRE    = regexp.MustCompile(`^\s*\(\s*(?:['"\x60]([^'"\x60]*)['"\x60])`)

	maxInstancesRE = regexp.MustCompile(`\b(?:maxInstances|max_instances)\s*[:=]\s*(\d+)`)
	invokerRE      = regexp.MustCompile(`\binvoker\s*[:=]\s*`)
)

// trig is what an export's expression registers.
type trig struct {
	kind  string // http, callable, firestore, storage, pubsub, schedule, task, rtdb, auth, other
	arg   *model.Value
	opts  string // the options object's text, when one is passed
	event string
}

// jsTriggers are the v1 chains and v2 functions, most specific first.
var jsTriggers = []struct {
	re   *regexp.Regexp
	kind string
}{
	{regexp.MustCompile(`\bhttps\s*\.\s*onRequest\s*\(`), "http"},
	{regexp.MustCompile(`\bhttps\s*\.\s*onCall\s*\(`), "callable"},
	{regexp.MustCompile(`\bfirestore\s*\.\s*document\s*\(`), "firestore"},
	{regexp.MustCompile(`\bdatabase\s*\.\s*ref\s*\(`), "rtdb"},
	{regexp.MustCompile(`\bstorage\s*\.\s*(?:bucket\s*\([^)]*\)\s*\.\s*)?object\s*\(`), "storage"},
	{regexp.MustCompile(`\bpubsub\s*\.\s*topic\s*\(`), "pubsub"},
	{regexp.MustCompile(`\bpubsub\s*\.\s*schedule\s*\(`), "schedule"},
	{regexp.MustCompile(`\btasks\s*\.\s*taskQueue\s*\(`), "task"},
	{regexp.MustCompile(`\bauth\s*\.\s*user\s*\(`), "auth"},
	{regexp.MustCompile(`(?:^|[^\w.])onRequest\s*\(`), "http"},
	{regexp.MustCompile(`(?:^|[^\w.])onCall(?:Genkit)?\s*\(`), "callable"},
	{regexp.MustCompile(`(?:^|[^\w.])onDocument(?:Created|Updated|Deleted|Written)(?:WithAuthContext)?\s*\(`), "firestore"},
	{regexp.MustCompile(`(?:^|[^\w.])onValue(?:Created|Updated|Deleted|Written)\s*\(`), "rtdb"},
	{regexp.MustCompile(`(?:^|[^\w.])onObject(?:Finalized|Deleted|Archived|MetadataUpdated)\s*\(`), "storage"},
	{regexp.MustCompile(`(?:^|[^\w.])onMessagePublished\s*\(`), "pubsub"},
	{regexp.MustCompile(`(?:^|[^\w.])onSchedule\s*\(`), "schedule"},
	{regexp.MustCompile(`(?:^|[^\w.])onTaskDispatched\s*\(`), "task"},
	{regexp.MustCompile(`(?:^|[^\w.])(?:beforeUserCreated|beforeUserSignedIn|beforeEmailSent|beforeSmsSent)\s*\(`), "auth"},
	{regexp.MustCompile(`(?:^|[^\w.])on(?:[A-Z]\w*)(?:Published|Alert|Event|Updated)\s*\(`), "other"},
}

// pyTriggers maps Python decorator modules and names to trigger kinds.
func pyKind(mod, name string) string {
	switch {
	case mod == "https_fn" && name == "on_request":
		return "http"
	case mod == "https_fn" && name == "on_call":
		return "callable"
	case mod == "firestore_fn":
		return "firestore"
	case mod == "storage_fn":
		return "storage"
	case mod == "pubsub_fn":
		return "pubsub"
	case mod == "scheduler_fn":
		return "schedule"
	case mod == "tasks_fn":
		return "task"
	case mod == "db_fn":
		return "rtdb"
	case mod == "identity_fn":
		return "auth"
	}
	return "other"
}

// source reads the functions one file exports and returns how many.
func (b *builder) source(file, src string, runtime *model.Value) int {
	if strings.HasSuffix(file, ".py") {
		if runtime == nil {
			runtime = model.NewString("python", model.Pos{File: file, Line: 1, Col: 1})
		}
		return b.python(file, src, runtime)
	}
	if !strings.Contains(src, "firebase-functions") {
		return 0
	}
	if runtime == nil {
		runtime = model.NewString("nodejs", model.Pos{File: file, Line: 1, Col: 1})
	}
	exports := jsExportRE.FindAllStringSubmatchIndex(src, -1)
	n := 0
	for i, m := range exports {
		name := ""
		for g := 1; g <= 3; g++ {
			if m[2*g] >= 0 {
				name = src[m[2*g]:m[2*g+1]]
			}
		}
		end := len(src)
		if i+1 < len(exports) {
			end = exports[i+1][0]
		}
		body := src[m[1]:end]
		head := body
		if len(head) > 600 {
			head = head[:600]
		}
		var t *trig
		for _, jt := range jsTriggers {
			loc := jt.re.FindStringIndex(head)
			if loc == nil {
				continue
			}
			t = &trig{kind: jt.kind, event: strings.TrimSpace(strings.Trim(head[loc[0]:loc[1]], "(.\n\t "))}
			open := m[1] + loc[1] - 1
			b.args(file, src, open, t)
			if bm := v1BucketRE.FindStringSubmatchIndex(head[loc[0]:loc[1]]); bm != nil && t.kind == "storage" {
				t.arg = model.NewString(head[loc[0]+bm[2]:loc[0]+bm[3]], posAt(file, []byte(src), m[1]+loc[0]+bm[2]))
			}
			break
		}
		if t == nil {
			continue
		}
		b.function(file, src, name, posAt(file, []byte(src), m[0]), t, body, runtime)
		n++
	}
	return n
}

// args reads a trigger call's first argument: a path/topic/schedule string
// or an options object (kept as text for option lookups).
func (b *builder) args(file, src string, open int, t *trig) {
	rest := src[open:]
	if m := strArgRE.FindStringSubmatchIndex(rest); m != nil {
		t.arg = model.NewString(rest[m[2]:m[3]], posAt(file, []byte(src), open+m[2]))
		return
	}
	trimmed := strings.TrimLeft(rest[1:], " \t\r\n")
	if strings.HasPrefix(trimmed, "{") {
		start := open + 1 + (len(rest[1:]) - len(trimmed))
		if end := matchBrace(src, start); end > 0 {
			t.opts = src[start:end]
			t.arg = optString(file, src, start, t.opts, "document", "topic", "schedule", "bucket", "ref", "reference")
		}
	}
}

// matchBrace returns the offset past the '}' closing the '{' at open.
func matchBrace(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '{', '(', '[':
			depth++
		case '}', ')', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"', '\'', '`':
			q := s[i]
			for i++; i < len(s) && s[i] != q && s[i] != '\n'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		}
	}
	return -1
}

// optString returns the string value of the first of keys in an options
// object (JS `key: 'v'` or Python `key="v"`).
func optString(file, src string, base int, opts string, keys ...string) *model.Value {
	for _, k := range keys {
		re := regexp.MustCompile(`\b` + k + `\s*[:=]\s*(?:['"\x60]([^'"\x60]*)['"\x60])`)
		if m := re.FindStringSubmatchIndex(opts); m != nil {
			return model.NewString(opts[m[2]:m[3]], posAt(file, []byte(src), base+m[2]))
		}
	}
	return nil
}

func (b *builder) python(file, src string, runtime *model.Value) int {
	decos := pyDecoRE.FindAllStringSubmatchIndex(src, -1)
	defs := pyDefRE.FindAllStringSubmatchIndex(src, -1)
	n, di := 0, 0
	for k, d := range defs {
		var t *trig
		for di < len(decos) && decos[di][0] < d[0] {
			m := decos[di]
			di++
			t = &trig{kind: pyKind(src[m[2]:m[3]], src[m[4]:m[5]]), event: src[m[2]:m[3]] + "." + src[m[4]:m[5]]}
			open := m[1] - 1
			if end := matchBrace(src, open); end > 0 {
				t.opts = src[open:end]
				t.arg = optString(file, src, open, t.opts, "document", "topic", "schedule", "bucket", "reference")
				if t.arg == nil {
					if sm := strArgRE.FindStringSubmatchIndex(t.opts); sm != nil {
						t.arg = model.NewString(t.opts[sm[2]:sm[3]], posAt(file, []byte(src), open+sm[2]))
					}
				}
			}
		}
		if t == nil {
			continue
		}
		end := len(src)
		if k+1 < len(defs) {
			end = defs[k+1][0]
		}
		b.function(file, src, src[d[2]:d[3]], posAt(file, []byte(src), d[2]), t, src[d[1]:end], runtime)
		n++
	}
	return n
}

// function adds one exported function with its trigger and data flows.
func (b *builder) function(file, src, name string, pos model.Pos, t *trig, body string, runtime *model.Value) {
	if b.st.Function(name) != nil {
		b.diag(pos, model.DiagWarning, "function %s is exported twice; the first export is kept", name)
		return
	}
	f := &model.Function{ID: name, Pos: pos, Name: model.NewString(name, pos), Runtime: runtime, Handler: model.NewString(name, pos), CodeURI: b.code}
	if v := optString(file, src, 0, t.opts, "maxInstances", "max_instances"); v != nil {
		f.ReservedConcurrency = v
	} else if m := maxInstancesRE.FindStringSubmatch(t.opts); m != nil {
		f.ReservedConcurrency = model.NewNumber(m[1], pos)
	}
	if t.opts != "" {
		f.Settings = model.NewMap([]model.Field{{Key: "options", KeyPos: pos, Value: model.NewString(strings.Join(strings.Fields(t.opts), " "), pos)}}, pos)
	}
	b.st.Functions = append(b.st.Functions, f)
	switch t.kind {
	case "http", "callable":
		b.http(f, t, body, pos)
	case "firestore", "rtdb":
		svc := "firestore"
		if t.kind == "rtdb" {
			svc = "database"
		}
		coll := ""
		if t.arg.IsResolved() {
			coll = strings.SplitN(strings.Trim(t.arg.Str, "/"), "/", 2)[0]
		}
		s := b.store(svc, coll, model.StoreDatabase, t.arg.PosOr(pos))
		b.trigger(f, model.TriggerOther, s, t, pos)
	case "storage":
		bucket := "(default bucket)"
		if t.arg.IsResolved() {
			bucket = t.arg.Str
		}
		b.trigger(f, model.TriggerBlob, b.store("storage", bucket, model.StoreBucket, t.arg.PosOr(pos)), t, pos)
	case "pubsub":
		topic := ""
		if t.arg.IsResolved() {
			topic = t.arg.Str
		}
		b.trigger(f, model.TriggerPubSub, b.store("pubsub", topic, model.StoreTopic, t.arg.PosOr(pos)), t, pos)
	case "task":
		b.trigger(f, model.TriggerQueue, b.store("tasks", name, model.StoreQueue, pos), t, pos)
	case "schedule":
		tr := &model.Trigger{ID: f.ID + "/" + t.kind, Pos: pos, Kind: model.TriggerSchedule, Function: f.ID, Schedule: t.arg, Event: t.event}
		b.st.Triggers = append(b.st.Triggers, tr)
	default:
		b.st.Triggers = append(b.st.Triggers, &model.Trigger{ID: f.ID + "/" + t.kind, Pos: pos, Kind: model.TriggerOther, Function: f.ID, Event: t.event})
	}
	b.collections(file, src, f, body)
}

// store returns the store svc:name, adding it on first use; an empty name
// gives nil.
func (b *builder) store(svc, name string, kind model.StoreKind, pos model.Pos) *model.Store {
	if name == "" || strings.ContainsAny(name, "{}$") {
		return nil
	}
	id := svc + ":" + name
	if s := b.st.Store(id); s != nil {
		return s
	}
	s := &model.Store{ID: id, Pos: pos, Kind: kind, Type: "google:" + svc, Name: model.NewString(name, pos),
		Encryption: model.Encryption{Kind: model.EncryptionAWSOwned, Pos: pos}}
	b.st.Stores = append(b.st.Stores, s)
	return s
}

func (b *builder) trigger(f *model.Function, kind model.TriggerKind, s *model.Store, t *trig, pos model.Pos) {
	tr := &model.Trigger{ID: f.ID + "/" + t.kind, Pos: pos, Kind: kind, Function: f.ID, SourceValue: t.arg, Event: t.event}
	if s != nil {
		tr.Source = s.ID
		b.st.Bindings = append(b.st.Bindings, &model.Binding{ID: f.ID + "/" + t.kind, Pos: pos, Function: f.ID, Access: model.AccessRead, Store: s.ID, Type: t.event})
	}
	b.st.Triggers = append(b.st.Triggers, tr)
}

// http adds an HTTPS function's endpoint.
func (b *builder) http(f *model.Function, t *trig, body string, pos model.Pos) {
	auth := model.Auth{Type: model.AuthNone, Pos: pos}
	if m := invokerRE.FindStringIndex(t.opts); m != nil {
		v := strings.TrimSpace(t.opts[m[1]:])
		switch {
		case strings.HasPrefix(v, `'public'`), strings.HasPrefix(v, `"public"`):
		case strings.HasPrefix(v, `'private'`), strings.HasPrefix(v, `"private"`), strings.HasPrefix(v, "["), strings.HasPrefix(v, "'"), strings.HasPrefix(v, `"`):
			auth.Type = model.AuthIAM
		default:
			auth.Type = model.AuthUnknown
		}
	}
	if t.kind == "callable" && auth.Type == model.AuthNone && authUseRE.MatchString(body) {
		// The handler reads the caller's Firebase Auth token: it decides
		// who may call (nightlight does not check how).
		auth = model.Auth{Type: model.AuthJWT, Authorizer: "Firebase Auth (checked in the handler)", Pos: pos}
	}
	if b.st.API(APIID) == nil {
		b.st.APIs = append(b.st.APIs, &model.API{ID: APIID, Pos: pos, Kind: model.APIFunction, Implicit: true})
	}
	method := "ANY"
	if t.kind == "callable" {
		method = "POST"
	}
	b.st.EntryPoints = append(b.st.EntryPoints, &model.EntryPoint{ID: f.ID + " " + t.kind, Pos: pos, Kind: model.EntryRoute, API: APIID,
		Method: method, Path: "/" + f.ID, Function: f.ID, Auth: auth, Event: t.event})
}

var (
	writeCallRE = regexp.MustCompile(`^\s*(?:\.doc\([^)]*\)\s*)?\.(add|set|update|delete|create)\s*\(`)
	readCallRE  = regexp.MustCompile(`^\s*(?:\.doc\([^)]*\)\s*)?\.(get|where|orderBy|limit|onSnapshot|select|stream|list_documents)\s*\(`)
)

// collections adds the Firestore collections the function body writes or
// reads through the Admin SDK.
func (b *builder) collections(file, src string, f *model.Function, body string) {
	for _, m := range collWriteRE.FindAllStringSubmatchIndex(body, -1) {
		coll := body[m[2]:m[3]]
		after := body[m[1]:]
		var access model.AccessKind
		switch {
		case writeCallRE.MatchString(after):
			access = model.AccessWrite
		case readCallRE.MatchString(after):
			access = model.AccessRead
		default:
			continue
		}
		off := strings.Index(src, body) + m[0]
		pos := posAt(file, []byte(src), off)
		s := b.store("firestore", coll, model.StoreDatabase, pos)
		id := f.ID + "/" + string(access) + " " + s.ID
		dup := false
		for _, x := range b.st.Bindings {
			if x.ID == id {
				dup = true
			}
		}
		if !dup {
			b.st.Bindings = append(b.st.Bindings, &model.Binding{ID: id, Pos: pos, Function: f.ID, Access: access, Store: s.ID, Type: "firestore",
				Note: "read from the handler's Admin SDK calls lexically"})
		}
	}
}
