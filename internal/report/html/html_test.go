package html

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func render(t *testing.T, doc *result.Document) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, doc, Options{}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return b.Bytes()
}

var dataRE = regexp.MustCompile(`(?s)<script type="application/json" id="` + DataElementID + `">(.*?)</script>`)

// embeddedData returns the report data embedded in page.
func embeddedData(t *testing.T, page []byte) []byte {
	t.Helper()
	m := dataRE.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no data block in page")
	}
	return m[1]
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report/html -run TestGolden -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got); run go test ./internal/report/html -run TestGolden -update:\n%s", path, diff)
	}
}

func TestGolden(t *testing.T) {
	page := render(t, smallDoc())
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, embeddedData(t, page), "", "  "); err != nil {
		t.Fatalf("embedded data is not JSON: %v", err)
	}
	pretty.WriteByte('\n')
	golden(t, "small.data.golden.json", pretty.Bytes())
	golden(t, "small.golden.html", page)
}

func TestDeterministic(t *testing.T) {
	a := render(t, smallDoc())
	// The same document with its nodes, edges and findings in another order.
	doc := smallDoc()
	rev := func(n int, swap func(i, j int)) {
		for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
			swap(i, j)
		}
	}
	rev(len(doc.Graph.Nodes), func(i, j int) { doc.Graph.Nodes[i], doc.Graph.Nodes[j] = doc.Graph.Nodes[j], doc.Graph.Nodes[i] })
	rev(len(doc.Graph.Edges), func(i, j int) { doc.Graph.Edges[i], doc.Graph.Edges[j] = doc.Graph.Edges[j], doc.Graph.Edges[i] })
	rev(len(doc.Findings), func(i, j int) { doc.Findings[i], doc.Findings[j] = doc.Findings[j], doc.Findings[i] })
	rev(len(doc.Inputs), func(i, j int) { doc.Inputs[i], doc.Inputs[j] = doc.Inputs[j], doc.Inputs[i] })
	b := render(t, doc)
	c := render(t, smallDoc())
	if !bytes.Equal(a, b) || !bytes.Equal(a, c) {
		t.Errorf("output differs across runs or input order")
	}
}

func TestWriteDoesNotMutate(t *testing.T) {
	doc := smallDoc()
	first := doc.Graph.Nodes[0].ID
	render(t, doc)
	if doc.Graph.Nodes[0].ID != first {
		t.Errorf("Write reordered the caller's graph")
	}
}

func TestCSPHashesMatchInlineCode(t *testing.T) {
	page := string(render(t, smallDoc()))
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(page)
	if csp == nil {
		t.Fatal("no CSP meta tag")
	}
	policy := strings.ReplaceAll(csp[1], "&#39;", "'")
	for _, want := range []string{"default-src 'none'", "connect-src 'none'", "img-src data:", "base-uri 'none'"} {
		if !strings.Contains(policy, want) {
			t.Errorf("CSP %q lacks %q", policy, want)
		}
	}
	if strings.Contains(policy, "unsafe") {
		t.Errorf("CSP allows unsafe sources: %q", policy)
	}
	sum := func(s string) string {
		h := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
	}
	scripts := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllStringSubmatch(page, -1)
	styles := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(page, -1)
	if len(scripts) != 1 || len(styles) != 1 {
		t.Fatalf("got %d executable scripts and %d styles, want 1 and 1", len(scripts), len(styles))
	}
	if !strings.Contains(policy, "script-src "+sum(scripts[0][1])) {
		t.Errorf("CSP script-src does not allow the inline script")
	}
	if !strings.Contains(policy, "style-src "+sum(styles[0][1])) {
		t.Errorf("CSP style-src does not allow the inline style")
	}
	for _, bad := range []string{"http://", "https://", "src=\"", "href=\"", "@import", "url(http"} {
		if strings.Contains(page, bad) && bad != "http://" {
			t.Errorf("page contains %q", bad)
		}
	}
	// The only http:// is the SVG namespace.
	if n := strings.Count(page, "http://") - strings.Count(page, "http://www.w3.org/2000/svg"); n != 0 {
		t.Errorf("page names %d http:// addresses besides the SVG namespace", n)
	}
	if strings.Contains(page, "https://") {
		t.Errorf("page names an https:// address")
	}
}

const hostile = `</script><img src=x onerror=alert(1)><!--<script>` + "\u2028" + `"'&`

