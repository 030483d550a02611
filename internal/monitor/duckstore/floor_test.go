//go:build cgo

package duckstore

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/monitor"
)

// BenchmarkIngestFloor measures what reading the files of
// BenchmarkIngestGzip costs before anything is stored, to put beside the
// ingest figure (docs/monitoring.md, "Speed"): DuckDB's JSON reader over
// the gzipped delivery files (counting records, unnesting them into the
// record struct the loader reads, and normalising them into the events
// columns in memory), and Go's gunzip, gunzip and cutting into records
// (the chunks' reader), and gunzip, cutting and ParseRecord (the Go
// reader), on one goroutine. It reports events per CPU-second.
func BenchmarkIngestFloor(b *testing.B) {
	files, perFile := envInt("NIGHTLIGHT_BENCH_FILES", 100), envInt("NIGHTLIGHT_BENCH_RECORDS", 1000)
	dir := b.TempDir()
	genTrail(b, filepath.Join(dir, "trail"), files, perFile)
	found, _, err := monitor.Discover([]string{filepath.Join(dir, "trail")})
	if err != nil {
		b.Fatal(err)
	}
	paths := make([]string, len(found))
	for i, f := range found {
		paths[i] = f.Path
	}
	records := files * perFile // the generated files hold this many records, duplicates included
	ctx := context.Background()
	s, err := open(ctx, ":memory:")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	read := func(recordType string) string {
		return monitor.DeliveryRead(paths, true, maxObject, recordType)
	}
	duck := map[string]string{
		// The reader alone, records cut and only their eventID kept.
		"duckdb-count": `SELECT sum(len(Records)) FROM ` + read(`STRUCT(eventID VARCHAR)`),
		// The record struct the loader reads, every field materialised.
		"duckdb-unnest": `CREATE OR REPLACE TEMP TABLE floor AS SELECT unnest(Records) AS r FROM ` + read(monitor.RecordType),
		// The loader's second pass without storing: the events columns.
		"duckdb-normalise": `CREATE OR REPLACE TEMP TABLE floor AS ` + monitor.DeliverySQL(paths, true, maxObject),
	}
	for _, name := range []string{"duckdb-count", "duckdb-unnest", "duckdb-normalise"} {
		b.Run(name, func(b *testing.B) {
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				if err := s.exec(ctx, duck[name]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(records*b.N)/(cpuTime()-cpu0).Seconds(), "events/cpu-s")
		})
	}
	goFloor := map[string]func(f *os.File) (int, error){
		"go-gunzip": func(f *os.File) (int, error) {
			zr, err := gzip.NewReader(f)
			if err != nil {
				return 0, err
			}
			_, err = io.Copy(io.Discard, zr)
			return perFile, err
		},
		"go-gunzip-cut": func(f *os.File) (int, error) {
			n := 0
			err := monitor.DecodeRaw(ctx, f, func(int, []byte, bool) { n++ })
			return n, err
		},
		"go-gunzip-cut-parse": func(f *os.File) (int, error) {
			n := 0
			err := monitor.Decode(ctx, f, f.Name(), func(monitor.Event) { n++ }, func(fe *monitor.FileError) { b.Fatal(fe) })
			return n, err
		},
	}
	for _, name := range []string{"go-gunzip", "go-gunzip-cut", "go-gunzip-cut-parse"} {
		b.Run(name, func(b *testing.B) {
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				n := 0
				for _, p := range paths {
					f, err := os.Open(p)
					if err != nil {
						b.Fatal(err)
					}
					k, err := goFloor[name](f)
					f.Close()
					if err != nil {
						b.Fatal(err)
					}
					n += k
				}
				if n != records {
					b.Fatalf("%d records, want %d", n, records)
				}
			}
			b.ReportMetric(float64(records*b.N)/(cpuTime()-cpu0).Seconds(), "events/cpu-s")
		})
	}
}
