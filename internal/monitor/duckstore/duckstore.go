//go:build cgo

package duckstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/nightlight-sec/nightlight/internal/monitor"
)

// Available reports whether this build has the DuckDB store.
const Available = true

// schemaVersion changes when the events table changes; a store written by
// another version is refused with a message to start a new one.
const schemaVersion = "1"

// Store is the DuckDB event store. It is safe for use by one goroutine at a
// time.
type Store struct {
	db   *sql.DB
	conn *sql.Conn
	path string
}

// Open opens (creating when missing) the store at path; "" or ":memory:"
// is an in-memory store.
func Open(ctx context.Context, path string) (monitor.Store, error) {
	return open(ctx, path)
}

func open(ctx context.Context, path string) (*Store, error) {
	dsn := path
	if path == ":memory:" {
		dsn = ""
	}
	if dsn != "" {
		if err := os.MkdirAll(filepath.Dir(dsn), 0o755); err != nil {
			return nil, fmt.Errorf("store %s: %w", path, err)
		}
	}
	connector, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, conn: conn, path: path}
	if err := s.init(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// memoryLimit bounds DuckDB's memory (its buffer manager: cached blocks of
// the store, hash tables, sorts, the JSON reader's buffers); beyond it,
// DuckDB spills to a temporary directory, so the process's peak stays near
// this plus ~200 MB whatever the size of the input and of the store
// (docs/monitoring.md has the measurements). LoadFiles' JSON reader needs
// twice maxObject per thread.
const memoryLimit = "512MB"

func (s *Store) init(ctx context.Context) error {
	var cols []string
	for _, c := range monitor.Columns {
		cols = append(cols, c.Name+" "+c.Type)
	}
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
		`CREATE TABLE IF NOT EXISTS files (path VARCHAR PRIMARY KEY, size BIGINT, mtime BIGINT, events INTEGER, ingested TIMESTAMP)`,
		`CREATE TABLE IF NOT EXISTS events (` + strings.Join(cols, ", ") + `)`,
		// The keys of events to compare with the stored ones (Add).
		`CREATE OR REPLACE TEMP TABLE keys (event_id VARCHAR, event_time TIMESTAMP, n BIGINT)`,
		// Event times are stored in UTC (the loader casts through TIMESTAMPTZ).
		`SET TimeZone = 'UTC'`,
		// Bounded memory whatever the input's size: DuckDB spills to disk
		// beyond memoryLimit (docs/monitoring.md has the measurements).
		`SET memory_limit = '` + memoryLimit + `'`,
		fmt.Sprintf(`SET threads = %d`, max(1, min(runtime.GOMAXPROCS(0), 4))),
	}
	for _, q := range stmts {
		if _, err := s.conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	var v string
	err := s.conn.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema'`).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = s.conn.ExecContext(ctx, `INSERT INTO meta VALUES ('schema', ?)`, schemaVersion)
		return err
	case err != nil:
		return err
	case v != schemaVersion:
		return fmt.Errorf("written by another version of nightlight (schema %s, want %s): remove it or choose another --store", v, schemaVersion)
	}
	return nil
}

// Close closes the store.
func (s *Store) Close() error {
	err := s.conn.Close()
	if e := s.db.Close(); err == nil {
		err = e
	}
	return err
}

// Ingested returns the ledger of ingested files.
func (s *Store) Ingested(ctx context.Context) (map[string]monitor.File, error) {
	rows, err := s.conn.QueryContext(ctx, `SELECT path, size, mtime FROM files`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]monitor.File{}
	for rows.Next() {
		var f monitor.File
		if err := rows.Scan(&f.Path, &f.Size, &f.ModTime); err != nil {
			return nil, err
		}
		out[f.Path] = f
	}
	return out, rows.Err()
}

