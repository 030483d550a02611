package ruletest

import (
	"context"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Findings runs rule r on the txtar app in file, as Run does, and returns
// its findings (after suppressions), for tests that check more than the
// message: severity, confidence, path.
func Findings(t *testing.T, file string, r *rule.Rule) []rule.Finding {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	app := LoadArchive(t, ar)
	an := iam.NewAnalyzer()
	g, err := graph.Build(context.Background(), app, graph.Options{Permissions: graph.IAMPermissions(an)})
	if err != nil {
		t.Fatalf("graph: %v", err)
	}
	fs, err := rule.Run(context.Background(), []*rule.Rule{r}, rule.Input{App: app, Graph: g, IAM: an, Now: Now()})
	if err != nil {
		t.Errorf("rule error: %v", err)
	}
	fs, _ = rule.Suppress(fs, app, nil, time.Now())
	return fs
}
