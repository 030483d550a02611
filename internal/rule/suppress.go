package rule

import (
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Ignore is a suppression from the configuration file: findings of Rule
// (all rules when empty) on Resource (any when empty) in files matching
// Path (a path.Match pattern; any when empty) are dropped until Expires
// (never when zero). Reason is mandatory in the config file.
type Ignore struct {
	Rule     string    `json:"rule,omitempty" yaml:"rule,omitempty"`
	Resource string    `json:"resource,omitempty" yaml:"resource,omitempty"`
	Path     string    `json:"path,omitempty" yaml:"path,omitempty"`
	Reason   string    `json:"reason" yaml:"reason"`
	Expires  time.Time `json:"expires,omitzero" yaml:"expires,omitempty"`
}

func (ig Ignore) matches(f Finding, now time.Time) bool {
	if !ig.Expires.IsZero() && !now.Before(ig.Expires) {
		return false
	}
	if ig.Rule != "" && !strings.EqualFold(ig.Rule, f.Rule) {
		return false
	}
	if ig.Resource != "" && ig.Resource != f.Resource {
		return false
	}
	if ig.Path != "" {
		if ok, _ := path.Match(ig.Path, f.File); !ok && ig.Path != f.File && !strings.HasPrefix(f.File, strings.TrimSuffix(ig.Path, "/")+"/") {
			return false
		}
	}
	return true
}

// Suppressed is a finding dropped by a suppression, with the reason.
type Suppressed struct {
	Finding Finding `json:"finding"`
	// Kind is "inline", "metadata" or "config".
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}

// Suppress removes the findings that an inline `# nightlight:ignore`
// comment, a resource's Metadata or a config ignore applies to, and
// returns the rest and the suppressed ones. An inline comment applies to
// findings on its line and, when it annotates a resource's key, to every
// finding on that resource and on the resources generated from it (a SAM
// function's URL, role and permissions). A suppression without a reason
// suppresses nothing (CheckSuppressions says so); ignores whose Expires is
// before now no longer apply.
func Suppress(fs []Finding, app *model.App, ignores []Ignore, now time.Time) (kept []Finding, dropped []Suppressed) {
	type lineKey struct {
		file string
		line int
	}
	type resKey struct{ stack, res string }
	byLine := map[lineKey]model.Suppression{}
	type sup struct {
		model.Suppression
		kind string
	}
	byRes := map[resKey][]sup{}
	origin := map[resKey]string{}
	if app != nil {
		for _, st := range app.Stacks {
			resAt := map[lineKey]string{}
			for _, r := range st.Resources {
				if r.Generated != "" && r.Generated != r.ID {
					// Generated resources share their declaration's
					// position; the key belongs to the declaration.
					origin[resKey{st.ID, r.ID}] = r.Generated
					continue
				}
				resAt[lineKey{r.Pos.File, r.Pos.Line}] = r.ID
			}
			for _, s := range st.Suppressions {
				if strings.TrimSpace(s.Reason) == "" {
					continue
				}
				switch {
				case s.Resource != "":
					byRes[resKey{st.ID, s.Resource}] = append(byRes[resKey{st.ID, s.Resource}], sup{s, "metadata"})
				default:
					k := lineKey{s.Pos.File, s.Pos.Line}
					byLine[k] = s
					if id, ok := resAt[k]; ok {
						byRes[resKey{st.ID, id}] = append(byRes[resKey{st.ID, id}], sup{s, "inline"})
					}
				}
			}
		}
	}
	covers := func(s model.Suppression, rule string) bool {
		if len(s.Rules) == 0 {
			return true
		}
		for _, r := range s.Rules {
			if strings.EqualFold(r, rule) {
				return true
			}
		}
		return false
	}
	// onResource finds a suppression of the finding's resource or of the
	// declaration it was generated from (a few levels at most).
	onResource := func(f Finding) (sup, bool) {
		k := resKey{f.Stack, f.Resource}
		for range 4 {
			for _, s := range byRes[k] {
				if covers(s.Suppression, f.Rule) {
					return s, true
				}
			}
			from, ok := origin[k]
			if !ok {
				break
			}
			k.res = from
		}
		return sup{}, false
	}
	kept = fs[:0:0]
	for _, f := range fs {
		if s, ok := byLine[lineKey{f.File, f.Line}]; ok && covers(s, f.Rule) {
			dropped = append(dropped, Suppressed{Finding: f, Kind: "inline", Reason: s.Reason})
			continue
		}
		if s, ok := onResource(f); ok {
			dropped = append(dropped, Suppressed{Finding: f, Kind: s.kind, Reason: s.Reason})
			continue
		}
		hit := false
		for _, ig := range ignores {
			if ig.matches(f, now) {
				dropped = append(dropped, Suppressed{Finding: f, Kind: "config", Reason: ig.Reason})
				hit = true
				break
			}
		}
		if !hit {
			kept = append(kept, f)
		}
	}
	return kept, dropped
}

// SuppressionProblem is something wrong with an inline or Metadata
// suppression: it names no known rule, or it gives no reason.
type SuppressionProblem struct {
	Pos model.Pos
	// Rule is the unknown rule ID, or "" when the problem is a missing
	// reason.
	Rule    string
	Message string
}

// CheckSuppressions returns the problems of app's inline and Metadata
// suppressions, sorted by position: rule IDs that known does not accept
// (a typo would otherwise suppress nothing, silently) and suppressions
// without a reason (they suppress nothing).
func CheckSuppressions(app *model.App, known func(id string) bool) []SuppressionProblem {
	var out []SuppressionProblem
	if app == nil {
		return out
	}
	for _, st := range app.Stacks {
		for _, s := range st.Suppressions {
			if len(s.Rules) == 0 {
				// "NL4O11 reason" parses as a reason for all rules; a
				// first word shaped like a rule ID is a misspelt one.
				if first, _, _ := strings.Cut(strings.TrimSpace(s.Reason), " "); looksLikeRuleID(first) {
					out = append(out, SuppressionProblem{Pos: s.Pos, Rule: first, Message: fmt.Sprintf("nightlight:ignore names rule %s, which does not exist", first)})
					continue
				}
			}
			for _, id := range s.Rules {
				if !known(id) {
					out = append(out, SuppressionProblem{Pos: s.Pos, Rule: id, Message: fmt.Sprintf("nightlight:ignore names rule %s, which does not exist", id)})
				}
			}
			if strings.TrimSpace(s.Reason) == "" {
				what := "all rules"
				if len(s.Rules) > 0 {
					what = strings.Join(s.Rules, ", ")
				}
				out = append(out, SuppressionProblem{Pos: s.Pos, Message: fmt.Sprintf("nightlight:ignore of %s gives no reason, so it suppresses nothing: say why after the rule ID", what)})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Pos, out[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return out
}

// looksLikeRuleID reports whether s is shaped like a rule ID ("NL" and
// four characters) without necessarily being a valid one.
func looksLikeRuleID(s string) bool {
	return len(s) == 6 && strings.EqualFold(s[:2], "NL")
}

// Filter keeps the findings at or above minimum severity (all when
// minimum is "") whose rule matches one of rules (all when empty). A rule
// pattern is an ID ("NL3001"), a prefix ending in "*" ("NL3*") or a
// category name ("iam").
func Filter(fs []Finding, minimum Severity, rules []string) []Finding {
	out := fs[:0:0]
	for _, f := range fs {
		if minimum != "" && f.Severity.Rank() < minimum.Rank() {
			continue
		}
		if len(rules) > 0 && !matchRule(f, rules) {
			continue
		}
		out = append(out, f)
	}
	return out
}

func matchRule(f Finding, pats []string) bool {
	for _, p := range pats {
		p = strings.TrimSpace(p)
		switch {
		case strings.EqualFold(p, f.Rule), strings.EqualFold(p, string(f.Category)):
			return true
		case strings.HasSuffix(p, "*") && strings.HasPrefix(strings.ToUpper(f.Rule), strings.ToUpper(strings.TrimSuffix(p, "*"))):
			return true
		}
	}
	return false
}

// Baseline is a set of accepted findings, keyed by fingerprint, written
// by --write-baseline and read by --baseline so that only new findings
// fail the build.
type Baseline struct {
	Version  int             `json:"version"`
	Findings []BaselineEntry `json:"findings"`

	// known indexes Findings by fingerprint, built on the first New: a
	// streamed scan calls New once per part.
	once  sync.Once
	known map[string]bool
}

// BaselineEntry is one accepted finding. Only Fingerprint is used for
// matching; the rest helps a reviewer read the file.
type BaselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	File        string `json:"file"`
	Resource    string `json:"resource"`
	Message     string `json:"message"`
}

// NewBaseline returns the baseline of fs, sorted by fingerprint.
func NewBaseline(fs []Finding) *Baseline {
	b := &Baseline{Version: 1, Findings: []BaselineEntry{}}
	seen := map[string]bool{}
	for _, f := range fs {
		fp := f.Fingerprint
		if fp == "" {
			fp = Fingerprint(f)
		}
		if seen[fp] {
			continue
		}
		seen[fp] = true
		b.Findings = append(b.Findings, BaselineEntry{Fingerprint: fp, Rule: f.Rule, File: f.File, Resource: f.Resource, Message: f.Message})
	}
	sort.Slice(b.Findings, func(i, j int) bool { return b.Findings[i].Fingerprint < b.Findings[j].Fingerprint })
	return b
}

// WriteBaseline writes b as indented JSON.
func WriteBaseline(w io.Writer, b *Baseline) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(b); err != nil {
		return fmt.Errorf("write baseline: %w", err)
	}
	return nil
}

// ReadBaseline reads a baseline written by WriteBaseline.
func ReadBaseline(r io.Reader) (*Baseline, error) {
	var b Baseline
	if err := json.NewDecoder(r).Decode(&b); err != nil {
		return nil, fmt.Errorf("read baseline: %w", err)
	}
	if b.Version != 1 {
		return nil, fmt.Errorf("read baseline: unsupported version %d", b.Version)
	}
	return &b, nil
}

// New returns the findings of fs that are not in the baseline.
//
// The fingerprints are indexed on the first call: Findings must not change
// after it. New is safe for concurrent use.
func (b *Baseline) New(fs []Finding) []Finding {
	var known map[string]bool
	if b != nil {
		b.once.Do(func() {
			b.known = make(map[string]bool, len(b.Findings))
			for _, e := range b.Findings {
				b.known[e.Fingerprint] = true
			}
		})
		known = b.known
	}
	out := fs[:0:0]
	for _, f := range fs {
		fp := f.Fingerprint
		if fp == "" {
			fp = Fingerprint(f)
		}
		if !known[fp] {
			out = append(out, f)
		}
	}
	return out
}
