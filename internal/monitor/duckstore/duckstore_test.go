//go:build cgo

package duckstore

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nightlight-sec/nightlight/internal/monitor"
)

// record is a real CloudTrail record (a Lambda function's role reading
// DynamoDB) with %s for its eventID and %s for its time.
const record = `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:orders-fn","arn":"arn:aws:sts::111122223333:assumed-role/orders-role/orders-fn","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/orders-role","accountId":"111122223333","userName":"orders-role"},"attributes":{"creationDate":"2024-08-01T12:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"%s","eventSource":"dynamodb.amazonaws.com","eventName":"GetItem","awsRegion":"us-east-1","sourceIPAddress":"3.80.1.2","userAgent":"Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.12.1 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.0","requestParameters":{"tableName":"orders","key":{"id":{"S":"42"}},"consistentRead":false},"responseElements":null,"requestID":"ABCDEF0123456789","eventID":"%s","readOnly":true,"resources":[{"accountId":"111122223333","type":"AWS::DynamoDB::Table","ARN":"arn:aws:dynamodb:us-east-1:111122223333:table/orders"}],"eventType":"AwsApiCall","apiVersion":"2012-08-10","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"dynamodb.us-east-1.amazonaws.com"}}`

// genTrail writes files gzipped delivery files of perFile records each in
// the S3 AWSLogs layout; every record appears once except that file i>0
// repeats the last record of file i-1 (as CloudTrail may deliver twice).
// It returns the number of distinct events.
func genTrail(t testing.TB, dir string, files, perFile int) int {
	t.Helper()
	day := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2024", "08", "01")
	if err := os.MkdirAll(day, 0o755); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2024, 8, 1, 12, 0, 0, 0, time.UTC)
	n := 0
	for i := 0; i < files; i++ {
		f, err := os.Create(filepath.Join(day, fmt.Sprintf("111122223333_CloudTrail_us-east-1_20240801T1200Z_%06d.json.gz", i)))
		if err != nil {
			t.Fatal(err)
		}
		zw := gzip.NewWriter(f)
		w := bufio.NewWriter(zw)
		w.WriteString(`{"Records":[`)
		for j := 0; j < perFile; j++ {
			if j > 0 {
				w.WriteString(",")
			}
			id := n
			if i > 0 && j == 0 {
				id = n - 1 // duplicate of the previous file's last record
			} else {
				n++
			}
			fmt.Fprintf(w, record, base.Add(time.Duration(id)*time.Millisecond).Format(time.RFC3339), fmt.Sprintf("00000000-0000-4000-8000-%012d", id))
		}
		w.WriteString("]}")
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

func ingestDir(t testing.TB, s monitor.Store, dir string, opts monitor.IngestOptions) monitor.Stats {
	t.Helper()
	files, _, err := monitor.Discover([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	st, err := monitor.Ingest(context.Background(), s, files, opts)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func count(t testing.TB, s monitor.Store) (all, distinct int) {
	t.Helper()
	_, rows, err := s.Query(context.Background(), `SELECT count(*), count(DISTINCT event_id) FROM events`)
	if err != nil {
		t.Fatal(err)
	}
	all, _ = strconv.Atoi(rows[0][0])
	distinct, _ = strconv.Atoi(rows[0][1])
	return all, distinct
}

func TestIncrementalAndDedupe(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	want := genTrail(t, filepath.Join(dir, "trail"), 20, 50)
	path := filepath.Join(dir, "store.duckdb")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	st := ingestDir(t, s, filepath.Join(dir, "trail"), monitor.IngestOptions{BatchEvents: 300})
	if st.Files != 20 || st.Events != want || st.Duplicates != 19 || st.Errors != 0 {
		t.Errorf("first run: %+v, want 20 files, %d events, 19 duplicates", st, want)
	}
	// Second run: every file is in the ledger, unchanged.
	st = ingestDir(t, s, filepath.Join(dir, "trail"), monitor.IngestOptions{})
	if st.Files != 0 || st.Unchanged != 20 || st.Events != 0 {
		t.Errorf("second run: %+v, want nothing read", st)
	}
	// Forced re-read: everything is a duplicate.
	st = ingestDir(t, s, filepath.Join(dir, "trail"), monitor.IngestOptions{Reread: true})
	if st.Files != 20 || st.Events != 0 || st.Duplicates != 1000 {
		t.Errorf("re-read: %+v, want 1000 duplicates", st)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopen: the events persisted.
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if all, distinct := count(t, s); all != want || distinct != want {
		t.Errorf("stored %d events (%d distinct), want %d", all, distinct, want)
	}
}

func TestBadFilesAreRetried(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	trail := filepath.Join(dir, "trail")
	genTrail(t, trail, 1, 10)
	bad := filepath.Join(trail, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"Records":[1,`+fmt.Sprintf(record, "2024-08-01T12:00:00Z", "x-1")+`,{"eventSource"`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(trail, "notes.txt"), []byte("unrelated"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st := ingestDir(t, s, trail, monitor.IngestOptions{})
	if st.Events != 11 || st.Errors != 2 {
		t.Fatalf("%+v, want 11 events and 2 errors", st)
	}
	got := []string{st.ErrorList[0].Error(), st.ErrorList[1].Error()}
	if !strings.HasSuffix(got[0], "bad.json: unexpected end of data at byte 1435 (truncated file?)") || !strings.HasSuffix(got[1], "bad.json: record 0: not a CloudTrail record: a JSON number, not an object") {
		t.Errorf("errors = %q", got)
	}
	// The broken file is read again next time (it may have been completed).
	st = ingestDir(t, s, trail, monitor.IngestOptions{})
	if st.Files != 1 || st.Unchanged != 1 || st.Duplicates != 1 {
		t.Errorf("second run %+v, want the bad file read again", st)
	}
}

// TestKill9 ingests a trail in a child process, kills it with SIGKILL after
// it committed at least one batch, then ingests again: every event must be
// stored exactly once. It does so through each path: delivery files read
// by DuckDB in batches, and the same files cut into chunks.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	if os.Getenv("NIGHTLIGHT_KILL9_CHILD") != "" {
		t.Skip("child")
	}
	for _, mode := range []string{"delivery", "chunks", "go-reader"} {
		t.Run(mode, func(t *testing.T) { kill9(t, mode) })
	}
}

func kill9(t *testing.T, mode string) {
	dir := t.TempDir()
	trail := filepath.Join(dir, "trail")
	// DuckDB's delivery reader commits batches of ~96 MiB of JSON: the
	// kill must come between two. The other readers commit 5,000 events
	// or 4 MiB at a time: fewer events are enough.
	perFile := 100
	if mode == "delivery" {
		perFile = 500
	}
	want := genTrail(t, trail, 200, perFile)
	path := filepath.Join(dir, "store.duckdb")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKill9Child$", "-test.v")
	cmd.Env = append(os.Environ(), "NIGHTLIGHT_KILL9_CHILD="+trail+"|"+path+"|"+mode)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "progress ") {
			files, _ := strconv.Atoi(strings.Fields(sc.Text())[1])
			if files >= 60 {
				cmd.Process.Signal(syscall.SIGKILL)
				killed = true
				break
			}
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("child finished before it could be killed")
	}
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer s.Close()
	before, _ := count(t, s)
	if before == 0 || before == want {
		t.Logf("note: %d of %d events committed before the kill", before, want)
	}
	st := ingestDir(t, s, trail, monitor.IngestOptions{Chunks: mode == "chunks", GoReader: mode == "go-reader"})
	all, distinct := count(t, s)
	t.Logf("killed with %d events stored; rerun read %d files (%d unchanged), added %d", before, st.Files, st.Unchanged, st.Events)
	if all != want || distinct != want {
		t.Errorf("after rerun %d events (%d distinct), want %d", all, distinct, want)
	}
}

// TestKill9Child is the child of TestKill9.
func TestKill9Child(t *testing.T) {
	env := os.Getenv("NIGHTLIGHT_KILL9_CHILD")
	if env == "" {
		t.Skip("run by TestKill9")
	}
	parts := strings.Split(env, "|")
	s, err := Open(context.Background(), parts[1])
	if err != nil {
		t.Fatal(err)
	}
	ingestDir(t, s, parts[0], monitor.IngestOptions{
		BatchEvents: 5000,
		Chunks:      parts[2] == "chunks",
		GoReader:    parts[2] == "go-reader",
		ChunkBytes:  4 << 20,
		// Inside the parent's temporary folder: the kill leaves it.
		ChunkDir: parts[1] + ".chunks",
		Progress: func(files, events int) {
			fmt.Printf("progress %d %d\n", files, events)
		},
	})
}

// BenchmarkIngestGzip measures ingestion of gzipped delivery files (read,
// normalise, deduplicate, commit) into a file store, with DuckDB's reader
// (the default for delivery files), through chunks (Go cuts, DuckDB
// reads) and with the Go reader (the default for other files); it reports
// events/s and events per CPU-second. The trail has 100 files of 1,000
// records; NIGHTLIGHT_BENCH_FILES and NIGHTLIGHT_BENCH_RECORDS change it.
func BenchmarkIngestGzip(b *testing.B) {
	files, perFile := envInt("NIGHTLIGHT_BENCH_FILES", 100), envInt("NIGHTLIGHT_BENCH_RECORDS", 1000)
	dir := b.TempDir()
	n := genTrail(b, filepath.Join(dir, "trail"), files, perFile)
	for _, bc := range []struct {
		name string
		opts monitor.IngestOptions
	}{
		{"duckdb-reader", monitor.IngestOptions{}},
		{"chunks", monitor.IngestOptions{Chunks: true}},
		{"go-reader", monitor.IngestOptions{GoReader: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cpu0 := cpuTime()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				path := filepath.Join(dir, fmt.Sprintf("store-%s-%d.duckdb", bc.name, i))
				s, err := Open(context.Background(), path)
				if err != nil {
					b.Fatal(err)
				}
				st := ingestDir(b, s, filepath.Join(dir, "trail"), bc.opts)
				if st.Events != n {
					b.Fatalf("%d events, want %d", st.Events, n)
				}
				s.Close()
				os.Remove(path)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			// On a shared machine wall time says little: events per second
			// of CPU used by the process (Go and DuckDB's threads) is the
			// stable figure.
			b.ReportMetric(float64(n)*float64(b.N)/(cpuTime()-cpu0).Seconds(), "events/cpu-s")
		})
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// cpuTime is the user and system CPU time used by the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// failingStore fails every Add after the first n.
type failingStore struct {
	monitor.Store
	n int
}

func (f *failingStore) Add(ctx context.Context, bs []monitor.Batch) (int, int, error) {
	if f.n == 0 {
		return 0, 0, fmt.Errorf("disk full")
	}
	f.n--
	return f.Store.Add(ctx, bs)
}

// TestLargeFileInterrupted ingests one file in chunks and fails after the
// first chunk was committed: the file must stay out of the ledger, and the
// next run completes it without duplicates.
func TestLargeFileInterrupted(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	want := genTrail(t, filepath.Join(dir, "trail"), 1, 10)
	s, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	files, _, err := monitor.Discover([]string{filepath.Join(dir, "trail")})
	if err != nil {
		t.Fatal(err)
	}
	opts := monitor.IngestOptions{Read: monitor.ReadOptions{ChunkEvents: 3, Workers: 1}, BatchEvents: 3}
	if _, err := monitor.Ingest(ctx, &failingStore{Store: s, n: 1}, files, opts); err == nil {
		t.Fatal("ingest with a failing store succeeded")
	}
	if got, _ := count(t, s); got != 3 {
		t.Fatalf("after the failure %d events stored, want the first chunk (3)", got)
	}
	st, err := monitor.Ingest(ctx, s, files, opts)
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 1 || st.Unchanged != 0 || st.Events != want-3 || st.Duplicates != 3 {
		t.Errorf("rerun %+v, want the file read again: %d new, 3 duplicates", st, want-3)
	}
	if all, distinct := count(t, s); all != want || distinct != want {
		t.Errorf("%d events (%d distinct), want %d", all, distinct, want)
	}
	st, _ = monitor.Ingest(ctx, s, files, opts)
	if st.Files != 0 || st.Unchanged != 1 {
		t.Errorf("third run %+v, want the file unchanged", st)
	}
}

// TestGenHugeTrail writes one gzipped delivery file of
// NIGHTLIGHT_GEN_EVENTS records under NIGHTLIGHT_GEN_DIR, to measure the
// CLI's memory on a huge input (docs/monitoring.md); without them it skips.
func TestGenHugeTrail(t *testing.T) {
	dir, n := os.Getenv("NIGHTLIGHT_GEN_DIR"), envInt("NIGHTLIGHT_GEN_EVENTS", 0)
	if dir == "" || n == 0 {
		t.Skip("set NIGHTLIGHT_GEN_DIR and NIGHTLIGHT_GEN_EVENTS to write a huge delivery file")
	}
	if got := genTrail(t, dir, 1, n); got != n {
		t.Fatalf("wrote %d events, want %d", got, n)
	}
}
