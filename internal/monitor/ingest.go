package monitor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/nightlight-sec/nightlight/internal/conc"
)

// IngestOptions configure Ingest.
type IngestOptions struct {
	// Read configures the readers (Skip is set by Ingest).
	Read ReadOptions
	// BatchEvents and BatchFiles bound one store transaction (0: 10,000
	// events, 2,000 files) and so the events held in memory (20,000 cost
	// no less CPU and ~190 MiB more peak memory on a 300,000-event file).
	BatchEvents, BatchFiles int
	// Progress, when set, is called after each file (or batch of files a
	// FileLoader read) with the files and events done so far.
	Progress func(files, events int)
	// Reread reads files the ledger says were ingested unchanged.
	Reread bool
	// GoReader reads every file with the Go reader even when the store is a
	// FileLoader or ChunkLoader (for comparisons and tests).
	GoReader bool
	// Chunks reads every file through chunks (ChunkLoader), also the
	// delivery files a FileLoader would take (for comparisons and tests).
	// Without it, the files a FileLoader does not take are read by the Go
	// reader, which costs less per event than chunks since its fast
	// record reader (docs/monitoring.md, "Speed").
	Chunks bool
	// ChunkBytes bounds a chunk (0: DefaultChunkBytes).
	ChunkBytes int
	// ChunkDir is the folder for chunks, emptied before and removed after
	// use: give one beside the store (which one process uses at a time),
	// so that the chunks of a run killed earlier are removed. "": a new
	// folder in the system's temporary directory.
	ChunkDir string
}

// LoaderMaxJSON bounds the JSON of one file Ingest gives a FileLoader
// (which holds a file's JSON in memory, and sizes its buffers by this
// bound whatever the file's size): larger files are streamed by the Go
// reader, whose memory does not grow with the file.
const LoaderMaxJSON = 48 << 20

// Limits of the files Ingest gives a FileLoader: files of more than
// loaderMaxFile bytes on disk or LoaderMaxJSON bytes of JSON (gzip's
// trailer says) are streamed by the Go reader; a call gets at most
// loaderBatchFiles files or about loaderBatchBytes of JSON.
const (
	loaderMaxFile    = LoaderMaxJSON
	loaderBatchBytes = 96 << 20
	loaderBatchFiles = 2000
)

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
// parallel and stored in transactions of bounded size. When the store is a
// FileLoader, it reads the delivery files of moderate size itself; the
// others, and those it rejects, are read by the Go reader. A file with errors
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
		maxEvents = 10_000
	}
	if maxFiles <= 0 {
		maxFiles = 2000
	}
	var todo []File
	for _, f := range files {
		old, ok := ledger[f.Path]
		if ok && !opts.Reread && old.Size == f.Size && old.ModTime == f.ModTime {
			st.Unchanged++
			continue
		}
		todo = append(todo, f)
	}
	doneEvents := 0
	if fl, ok := store.(FileLoader); ok && !opts.GoReader && !opts.Chunks {
		todo, err = loadFiles(ctx, fl, todo, &st, &doneEvents, opts.Progress)
		if err != nil {
			return st, err
		}
	}
	if cl, ok := store.(ChunkLoader); ok && opts.Chunks && !opts.GoReader && len(todo) > 0 {
		size := opts.ChunkBytes
		if size <= 0 {
			size = DefaultChunkBytes
		}
		err := loadChunks(ctx, store, cl, todo, size, opts.ChunkDir, &st, &doneEvents, opts.Progress)
		sortErrors(st.ErrorList)
		return st, err
	}
	if opts.ChunkDir != "" {
		// Chunks a killed run left (this run uses none).
		if err := os.RemoveAll(opts.ChunkDir); err != nil {
			return st, fmt.Errorf("chunks: %w", err)
		}
	}
	ro := opts.Read
	ro.Skip = nil
	var pending []Batch
	pendingEvents := 0
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
		// Drop the stored batches' events now, not when a later batch
		// overwrites their slot.
		clear(pending)
		pending, pendingEvents = pending[:0], 0
		return nil
	}
	failed := map[string]bool{}
	err = ReadFiles(ctx, todo, ro, func(b Batch) error {
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
	sortErrors(st.ErrorList)
	return st, err
}

func sortErrors(errs []*FileError) {
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i], errs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Record < b.Record
	})
}

