//go:build cgo

package duckstore

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nightlight-sec/nightlight/internal/monitor"
)

// fillStore appends n synthetic events to s directly in SQL (random UUIDs
// as event IDs, one every 200 ms over the days before genTrail's), as a
// store holding months of history would.
func fillStore(t testing.TB, s *Store, n int) {
	t.Helper()
	if n == 0 {
		return
	}
	vals := make([]string, len(monitor.Columns))
	for i, c := range monitor.Columns {
		switch c.Name {
		case "event_id":
			vals[i] = "CAST(gen_random_uuid() AS VARCHAR)"
		case "event_time":
			vals[i] = fmt.Sprintf("TIMESTAMP '2024-08-01 00:00:00' - to_milliseconds(200 * (%d - i))", n)
		case "record_index":
			vals[i] = "CAST(i % 1000 AS INTEGER)"
		case "file":
			vals[i] = "'history/' || CAST(i // 1000 AS VARCHAR) || '.json.gz'"
		default:
			switch c.Type {
			case "BOOLEAN":
				vals[i] = "i % 2 = 0"
			case "INTEGER":
				vals[i] = "CAST(i AS INTEGER)"
			default:
				vals[i] = "'v' || CAST(i % 97 AS VARCHAR)"
			}
		}
	}
	q := `INSERT INTO events SELECT ` + strings.Join(vals, ", ") + fmt.Sprintf(` FROM range(%d) AS r(i)`, n)
	if err := s.exec(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	// Written to the file now, not by the first ingestion's commit.
	if err := s.exec(context.Background(), `CHECKPOINT`); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkDedupeScaling ingests the same 100,000 new gzipped events
// (NIGHTLIGHT_BENCH_FILES × NIGHTLIGHT_BENCH_RECORDS) into stores already
// holding 0, 1 and 3 million older events (NIGHTLIGHT_BENCH_STORED, a
// comma-separated list, changes them), through DuckDB's delivery reader
// and through chunks, and reports the CPU per 1,000 events ingested: flat
// when deduplication does not grow with the store.
func BenchmarkDedupeScaling(b *testing.B) {
	files, perFile := envInt("NIGHTLIGHT_BENCH_FILES", 100), envInt("NIGHTLIGHT_BENCH_RECORDS", 1000)
	dir := b.TempDir()
	n := genTrail(b, filepath.Join(dir, "trail"), files, perFile)
	stored := []int{0, 1_000_000, 3_000_000}
	if v := envList("NIGHTLIGHT_BENCH_STORED"); v != nil {
		stored = v
	}
	for _, mode := range []string{"delivery", "chunks"} {
		for _, held := range stored {
			b.Run(fmt.Sprintf("%s/stored=%d", mode, held), func(b *testing.B) {
				var cpu, wall time.Duration
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					path := filepath.Join(dir, fmt.Sprintf("store-%s-%d-%d.duckdb", mode, held, i))
					s, err := open(context.Background(), path)
					if err != nil {
						b.Fatal(err)
					}
					fillStore(b, s, held)
					b.StartTimer()
					cpu0, t0 := cpuTime(), time.Now()
					st := ingestDir(b, s, filepath.Join(dir, "trail"), monitor.IngestOptions{Chunks: mode == "chunks", ChunkDir: path + ".chunks"})
					// Closing checkpoints what the write-ahead log holds:
					// part of the cost.
					if err := s.Close(); err != nil {
						b.Fatal(err)
					}
					cpu += cpuTime() - cpu0
					wall += time.Since(t0)
					b.StopTimer()
					if st.Events != n {
						b.Fatalf("%d events, want %d", st.Events, n)
					}
					removeStore(path)
					b.StartTimer()
				}
				b.ReportMetric(cpu.Seconds()*1e6/float64(n*b.N), "cpu-ms/kevent")
				b.ReportMetric(float64(n*b.N)/wall.Seconds(), "events/s")
			})
		}
	}
}

// envList reads a comma-separated list of integers ("" or a bad entry:
// nil).
func envList(name string) []int {
	v := os.Getenv(name)
	if v == "" {
		return nil
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 {
			return nil
		}
		out = append(out, n)
	}
	return out
}

// removeStore removes a store file and its write-ahead log.
func removeStore(path string) {
	os.Remove(path)
	os.Remove(path + ".wal")
}

// TestDedupeKey checks what counts as a duplicate through each path, with
// the copies in one ingestion (one batch or chunk) and in two: the same
// eventID at the same eventTime (however it is spelled, or unparseable or
// absent in both) is stored once; the same eventID at another time is
// another event.
func TestDedupeKey(t *testing.T) {
	rec := func(id, tm string) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(record, tm, id))
	}
	noTime := func(id string) json.RawMessage {
		r := strings.Replace(fmt.Sprintf(record, "X", id), `"eventTime":"X",`, "", 1)
		return json.RawMessage(r)
	}
	// Each case has its own IDs (d-1, d-2 are prefixed with its index),
	// so all are ingested together, by each path, at once: one DuckDB
	// statement costs ~0.1 CPU-s whatever its input.
	cases := []struct {
		name string
		a, b func(prefix string) json.RawMessage
		want int
	}{
		{"same record", func(p string) json.RawMessage { return rec(p+"d-1", "2024-08-01T12:00:00Z") }, func(p string) json.RawMessage { return rec(p+"d-1", "2024-08-01T12:00:00Z") }, 1},
		{"same instant spelled differently", func(p string) json.RawMessage { return rec(p+"d-1", "2024-08-01T12:00:00Z") }, func(p string) json.RawMessage { return rec(p+"d-1", "2024-08-01 14:00:00+02:00") }, 1},
		{"unparseable time in both", func(p string) json.RawMessage { return rec(p+"d-1", "yesterday") }, func(p string) json.RawMessage { return rec(p+"d-1", "not a time") }, 1},
		{"no time in both", func(p string) json.RawMessage { return noTime(p + "d-1") }, func(p string) json.RawMessage { return noTime(p + "d-1") }, 1},
		{"another time", func(p string) json.RawMessage { return rec(p+"d-1", "2024-08-01T12:00:00Z") }, func(p string) json.RawMessage { return rec(p+"d-1", "2024-08-02T12:00:00Z") }, 2},
		{"time in one only", func(p string) json.RawMessage { return rec(p+"d-1", "2024-08-01T12:00:00Z") }, func(p string) json.RawMessage { return noTime(p + "d-1") }, 2},
		{"another ID", func(p string) json.RawMessage { return rec(p+"d-1", "2024-08-01T12:00:00Z") }, func(p string) json.RawMessage { return rec(p+"d-2", "2024-08-01T12:00:00Z") }, 2},
	}
	paths := []struct {
		name string
		opts monitor.IngestOptions
	}{
		{"delivery", monitor.IngestOptions{}},
		{"chunks", monitor.IngestOptions{Chunks: true}},
		{"go-reader", monitor.IngestOptions{GoReader: true}},
	}
	ctx := context.Background()
	for _, p := range paths {
		for _, together := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/together=%v", p.name, together), func(t *testing.T) {
				dir := t.TempDir()
				wantEvents, wantDups := 0, 0
				for i, tc := range cases {
					prefix := fmt.Sprintf("c%d-", i)
					// Other events around them, so that the time range is
					// not one instant.
					writeDelivery(t, filepath.Join(dir, "a", prefix+"a.json.gz"), []json.RawMessage{rec(prefix+"o-1", "2024-07-01T00:00:00Z"), tc.a(prefix), rec(prefix+"o-2", "2024-09-01T00:00:00Z")}, true)
					writeDelivery(t, filepath.Join(dir, "b", prefix+"b.json.gz"), []json.RawMessage{tc.b(prefix)}, true)
					wantEvents += tc.want + 2
					wantDups += 2 - tc.want
				}
				s, err := open(ctx, ":memory:")
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				opts := p.opts
				opts.ChunkDir = filepath.Join(dir, "chunks")
				var st monitor.Stats
				if together {
					st = ingestDir(t, s, dir, opts)
				} else {
					st = ingestDir(t, s, filepath.Join(dir, "a"), opts)
					st2 := ingestDir(t, s, filepath.Join(dir, "b"), opts)
					st.Events += st2.Events
					st.Duplicates += st2.Duplicates
				}
				if st.Errors != 0 {
					t.Fatalf("errors: %v", st.ErrorList)
				}
				if st.Events != wantEvents || st.Duplicates != wantDups {
					t.Errorf("stats %+v; want %d events, %d duplicates", st, wantEvents, wantDups)
				}
				for i, tc := range cases {
					prefix := fmt.Sprintf("c%d-", i)
					_, rows, err := s.Query(ctx, `SELECT count(*) FROM events WHERE event_id = '`+prefix+`d-1' OR event_id = '`+prefix+`d-2'`)
					if err != nil {
						t.Fatal(err)
					}
					if got := rows[0][0]; got != strconv.Itoa(tc.want) {
						t.Errorf("%s: stored %s, want %d", tc.name, got, tc.want)
					}
				}
			})
		}
	}
}