// Add appends the batches' new events and records their files, in one
// transaction. Events repeated within the batches are dropped in Go (the
// first by file and record index is kept); when the store holds events of
// the batches' time range, the keys of the others (eventID, time) are
// compared with those (storedKeys), and only the new events are appended
// to events, by DuckDB's Appender, with no copy through another table.
func (s *Store) Add(ctx context.Context, batches []monitor.Batch) (added, dups int, err error) {
	if _, err := s.conn.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
		return 0, 0, err
	}
	defer func() {
		if err != nil {
			_, _ = s.conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		}
	}()
	keep, w := firstOfEach(batches)
	if err := s.dropStored(ctx, batches, keep, w); err != nil {
		return 0, 0, err
	}
	total := 0
	err = s.conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "", "main", "events")
		if err != nil {
			return fmt.Errorf("appender: %w", err)
		}
		for i := range batches {
			for j := range batches[i].Events {
				total++
				if !keep[i][j] {
					continue
				}
				if err := app.AppendRow(batches[i].Events[j].Values()...); err != nil {
					app.Close()
					return fmt.Errorf("append %s record %d: %w", batches[i].File.Path, batches[i].Events[j].Index, err)
				}
				added++
			}
		}
		return app.Close()
	})
	if err != nil {
		return 0, 0, err
	}
	// Only a file's last batch completes it in the ledger.
	var done []ledgerEntry
	for _, b := range batches {
		if !b.Partial {
			done = append(done, ledgerEntry{b.File, len(b.Events)})
		}
	}
	if err := s.writeLedger(ctx, done); err != nil {
		return 0, 0, err
	}
	if _, err := s.conn.ExecContext(ctx, `COMMIT`); err != nil {
		return 0, 0, fmt.Errorf("commit: %w", err)
	}
	return added, total - added, nil
}

// dropStored clears keep for the events already stored (the same eventID
// at the same instant), looking only at the stored events of window w:
// none, most often (new logs), which one cheap query tells; else the keys
// of the events to keep go into the temporary table keys, and one
// anti-join names those already stored.
func (s *Store) dropStored(ctx context.Context, batches []monitor.Batch, keep [][]bool, w window) error {
	var stored bool
	if err := s.conn.QueryRowContext(ctx, `SELECT count(*) > 0 FROM (SELECT 1 FROM `+w.stored()+` LIMIT 1)`).Scan(&stored); err != nil {
		return fmt.Errorf("stored events: %w", err)
	}
	if !stored {
		return nil
	}
	var refs []eventRef
	err := s.conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "keys")
		if err != nil {
			return fmt.Errorf("appender: %w", err)
		}
		for i := range batches {
			for j := range batches[i].Events {
				if !keep[i][j] {
					continue
				}
				e := &batches[i].Events[j]
				var t driver.Value
				if !e.Time.IsZero() {
					t = e.Time
				}
				if err := app.AppendRow(e.ID, t, int64(len(refs))); err != nil {
					app.Close()
					return fmt.Errorf("append %s record %d: %w", batches[i].File.Path, e.Index, err)
				}
				refs = append(refs, eventRef{i, j})
			}
		}
		return app.Close()
	})
	if err != nil {
		return err
	}
	rows, err := s.conn.QueryContext(ctx, `SELECT n FROM keys AS k
		WHERE EXISTS (SELECT 1 FROM `+w.stored()+` AS e WHERE e.event_id = k.event_id AND e.event_time IS NOT DISTINCT FROM k.event_time)`)
	if err != nil {
		return fmt.Errorf("stored events: %w", err)
	}
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		keep[refs[n].batch][refs[n].event] = false
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	_, err = s.conn.ExecContext(ctx, `DELETE FROM keys`)
	return err
}

// eventRef is an event of Add's batches: batch and index in it.
type eventRef struct{ batch, event int }

// firstOfEach returns the events of batches to store, once each when
// repeated (the same eventID at the same instant, as the store keeps
// it: microseconds, no time equal to no time), the first by file and
// record index; and the window of their times.
func firstOfEach(batches []monitor.Batch) ([][]bool, window) {
	type key struct {
		id     string
		timed  bool
		micros int64
	}
	kept := make(map[key]eventRef, 1024)
	var w window
	for i := range batches {
		for j := range batches[i].Events {
			e := &batches[i].Events[j]
			k := key{id: e.ID}
			if !e.Time.IsZero() {
				k.timed, k.micros = true, e.Time.UnixMicro()
				t := sql.NullTime{Time: e.Time, Valid: true}
				w = w.union(window{lo: t, hi: t})
			} else {
				w.null = true
			}
			if old, ok := kept[k]; ok {
				o := &batches[old.batch].Events[old.event]
				if o.File < e.File || o.File == e.File && o.Index <= e.Index {
					continue
				}
			}
			kept[k] = eventRef{i, j}
		}
	}
	first := make([][]bool, len(batches))
	for i := range batches {
		first[i] = make([]bool, len(batches[i].Events))
	}
	for _, r := range kept {
		first[r.batch][r.event] = true
	}
	return first, w
}

