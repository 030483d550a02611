package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/report/graphfmt"
	"github.com/nightlight-sec/nightlight/internal/result"
)

// graphCommand is `nightlight graph PATH... --format json|dot|mermaid`.
func graphCommand(env *Env) *cobra.Command {
	var f scanFlags
	var roles bool
	cmd := &cobra.Command{
		Use:   "graph PATH...",
		Short: "Print the application graph (JSON, Graphviz DOT or Mermaid)",
		Long: `graph loads the templates under PATH and prints the application graph:
principals (the Internet, authenticated users, other accounts, AWS
services), entry points, functions, data stores and roles, and the edges
between them (invokes, reads, writes, manages, assumes), each with the
file:line that creates it.

--format json prints the graph as in the JSON report's "graph" section;
dot prints a Graphviz digraph; mermaid prints a left-to-right flowchart to
paste into a pull request, anonymous entry points and classified stores
highlighted. Roles are left out of dot and mermaid unless --roles is given.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch f.format {
			case "json", "dot", "mermaid":
			default:
				return usageError("--format %q: want one of json, dot, mermaid", f.format)
			}
			g, doc, _, err := loadGraph(cmd.Context(), env, &f, args)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			switch f.format {
			case "json":
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				err = enc.Encode(g)
			case "dot":
				err = graphfmt.WriteDOT(&buf, g, graphfmt.Options{Roles: roles})
			case "mermaid":
				err = graphfmt.WriteMermaid(&buf, g, graphfmt.Options{Roles: roles})
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
	f.registerOutput(cmd, "json, dot, mermaid")
	f.registerInput(cmd)
	setDefaultFormat(cmd, &f, "json")
	cmd.Flags().BoolVar(&roles, "roles", false, "include roles and assumes edges in dot and mermaid output")
	return cmd
}

// setDefaultFormat changes the --format default registered by scanFlags.
func setDefaultFormat(cmd *cobra.Command, f *scanFlags, def string) {
	f.format = def
	if fl := cmd.Flags().Lookup("format"); fl != nil {
		fl.DefValue = def
	}
}

// loadGraph reads the configuration (--config, or nightlight.yaml in the
// first scanned directory), scans the paths and builds their graph (or
// takes the one the scan built).
func loadGraph(ctx context.Context, env *Env, f *scanFlags, args []string) (*graph.Graph, *result.Document, *config.Config, error) {
	cfg, err := config.Find(f.config, args)
	if err != nil {
		return nil, nil, nil, &exitError{code: ExitError, err: err}
	}
	opts, err := f.options(env, args)
	if err != nil {
		return nil, nil, nil, err
	}
	opts.Rules.Config = cfg
	doc, err := f.run(ctx, opts)
	if err != nil {
		return nil, nil, nil, err
	}
	if doc.Graph != nil && len(doc.Graph.Nodes) > 0 {
		return doc.Graph, doc, cfg, nil
	}
	g, err := graph.Build(ctx, doc.App, graph.Options{Classify: cfg.Classify, Group: cfg.Group})
	if err != nil {
		return nil, nil, nil, &exitError{code: ExitError, err: err}
	}
	return g, doc, cfg, nil
}

// writeGraphOutput writes out to stdout or --output.
func writeGraphOutput(env *Env, f *scanFlags, out []byte) error {
	if f.output != "" {
		if err := os.WriteFile(f.output, out, 0o644); err != nil {
			return &exitError{code: ExitError, err: fmt.Errorf("write %s: %w", f.output, err)}
		}
		return nil
	}
	_, err := env.Stdout.Write(out)
	return err
}

// graphInputStatus reports inputs that did not load on stderr: exit 1 when one
// did not, 2 when there was nothing to load.
func graphInputStatus(env *Env, doc *result.Document, args []string) error {
	if len(doc.Inputs) == 0 {
		return &exitError{code: ExitError, err: fmt.Errorf("no templates, serverless files or Terraform modules found in %s", strings.Join(args, ", "))}
	}
	failed := 0
	for _, in := range doc.Inputs {
		if in.Error != "" {
			failed++
			fmt.Fprintf(env.Stderr, "error: %s\n", in.Error)
		}
	}
	if failed > 0 {
		return withCode(ExitFindings)
	}
	return nil
}
