//go:build cgo

package duckstore

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/monitor"
)

// badRecords are records of a valid JSON shape whose fields have the wrong
// type or are missing, and values that are not records: the Go normaliser
// (ParseRecord) is the reference, and every reader must store and report
// them as it does. TestReadersAgreeOnBadRecords also reads timeRecords.
var badRecords = []struct{ name, rec string }{
	{"numeric eventName", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":5}`},
	{"boolean eventSource", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":true,"eventName":"GetObject"}`},
	{"object eventName", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":{"a":1}}`},
	{"array eventName", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":["GetObject"]}`},
	{"numeric eventID", `{"eventID":42,"eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`},
	{"null eventID", `{"eventID":null,"eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`},
	{"numeric eventTime", `{"eventID":"b-1","eventTime":1722513600,"eventSource":"s3.amazonaws.com","eventName":"GetObject"}`},
	{"object eventTime", `{"eventID":"b-1","eventTime":{"t":"2024-08-01T12:00:00Z"},"eventSource":"s3.amazonaws.com","eventName":"GetObject"}`},
	{"numeric awsRegion", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":1}`},
	{"numeric sourceIPAddress", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","sourceIPAddress":10}`},
	{"object userAgent", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","userAgent":{}}`},
	{"numeric errorCode", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","errorCode":403}`},
	{"boolean errorMessage", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","errorMessage":false}`},
	{"numeric eventType", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventType":1}`},
	{"numeric recipientAccountId", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","recipientAccountId":111122223333}`},
	{"string userIdentity", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":"root"}`},
	{"array userIdentity", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":[]}`},
	{"null userIdentity", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":null}`},
	{"numeric userIdentity.arn", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":{"type":"IAMUser","arn":7}}`},
	{"numeric userIdentity.type", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":{"type":1,"arn":"arn:aws:iam::1:user/a"}}`},
	{"numeric userIdentity.accountId", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":{"type":"Root","accountId":111122223333}}`},
	{"string sessionContext", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":{"type":"AssumedRole","sessionContext":"x"}}`},
	{"numeric sessionIssuer.arn", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":{"type":"AssumedRole","sessionContext":{"sessionIssuer":{"arn":5}}}}`},
	{"object resources", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","resources":{"ARN":"arn:aws:s3:::b"}}`},
	{"string in resources", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","resources":["arn:aws:s3:::b"]}`},
	{"numeric resources ARN", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","resources":[{"ARN":5}]}`},
	{"null in resources", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","resources":[null,{"ARN":"arn:aws:s3:::b"}]}`},
	{"array requestParameters", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":[1]}`},
	{"numeric readOnly", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","readOnly":1}`},
	{"string responseElements", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","responseElements":"Success"}`},
	{"numeric MFAUsed", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":1}}`},
	{"no eventSource", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventName":"GetObject"}`},
	{"empty eventName", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":""}`},
	{"null eventName", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":null}`},
	{"duplicate key", `{"eventID":"b-1","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventName":"PutObject"}`},
	{"escaped strings", `{"eventID":"b-\u0031","eventTime":"2024-08-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"Get\u004fbject","userAgent":"a\"b\\c\u00e9"}`},
	{"empty object", `{}`},
	{"string", `"hello"`},
	{"number", `12`},
	{"null", `null`},
	{"array", `[{"eventID":"b-1","eventSource":"s3.amazonaws.com","eventName":"GetObject"}]`},
}

// eventTimes are eventTime spellings (JSON strings) that every reader —
// ParseTime, DuckDB's loader and the Athena/Trino view
// (TestEngineViewMatchesNormaliser) — must take or leave alike.
var eventTimes = []string{
	`2024-08-01T12:00:00Z`, `2024-08-01T12:00:00.123456789Z`, `2024-08-01T12:00:00+02:00`, `2024-08-01T12:00:00+0200`,
	`2024-08-01T12:00:00`, `2024-08-01 12:00:00`, `2024-08-01 12:00:00 UTC`, `2024-08-01T12:00:00 UTC`, `2024-08-01`,
	`2024-08-01T12:00Z`, `2024-8-1 12:00:00`, `20240801T120000Z`, `2024-08-01T12:00:00.5-05:30`, `2024-08-01t12:00:00z`,
	` 2024-08-01T12:00:00Z `, `2024-02-30T12:00:00Z`, `2024-08-01T24:00:00Z`, `1722513600`, ``, `2024-08-01T12:00:00ZZ`,
	`Aug 1, 2024`, `2024-08-01T12:00:00.Z`,
	// time.Parse alone takes these five; no reader does.
	`2024-08-01T12:00:00,5Z`, `2024-08-01T12:00:00.1234567891Z`, `\t2024-08-01T12:00:00Z`, `2024-08-01T12:00:00+24:00`,
	`2024-08-01T12:00:00-00:60`,
	`2024-08-01T12:00:00Z\n`, `2024-08-01 12:00:00.25+23:59`, `2024-08-01T12:00:60Z`, `2024-08-01T23:59:59.999999Z`,
}

// timeRecords are records with each of eventTimes, each with its own
// eventID.
var timeRecords = func() []string {
	var out []string
	for i, t := range eventTimes {
		out = append(out, fmt.Sprintf(`{"eventID":"t-%d","eventTime":"%s","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`, i, t))
	}
	return out
}()

// TestReadersAgreeOnBadRecords puts each of badRecords between two good
// records in a gzipped delivery file (DuckDB's delivery reader) and in a
// JSON lines file (chunks), ingests the folder with the default readers,
// with chunks only and with the Go reader, and compares what each stored
// (every column) and reported (file, record index and message) with the
// Go reader's. The records of timeRecords, which every reader takes
// (DuckDB's readers must not leave them to the Go reader: the test checks
// it), are read together, in one file of each shape: one DuckDB statement
// costs ~0.1 CPU-s whatever its input, and one case per spelling made this
// the package's slowest test.
func TestReadersAgreeOnBadRecords(t *testing.T) {
	ctx := context.Background()
	good := func(id string) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(record, "2024-08-01T12:00:00Z", id))
	}
	type agreeCase struct {
		name string
		recs []string
		// taken: DuckDB's readers read every file themselves.
		taken bool
	}
	var cases []agreeCase
	for _, bc := range badRecords {
		cases = append(cases, agreeCase{bc.name, []string{bc.rec}, false})
	}
	cases = append(cases, agreeCase{"eventTime spellings", timeRecords, true})
	for _, bc := range cases {
		t.Run(bc.name, func(t *testing.T) {
			dir := t.TempDir()
			trail := filepath.Join(dir, "trail")
			delivery := []json.RawMessage{good("g-1")}
			lines := string(good("g-3")) + "\n"
			for _, r := range bc.recs {
				delivery = append(delivery, json.RawMessage(r))
				lines += r + "\n"
			}
			delivery = append(delivery, good("g-2"))
			lines += string(good("g-4")) + "\n"
			writeDelivery(t, filepath.Join(trail, "delivery.json.gz"), delivery, true)
			if err := os.WriteFile(filepath.Join(trail, "export.jsonl"), []byte(lines), 0o644); err != nil {
				t.Fatal(err)
			}
			ingest := func(opts monitor.IngestOptions) (*Store, []string) {
				s, err := open(ctx, ":memory:")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				opts.ChunkDir = filepath.Join(dir, "chunks")
				spy := &chunkSpy{Store: s, t: t}
				files, _, err := monitor.Discover([]string{trail})
				if err != nil {
					t.Fatal(err)
				}
				st, err := monitor.Ingest(ctx, spy, files, opts)
				if err != nil {
					t.Fatal(err)
				}
				if bc.taken && !opts.GoReader && (spy.rejected > 0 || spy.rejectedFiles > 0) {
					t.Errorf("%+v: %d chunks and %d delivery files left to the Go reader, want none", opts, spy.rejected, spy.rejectedFiles)
				}
				var errs []string
				for _, e := range st.ErrorList {
					errs = append(errs, strings.TrimPrefix(e.Error(), trail+string(filepath.Separator)))
				}
				if len(errs) != st.Errors {
					t.Errorf("%d errors counted, %d listed", st.Errors, len(errs))
				}
				return s, errs
			}
			want, wantErrs := ingest(monitor.IngestOptions{GoReader: true})
			for _, p := range []struct {
				name string
				opts monitor.IngestOptions
			}{{"default", monitor.IngestOptions{}}, {"chunks", monitor.IngestOptions{Chunks: true}}} {
				got, gotErrs := ingest(p.opts)
				if strings.Join(gotErrs, "\n") != strings.Join(wantErrs, "\n") {
					t.Errorf("%s readers reported\n  %s\nthe Go reader\n  %s", p.name, strings.Join(gotErrs, "\n  "), strings.Join(wantErrs, "\n  "))
				}
				compareStores(t, got, want)
			}
		})
	}
}
