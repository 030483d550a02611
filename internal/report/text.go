package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// TextOptions tune the text report.
type TextOptions struct {
	// Color enables ANSI colors (for terminals).
	Color bool
	// Inventory prints each stack's functions, entry points, stores and
	// roles before the findings.
	Inventory bool
}

// WriteText writes a human-readable report: load errors, an inventory per
// stack, then findings grouped by severity with their paths.
func WriteText(w io.Writer, doc *Document, opt TextOptions) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	c := colorizer(opt.Color)

	failed := 0
	for _, in := range doc.Inputs {
		if in.Error != "" {
			failed++
		}
	}
	if opt.Inventory {
		for _, st := range doc.App.Stacks {
			writeStack(bw, st, c)
		}
	}
	if failed > 0 {
		p("%s\n", c(bold, fmt.Sprintf("Inputs that did not load (%d):", failed)))
		for _, in := range doc.Inputs {
			if in.Error != "" {
				p("  %s %s\n", c(red, "error:"), in.Error)
			}
		}
		p("\n")
	}
	writeFindings(bw, doc, c)
	p("%d inputs, %d loaded, %d failed; %d stacks; %d findings\n", len(doc.Inputs), len(doc.Inputs)-failed, failed, len(doc.App.Stacks), len(doc.Findings))
	return bw.Flush()
}

func writeStack(w io.Writer, st *model.Stack, c func(string, string) string) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	title := st.ID + " (" + string(st.Format)
	if st.Provider != "" && st.Provider != model.AWS {
		title += ", " + string(st.Provider)
	}
	title += ")"
	p("%s\n", c(bold, title))
	if len(st.Functions) > 0 {
		p("  Functions (%d):\n", len(st.Functions))
		for _, f := range st.Functions {
			var bits []string
			if rt := f.Runtime.String(); rt != "" {
				bits = append(bits, rt)
			} else if f.PackageType.String() == "Image" {
				bits = append(bits, "image")
			}
			if f.MemorySize.IsSet() {
				bits = append(bits, f.MemorySize.String()+" MB")
			}
			if f.Timeout.IsSet() {
				bits = append(bits, f.Timeout.String()+" s")
			}
			switch {
			case f.Role != "":
				bits = append(bits, "role "+f.Role)
			case f.RoleARN.IsSet():
				bits = append(bits, "role "+f.RoleARN.String())
			}
			p("    %-32s %s\n", f.ID, strings.Join(bits, ", "))
		}
	}
	if len(st.EntryPoints) > 0 {
		p("  Entry points (%d):\n", len(st.EntryPoints))
		for _, ep := range st.EntryPoints {
			name := ep.ID
			if ep.Kind == model.EntryRoute && ep.Method != "" {
				name = strings.TrimSpace(ep.Method + " " + ep.Path)
				if ep.API != "" {
					name += "  [" + ep.API + "]"
				}
			}
			auth := authLabel(ep.Auth)
			if ep.Auth.Type == model.AuthNone {
				auth = c(red, auth)
			}
			target := ep.Function
			if target == "" && ep.Target.IsSet() {
				target = ep.Target.String()
			}
			p("    %-40s %-28s -> %s\n", name, auth, target)
		}
	}
	if len(st.Triggers) > 0 {
		p("  Triggers (%d):\n", len(st.Triggers))
		for _, tr := range st.Triggers {
			src := tr.Source
			if src == "" {
				src = tr.SourceValue.String()
			}
			if src == "" && tr.Schedule.IsSet() {
				src = tr.Schedule.String()
			}
			p("    %-14s %-30s -> %s\n", tr.Kind, src, tr.Function)
		}
	}
	if len(st.Stores) > 0 {
		p("  Stores (%d):\n", len(st.Stores))
		for _, s := range st.Stores {
			extra := ""
			if s.Classification != "" {
				extra = "  [" + s.Classification + "]"
			}
			enc := string(s.Encryption.Kind)
			if enc == "" {
				enc = "unknown"
			}
			p("    %-32s %-13s encryption: %s%s\n", s.ID, s.Kind, enc, extra)
		}
	}
	if len(st.Roles) > 0 {
		p("  Roles (%d):\n", len(st.Roles))
		for _, r := range st.Roles {
			var names []string
			for _, pd := range r.Policies {
				names = append(names, pd.Name)
			}
			sort.Strings(names)
			kind := ""
			if r.Implicit {
				kind = " (implicit)"
			}
			p("    %-32s %d policies%s\n", r.ID, len(r.Policies), kind)
		}
	}
	warn := 0
	for _, d := range st.Diagnostics {
		if d.Severity != model.DiagInfo {
			warn++
		}
	}
	if warn > 0 {
		p("  Warnings (%d):\n", warn)
		for _, d := range st.Diagnostics {
			if d.Severity != model.DiagInfo {
				p("    %s\n", d)
			}
		}
	}
	p("\n")
}

