package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/custom"
	"github.com/nightlight-sec/nightlight/internal/report"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules"
)

// rulesCommand lists the rules: ID, severity, category and title.
func rulesCommand(env *Env) *cobra.Command {
	var category string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rules nightlight checks",
		Long: `Rules lists every rule with its ID, default severity (and, in brackets, the
range its findings can take when reachability, inference or cost changes it),
category and title. Run 'nightlight explain ID' for a rule's documentation and
when its severity differs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var list []*rule.Rule
			for _, r := range rules.All() {
				if category == "" || strings.EqualFold(string(r.Category), category) {
					list = append(list, r)
				}
			}
			if len(list) == 0 {
				return usageError("--category %q: no rules%s; categories are %s", category, didYouMean(category, categoryList()), categoryNames())
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSEVERITY\tCATEGORY\tTITLE\tPLATFORMS")
			for _, r := range list {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.SeverityRange(), r.Category, r.Title, r.PlatformNames())
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&category, "category", "", "only rules of this category ("+categoryNames()+")")
	return cmd
}

// categoryList returns the category names in report order.
func categoryList() []string {
	var names []string
	for _, c := range rule.Categories() {
		names = append(names, string(c))
	}
	return names
}

func categoryNames() string { return strings.Join(categoryList(), ", ") }

// explainCommand prints a rule's documentation.
func explainCommand(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "explain RULE",
		Short: "Explain a rule: what it finds, a bad and a good example, the fix",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r := rules.ByID(rules.All(), args[0])
			if r == nil {
				var ids []string
				for _, r := range rules.All() {
					ids = append(ids, r.ID)
				}
				return usageError("no rule %q%s; run 'nightlight rules' for the list", args[0], didYouMean(args[0], ids))
			}
			_, err := fmt.Fprint(env.Stdout, rules.Explain(r))
			return err
		},
	}
}

// ruleFlags are the scan flags that select rules and findings.
type ruleFlags struct {
	severity    string
	only        []string
	baseline    string
	baselineOut string
	customDirs  []string
	// loaded is every rule of the scan: the built-in rules and the custom
	// rules of --rules and the configuration file (set by options).
	loaded []*rule.Rule
}

// all returns the rules of the scan (the built-in ones before options ran).
func (r *ruleFlags) all() []*rule.Rule {
	if r.loaded == nil {
		return rules.All()
	}
	return r.loaded
}

// loadCustom compiles the custom rules of --rules and of the
// configuration file's rules list; a rule that does not compile is a
// usage error naming its file and line.
func (r *ruleFlags) loadCustom(ctx context.Context, cfg *config.Config) ([]*rule.Rule, error) {
	var out []*rule.Rule
	for _, dir := range append(append([]string{}, r.customDirs...), cfg.RuleDirs()...) {
		rs, err := custom.LoadDir(ctx, dir, custom.Options{})
		if err != nil {
			return nil, usageError("custom rules: %v", err)
		}
		out = append(out, rs...)
	}
	seen := map[string]bool{}
	for _, b := range rules.All() {
		seen[b.ID] = true
	}
	for _, c := range out {
		if seen[c.ID] {
			return nil, usageError("custom rules: rule %s is defined twice", c.ID)
		}
		seen[c.ID] = true
	}
	return out, nil
}

func (r *ruleFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&r.severity, "severity", "", "report only findings at or above this severity (info, low, medium, high, critical)")
	fl.StringSliceVar(&r.only, "rule", nil, "report only these rules: IDs (NL1001), prefixes (NL3*) or categories (iam); repeatable or comma-separated")
	fl.StringVar(&r.baseline, "baseline", "", "report only findings that are not in this baseline file (see --write-baseline)")
	fl.StringVar(&r.baselineOut, "write-baseline", "", "write the findings of this scan to FILE as a baseline")
	fl.StringSliceVar(&r.customDirs, "rules", nil, "load custom CEL rules from the .yaml files in DIR (see docs/custom-rules.md); repeatable")
}

// options turns the flags into rule options; the configuration file
// (--config, or nightlight.yaml in the first scanned directory) supplies
// ignores.
func (r *ruleFlags) options(ctx context.Context, configFile string, paths []string) (rules.Options, error) {
	var o rules.Options
	cfg, err := config.Find(configFile, paths)
	if err != nil {
		return o, &exitError{code: ExitError, err: err}
	}
	o.Config = cfg
	extra, err := r.loadCustom(ctx, cfg)
	if err != nil {
		return o, err
	}
	r.loaded = append(rules.All(), extra...)
	o.Rules = r.loaded
	if err := checkConfigIgnores(cfg, r.all()); err != nil {
		return o, err
	}
	if r.severity != "" {
		s := rule.Severity(strings.ToLower(r.severity))
		if s.Rank() < 0 {
			return o, usageError("--severity %q: want one of info, low, medium, high, critical", r.severity)
		}
		o.MinSeverity = s
	}
	if err := checkRulePatterns(r.only, r.all()); err != nil {
		return o, err
	}
	o.Only = r.only
	if r.baseline != "" {
		f, err := os.Open(r.baseline)
		if err != nil {
			return o, &exitError{code: ExitError, err: fmt.Errorf("--baseline: %w", err)}
		}
		defer f.Close()
		if o.Baseline, err = rule.ReadBaseline(f); err != nil {
			return o, &exitError{code: ExitError, err: fmt.Errorf("--baseline %s: %w", r.baseline, err)}
		}
	}
	return o, nil
}

// writeRulesFormat writes the SARIF, JUnit and Markdown reports.
func writeRulesFormat(w io.Writer, f *scanFlags, doc *result.Document) error {
	switch f.format {
	case "sarif":
		return report.WriteSARIF(w, doc, f.rules.all())
	case "junit":
		threshold := rule.Severity("")
		if t := rule.Severity(strings.ToLower(f.failOn)); t.Rank() >= 0 {
			threshold = t
		}
		return report.WriteJUnit(w, doc, report.JUnitOptions{FailOn: threshold})
	case "markdown":
		return report.WriteMarkdown(w, doc, report.MarkdownOptions{})
	}
	return fmt.Errorf("unknown format %q", f.format)
}

// ruleIDs lists the IDs of rs, for suggestions.
func ruleIDs(rs []*rule.Rule) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

// checkConfigIgnores makes an ignore entry that names an unknown rule a
// usage error (it would silently suppress nothing).
func checkConfigIgnores(cfg *config.Config, rs []*rule.Rule) error {
	if cfg == nil {
		return nil
	}
	for _, ig := range cfg.Ignore {
		if ig.Rule != "" && rules.ByID(rs, ig.Rule) == nil {
			return usageError("%s: ignore names rule %q, which does not exist%s", ig.Pos, ig.Rule, didYouMean(ig.Rule, ruleIDs(rs)))
		}
	}
	return nil
}

// warnIgnores warns about suppressions that suppress nothing: expired
// config ignores and inline or Metadata ignores without a reason. An inline
// ignore naming an unknown rule is a usage error.
func warnIgnores(env *Env, cfg *config.Config, problems []rule.SuppressionProblem, rs []*rule.Rule, now time.Time, quiet bool) error {
	for _, p := range problems {
		if p.Rule != "" {
			return usageError("%s: %s%s", p.Pos, p.Message, didYouMean(p.Rule, ruleIDs(rs)))
		}
		if !quiet {
			fmt.Fprintf(env.Stderr, "warning: %s: %s\n", p.Pos, p.Message)
		}
	}
	if cfg == nil || quiet {
		return nil
	}
	for _, ig := range cfg.Ignore {
		if !ig.Expires.IsZero() && !now.Before(ig.Expires) {
			what := "all rules"
			if ig.Rule != "" {
				what = ig.Rule
			}
			fmt.Fprintf(env.Stderr, "warning: %s: the ignore of %s expired on %s and no longer suppresses anything (%s)\n", ig.Pos, what, ig.Expires.Format("2006-01-02"), ig.Reason)
		}
	}
	return nil
}
