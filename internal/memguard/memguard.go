// Package memguard keeps a soft memory limit (debug.SetMemoryLimit) from
// turning into a garbage-collection death spiral. Near the limit the
// collector runs more often, which is the point; but when the live heap
// itself grows past the limit (an input larger than the limit was sized
// for), the collector runs continuously and frees nothing. The guard
// watches the live heap and raises the limit, once per doubling, with a
// warning, so that the program slows down a little instead of stalling.
package memguard

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// headroom is the share of the limit the live heap may reach before the
// limit is raised: above it, most of each collection cycle would be spent
// re-marking a heap that cannot shrink.
const headroom = 0.75

// Guard raises a soft memory limit when the live heap approaches it.
type Guard struct {
	// Limit is the current soft limit in bytes (0: no limit, nothing to
	// guard).
	Limit int64
	// Live returns the live heap in bytes after the last collection.
	Live func() uint64
	// Set installs a new limit (debug.SetMemoryLimit).
	Set func(int64) int64
	// Warn is told each raise (old and new limit, live heap).
	Warn func(old, new int64, live uint64)
}

// New returns a guard over the process's limit, reading the live heap
// from runtime/metrics.
func New(limit int64, warn func(old, new int64, live uint64)) *Guard {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	return &Guard{
		Limit: limit,
		Live: func() uint64 {
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return 0
			}
			return sample[0].Value.Uint64()
		},
		Set:  debug.SetMemoryLimit,
		Warn: warn,
	}
}

// Check raises the limit to twice the live heap when the live heap has
// passed headroom of it, and reports whether it did.
func (g *Guard) Check() bool {
	if g.Limit <= 0 {
		return false
	}
	live := g.Live()
	if float64(live) < headroom*float64(g.Limit) {
		return false
	}
	old := g.Limit
	g.Limit = int64(live) * 2
	g.Set(g.Limit)
	if g.Warn != nil {
		g.Warn(old, g.Limit, live)
	}
	return true
}

// Run checks every interval until ctx is done.
func (g *Guard) Run(ctx context.Context, interval time.Duration) {
	if g.Limit <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			g.Check()
		}
	}
}