func authLabel(a model.Auth) string {
	s := string(a.Type)
	switch a.Type {
	case model.AuthNone:
		s = "anonymous"
	case model.AuthAPIKey:
		s = "API key only"
	}
	if a.Authorizer != "" && a.Type != model.AuthNone {
		s += " (" + a.Authorizer + ")"
	}
	if a.APIKeyRequired && a.Type != model.AuthAPIKey {
		s += " + API key"
	}
	return s
}

func writeFindings(w io.Writer, doc *Document, c func(string, string) string) {
	fs := doc.Findings
	if len(fs) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	names := nodeNames(doc)
	for _, sev := range rule.Severities() {
		var group []rule.Finding
		for _, f := range fs {
			if f.Severity == sev {
				group = append(group, f)
			}
		}
		if len(group) == 0 {
			continue
		}
		p("%s\n", c(bold+";"+sevColor(sev), fmt.Sprintf("%s (%d)", strings.ToUpper(string(sev)), len(group))))
		for _, f := range group {
			where := "-"
			if f.File != "" {
				where = fmt.Sprintf("%s:%d", f.File, f.Line)
			}
			conf := ""
			if f.Confidence != "" && f.Confidence != rule.ConfidenceHigh {
				conf = c(gray, " ("+string(f.Confidence)+" confidence)")
			}
			if sev == rule.Info {
				// Informational findings take one line each.
				p("  %s %s %s%s\n", c(bold, f.Rule), c(gray, where), f.Message, conf)
				continue
			}
			p("  %s %s %s%s\n", c(bold, f.Rule), where, c(gray, f.Resource), conf)
			p("      %s\n", f.Message)
			if len(f.Path) > 0 {
				labels := make([]string, len(f.Path))
				for i, id := range f.Path {
					labels[i] = nodeLabel(id, names)
				}
				p("      %s %s\n", c(gray, "path:"), strings.Join(labels, c(gray, " → ")))
			}
			if f.Remediation != "" {
				p("      %s %s\n", c(gray, "fix:"), f.Remediation)
			}
		}
		p("\n")
	}
	var parts []string
	for _, sev := range rule.Severities() {
		n := 0
		for _, f := range fs {
			if f.Severity == sev {
				n++
			}
		}
		if n > 0 {
			parts = append(parts, c(sevColor(sev), fmt.Sprintf("%d %s", n, sev)))
		}
	}
	p("%s %s\n\n", c(bold, fmt.Sprintf("%d findings:", len(fs))), strings.Join(parts, ", "))
}

// nodeNames maps graph node IDs to their display names.
func nodeNames(doc *Document) map[string]string {
	names := map[string]string{}
	if doc.Graph != nil {
		for _, n := range doc.Graph.Nodes {
			names[n.ID] = n.Name
		}
	}
	return names
}

// nodeLabel names a path element: the graph node's name, else the model
// ID inside a "stack#kind:ID" node ID, else the principal's name.
func nodeLabel(id string, names map[string]string) string {
	if n := names[id]; n != "" {
		return n
	}
	if i := strings.Index(id, "#"); i >= 0 {
		if j := strings.Index(id[i:], ":"); j >= 0 {
			return id[i+j+1:]
		}
	}
	return strings.TrimPrefix(id, "principal:")
}

const (
	bold   = "1"
	red    = "31"
	yellow = "33"
	blue   = "34"
	gray   = "90"
)

func sevColor(s rule.Severity) string {
	switch s {
	case rule.Critical, rule.High:
		return red
	case rule.Medium:
		return yellow
	case rule.Low:
		return blue
	}
	return gray
}

func colorizer(on bool) func(code, s string) string {
	if !on {
		return func(_, s string) string { return s }
	}
	return func(code, s string) string { return "\x1b[" + code + "m" + s + "\x1b[0m" }
}
