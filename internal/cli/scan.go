package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nightlight-sec/nightlight/internal/cli/progress"
	"github.com/nightlight-sec/nightlight/internal/deps"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/memguard"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/report"
	"github.com/nightlight-sec/nightlight/internal/report/html"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules"
	"github.com/nightlight-sec/nightlight/internal/scan"
)

// scanFlags are the flags shared by commands that scan.
type scanFlags struct {
	format    string
	output    string
	failOn    string
	config    string
	params    []string
	quiet     bool
	inventory bool
	exclude   []string
	noColor   bool
	maxBytes  int64
	maxDepth  int
	memLimit  int64
	guard     *memguard.Guard
	maxNodes  int
	maxRes    int
	maxSteps  int
	timeout   time.Duration
	varFiles  []string
	envFile   string
	vulnDB    string
	rules     ruleFlags
}

func (f *scanFlags) register(cmd *cobra.Command, formats string) {
	f.registerOutput(cmd, formats)
	f.registerInput(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.failOn, "fail-on", "high", "exit 1 when a finding is at or above this severity (info, low, medium, high, critical, none)")
	fl.BoolVar(&f.noColor, "no-color", false, "never color the text output")
	fl.BoolVar(&f.inventory, "inventory", false, "text output: list each stack's functions, entry points, triggers, stores and roles after the findings")
	f.rules.register(cmd)
	fl.StringVar(&f.vulnDB, "vuln-db", deps.DefaultDir(), "offline OSV database directory (DIR/<Ecosystem>/all.zip; filled by `nightlight db update`); \"\" checks no dependency for advisories")
}

// registerOutput registers --format (with the formats the command
// writes) and --output.
func (f *scanFlags) registerOutput(cmd *cobra.Command, formats string) {
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "text", "output format: "+formats)
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file instead of stdout")
}

// registerInput registers the flags that say what to load and how: the
// configuration, parameter values, exclusions, limits and --quiet. Every
// command that loads an application takes them.
func (f *scanFlags) registerInput(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "configuration file (default: nightlight.yaml in the first scanned directory, if present)")
	fl.StringArrayVarP(&f.params, "param", "p", nil, "template parameter / variable / option override NAME=VALUE (repeatable)")
	fl.StringArrayVar(&f.varFiles, "var-file", nil, "Terraform variable file inside the scanned directory, applied after terraform.tfvars (repeatable)")
	fl.StringVar(&f.envFile, "env-file", "", "KEY=VALUE file that Serverless ${env:…} variables read (without it they stay unresolved; the process environment is never read)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress and no summary on stderr")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "skip files and folders matching GLOB (relative to each scanned directory; a GLOB without '/' matches a name anywhere, * matches across '/'); repeatable")
	fl.Int64Var(&f.maxBytes, "max-file-size", load.DefaultMaxFileBytes, "largest input file read, in bytes")
	fl.IntVar(&f.maxDepth, "max-depth", load.DefaultMaxDepth, "deepest nesting of YAML/JSON/HCL values accepted")
	fl.IntVar(&f.maxNodes, "max-values", load.DefaultMaxNodes, "most values one file may expand to, YAML alias expansions included (aliases alone: a twentieth)")
	fl.IntVar(&f.maxRes, "max-resources", load.DefaultMaxResources, "most resources one stack may declare, after count/for_each")
	fl.IntVar(&f.maxSteps, "max-resolve-steps", load.DefaultMaxResolveSteps, "most intrinsic/variable resolution steps per file")
	fl.DurationVar(&f.timeout, "timeout", 0, "give up the whole scan after this long (e.g. 2m; 0: no limit)")
	fl.Int64Var(&f.memLimit, "memory-limit", defaultMemoryLimit, "soft memory limit in bytes: the garbage collector works harder near it, and it is raised, with a warning, when the live heap nears it or collection takes over a quarter of the CPU (0: none; GOMEMLIMIT, when set, wins)")
}

// defaultMemoryLimit keeps a scan of a thousand templates under 200 MB of
// resident memory at the cost of some garbage-collection time (see
// docs/performance.md).
const defaultMemoryLimit = 150 << 20

