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
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/monitor"
)

// trinoOnDuckDB maps the Trino functions the Athena/Trino view uses to their
// DuckDB equivalents, so the view's exact text runs here.
var trinoOnDuckDB = strings.NewReplacer(
	"from_iso8601_timestamp(", "try_cast_tstz(",
	"regexp_like(", "regexp_matches(",
	"json_extract_scalar(", "json_extract_string(",
	"element_at(", "list_extract(",
	"filter(", "list_filter(",
	"json_format(", "json(",
	"json_parse(", "json(",
)

// TestEngineViewMatchesNormaliser loads the shared records raw into a table
// shaped like Athena's standard CloudTrail table, runs the Athena/Trino view
// over it, and compares every normalised column with the Go normaliser's.
func TestEngineViewMatchesNormaliser(t *testing.T) {
	root := sharedCloudTrail(t)
	ctx := context.Background()
	s, err := open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var raws []json.RawMessage
	for _, pat := range []string{"stratus-red-team/*.json", "invictus-ir-aws-dataset/*.json"} {
		paths, _ := filepath.Glob(filepath.Join(root, pat))
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var arr []json.RawMessage
			if err := json.Unmarshal(data, &arr); err != nil {
				var w struct{ Records []json.RawMessage }
				if err := json.Unmarshal(data, &w); err != nil {
					t.Fatal(p, err)
				}
				arr = w.Records
			}
			raws = append(raws, arr...)
		}
	}
	// The format's quirks (versioned Lambda event names, no userIdentity
	// or arn, times that are not RFC 3339, bracketed user agents, host
	// names and invalid strings as sourceIPAddress, values of other types).
	for _, q := range quirks {
		raws = append(raws, json.RawMessage(q))
	}
	// Every eventTime spelling the readers must agree on.
	for i, tm := range eventTimes {
		raws = append(raws, json.RawMessage(fmt.Sprintf(`{"eventID":"time-%02d","eventTime":"%s","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`, i, tm)))
	}
	setup := []string{
		`SET TimeZone = 'UTC'`,
		`CREATE MACRO try_cast_tstz(s) AS TRY_CAST(s AS TIMESTAMPTZ)`,
		`CREATE TABLE raw (j JSON)`,
	}
	for _, q := range setup {
		if _, err := s.conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, r := range raws {
		if _, err := s.conn.ExecContext(ctx, `INSERT INTO raw VALUES (?)`, string(r)); err != nil {
			t.Fatal(err)
		}
	}
	// The Athena table: lower-case columns, structs for userIdentity and
	// resources, JSON strings for the free-form parts.
	create := `CREATE TABLE cloudtrail_logs AS SELECT
  j->>'eventID' AS eventid, j->>'eventTime' AS eventtime, j->>'eventSource' AS eventsource,
  j->>'eventName' AS eventname, j->>'awsRegion' AS awsregion, j->>'sourceIPAddress' AS sourceipaddress,
  j->>'userAgent' AS useragent, j->>'errorCode' AS errorcode, j->>'errorMessage' AS errormessage,
  CAST(j->'requestParameters' AS VARCHAR) AS requestparameters, CAST(j->'responseElements' AS VARCHAR) AS responseelements,
  CAST(j->'additionalEventData' AS VARCHAR) AS additionaleventdata, j->>'readOnly' AS readonly,
  j->>'eventType' AS eventtype, j->>'recipientAccountId' AS recipientaccountid,
  from_json(j->'userIdentity', '{"type":"VARCHAR","principalId":"VARCHAR","arn":"VARCHAR","accountId":"VARCHAR","invokedBy":"VARCHAR","accessKeyId":"VARCHAR","userName":"VARCHAR","sessionContext":{"sessionIssuer":{"type":"VARCHAR","arn":"VARCHAR","userName":"VARCHAR"}}}') AS useridentity,
  from_json(j->'resources', '[{"ARN":"VARCHAR","accountId":"VARCHAR","type":"VARCHAR"}]') AS resources
FROM raw`
	if _, err := s.conn.ExecContext(ctx, create); err != nil {
		t.Fatal(err)
	}
	view := trinoOnDuckDB.Replace(monitor.ViewSQL(monitor.EngineAthena, "cloudtrail_logs", time.Time{}))
	cols := "event_id, CAST(event_time AS VARCHAR), event_source, event_name, action, region, account, identity_type, principal_arn, principal, principal_account, role_name, session_name, user_name, access_key_id, invoked_by, source_ip, source_kind, user_agent, agent_kind, error_code, CAST(read_only AS VARCHAR), event_type, resource, target_user, mfa_used, login_result, request_parameters"
	_, got, err := s.Query(ctx, "SELECT "+cols+" FROM ("+view+") ORDER BY event_id")
	if err != nil {
		t.Fatalf("view: %v", err)
	}
	var stored monitor.Batch
	stored.File.Path = "x"
	for _, r := range raws {
		e, err := monitor.ParseRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		stored.Events = append(stored.Events, e)
	}
	if _, _, err := s.Add(ctx, []monitor.Batch{stored}); err != nil {
		t.Fatal(err)
	}
	_, want, err := s.Query(ctx, "SELECT "+cols+" FROM events ORDER BY event_id")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("view has %d rows, store %d", len(got), len(want))
	}
	names := strings.Split(cols, ", ")
	diffs := 0
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] && names[j] == "request_parameters" {
				// Same JSON value, spelt differently (numbers, escapes).
				var g, w any
				if json.Unmarshal([]byte(got[i][j]), &g) == nil && json.Unmarshal([]byte(want[i][j]), &w) == nil && cmp.Equal(g, w) {
					continue
				}
			}
			if got[i][j] != want[i][j] {
				if diffs < 20 {
					t.Errorf("event %s column %s: view %q, normaliser %q", want[i][0], names[j], got[i][j], want[i][j])
				}
				diffs++
			}
		}
	}
	if diffs > 0 {
		t.Errorf("%d differences in %d events", diffs, len(want))
	}
}
