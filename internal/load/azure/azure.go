// Package azure loads native Azure Functions projects and ARM templates
// into the model.
//
// A project is a directory with host.json. Its functions come from one
// function.json per function folder (the script languages and custom
// handlers) or from code-first registrations in the source (Python v2
// decorators, Node.js v4 app.http/app.storageQueue…, C# [Function] and
// [FunctionName] methods with trigger attributes). Bindings become entry
// points (HTTP triggers with their auth level), triggers and data flows
// (input/output bindings as reads and writes of stores named by the
// binding). local.settings.json gives the app settings: the functions'
// environment, %setting% expressions in bindings, the worker runtime.
//
// ARM templates (LoadARM) give function apps (Microsoft.Web/sites of kind
// functionapp) with their HTTPS, TLS, FTPS, CORS, authentication and
// network settings, their managed identity and its role assignments.
package azure

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/decode/jsonv"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// APIID is the ID of the implicit HTTP front door of a function app.
const APIID = "FunctionApp"

// maxProjectFiles bounds how many files one project may contribute.
const maxProjectFiles = 2000

// skipDirs are folders that hold build output or dependencies.
var skipDirs = map[string]bool{
	"node_modules": true, "bin": true, "obj": true, ".venv": true, "venv": true, ".git": true,
	".python_packages": true, "__pycache__": true, "dist": true, ".vscode": true, "target": true,
}

// IsSettingsFile reports whether name is a local settings file
// (local.settings.json and its committed example variants).
func IsSettingsFile(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".json") && strings.Contains(n, "local.settings")
}

// Load loads the Azure Functions project in directory u.Path: the unit's
// files (host.json and the function.json files discovery found) plus,
// when u.Root is set, everything else the project holds (function
// folders, local settings, code-first source, .csproj). A project
// without host.json loads with a warning.
func Load(ctx context.Context, u load.Unit, opts load.Options) (*model.Stack, error) {
	files := map[string][]byte{}
	for _, f := range u.Files {
		files[f.Path] = f.Data
	}
	var diags []model.Diagnostic
	if u.Root != nil {
		n := 0
		if err := collect(ctx, u.Root, u.Path, u.Path, 0, files, &n); err != nil {
			diags = append(diags, model.Diagnostic{Pos: model.Pos{File: u.Path}, Severity: model.DiagWarning, Message: err.Error()})
		}
	}
	b := newBuilder(u.Path, opts)
	b.st.Diagnostics = append(b.st.Diagnostics, diags...)
	b.load(ctx, files)
	return b.st, ctx.Err()
}

// collect reads the project's other files below dir through root.
func collect(ctx context.Context, root *load.Root, top, dir string, depth int, files map[string][]byte, n *int) error {
	if depth > 6 || ctx.Err() != nil {
		return ctx.Err()
	}
	entries, err := root.ReadDir(dir)
	if err != nil {
		return err
	}
	read := func(p string) {
		if _, ok := files[p]; ok || *n >= maxProjectFiles {
			return
		}
		*n++
		if data, err := root.ReadFile(p); err == nil {
			files[p] = data
		}
	}
	for _, e := range entries {
		name := e.Name()
		p := path.Join(dir, name)
		if e.IsDir() {
			if skipDirs[name] || strings.HasPrefix(name, ".") {
				continue
			}
			if _, err := root.Head(path.Join(p, "host.json"), 1); err == nil {
				continue // a project of its own
			}
			if err := collect(ctx, root, top, p, depth+1, files, n); err != nil {
				return err
			}
			continue
		}
		lower := strings.ToLower(name)
		switch {
		case depth == 0 && (lower == "host.json" || IsSettingsFile(lower)):
			read(p)
		case depth == 1 && lower == "function.json":
			read(p)
		case isCode(lower) || strings.HasSuffix(lower, ".csproj"):
			read(p)
		}
	}
	return nil
}

func isCode(lower string) bool {
	for _, ext := range []string{".py", ".js", ".mjs", ".cjs", ".ts", ".cs"} {
		if strings.HasSuffix(lower, ext) && !strings.HasSuffix(lower, ".d.ts") {
			return true
		}
	}
	return false
}

type builder struct {
	dir      string
	st       *model.Stack
	opts     load.Options
	settings *model.Value // local settings Values
	env      []model.EnvVar
	runtime  *model.Value
	prefix   string // HTTP route prefix
	hostCORS *model.CORS
	appSets  *model.Value // settings every function shares
}