// options turns the flags into scan options.
func (f *scanFlags) options(env *Env, paths []string) (scan.Options, error) {
	if f.memLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(f.memLimit)
		// An input whose live heap outgrows the limit would make the
		// collector run without end: raise the limit instead, and say so.
		raises := 0
		f.guard = memguard.New(f.memLimit, func(r memguard.Raise) {
			why := fmt.Sprintf("the live heap (%d MiB) reached the soft memory limit (%d MiB)", r.Live>>20, r.Old>>20)
			if r.GCShare > 0 {
				why = fmt.Sprintf("garbage collection took %.0f%% of the CPU under the soft memory limit (%d MiB; live heap %d MiB)", 100*r.GCShare, r.Old>>20, r.Live>>20)
			}
			msg := fmt.Sprintf("%s; limit raised to %d MiB so that garbage collection does not take over the scan (set --memory-limit for inputs this large, 0 for none)",
				why, r.New>>20)
			if raises++; raises == 1 {
				env.Logger.Warn(msg) // once; later raises only at -v
			} else {
				env.Logger.Info(msg)
			}
		})
	}
	params := map[string]string{}
	for _, p := range f.params {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return scan.Options{}, usageError("--param %q: want NAME=VALUE", p)
		}
		params[k] = v
	}
	var envVars map[string]string
	if f.envFile != "" {
		var err error
		if envVars, err = readEnvFile(f.envFile); err != nil {
			return scan.Options{}, usageError("--env-file: %v", err)
		}
	}
	var varFiles []string
	for _, vf := range f.varFiles {
		varFiles = append(varFiles, filepath.ToSlash(filepath.Clean(vf)))
	}
	var prog scan.Progress
	if bar := progress.New(env.Stderr, f.quiet); bar.Enabled() {
		prog = &barProgress{bar: bar}
	}
	var db *deps.DB
	if f.vulnDB != "" {
		db = deps.OpenDB(f.vulnDB)
	}
	return scan.Options{
		VulnDB:   db,
		Progress: prog,
		Paths:    paths,
		Exclude:  f.exclude,
		Loaders:  scan.DefaultLoaders(),
		Tool:     result.Tool{Name: "nightlight", Version: Version},
		Logger:   env.Logger,
		Load: load.Options{Params: params, ParamUse: &load.ParamUse{}, Env: envVars, VarFiles: varFiles, Limits: load.Limits{
			MaxFileBytes: f.maxBytes, MaxDepth: f.maxDepth, MaxNodes: f.maxNodes,
			MaxResources: f.maxRes, MaxResolveSteps: f.maxSteps,
		}},
	}, nil
}

