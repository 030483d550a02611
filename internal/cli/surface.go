package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nightlight-sec/nightlight/internal/graph"
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
			g, doc, cfg, err := loadGraph(cmd.Context(), env, &f, args)
			if err != nil {
				return err
			}
			if err := checkFlowPolicy(env, cfg, doc.App, g, f.quiet); err != nil {
				return err
			}
			rows := graph.Surface(g)
			control := graph.ControlPlane(g)
			violations := graph.CheckFlows(g, cfg.FlowPolicy())
			var buf bytes.Buffer
			if f.format == "json" {
				if rows == nil {
					rows = []graph.SurfaceRow{}
				}
				if violations == nil {
					violations = []graph.Violation{}
				}
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				err = enc.Encode(map[string]any{"surface": rows, "controlPlane": control, "violations": violations})
			} else {
				err = writeSurfaceText(&buf, g, rows, violations)
				if err == nil {
					writeControlPlaneText(&buf, g, control)
				}
			}
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			if err := writeGraphOutput(env, &f, buf.Bytes()); err != nil {
				return err
			}
			return graphInputStatus(env, doc, args)
		},
	}
	f.registerOutput(cmd, "text, json")
	f.registerInput(cmd)
	return cmd
}

// writeSurfaceText writes the surface as an aligned table.
func writeSurfaceText(w *bytes.Buffer, g *graph.Graph, rows []graph.SurfaceRow, violations []graph.Violation) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENTRY POINT\tKIND\tACCESS\tLOCATION\tFUNCTIONS\tBLAST RADIUS")
	open := 0
	for _, r := range rows {
		if r.Access.Anonymous() {
			open++
		}
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Kind, r.Describe(g), loc, dashIfEmpty(strings.Join(fns, ", ")), dashIfEmpty(strings.Join(blast, ", ")))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d entry points, %d reachable by anyone (anonymous or API key only)\n", len(rows), open)
	if len(violations) > 0 {
		fmt.Fprintf(w, "\nFlow policy violations:\n")
		for _, v := range violations {
			var names []string
			for _, id := range v.Path {
				names = append(names, graphNodeName(g, id))
			}
			fmt.Fprintf(w, "  %s: %s [%s]\n    path: %s\n", v.Pos, v.Message, v.Rule, strings.Join(names, " -> "))
		}
	}
	return nil
}

// writeControlPlaneText lists, per function, who in the app can change
// it, download its code, read its configuration and environment, or
// invoke it through IAM.
func writeControlPlaneText(w *bytes.Buffer, g *graph.Graph, rows []graph.ControlRow) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\nControl plane (who in the app, or admitted by a function's resource policy, can change or read each function;\n"+
		"principals of the account outside the app can too when their own IAM policies allow it):\n")
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
	for _, r := range rows {
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