func newBuilder(dir string, opts load.Options) *builder {
	st := &model.Stack{ID: dir, File: dir, Format: model.FormatAzureFunctions, Provider: model.Azure, Name: path.Base(dir)}
	return &builder{dir: dir, st: st, opts: opts, prefix: "api"}
}

func (b *builder) diag(pos model.Pos, sev model.DiagSeverity, format string, args ...any) {
	b.st.Diagnostics = append(b.st.Diagnostics, model.Diagnostic{Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

func (b *builder) decode(p string, data []byte) *model.Value {
	v, err := jsonv.Decode(p, data, b.opts.Limits)
	if err != nil {
		b.diag(load.PosOf(err), model.DiagError, "%s", strings.TrimPrefix(err.Error(), load.PosOf(err).String()+": "))
		return nil
	}
	if v != nil && v.Kind != model.Map {
		b.diag(v.Pos, model.DiagError, "want a JSON object, found %s", v.Kind)
		return nil
	}
	return v
}

func (b *builder) load(ctx context.Context, files map[string][]byte) {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	hostPath := path.Join(b.dir, "host.json")
	if data, ok := files[hostPath]; ok {
		b.st.File = hostPath
		b.host(b.decode(hostPath, data))
	}
	b.localSettings(files, paths)
	b.csproj(files, paths)
	var fnJSON []string
	for _, p := range paths {
		if path.Base(p) == "function.json" && path.Dir(path.Dir(p)) == b.dir {
			fnJSON = append(fnJSON, p)
		}
	}
	if _, ok := files[hostPath]; !ok {
		pos := model.Pos{File: b.dir}
		if len(fnJSON) > 0 {
			pos = model.Pos{File: fnJSON[0], Line: 1, Col: 1}
		}
		b.diag(pos, model.DiagWarning, "no host.json in %s: function folders belong beside host.json in an Azure Functions project; loaded %d function.json file(s) with the runtime's defaults (route prefix api, runtime version unknown)", b.dir, len(fnJSON))
	}
	for _, p := range fnJSON {
		if ctx.Err() != nil {
			return
		}
		b.functionJSON(p, b.decode(p, files[p]))
	}
	for _, p := range paths {
		if ctx.Err() != nil {
			return
		}
		lower := strings.ToLower(p)
		if isCode(lower) {
			b.codeFirst(p, files[p])
		}
	}
}

// host reads host.json: the host version and the HTTP route prefix.
func (b *builder) host(h *model.Value) {
	if h == nil {
		return
	}
	sets := model.NewMap(nil, h.Pos)
	if v := h.Get("version"); v.IsSet() {
		sets.Fields = append(sets.Fields, model.Field{Key: "hostVersion", KeyPos: v.Pos, Value: v})
	}
	if fto := h.Get("functionTimeout"); fto.IsSet() {
		sets.Fields = append(sets.Fields, model.Field{Key: "functionTimeout", KeyPos: fto.Pos, Value: fto})
	}
	if ch := h.Get("customHandler"); ch.IsSet() {
		sets.Fields = append(sets.Fields, model.Field{Key: "customHandler", KeyPos: ch.Pos, Value: ch})
	}
	for _, rp := range []*model.Value{h.Path("extensions", "http", "routePrefix"), h.Path("http", "routePrefix")} {
		if rp.IsSet() && rp.Kind == model.String {
			b.prefix = strings.Trim(rp.Str, "/")
			break
		}
	}
	if len(sets.Fields) > 0 {
		b.appSets = sets
	}
}

// localSettings reads local.settings.json (or, without it, the first
// committed example variant): app settings become every function's
// environment and resolve %setting% binding expressions.
func (b *builder) localSettings(files map[string][]byte, paths []string) {
	var chosen string
	for _, p := range paths {
		if path.Dir(p) != b.dir || !IsSettingsFile(path.Base(p)) {
			continue
		}
		if strings.EqualFold(path.Base(p), "local.settings.json") {
			chosen = p
			break
		}
		if chosen == "" {
			chosen = p
		}
	}
	if chosen == "" {
		return
	}
	v := b.decode(chosen, files[chosen])
	if v == nil {
		return
	}
	if vals := v.Get("Values"); vals.IsSet() {
		if vals.Kind != model.Map {
			b.diag(vals.Pos, model.DiagError, "Values must be an object of app settings, found %s", vals.Kind)
		} else {
			b.settings = vals
			for _, f := range vals.Fields {
				b.env = append(b.env, model.EnvVar{Name: f.Key, Pos: f.KeyPos, Value: f.Value})
			}
			b.runtime = vals.Get("FUNCTIONS_WORKER_RUNTIME")
			if ver := vals.Get("FUNCTIONS_WORKER_RUNTIME_VERSION"); ver.IsResolved() && b.runtime.IsResolved() {
				b.runtime = model.NewString(b.runtime.Str+ver.String(), ver.Pos)
			}
		}
	}
	for _, f := range v.Get("ConnectionStrings").Entries() {
		b.env = append(b.env, model.EnvVar{Name: "ConnectionStrings:" + f.Key, Pos: f.KeyPos, Value: f.Value})
	}
	if c := v.Path("Host", "CORS"); c.IsSet() {
		list := model.NewList(nil, c.Pos)
		for _, o := range strings.Split(c.String(), ",") {
			list.Items = append(list.Items, model.NewString(strings.TrimSpace(o), c.Pos))
		}
		b.hostCORS = &model.CORS{Pos: c.Pos, AllowOrigins: list, AllowCredentials: v.Path("Host", "CORSCredentials")}
	}
}

var (
	azFnVersionRE = regexp.MustCompile(`<AzureFunctionsVersion>\s*([^<\s]+)\s*</AzureFunctionsVersion>`)
	targetFwRE    = regexp.MustCompile(`<TargetFrameworks?>\s*([^<\s;]+)`)
)

// csproj reads the Functions version and target framework of a .NET
// project, for the deprecated-runtime rule.
func (b *builder) csproj(files map[string][]byte, paths []string) {
	for _, p := range paths {
		if !strings.HasSuffix(strings.ToLower(p), ".csproj") {
			continue
		}
		data := files[p]
		if m := azFnVersionRE.FindSubmatchIndex(data); m != nil {
			b.setApp("functionsVersion", model.NewString(string(data[m[2]:m[3]]), posAt(p, data, m[2])))
		}
		if m := targetFwRE.FindSubmatchIndex(data); m != nil && b.runtime == nil {
			b.runtime = model.NewString("dotnet-"+string(data[m[2]:m[3]]), posAt(p, data, m[2]))
		}
		return
	}
}

func (b *builder) setApp(key string, v *model.Value) {
	if b.appSets == nil {
		b.appSets = model.NewMap(nil, v.Pos)
	}
	b.appSets.Fields = append(b.appSets.Fields, model.Field{Key: key, KeyPos: v.Pos, Value: v})
}

// posAt returns the position of byte offset off in data.
func posAt(file string, data []byte, off int) model.Pos {
	line, col := 1, 1
	for i := 0; i < off && i < len(data); i++ {
		if data[i] == '\n' {
			line++
			col = 1
		} else if data[i]&0xC0 != 0x80 {
			col++
		}
	}
	return model.Pos{File: file, Line: line, Col: col}
}

// function adds a function with the app's shared settings.
func (b *builder) function(id string, pos model.Pos) *model.Function {
	if f := b.st.Function(id); f != nil {
		b.diag(pos, model.DiagWarning, "function %s is declared twice (also at %s); both declarations' bindings are kept", id, f.Pos)
		return f
	}
	f := &model.Function{ID: id, Pos: pos, Name: model.NewString(id, pos), Runtime: b.runtime, Environment: b.env, Settings: b.appSets}
	b.st.Functions = append(b.st.Functions, f)
	return f
}

// functionJSON translates one function folder's function.json.
func (b *builder) functionJSON(p string, doc *model.Value) {
	if doc == nil {
		return
	}
	name := path.Base(path.Dir(p))
	f := b.function(name, doc.Pos)
	f.Handler = firstSet(doc.Get("entryPoint"), doc.Get("scriptFile"))
	if d := doc.Get("disabled"); d.IsSet() {
		sets := model.NewMap(append([]model.Field(nil), b.appSets.Entries()...), doc.Pos)
		sets.Fields = append(sets.Fields, model.Field{Key: "disabled", KeyPos: d.Pos, Value: d})
		f.Settings = sets
	}
	bs := doc.Get("bindings")
	switch {
	case !bs.IsSet():
		b.diag(doc.Pos, model.DiagError, "function %s: function.json has no bindings list", name)
		return
	case bs.Kind != model.List:
		b.diag(bs.Pos, model.DiagError, "function %s: bindings must be a list, found %s", name, bs.Kind)
		return
	}
	for i, bd := range bs.Items {
		b.binding(f, i, bd, false)
	}
}

func firstSet(vs ...*model.Value) *model.Value {
	for _, v := range vs {
		if v.IsSet() {
			return v
		}
	}
	return nil
}

// expand resolves %setting% expressions from the local settings; a
// setting that is not there leaves the value symbolic.
func (b *builder) expand(v *model.Value) *model.Value {
	if v == nil || v.Kind != model.String || !strings.Contains(v.Str, "%") {
		return v
	}
	out := *v
	var missing []string
	out.Str = settingRE.ReplaceAllStringFunc(v.Str, func(m string) string {
		name := m[1 : len(m)-1]
		if s := b.settings.Get(name); s.IsResolved() && s.Kind == model.String {
			return s.Str
		}
		missing = append(missing, name)
		return "${" + name + "}"
	})
	if len(missing) > 0 {
		out.Unresolved = true
		out.Source = "app setting " + strings.Join(missing, ", ")
	}
	return &out
}

var settingRE = regexp.MustCompile(`%[A-Za-z0-9_.:\-]+%`)

// binding translates one binding of function f. code is true for
// bindings read from code-first source.
func (b *builder) binding(f *model.Function, i int, bd *model.Value, code bool) {
	if bd == nil || bd.Kind != model.Map {
		b.diag(bd.PosOr(f.Pos), model.DiagError, "function %s: binding %d must be an object, found %s", f.ID, i, kindOf(bd))
		return
	}
	typ := bd.GetFold("type")
	if !typ.IsResolved() || typ.Kind != model.String || typ.Str == "" {
		b.diag(bd.Pos, model.DiagError, "function %s: binding %d has no type", f.ID, i)
		return
	}
	bname := bd.GetFold("name").String()
	if bname == "" {
		bname = itoa(i)
	}
	dir := strings.ToLower(bd.GetFold("direction").String())
	lt := strings.ToLower(typ.Str)
	kind, known := bindingKinds[lt]
	id := f.ID + "/" + bname
	switch {
	case lt == "httptrigger":
		b.http(f, bd)
		return
	case known && kind.trigger != "":
		tr := &model.Trigger{ID: id, Pos: bd.Pos, Kind: kind.trigger, Function: f.ID, Event: typ.Str}
		if lt == "timertrigger" {
			tr.Schedule = b.expand(bd.GetFold("schedule"))
		}
		if kind.store != "" {
			s := b.store(kind, bd)
			if s != nil {
				tr.Source, tr.SourceValue = s.ID, s.Name
				b.st.Bindings = append(b.st.Bindings, &model.Binding{ID: id, Pos: bd.Pos, Function: f.ID, Access: model.AccessRead, Store: s.ID, Type: typ.Str, Connection: bd.GetFold("connection")})
				if kind.store == model.StoreQueue {
					// The host completes (deletes) each message it delivered.
					b.st.Bindings = append(b.st.Bindings, &model.Binding{ID: id + "#complete", Pos: bd.Pos, Function: f.ID, Access: model.AccessWrite, Store: s.ID, Type: typ.Str, Connection: bd.GetFold("connection")})
				}
			}
		}
		if v := bd.GetFold("connection"); v.IsSet() {
			tr.Filter = v
		}
		b.st.Triggers = append(b.st.Triggers, tr)
		return
	case known && kind.store == "":
		return // HTTP response, durable client, SignalR negotiation
	case !known:
		if strings.HasSuffix(lt, "trigger") {
			b.st.Triggers = append(b.st.Triggers, &model.Trigger{ID: id, Pos: bd.Pos, Kind: model.TriggerOther, Function: f.ID, Event: typ.Str})
			b.diag(typ.Pos, model.DiagInfo, "function %s: trigger type %q is not one nightlight knows; kept as a generic trigger", f.ID, typ.Str)
			return
		}
		kind = bindingKind{store: model.StoreOther, service: typ.Str, name: key("name")}
	}
	s := b.store(kind, bd)
	if s == nil {
		return
	}
	note := ""
	if !known {
		note = "binding type " + typ.Str + " is not one nightlight knows; kept as a generic access"
		b.diag(typ.Pos, model.DiagInfo, "function %s: %s", f.ID, note)
	}
	add := func(suffix string, a model.AccessKind) {
		b.st.Bindings = append(b.st.Bindings, &model.Binding{ID: id + suffix, Pos: bd.Pos, Function: f.ID, Access: a, Store: s.ID, Type: typ.Str, Connection: bd.GetFold("connection"), Note: note})
	}
	switch dir {
	case "in":
		add("", model.AccessRead)
	case "out":
		add("", model.AccessWrite)
	case "inout":
		add("#in", model.AccessRead)
		add("#out", model.AccessWrite)
	default:
		if !code {
			b.diag(bd.PosOr(f.Pos), model.DiagWarning, "function %s: binding %s has direction %q (want in, out or inout); read as inout", f.ID, bname, dir)
		}
		add("#in", model.AccessRead)
		add("#out", model.AccessWrite)
	}
}

func kindOf(v *model.Value) string {
	if v == nil {
		return "nothing"
	}
	return v.Kind.String()
}

// store returns the store a binding names, adding it on first use.
func (b *builder) store(kind bindingKind, bd *model.Value) *model.Store {
	name := b.expand(kind.name(bd))
	if !name.IsSet() || name.String() == "" {
		b.diag(bd.Pos, model.DiagWarning, "%s binding names no %s; its data flow is left out", bd.GetFold("type").String(), kind.store)
		return nil
	}
	id := kind.service + ":" + name.String()
	if s := b.st.Store(id); s != nil {
		return s
	}
	s := &model.Store{ID: id, Pos: bd.Pos, Kind: kind.store, Type: "azure:" + kind.service, Name: name}
	switch kind.service {
	case "queue", "blob", "table", "cosmosdb", "servicebus", "eventhub", "sql":
		// Azure encrypts these at rest with Microsoft-managed keys by
		// default; a customer key is set on the account, not here.
		s.Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: bd.Pos}
	default:
		s.Encryption = model.Encryption{Pos: bd.Pos}
	}
	s.SetAttr("connection", bd.GetFold("connection"))
	b.st.Stores = append(b.st.Stores, s)
	return s
}

// http adds the entry points of an HTTP trigger.
func (b *builder) http(f *model.Function, bd *model.Value) {
	auth := model.Auth{Type: model.AuthKey, Pos: bd.Pos} // the default level is function
	if lvl := bd.GetFold("authLevel"); lvl.IsSet() {
		auth.Pos = lvl.Pos
		switch {
		case !lvl.IsResolved():
			auth.Type = model.AuthUnknown
		case strings.EqualFold(lvl.String(), "anonymous"):
			auth.Type = model.AuthNone
		case strings.EqualFold(lvl.String(), "function"), strings.EqualFold(lvl.String(), "admin"), strings.EqualFold(lvl.String(), "system"):
			auth.Type = model.AuthKey
		default:
			auth.Type = model.AuthUnknown
		}
	}
	route := f.ID
	if r := bd.GetFold("route"); r.IsSet() && r.String() != "" {
		route = r.String()
	}
	p := "/" + strings.Trim(path.Join(b.prefix, strings.Trim(route, "/")), "/")
	methods := bd.GetFold("methods").AsStrings()
	if len(methods) == 0 {
		methods = []string{"ANY"}
	}
	if b.st.API(APIID) == nil {
		b.st.APIs = append(b.st.APIs, &model.API{ID: APIID, Pos: bd.Pos, Kind: model.APIFunction, Implicit: true, Name: model.NewString(b.st.Name, bd.Pos), CORS: b.hostCORS})
	}
	for _, m := range methods {
		m = strings.ToUpper(m)
		ep := &model.EntryPoint{ID: f.ID + " " + m + " " + p, Pos: bd.Pos, Kind: model.EntryRoute, API: APIID, Method: m, Path: p,
			Function: f.ID, Auth: auth, Event: bd.GetFold("name").String(), CORS: b.hostCORS}
		for _, x := range b.st.EntryPoints {
			if x.ID == ep.ID {
				ep.ID += " #" + itoa(len(b.st.EntryPoints))
			}
		}
		b.st.EntryPoints = append(b.st.EntryPoints, ep)
	}
}

func itoa(n int) string { return fmt.Sprint(n) }
