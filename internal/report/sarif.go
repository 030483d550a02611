package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// sarifLevel maps a severity to a SARIF result level.
func sarifLevel(s rule.Severity) string {
	switch s {
	case rule.Critical, rule.High:
		return "error"
	case rule.Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is the CVSS-like score GitHub code scanning reads from
// a rule's "security-severity" property to rank alerts.
func securitySeverity(s rule.Severity) string {
	switch s {
	case rule.Critical:
		return "9.5"
	case rule.High:
		return "8.0"
	case rule.Medium:
		return "5.5"
	case rule.Low:
		return "3.0"
	}
	return "1.0"
}

// FingerprintKey is the partialFingerprints key nightlight's fingerprints
// are published under in SARIF.
const FingerprintKey = "nightlight/v1"

// WriteSARIF writes doc's findings as a SARIF 2.1.0 log for GitHub code
// scanning and other SARIF consumers. rules is the rule set that ran: the
// run's rule table lists every one of them, sorted by ID (plus any rule a
// finding names that is not in rules), and each result points into it by
// ruleIndex. Output is deterministic.
func WriteSARIF(w io.Writer, doc *result.Document, rules []*rule.Rule) error {
	log, err := sarif.New(sarif.Version210, true)
	if err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	driver := sarif.NewDriver(doc.Tool.Name)
	driver.WithInformationURI("https://github.com/nightlight-sec/nightlight")
	if doc.Tool.Version != "" {
		driver.WithVersion(doc.Tool.Version)
	}
	run := sarif.NewRun(*sarif.NewTool(driver))
	run.ColumnKind = "unicodeCodePoints"
	run.WithLanguage("en-US").WithNewlineSequences([]string{"\r\n", "\n"})
	driver.WithLanguage("en-US")

	// The rule table: built once, sorted, indexed.
	byID := map[string]*rule.Rule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	for _, f := range doc.Findings {
		if _, ok := byID[f.Rule]; !ok {
			byID[f.Rule] = &rule.Rule{ID: f.Rule, Title: f.Rule, Category: f.Category, Severity: f.Severity}
		}
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
		r := byID[id]
		d := sarif.NewRule(id).
			WithName(ruleName(r.Title)).
			WithShortDescription(sarif.NewMultiformatMessageString(r.Title)).
			WithHelpURI("https://github.com/nightlight-sec/nightlight/blob/main/docs/rules.md#" + strings.ToLower(id)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(r.Severity)))
		if r.Doc.Description != "" {
			d.WithFullDescription(sarif.NewMultiformatMessageString(r.Doc.Description))
			d.WithHelp(sarif.NewMultiformatMessageString(helpText(r)).WithMarkdown(helpMarkdown(r)))
		}
		pb := sarif.NewPropertyBag()
		pb.Add("tags", []string{"security", string(r.Category)})
		pb.Add("security-severity", securitySeverity(r.Severity))
		pb.Add("precision", precision(r.Confidence))
		d.WithProperties(pb.Properties)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, d)
	}

	run.Results = []*sarif.Result{}
	nodes := pathNodes(doc)
	for _, f := range doc.Findings {
		res := sarif.NewRuleResult(f.Rule).
			WithRuleIndex(index[f.Rule]).
			WithLevel(sarifLevel(f.Severity)).
			WithMessage(sarif.NewTextMessage(resultText(f)))
		file := f.File
		if file != "" {
			region := sarif.NewRegion().WithStartLine(max(f.Line, 1))
			if f.Col > 0 {
				region.WithStartColumn(f.Col)
			}
			loc := sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewSimpleArtifactLocation(file).WithUriBaseId("%SRCROOT%")).
				WithRegion(region)
			l := sarif.NewLocationWithPhysicalLocation(loc)
			if f.Resource != "" {
				l.AddLogicalLocations(sarif.NewLogicalLocation().WithName(f.Resource).WithKind("resource"))
			}
			res.AddLocation(l)
		}
		if flow, related := sarifPath(f, nodes); flow != nil {
			res.AddCodeFlow(flow)
			res.WithRelatedLocations(related)
		}
		fp := f.Fingerprint
		if fp == "" {
			fp = rule.Fingerprint(f)
		}
		res.PartialFingerprints = map[string]any{FingerprintKey: fp}
		pb := sarif.NewPropertyBag()
		pb.Add("severity", string(f.Severity))
		pb.Add("confidence", string(f.Confidence))
		pb.Add("category", string(f.Category))
		if f.Resource != "" {
			pb.Add("resource", f.Resource)
		}
		if len(f.Path) > 0 {
			pb.Add("path", f.Path)
		}
		if f.CostPerHour > 0 {
			pb.Add("costPerHour", f.CostPerHour)
		}
		res.Properties = pb.Properties
		run.AddResult(res)
	}
	// Suppressed findings are results too, marked with the suppression and
	// its justification, so that code scanning shows them as dismissed
	// instead of as fixed.
	for _, sup := range doc.Suppressed {
		f := sup.Finding
		res := sarif.NewRuleResult(f.Rule).
			WithRuleIndex(index[f.Rule]).
			WithLevel(sarifLevel(f.Severity)).
			WithMessage(sarif.NewTextMessage(resultText(f)))
		loc := sarif.NewLocation()
		if f.File != "" {
			loc.WithPhysicalLocation(sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewSimpleArtifactLocation(f.File).WithUriBaseId("%SRCROOT%")).
				WithRegion(sarif.NewRegion().WithStartLine(max(f.Line, 1))))
			res.AddLocation(loc)
		}
		fp := f.Fingerprint
		if fp == "" {
			fp = rule.Fingerprint(f)
		}
		res.PartialFingerprints = map[string]any{FingerprintKey: fp}
		res.Suppressions = []*sarif.Suppression{sarifSuppression(sup, fp, loc)}
		run.AddResult(res)
	}
	log.AddRun(run)
	if err := log.PrettyWrite(w); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// sarifSuppression describes a suppression. go-sarif v2 writes every
