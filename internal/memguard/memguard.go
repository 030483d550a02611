// Package memguard keeps a soft memory limit (debug.SetMemoryLimit) from
// turning into a garbage-collection death spiral. Near the limit the
// collector runs more often, which is the point; but when the live heap
// comes close to the limit, each collection frees little and the next
// one starts soon: the collector runs nearly continuously. The guard
// watches the live heap and the collector's share of the CPU, and raises
// the limit with a warning, so that the program uses more memory instead
// of stalling.
//
// Under a limit L with a live heap H (and M bytes of the runtime's other
// memory), a collection starts about every L−M−H bytes allocated and
// costs in proportion to H; without a limit (GOGC=100) it starts every H
// bytes. So the limit costs more collector time than no limit exactly
// when L < 2H+M, and the cost grows without bound as L−M−H shrinks. The
// guard raises the limit to 2H+M (the goal GOGC=100 gives) when the live
// heap reaches 75% of the limit, or when the collector has taken more
// than a quarter of the process's CPU time over the last half CPU-second
// while the limit was what kept the heap below that goal.
package memguard

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

const (
	// headroom is the share of the limit the live heap may reach before
	// the limit is raised: above it, most of each collection cycle would
	// be spent re-marking a heap that cannot shrink.
	headroom = 0.75
	// maxGCShare is the share of the process's CPU time the collector may
	// take, under a limit that binds, before the limit is raised. With
	// GOGC=100 alone the collector takes about 5–15% of a scan's CPU;
	// Go's own limiter lets it take up to 50% before it gives up on the
	// limit.
	maxGCShare = 0.25
	// window is the CPU time, in seconds, over which the collector's
	// share is measured.
	window = 0.5
)

// Stats are what the guard reads of the runtime.
type Stats struct {
	// Live is the live heap after the last collection, in bytes.
	Live uint64
	// Other is the runtime's memory that is not heap (stacks, metadata),
	// in bytes: the limit covers it too.
	Other uint64
	// GCCPU and CPU are the CPU seconds the collector and the whole
	// process (idle time excluded) have used since the start.
	GCCPU, CPU float64
}

// Raise describes one raise of the limit.
type Raise struct {
	Old, New int64
	Live     uint64
	// GCShare is the collector's share of the CPU that caused the raise,
	// 0 when the live heap reached the headroom.
	GCShare float64
}

// Guard raises a soft memory limit when the live heap approaches it or
// the collector takes over the CPU.
type Guard struct {
	// Limit is the current soft limit in bytes (0: no limit, nothing to
	// guard).
	Limit int64
	// Read returns the runtime's figures.
	Read func() Stats
	// Set installs a new limit (debug.SetMemoryLimit).
	Set func(int64) int64
	// Warn is told each raise.
	Warn func(Raise)

	// The figures at the start of the current window.
	gcCPU, cpu float64
	started    bool
}

// runtimeMetrics are the runtime/metrics samples Read reads.
var runtimeMetrics = []string{
	"/gc/heap/live:bytes",
	"/memory/classes/total:bytes",
	"/memory/classes/heap/released:bytes",
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/free:bytes",
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/gc/mark/idle:cpu-seconds",
	"/cpu/classes/total:cpu-seconds",
	"/cpu/classes/idle:cpu-seconds",
}

// New returns a guard over the process's limit, reading runtime/metrics.
func New(limit int64, warn func(Raise)) *Guard {
	samples := make([]metrics.Sample, len(runtimeMetrics))
	for i, name := range runtimeMetrics {
		samples[i].Name = name
	}
	u := func(i int) uint64 {
		if samples[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return samples[i].Value.Uint64()
	}
	f := func(i int) float64 {
		if samples[i].Value.Kind() != metrics.KindFloat64 {
			return 0
		}
		return samples[i].Value.Float64()
	}
	read := func() Stats {
		metrics.Read(samples)
		heap := u(2) + u(3) + u(4) + u(5)
		s := Stats{Live: u(0), GCCPU: f(6) - f(7), CPU: f(8) - f(9)}
		if total := u(1); total > heap {
			s.Other = total - heap
		}
		return s
	}
	return &Guard{Limit: limit, Read: read, Set: debug.SetMemoryLimit, Warn: warn}
}

// Check raises the limit to twice the live heap plus the runtime's other
// memory when the live heap has passed headroom of the limit, or when,
// over the last window of CPU time, the collector took more than
// maxGCShare of it and the limit is below that goal. It reports whether
// it raised the limit.
func (g *Guard) Check() bool {
	if g.Limit <= 0 {
		return false
	}
	s := g.Read()
	goal := int64(2*s.Live + s.Other)
	if float64(s.Live) >= headroom*float64(g.Limit) {
		g.raise(goal, s.Live, 0)
		g.gcCPU, g.cpu = s.GCCPU, s.CPU
		return true
	}
	if !g.started {
		g.gcCPU, g.cpu, g.started = s.GCCPU, s.CPU, true
		return false
	}
	cpu := s.CPU - g.cpu
	if cpu < window {
		return false
	}
	share := (s.GCCPU - g.gcCPU) / cpu
	g.gcCPU, g.cpu = s.GCCPU, s.CPU
	if share <= maxGCShare || goal <= g.Limit {
		// The collector is cheap enough, or the limit is not what makes
		// it run: raising it would cost memory for nothing.
		return false
	}
	g.raise(goal, s.Live, share)
	return true
}

func (g *Guard) raise(limit int64, live uint64, share float64) {
	old := g.Limit
	g.Limit = max(limit, old)
	g.Set(g.Limit)
	if g.Warn != nil {
		g.Warn(Raise{Old: old, New: g.Limit, Live: live, GCShare: share})
	}
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
