package rule

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/model"
)

func testRule(id string, run func(ctx context.Context, p *Pass) error) *Rule {
	return &Rule{ID: id, Title: "Test rule", Category: Misconfig, Severity: Medium, Confidence: ConfidenceHigh, Platforms: []model.Provider{model.AnyProvider},
		Doc: Doc{Description: "d", Bad: "b", Good: "g", Remediation: "fix it"}, Run: run}
}

func TestRunSortsDedupesAndFills(t *testing.T) {
	st := &model.Stack{ID: "b.yaml", File: "b.yaml"}
	st2 := &model.Stack{ID: "a.yaml", File: "a.yaml"}
	app := &model.App{Stacks: []*model.Stack{st, st2}}
	r := testRule("NL4999", func(ctx context.Context, p *Pass) error {
		p.Reportf(model.Pos{File: p.Stack.File, Line: 9}, "Z", "late")
		p.Reportf(model.Pos{File: p.Stack.File, Line: 3}, "Y", "early")
		p.Reportf(model.Pos{File: p.Stack.File, Line: 3}, "Y", "early") // duplicate
		return nil
	})
	panics := testRule("NL4998", func(ctx context.Context, p *Pass) error { panic("boom") })
	fails := testRule("NL4997", func(ctx context.Context, p *Pass) error { return errors.New("no") })
	fs, err := Run(context.Background(), []*Rule{r, panics, fails}, Input{App: app})
	if err == nil || !strings.Contains(err.Error(), "boom") || !strings.Contains(err.Error(), "rule NL4997 on a.yaml: no") {
		t.Errorf("err = %v, want the panic and the failure", err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.File+":"+f.Resource+":"+f.Message)
		if f.Severity != Medium || f.Category != Misconfig || f.Remediation != "fix it" || f.Fingerprint == "" || f.Path == nil || f.Stack != f.File {
			t.Errorf("finding not filled in: %+v", f)
		}
	}
	want := []string{"a.yaml:Y:early", "a.yaml:Z:late", "b.yaml:Y:early", "b.yaml:Z:late"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestFingerprintIgnoresNumbers(t *testing.T) {
	a := Finding{Rule: "NL5001", File: "t.yaml", Resource: "Api", Message: "up to $12.50 per hour", Line: 3}
	b := a
	b.Message, b.Line = "up to $99.10 per hour", 30
	c := a
	c.Resource = "Other"
	if Fingerprint(a) != Fingerprint(b) {
		t.Error("a changed figure or line changed the fingerprint")
	}
	if Fingerprint(a) == Fingerprint(c) {
		t.Error("another resource has the same fingerprint")
	}
}

func TestSuppress(t *testing.T) {
	pos := func(line int) model.Pos { return model.Pos{File: "t.yaml", Line: line} }
	app := &model.App{Stacks: []*model.Stack{{
		ID: "t.yaml", File: "t.yaml",
		Resources: []*model.Resource{
			{ID: "Bucket", Pos: pos(10)}, {ID: "Queue", Pos: pos(20)},
			// SAM's function and what it generates, all at the key's line.
			{ID: "Fn", Pos: pos(50)}, {ID: "FnRole", Pos: pos(50), Generated: "Fn"}, {ID: "FnUrl", Pos: pos(50), Generated: "Fn"},
			{ID: "Other", Pos: pos(60)},
		},
		Suppressions: []model.Suppression{
			{Pos: pos(5), Rules: []string{"NL1001"}, Reason: "line"},    // a line
			{Pos: pos(10), Rules: []string{"NL4003"}, Reason: "key"},    // a resource key
			{Pos: pos(21), Resource: "Queue", Reason: "all of them"},    // Metadata, every rule
			{Pos: pos(30), Rules: []string{"NL9999"}, Reason: "other"},  // nothing to suppress
			{Pos: pos(50), Rules: []string{"NL1002"}, Reason: "public"}, // the function key covers its URL
			{Pos: pos(60), Rules: []string{"NL4011"}},                   // no reason: suppresses nothing
		},
	}}}
	f := func(rule, res string, line int) Finding {
		return Finding{Rule: rule, Resource: res, File: "t.yaml", Line: line, Stack: "t.yaml"}
	}
	fs := []Finding{
		f("NL1001", "Api", 5),     // inline, same line
		f("NL1002", "Api", 5),     // other rule on that line
		f("NL4003", "Bucket", 12), // inside the annotated resource
		f("NL4004", "Bucket", 12), // other rule
		f("NL4013", "Queue", 22),  // Metadata
		f("NL5001", "Api", 40),    // config ignore
		f("NL5002", "Api", 41),    // expired config ignore
		f("NL1002", "FnUrl", 55),  // generated from the annotated function
		f("NL4011", "Other", 60),  // ignore without a reason
	}
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	ignores := []Ignore{
		{Rule: "NL5001", Path: "t.yaml", Reason: "budget alarm"},
		{Rule: "NL5002", Reason: "old", Expires: now.Add(-time.Hour)},
	}
	kept, dropped := Suppress(fs, app, ignores, now)
	var k, d []string
	for _, f := range kept {
		k = append(k, f.Rule)
	}
	for _, s := range dropped {
		d = append(d, s.Finding.Rule+"/"+s.Kind+"/"+s.Reason)
	}
	if diff := cmp.Diff([]string{"NL1002", "NL4004", "NL5002", "NL4011"}, k); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"NL1001/inline/line", "NL4003/inline/key", "NL4013/metadata/all of them", "NL5001/config/budget alarm", "NL1002/inline/public"}, d); diff != "" {
		t.Errorf("dropped (-want +got):\n%s", diff)
	}
}