func scanCommand(env *Env, name string) *cobra.Command {
	var f scanFlags
	cmd := &cobra.Command{
		Use:   name + " PATH...",
		Short: "Scan templates and report the application model and findings",
		Long: `Scan walks the given files and directories, loads every AWS SAM or
CloudFormation template, Serverless Framework file and Terraform module it
finds (by content, not only by name), and reports the application model and
findings. Directories named node_modules, .aws-sam, cdk.out, .terraform and
.serverless are skipped unless named explicitly; symbolic links are never
followed out of the scanned root.

Exit status: 0 when no finding is at or above --fail-on, 1 when one is or
when an input did not load, 2 on usage or fatal errors.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			threshold, err := parseThreshold(f.failOn)
			if err != nil {
				return err
			}
			opts, err := f.options(env, args)
			if err != nil {
				return err
			}
			if opts.Rules, err = f.rules.options(cmd.Context(), f.config, args); err != nil {
				return err
			}
			known := func(id string) bool { return rules.ByID(f.rules.all(), id) != nil }
			// The scan runs part by part: the JSON report, the HTML
			// report's data, the inventory and the baseline are written
			// part by part, and the reports that show findings read an
			// outline of the application: memory bounded by the largest
			// part of the scan (and the findings).
			opts.Page = f.format == "html"
			opts.Outline = f.format != "json" && !opts.Page
			opts.KeepBaseline = f.rules.baselineOut != "" && !opts.Outline
			if f.inventory && f.format == "text" {
				color := f.textColor(env)
				opts.Inventory = func(w io.Writer, st *model.Stack) error { return report.WriteInventory(w, st, color) }
			}
			return f.runStreamed(cmd.Context(), env, opts, known, args, threshold)
		},
	}
	f.register(cmd, "text, json, html, sarif, junit, markdown")
	if name == "inventory" {
		// inventory is scan that lists the application first and foremost:
		// the inventory is on and findings do not fail the command.
		cmd.Short = "List each stack's functions, entry points, triggers, stores and roles (scan with --inventory --fail-on none)"
		_ = cmd.Flags().Set("inventory", "true")
		_ = cmd.Flags().Set("fail-on", "none")
		cmd.Flags().Lookup("inventory").DefValue = "true"
		cmd.Flags().Lookup("fail-on").DefValue = "none"
	}
	return cmd
}

// runStreamed runs a scan part by part (scan.RunStreamed), writes its JSON
// report from the parts or another report from the scan's outline, and
// finishes the command as RunE does.
func (f *scanFlags) runStreamed(ctx context.Context, env *Env, opts scan.Options, known func(string) bool, args []string, threshold int) (err error) {
	var s *scan.Streamed
	err = f.guarded(ctx, opts, func(ctx context.Context) error {
		var err error
		s, err = scan.RunStreamed(ctx, opts, known)
		return err
	})
	defer func() {
		if cerr := s.Close(); cerr != nil && err == nil {
			err = &exitError{code: ExitError, err: fmt.Errorf("remove temporary files: %w", cerr)}
		}
	}()
	if err != nil {
		return err
	}
	if doc := s.Document(); doc != nil {
		if err := checkFlowPolicy(env, opts.Rules.Config, doc.App, doc.Graph, f.quiet); err != nil {
			return err
		}
	}
	if err := warnIgnores(env, opts.Rules.Config, s.SuppressionProblems, f.rules.all(), time.Now(), f.quiet); err != nil {
		return err
	}
	if f.rules.baselineOut != "" {
		if err := writeFile(f.rules.baselineOut, "--write-baseline", s.WriteBaseline); err != nil {
			return err
		}
		if !f.quiet {
			fmt.Fprintf(env.Stderr, "nightlight: wrote %s to the baseline %s\n", report.Plural(s.FindingCount(), "finding"), f.rules.baselineOut)
		}
	}
	switch doc := s.Document(); {
	case doc != nil:
		if err := writeReport(env, f, doc, nil); err != nil {
			return err
		}
	case opts.Outline:
		var inventory func(io.Writer) error
		if opts.Inventory != nil {
			inventory = s.WriteInventory
		}
		if err := writeReport(env, f, s.Outline(), inventory); err != nil {
			return err
		}
	case opts.Page:
		title := ""
		if len(opts.Paths) > 0 {
			title = rootTitle(opts.Paths[0])
		}
		if err := writeTo(env, f.output, func(w io.Writer) error { return s.WriteHTML(w, title) }); err != nil {
			return err
		}
	default:
		if err := writeTo(env, f.output, s.WriteJSON); err != nil {
			return err
		}
	}
	above := 0
	for sev, n := range s.Summary.Findings {
		if sev.Rank() >= threshold {
			above += n
		}
	}
	return f.finish(env, s.Inputs, s.Summary, above, args)
}

// finish reports the inputs that did not load and the summary on stderr
// and returns the command's exit status for a written report.
func (f *scanFlags) finish(env *Env, inputs []result.Input, sum result.Summary, above int, args []string) error {
	textOnStdout := f.format == "text" && f.output == ""
	failed := 0
	for _, in := range inputs {
		if in.Error != "" {
			failed++
			if !textOnStdout {
				fmt.Fprintf(env.Stderr, "error: %s\n", in.Error)
			}
		}
	}
	if len(inputs) == 0 {
		return &exitError{code: ExitError, err: fmt.Errorf("no templates, serverless files or Terraform modules found in %s", strings.Join(args, ", "))}
	}
	if !textOnStdout && !f.quiet {
		// The report went to a file or is machine-readable: say
		// on stderr what it holds, so that an exit status of 1
		// is never silent.
		fmt.Fprintln(env.Stderr, scanSummary(sum, f.output))
	}
	if failed > 0 {
		return withCode(ExitFindings)
	}
	if f.rules.baselineOut == "" && above > 0 {
		// Writing a baseline accepts today's findings: they do not
		// fail the command.
		return withCode(ExitFindings)
	}
	return nil
}

// textColor says whether the text report is colored: on a terminal,
// unless --no-color or NO_COLOR says otherwise.
func (f *scanFlags) textColor(env *Env) bool {
	return !f.noColor && f.output == "" && env.IsTerminal != nil && env.IsTerminal(env.Stdout) && os.Getenv("NO_COLOR") == ""
}

// writeReport renders doc in the chosen format to stdout or --output.
// inventory, when set, writes the text report's inventory instead of
// doc's stacks (a streamed scan's, see scan.Options.Inventory).
func writeReport(env *Env, f *scanFlags, doc *result.Document, inventory func(io.Writer) error) (err error) {
	var write func(io.Writer) error
	switch f.format {
	case "text":
		color := f.textColor(env)
		write = func(w io.Writer) error {
			return report.WriteText(w, doc, report.TextOptions{Color: color, Inventory: f.inventory, InventoryFrom: inventory, Titles: report.RuleTitles(f.rules.all())})
		}
	case "json":
		write = func(w io.Writer) error { return report.WriteJSON(w, doc) }
	case "html":
		write = func(w io.Writer) error { return html.Write(w, doc, html.Options{Title: reportTitle(doc)}) }
	case "sarif", "junit", "markdown":
		write = func(w io.Writer) error { return writeRulesFormat(w, f, doc) }
	default:
		return usageError("--format %q: want one of text, json, html, sarif, junit, markdown", f.format)
	}
	return writeTo(env, f.output, write)
}

// writeFile writes a file with write, through a buffer; errors name the
// flag that asked for it.
func writeFile(path, flag string, write func(io.Writer) error) (err error) {
	file, err := os.Create(path)
	if err != nil {
		return &exitError{code: ExitError, err: fmt.Errorf("%s: %w", flag, err)}
	}
	defer func() {
		if cerr := file.Close(); cerr != nil && err == nil {
			err = &exitError{code: ExitError, err: fmt.Errorf("%s: %w", flag, cerr)}
		}
	}()
	bw := bufio.NewWriterSize(file, 64<<10)
	if err := write(bw); err != nil {
		return &exitError{code: ExitError, err: fmt.Errorf("%s: %w", flag, err)}
	}
	if err := bw.Flush(); err != nil {
		return &exitError{code: ExitError, err: fmt.Errorf("%s: %w", flag, err)}
	}
	return nil
}

// writeTo writes a report with write to stdout or to the file output
// names.
func writeTo(env *Env, output string, write func(io.Writer) error) (err error) {
	// Reports are written straight to their destination: a large scan's
	// report is never held in memory twice.
	w := env.Stdout
	if output != "" {
		file, err := os.Create(output)
		if err != nil {
			return &exitError{code: ExitError, err: fmt.Errorf("write report: %w", err)}
		}
		defer func() {
			if cerr := file.Close(); cerr != nil && err == nil {
				err = &exitError{code: ExitError, err: fmt.Errorf("write report: %w", cerr)}
			}
		}()
		w = file
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := write(bw); err != nil {
		return &exitError{code: ExitError, err: err}
	}
	if err := bw.Flush(); err != nil {
		return &exitError{code: ExitError, err: fmt.Errorf("write report: %w", err)}
	}
	return nil
}

// parseThreshold reads --fail-on; "none" disables failing on findings.
func parseThreshold(s string) (int, error) {
	if strings.EqualFold(s, "none") {
		return 99, nil
	}
	r := rule.Severity(strings.ToLower(s)).Rank()
	if r < 0 {
		names := []string{"info", "low", "medium", "high", "critical", "none"}
		sort.Strings(names)
		return 0, usageError("--fail-on %q: want one of %s", s, strings.Join(names, ", "))
	}
	return r, nil
}

// barProgress shows loading progress on a terminal: the files loaded of
// those discovered, whether the scan is held whole or runs part by part.
type barProgress struct {
	bar     *progress.Bar
	started bool
	total   int
}

// Loaded implements scan.Progress; scan calls it under a lock. A new total
// (a scan that starts again held whole) starts the bar again.
func (p *barProgress) Loaded(done, total int) {
	if !p.started || total != p.total {
		p.bar.Start("loading", total)
		p.started, p.total = true, total
	}
	p.bar.Set(done)
	if done == total {
		p.bar.Finish()
	}
}

// readEnvFile reads KEY=VALUE lines (a .env file): blank lines and # comments
// are skipped, an "export " prefix and matching quotes around the value are
// removed.
func readEnvFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > load.DefaultMaxFileBytes {
		return nil, fmt.Errorf("%s: file is over the %d-byte limit", path, load.DefaultMaxFileBytes)
	}
	env := map[string]string{}
	for i, line := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("%s:%d: want KEY=VALUE", path, i+1)
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		env[k] = v
	}
	return env, nil
}

// run runs the scan under --timeout, mapping failures to exit codes.
func (f *scanFlags) run(ctx context.Context, opts scan.Options) (*result.Document, error) {
	var doc *result.Document
	err := f.guarded(ctx, opts, func(ctx context.Context) error {
		var err error
		doc, err = scan.Run(ctx, opts)
		return err
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// guarded runs scan under --timeout and the memory guard, checks the
// --param values it used, and maps failures to exit codes.
func (f *scanFlags) guarded(ctx context.Context, opts scan.Options, scan func(context.Context) error) error {
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout)
		defer cancel()
	}
	if f.guard != nil {
		gctx, stop := context.WithCancel(ctx)
		defer stop()
		go f.guard.Run(gctx, 100*time.Millisecond)
	}
	err := scan(ctx)
	switch {
	case err == nil:
		return checkParams(opts.Load)
	case errors.Is(err, context.DeadlineExceeded):
		return &exitError{code: ExitError, err: fmt.Errorf("the scan took longer than --timeout %s; no report was written", f.timeout)}
	}
	return &exitError{code: ExitError, err: err}
}

// checkParams makes a --param that no input looked up, or whose value its
// parameter does not allow, a usage error: a misspelt name would otherwise
// silently change nothing.
func checkParams(o load.Options) error {
	names := make([]string, 0, len(o.Params))
	for k := range o.Params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if rej, ok := o.ParamUse.Rejected(k); ok {
			return usageError("--param %s=%s: parameter %s (%s) allows only %s%s", k, o.Params[k], k, rej.Pos, strings.Join(rej.Allowed, ", "), didYouMean(o.Params[k], rej.Allowed))
		}
		if !o.ParamUse.LookedUp(k) {
			return usageError("--param %s matches no template parameter, Serverless option or Terraform variable of the scanned inputs%s", k, didYouMean(k, o.ParamUse.Names()))
		}
	}
	return nil
}

// scanSummary is the one line on stderr that says what a report written
// to a file or in a machine format holds.
func scanSummary(s result.Summary, output string) string {
	var sev []string
	total := 0
	for _, v := range rule.Severities() {
		if n := s.Findings[v]; n > 0 {
			sev = append(sev, fmt.Sprintf("%d %s", n, v))
			total += n
		}
	}
	line := "nightlight: " + report.Plural(total, "finding")
	if len(sev) > 0 {
		line += " (" + strings.Join(sev, ", ") + ")"
	}
	line += fmt.Sprintf("; %d suppressed, %d in the baseline; %s, %d did not load", s.Suppressed, s.Baselined, report.Plural(s.Inputs, "input"), s.Failed)
	if output != "" {
		line += "; report written to " + output
	}
	return line
}

// reportTitle names the scanned application after its folder: the first
// scanned directory, or the directory of the first scanned file, by its
// real name ("." becomes the current directory's name).
func reportTitle(doc *result.Document) string {
	if doc == nil || doc.App == nil {
		return ""
	}
	return rootTitle(doc.App.Root)
}

// rootTitle is reportTitle for the scanned path root.
func rootTitle(root string) string {
	if root == "" {
		return ""
	}
	if st, err := os.Stat(root); err == nil && !st.IsDir() {
		root = filepath.Dir(root)
	}
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	name := filepath.Base(root)
	if name == string(filepath.Separator) || name == "." {
		return ""
	}
	return name
}
