package monitor

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const recA = `{"eventVersion":"1.08","eventID":"a","eventTime":"2024-08-01T13:52:02Z","eventSource":"lambda.amazonaws.com","eventName":"UpdateFunctionCode20150331v2","awsRegion":"us-east-1","sourceIPAddress":"253.8.50.132","userAgent":"[aws-cli/1.16.19 Python/2.7.10]","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/dev/alice","accountId":"111122223333","accessKeyId":"ASIAX","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/dev","userName":"dev"}}},"requestParameters":{"functionName":"arn:aws:lambda:us-east-1:111122223333:function:orders"},"readOnly":false,"recipientAccountId":"111122223333"}`
const recB = `{"eventID":"b","eventTime":"2021-10-13 18:35:08","eventSource":"s3.amazonaws.com","eventName":"GetObject","sourceIPAddress":"lambda.amazonaws.com","userIdentity":{"type":"AWSService","invokedBy":"lambda.amazonaws.com"},"requestParameters":{"bucketName":"data"},"readOnly":"true"}`

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func decodeAll(t *testing.T, data []byte) (ids []string, bad []string, err error) {
	t.Helper()
	err = Decode(context.Background(), bytes.NewReader(data), "f", func(e Event) {
		ids = append(ids, e.ID)
	}, func(fe *FileError) { bad = append(bad, fe.Error()) })
	return ids, bad, err
}

func TestDecodeShapes(t *testing.T) {
	gzTrunc := gz(t, `{"Records":[`+recA+`,`+recB+`]}`)
	gzTrunc = gzTrunc[:len(gzTrunc)-12]
	tests := []struct {
		name    string
		data    []byte
		ids     []string
		bad     []string
		wantErr string
	}{
		{name: "delivery file", data: []byte(`{"Records":[` + recA + `,` + recB + `]}`), ids: []string{"a", "b"}},
		{name: "delivery file with space", data: []byte("  {\n \"Records\" : [\n" + recA + "\n]\n}\n"), ids: []string{"a"}},
		{name: "gzipped delivery file", data: gz(t, `{"Records":[`+recA+`,`+recB+`]}`), ids: []string{"a", "b"}},
		{name: "array", data: []byte(`[` + recB + `, ` + recA + `]`), ids: []string{"b", "a"}},
		{name: "jsonl", data: []byte(recA + "\n" + recB + "\n"), ids: []string{"a", "b"}},
		{name: "gzipped jsonl", data: gz(t, recA+"\n"+recB), ids: []string{"a", "b"}},
		{name: "empty records", data: []byte(`{"Records":[]}`)},
		{name: "non-object records", data: []byte(`{"Records":[1,"x",` + recA + `,null,[2]]}`), ids: []string{"a"},
			bad: []string{"f: record 0: not a CloudTrail record: a JSON number, not an object", "f: record 1: not a CloudTrail record: a JSON string, not an object", "f: record 3: not a CloudTrail record: a JSON null, not an object", "f: record 4: not a CloudTrail record: a JSON array, not an object"}},
		{name: "object without event name", data: []byte(`{"a":1}` + "\n" + recB), ids: []string{"b"}, bad: []string{"f: record 0: not a CloudTrail record: no eventSource or eventName"}},
		{name: "bad field type", data: []byte(`[{"eventSource":"s3.amazonaws.com","eventName":"X","userIdentity":"nope"}]`), bad: []string{"f: record 0: not a CloudTrail record: field userIdentity: json: cannot unmarshal string into Go struct field rawRecord.userIdentity of type monitor.rawIdentity"}},
		{name: "truncated json", data: []byte(`{"Records":[` + recA + `,` + recB[:40]), ids: []string{"a"}, wantErr: "unexpected end of data"},
		{name: "truncated gzip", data: gzTrunc, wantErr: "unexpected end of data"},
		{name: "not json", data: []byte("hello world\n"), wantErr: "not a CloudTrail record"},
		{name: "empty", data: nil, wantErr: "empty file"},
		{name: "garbage between records", data: []byte(`[` + recA + ` x ` + recB + `]`), ids: []string{"a"}, wantErr: "expected ',' or ']' after record 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ids, bad, err := decodeAll(t, tc.data)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if tc.name == "truncated gzip" {
				// how many records survive depends on where the cut falls
				return
			}
			if d := cmp.Diff(tc.ids, ids); d != "" {
				t.Errorf("ids (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.bad, bad); d != "" {
				t.Errorf("bad records (-want +got):\n%s", d)
			}
		})
	}
}