// writeLedger records files as ingested.
func (s *Store) writeLedger(ctx context.Context, ledger []ledgerEntry) error {
	now := time.Now().UTC()
	for start := 0; start < len(ledger); start += 500 {
		chunk := ledger[start:min(start+500, len(ledger))]
		var q strings.Builder
		q.WriteString(`INSERT OR REPLACE INTO files VALUES `)
		args := make([]any, 0, 5*len(chunk))
		for i, l := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?)")
			args = append(args, l.file.Path, l.file.Size, l.file.ModTime, l.events, now)
		}
		if _, err := s.conn.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("ledger: %w", err)
		}
	}
	return nil
}

type ledgerEntry struct {
	file   monitor.File
	events int
}

// window is the range of event times of events about to be stored
// (null: some have none). A duplicate is the same event delivered again:
// the same eventID at the same eventTime (both NULL included), so
// deduplication compares new events only with the stored events of their
// time range, and its cost is bounded by the new events and their range,
// not by the store: the stored events are appended in the order they were
// read, and DuckDB's per-row-group minimum and maximum of event_time skip
// the row groups outside the range without reading them.
type window struct {
	lo, hi sql.NullTime
	null   bool
}

// union returns the window covering w and v.
func (w window) union(v window) window {
	if v.lo.Valid && (!w.lo.Valid || v.lo.Time.Before(w.lo.Time)) {
		w.lo = v.lo
	}
	if v.hi.Valid && (!w.hi.Valid || v.hi.Time.After(w.hi.Time)) {
		w.hi = v.hi
	}
	w.null = w.null || v.null
	return w
}

// stored returns the SQL relation (event_id, event_time) of the stored
// events whose time falls in w.
func (w window) stored() string {
	var parts []string
	if w.lo.Valid && w.hi.Valid {
		parts = append(parts, fmt.Sprintf(`SELECT event_id, event_time FROM events WHERE event_time BETWEEN %s AND %s`, timestampSQL(w.lo.Time), timestampSQL(w.hi.Time)))
	}
	if w.null {
		parts = append(parts, `SELECT event_id, event_time FROM events WHERE event_time IS NULL`)
	}
	if len(parts) == 0 {
		return `(SELECT event_id, event_time FROM events LIMIT 0)`
	}
	return "(" + strings.Join(parts, " UNION ALL ") + ")"
}

// timestampSQL is a TIMESTAMP literal for t (microseconds, as DuckDB
// stores them).
func timestampSQL(t time.Time) string {
	return "TIMESTAMP '" + t.UTC().Format("2006-01-02 15:04:05.000000") + "'"
}

// maxObject bounds one delivery file's JSON for DuckDB's reader; a larger
// file fails the load and goes to the Go reader. The reader allocates
// twice this per thread whatever the files' sizes (256 MiB ran out of
// memory at memoryLimit with two threads, and the batch was then loaded
// file by file, four times slower).
const maxObject = monitor.LoaderMaxJSON

// timeType is the part of a record LoadFiles reads before loading: its
// time, to bound the batch's time range for deduplication.
const timeType = `STRUCT(eventTime VARCHAR)`

// checkedInsert returns the INSERT that appends the new events among the
// rows of checked (a monitor.CheckedSQL) to events: not already stored
// in window w, and once each when repeated among the rows (the first by
// file and record index; the rows are stored in no particular order
// within the batch: sorting them back cost ~15% of the ingest's CPU, and
// monitor.Group does not depend on it). A row the Go reader would reject
// or report (nl_bad, or without eventID, eventSource or eventName) fails the
// statement: the caller rolls back and sets its file aside. The check is
// part of event_id, which every later step reads, so no filter can drop
// the row before it is made.
func checkedInsert(checked string, w window) string {
	return `INSERT INTO events
		SELECT * FROM (
			SELECT * EXCLUDE (nl_bad) REPLACE (CASE WHEN nl_bad OR event_id = '' OR event_source = '' OR event_name = ''
				THEN error('nightlight: a record for the Go reader in ' || file) ELSE event_id END AS event_id)
			FROM (` + checked + `)) AS s
		WHERE NOT EXISTS (SELECT 1 FROM ` + w.stored() + ` AS e WHERE e.event_id = s.event_id AND e.event_time IS NOT DISTINCT FROM s.event_time)
		QUALIFY row_number() OVER (PARTITION BY event_id, event_time ORDER BY file, record_index) = 1`
}

