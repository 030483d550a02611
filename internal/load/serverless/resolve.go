package serverless

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/decode/yamlv"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// The framework's defaults for options the user did not give.
const (
	defaultStage  = "dev"
	defaultRegion = "us-east-1"
)

// maxNesting bounds how deeply variables may refer to variables.
const maxNesting = 256

// resolver resolves the Serverless Framework's ${…} variables in a
// serverless.yml value tree. It keeps what cannot be known statically
// (${ssm:…}, ${env:…} without an env file, ${aws:accountId}, unknown
// sources) as symbolic values that remember their expression.
//
// A resolver is used for one file and is not safe for concurrent use.
type resolver struct {
	ctx    context.Context
	doc    *model.Value // the serverless.yml document, raw
	root   *load.Root
	opts   load.Options
	limits load.Limits

	steps  int
	depth  int
	memo   map[*model.Value]*model.Value
	active map[*model.Value]bool
	chain  []string // descriptions of the values being resolved, for cycle messages
	files  map[string]*model.Value
	stage  *model.Value
	region *model.Value
	// inStage/inRegion guard the computation of stage and region.
	inStage, inRegion bool
	noted             map[string]bool
	diags             []model.Diagnostic
}

func newResolver(ctx context.Context, doc *model.Value, root *load.Root, opts load.Options) *resolver {
	return &resolver{
		ctx:    ctx,
		doc:    doc,
		root:   root,
		opts:   opts,
		limits: opts.Limits.WithDefaults(),
		memo:   make(map[*model.Value]*model.Value),
		active: make(map[*model.Value]bool),
		files:  make(map[string]*model.Value),
		noted:  make(map[string]bool),
	}
}

// diag records a diagnostic once per position and message.
func (r *resolver) diag(pos model.Pos, sev model.DiagSeverity, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := pos.String() + "\x00" + msg
	if r.noted[key] {
		return
	}
	r.noted[key] = true
	r.diags = append(r.diags, model.Diagnostic{Pos: pos, Severity: sev, Message: msg})
}

// step charges n units of work and fails once the budget is spent.
func (r *resolver) step(pos model.Pos, n int) error {
	r.steps += n
	if r.steps > r.limits.MaxResolveSteps {
		return load.Errorf(pos, "variable resolution needs more than %d steps (exponential expansion?)", r.limits.MaxResolveSteps)
	}
	if r.steps&1023 == 0 || n > 1 {
		if err := r.ctx.Err(); err != nil {
			return fmt.Errorf("resolve variables: %w", err)
		}
	}
	return nil
}

// resolve returns v with every variable resolved. v must be a value of the
// document or of a file read through ${file(…)} (a "raw" value); results
// are memoized per raw value.
func (r *resolver) resolve(v *model.Value) (*model.Value, error) {
	if v == nil {
		return nil, nil
	}
	switch v.Kind {
	case model.String:
		if !strings.Contains(v.Str, "${") {
			return v, nil
		}
	case model.Map, model.List:
	default:
		return v, nil
	}
	if out, ok := r.memo[v]; ok {
		return out, nil
	}
	if r.active[v] {
		return nil, r.cycleError(v)
	}
	if err := r.step(v.Pos, 1); err != nil {
		return nil, err
	}
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > maxNesting {
		return nil, load.Errorf(v.Pos, "variables nested more than %d levels deep", maxNesting)
	}
	r.active[v] = true
	r.chain = append(r.chain, describe(v))
	defer func() {
		delete(r.active, v)
		r.chain = r.chain[:len(r.chain)-1]
	}()
	var out *model.Value
	var err error
	switch v.Kind {
	case model.String:
		out, err = r.text(v.Str, v.Pos)
	case model.Map:
		fields := make([]model.Field, len(v.Fields))
		for i, f := range v.Fields {
			fv, ferr := r.resolve(f.Value)
			if ferr != nil {
				return nil, ferr
			}
			fields[i] = model.Field{Key: f.Key, KeyPos: f.KeyPos, Value: fv}
		}
		out = model.NewMap(fields, v.Pos)
	case model.List:
		items := make([]*model.Value, len(v.Items))
		for i, it := range v.Items {
			iv, ierr := r.resolve(it)
			if ierr != nil {
				return nil, ierr
			}
			items[i] = iv
		}
		out = model.NewList(items, v.Pos)
	}
	if err != nil {
		return nil, err
	}
	r.memo[v] = out
	return out, nil
}