func TestDecodeHugeRecordIsSkipped(t *testing.T) {
	big := `{"eventSource":"s3.amazonaws.com","eventName":"X","pad":"` + strings.Repeat("x", MaxRecordBytes+10) + `"}`
	ids, bad, err := decodeAll(t, []byte(`[`+big+`,`+recA+`]`))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"a"}, ids); d != "" {
		t.Error(d)
	}
	if len(bad) != 1 || !strings.Contains(bad[0], "record 0: record larger than") {
		t.Errorf("bad = %q", bad)
	}
}

func TestParseRecord(t *testing.T) {
	e, err := ParseRecord([]byte(recA))
	if err != nil {
		t.Fatal(err)
	}
	want := Event{
		ID: "a", Time: time.Date(2024, 8, 1, 13, 52, 2, 0, time.UTC), Source: "lambda.amazonaws.com",
		Name: "UpdateFunctionCode20150331v2", Action: "lambda:UpdateFunctionCode", Region: "us-east-1", Account: "111122223333",
		IdentityType: "AssumedRole", PrincipalARN: "arn:aws:sts::111122223333:assumed-role/dev/alice",
		Principal: "arn:aws:iam::111122223333:role/dev", PrincipalAccount: "111122223333", RoleName: "dev", SessionName: "alice",
		AccessKeyID: "ASIAX", SourceIP: "253.8.50.132", SourceKind: SourcePublic, UserAgent: "aws-cli/1.16.19 Python/2.7.10", AgentKind: AgentTool,
		Resource: "arn:aws:lambda:us-east-1:111122223333:function:orders", Request: `{"functionName":"arn:aws:lambda:us-east-1:111122223333:function:orders"}`,
	}
	if d := cmp.Diff(want, e); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	e, err = ParseRecord([]byte(recB))
	if err != nil {
		t.Fatal(err)
	}
	if e.Time != time.Date(2021, 10, 13, 18, 35, 8, 0, time.UTC) || !e.ReadOnly || e.Principal != "lambda.amazonaws.com" || e.SourceKind != SourceAWS || e.Resource != "data" {
		t.Errorf("recB = %+v", e)
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct{ ip, want string }{
		{"lambda.amazonaws.com", SourceAWS}, {"AWS Internal", SourceAWS}, {"10.0.0.1", SourcePrivate},
		{"192.168.10.20", SourcePrivate}, {"253.8.50.132", SourcePublic}, {"95.025.143.109", SourceInvalid},
		{"2001:db8::1", SourcePublic}, {"", SourceNone}, {"example.com", SourceInvalid},
	} {
		if got := SourceKindOf(tc.ip); got != tc.want {
			t.Errorf("SourceKindOf(%q) = %q, want %q", tc.ip, got, tc.want)
		}
	}
	for _, tc := range []struct{ ua, want string }{
		{"cloudformation.amazonaws.com", AgentCloudFormation},
		{"APN/1.0 HashiCorp/1.0 Terraform/1.5.2 (+https://www.terraform.io) terraform-provider-aws/5.7.0", AgentTerraform},
		{"aws-sdk-go/1.32.7 (go1.14.6; linux; amd64) exec-env/AWS_Lambda_go1.x", AgentLambda},
		{"Boto3/1.26.0 md/Botocore#1.29.0 ua/2.0 exec-env/AWS_Lambda_python3.9", AgentLambda},
		{"aws-cli/2.13.0 Python/3.11.4 Linux/6.1", AgentTool},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)", AgentConsole},
		{"AWS Internal", AgentAWSService}, {"lambda.amazonaws.com", AgentAWSService},
		{"", AgentOther}, {"something", AgentOther},
	} {
		if got := AgentKindOf(tc.ua); got != tc.want {
			t.Errorf("AgentKindOf(%q) = %q, want %q", tc.ua, got, tc.want)
		}
	}
	for _, tc := range []struct{ src, name, want string }{
		{"lambda.amazonaws.com", "UpdateFunctionCode20150331v2", "lambda:UpdateFunctionCode"},
		{"lambda.amazonaws.com", "CreateFunction20150331", "lambda:CreateFunction"},
		{"lambda.amazonaws.com", "Invoke", "lambda:InvokeFunction"},
		{"s3.amazonaws.com", "GetObject", "s3:GetObject"},
		{"monitoring.amazonaws.com", "PutMetricData", "cloudwatch:PutMetricData"},
	} {
		if got := ActionOf(tc.src, tc.name); got != tc.want {
			t.Errorf("ActionOf(%q, %q) = %q, want %q", tc.src, tc.name, got, tc.want)
		}
	}
}