// loadChunks cuts files into chunks (one goroutine, a chunk ahead of the
// store) and gives them to cl; a chunk cl rejects is read with the Go
// normaliser and stored with Add. Chunks are stored in the order the files
// were cut, so a file's ledger entry is never committed before its
// records.
func loadChunks(ctx context.Context, store Store, cl ChunkLoader, files []File, size int, dir string, st *Stats, done *int, progress func(files, events int)) error {
	var err error
	if dir == "" {
		dir, err = os.MkdirTemp("", "nightlight-chunks-")
	} else if err = os.RemoveAll(dir); err == nil {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		return fmt.Errorf("chunks: %w", err)
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan *Chunk, 1)
	var cutErr error
	go func() {
		defer close(chunks)
		k := &chunker{dir: dir, size: size, send: func(c *Chunk) error {
			select {
			case chunks <- c:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}}
		cutErr = conc.Safely("cutting log files into chunks", func() error {
			for _, f := range files {
				if err := k.file(ctx, f); err != nil {
					return err
				}
			}
			return k.flush()
		})
	}()
	listed := map[string]int{} // bad records listed per file by the Go normaliser
	for c := range chunks {
		if err == nil {
			err = loadChunk(ctx, store, cl, c, st, listed)
			if err != nil {
				cancel()
			} else {
				*done += c.Records
				if progress != nil && c.Read > 0 {
					progress(st.Files, *done)
				}
			}
		}
		os.Remove(c.Path)
	}
	if err == nil && cutErr != nil {
		err = cutErr
	}
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// loadChunk stores one chunk and counts it in st.
func loadChunk(ctx context.Context, store Store, cl ChunkLoader, c *Chunk, st *Stats, listed map[string]int) error {
	added, dups, err := cl.LoadChunk(ctx, c)
	if errors.Is(err, ErrChunkRejected) {
		var batches []Batch
		var bad []*FileError
		batches, bad, err = readChunk(ctx, c)
		if err != nil {
			return err
		}
		for _, e := range bad {
			st.Errors++
			if listed[e.File]++; listed[e.File] <= MaxFileErrors {
				st.ErrorList = append(st.ErrorList, e)
			}
		}
		added, dups, err = store.Add(ctx, batches)
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	st.Files += c.Read
	st.Events += added
	st.Duplicates += dups
	st.Errors += len(c.Errors) + c.Unlisted
	st.ErrorList = append(st.ErrorList, c.Errors...)
	return nil
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

// loadFiles gives the delivery files among files to fl in batches, and
// returns the files left for the Go reader (in their order).
func loadFiles(ctx context.Context, fl FileLoader, files []File, st *Stats, done *int, progress func(files, events int)) ([]File, error) {
	var rest []File
	type group struct {
		files []File
		bytes int64
	}
	var groups [2]group // plain, gzipped
	flush := func(gz int) error {
		g := &groups[gz]
		if len(g.files) == 0 {
			return nil
		}
		res, err := fl.LoadFiles(ctx, g.files, gz == 1)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		st.Files += res.Files
		st.Events += res.Added
		st.Duplicates += res.Dups
		*done += res.Events
		rest = append(rest, res.Rejected...)
		g.files, g.bytes = g.files[:0], 0
		if progress != nil && res.Files > 0 {
			progress(st.Files, *done)
		}
		return nil
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		delivery, gz, size := sniffDelivery(f.Path)
		// A gzip trailer smaller than the file wrapped around 4 GiB.
		if !delivery || f.Size > loaderMaxFile || size > LoaderMaxJSON || size < f.Size/2 || !GlobFree(f.Path) {
			rest = append(rest, f)
			continue
		}
		k := 0
		if gz {
			k = 1
		}
		if len(groups[k].files) > 0 && (groups[k].bytes+size > loaderBatchBytes || len(groups[k].files) >= loaderBatchFiles) {
			if err := flush(k); err != nil {
				return nil, err
			}
		}
		groups[k].files = append(groups[k].files, f)
		groups[k].bytes += size
	}
	for k := range groups {
		if err := flush(k); err != nil {
			return nil, err
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].Path < rest[j].Path })
	return rest, nil
}
