// Package serverless loads Serverless Framework services (serverless.yml,
// serverless.yaml, serverless.json) into the model.
//
// Loading resolves the framework's ${…} variables with its own semantics
// (see resolve.go), then translates the provider section, the functions and
// their events into typed model objects the way the framework would deploy
// them: the shared IamRoleLambdaExecution role with its default CloudWatch
// Logs statements, one REST API (ApiGatewayRestApi), HTTP API (HttpApi) and
// WebSocket API (WebsocketsApi) per service, buckets and topics the events
// create, and so on. The raw CloudFormation under resources is merged
// through internal/load/cfn, with references to the framework's generated
// logical IDs (HelloLambdaFunction, IamRoleLambdaExecution, …) renamed to
// the model IDs they stand for. Function IDs are the function keys as
// written.
//
// The aws, azure, google and openwhisk providers are modelled; functions
// of other providers are loaded without their events, with a diagnostic.
package serverless

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/decode/yamlv"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Load loads the service file u.Files[0]. Problems that do not stop loading
// are recorded as Diagnostics on the stack; the error is a *load.Error
// (file:line:col) for bad input. When both a stack and an error are
// returned, the stack holds what could be loaded.
func Load(ctx context.Context, u load.Unit, opts load.Options) (*model.Stack, error) {
	if len(u.Files) == 0 {
		return nil, fmt.Errorf("serverless: no file to load")
	}
	f := u.Files[0]
	start := model.Pos{File: f.Path, Line: 1, Col: 1}
	switch strings.ToLower(path.Ext(f.Path)) {
	case ".ts", ".js", ".cjs", ".mjs":
		return nil, load.Errorf(start, "%s is a program, not loadable statically (nightlight never executes input); run `serverless print > serverless.yml` and scan the result", path.Base(f.Path))
	}
	doc, err := yamlv.Decode(f.Path, f.Data, opts.Limits)
	if err != nil {
		return nil, err
	}
	if doc.Root == nil || is(doc.Root, model.Null) {
		return nil, load.Errorf(start, "empty serverless file")
	}
	if !is(doc.Root, model.Map) {
		return nil, load.Errorf(doc.Root.Pos, "serverless file must be a mapping, got %s", doc.Root.Kind)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := newResolver(ctx, doc.Root, u.Root, opts)
	stage, err := res.Stage(start)
	if err != nil {
		return nil, err
	}
	resolved, err := res.resolve(doc.Root)
	if err != nil {
		return nil, err
	}
	b := &builder{
		ctx:   ctx,
		file:  f.Path,
		doc:   resolved,
		res:   res,
		stage: stage,
	}
	b.providerName = strings.ToLower(strings.TrimSpace(resolved.Path("provider", "name").String()))
	if b.providerName == "" {
		b.providerName = "aws"
	}
	// The functions' generated logical IDs (HelloLambdaFunction) are
	// renamed to their keys as the resources are resolved.
	keyNotes := b.functionKeys()
	if err := b.parseCFN(opts); err != nil {
		return nil, err
	}
	st := b.t.Stack
	st.ID = u.Path
	if st.ID == "" {
		st.ID = f.Path
	}
	st.File = f.Path
	st.Format = model.FormatServerless
	st.Provider = model.Provider(b.providerName)
	b.st = st
	b.service = serviceName(resolved.Get("service"))
	st.Name = b.service.String()
	if d := resolved.Get("description"); d.IsSet() {
		st.Description = d.String()
	}
	st.Suppressions = append(st.Suppressions, doc.Suppressions...)
	st.Diagnostics = append(st.Diagnostics, doc.Warnings...)
	st.Diagnostics = append(st.Diagnostics, keyNotes...)

	switch b.providerName {
	case "aws":
		region, err := res.Region(start)
		if err != nil {
			return nil, err
		}
		b.region = region
		b.aws()
	case "azure":
		b.azure()
	case "google":
		b.google()
	case "openwhisk":
		b.openwhisk()
	default:
		b.otherProvider()
	}
	b.t.Translate()
	b.afterTranslate()
	st.Diagnostics = append(st.Diagnostics, res.diags...)
	st.LinkRoleUses()
	st.Sort()
	if err := b.t.Err(); err != nil {
		return st, fmt.Errorf("serverless resources: %w", err)
	}
	return st, nil
}

// builder translates one resolved service file.
type builder struct {
	ctx          context.Context
	file         string
	doc          *model.Value // resolved document
	res          *resolver
	t            *cfn.Template
	st           *model.Stack
	providerName string
	service      *model.Value
	stage        *model.Value
	region       *model.Value
	// fns maps function keys to their (resolved) declarations, in source
	// order in fnOrder.
	fns     map[string]*model.Value
	fnOrder []model.Field
	// rename maps the framework's generated logical IDs to model IDs.
	rename map[string]string
	// generated are the IDs of stores the events made (buckets, topics),
	// which resources may redeclare.
	generated map[string]bool
	// genStores and genPolicies are the stores and permissions the
	// loader generated, which declarations under resources replace.
	genStores   map[*model.Store]bool
	genPolicies map[*model.ResourcePolicy]bool
}

func (b *builder) diag(pos model.Pos, sev model.DiagSeverity, format string, args ...any) {
	b.st.Diagnostics = diagnose(b.st.Diagnostics, pos, sev, format, args...)
}

// diagnose appends a formatted diagnostic to ds.
func diagnose(ds []model.Diagnostic, pos model.Pos, sev model.DiagSeverity, format string, args ...any) []model.Diagnostic {
	return append(ds, model.Diagnostic{Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// serviceName reads `service: name` or the old `service: {name: …}`.
func serviceName(v *model.Value) *model.Value {
	if is(v, model.Map) {
		return v.Get("name")
	}
	return v
}

// functionKeys collects the functions: a map, or a list of maps (from
// several ${file(…)} fragments), and returns what it has to say about
// them (the stack does not exist yet).
func (b *builder) functionKeys() (notes []model.Diagnostic) {
	b.fns = map[string]*model.Value{}
	b.rename = map[string]string{}
	b.generated = map[string]bool{}
	b.genStores = map[*model.Store]bool{}
	b.genPolicies = map[*model.ResourcePolicy]bool{}
	fs := b.doc.Get("functions")
	var maps []*model.Value
	switch {
	case fs == nil || is(fs, model.Null):
	case is(fs, model.Map):
		maps = []*model.Value{fs}
	case is(fs, model.List):
		maps = fs.Items
	case is(fs, model.Symbolic) || fs.Unresolved:
		notes = diagnose(notes, fs.Pos, model.DiagWarning, "functions come from %s, which cannot be read; no functions loaded", fs.Source)
	default:
		notes = diagnose(notes, fs.Pos, model.DiagWarning, "functions must be a mapping, got %s", fs.Kind)
	}
	for _, m := range maps {
		if !is(m, model.Map) {
			if m.IsSet() {
				notes = diagnose(notes, m.Pos, model.DiagWarning, "functions entry must be a mapping, got %s", m.Kind)
			}
			continue
		}
		for _, f := range m.Fields {
			if _, dup := b.fns[f.Key]; dup {
				notes = diagnose(notes, f.KeyPos, model.DiagWarning, "function %s is declared twice; the last one wins", f.Key)
				for i := range b.fnOrder {
					if b.fnOrder[i].Key == f.Key {
						b.fnOrder = append(b.fnOrder[:i], b.fnOrder[i+1:]...)
						break
					}
				}
			}
			b.fns[f.Key] = f.Value
			b.fnOrder = append(b.fnOrder, f)
			b.rename[LogicalID(f.Key)] = f.Key
		}
	}
	return notes
}

// NormalizeName is the framework's name normalization for logical IDs:
// "-" becomes "Dash", "_" becomes "Underscore" and the first letter is
// upper-cased.
func NormalizeName(s string) string {
	s = strings.ReplaceAll(s, "-", "Dash")
	s = strings.ReplaceAll(s, "_", "Underscore")
	return upperFirst(s)
}

// normalizeAlnum drops every character that is not a letter or digit and
// upper-cases the first letter (bucket and topic logical IDs).
func normalizeAlnum(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return upperFirst(b.String())
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	if c := s[0]; c >= 'a' && c <= 'z' {
		return string(c-'a'+'A') + s[1:]
	}
	return s
}

// LogicalID returns the CloudFormation logical ID the framework gives the
// function with key name ("hello-world" → "HelloDashworldLambdaFunction").
func LogicalID(name string) string { return NormalizeName(name) + "LambdaFunction" }

// Generated logical IDs of the framework that are model IDs as they are.
const (
	// DefaultRoleID is the shared execution role the framework creates.
	DefaultRoleID = "IamRoleLambdaExecution"
	// RestAPIID, HTTPAPIID and WebSocketAPIID are the framework's APIs.
	RestAPIID      = "ApiGatewayRestApi"
	HTTPAPIID      = "HttpApi"
	WebSocketAPIID = "WebsocketsApi"
)

// parseCFN merges the resources section (a map with Resources, Conditions,
// Outputs, … or a list of such maps) into one CloudFormation template and
// parses it. Entries without a Type that override the framework's
// generated resources are set aside.
func (b *builder) parseCFN(opts load.Options) error {
	pos := model.Pos{File: b.file, Line: 1, Col: 1}
	sections := map[string][]model.Field{}
	var order []string
	var overrides []model.Field
	var notes []model.Diagnostic
	addSection := func(m *model.Value) {
		for _, f := range m.Entries() {
			switch f.Key {
			case "Resources", "Conditions", "Outputs", "Mappings", "Parameters":
			default:
				continue
			}
			if _, ok := sections[f.Key]; !ok {
				order = append(order, f.Key)
			}
			for _, e := range f.Value.Entries() {
				if f.Key == "Resources" {
					if typ := e.Value.Get("Type"); typ == nil || !is(typ, model.String) {
						overrides = append(overrides, e)
						continue
					}
				}
				sections[f.Key] = append(sections[f.Key], e)
			}
			if f.Value.IsSet() && !is(f.Value, model.Map) {
				notes = append(notes, model.Diagnostic{Pos: f.Value.Pos, Severity: model.DiagWarning,
					Message: fmt.Sprintf("resources.%s is %s, not a mapping; skipped", f.Key, yamlv.Describe(f.Value))})
			}
		}
	}
	rs := b.doc.Get("resources")
	switch {
	case rs == nil || is(rs, model.Null):
	case is(rs, model.Map):
		addSection(rs)
	case is(rs, model.List):
		for _, it := range rs.Items {
			if is(it, model.Map) {
				addSection(it)
			} else if it.IsSet() {
				notes = append(notes, model.Diagnostic{Pos: it.Pos, Severity: model.DiagWarning,
					Message: fmt.Sprintf("resources entry is %s, not a mapping; skipped", yamlv.Describe(it))})
			}
		}
	default:
		notes = append(notes, model.Diagnostic{Pos: rs.Pos, Severity: model.DiagWarning,
			Message: fmt.Sprintf("resources is %s, not a mapping; skipped", yamlv.Describe(rs))})
	}
	fields := []model.Field{{Key: "Resources", KeyPos: pos, Value: model.NewMap(sections["Resources"], pos)}}
	for _, k := range order {
		if k != "Resources" {
			fields = append(fields, model.Field{Key: k, KeyPos: pos, Value: model.NewMap(sections[k], pos)})
		}
	}
	root := model.NewMap(fields, pos)
	// Serverless options are not template parameters: keep only overrides
	// of parameters the resources declare.
	copts := opts
	copts.Params = nil
	if len(opts.Params) > 0 {
		copts.Params = map[string]string{}
		for _, p := range sections["Parameters"] {
			if v, ok := opts.Param(p.Key); ok {
				copts.Params[p.Key] = v
			}
		}
	}
	t, err := cfn.ParseRenamed(b.ctx, b.file, root, copts, b.rename)
	if err != nil {
		return fmt.Errorf("serverless resources: %w", err)
	}
	b.t = t
	t.Stack.Diagnostics = append(t.Stack.Diagnostics, notes...)
	for _, o := range overrides {
		if o.Value == nil || o.Value.Kind == model.Symbolic || o.Value.Unresolved {
			t.Stack.Diagnostics = append(t.Stack.Diagnostics, model.Diagnostic{Pos: o.KeyPos, Severity: model.DiagWarning,
				Message: fmt.Sprintf("resource %s could not be read (%s); skipped", o.Key, o.Value.String())})
			continue
		}
		t.Stack.Diagnostics = append(t.Stack.Diagnostics, model.Diagnostic{Pos: o.KeyPos, Severity: model.DiagInfo,
			Message: fmt.Sprintf("resource %s has no Type: it overrides the framework's generated resource of that name (merged by the framework at deploy time; not modelled)", o.Key)})
	}
	return nil
}

// cfnValue resolves the CloudFormation intrinsics inside a serverless.yml
// value (!Ref, !GetAtt, !Sub, …).
func (b *builder) cfnValue(v *model.Value) *model.Value {
	if v == nil {
		return nil
	}
	return b.t.Resolve(v)
}

// get reads a key of a resolved map and resolves its intrinsics.
func (b *builder) get(v *model.Value, keys ...string) *model.Value {
	return b.cfnValue(v.Path(keys...))
}

// first returns the first set value.
func first(vs ...*model.Value) *model.Value {
	for _, v := range vs {
		if v.IsSet() {
			return v
		}
	}
	return nil
}

func isTrue(v *model.Value) bool {
	t, ok := v.AsBool()
	return ok && t
}

// renameAll rewrites references to generated logical IDs in the raw
// resources before Translate reads them.
// otherProvider loads the functions of a provider nightlight does not
// model, without events.
func (b *builder) otherProvider() {
	pos := b.doc.Path("provider", "name")
	p := model.Pos{File: b.file, Line: 1, Col: 1}
	if pos != nil {
		p = pos.Pos
	}
	b.diag(p, model.DiagInfo, "provider %q is not modelled: functions are loaded without their events", b.providerName)
	for _, f := range b.fnOrder {
		fn := &model.Function{ID: f.Key, Pos: f.KeyPos, Handler: f.Value.Get("handler"), Runtime: first(f.Value.Get("runtime"), b.doc.Path("provider", "runtime"))}
		b.st.Functions = append(b.st.Functions, fn)
	}
}

// is reports whether v is set and of kind k (nil-safe).
func is(v *model.Value, k model.Kind) bool {
	if v == nil {
		return k == model.Null
	}
	return v.Kind == k
}
