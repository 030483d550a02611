package scan

import (
	"context"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/load/discover"
)

// BenchmarkIAMCorpus times the IAM engine alone, the effective permissions
// of every principal of every corpus stack (the largest share of the graph
// step), with a fresh analyzer per pass so nothing is served from its
// per-stack memo.
func BenchmarkIAMCorpus(b *testing.B) {
	corpus := sharedCorpus(b)
	ctx := context.Background()
	app, _, err := discover.Load(ctx, []string{corpus}, discover.Options{Loaders: DefaultLoaders()})
	if err != nil {
		b.Fatal(err)
	}
	warm := iam.NewAnalyzer()
	if err := warm.Catalog.Err(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := &iam.Analyzer{Catalog: warm.Catalog, Managed: warm.Managed}
		grants := 0
		for _, st := range app.Stacks {
			an, err := a.Analyze(ctx, st)
			if err != nil {
				b.Fatal(err)
			}
			for _, f := range an.Functions {
				grants += len(f.Grants)
			}
		}
		if grants == 0 {
			b.Fatal("no grants")
		}
		b.ReportMetric(float64(grants), "grants")
	}
}