// BenchmarkDedupeJoin measures the deduplication step alone: 20,000 new
// events staged, compared with stores holding 0, 1 and 3 million older
// events (NIGHTLIGHT_BENCH_STORED), by the store's query (stored events of
// the new events' time range) and by the query it replaced (every stored
// eventID), for comparison.
func BenchmarkDedupeJoin(b *testing.B) {
	stored := []int{0, 1_000_000, 3_000_000}
	if v := envList("NIGHTLIGHT_BENCH_STORED"); v != nil {
		stored = v
	}
	ctx := context.Background()
	for _, held := range stored {
		s, err := open(ctx, filepath.Join(b.TempDir(), "s.duckdb"))
		if err != nil {
			b.Fatal(err)
		}
		fillStore(b, s, max(held, 20_000))
		if err := s.exec(ctx, `CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM events LIMIT 0`); err != nil {
			b.Fatal(err)
		}
		// The 20,000 newest events, a month later and with new IDs.
		if err := s.exec(ctx, `INSERT INTO stage SELECT * REPLACE (CAST(gen_random_uuid() AS VARCHAR) AS event_id, event_time + INTERVAL 30 DAY AS event_time)
			FROM events ORDER BY event_time DESC LIMIT 20000`); err != nil {
			b.Fatal(err)
		}
		if held == 0 {
			if err := s.exec(ctx, `DELETE FROM events`); err != nil {
				b.Fatal(err)
			}
		}
		var w window
		if err := s.conn.QueryRowContext(ctx, `SELECT min(event_time), max(event_time), count(*) FILTER (WHERE event_time IS NULL) > 0 FROM stage`).Scan(&w.lo, &w.hi, &w.null); err != nil {
			b.Fatal(err)
		}
		for _, q := range []struct{ name, sql string }{
			{"time-range", `SELECT count(*) FROM stage s WHERE NOT EXISTS (SELECT 1 FROM ` + w.stored() + ` AS e WHERE e.event_id = s.event_id AND e.event_time IS NOT DISTINCT FROM s.event_time)`},
			{"every-stored-id", `SELECT count(*) FROM stage s WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = s.event_id)`},
		} {
			b.Run(fmt.Sprintf("stored=%d/%s", held, q.name), func(b *testing.B) {
				cpu0 := cpuTime()
				for i := 0; i < b.N; i++ {
					_, rows, err := s.Query(ctx, q.sql)
					if err != nil {
						b.Fatal(err)
					}
					if rows[0][0] != "20000" {
						b.Fatalf("%s new events, want 20000", rows[0][0])
					}
				}
				b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			})
		}
		s.Close()
	}
}
