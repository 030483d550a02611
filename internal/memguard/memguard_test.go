package memguard

import (
	"context"
	"math"
	"runtime"
	"testing"
	"time"
)

const mb = 1 << 20

func TestCheck(t *testing.T) {
	tests := []struct {
		name      string
		limit     int64
		live      uint64
		raised    bool
		wantLimit int64
	}{
		{"well below the limit", 150 * mb, 50 * mb, false, 150 * mb},
		{"just below the headroom", 100 * mb, 74 * mb, false, 100 * mb},
		{"at the headroom: twice the live heap and the other memory", 100 * mb, 75 * mb, true, 160 * mb},
		{"live heap past the limit", 150 * mb, 400 * mb, true, 810 * mb},
		{"no limit: nothing to guard", 0, 400 * mb, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var set []int64
			var got []Raise
			g := &Guard{Limit: tt.limit, Read: func() Stats { return Stats{Live: tt.live, Other: 10 * mb} },
				Set:  func(n int64) int64 { set = append(set, n); return 0 },
				Warn: func(r Raise) { got = append(got, r) }}
			if raised := g.Check(); raised != tt.raised {
				t.Fatalf("Check() = %v, want %v", raised, tt.raised)
			}
			if g.Limit != tt.wantLimit {
				t.Errorf("limit = %d, want %d", g.Limit, tt.wantLimit)
			}
			want := Raise{Old: tt.limit, New: tt.wantLimit, Live: tt.live}
			if tt.raised && (len(set) != 1 || set[0] != tt.wantLimit || len(got) != 1 || got[0] != want) {
				t.Errorf("Set calls %v, warnings %+v; want one raise %+v", set, got, want)
			}
			if !tt.raised && (len(set) != 0 || len(got) != 0) {
				t.Errorf("Set called %v, warned %+v without a raise", set, got)
			}
		})
	}
}

// TestGCShare checks that the limit is raised when the collector takes
// more than maxGCShare of the CPU over a window and the limit is what
// keeps the heap below the goal GOGC=100 would give, and only then.
func TestGCShare(t *testing.T) {
	type step struct {
		s      Stats
		raised bool
	}
	// 150 MiB limit, 90 MiB live heap, 10 MiB other: the goal without a
	// limit (190 MiB) is above the limit, which binds.
	bound := func(gc, cpu float64) Stats { return Stats{Live: 90 * mb, Other: 10 * mb, GCCPU: gc, CPU: cpu} }
	// 40 MiB live: the goal (90 MiB) is below the limit.
	small := func(gc, cpu float64) Stats { return Stats{Live: 40 * mb, Other: 10 * mb, GCCPU: gc, CPU: cpu} }
	tests := []struct {
		name      string
		steps     []step
		wantLimit int64
		wantShare float64
	}{
		{"collector over its share under a binding limit", []step{
			{bound(0, 1), false},      // starts the window
			{bound(0.1, 1.3), false},  // 0.3 CPU-s: too short to judge
			{bound(0.3, 1.8), true},   // 0.3 of 0.8 CPU-s
			{bound(0.31, 1.9), false}, // a new window
		}, 190 * mb, 0.375},
		{"collector within its share", []step{
			{bound(0, 1), false},
			{bound(0.2, 2), false}, // 20%
			{bound(0.4, 3), false},
		}, 150 * mb, 0},
		{"collector over its share, limit not binding", []step{
			{small(0, 1), false},
			{small(0.5, 2), false}, // 50%, but GOGC=100 alone would do as much
		}, 150 * mb, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cur Stats
			var got []Raise
			g := &Guard{Limit: 150 * mb, Read: func() Stats { return cur }, Set: func(int64) int64 { return 0 },
				Warn: func(r Raise) { got = append(got, r) }}
			for i, st := range tt.steps {
				cur = st.s
				if raised := g.Check(); raised != st.raised {
					t.Fatalf("step %d: Check() = %v, want %v", i, raised, st.raised)
				}
			}
			if g.Limit != tt.wantLimit {
				t.Errorf("limit = %d MiB, want %d MiB", g.Limit/mb, tt.wantLimit/mb)
			}
			if tt.wantShare > 0 && (len(got) != 1 || math.Abs(got[0].GCShare-tt.wantShare) > 1e-9 || got[0].Old != 150*mb) {
				t.Errorf("warnings %+v, want one at share %v", got, tt.wantShare)
			}
		})
	}
}

// TestRunStops checks that Run raises the limit while the heap grows and
// returns when its context ends.
func TestRunStops(t *testing.T) {
	raised := make(chan int64, 8)
	g := &Guard{Limit: 100, Read: func() Stats { return Stats{Live: 90} }, Set: func(n int64) int64 { return 0 },
		Warn: func(r Raise) { raised <- r.New }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { g.Run(ctx, time.Millisecond); close(done) }()
	if got := <-raised; got != 180 {
		t.Errorf("first raise to %d, want 180", got)
	}
	cancel()
	<-done
}

// TestNewReadsTheRuntime checks that the runtime metrics are read.
func TestNewReadsTheRuntime(t *testing.T) {
	g := New(1<<40, nil)
	buf := make([]byte, 8<<20)
	buf[0] = 1
	runtime.GC() // the metrics are those of the last collection
	s := g.Read()
	if s.Live < 8<<20 {
		t.Errorf("live heap reads as %d, want at least the 8 MiB buffer", s.Live)
	}
	if s.Other == 0 || s.CPU <= 0 || s.GCCPU <= 0 || s.GCCPU > s.CPU {
		t.Errorf("read %+v: want other memory, and collector CPU within the process's", s)
	}
	runtime.KeepAlive(buf)
}