func describe(v *model.Value) string {
	if v.Kind == model.String {
		s := v.Str
		if len(s) > 60 {
			s = s[:57] + "..."
		}
		return strconv.Quote(s) + " at " + v.Pos.String()
	}
	return v.Kind.String() + " at " + v.Pos.String()
}

func (r *resolver) cycleError(v *model.Value) error {
	start := 0
	d := describe(v)
	for i, c := range r.chain {
		if c == d {
			start = i
			break
		}
	}
	path := append(append([]string(nil), r.chain[start:]...), d)
	return load.Errorf(v.Pos, "variable cycle: %s", strings.Join(path, " -> "))
}

// segment is a piece of a string: literal text, or a ${…} expression.
type segment struct {
	text string // literal text, or the whole ${…} expression
	expr string // the expression inside ${…}; "" for literal text
}

// split cuts s into literal text and ${…} expressions, matching nested
// braces and skipping quoted text inside expressions. An unterminated ${ is
// literal text.
func split(s string) []segment {
	var segs []segment
	lit := 0
	for i := 0; i < len(s)-1; i++ {
		if s[i] != '$' || s[i+1] != '{' {
			continue
		}
		end := matchBrace(s, i+1)
		if end < 0 {
			break
		}
		if lit < i {
			segs = append(segs, segment{text: s[lit:i]})
		}
		segs = append(segs, segment{text: s[i : end+1], expr: s[i+2 : end]})
		lit = end + 1
		i = end
	}
	if lit < len(s) {
		segs = append(segs, segment{text: s[lit:]})
	}
	return segs
}

