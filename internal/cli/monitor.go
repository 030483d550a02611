package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nightlight-sec/nightlight/internal/cli/progress"
	"github.com/nightlight-sec/nightlight/internal/monitor"
	"github.com/nightlight-sec/nightlight/internal/monitor/duckstore"
	"github.com/nightlight-sec/nightlight/internal/monitor/engines"
	"github.com/nightlight-sec/nightlight/internal/report"
	"github.com/nightlight-sec/nightlight/internal/scan"
)

// monitorFlags are the flags of `nightlight monitor`.
type monitorFlags struct {
	apps      []string
	store     string
	since     string
	format    string
	output    string
	engine    string
	emitSQL   bool
	propose   bool
	deployers []string
	burst     int
	reread    bool
	quiet     bool
	failOn    string
	table     string
	athena    engines.AthenaOptions
	trinoDSN  string
}

// monitorCommand is `nightlight monitor [--app PATH...] TRAIL...`.
func monitorCommand(env *Env) *cobra.Command {
	var f monitorFlags
	cmd := &cobra.Command{
		Use:   "monitor [--app PATH...] TRAIL...",
		Short: "Check CloudTrail logs against the declared design and propose least privilege",
		Long: `monitor reads CloudTrail logs — files or folders of delivery files
({"Records":[…]}), JSON arrays or JSON lines, plain or gzipped, the S3
AWSLogs/<account>/CloudTrail/<region>/yyyy/mm/dd/ layout — into an embedded
DuckDB store (--store; later runs add only new files and deduplicate on
eventID), then runs detections written as SQL over the normalised events:

  function-credentials-outside       a function role's session used outside Lambda
  function-changed-outside-pipeline  code/config/permission/layer changes not by IaC or --deployer
  function-code-read                 GetFunction/GetFunctionConfiguration from a CLI or SDK
  logging-disabled                   StopLogging, DeleteTrail, PutEventSelectors, DeleteFlowLogs, …
  credentials-for-other-user         access keys / login profiles for others, user policies, trust changes
  snapshot-or-image-shared           snapshot and AMI sharing
  secrets-burst                      bursts of secret reads, GetPasswordData, SendCommand
  console-login-after-failures       a console login that succeeded after failures
  flow-not-in-design                 (--app) a function role touching a store the graph does not connect it to
  private-store-outside-access       (--app) anonymous or cross-account access to a private store

--app PATH... takes the same inputs as scan, and compares what happened with
the application graph. --propose prints, per function role, the
least-privilege policy covering what it used, what it is granted and never
used, and what it was denied.

--engine athena|trino runs the same SQL where the logs already are (the
standard CloudTrail table, --table); --emit-sql prints that SQL and exits.

Exit status: 0 when no alert is at or above --fail-on, 1 when one is (or a
log file did not read cleanly), 2 on usage or fatal errors.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMonitor(cmd.Context(), env, &f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.apps, "app", nil, "application templates to compare with (files or folders, as for scan; repeatable)")
	fl.StringVar(&f.store, "store", "", "DuckDB store file (default: nightlight/monitor.duckdb in the user cache dir)")
	fl.StringVar(&f.since, "since", "", "only events at or after this time (RFC 3339, a date, or a duration such as 24h or 7d)")
	fl.StringVarP(&f.format, "format", "f", "text", "output format: text or json")
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file instead of stdout")
	fl.StringVar(&f.engine, "engine", monitor.EngineDuckDB, "where detections run: duckdb (embedded), athena or trino")
	fl.BoolVar(&f.emitSQL, "emit-sql", false, "print the detections' SQL for --engine and exit")
	fl.BoolVar(&f.propose, "propose", false, "propose least-privilege policies from what each function role used")
	fl.StringArrayVar(&f.deployers, "deployer", nil, "a role name or ARN allowed to change functions besides CloudFormation and Terraform (repeatable)")
	fl.IntVar(&f.burst, "burst", 5, "secret reads by one principal within an hour that make a burst")
	fl.BoolVar(&f.reread, "reread", false, "read files the store has already ingested unchanged")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress bar")
	fl.StringVar(&f.failOn, "fail-on", "low", "exit 1 when an alert is at or above this severity (critical, high, medium, low, never)")
	fl.StringVar(&f.table, "table", "cloudtrail_logs", "Athena/Trino: the CloudTrail table (database.table or catalog.schema.table)")
	fl.StringVar(&f.athena.Database, "athena-database", "default", "Athena: database of --table")
	fl.StringVar(&f.athena.Workgroup, "athena-workgroup", "primary", "Athena: workgroup")
	fl.StringVar(&f.athena.OutputLocation, "athena-output", "", "Athena: s3:// location for query results (when the workgroup sets none)")
	fl.StringVar(&f.athena.Region, "region", "", "Athena: AWS region (default: from the AWS configuration)")
	fl.StringVar(&f.trinoDSN, "trino", "", "Trino: server DSN, e.g. http://user@trino:8080?catalog=hive&schema=cloudtrail")
	return cmd
}

// monitorReport is the JSON report of `monitor`.
type monitorReport struct {
	Alerts    []monitor.Alert    `json:"alerts"`
	Ingested  *monitor.Stats     `json:"ingested,omitempty"`
	Errors    []monitorError     `json:"errors,omitempty"`
	Skipped   []string           `json:"skipped,omitempty"`
	Proposals []monitor.Proposal `json:"proposals,omitempty"`
	Engine    string             `json:"engine"`
	Store     string             `json:"store,omitempty"`
	Design    *designSummary     `json:"design,omitempty"`
}

type monitorError struct {
	File   string `json:"file"`
	Record *int   `json:"record,omitempty"`
	Error  string `json:"error"`
}

type designSummary struct {
	Inputs    int      `json:"inputs"`
	Functions int      `json:"functions"`
	Stores    int      `json:"stores"`
	Unnamed   []string `json:"unnamed,omitempty"`
}

var severityRank = map[string]int{"critical": 4, "high": 3, "medium": 2, "low": 1, "never": 99}

func runMonitor(ctx context.Context, env *Env, f *monitorFlags, args []string) error {
	switch {
	case f.format != "text" && f.format != "json":
		return usageError("--format %q: want text or json", f.format)
	case f.engine != monitor.EngineDuckDB && f.engine != monitor.EngineAthena && f.engine != monitor.EngineTrino:
		return usageError("--engine %q: want duckdb, athena or trino", f.engine)
	case severityRank[f.failOn] == 0:
		return usageError("--fail-on %q: want critical, high, medium, low or never", f.failOn)
	case f.engine == monitor.EngineDuckDB && !f.emitSQL && len(args) == 0 && f.store == "":
		return usageError("monitor needs TRAIL paths (files or folders of CloudTrail logs), or --store with events ingested before")
	case f.engine != monitor.EngineDuckDB && len(args) > 0:
		return usageError("--engine %s reads the logs where they are: give no TRAIL paths", f.engine)
	case f.engine == monitor.EngineTrino && f.trinoDSN == "" && !f.emitSQL:
		return usageError("--engine trino needs --trino DSN")
	}
	since, err := parseSince(f.since, time.Now())
	if err != nil {
		return usageError("--since: %v", err)
	}
	log := env.Logger.With("component", "monitor")

	params := monitor.Params{Deployers: f.deployers, BurstThreshold: f.burst}
	var design *designSummary
	if len(f.apps) > 0 {
		d, sum, err := loadDesign(ctx, env, f.apps)
		if err != nil {
			return err
		}
		params.Functions, params.Stores = d.Functions, d.Stores
		design = sum
	}
	detections := monitor.Detections(params)
	wrap := monitor.Wrap(monitor.ViewSQL(f.engine, f.table, since))

	if f.emitSQL {
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "-- nightlight %s: detections for %s (each query returns %s)\n", Version, f.engine, strings.Join(monitor.AlertColumns, ", "))
		for _, d := range detections {
			fmt.Fprintf(&buf, "\n-- %s (%s): %s\n%s;\n", d.ID, d.Severity, d.Title, wrap(d.SQL))
		}
		if f.propose {
			fmt.Fprintf(&buf, "\n-- propose: calls per function role, action and resource\n%s;\n", wrap(monitor.UsageSQL(params.Functions)))
		}
		return writeMonitorOutput(env, f, buf.Bytes())
	}

	rep := monitorReport{Engine: f.engine, Design: design, Alerts: []monitor.Alert{}}
	var q monitor.Querier
	switch f.engine {
	case monitor.EngineDuckDB:
		path := f.store
		if path == "" {
			dir, err := os.UserCacheDir()
			if err != nil {
				return &exitError{code: ExitError, err: fmt.Errorf("no --store and no user cache dir: %w", err)}
			}
			path = filepath.Join(dir, "nightlight", "monitor.duckdb")
		}
		store, err := duckstore.Open(ctx, path)
		if err != nil {
			return &exitError{code: ExitError, err: err}
		}
		defer store.Close()
		rep.Store = path
		if len(args) > 0 {
			files, skipped, err := monitor.Discover(args)
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			rep.Skipped = skipped
			bar := progress.New(env.Stderr, f.quiet)
			bar.Start("ingesting CloudTrail", len(files))
			last := 0
			chunks := ""
			if path != ":memory:" {
				chunks = path + ".chunks"
			}
			st, err := monitor.Ingest(ctx, store, files, monitor.IngestOptions{
				Reread:   f.reread,
				ChunkDir: chunks,
				Progress: func(done, _ int) {
					bar.Add(done - last)
					last = done
				},
			})
			bar.Finish()
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			log.Info("ingested", "files", st.Files, "unchanged", st.Unchanged, "events", st.Events, "duplicates", st.Duplicates, "errors", st.Errors)
			rep.Ingested = &st
			for _, e := range st.ErrorList {
				me := monitorError{File: e.File, Error: e.Err.Error()}
				if e.Record >= 0 {
					r := e.Record
					me.Record = &r
				}
				rep.Errors = append(rep.Errors, me)
			}
		}
		q = store
	case monitor.EngineAthena:
		f.athena.Table = f.table
		c, err := engines.NewAthena(ctx, f.athena)
		if err != nil {
			return &exitError{code: ExitError, err: err}
		}
		q = c
	case monitor.EngineTrino:
		c, err := engines.NewTrino(f.trinoDSN)
		if err != nil {
			return &exitError{code: ExitError, err: err}
		}
		defer c.Close()
		q = c
	}
	rep.Alerts, err = monitor.Run(ctx, q, detections, wrap)
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	if rep.Alerts == nil {
		rep.Alerts = []monitor.Alert{}
	}
	if f.propose {
		rep.Proposals, err = monitor.Propose(ctx, q, params.Functions, wrap)
		if err != nil {
			return &exitError{code: ExitError, err: err}
		}
	}
	var buf bytes.Buffer
	if f.format == "json" {
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return &exitError{code: ExitError, err: err}
		}
	} else {
		writeMonitorText(&buf, &rep, detections)
	}
	if err := writeMonitorOutput(env, f, buf.Bytes()); err != nil {
		return err
	}
	for _, a := range rep.Alerts {
		if severityRank[string(a.Severity)] >= severityRank[f.failOn] {
			return withCode(ExitFindings)
		}
	}
	if len(rep.Errors) > 0 {
		return withCode(ExitFindings)
	}
	return nil
}

// loadDesign scans the application and extracts what the monitor compares.
func loadDesign(ctx context.Context, env *Env, paths []string) (monitor.Design, *designSummary, error) {
	doc, err := scan.Model(ctx, scan.Options{Paths: paths, Loaders: scan.DefaultLoaders(), Logger: env.Logger})
	if err != nil {
		return monitor.Design{}, nil, &exitError{code: ExitError, err: fmt.Errorf("--app: %w", err)}
	}
	if len(doc.Inputs) == 0 {
		return monitor.Design{}, nil, usageError("--app: no templates, serverless files or Terraform modules found in %s", strings.Join(paths, ", "))
	}
	for _, in := range doc.Inputs {
		if in.Error != "" {
			fmt.Fprintf(env.Stderr, "warning: --app: %s\n", in.Error)
		}
	}
	d := monitor.DesignOf(ctx, doc.App, doc.Graph)
	sum := &designSummary{Inputs: len(doc.Inputs), Functions: len(d.Functions), Stores: len(d.Stores)}
	for _, fn := range d.Functions {
		if fn.Role == "" {
			sum.Unnamed = append(sum.Unnamed, fn.ID+" (role name unknown: not compared)")
		}
	}
	return d, sum, nil
}

// parseSince accepts RFC 3339, a date, or a duration back from now (24h, 7d).
func parseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, ok := monitor.ParseTime(s); ok {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if days, err := strconv.Atoi(n); err == nil && days >= 0 {
			return now.Add(-time.Duration(days) * 24 * time.Hour).UTC(), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time (2024-08-01T12:00:00Z, 2024-08-01) or a duration (24h, 7d)", s)
}

func writeMonitorOutput(env *Env, f *monitorFlags, out []byte) error {
	if f.output != "" {
		if err := os.WriteFile(f.output, out, 0o644); err != nil {
			return &exitError{code: ExitError, err: fmt.Errorf("write %s: %w", f.output, err)}
		}
		return nil
	}
	_, err := env.Stdout.Write(out)
	return err
}

// writeMonitorText writes the text report: ingestion, alerts grouped by
// detection (most severe first), proposals.
func writeMonitorText(w *bytes.Buffer, rep *monitorReport, ds []monitor.Detection) {
	if st := rep.Ingested; st != nil {
		fmt.Fprintf(w, "Ingested %s: %s, %s, %s", report.Plural(st.Files, "file"), report.Plural(st.Events, "new event"), report.Plural(st.Duplicates, "duplicate"), report.Plural(st.Errors, "error"))
		if st.Unchanged > 0 {
			fmt.Fprintf(w, " (%s unchanged since the last run)", report.Plural(st.Unchanged, "file"))
		}
		fmt.Fprintf(w, "\nStore: %s\n", rep.Store)
		// At most 3 errors per file here; the JSON report lists them all.
		perFile := map[string]int{}
		for _, e := range rep.Errors {
			perFile[e.File]++
			switch n := perFile[e.File]; {
			case n > 3:
				continue
			case e.Record != nil:
				fmt.Fprintf(w, "  error: %s: record %d: %s\n", e.File, *e.Record, e.Error)
			default:
				fmt.Fprintf(w, "  error: %s: %s\n", e.File, e.Error)
			}
		}
		var files []string
		for f, n := range perFile {
			if n > 3 {
				files = append(files, f)
			}
		}
		sort.Strings(files)
		for _, f := range files {
			fmt.Fprintf(w, "  … %d more errors in %s (see --format json)\n", perFile[f]-3, f)
		}
		if len(rep.Skipped) > 0 {
			fmt.Fprintf(w, "  skipped %s that %s not CloudTrail logs (by name), e.g. %s\n", report.Plural(len(rep.Skipped), "file"), isAre(len(rep.Skipped)), rep.Skipped[0])
		}
	}
	if d := rep.Design; d != nil {
		fmt.Fprintf(w, "Design: %s, %s, %s\n", report.Plural(d.Inputs, "input"), report.Plural(d.Functions, "function"), report.Plural(d.Stores, "named store"))
		for _, u := range d.Unnamed {
			fmt.Fprintf(w, "  note: %s\n", u)
		}
	}
	byDet := map[string][]monitor.Alert{}
	for _, a := range rep.Alerts {
		byDet[a.Detection] = append(byDet[a.Detection], a)
	}
	order := append([]monitor.Detection(nil), ds...)
	sortDetections(order)
	counts := map[monitor.Severity]int{}
	for _, d := range order {
		as := byDet[d.ID]
		if len(as) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s — %s (%d)\n", d.ID, d.Title, len(as))
		for _, a := range as {
			counts[a.Severity]++
			// The heading names the detection: the message without it.
			msg := strings.TrimPrefix(a.Message, d.Title+": ")
			fmt.Fprintf(w, "  %-8s %s\n", strings.ToUpper(string(a.Severity)), msg)
			ids := a.Events
			more := a.More
			if len(ids) > 3 {
				more += len(ids) - 3
				ids = ids[:3]
			}
			fmt.Fprintf(w, "           events: %s", strings.Join(ids, ", "))
			if more > 0 {
				fmt.Fprintf(w, " (+%d more)", more)
			}
			fmt.Fprintln(w)
		}
	}
	if len(rep.Alerts) == 0 {
		fmt.Fprintln(w, "\nNo alerts.")
	} else {
		var parts []string
		for _, s := range []monitor.Severity{monitor.SevCritical, monitor.SevHigh, monitor.SevMedium, monitor.SevLow} {
			if counts[s] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
			}
		}
		fmt.Fprintf(w, "\n%s: %s\n", report.Plural(len(rep.Alerts), "alert"), strings.Join(parts, ", "))
	}
	for _, p := range rep.Proposals {
		fmt.Fprintf(w, "\nLeast privilege for %s", p.Role)
		if len(p.Functions) > 0 {
			fmt.Fprintf(w, " (functions %s)", strings.Join(p.Functions, ", "))
		}
		fmt.Fprintln(w, ":")
		doc, _ := json.MarshalIndent(p.Policy, "  ", "  ")
		fmt.Fprintf(w, "  %s\n", doc)
		if len(p.Denied) > 0 {
			fmt.Fprintf(w, "  denied (called, refused): %s\n", strings.Join(p.Denied, ", "))
		}
		if len(p.Ungranted) > 0 {
			fmt.Fprintf(w, "  used but not granted by the design (the deployed role differs): %s\n", strings.Join(p.Ungranted, ", "))
		}
		if len(p.Unused) > 0 {
			list := p.Unused
			extra := ""
			if len(list) > 20 {
				extra = fmt.Sprintf(" … and %d more", len(list)-20)
				list = list[:20]
			}
			note := ""
			if p.GrantsUnknown {
				note = " (some grants are not visible to nightlight: at least these)"
			}
			fmt.Fprintf(w, "  granted, never used%s: %s%s\n", note, strings.Join(list, ", "), extra)
		}
	}
}

func sortDetections(ds []monitor.Detection) {
	rank := func(s monitor.Severity) int { return severityRank[string(s)] }
	for i := 1; i < len(ds); i++ {
		for j := i; j > 0 && (rank(ds[j].Severity) > rank(ds[j-1].Severity) || rank(ds[j].Severity) == rank(ds[j-1].Severity) && ds[j].ID < ds[j-1].ID); j-- {
			ds[j], ds[j-1] = ds[j-1], ds[j]
		}
	}
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