func TestHostileValuesAreEscaped(t *testing.T) {
	doc := smallDoc()
	doc.App.Root = hostile
	doc.Tool.Version = hostile
	doc.Inputs[0].Path = hostile
	for _, n := range doc.Graph.Nodes {
		if n.ID.String() == idTable {
			n.Name, n.Classification, n.File = hostile, hostile, hostile
		}
	}
	doc.Graph.Edges[0].Via = hostile
	doc.Findings[0].Message, doc.Findings[0].Remediation, doc.Findings[0].Resource = hostile, hostile, hostile
	doc.Findings[0].Rule = hostile
	page := string(render(t, doc))
	if strings.Contains(page, "<img") {
		t.Errorf("page contains an injected <img")
	}
	if got := strings.Count(page, "</script>"); got != 2 {
		t.Errorf("page has %d </script>, want 2 (data and code)", got)
	}
	if got := strings.Count(page, "<script"); got != 2 {
		t.Errorf("page has %d <script, want 2", got)
	}
	if strings.Contains(page, "<!--") {
		t.Errorf("page contains a comment opener from the data")
	}
	if data := embeddedData(t, []byte(page)); bytes.ContainsAny(data, "<>&\u2028\u2029") {
		t.Errorf("embedded data contains unescaped <, >, & or line separators")
	}
	// The data still decodes to the hostile values.
	var v view
	if err := json.Unmarshal(embeddedData(t, []byte(page)), &v); err != nil {
		t.Fatalf("embedded data: %v", err)
	}
	var name string
	for _, n := range v.Nodes {
		if n.ID == idTable {
			name = n.Name
		}
	}
	var msg string
	for _, f := range v.Findings {
		if f.Rule == hostile {
			msg = f.Message
		}
	}
	if name != hostile || v.Root != hostile || msg != hostile {
		t.Errorf("hostile values did not round-trip: name %q root %q message %q", name, v.Root, msg)
	}
	// The script puts values on the page as text only.
	for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
		if strings.Contains(script, sink) {
			t.Errorf("report.js uses the HTML sink %s", sink)
		}
	}
}

func TestEmptyDocument(t *testing.T) {
	for _, doc := range []*result.Document{nil, {}, {Graph: &graph.Graph{}}} {
		page := render(t, doc)
		var v view
		if err := json.Unmarshal(embeddedData(t, page), &v); err != nil {
			t.Fatalf("embedded data: %v", err)
		}
		if v.Nodes == nil || v.Edges == nil || v.Findings == nil {
			t.Errorf("empty lists must encode as [], got %+v", v)
		}
	}
}

func TestReachable(t *testing.T) {
	g := smallDoc().Graph
	tests := []struct {
		name, id string
		want     []string
	}{
		{"public route reaches its function, the table it reads and the role", idGetOrders,
			[]string{idInternet, idRole, idTable, idGetOrders, idList}},
		{"queue reaches its consumer and what the consumer writes; writers reach the queue", idQueue,
			[]string{idUsers, idPostOrders, idBucket, idQueue, idTable, idCreate, idProcess}},
		{"unknown node", "nope", []string{"nope"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := append([]string(nil), tc.want...)
			sortStrings(want)
			if diff := cmp.Diff(want, reachable(g, tc.id)); diff != "" {
				t.Errorf("reachable(%s) (-want +got):\n%s", tc.id, diff)
			}
		})
	}
}

func TestViewMarksAndSurface(t *testing.T) {
	v := buildView(smallDoc())
	marks := map[string]string{}
	for _, n := range v.Nodes {
		var m []string
		if n.Anon {
			m = append(m, "anon")
		}
		if n.Classified {
			m = append(m, "classified")
		}
		if n.Severity != "" {
			m = append(m, n.Severity)
		}
		marks[n.ID] = strings.Join(m, ",")
	}
	want := map[string]string{
		idInternet: "anon,critical", idUsers: "", idGetOrders: "anon,critical", idPostOrders: "high",
		idList: "critical", idCreate: "high", idProcess: "low", idTable: "classified,critical",
		idQueue: "low", idBucket: "info", idRole: "",
	}
	if diff := cmp.Diff(want, marks); diff != "" {
		t.Errorf("node marks (-want +got):\n%s", diff)
	}
	var rows []string
	for _, r := range v.Surface {
		rows = append(rows, strings.Join([]string{r.Name, r.Auth, strings.Join(r.Principals, " "), strings.Join(r.Functions, " "), strings.Join(r.Stores, " ")}, "|"))
	}
	wantRows := []string{
		"GET /orders|none|principal:internet|app#function:ListOrders|app#store:OrdersTable",
		"POST /orders|cognito|principal:cognito-users|app#function:CreateOrder app#function:ProcessOrder|app#store:OrdersQueue app#store:OrdersTable app#store:ReportsBucket",
	}
	if diff := cmp.Diff(wantRows, rows); diff != "" {
		t.Errorf("surface (-want +got):\n%s", diff)
	}
	if got := v.Findings[0].Severity; got != string(rule.Critical) {
		t.Errorf("first finding is %s, want critical first", got)
	}
}

func BenchmarkWrite500(b *testing.B) {
	doc := bigDoc(500)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, doc, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/report")
}

// FuzzWriteEscapes checks that no value from a template can end the data
// block, open a comment or an element, and that every value round-trips.
func FuzzWriteEscapes(f *testing.F) {
	for _, s := range []string{hostile, "</SCRIPT>", "<!--", "]]>", "\u2029", "&lt;", "\x00", "GET /orders"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		doc := smallDoc()
		doc.App.Root = s
		doc.Graph.Nodes[0].Name = s
		doc.Findings[0].Message = s
		page := render(t, doc)
		low := bytes.ToLower(page)
		if n := bytes.Count(low, []byte("</script")); n != 2 {
			t.Fatalf("%d </script in page, want 2", n)
		}
		if n := bytes.Count(low, []byte("<script")); n != 2 {
			t.Fatalf("%d <script in page, want 2", n)
		}
		if bytes.Contains(page, []byte("<!--")) {
			t.Fatalf("page contains <!--")
		}
		var v view
		if err := json.Unmarshal(embeddedData(t, page), &v); err != nil {
			t.Fatalf("embedded data: %v", err)
		}
		if utf8.ValidString(s) && v.Root != s {
			t.Fatalf("root = %q, want %q", v.Root, s)
		}
	})
}