func TestFilter(t *testing.T) {
	fs := []Finding{
		{Rule: "NL1001", Category: AttackSurface, Severity: High},
		{Rule: "NL3002", Category: IAM, Severity: Medium},
		{Rule: "NL4011", Category: Misconfig, Severity: Info},
	}
	cases := []struct {
		name string
		min  Severity
		only []string
		want []string
	}{
		{"all", "", nil, []string{"NL1001", "NL3002", "NL4011"}},
		{"medium and up", Medium, nil, []string{"NL1001", "NL3002"}},
		{"by id", "", []string{"nl4011"}, []string{"NL4011"}},
		{"by prefix", "", []string{"NL3*"}, []string{"NL3002"}},
		{"by category", "", []string{"attack-surface", "iam"}, []string{"NL1001", "NL3002"}},
		{"both", High, []string{"NL3*"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, f := range Filter(fs, tc.min, tc.only) {
				got = append(got, f.Rule)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestBaselineRoundTrip(t *testing.T) {
	old := Finish([]Finding{{Rule: "NL1001", File: "t.yaml", Resource: "Api", Message: "open", Line: 3}})
	var buf bytes.Buffer
	if err := WriteBaseline(&buf, NewBaseline(old)); err != nil {
		t.Fatal(err)
	}
	b, err := ReadBaseline(&buf)
	if err != nil {
		t.Fatal(err)
	}
	now := Finish([]Finding{
		{Rule: "NL1001", File: "t.yaml", Resource: "Api", Message: "open", Line: 7}, // moved: still known
		{Rule: "NL1002", File: "t.yaml", Resource: "Url", Message: "new", Line: 9},
	})
	// A streamed scan asks once per part, from several goroutines in
	// tests run with -race: every call gives the same answer.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fresh := b.New(now)
			if len(fresh) != 1 || fresh[0].Rule != "NL1002" {
				t.Errorf("new findings = %+v, want only NL1002", fresh)
			}
		}()
	}
	wg.Wait()
	if fresh := (*Baseline)(nil).New(now); len(fresh) != 2 {
		t.Errorf("no baseline: new findings = %+v, want both", fresh)
	}
	if _, err := ReadBaseline(strings.NewReader(`{"version": 7}`)); err == nil {
		t.Error("accepted an unknown baseline version")
	}
}

func TestValidate(t *testing.T) {
	r := testRule("NL4999", func(context.Context, *Pass) error { return nil })
	if err := r.Validate(); err != nil {
		t.Errorf("valid rule: %v", err)
	}
	bad := &Rule{ID: "X1", Title: "Ends with a period.", Category: "nope", Severity: "urgent"}
	err := bad.Validate()
	for _, want := range []string{"ID must look like", "title", "unknown category", "unknown severity", "Platforms must list", "documentation", "Run is nil"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to mention %q", err, want)
		}
	}
}

func TestCheckSuppressions(t *testing.T) {
	pos := func(line int) model.Pos { return model.Pos{File: "t.yaml", Line: line} }
	app := &model.App{Stacks: []*model.Stack{{
		ID: "t.yaml",
		Suppressions: []model.Suppression{
			{Pos: pos(9), Rules: []string{"NL1001"}, Reason: "fine"},
			{Pos: pos(3), Rules: []string{"NL9999"}, Reason: "typo"},
			{Pos: pos(5), Rules: []string{"NL1001"}},
			{Pos: pos(7), Reason: "NL1OO1 letter O instead of zero"},
			{Pos: pos(8), Reason: "all rules, on purpose"},
		},
	}}}
	known := func(id string) bool { return id == "NL1001" }
	var got []string
	for _, p := range CheckSuppressions(app, known) {
		got = append(got, fmt.Sprintf("%d %s", p.Pos.Line, p.Rule))
	}
	if diff := cmp.Diff([]string{"3 NL9999", "5 ", "7 NL1OO1"}, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