// matchBrace returns the index of the } closing the { at open, or -1.
func matchBrace(s string, open int) int {
	depth := 0
	var quote byte
	for i := open; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			// Quotes only count where a value starts (after "," "(" or
			// spaces); an apostrophe inside a word is text.
			if j := prevNonSpace(s, i); j >= 0 && (s[j] == ',' || s[j] == '(' || s[j] == '{') {
				if strings.IndexByte(s[i+1:], c) >= 0 {
					quote = c
				}
			}
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

func prevNonSpace(s string, i int) int {
	for j := i - 1; j >= 0; j-- {
		if s[j] != ' ' && s[j] != '\t' {
			return j
		}
	}
	return -1
}

// text resolves the variables in the string s written at pos. A string that
// is exactly one variable takes the variable's value, whatever its type;
// otherwise the parts are joined into a string.
func (r *resolver) text(s string, pos model.Pos) (*model.Value, error) {
	segs := split(s)
	if len(segs) == 1 && segs[0].expr != "" {
		v, isVar, err := r.expression(segs[0], pos)
		if err != nil {
			return nil, err
		}
		if isVar {
			return v, nil
		}
	}
	var b strings.Builder
	var sources, refs []string
	unresolved := false
	for _, sg := range segs {
		if sg.expr == "" {
			b.WriteString(sg.text)
			continue
		}
		v, isVar, err := r.expression(sg, pos)
		if err != nil {
			return nil, err
		}
		if !isVar {
			b.WriteString(sg.text)
			continue
		}
		switch v.Kind {
		case model.String, model.Number, model.Bool:
			b.WriteString(v.Str)
			if v.Unresolved {
				unresolved = true
				if v.Source != "" {
					sources = append(sources, v.Source)
				}
				refs = append(refs, v.Refs...)
			}
		case model.Null:
			// null joins as nothing
		case model.Symbolic:
			b.WriteString(v.Str)
			unresolved = true
			sources = append(sources, v.Source)
			refs = append(refs, v.Refs...)
		default:
			r.diag(pos, model.DiagWarning, "variable %s is %s and cannot be part of a string", sg.text, yamlv.Describe(v))
			b.WriteString(sg.text)
			unresolved = true
			sources = append(sources, sg.text)
		}
		if b.Len() > int(r.limits.MaxFileBytes) {
			return nil, load.Errorf(pos, "variable expansion is longer than %d bytes", r.limits.MaxFileBytes)
		}
	}
	if err := r.step(pos, 1+b.Len()/256); err != nil {
		return nil, err
	}
	out := model.NewString(b.String(), pos)
	if unresolved {
		out.Unresolved = true
		out.Source = strings.Join(model.SortedUnique(sources), ", ")
		out.Refs = model.SortedUnique(refs)
	}
	return out, nil
}

// symbol is a symbolic value for the expression text (the whole ${…}).
func symbol(text string, pos model.Pos) *model.Value {
	return &model.Value{Kind: model.Symbolic, Str: text, Pos: pos, Unresolved: true, Source: text}
}

// at returns a shallow copy of v positioned at pos, so that a value used
// somewhere points at the place that uses it.
func at(v *model.Value, pos model.Pos) *model.Value {
	if v == nil {
		return nil
	}
	c := *v
	c.Pos = pos
	return &c
}

// expression evaluates one ${…} segment. isVar is false when the
// expression is not a Serverless variable (a CloudFormation ${AWS::Region}
// or ${Resource.Arn} inside Fn::Sub), which stays as written.
func (r *resolver) expression(sg segment, pos model.Pos) (v *model.Value, isVar bool, err error) {
	v, found, isVar, defaultFor, err := r.fallbacks(sg, pos)
	if err != nil || !isVar || found {
		return v, isVar, err
	}
	switch defaultFor {
	case "stage":
		r.diag(pos, model.DiagInfo, "no stage given: assuming the framework default %q for %s", defaultStage, sg.text)
		return model.NewString(defaultStage, pos), true, nil
	case "region":
		r.diag(pos, model.DiagInfo, "no region given: assuming the framework default %q for %s", defaultRegion, sg.text)
		return model.NewString(defaultRegion, pos), true, nil
	}
	r.diag(pos, model.DiagWarning, "cannot resolve %s: no value found; kept as a symbolic value", sg.text)
	return symbol(sg.text, pos), true, nil
}

// fallbacks evaluates the fallback chain of one ${…} segment. found is false
// when no alternative named a value; defaultFor then says whether the
// framework would fall back to its default stage or region.
func (r *resolver) fallbacks(sg segment, pos model.Pos) (v *model.Value, found, isVar bool, defaultFor string, err error) {
	alts := splitAlternatives(sg.expr)
	if len(alts) == 0 || !r.isVariable(alts[0]) {
		return nil, false, false, "", nil
	}
	if err := r.step(pos, 1); err != nil {
		return nil, false, true, "", err
	}
	for _, alt := range alts {
		v, found, d, err := r.alternative(alt, sg.text, pos)
		if err != nil {
			return nil, false, true, "", err
		}
		if found {
			return v, true, true, "", nil
		}
		if d != "" {
			defaultFor = d
		}
	}
	return nil, false, true, defaultFor, nil
}

// splitAlternatives splits the inside of ${…} at top-level commas.
func splitAlternatives(expr string) []string {
	var out []string
	depth := 0
	var quote byte
	start := 0
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case (c == '\'' || c == '"') && strings.TrimSpace(expr[start:i]) == "":
			quote = c
		case c == '{' || c == '(':
			depth++
		case c == '}' || c == ')':
			depth--
		case c == ',' && depth == 0:
			out = append(out, strings.TrimSpace(expr[start:i]))
			start = i + 1
		}
	}
	out = append(out, strings.TrimSpace(expr[start:]))
	return out
}

// sourceName returns the variable source an alternative starts with
// ("self", "opt", "file", …), and the rest after it. ok is false when alt
// does not start with a source.
func sourceName(alt string) (name, rest string, ok bool) {
	i := 0
	for i < len(alt) {
		c := alt[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '_') {
			i++
			continue
		}
		break
	}
	if i == 0 || i == len(alt) {
		return "", "", false
	}
	switch alt[i] {
	case ':':
		if i+1 < len(alt) && alt[i+1] == ':' {
			return "", "", false // ${AWS::Region}
		}
		return alt[:i], alt[i+1:], true
	case '(':
		return alt[:i], alt[i:], true
	}
	return "", "", false
}

// isVariable reports whether the first alternative of an expression makes
// it a Serverless variable rather than CloudFormation text.
func (r *resolver) isVariable(alt string) bool {
	if alt == "" {
		return false
	}
	if strings.HasPrefix(alt, "${") {
		return true
	}
	if _, _, ok := sourceName(alt); ok {
		return true
	}
	// ${custom.x}: a self reference without "self:" when it starts with a
	// top-level key of the document.
	first, _, _ := strings.Cut(alt, ".")
	return first != "" && r.doc.Has(first) && strings.Contains(alt, ".")
}

