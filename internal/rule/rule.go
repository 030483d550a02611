package rule

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nightlight-sec/nightlight/internal/conc"
	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/secret"
)

// Doc is a rule's documentation, shown by `nightlight explain`, in
// docs/rules.md and in SARIF rule help.
type Doc struct {
	// Description says what the rule looks for and why it matters, in a
	// few sentences.
	Description string
	// Bad is a short template excerpt that triggers the rule; Good is the
	// same excerpt fixed.
	Bad  string
	Good string
	// Remediation says how to fix a finding, in one or two sentences. It
	// is the default Finding.Remediation.
	Remediation string
}

// Rule is one check: its identity, documentation and the function that
// runs it. Rules are plain values kept in an explicit list
// (internal/rules.All); there is no registry.
type Rule struct {
	// ID is "NL" and four digits; the first digit is the area: 1 attack
	// surface, 2 data flow, 3 least privilege, 4 misconfiguration and
	// secrets, 5 denial of wallet, 6 dependencies, 7 handler code (NL70xx) and drift.
	ID       string
	Title    string
	Category Category
	// Severity and Confidence are the defaults of the rule's findings; a
	// finding may set its own.
	Severity   Severity
	Confidence Confidence
	// Platforms lists the providers the rule applies to
	// ([]model.Provider{model.AWS} for a rule about Lambda, IAM or API
	// Gateway; model.AnyProvider for one that judges only the generic
	// model). The engine runs a rule only on stacks of these providers: it
	// is the one place that decides, rules do not test the provider. An
	// AppScope rule runs when at least one stack is of these providers.
	Platforms []model.Provider
	Doc       Doc
	// Adjust lists the severities a finding of the rule may get instead
	// of Severity, and when (reachability, inference, computed cost).
	// Empty: every finding has Severity. `nightlight rules` and `explain`
	// show them, and a corpus test checks findings against them.
	Adjust []Adjustment
	// Scope says whether Run checks one stack (the zero value) or the
	// whole application.
	Scope Scope
	// WholeApp, for an AppScope rule, says whether with the configuration
	// cfg (nil: none) its findings depend on the application as a whole,
	// so that a scan that analyses a repository part by part
	// (internal/scan) must hold it in memory whole. nil means always.
	WholeApp func(cfg *config.Config) bool
	// OncePerScan marks a rule that reports at most once per scan, on the
	// stack of app it returns (nil: none), with a message drawn from the
	// whole scan's summaries (App.VulnDB). A scan that analyses a
	// repository part by part runs it on each part with a placeholder
	// summary, keeps the findings of the part holding that stack until
	// the end, drops the rule's findings from the other parts, and runs it
	// again on that stack with the whole scan's summary.
	OncePerScan func(app *model.App) *model.Stack
	// Run checks one stack (or the application, for AppScope) and
	// reports findings through p.Report. It returns an error only when it
	// could not run at all.
	Run func(ctx context.Context, p *Pass) error
}

var idRE = regexp.MustCompile(`^NL[1-7][0-9]{3}$`)

// Validate checks that r is complete: a well-formed ID whose area matches,
// a title, a known category and severity, and documentation.
func (r *Rule) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(r.ID+": "+format, args...)) }
	if !idRE.MatchString(r.ID) {
		bad("ID must look like NL1001")
	}
	if r.Title == "" || strings.HasSuffix(r.Title, ".") {
		bad("title must be set and not end with a period")
	}
	if !validCategory(r.Category) {
		bad("unknown category %q", r.Category)
	}
	if r.Severity.Rank() < 0 {
		bad("unknown severity %q", r.Severity)
	}
	switch r.Confidence {
	case ConfidenceHigh, ConfidenceMedium, ConfidenceLow:
	default:
		bad("unknown confidence %q", r.Confidence)
	}
	if len(r.Platforms) == 0 {
		bad("Platforms must list the providers the rule applies to (model.AnyProvider for all)")
	}
	if r.Doc.Description == "" || r.Doc.Bad == "" || r.Doc.Good == "" || r.Doc.Remediation == "" {
		bad("documentation needs a description, a bad and a good example and a remediation")
	}
	for _, a := range r.Adjust {
		if a.Severity.Rank() < 0 || a.Severity == r.Severity || a.When == "" {
			bad("adjustment %q: needs a known severity other than the default and a condition", a.Severity)
		}
	}
	if r.Run == nil {
		bad("Run is nil")
	}
	if r.Scope != StackScope && r.Scope != AppScope {
		bad("unknown scope %d", r.Scope)
	}
	return errors.Join(errs...)
}

