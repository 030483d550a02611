package html

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// e2ePage is one report for e2e/report.e2e.mjs to drive.
type e2ePage struct {
	Name        string `json:"name"`
	File        string `json:"file"`
	Click       string `json:"click,omitempty"`
	Overview    bool   `json:"overview,omitempty"`
	HoverEdge   string `json:"hoverEdge,omitempty"` // index in the view's edges
	Focus       bool   `json:"focus,omitempty"`
	Finding     *int   `json:"finding,omitempty"`
	Severity    string `json:"severity,omitempty"`
	Search      string `json:"search,omitempty"`
	Entry       string `json:"entry,omitempty"`
	Class       string `json:"classification,omitempty"`
	Zoom        bool   `json:"zoom,omitempty"`
	Tables      bool   `json:"tables,omitempty"`
	Screenshots string `json:"screenshots,omitempty"`
	// Width and Height set the window (default 1600×1000).
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// Layout checks that the page chrome fits the window.
	Layout bool `json:"layout,omitempty"`
	// Stacks, a stack ID, exercises the stack boxes of a multi-stack page.
	Stacks string `json:"stacks,omitempty"`
}

// e2eResult is what the script saw on one page.
type e2eResult struct {
	Name          string   `json:"name"`
	URL           string   `json:"url"`
	Requests      []string `json:"requests"`
	ConsoleErrors []string `json:"consoleErrors"`
	PageErrors    []string `json:"pageErrors"`
	Screenshots   []string `json:"screenshots"`
	LoadMs        float64  `json:"loadMs"`
	FirstRenderMs float64  `json:"firstRenderMs"`
	ClickMs       float64  `json:"clickMs"`
	Timings       struct {
		Start, Parse, Layout, Draw float64
	} `json:"timings"`
	NodeCount          int      `json:"nodeCount"`
	EdgeCount          int      `json:"edgeCount"`
	Rendered           []string `json:"rendered"`
	Highlighted        []string `json:"highlighted"`
	HighlightedEdges   int      `json:"highlightedEdges"`
	Tip                string   `json:"tip"`
	OverviewFar        bool     `json:"overviewFar"`
	MiniShown          bool     `json:"miniShown"`
	MiniScrolled       bool     `json:"miniScrolled"`
	EdgeTip            string   `json:"edgeTip"`
	Focused            []string `json:"focused"`
	FindingHighlighted []string `json:"findingHighlighted"`
	Matches            []string `json:"matches"`
	EntryFiltered      []string `json:"entryFiltered"`
	ClassFiltered      []string `json:"classFiltered"`
	Zoom               *struct {
		Ratio  float64 `json:"ratio"`
		Panned bool    `json:"panned"`
	} `json:"zoom"`
	Costs              []string `json:"costs"`
	CostsReversed      []string `json:"costsReversed"`
	Surface            []string `json:"surface"`
	SurfaceHighlighted []string `json:"surfaceHighlighted"`
	AfterClear         *struct {
		NodeCount   int      `json:"nodeCount"`
		Highlighted []string `json:"highlighted"`
	} `json:"afterClear"`
	Filtered *struct {
		Rendered  []string `json:"rendered"`
		EdgeCount int      `json:"edgeCount"`
		Findings  int      `json:"findings"`
	} `json:"filtered"`
	Layout *struct {
		Clipped  []string `json:"clipped"`
		Overlaps bool     `json:"overlaps"`
		Title    string   `json:"title"`
		DocTitle string   `json:"docTitle"`
		ScrollW  int      `json:"scrollW"`
		ScrollH  int      `json:"scrollH"`
		W        int      `json:"W"`
		H        int      `json:"H"`
	} `json:"layout"`
	Stacks *struct {
		Boxes               []string `json:"boxes"`
		Rendered            []string `json:"rendered"`
		ExpandedByClick     []string `json:"expandedByClick"`
		RenderedAfterClick  []string `json:"renderedAfterClick"`
		ExpandedAfterToggle []string `json:"expandedAfterToggle"`
		ExpandedByFinding   []string `json:"expandedByFinding"`
		FindingHighlighted  []string `json:"findingHighlighted"`
		BoxesAfterCollapse  []string `json:"boxesAfterCollapse"`
		BoxesAfterExpand    []string `json:"boxesAfterExpand"`
		RenderedAfterExpand []string `json:"renderedAfterExpand"`
	} `json:"stacks"`
}

