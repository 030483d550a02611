package monitor

import (
	"database/sql/driver"
	"strings"
)

// Column is one column of the normalised events table.
type Column struct {
	Name string
	// Type is the column's SQL type (VARCHAR, TIMESTAMP, BOOLEAN, INTEGER).
	Type string
	// Doc says what the column holds, for docs/monitoring.md.
	Doc string
}

// Columns are the events table's columns, in the order of Event.Values.
// Detections read only these; the Athena/Trino view (EngineView) produces
// the same columns from the standard CloudTrail table.
var Columns = []Column{
	{"event_id", "VARCHAR", "eventID (or sha256: of the record when absent)"},
	{"event_time", "TIMESTAMP", "eventTime, UTC"},
	{"event_source", "VARCHAR", "eventSource"},
	{"event_name", "VARCHAR", "eventName as written (UpdateFunctionCode20150331v2)"},
	{"action", "VARCHAR", "the IAM action (lambda:UpdateFunctionCode)"},
	{"region", "VARCHAR", "awsRegion"},
	{"account", "VARCHAR", "recipientAccountId"},
	{"identity_type", "VARCHAR", "userIdentity.type"},
	{"principal_arn", "VARCHAR", "userIdentity.arn"},
	{"principal", "VARCHAR", "the role ARN of an assumed role, the user ARN, root:ACCOUNT, the AWS service, account:ACCOUNT or anonymous"},
	{"principal_account", "VARCHAR", "userIdentity.accountId"},
	{"role_name", "VARCHAR", "the assumed role's name"},
	{"session_name", "VARCHAR", "the assumed role's session name (a Lambda function's name for its own credentials)"},
	{"user_name", "VARCHAR", "userIdentity.userName"},
	{"access_key_id", "VARCHAR", "userIdentity.accessKeyId"},
	{"invoked_by", "VARCHAR", "userIdentity.invokedBy"},
	{"source_ip", "VARCHAR", "sourceIPAddress"},
	{"source_kind", "VARCHAR", "aws, private, public, invalid or empty"},
	{"user_agent", "VARCHAR", "userAgent without S3's brackets"},
	{"agent_kind", "VARCHAR", "cloudformation, terraform, lambda, console, aws-service, tool or other"},
	{"error_code", "VARCHAR", "errorCode"},
	{"error_message", "VARCHAR", "errorMessage"},
	{"read_only", "BOOLEAN", "readOnly"},
	{"event_type", "VARCHAR", "eventType"},
	{"resource", "VARCHAR", "the first resources[] ARN, else the usual request parameter naming the resource"},
	{"target_user", "VARCHAR", "requestParameters.userName"},
	{"mfa_used", "VARCHAR", "additionalEventData.MFAUsed"},
	{"login_result", "VARCHAR", "responseElements.ConsoleLogin"},
	{"request_parameters", "VARCHAR", "requestParameters, compact JSON"},
	{"file", "VARCHAR", "the log file the record came from"},
	{"record_index", "INTEGER", "the record's index in that file"},
}

// ColumnNames returns the column names joined with ", ".
func ColumnNames() string {
	names := make([]string, len(Columns))
	for i, c := range Columns {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// Values returns the event's values in the order of Columns (a zero Time is
// NULL).
func (e *Event) Values() []driver.Value {
	var t driver.Value
	if !e.Time.IsZero() {
		t = e.Time
	}
	return []driver.Value{
		e.ID, t, e.Source, e.Name, e.Action, e.Region, e.Account, e.IdentityType, e.PrincipalARN,
		e.Principal, e.PrincipalAccount, e.RoleName, e.SessionName, e.UserName, e.AccessKeyID, e.InvokedBy,
		e.SourceIP, e.SourceKind, e.UserAgent, e.AgentKind, e.ErrorCode, e.ErrorMessage, e.ReadOnly,
		e.EventType, e.Resource, e.TargetUser, e.MFAUsed, e.LoginResult, e.Request, e.File, int32(e.Index),
	}
}
