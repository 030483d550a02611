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
	id := "useridentity"
	rs := "split_part(coalesce(" + id + ".arn, ''), ':assumed-role/', 2)"
	role := "nullif(split_part(" + rs + ", '/', 1), '')"
	issuer := "nullif(" + id + ".sessioncontext.sessionissuer.arn, '')"
	// The JSON columns are strings in the standard table: a value is taken
	// only when it is a JSON string, as the Go normaliser does
	// (json_extract_scalar alone also gives numbers and booleans).
	jsonStr := func(col, path string) string {
		return fmt.Sprintf("CASE WHEN substr(json_format(json_extract(%[1]s, '%[2]s')), 1, 1) = '\"' THEN json_extract_scalar(%[1]s, '%[2]s') END", col, path)
	}
	var keys []string
	for _, k := range resourceKeys {
		keys = append(keys, "nullif("+jsonStr("nl_rp", "$."+k)+", '')")
	}
	resource := "coalesce(element_at(filter(resources, x -> coalesce(x.arn, '') <> ''), 1).arn, " + strings.Join(keys, ", ") + ", '')"
	tmpl := `SELECT
  coalesce(eventid, '') AS event_id,
  {time} AS event_time,
{columns}  coalesce({target_user}, '') AS target_user,
  coalesce({mfa}, '') AS mfa_used,
  coalesce({login}, '') AS login_result,
  coalesce(try(CAST(json_format(json_parse(nl_rp)) AS varchar)), nl_rp, '') AS request_parameters,
  '' AS file,
  0 AS record_index
FROM (SELECT *, {ua} AS nl_ua, lower({ua}) AS nl_ual, {v4} AS nl_v4,
    CASE WHEN substr(ltrim(requestparameters), 1, 1) = '{' THEN requestparameters END AS nl_rp
  FROM {table}{where}) AS t`
	return strings.NewReplacer(
		"{time}", sqlEventTime("eventtime"),
		"{read_only}", `coalesce(lower(replace(trim(readonly), '"', '')) = 'true', false)`,
		"{action}", sqlAction(),
		"{principal}", sqlPrincipal(id, role, issuer),
		"{source_kind}", sqlSourceKind("sourceipaddress", "nl_v4"),
		"{agent_kind}", sqlAgentKind(),
		"{resource}", resource,
		"{target_user}", jsonStr("nl_rp", "$.userName"),
		"{mfa}", jsonStr("additionaleventdata", "$.MFAUsed"),
		"{login}", jsonStr("responseelements", "$.ConsoleLogin"),
		"{role}", role,
		"{issuer}", issuer,
		"{rs}", rs,
		"{id}", id,
		"{ua}", sqlUserAgent("trim(useragent)"),
		"{v4}", sqlIPv4("sourceipaddress"),
		"{table}", table,
		"{where}", where,
	).Replace(strings.Replace(tmpl, "{columns}", normalisedColumns, 1))
}

// normalisedColumns are the columns of the normalised events that DuckDB
// (DeliverySQL and the chunk loader) and the Athena/Trino view compute
// alike, from the same lower-case CloudTrail column names; {read_only} is
// the one expression whose spelling differs between the dialects. Each
// template puts them in place of {columns} before its own placeholders
// are replaced, so the engines cannot drift apart on them.
const normalisedColumns = `  coalesce(eventsource, '') AS event_source,
  coalesce(eventname, '') AS event_name,
  {action} AS action,
  coalesce(awsregion, '') AS region,
  coalesce(nullif(recipientaccountid, ''), {id}.accountid, '') AS account,
  coalesce({id}.type, '') AS identity_type,
  coalesce({id}.arn, '') AS principal_arn,
  {principal} AS principal,
  coalesce({id}.accountid, '') AS principal_account,
  CASE WHEN {id}.type = 'AssumedRole' THEN coalesce({role}, CASE WHEN {issuer} IS NOT NULL THEN {id}.sessioncontext.sessionissuer.username END, '') ELSE '' END AS role_name,
  CASE WHEN {id}.type = 'AssumedRole' AND {role} IS NOT NULL THEN substr({rs}, length({role}) + 2) ELSE '' END AS session_name,
  CASE WHEN coalesce({id}.type, '') IN ('', 'AssumedRole', 'Root', 'AWSService', 'AWSAccount') THEN '' ELSE coalesce({id}.username, '') END AS user_name,
  coalesce({id}.accesskeyid, '') AS access_key_id,
  coalesce({id}.invokedby, '') AS invoked_by,
  coalesce(sourceipaddress, '') AS source_ip,
  {source_kind} AS source_kind,
  nl_ua AS user_agent,
  {agent_kind} AS agent_kind,
  coalesce(errorcode, '') AS error_code,
  coalesce(errormessage, '') AS error_message,
  {read_only} AS read_only,
  coalesce(eventtype, '') AS event_type,
  {resource} AS resource,
`