// alternative evaluates one alternative of a fallback chain. found is false
// when it names nothing, so that the next alternative applies; defaultFor
// is then "stage" or "region" for ${opt:stage} and ${opt:region}.
func (r *resolver) alternative(alt, whole string, pos model.Pos) (v *model.Value, found bool, defaultFor string, err error) {
	if alt == "" {
		return nil, false, "", nil
	}
	if lit, ok := literal(alt, pos); ok {
		return lit, true, "", nil
	}
	if strings.HasPrefix(alt, "${") && matchBrace(alt, 1) == len(alt)-1 {
		sg := segment{text: alt, expr: alt[2 : len(alt)-1]}
		v, found, isVar, d, err := r.fallbacks(sg, pos)
		if err != nil || !isVar {
			return nil, false, "", err
		}
		return v, found, d, nil
	}
	switch alt {
	case "opt:stage":
		if _, ok := r.opts.Param("stage"); !ok {
			return nil, false, "stage", nil
		}
	case "opt:region":
		if _, ok := r.opts.Param("region"); !ok {
			return nil, false, "region", nil
		}
	}
	v, found, err = r.source(alt, whole, pos)
	return v, found, "", err
}

// source evaluates an alternative naming a variable source.
func (r *resolver) source(alt, whole string, pos model.Pos) (v *model.Value, found bool, err error) {
	// Nested variables in the address or parameters resolve first.
	if strings.Contains(alt, "${") {
		sub, err := r.text(alt, pos)
		if err != nil {
			return nil, false, err
		}
		if sub.Kind != model.String || sub.Unresolved {
			return symbol(whole, pos), true, nil
		}
		alt = sub.Str
	}
	name, rest, ok := sourceName(alt)
	if !ok {
		first, _, _ := strings.Cut(alt, ".")
		if r.doc.Has(first) {
			return r.self(alt, whole, pos)
		}
		return nil, false, nil
	}
	switch name {
	case "self":
		v, found, err := r.self(rest, whole, pos)
		if err == nil && !found {
			// provider.stage and provider.region default to the stage
			// and region in effect.
			switch strings.TrimSpace(rest) {
			case "provider.stage":
				st, err := r.Stage(pos)
				return at(st, pos), err == nil, err
			case "provider.region":
				rg, err := r.Region(pos)
				return at(rg, pos), err == nil, err
			}
		}
		return v, found, err
	case "opt":
		if val, ok := r.opts.Param(rest); ok {
			return model.NewString(val, pos), true, nil
		}
		return nil, false, nil
	case "env":
		if r.opts.Env == nil {
			r.diag(pos, model.DiagInfo, "%s: no environment given (use an env file); kept as a symbolic value", whole)
			return symbol(whole, pos), true, nil
		}
		if val, ok := r.opts.Env[rest]; ok {
			return model.NewString(val, pos), true, nil
		}
		return nil, false, nil
	case "param":
		return r.param(rest, whole, pos)
	case "sls":
		switch rest {
		case "stage":
			st, err := r.Stage(pos)
			return at(st, pos), err == nil, err
		}
		return symbol(whole, pos), true, nil
	case "aws":
		if rest == "region" {
			rg, err := r.Region(pos)
			return at(rg, pos), err == nil, err
		}
		return symbol(whole, pos), true, nil
	case "file":
		return r.file(rest, whole, pos)
	case "strToBool":
		return r.strToBool(rest, whole, pos)
	}
	// ssm, cf, s3, aws:accountId, secrets and unknown resolvers: known only
	// at deploy time.
	return symbol(whole, pos), true, nil
}

// literal parses a quoted string, a number or a boolean default.
func literal(alt string, pos model.Pos) (*model.Value, bool) {
	if len(alt) >= 2 && (alt[0] == '\'' || alt[0] == '"') && alt[len(alt)-1] == alt[0] {
		return model.NewString(alt[1:len(alt)-1], pos), true
	}
	switch alt {
	case "true", "false":
		return model.NewBool(alt == "true", pos), true
	case "null":
		return &model.Value{Kind: model.Null, Pos: pos}, true
	}
	if _, err := strconv.ParseFloat(alt, 64); err == nil && alt[0] != '.' {
		return model.NewNumber(alt, pos), true
	}
	return nil, false
}

