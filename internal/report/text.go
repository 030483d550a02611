package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// TextOptions tune the text report.
type TextOptions struct {
	// Color enables ANSI colors (for terminals).
	Color bool
	// Inventory prints each stack's functions, entry points, stores and
	// roles after the findings.
	Inventory bool
	// InventoryFrom, when set, writes the inventory instead of the
	// document's stacks (a scan that wrote each stack's inventory with
	// WriteInventory as it went, and keeps only an outline of the stacks).
	InventoryFrom func(w io.Writer) error
	// Titles maps rule IDs to their titles, shown once per group of
	// findings; a rule missing from it is shown by ID alone.
	Titles map[string]string
}

// WriteText writes a human-readable report: a summary when the scan spans
// several stacks, the findings grouped by severity and rule (the fix said
// once per group), the inventory when asked for, then the inputs that did
// not load, and a closing line of counts.
func WriteText(w io.Writer, doc *result.Document, opt TextOptions) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	c := colorizer(opt.Color)

	failed := 0
	for _, in := range doc.Inputs {
		if in.Error != "" {
			failed++
		}
	}
	var stacks []*model.Stack
	if doc.App != nil {
		stacks = doc.App.Stacks
	}
	if len(stacks) > 1 {
		writeSummary(bw, doc, opt, c)
	}
	writeFindings(bw, doc, opt, c)
	if opt.Inventory && opt.InventoryFrom != nil {
		if err := opt.InventoryFrom(bw); err != nil {
			return err
		}
	} else if opt.Inventory {
		for _, st := range stacks {
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
	line := fmt.Sprintf("%s, %d loaded, %d failed; %s; %s", Plural(len(doc.Inputs), "input"), len(doc.Inputs)-failed, failed,
		Plural(len(stacks), "stack"), Plural(len(doc.Findings), "finding"))
	if n := doc.Summary.Suppressed; n > 0 {
		line += fmt.Sprintf(", %d suppressed", n)
	}
	if n := doc.Summary.Baselined; n > 0 {
		line += fmt.Sprintf(", %d in the baseline", n)
	}
	p("%s\n", line)
	return bw.Flush()
}

// WriteInventory writes the inventory of one stack (its functions, entry
// points, triggers, stores and roles) as the text report lists it with
// TextOptions.Inventory.
func WriteInventory(w io.Writer, st *model.Stack, color bool) error {
	bw := bufio.NewWriter(w)
	writeStack(bw, st, colorizer(color))
	return bw.Flush()
}

// RuleTitles maps the IDs of rs to their titles, for TextOptions.Titles.
func RuleTitles(rs []*rule.Rule) map[string]string {
	m := make(map[string]string, len(rs))
	for _, r := range rs {
		m[r.ID] = r.Title
	}
	return m
}

// Plural formats a count with its noun, in the plural unless n is 1
// ("policy" becomes "policies").
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") && !strings.HasSuffix(noun, "ey") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// writeSummary writes the one-screen overview of a multi-stack scan: what
// was scanned, findings by severity, and the stacks and rules with the most
// findings.
func writeSummary(w io.Writer, doc *result.Document, opt TextOptions, c func(string, string) string) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	var fns, eps, anon int
	for _, st := range doc.App.Stacks {
		fns += len(st.Functions)
		eps += len(st.EntryPoints)
		for _, ep := range st.EntryPoints {
			if ep.Auth.Type == model.AuthNone {
				anon++
			}
		}
	}
	p("%s\n", c(bold, "Summary"))
	p("  scanned    %s, %s, %s, %s (%d anonymous)\n", Plural(len(doc.Inputs), "input"), Plural(len(doc.App.Stacks), "stack"),
		Plural(fns, "function"), Plural(eps, "entry point"), anon)
	p("  findings   %s\n", severityCounts(doc.Findings, c))
	top := func(label string, key func(rule.Finding) string, name func(string) string) {
		counts := map[string]int{}
		for _, f := range doc.Findings {
			if f.Severity.Rank() >= rule.Medium.Rank() {
				counts[key(f)]++
			}
		}
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if counts[keys[i]] != counts[keys[j]] {
				return counts[keys[i]] > counts[keys[j]]
			}
			return keys[i] < keys[j]
		})
		for i, k := range keys {
			if i == 5 {
				p("             … and %d more\n", len(keys)-5)
				break
			}
			head := ""
			if i == 0 {
				head = label
			}
			p("  %-10s %5d  %s\n", head, counts[k], name(k))
		}
	}
	top("stacks", func(f rule.Finding) string { return f.Stack }, func(s string) string { return s })
	top("rules", func(f rule.Finding) string { return f.Rule }, func(id string) string {
		if t := opt.Titles[id]; t != "" {
			return id + " " + t
		}
		return id
	})
	p("  (stacks and rules counted by findings of medium severity and above)\n\n")
}