// optional field of a suppression, and null fails the schema, so each is
// set: the status is "accepted", the location is the finding's, and the
// GUID is derived from the finding's fingerprint (stable across runs).
func sarifSuppression(s rule.Suppressed, fingerprint string, loc *sarif.Location) *sarif.Suppression {
	kind := "inSource" // inline comments and template Metadata
	if s.Kind == "config" {
		kind = "external"
	}
	sum := sha256.Sum256([]byte("nightlight suppression " + fingerprint))
	sum[6] = sum[6]&0x0f | 0x50 // version 5 (name-based)
	sum[8] = sum[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(sum[:16])
	guid := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	status := "accepted"
	justification := s.Kind + ": " + s.Reason
	return &sarif.Suppression{Kind: kind, Status: &status, Location: loc, Guid: &guid, Justification: &justification}
}

// pathNode is what a report knows of one element of a finding's path.
type pathNode struct {
	name string
	file string
	line int
}

// pathNodes indexes the graph's nodes by ID for the path writers.
func pathNodes(doc *result.Document) map[graph.NodeID]pathNode {
	m := map[graph.NodeID]pathNode{}
	if doc.Graph == nil {
		return m
	}
	for _, n := range doc.Graph.Nodes {
		m[n.ID] = pathNode{name: n.Name, file: n.File, line: n.Line}
	}
	return m
}

// pathName names one element of a path: its graph node's name, else what
// its ID says.
func pathName(id graph.NodeID, nodes map[graph.NodeID]pathNode) string {
	if n, ok := nodes[id]; ok && n.name != "" {
		return n.name
	}
	return nodeLabel(id, nil)
}

// pathText names a path's elements, joined by sep.
func pathText(path []graph.NodeID, nodes map[graph.NodeID]pathNode, sep string) string {
	names := make([]string, len(path))
	for i, id := range path {
		names[i] = pathName(id, nodes)
	}
	return strings.Join(names, sep)
}

// sarifPath turns a finding's path into a code flow (one thread flow whose
// steps are the path's elements, each at its declaration) and the related
// locations GitHub shows beside the result. It returns nil when the path
// is empty.
func sarifPath(f rule.Finding, nodes map[graph.NodeID]pathNode) (*sarif.CodeFlow, []*sarif.Location) {
	if len(f.Path) == 0 {
		return nil, nil
	}
	var steps []*sarif.ThreadFlowLocation
	var related []*sarif.Location
	names := make([]string, len(f.Path))
	for i, id := range f.Path {
		n := nodes[id]
		n.name = pathName(id, nodes)
		if file, line, note, ok := id.Step(); ok {
			// A step inside handler code: at its file and line.
			n = pathNode{name: note, file: file, line: line}
		}
		names[i] = n.name
		loc := sarif.NewLocation().WithMessage(sarif.NewTextMessage(n.name))
		if n.file != "" {
			region := sarif.NewRegion().WithStartLine(max(n.line, 1))
			loc.WithPhysicalLocation(sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewSimpleArtifactLocation(n.file).WithUriBaseId("%SRCROOT%")).
				WithRegion(region))
			related = append(related, sarif.NewLocation().
				WithId(len(related)+1).
				WithPhysicalLocation(loc.PhysicalLocation).
				WithMessage(sarif.NewTextMessage(fmt.Sprintf("step %d of the path: %s", i+1, n.name))))
		}
		// The ends of the path (who reaches, what is reached) are what
		// the finding is about; the steps between explain how.
		importance := "important"
		if i == 0 || i == len(f.Path)-1 {
			importance = "essential"
		}
		step := sarif.NewThreadFlowLocation().WithLocation(loc).WithExecutionOrder(i + 1).WithImportance(importance)
		steps = append(steps, step)
	}
	flow := sarif.NewCodeFlow().
		WithMessage(sarif.NewTextMessage(strings.Join(names, " → "))).
		WithThreadFlows([]*sarif.ThreadFlow{sarif.NewThreadFlow().WithLocations(steps)})
	return flow, related
}

// ruleName turns a title into the PascalCase name SARIF viewers show.
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

func precision(c rule.Confidence) string {
	switch c {
	case rule.ConfidenceHigh:
		return "high"
	case rule.ConfidenceLow:
		return "low"
	}
	return "medium"
}

func resultText(f rule.Finding) string {
	s := f.Message
	if f.Remediation != "" {
		s += "\nFix: " + f.Remediation
	}
	return s
}

func helpText(r *rule.Rule) string {
	return r.Doc.Description + "\n\nBad:\n" + r.Doc.Bad + "\n\nGood:\n" + r.Doc.Good + "\n\nFix: " + r.Doc.Remediation
}

func helpMarkdown(r *rule.Rule) string {
	return r.Doc.Description + "\n\n**Bad**\n\n```yaml\n" + r.Doc.Bad + "\n```\n\n**Good**\n\n```yaml\n" + r.Doc.Good + "\n```\n\n**Fix:** " + r.Doc.Remediation
}
