package monitor

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fastCases are records the fast reader must read as encoding/json does,
// or leave to it: every quirk of encoding/json that a hand-written reader
// could miss.
var fastCases = []struct {
	name, rec string
	fast      bool // the fast reader takes it
}{
	{"recA", recA, true},
	{"recB", recB, true},
	{"space everywhere", " {\n \"eventID\" : \"a\" ,\t\"eventSource\":\"s3.amazonaws.com\" ,\r\n\"eventName\" : \"GetObject\", \"requestParameters\" : { \"bucketName\" : \"b\" , \"key\" : [ 1 , 2.5e-3 , -0 , true , false , null , { } , [ ] ] } } ", true},
	{"folded key", `{"eventid":"x","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`, false},
	{"folded key upper", `{"EVENTSOURCE":"s3.amazonaws.com","eventSource":"x","eventName":"GetObject"}`, false},
	{"repeated key", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","eventName":"PutObject"}`, false},
	{"escaped key", `{"event\u0049D":"x","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`, false},
	{"non-ASCII key", `{"événement":"x","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`, false},
	{"escaped values", `{"eventID":"b-\u0031","eventSource":"s3.amazonaws.com","eventName":"Get\u004fbject","userAgent":"a\"b\\c\u00e9\ud83d\ude00"}`, true},
	{"invalid UTF-8 value", "{\"eventID\":\"a\xffb\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\"}", true},
	{"lone surrogate", `{"eventID":"\ud800","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`, true},
	{"null strings", `{"eventID":null,"eventSource":"s3.amazonaws.com","eventName":"GetObject","userAgent":null,"userIdentity":{"type":null,"sessionContext":{"sessionIssuer":null}}}`, true},
	{"numeric eventName", `{"eventSource":"s3.amazonaws.com","eventName":5}`, false},
	{"string userIdentity", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":"root"}`, false},
	{"folded identity key", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":{"ARN":"arn:aws:iam::1:user/a","type":"IAMUser"}}`, false},
	{"sessionContext null", `{"eventSource":"sts.amazonaws.com","eventName":"GetCallerIdentity","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/r/s","sessionContext":null}}`, true},
	{"sessionIssuer empty", `{"eventSource":"sts.amazonaws.com","eventName":"GetCallerIdentity","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/r/s","sessionContext":{"sessionIssuer":{}}}}`, true},
	{"resources arn lower case", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","resources":[{"arn":"arn:aws:s3:::b"}]}`, false},
	{"resources null entries", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","resources":[null,{},{"ARN":null},{"ARN":"arn:aws:s3:::b","type":"x"}]}`, true},
	{"resources empty", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","resources":[]}`, true},
	{"resources string", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","resources":["x"]}`, false},
	{"parameter case", `{"eventSource":"lambda.amazonaws.com","eventName":"GetFunction","requestParameters":{"FunctionName":"f","FUNCTIONNAME":"g"}}`, true},
	{"parameter repeated, last null", `{"eventSource":"lambda.amazonaws.com","eventName":"GetFunction","requestParameters":{"functionName":"f","functionName":null,"bucketName":"b"}}`, true},
	{"parameter not a string", `{"eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","requestParameters":{"userName":5,"roleName":"r"}}`, true},
	{"parameter escaped key", `{"eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","requestParameters":{"user\u004eame":"bob"}}`, false},
	{"parameters with space", `{"eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","requestParameters":{ "userName" : "bob" }}`, true},
	{"parameters array", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":[1]}`, true},
	{"login and MFA", `{"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Failure","ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No","mfaused":"Yes"}}`, true},
	{"login escaped key", `{"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","responseElements":{"Console\u004cogin":"Success"}}`, false},
	{"login not a string", `{"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":true}}`, true},
	{"readOnly spellings", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","readOnly":" \"TRUE\""}`, true},
	{"eventTime number", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","eventTime":1722513600}`, true},
	{"eventTime escaped", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","eventTime":"2024-08-01T12:00:00\u005a"}`, true},
	{"trailing garbage", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject"}x`, false},
	{"two objects", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject"} {}`, false},
	{"bad number", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","n":01}`, false},
	{"bad escape", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","x":"\x"}`, false},
	{"control character", "{\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"Get\tObject\"}", false},
	{"cut", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","x":[1,2`, false},
	{"deep", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","x":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}`, false},
	{"no source", `{"eventName":"GetObject"}`, true},
}

// TestFastRecordMatchesDecoder checks that ParseRecord gives the same
// event or error with the fast reader as with encoding/json alone, on
// crafted records and on every record of the shared CloudTrail data, and
// that the fast reader takes the records it should (it would be useless
// if it left them all to encoding/json).
func TestFastRecordMatchesDecoder(t *testing.T) {
	for _, tc := range fastCases {
		t.Run(tc.name, func(t *testing.T) {
			checkFastRecord(t, []byte(tc.rec))
			var f recordFields
			if got := fastRecord(bytes.TrimSpace([]byte(tc.rec)), &f); got != tc.fast {
				t.Errorf("fast reader takes it: %v, want %v", got, tc.fast)
			}
		})
	}
	root := sharedCloudTrail(t)
	var records, fast int
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !logName(d.Name()) {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		// Broken files are part of the data; their records before the
		// break are compared.
		_ = DecodeRaw(context.Background(), f, func(_ int, raw []byte, tooBig bool) {
			if tooBig {
				return
			}
			records++
			checkFastRecord(t, raw)
			var rf recordFields
			if raw = bytes.TrimSpace(raw); len(raw) > 0 && raw[0] == '{' && fastRecord(raw, &rf) {
				fast++
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d records, %d read by the fast reader", records, fast)
	if records < 3000 || fast < records*9/10 {
		t.Errorf("%d of %d shared records read by the fast reader, want at least 90%%", fast, records)
	}
}

// checkFastRecord fails when ParseRecord reads raw differently with the
// fast reader than with encoding/json alone.
func checkFastRecord(t testing.TB, raw []byte) {
	t.Helper()
	want, wantErr := parseRecord(raw, false)
	got, gotErr := parseRecord(raw, true)
	if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
		t.Fatalf("%q: error %v, want %v", raw, gotErr, wantErr)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("%q: event differs (-encoding/json +fast):\n%s", raw, d)
	}
}

// FuzzFastRecord checks that the fast reader and encoding/json read every
// input alike.
func FuzzFastRecord(f *testing.F) {
	for _, tc := range fastCases {
		f.Add([]byte(tc.rec))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFastRecord(t, data)
	})
}
