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

func (s *Store) init(ctx context.Context) error {
	var cols []string
	for _, c := range monitor.Columns {
		cols = append(cols, c.Name+" "+c.Type)
	}
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
		`CREATE TABLE IF NOT EXISTS files (path VARCHAR PRIMARY KEY, size BIGINT, mtime BIGINT, events INTEGER, ingested TIMESTAMP)`,
		`CREATE TABLE IF NOT EXISTS events (` + strings.Join(cols, ", ") + `)`,
		`CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM events LIMIT 0`,
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
// transaction.
func (s *Store) Add(ctx context.Context, batches []monitor.Batch) (added, dups int, err error) {
	if _, err := s.conn.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
		return 0, 0, err
	}
	defer func() {
		if err != nil {
			_, _ = s.conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		}
	}()
	staged := 0
	err = s.conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "stage")
		if err != nil {
			return fmt.Errorf("appender: %w", err)
		}
		for i := range batches {
			for j := range batches[i].Events {
				if err := app.AppendRow(batches[i].Events[j].Values()...); err != nil {
					app.Close()
					return fmt.Errorf("append %s record %d: %w", batches[i].File.Path, batches[i].Events[j].Index, err)
				}
				staged++
			}
		}
		return app.Close()
	})
	if err != nil {
		return 0, 0, err
	}
	res, err := s.conn.ExecContext(ctx, `INSERT INTO events
		SELECT * FROM (SELECT DISTINCT ON (event_id) * FROM stage) AS s
		WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = s.event_id)`)
	if err != nil {
		return 0, 0, fmt.Errorf("insert events: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, 0, err
	}
	if _, err := s.conn.ExecContext(ctx, `DELETE FROM stage`); err != nil {
		return 0, 0, err
	}
	now := time.Now().UTC()
	// Only a file's last batch completes it in the ledger.
	var done []monitor.Batch
	for _, b := range batches {
		if !b.Partial {
			done = append(done, b)
		}
	}
	batches = done
	for start := 0; start < len(batches); start += 500 {
		chunk := batches[start:min(start+500, len(batches))]
		var q strings.Builder
		q.WriteString(`INSERT OR REPLACE INTO files VALUES `)
		args := make([]any, 0, 5*len(chunk))
		for i, b := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?)")
			args = append(args, b.File.Path, b.File.Size, b.File.ModTime, len(b.Events), now)
		}
		if _, err := s.conn.ExecContext(ctx, q.String(), args...); err != nil {
			return 0, 0, fmt.Errorf("ledger: %w", err)
		}
	}
	if _, err := s.conn.ExecContext(ctx, `COMMIT`); err != nil {
		return 0, 0, fmt.Errorf("commit: %w", err)
	}
	return int(n), staged - int(n), nil
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
