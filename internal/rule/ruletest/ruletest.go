// Package ruletest runs rules over small apps kept as txtar archives and
// checks their findings against `# want` comments written beside the
// offending lines, in the manner of go/analysis/analysistest.
//
// Each testdata/*.txtar archive is one app: its files are written to a
// temporary directory and discovered and loaded exactly as `nightlight
// scan` does (internal/load/discover: the same format detection, the same
// loaders, Terraform modules grouped per directory). An input that does
// not load fails the test. A nightlight.yaml in an archive is the
// configuration file; the application graph is built as in a scan, and
// inline suppressions and Metadata ignores are applied.
//
// # Want comments
//
// A want comment ends the line a finding is reported on:
//
//	Type: AWS::Serverless::Function # want "NL1001 .*anyone"
//	Auth: NONE # want NL1001 severity=high confidence=medium "anyone"
//	Policies: [] # want NL3001 path="principal:internet -> t.yaml#function:Fn" resource=Fn "wildcard"
//
// After "# want" come one or more expectations. Each is zero or more
// qualifiers followed by a Go string literal (interpreted "…" or raw `…`)
// holding a regular expression that must match "RULE message" (the rule
// ID, a space, the message). Qualifiers narrow what matches:
//
//	NL1001            the finding's rule is NL1001
//	severity=LEVEL    info, low, medium, high or critical
//	confidence=LEVEL  low, medium or high
//	resource=NAME     the finding's resource (NAME, or a quoted literal)
//	path="A -> B"     the finding's graph path, node IDs in their text form
//	                  joined by " -> "; path="" asserts there is none
//
// Every finding must be matched by an expectation on its file and line,
// and every expectation by a finding. A finding that matches an
// expectation's regexp but not its qualifiers is reported with the
// differences. Run requires at least one archive with a want (a positive
// case) and one without (a negative case).
package ruletest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/load/detect"
	"github.com/nightlight-sec/nightlight/internal/load/discover"
	"github.com/nightlight-sec/nightlight/internal/load/sam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Run runs r over every testdata/*.txtar app below dir and checks the
// findings against the want comments. It fails when dir has no archive,
// and requires at least one archive with a want (a positive case) and one
// without findings (a negative case).
func Run(t *testing.T, dir string, r *rule.Rule) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no txtar apps in %s", dir)
	}
	an := iam.NewAnalyzer()
	pos, neg := 0, 0
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			app := LoadArchive(t, ar)
			var cfg *config.Config
			for _, f := range ar.Files {
				if f.Name == config.DefaultFile {
					if cfg, err = config.Parse(f.Name, f.Data); err != nil {
						t.Fatal(err)
					}
				}
			}
			g, err := graph.Build(context.Background(), app, graph.Options{Permissions: graph.IAMPermissions(an), Classify: cfg.Classify, Group: cfg.Group})
			if err != nil {
				t.Fatalf("graph: %v", err)
			}
			fs, err := rule.Run(context.Background(), []*rule.Rule{r}, rule.Input{App: app, Graph: g, IAM: an, Now: Now(), Config: cfg})
			if err != nil {
				t.Errorf("rule error: %v", err)
			}
			fs, _ = rule.Suppress(fs, app, nil, time.Now())
			wants, err := Wants(ar)
			if err != nil {
				t.Fatal(err)
			}
			if len(wants) > 0 {
				pos++
			} else {
				neg++
			}
			Check(t, fs, wants)
		})
	}
	if pos == 0 || neg == 0 {
		t.Errorf("%s: want at least one app with findings and one without (have %d and %d)", r.ID, pos, neg)
	}
}

// Now is the time rules see in tests, so that date-dependent rules
// (runtime deprecation) give the same answer every day.
func Now() time.Time { return time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) }

