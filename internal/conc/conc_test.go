package conc

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
)

func TestForEach(t *testing.T) {
	for _, tc := range []struct {
		name       string
		n, workers int
	}{
		{"none", 0, 4},
		{"serial", 5, 1},
		{"parallel", 100, 4},
		{"default workers", 17, 0},
		{"more workers than work", 3, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := make([]int32, tc.n)
			ForEach(context.Background(), tc.n, tc.workers, func(i int) { atomic.AddInt32(&seen[i], 1) })
			for i, c := range seen {
				if c != 1 {
					t.Errorf("index %d ran %d times", i, c)
				}
			}
		})
	}
}

func TestForEachCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var ran int32
	ForEach(ctx, 50, 2, func(int) { atomic.AddInt32(&ran, 1) })
	if ran != 0 {
		t.Errorf("ran %d calls after cancellation", ran)
	}
}

func TestSafely(t *testing.T) {
	want := errors.New("plain")
	if err := Safely("x", func() error { return want }); err != want {
		t.Errorf("error = %v, want %v", err, want)
	}
	err := Safely("loading t.yaml", func() error { panic("boom") })
	var pe *PanicError
	if !errors.As(err, &pe) || pe.Value != "boom" || len(pe.Stack) == 0 {
		t.Fatalf("Safely(panic) = %#v", err)
	}
	if got := err.Error(); !strings.Contains(got, "internal error while loading t.yaml") || !strings.Contains(got, "boom") {
		t.Errorf("message %q", got)
	}
}
