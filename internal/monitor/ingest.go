package monitor

import (
	"context"
	"fmt"
	"sort"
)

// IngestOptions configure Ingest.
type IngestOptions struct {
	// Read configures the readers (Skip is set by Ingest).
	Read ReadOptions
	// BatchEvents and BatchFiles bound one store transaction (0: 100,000
	// events, 2,000 files).
	BatchEvents, BatchFiles int
	// Progress, when set, is called after each file with the files and
	// events done so far.
	Progress func(files, events int)
	// Reread reads files the ledger says were ingested unchanged.
	Reread bool
}

// Stats says what an ingestion did; JSON field names follow the
// `monitor --format json` contract.
type Stats struct {
	// Files is the number of files read; Unchanged those skipped because
	// the ledger has them with the same size and time.
	Files     int `json:"files"`
	Unchanged int `json:"unchanged"`
	// Events were added; Duplicates were read but already stored.
	Events     int `json:"events"`
	Duplicates int `json:"duplicates"`
	// Errors counts file and record errors; ErrorList holds them, sorted
	// (at most MaxFileErrors bad records per file are listed).
	Errors    int          `json:"errors"`
	ErrorList []*FileError `json:"-"`
}

// Ingest reads files into store: files already in the store's ledger with
// the same size and modification time are skipped, the rest are read in
// parallel and stored in transactions of bounded size. A file with errors
// keeps the records read before the error, and is recorded in the ledger
// only when it read cleanly (so a truncated file is retried next time).
func Ingest(ctx context.Context, store Store, files []File, opts IngestOptions) (Stats, error) {
	var st Stats
	ledger, err := store.Ingested(ctx)
	if err != nil {
		return st, fmt.Errorf("read ledger: %w", err)
	}
	maxEvents, maxFiles := opts.BatchEvents, opts.BatchFiles
	if maxEvents <= 0 {
		maxEvents = 100_000
	}
	if maxFiles <= 0 {
		maxFiles = 2000
	}
	ro := opts.Read
	ro.Skip = func(f File) bool {
		old, ok := ledger[f.Path]
		if ok && !opts.Reread && old.Size == f.Size && old.ModTime == f.ModTime {
			st.Unchanged++
			return true
		}
		return false
	}
	var pending []Batch
	pendingEvents, doneEvents := 0, 0
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		added, dups, err := store.Add(ctx, pending)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		st.Events += added
		st.Duplicates += dups
		pending, pendingEvents = pending[:0], 0
		return nil
	}
	failed := map[string]bool{}
	err = ReadFiles(ctx, files, ro, func(b Batch) error {
		if !b.Partial {
			st.Files++
		}
		doneEvents += len(b.Events)
		st.ErrorList = append(st.ErrorList, b.Errors...)
		st.Errors += len(b.Errors)
		if b.BadRecords > MaxFileErrors {
			st.Errors += b.BadRecords - MaxFileErrors - 1
		}
		if fileFailed(b) || failed[b.File.Path] {
			failed[b.File.Path] = true
			// Keep what was read, but leave the file out of the ledger.
			b.File = File{Path: b.File.Path, Size: -1}
		}
		pending = append(pending, b)
		pendingEvents += len(b.Events)
		if opts.Progress != nil && !b.Partial {
			opts.Progress(st.Files, doneEvents)
		}
		if pendingEvents >= maxEvents || len(pending) >= maxFiles {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	sort.SliceStable(st.ErrorList, func(i, j int) bool {
		a, b := st.ErrorList[i], st.ErrorList[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Record < b.Record
	})
	return st, err
}

// fileFailed reports whether reading stopped early (an error about the
// file as a whole).
func fileFailed(b Batch) bool {
	for _, e := range b.Errors {
		if e.Record < 0 {
			return true
		}
	}
	return false
}
