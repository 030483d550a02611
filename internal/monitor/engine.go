package monitor

import (
	"fmt"
	"strings"
	"time"
)

// Engines that run the detections.
const (
	EngineDuckDB = "duckdb" // the embedded store (default)
	EngineAthena = "athena" // Amazon Athena over the standard CloudTrail table
	EngineTrino  = "trino"  // Trino over the same table (Hive/Glue catalog)
)

// ViewSQL returns the SELECT that produces the normalised events table
// (Columns) on engine: for DuckDB the stored table, for Athena and Trino
// the standard CloudTrail table (the one the CloudTrail console and the
// AWS documentation create, with partition projection) named table. since,
// when not zero, keeps later events only.
func ViewSQL(engine, table string, since time.Time) string {
	if engine == EngineDuckDB || engine == "" {
		if since.IsZero() {
			return "SELECT * FROM main.events"
		}
		return "SELECT * FROM main.events WHERE event_time >= TIMESTAMP " + quote(since.UTC().Format("2006-01-02 15:04:05"))
	}
	where := ""
	if !since.IsZero() {
		where = "\nWHERE eventtime >= " + quote(since.UTC().Format("2006-01-02T15:04:05Z"))
	}
	tmpl := `SELECT
  coalesce(eventid, '') AS event_id,
  CAST(from_iso8601_timestamp(eventtime) AS timestamp) AS event_time,
  coalesce(eventsource, '') AS event_source,
  coalesce(eventname, '') AS event_name,
  {action} AS action,
  coalesce(awsregion, '') AS region,
  coalesce(recipientaccountid, {id}.accountid, '') AS account,
  coalesce({id}.type, '') AS identity_type,
  coalesce({id}.arn, '') AS principal_arn,
  {principal} AS principal,
  coalesce({id}.accountid, '') AS principal_account,
  CASE WHEN {id}.type = 'AssumedRole' THEN coalesce(nullif(split_part({rs}, '/', 1), ''), {id}.sessioncontext.sessionissuer.username, '') ELSE '' END AS role_name,
  CASE WHEN {id}.type = 'AssumedRole' THEN split_part({rs}, '/', 2) ELSE '' END AS session_name,
  CASE WHEN {id}.type = 'AssumedRole' THEN '' ELSE coalesce({id}.username, '') END AS user_name,
  coalesce({id}.accesskeyid, '') AS access_key_id,
  coalesce({id}.invokedby, '') AS invoked_by,
  coalesce(sourceipaddress, '') AS source_ip,
  {source_kind} AS source_kind,
  nl_ua AS user_agent,
  {agent_kind} AS agent_kind,
  coalesce(errorcode, '') AS error_code,
  coalesce(errormessage, '') AS error_message,
  coalesce(lower(CAST(readonly AS varchar)) = 'true', false) AS read_only,
  coalesce(eventtype, '') AS event_type,
  {resource} AS resource,
  coalesce(json_extract_scalar(requestparameters, '$.userName'), '') AS target_user,
  coalesce(json_extract_scalar(additionaleventdata, '$.MFAUsed'), '') AS mfa_used,
  coalesce(json_extract_scalar(responseelements, '$.ConsoleLogin'), '') AS login_result,
  coalesce(requestparameters, '') AS request_parameters,
  '' AS file,
  0 AS record_index
FROM (SELECT *, {ua} AS nl_ua, lower({ua}) AS nl_ual, {v4} AS nl_v4 FROM {table}{where}) AS t`
	return strings.NewReplacer(
		"{action}", sqlAction(),
		"{principal}", sqlPrincipal("useridentity"),
		"{source_kind}", sqlSourceKind("sourceipaddress", "nl_v4"),
		"{agent_kind}", sqlAgentKind(),
		"{resource}", sqlResource(),
		"{rs}", "split_part(coalesce(useridentity.arn, ''), ':assumed-role/', 2)",
		"{id}", "useridentity",
		"{ua}", sqlUserAgent("useragent"),
		"{v4}", sqlIPv4("sourceipaddress"),
		"{table}", table,
		"{where}", where,
	).Replace(tmpl)
}

func sqlAction() string {
	return `CASE WHEN eventsource = 'lambda.amazonaws.com' AND eventname = 'Invoke' THEN 'lambda:InvokeFunction'
    ELSE (CASE WHEN eventsource = 'monitoring.amazonaws.com' THEN 'cloudwatch' ELSE replace(coalesce(eventsource, ''), '.amazonaws.com', '') END) || ':' || regexp_replace(coalesce(eventname, ''), '20[0-9]{6}(v[0-9]+)?$', '') END`
}

