//go:build cgo

package duckstore

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/monitor"
)

// quirks are records with the format's oddities (MANIFEST.md) and the
// corners of the normaliser, one per line.
var quirks = []string{
	// versioned Lambda event name, bracketed user agent, IPv6 source
	`{"eventID":"q-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"lambda.amazonaws.com","eventName":"UpdateFunctionCode20150331v2","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"sourceIPAddress":"2001:db8::1","userAgent":"[aws-cli/2.15.0 Python/3.11]","requestParameters":{"functionName":"orders","publish":true},"readOnly":false,"recipientAccountId":"111122223333"}`,
	// no userIdentity, time with a space, host name as source
	`{"eventID":"q-2","eventTime":"2021-10-13 18:35:08","eventSource":"s3.amazonaws.com","eventName":"GetObject","sourceIPAddress":"lambda.amazonaws.com","userAgent":"  lambda.amazonaws.com  ","requestParameters":{"bucketName":"b","key":"k"},"readOnly":"true","resources":[{"type":"AWS::S3::Object"},{"ARN":"arn:aws:s3:::b/k"}]}`,
	// assumed role without sessionContext, invalid IP, Invoke
	`{"eventID":"q-3","eventTime":"2024-08-01T12:00:01.123456Z","eventSource":"lambda.amazonaws.com","eventName":"Invoke","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/fn-role/fn","accountId":"111122223333"},"sourceIPAddress":"95.025.143.109","userAgent":"Boto3/1.34 exec-env/AWS_Lambda_python3.12","requestParameters":{"functionName":5,"name":"n"}}`,
	// IAM user without arn, private source, empty recipient account
	`{"eventID":"q-4","eventTime":"2024-08-01T12:00:02+02:00","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","userIdentity":{"type":"IAMUser","accountId":"111122223333","userName":"bob"},"sourceIPAddress":"10.0.0.7","userAgent":"aws-sdk-go-v2/1.30","requestParameters":{"userName":"carol"},"recipientAccountId":"","errorCode":"AccessDenied","errorMessage":"no"}`,
	// identity without type, AWS Internal, console login
	`{"eventID":"q-5","eventTime":"not a time","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","userIdentity":{"accountId":"111122223333","arn":"arn:aws:iam::111122223333:user/x"},"sourceIPAddress":"AWS Internal","userAgent":"Mozilla/5.0","responseElements":{"ConsoleLogin":"Failure"},"additionalEventData":{"MFAUsed":"No"},"requestParameters":null}`,
	// anonymous, root, service, account principals
	`{"eventID":"q-6","eventTime":"2024-08-01T12:00:03Z","eventSource":"s3.amazonaws.com","eventName":"ListObjects","userIdentity":{"type":"AWSAccount","accountId":"ANONYMOUS_PRINCIPAL"},"sourceIPAddress":"198.51.100.1","userAgent":"curl/8.0","requestParameters":"not an object"}`,
	`{"eventID":"q-7","eventTime":"2024-08-01T12:00:04Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","userIdentity":{"type":"Root","accountId":"111122223333","arn":"arn:aws:iam::111122223333:root","userName":"rooty"},"sourceIPAddress":"198.51.100.2","userAgent":"","requestParameters":{"name":"trail"}}`,
	`{"eventID":"q-8","eventTime":"2024-08-01T12:00:05Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","userIdentity":{"type":"AWSService","invokedBy":"lambda.amazonaws.com"},"sourceIPAddress":"lambda.amazonaws.com","userAgent":"lambda.amazonaws.com"}`,
	`{"eventID":"q-9","eventTime":"2024-08-01T12:00:06Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":{"type":"AWSAccount","accountId":"444455556666","principalId":"x"},"sourceIPAddress":"fd00::5","userAgent":"[S3Console/0.4]","additionalEventData":{"MFAUsed":true}}`,
	`{"eventID":"q-10","eventTime":"2024-08-01T12:00:07Z","eventSource":"monitoring.amazonaws.com","eventName":"PutMetricData","userIdentity":{"type":"FederatedUser","arn":"arn:aws:sts::111122223333:federated-user/f","accountId":"111122223333","userName":"f"},"sourceIPAddress":"203.0.113.9","userAgent":"terraform/1.6 aws-sdk-go","readOnly":"false"}`,
	`{"eventID":"q-11","eventTime":"2024-08-01T12:00:08Z","eventSource":"sts.amazonaws.com","eventName":"GetCallerIdentity","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/r/s","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/path/r","userName":"r"}}},"sourceIPAddress":"3.3.3.3","userAgent":"aws-cli/2 exec-env/CloudShell"}`,
	`{"eventID":"q-12","eventTime":"2024-08-01T12:00:09Z","eventSource":"ec2.amazonaws.com","eventName":"ModifySnapshotAttribute","userIdentity":{"type":"Unknown"},"sourceIPAddress":"","requestParameters":{"snapshotId":"snap-1","createVolumePermission":{"add":{"items":[{"group":"all"}]}}}}`,
}