// Adjustment is one severity a rule's finding may get instead of the
// rule's default, and the condition, in the words the finding's message
// uses.
type Adjustment struct {
	Severity Severity
	When     string
}

// CanHave reports whether a finding of the rule may have severity s: the
// default or one of the adjustments.
func (r *Rule) CanHave(s Severity) bool {
	if s == r.Severity {
		return true
	}
	for _, a := range r.Adjust {
		if a.Severity == s {
			return true
		}
	}
	return false
}

// SeverityRange renders the default severity and the adjusted ones, as
// `nightlight rules` lists them: "medium", "medium (low–high)".
func (r *Rule) SeverityRange() string {
	lo, hi := r.Severity, r.Severity
	for _, a := range r.Adjust {
		if a.Severity.Rank() < lo.Rank() {
			lo = a.Severity
		}
		if a.Severity.Rank() > hi.Rank() {
			hi = a.Severity
		}
	}
	if lo == hi {
		return string(r.Severity)
	}
	return fmt.Sprintf("%s (%s–%s)", r.Severity, lo, hi)
}

// AppliesTo reports whether the rule applies to stacks of provider p.
func (r *Rule) AppliesTo(p model.Provider) bool {
	if p == "" {
		p = model.AWS
	}
	for _, q := range r.Platforms {
		if q == p || q == model.AnyProvider {
			return true
		}
	}
	return false
}

// PlatformNames returns the rule's platforms for display: "any" or a
// comma-separated list ("aws").
func (r *Rule) PlatformNames() string {
	var names []string
	for _, q := range r.Platforms {
		if q == model.AnyProvider {
			return "any"
		}
		names = append(names, string(q))
	}
	return strings.Join(names, ",")
}

// Categories lists every category in report order.
func Categories() []Category {
	return []Category{AttackSurface, DataFlow, IAM, Misconfig, Secrets, DenialOfWallet, Dependency, Code, Drift}
}

func validCategory(c Category) bool {
	for _, k := range Categories() {
		if c == k {
			return true
		}
	}
	return false
}

// Severities lists the severities from most to least severe.
func Severities() []Severity { return []Severity{Critical, High, Medium, Low, Info} }

// Pass is what a rule sees while it checks one stack (or, for an AppScope
// rule, the application).
type Pass struct {
	// Rule is the rule being run.
	Rule *Rule
	// App is the whole application; Stack is the stack being checked, nil
	// for an AppScope rule.
	App   *model.App
	Stack *model.Stack
	// Graph is the application graph, or nil when it was not built.
	Graph *graph.Graph
	// Now is the time the scan runs at, for rules that compare dates
	// (runtime deprecation); tests fix it.
	Now time.Time
	// Config is the configuration file, or nil.
	Config *config.Config
	// Facts holds shared, lazily computed analyses of the stack (policy
	// statements, function reach) so that rules do not recompute them. It
	// is never nil inside a StackScope rule's Run, and nil in an AppScope
	// rule's (use StackFacts).
	Facts *Facts
	// IAM is the IAM engine shared by the run.
	IAM *iam.Analyzer

	report func(Finding)
	shared *memo
	facts  func(*model.Stack) *Facts
}

// StackFacts returns the facts of a stack of the application, for
// AppScope rules that look into stacks; inside a StackScope rule it is
// p.Facts for p.Stack.
func (p *Pass) StackFacts(st *model.Stack) *Facts {
	if p.Facts != nil && p.Facts.Stack == st {
		return p.Facts
	}
	if p.facts != nil {
		return p.facts(st)
	}
	return NewFacts(st, p.IAM)
}

