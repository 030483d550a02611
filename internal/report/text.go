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
	writeFindings(bw, doc.Findings, c)
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

func writeFindings(w io.Writer, fs []rule.Finding, c func(string, string) string) {
	if len(fs) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	sevs := []rule.Severity{rule.Critical, rule.High, rule.Medium, rule.Low, rule.Info}
	for _, sev := range sevs {
		var group []rule.Finding
		for _, f := range fs {
			if f.Severity == sev {
				group = append(group, f)
			}
		}
		if len(group) == 0 {
			continue
		}
		p("%s\n", c(sevColor(sev), fmt.Sprintf("%s (%d)", strings.ToUpper(string(sev)), len(group))))
		for _, f := range group {
			p("  %s %s:%d %s\n", c(bold, f.Rule), f.File, f.Line, f.Resource)
			p("      %s\n", f.Message)
			if len(f.Path) > 0 {
				p("      path: %s\n", strings.Join(f.Path, " -> "))
			}
			if f.Remediation != "" {
				p("      fix: %s\n", f.Remediation)
			}
		}
		p("\n")
	}
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