// writeDelivery writes records as one gzipped (or plain) delivery file.
func writeDelivery(t testing.TB, path string, records []json.RawMessage, gz bool) {
	t.Helper()
	var buf bytes.Buffer
	buf.WriteString(`{"Records":[`)
	for i, r := range records {
		if i > 0 {
			buf.WriteString(",\n")
		}
		buf.Write(r)
	}
	buf.WriteString("]}\n")
	data := buf.Bytes()
	if gz {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(data)
		zw.Close()
		data = z.Bytes()
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// sharedRecords returns the shared CloudTrail records per source file
// (Panther rule tests unwrapped), each eventID once.
func sharedRecords(t testing.TB) map[string][]json.RawMessage {
	root := sharedCloudTrail(t)
	out := map[string][]json.RawMessage{}
	seen := map[string]bool{}
	odd := 0
	defer func() { t.Logf("%d shared records spell field names unlike CloudTrail: left out", odd) }()
	paths, _ := filepath.Glob(filepath.Join(root, "*", "*.json*"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var recs []json.RawMessage
		if json.Unmarshal(data, &recs) != nil {
			var w struct{ Records []json.RawMessage }
			if json.Unmarshal(data, &w) == nil && w.Records != nil {
				recs = w.Records
			} else {
				sc := bufio.NewScanner(bytes.NewReader(data))
				sc.Buffer(nil, 16<<20)
				for sc.Scan() {
					if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
						recs = append(recs, append(json.RawMessage(nil), line...))
					}
				}
			}
		}
		for _, r := range recs {
			var probe struct {
				EventID string          `json:"eventID"`
				Event   json.RawMessage `json:"event"`
			}
			if json.Unmarshal(r, &probe) != nil {
				continue
			}
			if len(probe.Event) > 0 && probe.Event[0] == '{' {
				r = probe.Event
				probe.EventID = ""
				json.Unmarshal(r, &probe)
			}
			if probe.EventID == "" || seen[probe.EventID] {
				continue
			}
			if _, err := monitor.ParseRecord(r); err != nil {
				continue
			}
			if !canonical(r) {
				odd++
				continue
			}
			seen[probe.EventID] = true
			rel, _ := filepath.Rel(root, p)
			out[rel] = append(out[rel], r)
		}
	}
	return out
}

// TestLoaderMatchesGoReader writes the shared CloudTrail records and the
// quirks as delivery files, ingests them once with DuckDB's reader
// (LoadFiles) and once with the Go reader, and compares every column of
// every event.
func TestLoaderMatchesGoReader(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	total := 0
	for rel, recs := range sharedRecords(t) {
		name := strings.NewReplacer("/", "_", ".jsonl", "", ".json", "").Replace(rel)
		writeDelivery(t, filepath.Join(dir, "trail", name+".json.gz"), recs, true)
		total += len(recs)
	}
	var q []json.RawMessage
	for _, r := range quirks {
		if !json.Valid([]byte(r)) {
			t.Fatalf("quirk not JSON: %s", r)
		}
		q = append(q, json.RawMessage(r))
	}
	writeDelivery(t, filepath.Join(dir, "trail", "quirks.json.gz"), q, true)
	var p []json.RawMessage
	for _, r := range quirks[:3] {
		p = append(p, json.RawMessage(strings.Replace(r, `"eventID":"q-`, `"eventID":"p-`, 1)))
	}
	writeDelivery(t, filepath.Join(dir, "trail", "quirks-plain.json"), p, false)
	total += len(q) + len(p)
	if total < 3000 {
		t.Fatalf("only %d shared records", total)
	}
	files, _, err := monitor.Discover([]string{filepath.Join(dir, "trail")})
	if err != nil {
		t.Fatal(err)
	}
	fast, err := open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	var gzFiles, plain []monitor.File
	for _, f := range files {
		if strings.HasSuffix(f.Path, ".gz") {
			gzFiles = append(gzFiles, f)
		} else {
			plain = append(plain, f)
		}
	}
	res, err := fast.LoadFiles(ctx, gzFiles, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rejected) > 0 || res.Files != len(gzFiles) || res.Added != total-3 {
		t.Fatalf("LoadFiles: %d files, %d added, rejected %v; want %d files, %d events", res.Files, res.Added, res.Rejected, len(gzFiles), total-3)
	}
	if res, err := fast.LoadFiles(ctx, plain, false); err != nil || res.Files != 1 || res.Added != 3 {
		t.Fatalf("LoadFiles (plain): %+v, %v; want 1 file of 3 events", res, err)
	}
	slow, err := open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if st := ingestDir(t, slow, filepath.Join(dir, "trail"), monitor.IngestOptions{GoReader: true}); st.Events != total || st.Errors != 0 {
		t.Fatalf("Go reader: %+v, want %d events", st, total)
	}
	compareStores(t, fast, slow)
}

// compareStores compares every column of every event of got with want's.
func compareStores(t *testing.T, got, want *Store) {
	t.Helper()
	ctx := context.Background()
	query := "SELECT * FROM events ORDER BY file, record_index"
	cols, wantRows, err := want.Query(ctx, query)
	if err != nil {
		t.Fatal(err)
	}
	_, gotRows, err := got.Query(ctx, query)
	if err != nil {
		t.Fatal(err)
	}
	if len(gotRows) != len(wantRows) {
		t.Fatalf("loader stored %d events, Go reader %d", len(gotRows), len(wantRows))
	}
	diffs := 0
	for i := range wantRows {
		for j, c := range cols {
			g, w := gotRows[i][j], wantRows[i][j]
			if c == "request_parameters" && g != w {
				// DuckDB writes the JSON back compactly; same value.
				var gv, wv any
				json.Unmarshal([]byte(g), &gv)
				json.Unmarshal([]byte(w), &wv)
				if cmp.Equal(gv, wv) {
					continue
				}
			}
			if g != w {
				if diffs < 30 {
					t.Errorf("%s record %s column %s: loader %q, Go reader %q", wantRows[i][cols2idx(cols, "file")], wantRows[i][cols2idx(cols, "record_index")], c, g, w)
				}
				diffs++
			}
		}
	}
	if diffs > 0 {
		t.Errorf("%d differences in %d events", diffs, len(wantRows))
	}
}

// chunkSpy counts the chunks its store rejected, and the delivery files
// (rejectedFiles).
type chunkSpy struct {
	*Store
	t             *testing.T
	loaded        int
	rejected      int
	rejectedFiles int
}

func (c *chunkSpy) LoadFiles(ctx context.Context, files []monitor.File, gz bool) (monitor.LoadResult, error) {
	res, err := c.Store.LoadFiles(ctx, files, gz)
	c.rejectedFiles += len(res.Rejected)
	return res, err
}

func (c *chunkSpy) LoadChunk(ctx context.Context, ch *monitor.Chunk) (int, int, error) {
	a, d, err := c.Store.LoadChunk(ctx, ch)
	if errors.Is(err, monitor.ErrChunkRejected) {
		c.rejected++
		c.t.Logf("rejected: %v", err)
	} else if err == nil {
		c.loaded++
	}
	return a, d, err
}

// TestChunksMatchGoReader writes the shared CloudTrail records and the
// quirks in the shapes the chunk path reads (JSON lines, an indented JSON
// array, a delivery file with a line break in every record, plain and
// gzipped), ingests them through chunks of a few KB and with the Go reader,
// and compares every column of every event: DuckDB must load every chunk
// itself.
func TestChunksMatchGoReader(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	trail := filepath.Join(dir, "trail")
	var all []json.RawMessage
	for _, recs := range sharedRecords(t) {
		all = append(all, recs...)
	}
	for _, r := range quirks {
		all = append(all, json.RawMessage(r))
	}
	third := len(all) / 3
	if err := os.MkdirAll(trail, 0o755); err != nil {
		t.Fatal(err)
	}
	var lines bytes.Buffer
	for _, r := range all[:third] {
		lines.Write(r)
		lines.WriteString("\n")
	}
	if err := os.WriteFile(filepath.Join(trail, "export.jsonl"), lines.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	indented, err := json.MarshalIndent(all[third:2*third], "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(indented)
	zw.Close()
	if err := os.WriteFile(filepath.Join(trail, "array.json.gz"), z.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var spaced []json.RawMessage
	for _, r := range all[2*third:] {
		spaced = append(spaced, json.RawMessage(strings.Replace(string(r), ",", ",\r\n", 1)))
	}
	writeDelivery(t, filepath.Join(trail, "delivery.json"), spaced, false)
	chunked, err := open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer chunked.Close()
	spy := &chunkSpy{Store: chunked, t: t}
	files, _, err := monitor.Discover([]string{trail})
	if err != nil {
		t.Fatal(err)
	}
	st, err := monitor.Ingest(ctx, spy, files, monitor.IngestOptions{Chunks: true, ChunkBytes: 256 << 10})
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 3 || st.Events != len(all) || st.Errors != 0 || spy.rejected != 0 || spy.loaded < 10 {
		t.Fatalf("chunks: %+v, %d chunks loaded, %d rejected; want 3 files, %d events, more than 10 chunks, none rejected", st, spy.loaded, spy.rejected, len(all))
	}
	slow, err := open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if st := ingestDir(t, slow, trail, monitor.IngestOptions{GoReader: true}); st.Events != len(all) || st.Errors != 0 {
		t.Fatalf("Go reader: %+v, want %d events", st, len(all))
	}
	compareStores(t, chunked, slow)
	// A second run adds nothing.
	if st := ingestDir(t, spy, trail, monitor.IngestOptions{}); st.Files != 0 || st.Unchanged != 3 {
		t.Errorf("second run %+v, want 3 files unchanged", st)
	}
}

// canonicalKeys are the field names the normalisers read, as CloudTrail
// writes them. DuckDB's reader matches names exactly; Go's encoding/json
// also takes other casings (Panther's rule tests write "arn",
// "accesskeyid"): such hand-made records are not delivery files and are
// left out of the comparison.
var canonicalKeys = map[string]bool{}

func init() {
	for _, k := range []string{"eventID", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
		"userAgent", "errorCode", "errorMessage", "readOnly", "eventType", "recipientAccountId", "userIdentity",
		"requestParameters", "responseElements", "additionalEventData", "resources", "ARN", "type", "arn",
		"accountId", "accessKeyId", "userName", "invokedBy", "sessionContext", "sessionIssuer", "MFAUsed", "ConsoleLogin",
		"functionName", "bucketName", "tableName", "queueUrl", "topicArn", "secretId", "stateMachineArn",
		"streamName", "logGroupName", "keyId", "roleName", "policyArn", "name", "trailName",
		"snapshotId", "imageId", "dBSnapshotIdentifier", "instanceId", "layerName"} {
		canonicalKeys[strings.ToLower(k)+"\x00"+k] = true
	}
}

// canonical reports whether every key of r (two levels down) that a
// normaliser reads, in any casing, is spelt as CloudTrail spells it.
func canonical(r json.RawMessage) bool {
	var walk func(v any, parent string, depth int) bool
	walk = func(v any, parent string, depth int) bool {
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				if parent == "resources" && k != "ARN" && strings.EqualFold(k, "ARN") {
					return false
				}
				lk := strings.ToLower(k)
				for ck := range canonicalKeys {
					if strings.HasPrefix(ck, lk+"\x00") && !canonicalKeys[lk+"\x00"+k] {
						return false
					}
				}
				if depth < 3 && !walk(c, k, depth+1) {
					return false
				}
			}
		case []any:
			for _, c := range v {
				if !walk(c, parent, depth+1) {
					return false
				}
			}
		}
		return true
	}
	var v any
	return json.Unmarshal(r, &v) == nil && walk(v, "", 0)
}

func cols2idx(cols []string, name string) int {
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	panic(fmt.Sprint("no column ", name))
}

// TestLoaderBadInput ingests a folder of delivery files, good and broken:
// the broken ones go to the Go reader, which reports each problem with its
// file and record, and everything readable is stored once.
func TestLoaderBadInput(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	trail := filepath.Join(dir, "trail")
	rec := func(id string) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(record, "2024-08-01T12:00:00Z", id))
	}
	writeDelivery(t, filepath.Join(trail, "good.json.gz"), []json.RawMessage{rec("g-1"), rec("g-2")}, true)
	writeDelivery(t, filepath.Join(trail, "not-object.json.gz"), []json.RawMessage{rec("n-1"), json.RawMessage(`"hello"`), rec("n-3")}, true)
	writeDelivery(t, filepath.Join(trail, "no-id.json.gz"), []json.RawMessage{rec("i-1"), json.RawMessage(`{"eventSource":"s3.amazonaws.com","eventName":"GetObject"}`)}, true)
	writeDelivery(t, filepath.Join(trail, "no-source.json"), []json.RawMessage{json.RawMessage(`{"eventID":"s-1","eventName":"GetObject"}`), rec("s-2")}, false)
	writeDelivery(t, filepath.Join(trail, "wrong-shape.json.gz"), []json.RawMessage{rec("w-1"), json.RawMessage(`{"eventID":"w-2","eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":"root"}`)}, true)
	// A gzipped delivery file cut short.
	var many []json.RawMessage
	for i := range 200 {
		many = append(many, rec(fmt.Sprintf("t-%d", i)))
	}
	writeDelivery(t, filepath.Join(trail, "truncated.json.gz"), many, true)
	full, err := os.ReadFile(filepath.Join(trail, "truncated.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(trail, "truncated.json.gz"), full[:len(full)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(trail, "README.txt"), []byte("not a log"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(trail, "notes.json"), []byte(`{"owner":"ops","retention":"90d"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	files, skipped, err := monitor.Discover([]string{trail})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 1 || !strings.HasSuffix(skipped[0], "README.txt") {
		t.Errorf("skipped = %q, want README.txt", skipped)
	}
	s, err := open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := monitor.Ingest(ctx, s, files, monitor.IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range st.ErrorList {
		got = append(got, strings.TrimPrefix(e.Error(), trail+string(filepath.Separator)))
	}
	want := []string{
		"no-source.json: record 0: not a CloudTrail record: no eventSource or eventName",
		"not-object.json.gz: record 1: not a CloudTrail record: a JSON string, not an object",
		"notes.json: record 0: not a CloudTrail record: no eventSource or eventName",
		"truncated.json.gz: unexpected end of data at byte NNN (truncated file?)",
		"wrong-shape.json.gz: record 1: not a CloudTrail record: field userIdentity: json: cannot unmarshal string into Go struct field rawRecord.userIdentity of type monitor.rawIdentity",
	}
	for i := range got {
		if strings.HasPrefix(got[i], "truncated.json.gz: unexpected end of data at byte ") {
			got[i] = "truncated.json.gz: unexpected end of data at byte NNN (truncated file?)"
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	// Everything readable is stored: the good records of each file (the
	// record without eventID under its hash), and the truncated file's
	// records before the cut.
	all, distinct := count(t, s)
	if all != distinct || st.Events != all {
		t.Errorf("%d events stored (%d distinct), %d reported", all, distinct, st.Events)
	}
	_, rows, err := s.Query(ctx, `SELECT count(*) FILTER (WHERE event_id LIKE 't-%'), count(*) FILTER (WHERE event_id LIKE 'sha256:%'), count(*) FILTER (WHERE event_id NOT LIKE 't-%') FROM events`)
	if err != nil {
		t.Fatal(err)
	}
	truncated, _ := strconv.Atoi(rows[0][0])
	if truncated == 0 || truncated >= 200 || rows[0][1] != "1" || rows[0][2] != "8" {
		t.Errorf("stored %v (truncated file's, hashed, others), want some of 200, 1, 8", rows[0])
	}
	// Only the files that read to their end count as ingested (the
	// truncated one is in the ledger with size -1: read again next time).
	_, rows, err = s.Query(ctx, `SELECT string_agg(parse_filename(path), ',' ORDER BY path) FROM files WHERE size >= 0`)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "good.json.gz,no-id.json.gz,no-source.json,not-object.json.gz,notes.json,wrong-shape.json.gz" {
		t.Errorf("ledger %s", rows[0][0])
	}
}

// TestChunkDirEmptied checks that the chunks a killed run left beside the
// store are removed by the next run, and that the folder goes when done.
func TestChunkDirEmptied(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	trail := filepath.Join(dir, "trail")
	if err := os.MkdirAll(trail, 0o755); err != nil {
		t.Fatal(err)
	}
	line := fmt.Sprintf(record, "2024-08-01T12:00:00Z", "c-1") + "\n"
	if err := os.WriteFile(filepath.Join(trail, "export.jsonl"), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	chunks := filepath.Join(dir, "store.duckdb.chunks")
	if err := os.MkdirAll(chunks, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(chunks, "chunk-000007.jsonl"), []byte("left by a killed run\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := open(ctx, filepath.Join(dir, "store.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st := ingestDir(t, s, trail, monitor.IngestOptions{ChunkDir: chunks}); st.Events != 1 || st.Errors != 0 {
		t.Fatalf("%+v, want 1 event", st)
	}
	if _, err := os.Stat(chunks); !os.IsNotExist(err) {
		t.Errorf("chunk folder still there after the run: %v", err)
	}
}