// browserPrereqs returns the Chromium binary and the e2e directory, or skips
// the test when they are missing outside CI; in CI (CI set) it fails.
func browserPrereqs(t *testing.T) (chromium, dir string) {
	t.Helper()
	chromium = os.Getenv("NIGHTLIGHT_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	dir, err := filepath.Abs("e2e")
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	if _, err := os.Stat(chromium); err != nil {
		missing = append(missing, chromium+" (apt-get install -y chromium)")
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core", "package.json")); err != nil {
		missing = append(missing, "e2e/node_modules (npm ci in internal/report/html/e2e)")
	}
	if len(missing) > 0 {
		msg := "browser test prerequisites missing: " + strings.Join(missing, ", ") + "; run .ci/install-browser.sh"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return chromium, dir
}

// artifactDir is $NIGHTLIGHT_ARTIFACTS/html-report when set, else a
// temporary directory removed after the test.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if a := os.Getenv("NIGHTLIGHT_ARTIFACTS"); a != "" {
		dir = filepath.Join(a, "html-report")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("browser test artifacts (reports, screenshots) in %s", dir)
	return dir
}

func writeReport(t *testing.T, dir, name string, doc *result.Document) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, doc, Options{}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name+".html")
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

func runE2E(t *testing.T, chromium, dir string, pages []e2ePage) map[string]e2eResult {
	t.Helper()
	cfg, err := json.Marshal(map[string]any{"chromium": chromium, "pages": pages})
	if err != nil {
		t.Fatal(err)
	}
	cfgFile := filepath.Join(t.TempDir(), "e2e.json")
	if err := os.WriteFile(cfgFile, cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join(dir, "report.e2e.mjs"), cfgFile)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("node report.e2e.mjs: %v\nstderr:\n%s", err, stderr.String())
	}
	t.Logf("browser session took %v", time.Since(start).Round(time.Millisecond))
	var results []e2eResult
	if err := json.Unmarshal(stdout.Bytes(), &results); err != nil {
		t.Fatalf("decode e2e output: %v\n%s", err, stdout.String())
	}
	out := map[string]e2eResult{}
	for _, r := range results {
		out[r.Name] = r
	}
	return out
}

// checkCommon asserts what must hold on every page: no request but the
// report itself, no script or CSP errors, one element per node and edge.
func checkCommon(t *testing.T, r e2eResult, v *view) {
	t.Helper()
	for _, u := range r.Requests {
		if u != r.URL {
			t.Errorf("%s: page requested %q; only the report file %q is allowed", r.Name, u, r.URL)
		}
	}
	if len(r.ConsoleErrors) > 0 || len(r.PageErrors) > 0 {
		t.Errorf("%s: console errors %q, page errors %q", r.Name, r.ConsoleErrors, r.PageErrors)
	}
	if r.NodeCount != len(v.Nodes) || r.EdgeCount != len(v.Edges) {
		t.Errorf("%s: rendered %d nodes and %d edges, graph has %d and %d", r.Name, r.NodeCount, r.EdgeCount, len(v.Nodes), len(v.Edges))
	}
	ids := []string{}
	for _, n := range v.Nodes {
		ids = append(ids, n.ID)
	}
	sort.Strings(ids)
	if diff := cmp.Diff(ids, r.Rendered); diff != "" {
		t.Errorf("%s: rendered nodes (-want +got):\n%s", r.Name, diff)
	}
}