// self resolves a reference into the serverless.yml document.
func (r *resolver) self(address, whole string, pos model.Pos) (*model.Value, bool, error) {
	v, found, err := r.walk(r.doc, address, whole, pos)
	if err != nil || !found {
		return nil, found, err
	}
	return at(v, pos), true, nil
}

// walk follows a dotted address from the raw value start, resolving the
// values it passes through.
func (r *resolver) walk(start *model.Value, address, whole string, pos model.Pos) (*model.Value, bool, error) {
	cur := start
	raw := true
	address = strings.TrimSpace(address)
	var segs []string
	if address != "" {
		segs = strings.Split(address, ".")
	}
	for _, seg := range segs {
		if err := r.step(pos, 1); err != nil {
			return nil, false, err
		}
		if raw && cur.Kind == model.String && strings.Contains(cur.Str, "${") {
			res, err := r.resolve(cur)
			if err != nil {
				return nil, false, err
			}
			cur, raw = res, false
		}
		var next *model.Value
		switch cur.Kind {
		case model.Map:
			next = cur.Get(seg)
		case model.List:
			if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(cur.Items) {
				next = cur.Items[i]
			}
		case model.Symbolic:
			return symbol(whole, pos), true, nil
		case model.String:
			if cur.Unresolved {
				return symbol(whole, pos), true, nil
			}
		}
		if next == nil {
			return nil, false, nil
		}
		cur = next
	}
	if raw {
		res, err := r.resolve(cur)
		if err != nil {
			return nil, false, err
		}
		cur = res
	}
	return cur, true, nil
}

// param resolves ${param:x}: a --param given by the user, then the
// params section for the stage, then params.default.
func (r *resolver) param(name, whole string, pos model.Pos) (*model.Value, bool, error) {
	if val, ok := r.opts.Param(name); ok && name != "stage" && name != "region" {
		return model.NewString(val, pos), true, nil
	}
	if !r.doc.Has("params") {
		return nil, false, nil
	}
	st, err := r.Stage(pos)
	if err != nil {
		return nil, false, err
	}
	if st.IsResolved() {
		v, found, err := r.walk(r.doc, "params."+st.Str+"."+name, whole, pos)
		if err != nil || found {
			return at(v, pos), found, err
		}
	} else {
		return symbol(whole, pos), true, nil
	}
	v, found, err := r.walk(r.doc, "params.default."+name, whole, pos)
	return at(v, pos), found, err
}

// Stage returns the stage in effect: --stage, else provider.stage, else the
// framework's default "dev".
func (r *resolver) Stage(pos model.Pos) (*model.Value, error) {
	if r.stage != nil {
		return r.stage, nil
	}
	if val, ok := r.opts.Param("stage"); ok {
		r.stage = model.NewString(val, pos)
		return r.stage, nil
	}
	if r.inStage {
		return nil, load.Errorf(pos, "variable cycle: the stage depends on itself (provider.stage uses ${sls:stage})")
	}
	r.inStage = true
	defer func() { r.inStage = false }()
	v, found, err := r.walk(r.doc, "provider.stage", "${sls:stage}", pos)
	if err != nil {
		return nil, err
	}
	if found && v.IsSet() && (v.Kind == model.String || v.Kind == model.Symbolic) {
		r.stage = v
		return v, nil
	}
	r.diag(pos, model.DiagInfo, "no stage given: assuming the framework default %q", defaultStage)
	r.stage = model.NewString(defaultStage, pos)
	return r.stage, nil
}

// Region returns the region in effect: --region, else provider.region,
// else the framework's default "us-east-1".
func (r *resolver) Region(pos model.Pos) (*model.Value, error) {
	if r.region != nil {
		return r.region, nil
	}
	if val, ok := r.opts.Param("region"); ok {
		r.region = model.NewString(val, pos)
		return r.region, nil
	}
	if r.inRegion {
		return nil, load.Errorf(pos, "variable cycle: the region depends on itself (provider.region uses ${aws:region})")
	}
	r.inRegion = true
	defer func() { r.inRegion = false }()
	v, found, err := r.walk(r.doc, "provider.region", "${aws:region}", pos)
	if err != nil {
		return nil, err
	}
	if found && v.IsSet() && (v.Kind == model.String || v.Kind == model.Symbolic) {
		r.region = v
		return v, nil
	}
	r.diag(pos, model.DiagInfo, "no region given: assuming the framework default %q", defaultRegion)
	r.region = model.NewString(defaultRegion, pos)
	return r.region, nil
}

