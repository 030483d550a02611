package monitor

import (
	"fmt"
	"strings"
)

// RecordType is the DuckDB type of one CloudTrail record for the
// normaliser (normaliseSQL): the fields ParseRecord reads (rawRecord),
// with the free-form parts kept as JSON. The loaders read records as
// CheckedRecordType and convert them to it.
const RecordType = `STRUCT(eventID VARCHAR, eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR, ` +
	`awsRegion VARCHAR, sourceIPAddress VARCHAR, userAgent VARCHAR, errorCode VARCHAR, errorMessage VARCHAR, ` +
	`readOnly JSON, eventType VARCHAR, recipientAccountId VARCHAR, ` +
	`userIdentity STRUCT(type VARCHAR, arn VARCHAR, accountId VARCHAR, accessKeyId VARCHAR, userName VARCHAR, invokedBy VARCHAR, ` +
	`sessionContext STRUCT(sessionIssuer STRUCT(type VARCHAR, arn VARCHAR, userName VARCHAR))), ` +
	`requestParameters JSON, responseElements STRUCT(ConsoleLogin JSON), additionalEventData STRUCT(MFAUsed JSON), resources STRUCT(ARN VARCHAR)[])`

// ChunkRead returns the DuckDB table function call that reads a Chunk's
// lines as columns f, i, h and r (a recordType).
func ChunkRead(c *Chunk, maxLine int, recordType string) string {
	return fmt.Sprintf(`read_json(%s, columns = {f: 'INTEGER', i: 'BIGINT', h: 'VARCHAR', r: '%s'}, format = 'newline_delimited', compression = 'uncompressed', maximum_object_size = %d)`,
		quote(c.Path), recordType, maxLine)
}

// normaliseSQL returns the SELECT producing the events table's Columns
// from rows of from: file, r (a RecordType), record_index and h (the ID
// of a record without eventID, or NULL), and then extra, a column of
// from's rows passed through (none when "").
func normaliseSQL(from, extra string) string {
	id := "useridentity"
	rs := "split_part(coalesce(" + id + ".arn, ''), ':assumed-role/', 2)"
	issuerARN := "nullif(" + id + ".sessioncontext.sessionissuer.arn, '')"
	roleFromARN := "nullif(split_part(" + rs + ", '/', 1), '')"
	principal := sqlPrincipal(id, roleFromARN, issuerARN)
	// Request parameters naming the resource, strings only (rawParams),
	// extracted with one parse of the JSON.
	keyPaths := make([]string, len(resourceKeys))
	for i, k := range resourceKeys {
		keyPaths[i] = quote("$." + k)
	}
	resource := fmt.Sprintf(`coalesce(
    list_filter(resources, x -> coalesce(x.arn, '') <> '')[1].arn,
    list_filter(list_transform(json_extract(requestparameters, [%s]), v -> CASE WHEN json_type(v) = 'VARCHAR' THEN json_extract_string(v, '$') END), v -> coalesce(v, '') <> '')[1],
    '')`, strings.Join(keyPaths, ", "))
	str := func(col, key string) string {
		return fmt.Sprintf("coalesce(CASE WHEN json_type(%[1]s) = 'OBJECT' AND json_type(%[1]s, '$.%[2]s') = 'VARCHAR' THEN json_extract_string(%[1]s, '$.%[2]s') END, '')", col, key)
	}
	// A field read as JSON from an object read as a struct (the rest of
	// the object is not kept).
	field := func(v string) string {
		return fmt.Sprintf("coalesce(CASE WHEN json_type(%[1]s) = 'VARCHAR' THEN json_extract_string(%[1]s, '$') END, '')", v)
	}
	extraCol := ""
	if extra != "" {
		extraCol = ", " + extra
	}
	tmpl := `SELECT
  coalesce(nullif(eventid, ''), h, '') AS event_id,
  ` + EventTimeSQL("eventtime") + ` AS event_time,
{columns}  {target_user} AS target_user,
  {mfa} AS mfa_used,
  {login} AS login_result,
  CASE WHEN json_type(requestparameters) = 'OBJECT' THEN CAST(requestparameters AS VARCHAR) ELSE '' END AS request_parameters,
  file,
  CAST(record_index AS INTEGER) AS record_index{extra}
FROM (SELECT file, record_index, h{extra},
    r.eventID AS eventid, r.eventTime AS eventtime, r.eventSource AS eventsource, r.eventName AS eventname,
    r.awsRegion AS awsregion, r.sourceIPAddress AS sourceipaddress, r.userAgent AS useragent,
    r.errorCode AS errorcode, r.errorMessage AS errormessage, r.readOnly AS readonly, r.eventType AS eventtype,
    r.recipientAccountId AS recipientaccountid, r.userIdentity AS useridentity,
    r.requestParameters AS requestparameters, r.responseElements AS responseelements,
    r.additionalEventData AS additionaleventdata, r.resources AS resources,
    {ua} AS nl_ua, lower({ua}) AS nl_ual, {v4} AS nl_v4
  FROM ({from})) AS t`
	return strings.NewReplacer(
		"{read_only}", `coalesce(lower(trim(trim(CAST(readonly AS VARCHAR)), '"')) = 'true', false)`,
		"{action}", sqlAction(),
		"{principal}", principal,
		"{source_kind}", strings.ReplaceAll(sqlSourceKind("sourceipaddress", "nl_v4"), "regexp_like(", "regexp_matches("),
		"{agent_kind}", sqlAgentKind(),
		"{resource}", resource,
		"{target_user}", str("requestparameters", "userName"),
		"{mfa}", field("additionaleventdata.MFAUsed"),
		"{login}", field("responseelements.ConsoleLogin"),
		"{role}", roleFromARN,
		"{issuer}", issuerARN,
		"{rs}", rs,
		"{id}", id,
		"{ua}", sqlUserAgent("trim(r.userAgent)"),
		"{v4}", strings.ReplaceAll(sqlIPv4("r.sourceIPAddress"), "regexp_like(", "regexp_matches("),
		"{from}", from,
		"{extra}", extraCol,
	).Replace(strings.Replace(tmpl, "{columns}", normalisedColumns, 1))
}

