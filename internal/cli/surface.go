package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/scan"
)

// surfaceCommand is `nightlight surface PATH...`: the attack surface, one
// row per entry point.
func surfaceCommand(env *Env) *cobra.Command {
	var f scanFlags
	cmd := &cobra.Command{
		Use:   "surface PATH...",
		Short: "List every entry point, who can reach it, and its blast radius",
		Long: `surface loads the templates under PATH and prints one row per entry point
(API routes, WebSocket routes, function URLs, Lambda authorizers, and
resource policies that open a function, queue, topic, bucket or key to
everyone, to other accounts, or to an AWS service without
aws:SourceArn/aws:SourceAccount): who can reach it — anonymous, API key
only (an API key is not authentication), authenticated through a Cognito,
JWT or Lambda authorizer, IAM-signed — the functions it invokes, and its
blast radius: every store, secret and notable permission reachable from
it, transitively.

Rows are ordered most open first. When a configuration file declares a
flow policy (--config, or nightlight.yaml in the first scanned directory),
the flows it denies are listed after the table with their full path.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.format != "text" && f.format != "json" {
				return usageError("--format %q: want text or json", f.format)
			}
			cfg, err := config.Find(f.config, args)
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			sf := surfaceDoc{ctx: cmd.Context(), env: env, cfg: cfg, quiet: f.quiet, text: f.format == "text"}
			s, err := streamScan(cmd.Context(), env, &f, args, cfg, func(o *scan.Options) { o.Each = sf.add })
			defer s.Close()
			if err != nil {
				return err
			}
			if err := writeOutput(env, f.output, sf.write); err != nil {
				return err
			}
			return graphInputStatus(env, s.Inputs, args)
		},
	}
	f.registerOutput(cmd, "text, json")
	f.registerInput(cmd)
	return cmd
}

// surfaceDoc gathers the surface of a scan part by part: its rows (in
// text, only each row's line, access and entry point), the control plane
// and the flow-policy violations (a scan with a flow policy is held whole).
// Rows reach only their own stack (the graph has no edge between stacks),
// so the rows of the parts are those of the whole graph.
type surfaceDoc struct {
	ctx   context.Context
	env   *Env
	cfg   *config.Config
	quiet bool
	text  bool

	rows       []graph.SurfaceRow
	control    []graph.ControlRow
	violations []graph.Violation
	// In text: each row's table line by entry point, each control row's
	// lines by function, each violation's lines in order.
	lines, controlLines map[graph.NodeID]string
	violationLines      []string
}

// add takes one part of the scan (scan.Options.Each).
func (d *surfaceDoc) add(p scan.Part) error {
	g, err := partGraph(d.ctx, p, d.cfg)
	if err != nil {
		return err
	}
	if err := checkFlowPolicy(d.env, d.cfg, p.App, g, d.quiet); err != nil {
		return err
	}
	if p.Whole || d.lines == nil {
		*d = surfaceDoc{ctx: d.ctx, env: d.env, cfg: d.cfg, quiet: d.quiet, text: d.text,
			control: []graph.ControlRow{}, lines: map[graph.NodeID]string{}, controlLines: map[graph.NodeID]string{}}
	}
	rows := graph.Surface(g)
	control := graph.ControlPlane(g)
	violations := graph.CheckFlows(g, d.cfg.FlowPolicy())
	if !d.text {
		d.rows = append(d.rows, rows...)
		d.control = append(d.control, control...)
		d.violations = append(d.violations, violations...)
		return nil
	}
	for _, r := range rows {
		d.lines[r.EntryPoint] = surfaceLine(g, r)
		d.rows = append(d.rows, graph.SurfaceRow{EntryPoint: r.EntryPoint, Access: r.Access})
	}
	for _, r := range control {
		var b strings.Builder
		writeControlRowText(&b, g, r)
		d.controlLines[r.Function] = b.String()
		d.control = append(d.control, graph.ControlRow{Function: r.Function})
	}
	for _, v := range violations {
		d.violationLines = append(d.violationLines, violationText(g, v))
	}
	return nil
}

// write writes the surface as JSON or as text.
func (d *surfaceDoc) write(w io.Writer) error {
	graph.SortSurface(d.rows)
	slices.SortStableFunc(d.control, func(a, b graph.ControlRow) int { return a.Function.Compare(b.Function) })
	if !d.text {
		rows, control, violations := d.rows, d.control, d.violations
		if rows == nil {
			rows = []graph.SurfaceRow{}
		}
		if control == nil {
			control = []graph.ControlRow{}
		}
		if violations == nil {
			violations = []graph.Violation{}
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"surface": rows, "controlPlane": control, "violations": violations})
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENTRY POINT\tKIND\tACCESS\tLOCATION\tFUNCTIONS\tBLAST RADIUS")
	open := 0
	for _, r := range d.rows {
		if r.Access.Anonymous() {
			open++
		}
		io.WriteString(tw, d.lines[r.EntryPoint])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d entry points, %d reachable by anyone (anonymous or API key only)\n", len(d.rows), open)
	if len(d.violationLines) > 0 {
		fmt.Fprintf(w, "\nFlow policy violations:\n")
		for _, l := range d.violationLines {
			io.WriteString(w, l)
		}
	}
	if len(d.control) > 0 {
		fmt.Fprintf(w, "\nControl plane (who in the app, or admitted by a function's resource policy, can change or read each function;\n"+
			"principals of the account outside the app can too when their own IAM policies allow it):\n")
		for _, r := range d.control {
			io.WriteString(w, d.controlLines[r.Function])
		}
	}
	return nil
}

// surfaceLine is the table line of a surface row, cells separated by tabs.
func surfaceLine(g *graph.Graph, r graph.SurfaceRow) string {
	var fns []string
	for _, id := range r.Functions {
		fns = append(fns, graphNodeName(g, id))
	}
	var blast []string
	for _, id := range r.Reaches {
		if !slices.Contains(r.Functions, id) {
			blast = append(blast, "fn "+graphNodeName(g, id))
		}
	}
	for _, s := range r.Stores {
		item := s.Name
		if s.Classification != "" {
			item += "[" + s.Classification + "]"
		}
		blast = append(blast, item+" ("+strings.Join(s.Access, "/")+")")
	}
	for _, d := range r.Dangerous {
		text, flag, _ := strings.Cut(d, ": ")
		id, _ := graph.ParseNodeID(text)
		blast = append(blast, flag+" via "+graphNodeName(g, id))
	}
	loc := ""
	if r.File != "" {
		loc = fmt.Sprintf("%s:%d", r.File, r.Line)
	}
	return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Kind, r.Describe(g), loc, dashIfEmpty(strings.Join(fns, ", ")), dashIfEmpty(strings.Join(blast, ", ")))
}

// violationText is a flow-policy violation with its path, for text.
func violationText(g *graph.Graph, v graph.Violation) string {
	var names []string
	for _, id := range v.Path {
		names = append(names, graphNodeName(g, id))
	}
	return fmt.Sprintf("  %s: %s [%s]\n    path: %s\n", v.Pos, v.Message, v.Rule, strings.Join(names, " -> "))
}

// writeControlRowText writes who in the app can change a function,
// download its code, read its configuration and environment, or invoke it
// through IAM.
func writeControlRowText(w *strings.Builder, g *graph.Graph, r graph.ControlRow) {
	name := func(ids []graph.NodeID) string {
		var out []string
		for _, id := range ids {
			n := g.Node(id)
			if n == nil {
				out = append(out, id.String())
				continue
			}
			out = append(out, string(n.ID.Kind)+" "+n.Name)
		}
		return strings.Join(out, ", ")
	}
	fmt.Fprintf(w, "  %s (%s:%d)\n", r.Name, r.File, r.Line)
	for _, x := range []struct {
		what string
		ids  []graph.NodeID
	}{{"change code/config", r.Control}, {"download code", r.ReadCode}, {"read config/env", r.ReadConfig}, {"invoke (IAM)", r.Invoke}} {
		if len(x.ids) > 0 {
			fmt.Fprintf(w, "    %-18s %s\n", x.what+":", name(x.ids))
		}
	}
}

func graphNodeName(g *graph.Graph, id graph.NodeID) string {
	if n := g.Node(id); n != nil {
		return n.Name
	}
	return id.String()
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func hasString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
