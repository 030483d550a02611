package cost

import (
	"context"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/model"
)

func n(s string) *model.Value { return model.NewNumber(s, model.Pos{}) }

func TestEntryPoint(t *testing.T) {
	api := &model.API{ID: "Api", Kind: model.APIHTTP}
	cases := []struct {
		name      string
		fn        *model.Function
		throttle  *model.Throttle
		wantHour  float64
		unbounded bool
	}{
		{name: "defaults", fn: &model.Function{ID: "Fn"}, wantHour: 43.74, unbounded: true},
		{name: "big and slow", fn: &model.Function{ID: "Fn", MemorySize: n("1024"), Timeout: n("30")}, wantHour: 96.02, unbounded: true},
		{name: "reserved concurrency", fn: &model.Function{ID: "Fn", ReservedConcurrency: n("10")}, wantHour: 36.08},
		{name: "stage throttle", fn: &model.Function{ID: "Fn"}, throttle: &model.Throttle{Rate: n("10")}, wantHour: 0.27},
		{name: "arm64", fn: &model.Function{ID: "Fn", Architectures: model.NewList([]*model.Value{model.NewString("arm64", model.Pos{})}, model.Pos{})}, wantHour: 42.24, unbounded: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := *api
			a.Throttle = tc.throttle
			st := &model.Stack{Functions: []*model.Function{tc.fn}, APIs: []*model.API{&a}}
			m := &Model{Stack: st, Prices: DefaultPrices()}
			e := m.EntryPoint(context.Background(), &model.EntryPoint{ID: "Api GET /", API: "Api", Function: "Fn"})
			if e.PerHour != tc.wantHour || e.Unbounded != tc.unbounded {
				t.Errorf("got $%.2f/h unbounded=%v, want $%.2f/h unbounded=%v (%s)", e.PerHour, e.Unbounded, tc.wantHour, tc.unbounded, e.Summary())
			}
		})
	}
}

func TestFanOut(t *testing.T) {
	q := &model.Store{ID: "Q", Kind: model.StoreQueue}
	a := &model.Function{ID: "A", ReservedConcurrency: n("100")}
	b := &model.Function{ID: "B"}
	st := &model.Stack{Functions: []*model.Function{a, b}, Stores: []*model.Store{q},
		Triggers: []*model.Trigger{{ID: "T", Kind: model.TriggerSQS, Function: "B", Source: "Q"}}}
	m := &Model{Stack: st, Prices: DefaultPrices(), Writes: func(fn *model.Function) []*model.Store {
		if fn.ID == "A" {
			return []*model.Store{q}
		}
		return nil
	}}
	e := m.EntryPoint(context.Background(), &model.EntryPoint{ID: "url", Kind: model.EntryFunctionURL, Function: "A"})
	if len(e.Breakdown) != 3 {
		t.Fatalf("breakdown %+v, want Lambda A, downstream queue, fan-out Lambda B", e.Breakdown)
	}
	if e.RPSLimit != "function URLs have no request throttle" {
		t.Errorf("rps limit %q", e.RPSLimit)
	}
}

// TestLoadBalancer: an ALB target has no request throttle (API Gateway's
// account default does not apply), so the function's concurrency bounds the
// rate, and the summary says so.
func TestLoadBalancer(t *testing.T) {
	fn := &model.Function{ID: "Fn"}
	m := &Model{Stack: &model.Stack{Functions: []*model.Function{fn}}, Prices: DefaultPrices()}
	e := m.EntryPoint(context.Background(), &model.EntryPoint{ID: "tg", Kind: model.EntryALB, Function: "Fn"})
	if e.RPSLimit != noThrottleALB {
		t.Errorf("rps limit %q, want %q", e.RPSLimit, noThrottleALB)
	}
	if e.RPS != e.Invocations || e.Invocations <= 0 {
		t.Errorf("rps %v, invocations %v: want the function's sustained rate for both", e.RPS, e.Invocations)
	}
	if got := e.Summary(); !strings.Contains(got, "(no request throttle; 1,000 concurrent runs") {
		t.Errorf("summary %q", got)
	}
}

func TestMoney(t *testing.T) {
	for in, want := range map[float64]string{0: "0.00", 1234567.891: "1,234,567.89", 999.5: "999.50"} {
		if got := Money(in); got != want {
			t.Errorf("Money(%v) = %q, want %q", in, got, want)
		}
	}
}