// EventTimeSQL returns the DuckDB expression that turns an eventTime
// (VARCHAR) into the event_time column: UTC, NULL when it does not parse
// (the store's session time zone is UTC). It takes the spellings
// ParseTime takes (timePattern) and no others: DuckDB's cast alone also
// reads a date without a time, "+0200", " UTC", "2024-8-1" and 24:00:00.
// DuckDB's trim, like ParseTime, removes spaces only.
func EventTimeSQL(col string) string {
	t := "trim(" + col + ")"
	return "CASE WHEN regexp_full_match(" + t + `, '` + timePattern + `') THEN TRY_CAST(TRY_CAST(` + t + " AS TIMESTAMPTZ) AS TIMESTAMP) END"
}

// timePattern is the regular expression (RE2 and Java alike) of the
// eventTime spellings every reader takes: ParseTime (timeSpelling),
// EventTimeSQL and the Athena/Trino view (sqlEventTime). The engines then
// check the day of the month (February 30 is no time).
const timePattern = `[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?`

// DeliveryRead returns the DuckDB table function call that reads delivery
// files (see DeliverySQL) as one row per file with columns filename and
// Records, a list of recordType.
func DeliveryRead(paths []string, gz bool, maxObject int, recordType string) string {
	quoted := make([]string, len(paths))
	for i, p := range paths {
		quoted[i] = quote(p)
	}
	compression := "uncompressed"
	if gz {
		compression = "gzip"
	}
	return fmt.Sprintf(`read_json([%s], columns = {Records: '%s[]'}, filename = true, format = 'unstructured', records = true, compression = '%s', maximum_object_size = %d)`,
		strings.Join(quoted, ", "), recordType, compression, maxObject)
}

// GlobFree reports whether path can be given to DuckDB's readers as is:
// they expand *, ?, [ and { as globs.
func GlobFree(path string) bool {
	return !strings.ContainsAny(path, "*?[]{}")
}

// stringFields are the record's fields ParseRecord reads as JSON strings
// (rawRecord): a value of another type (not null) makes it reject the
// record.
var stringFields = []string{"eventID", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "eventType", "recipientAccountId"}

// identityFields and issuerFields are the string fields of userIdentity
// and of its sessionContext.sessionIssuer that ParseRecord reads.
var (
	identityFields = []string{"type", "arn", "accountId", "accessKeyId", "userName", "invokedBy"}
	issuerFields   = []string{"type", "arn", "userName"}
)