func TestDiscover(t *testing.T) {
	dir := t.TempDir()
	layout := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2024", "08", "01")
	digest := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail-Digest", "us-east-1", "2024", "08", "01")
	for _, d := range []string{layout, digest} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p string, data []byte) {
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(layout, "111122223333_CloudTrail_us-east-1_20240801T1355Z_x.json.gz"), gz(t, `{"Records":[`+recA+`]}`))
	write(filepath.Join(digest, "111122223333_CloudTrail-Digest_us-east-1_x.json.gz"), gz(t, `{"digestStartTime":"x"}`))
	write(filepath.Join(dir, "README.md"), []byte("# notes"))
	write(filepath.Join(dir, "broken.json"), []byte(`{"Records":[`+recB))
	files, skipped, err := Discover([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f.Path))
	}
	if d := cmp.Diff([]string{"111122223333_CloudTrail_us-east-1_20240801T1355Z_x.json.gz", "broken.json"}, names); d != "" {
		t.Error(d)
	}
	if len(skipped) != 1 || filepath.Base(skipped[0]) != "README.md" {
		t.Errorf("skipped = %q", skipped)
	}
	var events, errs int
	err = ReadFiles(context.Background(), files, ReadOptions{}, func(b Batch) error {
		events += len(b.Events)
		errs += len(b.Errors)
		for _, e := range b.Errors {
			if !strings.Contains(e.Error(), "broken.json: unexpected end of data") {
				t.Errorf("error %v", e)
			}
		}
		return nil
	})
	if err != nil || events != 2 || errs != 1 {
		t.Errorf("ReadFiles: err %v, %d events, %d errors; want 2 and 1", err, events, errs)
	}
	stop := errors.New("stop")
	if err := ReadFiles(context.Background(), files, ReadOptions{}, func(Batch) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("ReadFiles with failing sink: %v", err)
	}
}

// TestSharedData reads every real CloudTrail file under shared/cloudtrail.
// The Panther rule-test file wraps each event in a test case, so its lines
// are not records: the test unwraps them.
func TestSharedData(t *testing.T) {
	root := sharedCloudTrail(t)
	var files []File
	for _, sub := range []string{"stratus-red-team", "invictus-ir-aws-dataset"} {
		fs, _, err := Discover([]string{filepath.Join(root, sub)})
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	scen, _ := filepath.Glob(filepath.Join(root, "panther-analysis", "scenario_*.jsonl"))
	for _, p := range scen {
		files = append(files, File{Path: p})
	}
	events, bad := 0, 0
	err := ReadFiles(context.Background(), files, ReadOptions{}, func(b Batch) error {
		events += len(b.Events)
		for _, e := range b.Errors {
			bad++
			t.Errorf("%v", e)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files, %d events, %d errors", len(files), events, bad)
	if want := 310 + 2900 + 27; events != want {
		t.Errorf("events = %d, want %d (MANIFEST.md)", events, want)
	}
	// Panther rule tests: every event parses or is reported.
	evs, notRecords := pantherEvents(t, root)
	t.Logf("panther: %d events parse, %d are not records", len(evs), notRecords)
	if len(evs)+notRecords != 464 {
		t.Errorf("panther events = %d + %d, want 464", len(evs), notRecords)
	}
}

func TestReadFileChunks(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "t.jsonl")
	var lines []string
	for i := 0; i < 5; i++ {
		lines = append(lines, strings.Replace(recB, `"eventID":"b"`, fmt.Sprintf(`"eventID":"b%d"`, i), 1))
	}
	lines = append(lines, "1", "2", "3")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	var partial []bool
	bad := 0
	err := ReadFileChunks(context.Background(), File{Path: p}, 2, func(b Batch) error {
		sizes = append(sizes, len(b.Events))
		partial = append(partial, b.Partial)
		bad += b.BadRecords
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int{2, 2, 1}, sizes); d != "" {
		t.Errorf("batch sizes (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]bool{true, true, false}, partial); d != "" {
		t.Errorf("partial flags (-want +got):\n%s", d)
	}
	if bad != 3 {
		t.Errorf("bad records = %d, want 3", bad)
	}
}
