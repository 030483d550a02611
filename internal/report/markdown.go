package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// MarkdownOptions tune the Markdown report.
type MarkdownOptions struct {
	// MaxFindings bounds the findings listed in full (0: 50); the rest are
	// counted. PR comments have a size limit.
	MaxFindings int
	// MaxPaths bounds the attack paths drawn in the Mermaid excerpt (0: 8).
	MaxPaths int
}

var sevIcon = map[rule.Severity]string{
	rule.Critical: "🟥", rule.High: "🟧", rule.Medium: "🟨", rule.Low: "🟦", rule.Info: "⬜",
}

// WriteMarkdown writes a summary for pull-request comments: counts by
// severity, a table of findings (most severe first), and a Mermaid
// flowchart of the paths the findings involve (entry point → function →
// store).
func WriteMarkdown(w io.Writer, doc *result.Document, opt MarkdownOptions) error {
	if opt.MaxFindings <= 0 {
		opt.MaxFindings = 50
	}
	if opt.MaxPaths <= 0 {
		opt.MaxPaths = 8
	}
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }

	p("## nightlight: %s\n\n", findingsSummary(doc.Findings))
	failed := 0
	for _, in := range doc.Inputs {
		if in.Error != "" {
			failed++
		}
	}
	p("%s scanned", Plural(len(doc.Inputs), "input"))
	if failed > 0 {
		p(", **%d did not load**", failed)
	}
	p(".\n\n")
	if failed > 0 {
		for _, in := range doc.Inputs {
			if in.Error != "" {
				p("- ❌ `%s`\n", mdCode(in.Error))
			}
		}
		p("\n")
	}
	fs := append([]rule.Finding(nil), doc.Findings...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Severity.Rank() > fs[j].Severity.Rank() })
	if len(fs) > 0 {
		nodes := pathNodes(doc)
		p("| | Rule | Where | Finding |\n|---|---|---|---|\n")
		for i, f := range fs {
			if i == opt.MaxFindings {
				p("\n… and %d more findings (see the full report).\n", len(fs)-i)
				break
			}
			where := fmt.Sprintf("`%s:%d`", f.File, f.Line)
			if f.File == "" {
				where = "—"
			}
			if f.Resource != "" {
				where += " " + mdCell(f.Resource)
			}
			msg := mdCell(f.Message)
			if len(f.Path) > 0 {
				msg += "<br>path: " + mdCell(pathText(f.Path, nodes, " → "))
			}
			p("| %s %s | %s | %s | %s |\n", sevIcon[f.Severity], f.Severity, f.Rule, where, msg)
		}
		p("\n")
	}
	if chart := mermaid(doc, fs, opt.MaxPaths); chart != "" {
		p("<details><summary>Paths involved</summary>\n\n```mermaid\n%s```\n\n</details>\n", chart)
	}
	return bw.Flush()
}

func findingsSummary(fs []rule.Finding) string {
	if len(fs) == 0 {
		return "no findings ✅"
	}
	count := map[rule.Severity]int{}
	for _, f := range fs {
		count[f.Severity]++
	}
	var parts []string
	for _, s := range rule.Severities() {
		if count[s] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d %s", sevIcon[s], count[s], s))
		}
	}
	return fmt.Sprintf("%s (%s)", Plural(len(fs), "finding"), strings.Join(parts, ", "))
}

func mdCell(s string) string {
	r := strings.NewReplacer("|", "\\|", "\n", " ", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

func mdCode(s string) string { return strings.ReplaceAll(s, "`", "'") }

// mermaid draws the paths of the findings as a flowchart. Node IDs are
// numbered in order of first appearance, so the chart is deterministic.
func mermaid(doc *result.Document, fs []rule.Finding, maxPaths int) string {
	nodes := map[graph.NodeID]*graph.Node{}
	if doc.Graph != nil {
		for _, n := range doc.Graph.Nodes {
			nodes[n.ID] = n
		}
	}
	ids := map[graph.NodeID]string{}
	var order []graph.NodeID
	edges := map[[2]graph.NodeID]bool{}
	var edgeOrder [][2]graph.NodeID
	paths := 0
	for _, f := range fs {
		if len(f.Path) < 2 || paths == maxPaths {
			continue
		}
		paths++
		for i, n := range f.Path {
			if _, ok := ids[n]; !ok {
				ids[n] = fmt.Sprintf("n%d", len(order))
				order = append(order, n)
			}
			if i > 0 {
				e := [2]graph.NodeID{f.Path[i-1], n}
				if !edges[e] {
					edges[e] = true
					edgeOrder = append(edgeOrder, e)
				}
			}
		}
	}
	if paths == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for _, n := range order {
		label, shape := "", "box"
		if gn := nodes[n]; gn != nil {
			label = gn.Name
			switch gn.ID.Kind {
			case graph.NodePrincipal:
				shape = "circle"
			case graph.NodeStore:
				shape = "store"
			case graph.NodeEntryPoint:
				shape = "entry"
			}
			if gn.Sub != "" && gn.ID.Kind == graph.NodeStore {
				label += " (" + gn.Sub + ")"
			}
		} else {
			label = nodeLabel(n, nil)
		}
		if n.Kind == graph.NodePrincipal {
			shape = "circle"
		}
		label = strings.NewReplacer(`"`, "'", "\n", " ").Replace(label)
		switch shape {
		case "circle":
			fmt.Fprintf(&b, "  %s((\"%s\"))\n", ids[n], label)
		case "store":
			fmt.Fprintf(&b, "  %s[(\"%s\")]\n", ids[n], label)
		case "entry":
			fmt.Fprintf(&b, "  %s>\"%s\"]\n", ids[n], label)
		default:
			fmt.Fprintf(&b, "  %s[\"%s\"]\n", ids[n], label)
		}
	}
	for _, e := range edgeOrder {
		fmt.Fprintf(&b, "  %s --> %s\n", ids[e[0]], ids[e[1]])
	}
	return b.String()
}
