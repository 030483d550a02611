// Package openwhisk loads Apache OpenWhisk (and IBM Cloud Functions)
// wskdeploy manifests into the model.
//
// A manifest declares packages of actions, sequences, triggers, rules and
// API routes, under a `project:`, `packages:` or legacy `package:` root.
// Web actions (`web: true|raw`, `web-export: true`) are Internet entry
// points unless `require-whisk-auth` is set; `apis` routes go through the
// API gateway; sequences are flows from one action to the next; rules
// connect triggers (alarms, Cloudant changes, Message Hub topics) to
// actions. Package bindings of the system packages (/whisk.system/cloudant,
// /whisk.system/messaging) become stores, and sequence steps that call
// their read or write actions become data flows. Default parameters
// (`inputs`) are the actions' environment: a secret written there is in
// clear text. `$VAR` and `${VAR}` values stay symbolic unless the user
// gives an environment file. A sibling deployment*.yaml overrides inputs.
package openwhisk

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/decode/yamlv"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/detect"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// APIID is the ID of the implicit API of web actions; API-gateway routes
// get one API per declared API name.
const APIID = "WebActions"

// Load loads one manifest. When u.Root is set, the deployment.yaml (or
// .yml) beside it supplies input values.
func Load(ctx context.Context, u load.Unit, opts load.Options) (*model.Stack, error) {
	if len(u.Files) != 1 {
		return nil, fmt.Errorf("wskdeploy: want one file, got %d", len(u.Files))
	}
	f := u.Files[0]
	doc, err := yamlv.Decode(f.Path, f.Data, opts.Limits)
	if err != nil {
		return nil, err
	}
	st := &model.Stack{ID: f.Path, File: f.Path, Format: model.FormatWskdeploy, Provider: model.OpenWhisk}
	st.Diagnostics = append(st.Diagnostics, doc.Warnings...)
	st.Suppressions = doc.Suppressions
	if doc.Root == nil || doc.Root.Kind != model.Map {
		return st, load.Errorf(model.Pos{File: f.Path, Line: 1, Col: 1}, "not a wskdeploy manifest: want a mapping with project, packages or package")
	}
	b := &builder{st: st, env: opts.Env, file: f.Path}
	if u.Root != nil {
		b.deployment(u.Root, path.Dir(f.Path), opts)
	}
	b.manifest(ctx, doc.Root)
	return st, ctx.Err()
}

type builder struct {
	st   *model.Stack
	env  map[string]string
	file string
	// dep holds deployment.yaml values: package → (action or "") → inputs.
	dep map[string]map[string]*model.Value
	// bindings are package bindings by name: the system package they bind
	// and the store it stands for.
	bindings map[string]*pkgBinding
	ns       string
	pending  []func()
}

type pkgBinding struct {
	location string
	store    *model.Store
}