// file resolves ${file(path):address}. rest is "(path)" optionally
// followed by ":address". Paths are relative to the directory of the file
// the variable is written in and may not leave the scan root.
func (r *resolver) file(rest, whole string, pos model.Pos) (*model.Value, bool, error) {
	end := strings.LastIndexByte(rest, ')')
	if !strings.HasPrefix(rest, "(") || end < 0 {
		return nil, false, load.Errorf(pos, "malformed %s: want ${file(path):address}", whole)
	}
	name := strings.TrimSpace(rest[1:end])
	name = strings.Trim(name, `'"`)
	address := ""
	if tail := rest[end+1:]; tail != "" {
		if tail[0] != ':' {
			return nil, false, load.Errorf(pos, "malformed %s: want ${file(path):address}", whole)
		}
		address = tail[1:]
	}
	if name == "" {
		return nil, false, load.Errorf(pos, "%s: empty file name", whole)
	}
	rel, err := r.root.Resolve(path.Dir(pos.File), name)
	if err != nil {
		if errors.Is(err, load.ErrOutsideRoot) {
			return nil, false, load.Errorf(pos, "%s: %s leaves the scanned root", whole, name)
		}
		return nil, false, load.Errorf(pos, "%s: %v", whole, err)
	}
	doc, ok := r.files[rel]
	if !ok {
		doc, err = r.readFile(rel, whole, pos)
		if err != nil {
			return nil, false, err
		}
		r.files[rel] = doc
	}
	if doc == nil {
		return nil, false, nil
	}
	if doc.Kind == model.Symbolic {
		return symbol(whole, pos), true, nil
	}
	v, found, err := r.walk(doc, address, whole, pos)
	if err != nil || !found {
		return nil, found, err
	}
	return at(v, pos), true, nil
}

// readFile reads and decodes a file named by ${file(…)}. It returns nil
// when the file cannot be read (so a fallback applies), and a symbolic value
// for code files, which are never executed.
func (r *resolver) readFile(rel, whole string, pos model.Pos) (*model.Value, error) {
	switch strings.ToLower(path.Ext(rel)) {
	case ".js", ".cjs", ".mjs", ".ts":
		r.diag(pos, model.DiagInfo, "%s: JavaScript/TypeScript files are never executed; kept as a symbolic value", whole)
		return symbol(whole, pos), nil
	}
	if r.root == nil {
		r.diag(pos, model.DiagWarning, "%s: no file access in this context; kept as a symbolic value", whole)
		return nil, nil
	}
	data, err := r.root.ReadFile(rel)
	if err != nil {
		if errors.Is(err, load.ErrOutsideRoot) {
			return nil, load.Errorf(pos, "%s: %s leaves the scanned root", whole, rel)
		}
		r.diag(pos, model.DiagWarning, "%s: cannot read %s: %v", whole, rel, err)
		return nil, nil
	}
	if err := r.step(pos, 1+len(data)/256); err != nil {
		return nil, err
	}
	switch strings.ToLower(path.Ext(rel)) {
	case ".yml", ".yaml", ".json":
		d, err := yamlv.Decode(rel, data, r.limits)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", whole, err)
		}
		r.diags = append(r.diags, d.Warnings...)
		if d.Root == nil {
			return &model.Value{Kind: model.Null, Pos: model.Pos{File: rel, Line: 1, Col: 1}}, nil
		}
		return d.Root, nil
	}
	return model.NewString(string(data), model.Pos{File: rel, Line: 1, Col: 1}), nil
}

// strToBool resolves ${strToBool(x)}.
func (r *resolver) strToBool(rest, whole string, pos model.Pos) (*model.Value, bool, error) {
	if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
		return nil, false, load.Errorf(pos, "malformed %s: want ${strToBool(value)}", whole)
	}
	arg := strings.Trim(strings.TrimSpace(rest[1:len(rest)-1]), `'"`)
	switch strings.ToLower(arg) {
	case "true", "1":
		return model.NewBool(true, pos), true, nil
	case "false", "0", "":
		return model.NewBool(false, pos), true, nil
	}
	r.diag(pos, model.DiagWarning, "%s: %q is not a boolean; kept as a symbolic value", whole, arg)
	return symbol(whole, pos), true, nil
}