// ShapeBadSQL returns the DuckDB condition, over r read as a
// CheckedRecordType, that
// is true when ParseRecord would reject the record for a string field
// (stringFields, identityFields, issuerFields, resources' ARN) holding a
// number, boolean, object or array. It looks only at the first byte of
// each value's JSON text (no parsing). Field names are matched exactly,
// where ParseRecord also accepts other casings.
func ShapeBadSQL(r string) string {
	notString := func(x string) string {
		return fmt.Sprintf("coalesce(NOT (left(CAST(%[1]s AS VARCHAR), 1) = '\"' OR CAST(%[1]s AS VARCHAR) = 'null'), false)", x)
	}
	var c []string
	for _, f := range stringFields {
		c = append(c, notString(r+"."+f))
	}
	for _, f := range identityFields {
		c = append(c, notString(r+".userIdentity."+f))
	}
	for _, f := range issuerFields {
		c = append(c, notString(r+".userIdentity.sessionContext.sessionIssuer."+f))
	}
	c = append(c, fmt.Sprintf("coalesce(len(list_filter(%s.resources, x -> %s)) > 0, false)", r, notString("x.ARN")))
	return "(" + strings.Join(c, "\n  OR ") + ")"
}

// CheckedRecordType is RecordType with every string field but eventTime
// read as JSON: the JSON text of the value, so that one read both checks
// the values' types (ShapeBadSQL) and normalises them (CheckedSQL).
var CheckedRecordType = strings.Replace(strings.ReplaceAll(RecordType, " VARCHAR", " JSON"), "eventTime JSON", "eventTime VARCHAR", 1)

// CheckedSQL returns the SELECT that produces, from rows of from (file,
// r as a CheckedRecordType, record_index and h, as normaliseSQL takes
// them), the events table's Columns and then nl_bad, a BOOLEAN true for a
// record ParseRecord would reject for a string field holding another
// type (ShapeBadSQL). Records without eventID (and h), eventSource or
// eventName come out with that column ” (callers check them beside
// nl_bad).
func CheckedSQL(from string) string {
	j := func(x string) string { return "json_extract_string(" + x + ", '$')" }
	pack := func(prefix string, names []string) string {
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = quote(n) + ": " + j(prefix+"."+n)
		}
		return strings.Join(parts, ", ")
	}
	var r strings.Builder
	r.WriteString("{" + pack("r", stringFields) + ", 'eventTime': r.eventTime, 'readOnly': r.readOnly, ")
	r.WriteString("'userIdentity': CASE WHEN r.userIdentity IS NOT NULL THEN {" + pack("r.userIdentity", identityFields) +
		", 'sessionContext': {'sessionIssuer': {" + pack("r.userIdentity.sessionContext.sessionIssuer", issuerFields) + "}}} END, ")
	r.WriteString("'requestParameters': r.requestParameters, 'responseElements': r.responseElements, 'additionalEventData': r.additionalEventData, ")
	r.WriteString("'resources': list_transform(r.resources, x -> {'ARN': " + j("x.ARN") + "})}")
	return normaliseSQL(`SELECT file, record_index, h, `+ShapeBadSQL("r")+` AS nl_bad, `+r.String()+` AS r FROM (`+from+`)`, "nl_bad")
}

// DeliverySQL returns the DuckDB SELECT that reads CloudTrail delivery
// files (`{"Records":[…]}`, all gzipped when gz, else all plain) with
// DuckDB's own JSON reader, once, and produces the events table's Columns,
// normalised exactly as ParseRecord does (tests hold the two together),
// with file and record_index set, and CheckedSQL's nl_bad. paths must be
// plain file names (no glob characters: see GlobFree). maxObject bounds
// one file's decompressed size in bytes. A file DuckDB cannot read
// (truncated, a record that is not an object, a field of the wrong shape)
// fails the whole query.
func DeliverySQL(paths []string, gz bool, maxObject int) string {
	return CheckedSQL(`SELECT filename AS file, unnest(Records) AS r, generate_subscripts(Records, 1) - 1 AS record_index, CAST(NULL AS VARCHAR) AS h FROM ` +
		DeliveryRead(paths, gz, maxObject, CheckedRecordType))
}

// ChunkSQL returns the DuckDB SELECT that reads a Chunk (JSON lines, see
// Chunk), once, and produces the events table's Columns and nl_bad as
// DeliverySQL does; a record without eventID gets the line's h. maxLine
// bounds one line.
func ChunkSQL(c *Chunk, maxLine int) string {
	paths := c.filePaths()
	quoted := make([]string, len(paths))
	for i, p := range paths {
		quoted[i] = quote(p)
	}
	return CheckedSQL(fmt.Sprintf(`SELECT list_extract([%s], f + 1) AS file, r, i AS record_index, h FROM %s`,
		strings.Join(quoted, ", "), ChunkRead(c, maxLine, CheckedRecordType)))
}
