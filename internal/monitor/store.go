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
	// already stored (or repeated in the batches) with the same ID and
	// time are not added again; dups counts them.
	Add(ctx context.Context, batches []Batch) (added, dups int, err error)
	// Close releases the store.
	Close() error
}

// Querier runs one SQL query and returns its rows as strings (NULL is "").
// Every engine (DuckDB, Athena, Trino) implements it.
type Querier interface {
	Query(ctx context.Context, sql string) (cols []string, rows [][]string, err error)
}

// FileLoader is a Store that reads CloudTrail delivery files itself, with
// its own (faster) JSON reader, normalising them as ParseRecord does.
// Ingest gives it the delivery files it can take and reads the rest, and
// the files it rejects, with the Go reader.
type FileLoader interface {
	// LoadFiles reads files — delivery files `{"Records":[…]}`, all
	// gzipped when gz, else all plain — and stores their events and ledger
	// entries atomically, as Add does. A file it cannot read exactly as the
	// Go reader would (broken, a record that is not an object or lacks
	// eventID, eventSource or eventName) is returned in Rejected with none
	// of its events stored.
	LoadFiles(ctx context.Context, files []File, gz bool) (LoadResult, error)
}

// LoadResult says what a FileLoader did.
type LoadResult struct {
	// Files were loaded completely (and are in the ledger); Added events
	// were new, Dups already stored or repeated.
	Files, Events, Added, Dups int
	// Rejected files are left to the Go reader.
	Rejected []File
}
