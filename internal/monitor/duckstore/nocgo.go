//go:build !cgo

package duckstore

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/monitor"
)

// Available reports whether this build has the DuckDB store.
const Available = false

// Open reports that this build has no monitoring: DuckDB needs cgo.
func Open(ctx context.Context, path string) (monitor.Store, error) {
	return nil, monitor.ErrNoMonitoring
}