// sqlEventTime parses an eventTime string as ParseTime does (timePattern
// between spaces: RFC 3339, or a space for the T, or no zone: UTC) into a
// UTC timestamp, NULL when it does not parse (Trino's
// from_iso8601_timestamp alone fails the query, and takes spellings
// ParseTime does not). Only regexp_like, regexp_extract, replace, try and
// from_iso8601_timestamp are used, which Athena (engine 3) and Trino have
// alike; from_iso8601_timestamp keeps milliseconds, so a finer fraction
// is cut there.
func sqlEventTime(col string) string {
	t := "replace(regexp_extract(" + col + ", '" + timePattern + "'), ' ', 'T')"
	return fmt.Sprintf(`CASE WHEN regexp_like(%[1]s, '^ *%[2]s *\z')
    THEN CAST(try(from_iso8601_timestamp(CASE WHEN regexp_like(%[3]s, '(Z|[+-][0-9]{2}:[0-9]{2})\z') THEN %[3]s ELSE %[3]s || 'Z' END)) AT TIME ZONE 'UTC' AS timestamp) END`, col, timePattern, t)
}

// sqlPrincipal is Event.Principal (see identity) in SQL, for both dialects:
// id is the userIdentity struct, role the role name cut from an
// assumed-role ARN (NULL when none), issuer the session issuer's ARN
// (NULL when none).
func sqlPrincipal(id, role, issuer string) string {
	// fallback is the identity type in lower case and its account.
	fallback := "lower(coalesce(" + id + ".type, '')) || CASE WHEN coalesce(" + id + ".accountid, '') <> '' THEN ':' || " + id + ".accountid ELSE '' END"
	return fmt.Sprintf(`CASE
    WHEN %[1]s IS NULL OR coalesce(%[1]s.type, '') = '' THEN 'unknown'
    WHEN %[1]s.type = 'AWSAccount' AND %[1]s.accountid = 'ANONYMOUS_PRINCIPAL' THEN 'anonymous'
    WHEN %[1]s.type = 'Anonymous' THEN 'anonymous'
    WHEN %[1]s.type = 'AssumedRole' THEN coalesce(%[2]s,
      CASE WHEN %[3]s IS NOT NULL THEN 'arn:' || coalesce(nullif(split_part(%[1]s.arn, ':', 2), ''), 'aws') || ':iam::' || split_part(%[1]s.arn, ':', 5) || ':role/' || %[3]s END,
      nullif(%[1]s.arn, ''), %[4]s)
    WHEN %[1]s.type = 'IAMUser' THEN coalesce(nullif(%[1]s.arn, ''), 'user:' || nullif(%[1]s.username, ''), %[4]s)
    WHEN %[1]s.type = 'Root' THEN 'root:' || coalesce(%[1]s.accountid, '')
    WHEN %[1]s.type = 'AWSService' THEN coalesce(nullif(%[1]s.invokedby, ''), %[4]s)
    WHEN %[1]s.type = 'AWSAccount' THEN 'account:' || coalesce(%[1]s.accountid, '')
    ELSE coalesce(nullif(%[1]s.arn, ''), %[4]s) END`, id, issuer, role, fallback)
}

func sqlAction() string {
	return `CASE WHEN eventsource = 'lambda.amazonaws.com' AND eventname = 'Invoke' THEN 'lambda:InvokeFunction'
    ELSE (CASE WHEN eventsource = 'monitoring.amazonaws.com' THEN 'cloudwatch' ELSE replace(coalesce(eventsource, ''), '.amazonaws.com', '') END) || ':' || regexp_replace(coalesce(eventname, ''), '20[0-9]{6}(v[0-9]+)?\z', '') END`
}

// octet matches 0-255 without leading zeros, as Go's netip does.
const octet = `(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])`

func sqlSourceKind(col, v4 string) string {
	return fmt.Sprintf(`CASE
    WHEN coalesce(%[1]s, '') = '' THEN ''
    WHEN lower(%[1]s) = 'aws internal' OR lower(%[1]s) LIKE '%%.amazonaws.com' THEN 'aws'
    WHEN %[2]s AND regexp_like(%[1]s, '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|127\.|169\.254\.)') THEN 'private'
    WHEN %[2]s THEN 'public'
    WHEN regexp_like(lower(%[1]s), '^[0-9a-f:]+\z') AND %[1]s LIKE '%%:%%' AND regexp_like(lower(%[1]s), '^f[cd]') THEN 'private'
    WHEN regexp_like(lower(%[1]s), '^[0-9a-f:]+\z') AND %[1]s LIKE '%%:%%' THEN 'public'
    ELSE 'invalid' END`, col, v4)
}

// sqlIPv4 is a condition true when col is a dotted-quad IPv4 address as
// Go's netip reads one; the views compute it once per row (nl_v4).
func sqlIPv4(col string) string {
	return fmt.Sprintf(`coalesce(regexp_like(%s, '^%s(\.%s){3}\z'), false)`, col, octet, octet)
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