// Report records a finding. Fields left zero are filled from the rule:
// Rule, Category, Severity, Confidence, Remediation, Stack, and File from
// the stack.
func (p *Pass) Report(f Finding) {
	f.Rule = p.Rule.ID
	if f.Category == "" {
		f.Category = p.Rule.Category
	}
	if f.Severity == "" {
		f.Severity = p.Rule.Severity
	}
	if f.Confidence == "" {
		f.Confidence = p.Rule.Confidence
	}
	if f.Remediation == "" {
		f.Remediation = p.Rule.Doc.Remediation
	}
	if f.Stack == "" && p.Stack != nil {
		f.Stack = p.Stack.ID
	}
	if f.Stack == "" && p.Stack == nil {
		f.Stack = stackOf(p.App, f)
	}
	if f.File == "" && p.Stack != nil {
		f.File = p.Stack.File
	}
	if f.Path == nil {
		f.Path = []graph.NodeID{}
	}
	if p.Stack != nil && p.Stack.Unrendered != "" {
		// A template still to be rendered: its values are placeholders.
		f.Confidence = model.ConfidenceLow
		f.Message += " (low confidence: " + p.Stack.File + " is an unrendered " + p.Stack.Unrendered + " template)"
	}
	p.report(f)
}

// Reportf reports a finding about resource at pos with a formatted message.
func (p *Pass) Reportf(pos model.Pos, resource, format string, args ...any) {
	f := Finding{Resource: resource, Message: fmt.Sprintf(format, args...)}
	f.At(pos)
	p.Report(f)
}

// Input is what Run checks.
type Input struct {
	App *model.App
	// Graph is the application graph, or nil.
	Graph *graph.Graph
	// IAM is the IAM engine (action catalog and managed policies); nil
	// means a new one. Pass one in to parse the catalog once per process.
	IAM *iam.Analyzer
	// Now is the scan's time; zero means time.Now().
	Now time.Time
	// Config is the configuration file (flow policy, classifications), or
	// nil.
	Config *config.Config
}

// Run runs rules over in.App and returns the findings, deduplicated,
// fingerprinted and sorted by (file, line, rule, resource, message):
// StackScope rules over every stack (stacks in parallel, the rules of one
// stack in order), then AppScope rules once. A rule that fails or panics
// does not stop the others; its error is returned joined with the rest,
// together with every finding.
func Run(ctx context.Context, rules []*Rule, in Input) ([]Finding, error) {
	out := []Finding{}
	if in.App == nil {
		return out, nil
	}
	if in.Now.IsZero() {
		in.Now = time.Now().UTC()
	}
	if in.IAM == nil {
		in.IAM = iam.NewAnalyzer()
	}
	det := secret.New()
	if in.Graph != nil {
		in.Graph.Index() // build the lazy index before the workers read it
	}
	shared := newMemo()
	var stackRules, appRules []*Rule
	for _, r := range rules {
		if r.Scope == AppScope {
			appRules = append(appRules, r)
		} else {
			stackRules = append(stackRules, r)
		}
	}
	type result struct {
		fs   []Finding
		errs []error
	}
	facts := make([]*Facts, len(in.App.Stacks))
	factsOf := make(map[*model.Stack]*Facts, len(in.App.Stacks))
	for i, st := range in.App.Stacks {
		facts[i] = NewFacts(st, in.IAM)
		facts[i].Detector = det
		if _, dup := factsOf[st]; !dup {
			factsOf[st] = facts[i]
		}
	}
	results := make([]result, len(in.App.Stacks)+1)
	newPass := func(r *Rule, st *model.Stack, f *Facts, res *result) *Pass {
		return &Pass{Rule: r, App: in.App, Stack: st, Graph: in.Graph, Facts: f, Now: in.Now, Config: in.Config, IAM: in.IAM,
			shared: shared, report: func(f Finding) { res.fs = append(res.fs, f) },
			facts: func(s *model.Stack) *Facts {
				if f, ok := factsOf[s]; ok {
					return f
				}
				return NewFacts(s, in.IAM)
			}}
	}
	conc.ForEach(ctx, len(in.App.Stacks), 0, func(i int) {
		st := in.App.Stacks[i]
		res := &results[i]
		for _, r := range stackRules {
			if ctx.Err() != nil {
				return
			}
			if !r.AppliesTo(st.Platform()) {
				continue
			}
			if err := runOne(ctx, r, newPass(r, st, facts[i], res)); err != nil {
				res.errs = append(res.errs, fmt.Errorf("rule %s on %s: %w", r.ID, st.ID, err))
			}
		}
	})
	res := &results[len(in.App.Stacks)]
	for _, r := range appRules {
		if ctx.Err() != nil {
			break
		}
		if !slices.ContainsFunc(in.App.Stacks, func(st *model.Stack) bool { return r.AppliesTo(st.Platform()) }) {
			continue
		}
		if err := runOne(ctx, r, newPass(r, nil, nil, res)); err != nil {
			res.errs = append(res.errs, fmt.Errorf("rule %s: %w", r.ID, err))
		}
	}
	var errs []error
	for _, r := range results {
		out = append(out, r.fs...)
		errs = append(errs, r.errs...)
	}
	if err := ctx.Err(); err != nil {
		return Finish(out), err
	}
	return Finish(out), errors.Join(errs...)
}

