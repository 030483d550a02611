// Package rules is nightlight's rule set: one package per rule below it
// (internal/rules/nlNNNN), the explicit list of them (All), and Analyze,
// which runs them over a scanned application and applies suppressions,
// config ignores, filters and the baseline.
package rules

import (
	"context"
	"fmt"
	"time"

	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

//go:generate go run ./genlist -o all.go
//go:generate go run ./gendocs -o ../../docs/rules.md

// Options tune Analyze. The zero value runs every rule and keeps every
// finding that no suppression covers.
type Options struct {
	// Rules to run; nil means All().
	Rules []*rule.Rule
	// Ignores are suppressions given in code; Config's ignore section is
	// added to them.
	Ignores []rule.Ignore
	// Config is the configuration file, or nil.
	Config *config.Config
	// Baseline, when set, drops findings it already holds.
	Baseline *rule.Baseline
	// MinSeverity drops findings below it ("" keeps all).
	MinSeverity rule.Severity
	// Only keeps findings of these rules (IDs, "NL3*" prefixes or
	// categories); empty keeps all.
	Only []string
	// IAM is the IAM engine to use; nil makes one.
	IAM *iam.Analyzer
	// Now is the scan time (zero: time.Now()), for ignore expiry and
	// runtime deprecation dates.
	Now time.Time
}

// Result says what Analyze left out of the report.
type Result struct {
	// Suppressed are the findings inline comments, Metadata or config
	// ignores suppressed.
	Suppressed []rule.Suppressed
	// Baselined counts findings dropped because the baseline holds them.
	Baselined int
	// Filtered counts findings dropped by MinSeverity and Only.
	Filtered int
}

// Analyze runs the rules over doc.App and doc.Graph and sets
// doc.Findings to the findings that remain after suppressions, filters
// and the baseline, sorted and fingerprinted. The caller builds the graph
// (scan does, once); Analyze never rebuilds it, and with a nil or empty
// graph the rules that need it find nothing. Findings already in doc are
// kept (and filtered the same way). A rule that fails does not stop the
// others; the error says which failed.
func Analyze(ctx context.Context, doc *result.Document, opts Options) (*Result, error) {
	if opts.Rules == nil {
		opts.Rules = All()
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now().UTC()
	}
	if opts.IAM == nil {
		opts.IAM = iam.NewAnalyzer()
	}
	fs, err := rule.Run(ctx, opts.Rules, rule.Input{App: doc.App, Graph: doc.Graph, IAM: opts.IAM, Now: opts.Now, Config: opts.Config})
	if err != nil && ctx.Err() != nil {
		return nil, err
	}
	fs = rule.Finish(append(fs, doc.Findings...))
	res := &Result{}
	fs, res.Suppressed = rule.Suppress(fs, doc.App, append(opts.Ignores, Ignores(opts.Config)...), opts.Now)
	n := len(fs)
	fs = rule.Filter(fs, opts.MinSeverity, opts.Only)
	res.Filtered = n - len(fs)
	if opts.Baseline != nil {
		n = len(fs)
		fs = opts.Baseline.New(fs)
		res.Baselined = n - len(fs)
	}
	if fs == nil {
		fs = []rule.Finding{}
	}
	doc.Findings = fs
	if err != nil {
		return res, fmt.Errorf("rules: %w", err)
	}
	return res, nil
}

// Ignores converts the configuration file's ignore section.
func Ignores(c *config.Config) []rule.Ignore {
	if c == nil {
		return nil
	}
	out := make([]rule.Ignore, 0, len(c.Ignore))
	for _, ig := range c.Ignore {
		out = append(out, rule.Ignore{Rule: ig.Rule, Resource: ig.Resource, Path: ig.Path, Reason: ig.Reason, Expires: ig.Expires})
	}
	return out
}

// ByID returns the rule with the given ID (case-insensitive) from rs, or
// nil.
func ByID(rs []*rule.Rule, id string) *rule.Rule {
	for _, r := range rs {
		if equalFold(r.ID, id) {
			return r
		}
	}
	return nil
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