// Want is an expectation: a finding on File:Line whose "RULE message"
// matches RE and whose fields equal the qualifiers that are set.
type Want struct {
	File string
	Line int
	RE   *regexp.Regexp
	// Rule, Severity, Confidence and Resource, when not empty, must equal
	// the finding's.
	Rule       string
	Severity   rule.Severity
	Confidence rule.Confidence
	Resource   string
	// Path, when HasPath, must equal the finding's path in text form,
	// node IDs joined by " -> ".
	Path    string
	HasPath bool
	raw     string
}

var wantRE = regexp.MustCompile(`#\s*want\s+(.*)$`)

// Wants collects the want comments of the archive's files.
func Wants(ar *txtar.Archive) ([]Want, error) {
	var out []Want
	for _, f := range ar.Files {
		for i, line := range strings.Split(string(f.Data), "\n") {
			m := wantRE.FindStringSubmatch(strings.TrimRight(line, "\r"))
			if m == nil {
				continue
			}
			ws, err := parseWant(m[1])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", f.Name, i+1, err)
			}
			for _, w := range ws {
				w.File, w.Line = f.Name, i+1
				out = append(out, w)
			}
		}
	}
	return out, nil
}

var ruleIDRE = regexp.MustCompile(`^NL[0-9]{4}$`)

// parseWant parses the text after "# want".
func parseWant(s string) ([]Want, error) {
	var out []Want
	var cur Want
	qualified := false
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			break
		}
		if s[0] == '"' || s[0] == '`' {
			lit, rest, err := literal(s)
			if err != nil {
				return nil, err
			}
			re, err := regexp.Compile(lit)
			if err != nil {
				return nil, fmt.Errorf("want %q: %w", lit, err)
			}
			cur.RE, cur.raw = re, lit
			out = append(out, cur)
			cur, qualified, s = Want{}, false, rest
			continue
		}
		tok, rest := s, ""
		if i := strings.IndexAny(s, " \t"); i >= 0 {
			tok, rest = s[:i], s[i:]
		}
		key, val, isKV := strings.Cut(tok, "=")
		if isKV && val != "" && (val[0] == '"' || val[0] == '`') {
			lit, r, err := literal(s[len(key)+1:])
			if err != nil {
				return nil, fmt.Errorf("%s=: %w", key, err)
			}
			val, rest = lit, r
		}
		switch {
		case !isKV && ruleIDRE.MatchString(tok):
			cur.Rule = tok
		case isKV && key == "severity":
			if rule.Severity(val).Rank() < 0 {
				return nil, fmt.Errorf("severity=%s: want info, low, medium, high or critical", val)
			}
			cur.Severity = rule.Severity(val)
		case isKV && key == "confidence":
			if !rule.Confidence(val).Valid() {
				return nil, fmt.Errorf("confidence=%s: want low, medium or high", val)
			}
			cur.Confidence = rule.Confidence(val)
		case isKV && key == "resource":
			cur.Resource = val
		case isKV && key == "path":
			cur.Path, cur.HasPath = val, true
		default:
			return nil, fmt.Errorf("want: unexpected %q (qualifiers are NLnnnn, severity=, confidence=, resource=, path=; then a quoted regexp)", tok)
		}
		qualified = true
		s = rest
	}
	if qualified {
		return nil, fmt.Errorf("want: qualifiers must be followed by a quoted regexp")
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("want: no expectation")
	}
	return out, nil
}

// literal reads a Go string literal at the start of s.
func literal(s string) (string, string, error) {
	end := -1
	if s[0] == '`' {
		if i := strings.IndexByte(s[1:], '`'); i >= 0 {
			end = i + 2
		}
	} else {
		for i := 1; i < len(s); i++ {
			if s[i] == '\\' {
				i++
				continue
			}
			if s[i] == '"' {
				end = i + 1
				break
			}
		}
	}
	if end < 0 {
		return "", "", fmt.Errorf("unterminated string %s", s)
	}
	v, err := strconv.Unquote(s[:end])
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", s[:end], err)
	}
	return v, s[end:], nil
}

// PathText is a finding path in the form want comments use.
func PathText(p []graph.NodeID) string {
	parts := make([]string, len(p))
	for i, id := range p {
		parts[i] = id.String()
	}
	return strings.Join(parts, " -> ")
}