// stackOf names the stack an app-wide finding is in: the stack of the
// first node of its path that belongs to one, else the stack whose file
// the finding is in.
func stackOf(app *model.App, f Finding) string {
	for _, id := range f.Path {
		if id.Stack != "" {
			return id.Stack
		}
	}
	if app != nil {
		for _, st := range app.Stacks {
			if st != nil && st.File != "" && st.File == f.File {
				return st.ID
			}
		}
	}
	return ""
}

// runOne runs one rule on one pass, containing a panic; the error of a
// panic carries the stack, for the bug report it asks for.
func runOne(ctx context.Context, r *Rule, p *Pass) error {
	err := conc.Safely("running rule "+r.ID, func() error { return r.Run(ctx, p) })
	if pe := (*conc.PanicError)(nil); errors.As(err, &pe) {
		return fmt.Errorf("%w\n%s", err, pe.Stack)
	}
	return err
}

// Finish fingerprints, deduplicates and sorts findings in place and
// returns the result.
func Finish(fs []Finding) []Finding {
	for i := range fs {
		if fs[i].Fingerprint == "" {
			fs[i].Fingerprint = Fingerprint(fs[i])
		}
		if fs[i].Path == nil {
			fs[i].Path = []graph.NodeID{}
		}
	}
	Sort(fs)
	out := fs[:0]
	for i, f := range fs {
		if i > 0 && f.Fingerprint == fs[i-1].Fingerprint && f.Line == fs[i-1].Line {
			continue
		}
		out = append(out, f)
	}
	return out
}

// Sort orders findings by file, line, rule, resource, message, column
// (Less).
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return Less(&fs[i], &fs[j]) })
}

// Less reports whether finding a sorts before b: by file, line, rule,
// resource, message, then column.
func Less(a, b *Finding) bool {
	switch {
	case a.File != b.File:
		return a.File < b.File
	case a.Line != b.Line:
		return a.Line < b.Line
	case a.Rule != b.Rule:
		return a.Rule < b.Rule
	case a.Resource != b.Resource:
		return a.Resource < b.Resource
	case a.Message != b.Message:
		return a.Message < b.Message
	}
	return a.Col < b.Col
}

var digitsRE = regexp.MustCompile(`[0-9][0-9.,]*`)

// Fingerprint identifies a finding across runs: a hash of the rule, file,
// resource and message with numbers blanked (so that a moved line or a
// changed price does not make an old finding new). Two findings of one
// rule on one resource with the same message share a fingerprint.
func Fingerprint(f Finding) string {
	h := sha256.New()
	for _, s := range []string{f.Rule, f.File, f.Resource, digitsRE.ReplaceAllString(f.Message, "#")} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