// LoadFiles reads delivery files with DuckDB's JSON reader: a first,
// cheap pass reads only the records' times (the batch's time range, to
// bound deduplication, and the records per file); the second reads,
// checks and normalises the records in one statement (monitor.CheckedSQL)
// and appends the new ones with the files' ledger entries in one
// transaction. When a record is one the Go reader must handle (a field of
// the wrong type, no eventID, eventSource or eventName), the transaction
// is rolled back, the files holding such records are found and set aside
// (Rejected), and the others are loaded again.
func (s *Store) LoadFiles(ctx context.Context, files []monitor.File, gz bool) (res monitor.LoadResult, err error) {
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.Path
	}
	rows, err := s.conn.QueryContext(ctx, `SELECT file, count(*), min(t), max(t), count(*) FILTER (WHERE t IS NULL) > 0
		FROM (SELECT file, `+monitor.EventTimeSQL("r.eventTime")+` AS t
			FROM (SELECT filename AS file, unnest(Records) AS r FROM `+monitor.DeliveryRead(paths, gz, maxObject, timeType)+`))
		GROUP BY file`)
	if err != nil {
		if ctx.Err() != nil || len(files) == 1 {
			res.Rejected = files
			return res, ctx.Err()
		}
		// One file spoils the lot: load them one by one.
		return s.loadEach(ctx, files, gz)
	}
	counts, windows := map[string]int{}, map[string]window{}
	for rows.Next() {
		var file string
		var n int
		var w window
		if err := rows.Scan(&file, &n, &w.lo, &w.hi, &w.null); err != nil {
			rows.Close()
			return res, err
		}
		counts[file], windows[file] = n, w
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	if len(counts) > len(files) {
		return res, fmt.Errorf("load: DuckDB named %d files for %d read", len(counts), len(files))
	}
	var w window
	for _, f := range files {
		res.Events += counts[f.Path]
		w = w.union(windows[f.Path])
	}
	if err := s.exec(ctx, `BEGIN TRANSACTION`); err != nil {
		return res, err
	}
	r, err := s.conn.ExecContext(ctx, checkedInsert(monitor.DeliverySQL(paths, gz, maxObject), w))
	var n int64
	if err == nil {
		n, err = r.RowsAffected()
	}
	if err == nil {
		ledger := make([]ledgerEntry, len(files))
		for i, f := range files {
			ledger[i] = ledgerEntry{f, counts[f.Path]}
		}
		err = s.writeLedger(ctx, ledger)
	}
	if err == nil {
		err = s.exec(ctx, `COMMIT`)
	}
	if err != nil {
		_ = s.exec(context.WithoutCancel(ctx), `ROLLBACK`)
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		if len(files) == 1 {
			return monitor.LoadResult{Rejected: files}, nil
		}
		return s.setAside(ctx, files, gz)
	}
	res.Files, res.Added, res.Dups = len(files), int(n), res.Events-int(n)
	return res, nil
}

// setAside finds the files of a batch that hold a record for the Go
// reader (see checkedInsert), rejects them, and loads the others; when it
// cannot tell, it loads the files one by one.
func (s *Store) setAside(ctx context.Context, files []monitor.File, gz bool) (monitor.LoadResult, error) {
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.Path
	}
	rows, err := s.conn.QueryContext(ctx, `SELECT DISTINCT file FROM (`+monitor.DeliverySQL(paths, gz, maxObject)+`)
		WHERE nl_bad OR event_id = '' OR event_source = '' OR event_name = ''`)
	if err != nil {
		if ctx.Err() != nil {
			return monitor.LoadResult{}, ctx.Err()
		}
		return s.loadEach(ctx, files, gz)
	}
	bad := map[string]bool{}
	for rows.Next() {
		var file string
		if err := rows.Scan(&file); err != nil {
			rows.Close()
			return monitor.LoadResult{}, err
		}
		bad[file] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return monitor.LoadResult{}, err
	}
	var ok, rejected []monitor.File
	for _, f := range files {
		if bad[f.Path] {
			rejected = append(rejected, f)
		} else {
			ok = append(ok, f)
		}
	}
	if len(rejected) == 0 {
		// The load failed for another reason.
		return s.loadEach(ctx, files, gz)
	}
	var res monitor.LoadResult
	if len(ok) > 0 {
		var err error
		if res, err = s.LoadFiles(ctx, ok, gz); err != nil {
			return res, err
		}
	}
	res.Rejected = append(res.Rejected, rejected...)
	return res, nil
}