func sqlPrincipal(id string) string {
	return fmt.Sprintf(`CASE
    WHEN %[1]s IS NULL OR %[1]s.type IS NULL THEN 'unknown'
    WHEN %[1]s.type = 'AssumedRole' THEN coalesce(nullif(%[1]s.sessioncontext.sessionissuer.arn, ''), %[1]s.arn, 'assumedrole')
    WHEN %[1]s.type = 'IAMUser' THEN coalesce(nullif(%[1]s.arn, ''), 'user:' || %[1]s.username, 'iamuser')
    WHEN %[1]s.type = 'Root' THEN 'root:' || coalesce(%[1]s.accountid, '')
    WHEN %[1]s.type = 'AWSService' THEN coalesce(%[1]s.invokedby, 'awsservice')
    WHEN %[1]s.type = 'AWSAccount' AND %[1]s.accountid = 'ANONYMOUS_PRINCIPAL' THEN 'anonymous'
    WHEN %[1]s.type = 'Anonymous' THEN 'anonymous'
    WHEN %[1]s.type = 'AWSAccount' THEN 'account:' || coalesce(%[1]s.accountid, '')
    ELSE coalesce(nullif(%[1]s.arn, ''), lower(%[1]s.type) || coalesce(':' || %[1]s.accountid, '')) END`, id)
}

// octet matches 0-255 without leading zeros, as Go's netip does.
const octet = `(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])`

func sqlSourceKind(col, v4 string) string {
	return fmt.Sprintf(`CASE
    WHEN coalesce(%[1]s, '') = '' THEN ''
    WHEN lower(%[1]s) = 'aws internal' OR lower(%[1]s) LIKE '%%.amazonaws.com' THEN 'aws'
    WHEN %[2]s AND regexp_like(%[1]s, '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|127\.|169\.254\.)') THEN 'private'
    WHEN %[2]s THEN 'public'
    WHEN regexp_like(lower(%[1]s), '^[0-9a-f:]+$') AND %[1]s LIKE '%%:%%' AND regexp_like(lower(%[1]s), '^f[cd]') THEN 'private'
    WHEN regexp_like(lower(%[1]s), '^[0-9a-f:]+$') AND %[1]s LIKE '%%:%%' THEN 'public'
    ELSE 'invalid' END`, col, v4)
}

// sqlIPv4 is a condition true when col is a dotted-quad IPv4 address as
// Go's netip reads one; the views compute it once per row (nl_v4).
func sqlIPv4(col string) string {
	return fmt.Sprintf(`coalesce(regexp_like(%s, '^%s(\.%s){3}$'), false)`, col, octet, octet)
}

// sqlAgentKind classifies nl_ual, the user agent without brackets in lower
// case (computed once per row by the views), with agentRules.
func sqlAgentKind() string {
	var b strings.Builder
	ua := "nl_ual"
	fmt.Fprintf(&b, "CASE\n    WHEN %s = '' THEN 'other'", ua)
	for _, r := range agentRules {
		var conds []string
		for _, s := range r.contains {
			conds = append(conds, fmt.Sprintf("strpos(%s, %s) > 0", ua, quote(s)))
		}
		fmt.Fprintf(&b, "\n    WHEN %s THEN %s", strings.Join(conds, " OR "), quote(r.kind))
	}
	b.WriteString("\n    ELSE 'other' END")
	return b.String()
}

// sqlUserAgent strips S3's brackets from a user agent.
func sqlUserAgent(col string) string {
	return fmt.Sprintf("CASE WHEN %[1]s LIKE '[%%]' THEN substr(%[1]s, 2, length(%[1]s) - 2) ELSE coalesce(%[1]s, '') END", col)
}

func sqlResource() string {
	parts := []string{"nullif(element_at(resources, 1).arn, '')"}
	for _, k := range resourceKeys {
		parts = append(parts, fmt.Sprintf("json_extract_scalar(requestparameters, '$.%s')", k))
	}
	parts = append(parts, "''")
	return "coalesce(" + strings.Join(parts, ", ") + ")"
}

// Wrap returns a function that puts view in front of a detection's SQL as
// the CTE named events, so the detection reads the normalised events.
func Wrap(view string) func(string) string {
	return func(sql string) string {
		head := "WITH events AS (\n" + view + "\n)"
		if rest, ok := strings.CutPrefix(sql, "WITH "); ok {
			return head + ",\n" + rest
		}
		return head + "\n" + sql
	}
}