// severityCounts formats "2 critical, 6 high" for the findings.
func severityCounts(fs []rule.Finding, c func(string, string) string) string {
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
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
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
		fw := 0
		for _, f := range st.Functions {
			fw = max(fw, len(f.ID))
		}
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
			p("    %s\n", strings.TrimRight(pad(f.ID, fw)+"  "+strings.Join(bits, ", "), " "))
		}
	}
	if len(st.EntryPoints) > 0 {
		p("  Entry points (%d):\n", len(st.EntryPoints))
		type row struct{ name, auth, target string }
		var rows []row
		nw, aw := 0, 0
		for _, ep := range st.EntryPoints {
			name := ep.ID
			if ep.Kind == model.EntryRoute && ep.Method != "" {
				name = strings.TrimSpace(ep.Method + " " + ep.Path)
				if ep.API != "" {
					name += "  [" + ep.API + "]"
				}
			}
			target := ep.Function
			if target == "" && ep.Target.IsSet() {
				target = ep.Target.String()
			}
			rows = append(rows, row{name, authLabel(ep.Auth), target})
			nw, aw = max(nw, len(name)), max(aw, len(authLabel(ep.Auth)))
		}
		for i, r := range rows {
			// Pad before colouring: escape codes have no width.
			auth := pad(r.auth, aw)
			if st.EntryPoints[i].Auth.Type == model.AuthNone {
				auth = c(red, auth)
			}
			p("    %s  %s  -> %s\n", pad(r.name, nw), auth, r.target)
		}
	}
	if len(st.Triggers) > 0 {
		p("  Triggers (%d):\n", len(st.Triggers))
		srcs := make([]string, len(st.Triggers))
		kw, sw := 0, 0
		for i, tr := range st.Triggers {
			src := tr.Source
			if src == "" {
				src = tr.SourceValue.String()
			}
			if src == "" && tr.Schedule.IsSet() {
				src = tr.Schedule.String()
			}
			srcs[i] = src
			kw, sw = max(kw, len(tr.Kind)), max(sw, len(src))
		}
		for i, tr := range st.Triggers {
			p("    %s  %s  -> %s\n", pad(string(tr.Kind), kw), pad(srcs[i], sw), tr.Function)
		}
	}
	if len(st.Stores) > 0 {
		p("  Stores (%d):\n", len(st.Stores))
		iw, kw := 0, 0
		for _, s := range st.Stores {
			iw, kw = max(iw, len(s.ID)), max(kw, len(s.Kind))
		}
		for _, s := range st.Stores {
			extra := ""
			if s.Classification != "" {
				extra = "  [" + s.Classification + "]"
			}
			prov := s.Provider()
			if prov == "" {
				prov = st.Platform()
			}
			enc := s.Encryption.Kind.Describe(prov)
			p("    %s  %s  encryption: %s%s\n", pad(s.ID, iw), pad(string(s.Kind), kw), enc, extra)
		}
	}
	if len(st.Roles) > 0 {
		p("  Roles (%d):\n", len(st.Roles))
		rw := 0
		for _, r := range st.Roles {
			rw = max(rw, len(r.ID))
		}
		for _, r := range st.Roles {
			kind := ""
			if r.Implicit {
				kind = " (implicit)"
			}
			p("    %s  %s%s\n", pad(r.ID, rw), Plural(len(r.Policies), "policy"), kind)
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

// pad right-pads s with spaces to width runes (a column of the inventory).
func pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
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

func writeFindings(w io.Writer, doc *result.Document, opt TextOptions, c func(string, string) string) {
	fs := doc.Findings
	if len(fs) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	names := nodeNames(doc)
	for _, sev := range rule.Severities() {
		// Group the severity's findings by rule, in the order the rules
		// first appear (findings are sorted by file and line).
		groups := map[string][]rule.Finding{}
		var order []string
		n := 0
		for _, f := range fs {
			if f.Severity != sev {
				continue
			}
			if _, ok := groups[f.Rule]; !ok {
				order = append(order, f.Rule)
			}
			groups[f.Rule] = append(groups[f.Rule], f)
			n++
		}
		if n == 0 {
			continue
		}
		sort.SliceStable(order, func(i, j int) bool { return order[i] < order[j] })
		p("%s\n", c(bold+";"+sevColor(sev), fmt.Sprintf("%s (%d)", strings.ToUpper(string(sev)), n)))
		for _, id := range order {
			group := groups[id]
			head := id
			if t := opt.Titles[id]; t != "" {
				head += " " + t
			}
			if len(group) > 1 {
				head += fmt.Sprintf(" (%d)", len(group))
			}
			p("  %s\n", c(bold, head))
			fix := group[0].Remediation
			if sev != rule.Info && fix != "" {
				p("    %s %s\n", c(gray, "fix:"), fix)
			}
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
					p("    %s %s%s\n", c(gray, where), f.Message, conf)
					continue
				}
				p("    %s %s%s\n", where, c(gray, f.Resource), conf)
				p("        %s\n", f.Message)
				if len(f.Path) > 0 {
					labels := make([]string, len(f.Path))
					for i, id := range f.Path {
						labels[i] = nodeLabel(id, names)
					}
					p("        %s %s\n", c(gray, "path:"), strings.Join(labels, c(gray, " → ")))
				}
				if f.Remediation != "" && f.Remediation != fix {
					p("        %s %s\n", c(gray, "fix:"), f.Remediation)
				}
			}
		}
		p("\n")
	}
	p("%s %s\n\n", c(bold, Plural(len(fs), "finding")+":"), severityCounts(fs, c))
}

// nodeNames maps graph node IDs to their display names.
func nodeNames(doc *result.Document) map[graph.NodeID]string {
	names := map[graph.NodeID]string{}
	if doc.Graph != nil {
		for _, n := range doc.Graph.Nodes {
			names[n.ID] = n.Name
		}
	}
	return names
}

// nodeLabel names a path element: the graph node's name, else the model
// object or principal the ID names.
func nodeLabel(id graph.NodeID, names map[graph.NodeID]string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id.Ref
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