func (b *builder) diag(pos model.Pos, sev model.DiagSeverity, format string, args ...any) {
	b.st.Diagnostics = append(b.st.Diagnostics, model.Diagnostic{Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// deployment reads the deployment file beside the manifest, if any.
func (b *builder) deployment(root *load.Root, dir string, opts load.Options) {
	entries, err := root.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() || !detect.IsWskDeployment(e.Name()) {
			continue
		}
		p := path.Join(dir, e.Name())
		data, err := root.ReadFile(p)
		if err != nil {
			b.diag(model.Pos{File: p}, model.DiagWarning, "deployment file not read: %v", err)
			return
		}
		doc, err := yamlv.Decode(p, data, opts.Limits)
		if err != nil {
			b.diag(load.PosOf(err), model.DiagWarning, "deployment file not read: %v", err)
			return
		}
		b.dep = map[string]map[string]*model.Value{}
		for _, pf := range packagesOf(doc.Root) {
			m := map[string]*model.Value{"": pf.Value.Get("inputs")}
			for _, a := range pf.Value.Get("actions").Entries() {
				m[a.Key] = a.Value.Get("inputs")
			}
			b.dep[pf.Key] = m
		}
		return
	}
}

// packagesOf returns the packages under any of the three roots.
func packagesOf(root *model.Value) []model.Field {
	var out []model.Field
	if p := root.Get("project"); p.IsSet() {
		out = append(out, p.Get("packages").Entries()...)
	}
	out = append(out, root.Get("packages").Entries()...)
	if p := root.Get("package"); p.IsSet() {
		name := p.Get("name").String()
		if name == "" {
			name = "default"
		}
		out = append(out, model.Field{Key: name, KeyPos: p.Pos, Value: p})
	}
	return out
}

func (b *builder) manifest(ctx context.Context, root *model.Value) {
	if p := root.Get("project"); p.IsSet() {
		b.st.Name = p.Get("name").String()
		b.ns = p.Get("namespace").String()
	}
	pkgs := packagesOf(root)
	if len(pkgs) == 0 {
		b.diag(root.Pos, model.DiagWarning, "manifest declares no packages")
	}
	for _, pf := range pkgs {
		if ctx.Err() != nil {
			return
		}
		if pf.Value == nil || pf.Value.Kind != model.Map {
			if pf.Value.IsSet() {
				b.diag(pf.KeyPos, model.DiagError, "package %s must be a mapping, found %s", pf.Key, yamlv.Describe(pf.Value))
			}
			continue
		}
		if ns := pf.Value.Get("namespace").String(); ns != "" && b.ns == "" {
			b.ns = ns
		}
		b.pkg(pf.Key, pf.KeyPos, pf.Value)
	}
	for _, fn := range b.pending {
		fn()
	}
}

// resolve interpolates $VAR and ${VAR} from the user's environment file;
// unknown variables leave the value symbolic.
func (b *builder) resolve(v *model.Value) *model.Value {
	if v == nil || v.Kind != model.String || !strings.Contains(v.Str, "$") {
		return v
	}
	var missing []string
	s := envRE.ReplaceAllStringFunc(v.Str, func(m string) string {
		name := strings.Trim(strings.TrimPrefix(m, "$"), "{}")
		if x, ok := b.env[name]; ok {
			return x
		}
		missing = append(missing, name)
		return "${" + name + "}"
	})
	out := *v
	out.Str = s
	if len(missing) > 0 {
		out.Unresolved = true
		out.Source = "environment " + strings.Join(missing, ", ")
	}
	return &out
}

// resolveTree applies resolve to every string of a tree.
func (b *builder) resolveTree(v *model.Value, depth int) *model.Value {
	if v == nil || depth > 64 {
		return v
	}
	switch v.Kind {
	case model.String:
		return b.resolve(v)
	case model.List:
		out := *v
		out.Items = make([]*model.Value, len(v.Items))
		for i, x := range v.Items {
			out.Items[i] = b.resolveTree(x, depth+1)
			out.Unresolved = out.Unresolved || out.Items[i].Unresolved
		}
		return &out
	case model.Map:
		out := *v
		out.Fields = make([]model.Field, len(v.Fields))
		for i, f := range v.Fields {
			f.Value = b.resolveTree(f.Value, depth+1)
			out.Fields[i] = f
			out.Unresolved = out.Unresolved || f.Value.Unresolved
		}
		return &out
	}
	return v
}

var envRE = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*`)

func (b *builder) name(key string) string {
	v := b.resolve(model.NewString(key, model.Pos{}))
	return v.Str
}

// inputs returns a package's or action's default parameters as
// environment variables, with deployment values over manifest ones.
func (b *builder) inputs(in, over *model.Value) []model.EnvVar {
	var out []model.EnvVar
	set := map[string]int{}
	add := func(v *model.Value) {
		for _, f := range v.Entries() {
			val := f.Value
			if val.Kind == model.Map && val.Has("type") {
				// Typed parameter: {type: string, value|default: x}
				val = firstSet(val.Get("value"), val.Get("default"))
			}
			e := model.EnvVar{Name: f.Key, Pos: f.KeyPos, Value: b.resolve(val)}
			if i, ok := set[f.Key]; ok {
				out[i] = e
				continue
			}
			set[f.Key] = len(out)
			out = append(out, e)
		}
	}
	add(in)
	add(over)
	return out
}

func firstSet(vs ...*model.Value) *model.Value {
	for _, v := range vs {
		if v.IsSet() {
			return v
		}
	}
	return nil
}

func (b *builder) pkg(name string, pos model.Pos, p *model.Value) {
	pkg := b.name(name)
	dep := b.dep[name]
	b.bindings = map[string]*pkgBinding{}
	for _, d := range p.Get("dependencies").Entries() {
		b.dependency(pkg, d)
	}
	pkgIn := b.inputs(p.Get("inputs"), dep[""])
	for _, a := range p.Get("actions").Entries() {
		b.action(pkg, a, pkgIn, dep[a.Key])
	}
	for _, s := range p.Get("sequences").Entries() {
		b.sequence(pkg, s)
	}
	triggers := map[string]*model.Value{}
	for _, t := range p.Get("triggers").Entries() {
		triggers[b.name(t.Key)] = t.Value
		b.st.Resources = append(b.st.Resources, &model.Resource{ID: "trigger " + b.name(t.Key), Type: "openwhisk:trigger", Pos: t.KeyPos, Properties: b.resolveTree(t.Value, 0)})
	}
	for _, r := range p.Get("rules").Entries() {
		b.rule(pkg, r, triggers)
	}
	b.apis(pkg, p.Get("apis"))
}

// dependency records a package binding; bindings of the Cloudant and
// messaging system packages stand for a store.
func (b *builder) dependency(pkg string, d model.Field) {
	loc := b.resolve(d.Value.Get("location")).String()
	pb := &pkgBinding{location: loc}
	b.bindings[d.Key] = pb
	in := b.inputs(d.Value.Get("inputs"), nil)
	get := func(k string) *model.Value {
		for _, e := range in {
			if e.Name == k {
				return e.Value
			}
		}
		return nil
	}
	var kind model.StoreKind
	var name *model.Value
	switch {
	case strings.HasSuffix(loc, "/cloudant"):
		kind, name = model.StoreDatabase, get("dbname")
	case strings.HasSuffix(loc, "/messaging"), strings.HasSuffix(loc, "/messagehub"), strings.HasSuffix(loc, "/kafka"):
		kind, name = model.StoreStream, get("topic")
	default:
		return
	}
	id := path.Base(loc) + ":" + d.Key
	if name.IsResolved() {
		id = path.Base(loc) + ":" + name.String()
	}
	if s := b.st.Store(id); s != nil {
		pb.store = s
		return
	}
	if name == nil {
		name = model.NewString(d.Key, d.KeyPos)
	}
	s := &model.Store{ID: id, Pos: d.KeyPos, Kind: kind, Type: "openwhisk:" + path.Base(loc), Name: name,
		Encryption: model.Encryption{Kind: model.EncryptionAWSOwned, Pos: d.KeyPos}}
	b.st.Stores = append(b.st.Stores, s)
	pb.store = s
	// The binding's own credentials are default parameters too.
	b.st.Resources = append(b.st.Resources, &model.Resource{ID: "binding " + d.Key, Type: "openwhisk:package-binding", Pos: d.KeyPos, Properties: b.resolveTree(d.Value, 0)})
}

func isTrue(v *model.Value) bool {
	if v == nil {
		return false
	}
	switch strings.ToLower(v.String()) {
	case "true", "yes", "raw", "on":
		return true
	}
	return false
}

func (b *builder) action(pkg string, a model.Field, pkgIn []model.EnvVar, over *model.Value) {
	d := a.Value
	if d != nil && d.Kind != model.Map {
		b.diag(a.KeyPos, model.DiagError, "action %s must be a mapping, found %s", a.Key, yamlv.Describe(d))
		return
	}
	name := b.name(a.Key)
	id := pkg + "/" + name
	f := &model.Function{ID: id, Pos: a.KeyPos, Name: model.NewString(name, a.KeyPos)}
	f.Runtime = d.Get("runtime")
	if f.Runtime == nil && d.Get("docker").IsSet() {
		f.Runtime = model.NewString("blackbox", d.Get("docker").Pos)
		f.PackageType = model.NewString("Image", d.Get("docker").Pos)
	}
	f.Handler = d.Get("main")
	f.CodeURI = firstSet(d.Get("function"), d.Get("location"))
	if dk := d.Get("docker"); dk.IsSet() {
		f.CodeURI = dk // the image runs; a function zip is handed to it
	}
	f.InlineCode = d.Get("code")
	f.Timeout = d.Path("limits", "timeout")
	f.MemorySize = firstSet(d.Path("limits", "memorySize"), d.Path("limits", "memory"))
	f.ReservedConcurrency = firstSet(d.Path("limits", "concurrentActivations"), d.Path("limits", "concurrency"))
	env := append([]model.EnvVar(nil), pkgIn...)
	for _, e := range b.inputs(d.Get("inputs"), over) {
		replaced := false
		for i := range env {
			if env[i].Name == e.Name {
				env[i], replaced = e, true
			}
		}
		if !replaced {
			env = append(env, e)
		}
	}
	f.Environment = env
	ann := d.Get("annotations")
	sets := model.NewMap(nil, a.KeyPos)
	if ann.IsSet() {
		sets.Fields = append(sets.Fields, model.Field{Key: "annotations", KeyPos: ann.Pos, Value: ann})
	}
	if l := d.Get("limits"); l.IsSet() {
		sets.Fields = append(sets.Fields, model.Field{Key: "limits", KeyPos: l.Pos, Value: l})
	}
	if len(sets.Fields) > 0 {
		f.Settings = sets
	}
	b.st.Functions = append(b.st.Functions, f)
	b.web(pkg, f, d, ann)
}

// web adds the entry point of a web action.
func (b *builder) web(pkg string, f *model.Function, d, ann *model.Value) {
	web := firstSet(d.Get("web"), d.Get("web-export"), ann.Get("web-export"))
	if !isTrue(web) {
		return
	}
	auth := model.Auth{Type: model.AuthNone, Pos: web.Pos}
	if ra := ann.Get("require-whisk-auth"); ra.IsSet() {
		switch {
		case ra.Kind == model.Bool && !isTrue(ra):
		case ra.Kind == model.String && strings.EqualFold(ra.Str, "false"):
		default:
			// true (the namespace's API key) or a secret value the caller
			// must send in X-Require-Whisk-Auth.
			auth = model.Auth{Type: model.AuthKey, Pos: ra.Pos}
		}
	}
	ns := b.ns
	if ns == "" || ns == "_" {
		ns = "<namespace>"
	}
	if b.st.API(APIID) == nil {
		b.st.APIs = append(b.st.APIs, &model.API{ID: APIID, Pos: web.Pos, Kind: model.APIFunction, Implicit: true})
	}
	p := "/api/v1/web/" + ns + "/" + pkg + "/" + f.Name.String()
	b.st.EntryPoints = append(b.st.EntryPoints, &model.EntryPoint{ID: "web " + f.ID, Pos: web.Pos, Kind: model.EntryWebAction, API: APIID,
		Method: "ANY", Path: p, Function: f.ID, Auth: auth, Event: "web"})
}

// ref resolves an action reference written in a sequence or rule to a
// function ID in the stack ("a", "pkg/a", "/ns/pkg/a").
func (b *builder) ref(pkg, r string) string {
	r = strings.TrimSpace(b.name(strings.TrimSpace(r)))
	parts := strings.Split(strings.Trim(r, "/"), "/")
	switch {
	case len(parts) == 1:
		return pkg + "/" + parts[0]
	case len(parts) >= 2:
		return parts[len(parts)-2] + "/" + parts[len(parts)-1]
	}
	return r
}

func splitList(v *model.Value) []*model.Value {
	if v == nil {
		return nil
	}
	if v.Kind == model.List {
		return v.Items
	}
	var out []*model.Value
	for _, s := range strings.Split(v.String(), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, model.NewString(s, v.Pos))
		}
	}
	return out
}

// readVerbs and writeVerbs are the system package actions that read or
// write their bound store.
var (
	readVerbs  = map[string]bool{"read": true, "read-document": true, "exec-query-find": true, "list-documents": true, "exec-query-search": true, "exec-query-view": true, "read-changes-feed": true, "list-query-indexes": true}
	writeVerbs = map[string]bool{"write": true, "create-document": true, "update-document": true, "delete-document": true, "manage-bulk-documents": true, "messageHubProduce": true, "kafkaProduce": true}
)

// sequence adds a sequence: a function that runs its steps in order.
func (b *builder) sequence(pkg string, s model.Field) {
	name := b.name(s.Key)
	id := pkg + "/" + name
	f := &model.Function{ID: id, Pos: s.KeyPos, Name: model.NewString(name, s.KeyPos), Runtime: model.NewString("sequence", s.KeyPos)}
	steps := splitList(s.Value.Get("actions"))
	if len(steps) == 0 {
		b.diag(s.KeyPos, model.DiagError, "sequence %s lists no actions", name)
	}
	f.Settings = model.NewMap([]model.Field{{Key: "sequence", KeyPos: s.KeyPos, Value: s.Value.Get("actions")}}, s.KeyPos)
	b.st.Functions = append(b.st.Functions, f)
	b.web(pkg, f, s.Value, s.Value.Get("annotations"))
	b.pending = append(b.pending, func() {
		prev := id
		for i, st := range steps {
			ref := strings.TrimSpace(b.name(st.String()))
			parts := strings.Split(strings.Trim(ref, "/"), "/")
			if len(parts) == 2 {
				if pb, ok := b.bindings[parts[0]]; ok && pb.store != nil {
					// A step that calls a bound system package reads or
					// writes its store on the sequence's behalf.
					switch {
					case readVerbs[parts[1]]:
						b.st.Bindings = append(b.st.Bindings, &model.Binding{ID: id + "#" + itoa(i), Pos: st.Pos, Function: id, Access: model.AccessRead, Store: pb.store.ID, Type: ref})
					case writeVerbs[parts[1]]:
						b.st.Bindings = append(b.st.Bindings, &model.Binding{ID: id + "#" + itoa(i), Pos: st.Pos, Function: id, Access: model.AccessWrite, Store: pb.store.ID, Type: ref})
					}
					continue
				}
			}
			to := b.ref(pkg, st.String())
			if b.st.Function(to) == nil {
				continue
			}
			b.st.Triggers = append(b.st.Triggers, &model.Trigger{ID: id + "#" + itoa(i), Pos: st.Pos, Kind: model.TriggerOther, Function: to, Source: prev, Event: "sequence " + name})
			prev = to
		}
	})
}

func itoa(n int) string { return fmt.Sprint(n) }

// rule connects a trigger to an action.
func (b *builder) rule(pkg string, r model.Field, triggers map[string]*model.Value) {
	tname := b.name(r.Value.Get("trigger").String())
	action := r.Value.Get("action").String()
	b.pending = append(b.pending, func() {
		to := b.ref(pkg, action)
		if b.st.Function(to) == nil {
			b.diag(r.KeyPos, model.DiagWarning, "rule %s names action %s, which this manifest does not declare", r.Key, action)
			return
		}
		t := triggers[tname]
		tr := &model.Trigger{ID: "rule " + b.name(r.Key), Pos: r.KeyPos, Kind: model.TriggerOther, Function: to, Event: "trigger " + tname}
		feed := b.resolve(firstSet(t.Get("feed"), t.Get("source"))).String()
		in := b.inputs(t.Get("inputs"), nil)
		input := func(k string) *model.Value {
			for _, e := range in {
				if e.Name == k {
					return e.Value
				}
			}
			return nil
		}
		parts := strings.Split(strings.Trim(feed, "/"), "/")
		if len(parts) >= 2 {
			dep, verb := parts[len(parts)-2], parts[len(parts)-1]
			switch {
			case verb == "alarm" || verb == "once" || verb == "interval" || dep == "alarms":
				tr.Kind = model.TriggerSchedule
				tr.Schedule = firstSet(input("cron"), input("minutes"), input("date"))
			case verb == "changes" || verb == "messageHubFeed" || verb == "kafkaFeed":
				if pb, ok := b.bindings[dep]; ok && pb.store != nil {
					tr.Source, tr.SourceValue = pb.store.ID, pb.store.Name
					// The event carries the change or message to the action.
					b.st.Bindings = append(b.st.Bindings, &model.Binding{ID: tr.ID, Pos: r.KeyPos, Function: to, Access: model.AccessRead, Store: pb.store.ID, Type: feed})
				}
				if verb != "changes" {
					tr.Kind = model.TriggerKafka
				}
			}
			tr.Events = []string{feed}
		}
		b.st.Triggers = append(b.st.Triggers, tr)
	})
}

// apis adds API gateway routes: apis: {name: {basePath: {relPath:
// {action: {method, response}}}}}.
func (b *builder) apis(pkg string, apis *model.Value) {
	for _, api := range apis.Entries() {
		apiID := "api " + api.Key
		if b.st.API(apiID) == nil {
			b.st.APIs = append(b.st.APIs, &model.API{ID: apiID, Pos: api.KeyPos, Kind: model.APIFunction, Name: model.NewString(api.Key, api.KeyPos)})
		}
		for _, base := range api.Value.Entries() {
			for _, rel := range base.Value.Entries() {
				for _, act := range rel.Value.Entries() {
					method := strings.ToUpper(act.Value.Get("method").String())
					if method == "" {
						method = "GET"
					}
					p := "/" + strings.Trim(base.Key, "/") + "/" + strings.Trim(rel.Key, "/")
					name := act.Key
					pos := act.KeyPos
					b.pending = append(b.pending, func() {
						to := b.ref(pkg, name)
						if b.st.Function(to) == nil {
							b.diag(pos, model.DiagWarning, "API route %s %s names action %s, which this manifest does not declare", method, p, name)
							return
						}
						// API gateway routes need no credential unless an
						// API key or OAuth is configured outside wskdeploy.
						b.st.EntryPoints = append(b.st.EntryPoints, &model.EntryPoint{ID: apiID + " " + method + " " + p, Pos: pos, Kind: model.EntryRoute,
							API: apiID, Method: method, Path: p, Function: to, Auth: model.Auth{Type: model.AuthNone, Pos: pos}, Event: "apis"})
					})
				}
			}
		}
	}
}