// maxLine bounds one chunk line for DuckDB's reader: a record (at most
// monitor.MaxRecordBytes) and its wrapping.
const maxLine = monitor.MaxRecordBytes + 1<<20

// LoadChunk reads a chunk with DuckDB's JSON reader and stores its new
// events with the ledger entries of its finished files, in one
// transaction: a first, cheap pass reads the records' times (the chunk's
// time range, to bound deduplication); the second reads, checks and
// normalises the records in one statement (monitor.CheckedSQL, see
// checkedInsert).
func (s *Store) LoadChunk(ctx context.Context, c *monitor.Chunk) (added, dups int, err error) {
	if !monitor.GlobFree(c.Path) {
		return 0, 0, fmt.Errorf("%w: %s is not a plain file name for DuckDB", monitor.ErrChunkRejected, c.Path)
	}
	var w window
	if c.Records > 0 {
		err := s.conn.QueryRowContext(ctx, `SELECT min(t), max(t), count(*) FILTER (WHERE t IS NULL) > 0
			FROM (SELECT `+monitor.EventTimeSQL("r.eventTime")+` AS t FROM `+monitor.ChunkRead(c, maxLine, timeType)+`)`).Scan(&w.lo, &w.hi, &w.null)
		if err != nil {
			if ctx.Err() != nil {
				return 0, 0, ctx.Err()
			}
			return 0, 0, fmt.Errorf("%w: %v", monitor.ErrChunkRejected, err)
		}
	}
	if err := s.exec(ctx, `BEGIN TRANSACTION`); err != nil {
		return 0, 0, err
	}
	defer func() {
		if err != nil {
			_ = s.exec(context.WithoutCancel(ctx), `ROLLBACK`)
		}
	}()
	var n int64
	if c.Records > 0 {
		r, err := s.conn.ExecContext(ctx, checkedInsert(monitor.ChunkSQL(c, maxLine), w))
		if err == nil {
			n, err = r.RowsAffected()
		}
		if err != nil {
			if ctx.Err() != nil {
				return 0, 0, ctx.Err()
			}
			return 0, 0, fmt.Errorf("%w: %v", monitor.ErrChunkRejected, err)
		}
	}
	ledger := make([]ledgerEntry, len(c.Done))
	for i, d := range c.Done {
		ledger[i] = ledgerEntry{d.File, d.Events}
	}
	if err := s.writeLedger(ctx, ledger); err != nil {
		return 0, 0, err
	}
	if err := s.exec(ctx, `COMMIT`); err != nil {
		return 0, 0, fmt.Errorf("commit: %w", err)
	}
	return int(n), c.Records - int(n), nil
}

// loadEach loads files one at a time.
func (s *Store) loadEach(ctx context.Context, files []monitor.File, gz bool) (monitor.LoadResult, error) {
	var res monitor.LoadResult
	for _, f := range files {
		r, err := s.LoadFiles(ctx, []monitor.File{f}, gz)
		if err != nil {
			return res, err
		}
		res.Files += r.Files
		res.Events += r.Events
		res.Added += r.Added
		res.Dups += r.Dups
		res.Rejected = append(res.Rejected, r.Rejected...)
	}
	return res, nil
}

func (s *Store) exec(ctx context.Context, q string) error {
	_, err := s.conn.ExecContext(ctx, q)
	return err
}

// Query runs query and returns every value as a string (NULL as "",
// timestamps as RFC 3339).
func (s *Store) Query(ctx context.Context, query string) ([]string, [][]string, error) {
	rows, err := s.conn.QueryContext(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	var out [][]string
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = format(v)
		}
		out = append(out, row)
	}
	return cols, out, rows.Err()
}

func format(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	case []byte:
		return string(v)
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = format(p)
		}
		return strings.Join(parts, ",")
	default:
		return fmt.Sprint(v)
	}
}
