package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/report"
	"github.com/nightlight-sec/nightlight/internal/report/graphfmt"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/scan"
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
			cfg, err := config.Find(f.config, args)
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			// JSON is written from the parts' nodes and edges kept in
			// temporary files; DOT and Mermaid number the nodes of the
			// whole graph in their own order, so they keep the graph
			// (nodes and edges, not the model behind them).
			merged := graphMerge{ctx: cmd.Context(), cfg: cfg}
			s, err := streamScan(cmd.Context(), env, &f, args, cfg, func(o *scan.Options) {
				if f.format == "json" {
					o.Graph = true
				} else {
					o.Each = merged.add
				}
			})
			defer s.Close()
			if err != nil {
				return err
			}
			err = writeOutput(env, f.output, func(w io.Writer) error {
				switch f.format {
				case "json":
					if doc := s.Document(); doc != nil {
						g, err := wholeGraph(cmd.Context(), doc, cfg)
						if err != nil {
							return err
						}
						return report.WriteGraph(w, g)
					}
					return s.WriteGraphJSON(w)
				case "dot":
					return graphfmt.WriteDOT(w, merged.graph(), graphfmt.Options{Roles: roles})
				}
				return graphfmt.WriteMermaid(w, merged.graph(), graphfmt.Options{Roles: roles})
			})
			if err != nil {
				return err
			}
			return graphInputStatus(env, s.Inputs, args)
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

// streamScan scans args part by part (scan.RunStreamed) for a command that
// prints a document of its own, with the rules and the configuration cfg
// as scan has them; set chooses what is kept of each part
// (scan.Options.Graph, Each). Memory is bounded by the largest part and
// what is kept. The caller closes the result (nil is closed).
func streamScan(ctx context.Context, env *Env, f *scanFlags, args []string, cfg *config.Config, set func(*scan.Options)) (*scan.Streamed, error) {
	opts, err := f.options(env, args)
	if err != nil {
		return nil, err
	}
	opts.Rules.Config = cfg
	set(&opts)
	var s *scan.Streamed
	err = f.guarded(ctx, opts, func(ctx context.Context) error {
		var err error
		s, err = scan.RunStreamed(ctx, opts, nil)
		return err
	})
	return s, err
}

// wholeGraph is the graph of a scan held in memory whole: the one the scan
// built, or, when that failed, one built again without IAM analysis.
func wholeGraph(ctx context.Context, doc *result.Document, cfg *config.Config) (*graph.Graph, error) {
	if doc.Graph != nil && len(doc.Graph.Nodes) > 0 {
		return doc.Graph, nil
	}
	g, err := graph.Build(ctx, doc.App, graph.Options{Classify: cfg.Classify, Group: cfg.Group})
	if err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	return g, nil
}

// partGraph is a part's graph for the commands that print one: the
// whole scan's when it was held whole (see wholeGraph).
func partGraph(ctx context.Context, p scan.Part, cfg *config.Config) (*graph.Graph, error) {
	if p.Whole {
		return wholeGraph(ctx, &result.Document{App: p.App, Graph: p.Graph}, cfg)
	}
	return p.Graph, nil
}

// graphMerge gathers the parts' graphs into the whole graph: each part's
// nodes and edges, and the shared principals (nodes without a stack) once.
type graphMerge struct {
	ctx        context.Context
	cfg        *config.Config
	g          graph.Graph
	principals map[graph.NodeID]bool
}

func (m *graphMerge) add(p scan.Part) error {
	g, err := partGraph(m.ctx, p, m.cfg)
	if err != nil {
		return err
	}
	if p.Whole || m.principals == nil {
		m.g, m.principals = graph.Graph{}, map[graph.NodeID]bool{}
	}
	for _, n := range g.Nodes {
		if n.ID.Stack == "" {
			if m.principals[n.ID] {
				continue
			}
			m.principals[n.ID] = true
		}
		m.g.Nodes = append(m.g.Nodes, n)
	}
	m.g.Edges = append(m.g.Edges, g.Edges...)
	return nil
}

// graph is the merged graph, sorted as graph.Build sorts it.
func (m *graphMerge) graph() *graph.Graph {
	m.g.Sort()
	return &m.g
}

// graphInputStatus reports inputs that did not load on stderr: exit 1 when one
// did not, 2 when there was nothing to load.
func graphInputStatus(env *Env, inputs []result.Input, args []string) error {
	if len(inputs) == 0 {
		return &exitError{code: ExitError, err: fmt.Errorf("no templates, serverless files or Terraform modules found in %s", strings.Join(args, ", "))}
	}
	failed := 0
	for _, in := range inputs {
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
