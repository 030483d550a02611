package monitor

import (
	"context"
	"errors"
)

// ErrNoMonitoring is returned by stores of a build without cgo.
var ErrNoMonitoring = errors.New("this build has no monitoring (needs cgo: build with CGO_ENABLED=1 and a C compiler)")

// Store keeps normalised events and answers SQL over the events table. The
// embedded implementation is package monitor/duckstore.
type Store interface {
	Querier
	// Ingested returns the files already ingested completely, by path, with
	// the size and modification time they had.
	Ingested(ctx context.Context) (map[string]File, error)
	// Add stores the batches' events and records their files as ingested,
	// atomically: after a crash either all of it is there or none. Events
	// whose ID is already stored (or repeated in the batches) are not added
	// again; dups counts them.
	Add(ctx context.Context, batches []Batch) (added, dups int, err error)
	// Close releases the store.
	Close() error
}

// Querier runs one SQL query and returns its rows as strings (NULL is "").
// Every engine (DuckDB, Athena, Trino) implements it.
type Querier interface {
	Query(ctx context.Context, sql string) (cols []string, rows [][]string, err error)
}
