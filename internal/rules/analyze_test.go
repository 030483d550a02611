package rules_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules"
)

const app = `-- template.yaml --
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.8
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: {ZipFile: "x"}
  Url:
    Type: AWS::Lambda::Url
    Properties:
      AuthType: NONE # nightlight:ignore NL1002 demo endpoint
      TargetFunctionArn: !GetAtt Fn.Arn
  Topic:
    Type: AWS::SNS::Topic
`

// loadDoc loads the app and builds its graph, as scan does before it
// calls Analyze.
func loadDoc(t *testing.T, cfg *config.Config) *result.Document {
	t.Helper()
	a := ruletest.LoadArchive(t, txtar.Parse([]byte(app)))
	g, err := graph.Build(context.Background(), a, graph.Options{Permissions: graph.IAMPermissions(iam.NewAnalyzer()), Classify: cfg.Classify, Group: cfg.Group})
	if err != nil {
		t.Fatal(err)
	}
	return &result.Document{App: a, Graph: g}
}

func ids(fs []rule.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

func TestAnalyze(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	cfg := &config.Config{Ignore: []config.Ignore{{Rule: "NL4011", Reason: "logs are shipped elsewhere"}}}
	cases := []struct {
		name       string
		opts       rules.Options
		want       []string
		suppressed int
	}{
		{name: "defaults", opts: rules.Options{Config: cfg}, want: []string{"NL4010", "NL4008", "NL3010", "NL5001", "NL4005"}, suppressed: 2},
		{name: "severity", opts: rules.Options{Config: cfg, MinSeverity: rule.Medium}, want: []string{"NL4008"}, suppressed: 2},
		{name: "only", opts: rules.Options{Config: cfg, Only: []string{"NL4*"}}, want: []string{"NL4010", "NL4008", "NL4005"}, suppressed: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := loadDoc(t, tc.opts.Config)
			g := doc.Graph
			tc.opts.Now = now
			res, err := rules.Analyze(context.Background(), doc, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, ids(doc.Findings)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if len(res.Suppressed) != tc.suppressed {
				t.Errorf("suppressed %d, want %d: %+v", len(res.Suppressed), tc.suppressed, res.Suppressed)
			}
			if doc.Graph != g {
				t.Error("Analyze replaced the caller's graph")
			}
		})
	}
	t.Run("baseline", func(t *testing.T) {
		doc := loadDoc(t, nil)
		if _, err := rules.Analyze(context.Background(), doc, rules.Options{Now: now}); err != nil {
			t.Fatal(err)
		}
		base := rule.NewBaseline(doc.Findings)
		doc2 := loadDoc(t, nil)
		res, err := rules.Analyze(context.Background(), doc2, rules.Options{Now: now, Baseline: base})
		if err != nil {
			t.Fatal(err)
		}
		if len(doc2.Findings) != 0 || res.Baselined != len(doc.Findings) {
			t.Errorf("with its own baseline: %d findings left, %d baselined", len(doc2.Findings), res.Baselined)
		}
	})
}
