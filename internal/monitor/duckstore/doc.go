// Package duckstore is the embedded event store of `nightlight monitor`: one
// DuckDB file holding the normalised events table (monitor.Columns) and the
// ledger of ingested files.
//
// Ingestion is incremental and crash-safe: each Add is one transaction that
// appends the events not already stored (by event_id) and records their files
// in the ledger, so a run killed at any point leaves either all of a batch or
// none of it, and the next run re-reads exactly the files missing from the
// ledger. A file whose size or modification time changed is read again; its
// events already stored count as duplicates.
//
// DuckDB needs cgo; a build without it compiles a Store that reports
// monitor.ErrNoMonitoring.
package duckstore
