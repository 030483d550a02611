package engines

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/monitor"
)

// fakeAthena is an Athena endpoint speaking the JSON 1.1 protocol: the
// query runs one poll, and results come in two pages.
type fakeAthena struct {
	mu      sync.Mutex
	queries []string
	polls   int
	fail    string
}

func (f *fakeAthena) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AmazonAthena.")
	switch op {
	case "StartQueryExecution":
		f.queries = append(f.queries, in["QueryString"].(string))
		if in["WorkGroup"] != "wg" || in["QueryExecutionContext"].(map[string]any)["Database"] != "trails" {
			http.Error(w, `{"__type":"InvalidRequestException","Message":"bad context"}`, 400)
			return
		}
		io.WriteString(w, `{"QueryExecutionId":"q1"}`)
	case "GetQueryExecution":
		f.polls++
		state := "RUNNING"
		if f.polls > 1 {
			state = "SUCCEEDED"
			if f.fail != "" {
				state = "FAILED"
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"QueryExecution": map[string]any{"QueryExecutionId": "q1", "Status": map[string]any{"State": state, "StateChangeReason": f.fail}}})
	case "GetQueryResults":
		meta := map[string]any{"ColumnInfo": []map[string]any{{"Name": "principal", "Type": "varchar"}, {"Name": "n", "Type": "bigint"}}}
		row := func(vals ...string) map[string]any {
			var data []map[string]any
			for _, v := range vals {
				if v == "NULL" {
					data = append(data, map[string]any{})
				} else {
					data = append(data, map[string]any{"VarCharValue": v})
				}
			}
			return map[string]any{"Data": data}
		}
		if in["NextToken"] == nil {
			json.NewEncoder(w).Encode(map[string]any{"NextToken": "p2", "ResultSet": map[string]any{"ResultSetMetadata": meta, "Rows": []any{row("principal", "n"), row("arn:aws:iam::1:user/a", "3")}}})
		} else {
			json.NewEncoder(w).Encode(map[string]any{"ResultSet": map[string]any{"ResultSetMetadata": meta, "Rows": []any{row("anonymous", "NULL")}}})
		}
	default:
		http.Error(w, `{"__type":"UnknownOperationException"}`, 400)
	}
}

func newTestAthena(t *testing.T, f *fakeAthena) *Athena {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	client := athena.New(athena.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}})
	return &Athena{API: client, Opts: AthenaOptions{Database: "trails", Workgroup: "wg", Poll: time.Millisecond}}
}

func TestAthena(t *testing.T) {
	f := &fakeAthena{}
	a := newTestAthena(t, f)
	sql := monitor.Wrap(monitor.ViewSQL(monitor.EngineAthena, "cloudtrail_logs", time.Time{}))(monitor.Detections(monitor.Params{})[0].SQL)
	cols, rows, err := a.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"principal", "n"}, cols); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff([][]string{{"arn:aws:iam::1:user/a", "3"}, {"anonymous", ""}}, rows); d != "" {
		t.Error(d)
	}
	if len(f.queries) != 1 || f.queries[0] != sql {
		t.Errorf("the fake received %d queries, not the SQL sent", len(f.queries))
	}
}

func TestAthenaFailedQuery(t *testing.T) {
	a := newTestAthena(t, &fakeAthena{fail: "TABLE_NOT_FOUND: line 1:8: Table awsdatacatalog.trails.cloudtrail_logs does not exist"})
	_, _, err := a.Query(context.Background(), "SELECT 1")
	if err == nil || !strings.Contains(err.Error(), "query q1 FAILED: TABLE_NOT_FOUND") {
		t.Fatalf("err = %v", err)
	}
}

// fakeTrino is a Trino coordinator: POST /v1/statement queues the query,
// the next URI returns columns and data.
func fakeTrino(t *testing.T, got *[]string) *httptest.Server {
	var srv *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/statement", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		*got = append(*got, string(body))
		if r.Header.Get("X-Trino-User") != "alice" || r.Header.Get("X-Trino-Catalog") != "hive" {
			http.Error(w, "bad headers", 400)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"id": "q1", "infoUri": srv.URL + "/ui/q1", "nextUri": srv.URL + "/v1/statement/executing/q1/1", "stats": map[string]any{"state": "QUEUED"}})
	})
	mux.HandleFunc("GET /v1/statement/executing/q1/1", func(w http.ResponseWriter, r *http.Request) {
		varchar := map[string]any{"rawType": "varchar", "arguments": []any{map[string]any{"kind": "LONG", "value": 2147483647}}}
		json.NewEncoder(w).Encode(map[string]any{
			"id": "q1", "infoUri": srv.URL + "/ui/q1",
			"columns": []any{
				map[string]any{"name": "principal", "type": "varchar", "typeSignature": varchar},
				map[string]any{"name": "event_time", "type": "varchar", "typeSignature": varchar},
			},
			"data":  [][]any{{"arn:aws:iam::1:role/r", "2024-08-01 13:52:02.000"}, {"anonymous", nil}},
			"stats": map[string]any{"state": "FINISHED"},
		})
	})
	mux.HandleFunc("DELETE /v1/statement/executing/q1/1", func(w http.ResponseWriter, r *http.Request) {})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestTrino(t *testing.T) {
	var got []string
	srv := fakeTrino(t, &got)
	tr, err := NewTrino(strings.Replace(srv.URL, "http://", "http://alice@", 1) + "?catalog=hive&schema=cloudtrail")
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	sql := monitor.Wrap(monitor.ViewSQL(monitor.EngineTrino, "cloudtrail_logs", time.Time{}))("SELECT principal, CAST(event_time AS varchar) FROM events")
	cols, rows, err := tr.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"principal", "event_time"}, cols); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff([][]string{{"arn:aws:iam::1:role/r", "2024-08-01 13:52:02.000"}, {"anonymous", ""}}, rows); d != "" {
		t.Error(d)
	}
	if len(got) != 1 || got[0] != sql {
		t.Errorf("the coordinator received %q", got)
	}
}
