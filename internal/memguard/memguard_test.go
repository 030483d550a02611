package memguard

import (
	"context"
	"runtime"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		name      string
		limit     int64
		live      uint64
		raised    bool
		wantLimit int64
	}{
		{"well below the limit", 150 * mb, 50 * mb, false, 150 * mb},
		{"just below the headroom", 100 * mb, 74 * mb, false, 100 * mb},
		{"at the headroom: doubled from the live heap", 100 * mb, 75 * mb, true, 150 * mb},
		{"live heap past the limit", 150 * mb, 400 * mb, true, 800 * mb},
		{"no limit: nothing to guard", 0, 400 * mb, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var set []int64
			var warned bool
			g := &Guard{Limit: tt.limit, Live: func() uint64 { return tt.live },
				Set:  func(n int64) int64 { set = append(set, n); return 0 },
				Warn: func(old, new int64, live uint64) { warned = old == tt.limit && new == tt.wantLimit && live == tt.live }}
			if got := g.Check(); got != tt.raised {
				t.Fatalf("Check() = %v, want %v", got, tt.raised)
			}
			if g.Limit != tt.wantLimit {
				t.Errorf("limit = %d, want %d", g.Limit, tt.wantLimit)
			}
			if tt.raised && (len(set) != 1 || set[0] != tt.wantLimit || !warned) {
				t.Errorf("Set calls %v, warned %v", set, warned)
			}
			if !tt.raised && len(set) != 0 {
				t.Errorf("Set called %v without a raise", set)
			}
		})
	}
}

// TestRunStops checks that Run raises the limit while the heap grows and
// returns when its context ends.
func TestRunStops(t *testing.T) {
	live := uint64(90)
	raised := make(chan int64, 8)
	g := &Guard{Limit: 100, Live: func() uint64 { return live }, Set: func(n int64) int64 { return 0 },
		Warn: func(old, new int64, _ uint64) { raised <- new }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { g.Run(ctx, time.Millisecond); close(done) }()
	if got := <-raised; got != 180 {
		t.Errorf("first raise to %d, want 180", got)
	}
	cancel()
	<-done
}

// TestNewReadsTheHeap checks that the runtime metric is read.
func TestNewReadsTheHeap(t *testing.T) {
	g := New(1<<40, nil)
	buf := make([]byte, 8<<20)
	buf[0] = 1
	runtime.GC() // the metric is the heap live after the last collection
	if g.Live() < 8<<20 {
		t.Errorf("live heap reads as %d, want at least the 8 MiB buffer", g.Live())
	}
	runtime.KeepAlive(buf)
}
