package graph

import (
	"context"
	"fmt"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// genApp generates one stack of nf functions and ns stores: every function
// has its own role reading two stores and writing one (by reference, with
// the first in its environment), a third of the stores are queues that
// trigger a function, and every fifth function sits behind a route.
func genApp(nf, ns int) *model.App {
	pos := func(line int) model.Pos { return model.Pos{File: "gen.yaml", Line: line, Col: 1} }
	str := func(s string, line int) *model.Value { return model.NewString(s, pos(line)) }
	st := &model.Stack{ID: "gen.yaml", File: "gen.yaml", Format: model.FormatCloudFormation, Provider: model.AWS}
	for i := 0; i < ns; i++ {
		kind := model.StoreTable
		if i%3 == 1 {
			kind = model.StoreQueue
		}
		st.Stores = append(st.Stores, &model.Store{ID: fmt.Sprintf("Store%04d", i), Pos: pos(10_000 + i), Kind: kind})
	}
	ref := func(i, line int) *model.Value {
		s := st.Stores[i%ns]
		arn := "arn:aws:dynamodb:us-east-1:123456789012:table/${" + s.ID + "}"
		if s.Kind == model.StoreQueue {
			arn = "arn:aws:sqs:us-east-1:123456789012:${" + s.ID + ".QueueName}"
		}
		v := str(arn, line)
		v.Unresolved, v.Refs = true, []string{s.ID}
		return v
	}
	stmt := func(line int, actions []string, res *model.Value) *model.Value {
		var acts []*model.Value
		for _, a := range actions {
			acts = append(acts, str(a, line))
		}
		return model.NewMap([]model.Field{
			{Key: "Effect", Value: str("Allow", line)},
			{Key: "Action", Value: model.NewList(acts, pos(line))},
			{Key: "Resource", Value: res},
		}, pos(line))
	}
	for i := 0; i < nf; i++ {
		line := 100 * i
		fn := &model.Function{ID: fmt.Sprintf("Fn%04d", i), Pos: pos(line), Role: fmt.Sprintf("Role%04d", i), Runtime: str("python3.12", line)}
		r1, r2, w := (3*i)%ns, (3*i+7)%ns, (3*i+11)%ns
		fn.Environment = []model.EnvVar{{Name: "TABLE", Pos: pos(line + 1), Value: ref(r1, line+1)}}
		doc := model.NewMap([]model.Field{
			{Key: "Version", Value: str("2012-10-17", line+2)},
			{Key: "Statement", Value: model.NewList([]*model.Value{
				stmt(line+3, []string{"dynamodb:GetItem", "dynamodb:Query", "sqs:ReceiveMessage"}, model.NewList([]*model.Value{ref(r1, line+3), ref(r2, line+3)}, pos(line+3))),
				stmt(line+4, []string{"dynamodb:PutItem", "sqs:SendMessage"}, ref(w, line+4)),
			}, pos(line+2))},
		}, pos(line+2))
		st.Roles = append(st.Roles, &model.Role{ID: fn.Role, Pos: pos(line + 5), Policies: []*model.PolicyDoc{{Name: "p", Pos: pos(line + 2), Source: model.PolicyInline, Document: doc}}})
		st.Functions = append(st.Functions, fn)
		if i%5 == 0 {
			st.EntryPoints = append(st.EntryPoints, &model.EntryPoint{ID: "Api GET /r" + fn.ID, Pos: pos(line + 6), Kind: model.EntryRoute,
				Method: "GET", Path: "/r" + fn.ID, Function: fn.ID, Auth: model.Auth{Type: model.AuthNone, Pos: pos(line + 6)}})
		}
	}
	for i := 1; i < ns; i += 3 {
		st.Triggers = append(st.Triggers, &model.Trigger{ID: fmt.Sprintf("T%04d", i), Pos: pos(20_000 + i), Kind: model.TriggerSQS,
			Function: st.Functions[(i*7)%nf].ID, Source: st.Stores[i].ID})
	}
	st.Sort()
	return &model.App{Root: "gen", Stacks: []*model.Stack{st}}
}

func TestGenerated(t *testing.T) {
	g, err := Build(context.Background(), genApp(50, 150), Options{})
	if err != nil {
		t.Fatal(err)
	}
	reads, writes := 0, 0
	for _, e := range g.Edges {
		switch e.Kind {
		case EdgeReads:
			reads++
		case EdgeWrites:
			writes++
		}
	}
	if reads < 50 || writes < 50 {
		t.Errorf("generated graph: %d reads, %d writes; want IAM edges for every function", reads, writes)
	}
}

// cachedPermissions analyzes each stack once, so that a benchmark can
// measure graph construction apart from IAM analysis.
type cachedPermissions struct {
	inner Permissions
	cache map[*model.Stack]*iam.Analysis
}

func (c *cachedPermissions) Analyze(ctx context.Context, st *model.Stack) (*iam.Analysis, error) {
	if a, ok := c.cache[st]; ok {
		return a, nil
	}
	a, err := c.inner.Analyze(ctx, st)
	c.cache[st] = a
	return a, err
}

// BenchmarkBuild measures building the graph of 1,000 functions and 3,000
// stores: "total" with the IAM analysis, "graph" with the analysis done
// beforehand.
//
// On the shared 2-core development machine (2026-11-23), with 5,201 nodes
// and 5,400 edges: graph ≈ 34 ms/op (6.3 MB, 75k allocs); total 14–27 s/op,
// almost all of it iam's mapping of grant resources to targets
// (targetIndex.targets → arnPattern.match → splitUnits).
// BenchmarkReachability: all-pairs closure ≈ 3.7 ms, one BFS per node
// ≈ 36 ms, Surface ≈ 4 ms.
func BenchmarkBuild(b *testing.B) {
	app := genApp(1000, 3000)
	b.Run("total", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			g, err := Build(context.Background(), app, Options{})
			if err != nil {
				b.Fatal(err)
			}
			if i == 0 {
				b.ReportMetric(float64(len(g.Nodes)), "nodes")
				b.ReportMetric(float64(len(g.Edges)), "edges")
			}
		}
	})
	b.Run("graph", func(b *testing.B) {
		perms := &cachedPermissions{inner: IAMPermissions(nil), cache: map[*model.Stack]*iam.Analysis{}}
		if _, err := Build(context.Background(), app, Options{Permissions: perms}); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := Build(context.Background(), app, Options{Permissions: perms}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkReachability(b *testing.B) {
	g, err := Build(context.Background(), genApp(1000, 3000), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("closure", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			g.Index().Closure()
		}
	})
	b.Run("bfs-all", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for _, n := range g.Nodes {
				g.Reachable(n.ID)
			}
		}
	})
	b.Run("surface", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			Surface(g)
		}
	})
}