// mismatch says how f differs from w's qualifiers, "" when it does not.
func (w *Want) mismatch(f *rule.Finding) string {
	var diffs []string
	if w.Rule != "" && f.Rule != w.Rule {
		diffs = append(diffs, fmt.Sprintf("rule %s, want %s", f.Rule, w.Rule))
	}
	if w.Severity != "" && f.Severity != w.Severity {
		diffs = append(diffs, fmt.Sprintf("severity %s, want %s", f.Severity, w.Severity))
	}
	if w.Confidence != "" && f.Confidence != w.Confidence {
		diffs = append(diffs, fmt.Sprintf("confidence %s, want %s", f.Confidence, w.Confidence))
	}
	if w.Resource != "" && f.Resource != w.Resource {
		diffs = append(diffs, fmt.Sprintf("resource %q, want %q", f.Resource, w.Resource))
	}
	if got := PathText(f.Path); w.HasPath && got != w.Path {
		diffs = append(diffs, fmt.Sprintf("path %q, want %q", got, w.Path))
	}
	return strings.Join(diffs, "; ")
}

// Check fails t for every finding no want expects and every want no
// finding meets.
func Check(t testing.TB, fs []rule.Finding, wants []Want) {
	t.Helper()
	used := make([]bool, len(wants))
	for i := range fs {
		f := &fs[i]
		text := f.Rule + " " + f.Message
		ok := false
		var near []string
		for j := range wants {
			w := &wants[j]
			if w.File != f.File || w.Line != f.Line || !w.RE.MatchString(text) {
				continue
			}
			if d := w.mismatch(f); d != "" {
				near = append(near, fmt.Sprintf("want %q: %s", w.raw, d))
				continue
			}
			used[j], ok = true, true
		}
		switch {
		case ok:
		case len(near) > 0:
			t.Errorf("%s:%d: finding %s (%s) %s: %s", f.File, f.Line, f.Rule, f.Resource, f.Message, strings.Join(near, "; "))
		default:
			t.Errorf("%s:%d: unexpected finding %s (%s) [%s, %s confidence] %s", f.File, f.Line, f.Rule, f.Resource, f.Severity, f.Confidence, f.Message)
		}
	}
	for i, w := range wants {
		if !used[i] {
			t.Errorf("%s:%d: no finding matched %q", w.File, w.Line, w.raw)
		}
	}
}

// LoadArchive writes the archive to a temporary directory and loads it as
// a scan does, failing t when a declaration (not handler source) does not
// load.
func LoadArchive(t testing.TB, ar *txtar.Archive) *model.App {
	t.Helper()
	dir := t.TempDir()
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	app, inputs, err := LoadDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		// Declarations must load; handler source that does not parse or
		// is missing is an input error in a scan too, and rule tests
		// about declarations need not ship every handler file.
		if in.Error != "" && !in.Code {
			t.Fatalf("input %s (%s) did not load: %s", in.Path, in.Format, in.Error)
		}
	}
	return app
}

// LoadDir discovers and loads the inputs below dir as `nightlight scan`
// does, with paths shown relative to dir.
func LoadDir(ctx context.Context, dir string) (*model.App, []discover.Input, error) {
	app, inputs, err := discover.Load(ctx, []string{"."}, discover.Options{Dir: dir, Workers: 1})
	if err != nil {
		return nil, nil, err
	}
	app.Root = "."
	return app, inputs, nil
}

// LoadTemplate loads a CloudFormation or SAM template (SAM when it
// declares the SAM transform), for benchmarks that load one template
// without discovery.
func LoadTemplate(ctx context.Context, u load.Unit, opts load.Options) (*model.Stack, error) {
	if detect.IsSAM(u.Files[0].Data) {
		u.Format = model.FormatSAM
		return sam.Load(ctx, u, opts)
	}
	return cfn.Load(ctx, u, opts)
}