func TestBrowser(t *testing.T) {
	chromium, dir := browserPrereqs(t)
	art := artifactDir(t)

	small := smallDoc()
	big := bigDoc(500)
	mono := multiDoc(12)
	first := 0
	pages := []e2ePage{
		{Name: "small", File: writeReport(t, art, "small", small), Click: idGetOrders, HoverEdge: edgeIndex(small, idGetOrders, idList), Focus: true, Finding: &first,
			Severity: string(rule.High), Search: "orders", Entry: idPostOrders, Class: "pii", Zoom: true, Tables: true, Screenshots: art},
		{Name: "500-functions", File: writeReport(t, art, "500-functions", big), Overview: true, Click: "app#entry-point:GET /items/000", Focus: true,
			Severity: string(rule.Critical), Screenshots: art},
		{Name: "empty", File: writeReport(t, art, "empty", &result.Document{}), Screenshots: art},
		{Name: "small-1024", File: writeReport(t, art, "small-1024", small), Width: 1024, Height: 768, Layout: true, Screenshots: art},
		{Name: "mono-1024", File: writeReport(t, art, "mono-1024", mono), Width: 1024, Height: 768, Layout: true, Stacks: "mono/svc00/template.yaml", Screenshots: art},
	}
	results := runE2E(t, chromium, dir, pages)

	t.Run("small", func(t *testing.T) {
		r, ok := results["small"]
		if !ok {
			t.Fatal("no result")
		}
		v := buildView(small)
		checkCommon(t, r, v)
		if len(r.Requests) != 1 {
			t.Errorf("requests = %q, want only the report file", r.Requests)
		}
		if diff := cmp.Diff(reachable(small.Graph, idGetOrders), r.Highlighted); diff != "" {
			t.Errorf("clicking GET /orders highlights (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(reachable(small.Graph, idGetOrders), r.Focused); diff != "" {
			t.Errorf("focusing on GET /orders shows (-want +got):\n%s", diff)
		}
		if !strings.Contains(r.Tip, "evidence: template.yaml:40") || !strings.Contains(r.Tip, "auth: none") {
			t.Errorf("hovering GET /orders shows %q, want its evidence and auth", r.Tip)
		}
		if want := "evidence: template.yaml:40\n"; !strings.Contains(r.EdgeTip, want) || !strings.Contains(r.EdgeTip, "via: route GET /orders") {
			t.Errorf("hovering the GET /orders → ListOrders edge shows %q, want %q and its via", r.EdgeTip, want)
		}
		if r.HighlightedEdges == 0 {
			t.Errorf("clicking GET /orders highlights no edge")
		}
		if diff := cmp.Diff(v.Findings[0].Nodes, r.FindingHighlighted); diff != "" {
			t.Errorf("clicking the first finding highlights (-want +got):\n%s", diff)
		}
		var match []string
		for _, n := range v.Nodes {
			if strings.Contains(strings.ToLower(n.Name+"\x00"+n.ID), "orders") {
				match = append(match, n.ID)
			}
		}
		sort.Strings(match)
		if diff := cmp.Diff(match, r.Matches); diff != "" {
			t.Errorf("search matches (-want +got):\n%s", diff)
		}
		checkSeverityFilter(t, r, v, rule.High)
		if diff := cmp.Diff(reachable(small.Graph, idPostOrders), r.EntryFiltered); diff != "" {
			t.Errorf("entry point POST /orders shows (-want +got):\n%s", diff)
		}
		// Classification pii: the PII table and everything that reaches it,
		// the queue too (its consumer manages the table).
		wantPII := []string{idInternet, idUsers, idTable, idQueue, idGetOrders, idPostOrders, idCreate, idList, idProcess}
		sort.Strings(wantPII)
		if diff := cmp.Diff(wantPII, r.ClassFiltered); diff != "" {
			t.Errorf("classification pii shows (-want +got):\n%s", diff)
		}
		if r.Zoom == nil || r.Zoom.Ratio < 1.2 || r.Zoom.Ratio > 1.3 || !r.Zoom.Panned {
			t.Errorf("zoom in and drag: %+v, want the scale ×1.25 and the view panned", r.Zoom)
		}
		if r.AfterClear == nil || r.AfterClear.NodeCount != len(v.Nodes) || len(r.AfterClear.Highlighted) != 0 {
			t.Errorf("after Clear: %+v, want all %d nodes shown and none highlighted", r.AfterClear, len(v.Nodes))
		}
		// Sortable tables: costs by $/hour descending, then ascending; the
		// surface by entry point name; a row click selects its entry point.
		var costs []float64
		for _, f := range v.Findings {
			if f.Category == string(rule.DenialOfWallet) {
				costs = append(costs, f.CostPerHour)
			}
		}
		sort.Sort(sort.Reverse(sort.Float64Slice(costs)))
		var want, rev []string
		for i := range costs {
			want = append(want, fmt.Sprintf("$%.2f", costs[i]))
			rev = append(rev, fmt.Sprintf("$%.2f", costs[len(costs)-1-i]))
		}
		if diff := cmp.Diff(want, r.Costs); diff != "" {
			t.Errorf("cost table (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(rev, r.CostsReversed); diff != "" {
			t.Errorf("cost table after a click on $/hour (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"GET /orders", "POST /orders"}, r.Surface); diff != "" {
			t.Errorf("surface table sorted by entry point (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(reachable(small.Graph, idGetOrders), r.SurfaceHighlighted); diff != "" {
			t.Errorf("clicking the GET /orders row highlights (-want +got):\n%s", diff)
		}
		t.Logf("small: first render %.0f ms, load %.0f ms; screenshots %q", r.FirstRenderMs, r.LoadMs, r.Screenshots)
	})

	for _, name := range []string{"small-1024", "mono-1024"} {
		t.Run(name, func(t *testing.T) {
			r, ok := results[name]
			if !ok || r.Layout == nil {
				t.Fatal("no result")
			}
			l := r.Layout
			if len(l.Clipped) > 0 || l.Overlaps || l.ScrollW > l.W || l.ScrollH > l.H {
				t.Errorf("at %d×%d: clipped %q, overlaps %v, page %d×%d", l.W, l.H, l.Clipped, l.Overlaps, l.ScrollW, l.ScrollH)
			}
			want := map[string]string{"small-1024": "orders", "mono-1024": "mono"}[name]
			if l.Title != want || l.DocTitle != want+" — nightlight report" {
				t.Errorf("title %q, page title %q; want %q from the scanned folder", l.Title, l.DocTitle, want)
			}
		})
	}

	t.Run("stacks", func(t *testing.T) {
		r, ok := results["mono-1024"]
		if !ok || r.Stacks == nil {
			t.Fatal("no result")
		}
		v := buildView(mono)
		if len(r.Requests) != 1 || len(r.ConsoleErrors) > 0 || len(r.PageErrors) > 0 {
			t.Errorf("requests %q, console errors %q, page errors %q", r.Requests, r.ConsoleErrors, r.PageErrors)
		}
		var all, boxes []string
		for _, st := range v.Stacks {
			boxes = append(boxes, st.ID)
		}
		for _, n := range v.Nodes {
			all = append(all, n.ID)
		}
		sort.Strings(all)
		s := r.Stacks
		// Collapsed: one box per stack, only the principals drawn.
		if diff := cmp.Diff(boxes, s.Boxes); diff != "" {
			t.Errorf("initial boxes (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{idInternet}, s.Rendered); diff != "" {
			t.Errorf("initially drawn nodes (-want +got):\n%s", diff)
		}
		first := "mono/svc00/template.yaml"
		if diff := cmp.Diff([]string{first}, s.ExpandedByClick); diff != "" {
			t.Errorf("a click on a box expands (-want +got):\n%s", diff)
		}
		want := []string{first + "#entry-point:GET /s0", first + "#function:Fn", first + "#store:Table", idInternet}
		if diff := cmp.Diff(want, s.RenderedAfterClick); diff != "" {
			t.Errorf("drawn after expanding %s (-want +got):\n%s", first, diff)
		}
		if len(s.ExpandedAfterToggle) != 0 {
			t.Errorf("a click on the frame heading leaves %q expanded, want none", s.ExpandedAfterToggle)
		}
		last := "mono/svc11/template.yaml"
		if diff := cmp.Diff([]string{last}, s.ExpandedByFinding); diff != "" {
			t.Errorf("a finding in a collapsed stack expands (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(v.Findings[0].Nodes, s.FindingHighlighted); diff != "" {
			t.Errorf("the finding highlights (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(boxes, s.BoxesAfterCollapse); diff != "" {
			t.Errorf("boxes after Collapse all (-want +got):\n%s", diff)
		}
		if len(s.BoxesAfterExpand) != 0 {
			t.Errorf("boxes after Expand all: %q, want none", s.BoxesAfterExpand)
		}
		if diff := cmp.Diff(all, s.RenderedAfterExpand); diff != "" {
			t.Errorf("drawn after Expand all (-want +got):\n%s", diff)
		}
	})

	t.Run("empty", func(t *testing.T) {
		r, ok := results["empty"]
		if !ok {
			t.Fatal("no result")
		}
		checkCommon(t, r, buildView(&result.Document{}))
	})

	t.Run("500-functions", func(t *testing.T) {
		r, ok := results["500-functions"]
		if !ok {
			t.Fatal("no result")
		}
		v := buildView(big)
		checkCommon(t, r, v)
		if diff := cmp.Diff(reachable(big.Graph, "app#entry-point:GET /items/000"), r.Highlighted); diff != "" {
			t.Errorf("clicking GET /items/000 highlights (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(reachable(big.Graph, "app#entry-point:GET /items/000"), r.Focused); diff != "" {
			t.Errorf("focusing on GET /items/000 shows (-want +got):\n%s", diff)
		}
		checkSeverityFilter(t, r, v, rule.Critical)
		if !r.OverviewFar {
			t.Errorf("the overview of 500 functions shows labels; it should hide them")
		}
		if !r.MiniShown || !r.MiniScrolled {
			t.Errorf("minimap shown %v, scrolls the view on click %v; want both", r.MiniShown, r.MiniScrolled)
		}
		t.Logf("500 functions (%d nodes, %d edges): time to first render %.0f ms (script start %.0f, JSON parse %.0f, layout %.0f, DOM %.0f; page load to ready %.0f ms), click to highlight %.0f ms",
			len(v.Nodes), len(v.Edges), r.FirstRenderMs, r.Timings.Start, r.Timings.Parse, r.Timings.Layout, r.Timings.Draw, r.LoadMs, r.ClickMs)
		// Generous: the machine is shared; a regression to seconds still fails.
		if r.FirstRenderMs <= 0 || r.FirstRenderMs > 10000 {
			t.Errorf("time to first render %.0f ms, want 0 < t ≤ 10000", r.FirstRenderMs)
		}
	})
}

// checkSeverityFilter asserts that filtering at min shows exactly the nodes
// the findings at or above min touch, the edges among them, and those
// findings.
func checkSeverityFilter(t *testing.T, r e2eResult, v *view, min rule.Severity) {
	t.Helper()
	if r.Filtered == nil {
		t.Fatal("no filter result")
	}
	keep := map[string]bool{}
	findings := 0
	for _, f := range v.Findings {
		if rule.Severity(f.Severity).Rank() >= min.Rank() {
			findings++
			for _, id := range f.Nodes {
				keep[id] = true
			}
		}
	}
	var want []string
	for id := range keep {
		want = append(want, id)
	}
	sort.Strings(want)
	edges := 0
	for _, e := range v.Edges {
		if keep[e.From] && keep[e.To] {
			edges++
		}
	}
	if diff := cmp.Diff(want, r.Filtered.Rendered); diff != "" {
		t.Errorf("severity ≥ %s shows nodes (-want +got):\n%s", min, diff)
	}
	if r.Filtered.EdgeCount != edges || r.Filtered.Findings != findings {
		t.Errorf("severity ≥ %s shows %d edges and %d findings, want %d and %d", min, r.Filtered.EdgeCount, r.Filtered.Findings, edges, findings)
	}
	if len(want) >= len(v.Nodes) {
		t.Errorf("severity ≥ %s filters nothing out; the test document should exercise the filter", min)
	}
}

// edgeIndex is the index, as the page numbers edges, of the edge from → to.
func edgeIndex(doc *result.Document, from, to string) string {
	for i, e := range buildView(doc).Edges {
		if e.From == from && e.To == to {
			return fmt.Sprint(i)
		}
	}
	return "-1"
}
