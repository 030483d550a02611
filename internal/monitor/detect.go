package monitor

import (
	"fmt"
	"sort"
	"strings"
)

// Severity of an alert, as in scan findings.
type Severity string

// Severities, most severe first.
const (
	SevCritical Severity = "critical"
	SevHigh     Severity = "high"
	SevMedium   Severity = "medium"
	SevLow      Severity = "low"
)

func (s Severity) rank() int {
	switch s {
	case SevCritical:
		return 4
	case SevHigh:
		return 3
	case SevMedium:
		return 2
	case SevLow:
		return 1
	}
	return 0
}

// lower returns the next lower severity (low stays low).
func (s Severity) lower() Severity {
	switch s {
	case SevCritical:
		return SevHigh
	case SevHigh:
		return SevMedium
	}
	return SevLow
}

// Params are what the detections know about the application and the
// account. The zero value runs every detection that needs no design.
type Params struct {
	// Functions are the declared functions (with --app).
	Functions []DesignFunction
	// Stores are the declared stores (with --app).
	Stores []DesignStore
	// Deployers are principals allowed to change functions besides
	// CloudFormation and Terraform: role names, role or user ARNs
	// (--deployer, and roles the design names as deployment roles).
	Deployers []string
	// BurstThreshold is how many secret reads by one principal within an
	// hour make a burst (0: 5).
	BurstThreshold int
}

// DesignFunction is a function of the design as the detections see it.
type DesignFunction struct {
	// ID is the function's key in the design (logical ID, serverless key,
	// Terraform address); Name its physical name, or a LIKE pattern that
	// matches the name CloudFormation generates (%-LogicalId-%).
	ID, Name string
	// Role is the function role's physical name or generated-name pattern.
	Role string
	// Stores are the IDs of the stores the design connects the function to.
	Stores []string
	// Granted are the IAM actions the function's role is granted
	// (expanded, sorted); GrantsUnknown is true when some of its
	// permissions could not be read (a managed policy nightlight lacks).
	Granted       []string
	GrantsUnknown bool
}

// DesignStore is a store of the design.
type DesignStore struct {
	ID, Kind string
	// Name is the physical name, or a generated-name LIKE pattern.
	Name string
	// Public is true when the design opens the store to anyone (a public
	// bucket policy or ACL): anonymous access to it is intended.
	Public bool
}

// Detection is one detection: SQL over the events table returning the
// columns of AlertColumns, one row per event behind an alert.
type Detection struct {
	// ID names the detection in alerts (function-changed-outside-pipeline).
	ID string
	// Title is a short description; Doc says what it looks for and why.
	Title, Doc string
	// Severity of its alerts (lowered one step when every event of an
	// alert failed).
	Severity Severity
	// FailedStillCounts keeps the severity when every call failed: the
	// attempt alone proves the problem (stolen credentials in use).
	FailedStillCounts bool
	// NeedsDesign is true for detections that run only with --app.
	NeedsDesign bool
	// SQL is the query over the events table.
	SQL string
}

// AlertColumns are the columns every detection query returns, in order.
var AlertColumns = []string{"principal", "resource", "event_time", "event_id", "action", "source_ip", "user_agent", "error_code", "detail"}

const selectCols = `principal, resource, event_time, event_id, action, source_ip, user_agent, error_code`

// iacFilter is true for events of infrastructure-as-code deployments.
const iacFilter = `(agent_kind IN ('cloudformation', 'terraform') OR invoked_by = 'cloudformation.amazonaws.com')`

// quote returns s as a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func inList(vals []string) string {
	if len(vals) == 0 {
		return "(NULL)"
	}
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = quote(v)
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// deployerFilter is true for events by a declared deployer.
func deployerFilter(p Params) string {
	if len(p.Deployers) == 0 {
		return "FALSE"
	}
	return fmt.Sprintf(`(principal IN %[1]s OR role_name IN %[1]s OR principal_arn IN %[1]s OR user_name IN %[1]s)`, inList(p.Deployers))
}

// likeAny is a condition true when col matches one of the patterns.
func likeAny(col string, pats []string) string {
	if len(pats) == 0 {
		return "FALSE"
	}
	var parts []string
	for _, p := range pats {
		if strings.Contains(p, "%") {
			parts = append(parts, col+" LIKE "+quote(p))
		} else {
			parts = append(parts, col+" = "+quote(p))
		}
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// fiveMinutes is the window of a credential's uses within five minutes of
// each use, in time order: function-credentials-two-places compares the
// networks in it rather than joining a credential's uses with each other
// (a busy function makes thousands of calls with one credential, and the
// join grew with their square).
const fiveMinutes = `(PARTITION BY principal, session_name, access_key_id ORDER BY event_time
    RANGE BETWEEN INTERVAL '5' MINUTE PRECEDING AND INTERVAL '5' MINUTE FOLLOWING)`

// Detections returns the detections for p, sorted by ID. Detections that
// need the design are left out when p has no functions.
func Detections(p Params) []Detection {
	burst := p.BurstThreshold
	if burst <= 0 {
		burst = 5
	}
	var fnNames, fnRoles []string
	for _, f := range p.Functions {
		if f.Name != "" {
			fnNames = append(fnNames, f.Name)
		}
		if f.Role != "" {
			fnRoles = append(fnRoles, f.Role)
		}
	}
	ds := []Detection{
		{
			ID:                "function-credentials-outside",
			Title:             "Function role credentials used outside the function",
			Severity:          SevCritical,
			FailedStillCounts: true,
			Doc: `A Lambda function's role session (its session name is the function's name;
the session is recognised by calls made from a Lambda execution environment,
or, with --app, by a declared function's name) made a call that did not come
from Lambda: a CLI or SDK user agent and an address that is not an AWS service.
The function's temporary credentials were exfiltrated (SSRF, code injection,
a leaked environment) and are used elsewhere.`,
			SQL: `WITH sessions AS (
  SELECT DISTINCT principal AS p, session_name AS s FROM events
  WHERE identity_type = 'AssumedRole' AND session_name <> ''
    AND (agent_kind = 'lambda' OR ` + likeAny("session_name", fnNames) + `)
), lambda_ips AS (
  SELECT DISTINCT principal AS p, session_name AS s, source_ip AS ip FROM events
  WHERE identity_type = 'AssumedRole' AND agent_kind = 'lambda'
)
SELECT ` + selectCols + `, 'session ' || session_name || ' from ' || source_kind || ' address, ' || agent_kind || ' agent' AS detail
FROM events JOIN sessions ON principal = sessions.p AND session_name = sessions.s
WHERE identity_type = 'AssumedRole' AND agent_kind NOT IN ('lambda', 'aws-service')
  AND source_kind NOT IN ('aws') AND invoked_by = ''
  AND NOT EXISTS (SELECT 1 FROM lambda_ips l WHERE l.p = principal AND l.s = session_name AND l.ip = source_ip)`,
		},
		{
			ID:                "function-credentials-two-places",
			Title:             "Function role credentials used from two places at once",
			Severity:          SevCritical,
			FailedStillCounts: true,
			Doc: `One credential (access key) of a Lambda function's role session — each
execution environment gets its own — called AWS with the function's own
(Lambda) user agent from two different networks within five minutes (IPv4
/16, IPv6 /32, or a private VPC address and a public one). An execution
environment does not move: the credential was copied and is replayed with a
Lambda user agent, which function-credentials-outside (calls from a CLI or
SDK outside Lambda) does not question.`,
			SQL: `WITH sessions AS (
  SELECT DISTINCT principal AS p, session_name AS s FROM events
  WHERE identity_type = 'AssumedRole' AND session_name <> ''
    AND (agent_kind = 'lambda' OR ` + likeAny("session_name", fnNames) + `)
), uses AS (
  SELECT principal, session_name, access_key_id, event_time, event_id, action, source_ip, user_agent, error_code, CASE
      WHEN source_kind = 'private' THEN 'a private network'
      WHEN strpos(source_ip, ':') > 0 THEN split_part(source_ip, ':', 1) || ':' || split_part(source_ip, ':', 2) || '::/32'
      ELSE split_part(source_ip, '.', 1) || '.' || split_part(source_ip, '.', 2) || '.0.0/16' END AS net
  FROM events JOIN sessions ON principal = sessions.p AND session_name = sessions.s
  WHERE identity_type = 'AssumedRole' AND agent_kind = 'lambda' AND access_key_id <> ''
    AND source_kind IN ('public', 'private') AND invoked_by = '' AND event_time IS NOT NULL
), spans AS (
  SELECT uses.*, min(net) OVER ` + fiveMinutes + ` AS lo, max(net) OVER ` + fiveMinutes + ` AS hi
  FROM uses
)
SELECT principal, 'function session ' || session_name AS resource, event_time, event_id, action, source_ip, user_agent, error_code,
  'credential ' || access_key_id || ' from ' || net || ' and, within 5 minutes, from ' || CASE WHEN lo <> net THEN lo ELSE hi END AS detail
FROM spans WHERE lo <> hi`,
		},
		{
			ID:       "function-changed-outside-pipeline",
			Title:    "Function changed outside the deployment pipeline",
			Severity: SevHigh,
			Doc: `A call that changes a function's code, configuration, permissions, URL,
concurrency or layers (UpdateFunctionCode, UpdateFunctionConfiguration,
AddPermission, CreateFunctionUrlConfig, PutFunctionConcurrency,
PublishLayerVersion, …) made by someone other than CloudFormation, Terraform
or a declared deployer (--deployer). Changes outside the pipeline are how
backdoors get into functions.`,
			SQL: `SELECT ` + selectCols + `, event_name AS detail FROM events
WHERE action IN ('lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:AddPermission',
  'lambda:CreateFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig', 'lambda:PutFunctionConcurrency',
  'lambda:DeleteFunctionConcurrency', 'lambda:PublishLayerVersion', 'lambda:AddLayerVersionPermission',
  'lambda:UpdateAlias', 'lambda:PutFunctionEventInvokeConfig', 'lambda:UpdateEventSourceMapping')
  AND NOT ` + iacFilter + ` AND NOT ` + deployerFilter(p),
		},
		{
			ID:       "function-code-read",
			Title:    "Function code or configuration read from outside the pipeline",
			Severity: SevMedium,
			Doc: `GetFunction returns a link to download the function's code (and its
environment, where secrets often sit); GetFunctionConfiguration returns the
environment. Calls from a CLI or SDK outside CloudFormation, Terraform,
Lambda itself and the declared deployers are reconnaissance. Console page
views are left out (they are the console's read noise).`,
			SQL: `SELECT ` + selectCols + `, event_name AS detail FROM events
WHERE action IN ('lambda:GetFunction', 'lambda:GetFunctionConfiguration')
  AND agent_kind NOT IN ('console', 'aws-service', 'lambda') AND NOT ` + iacFilter + ` AND NOT ` + deployerFilter(p),
		},
		{
			ID:       "logging-disabled",
			Title:    "Audit logging stopped, deleted or narrowed",
			Severity: SevCritical,
			Doc: `StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors (which can drop
data or management events), DeleteFlowLogs, DeleteResolverQueryLogConfig and
LeaveOrganization (which removes the account from an organization trail)
outside infrastructure-as-code deployments: defense evasion.`,
			SQL: `SELECT ` + selectCols + `, event_name AS detail FROM events
WHERE action IN ('cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail',
  'cloudtrail:PutEventSelectors', 'ec2:DeleteFlowLogs', 'route53resolver:DeleteResolverQueryLogConfig',
  'organizations:LeaveOrganization')
  AND NOT ` + iacFilter,
		},
		{
			ID:       "credentials-for-other-user",
			Title:    "Credentials created or policies attached for another user, or a role's trust changed",
			Severity: SevHigh,
			Doc: `CreateAccessKey, CreateLoginProfile or UpdateLoginProfile for a user other
than the caller, AttachUserPolicy/PutUserPolicy, and UpdateAssumeRolePolicy
outside infrastructure-as-code deployments: persistence and privilege
escalation.`,
			SQL: `SELECT ` + selectCols + `, event_name || CASE WHEN target_user <> '' THEN ' for ' || target_user ELSE '' END AS detail FROM events
WHERE NOT ` + iacFilter + ` AND (
  (action IN ('iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile')
    AND target_user <> '' AND target_user <> user_name)
  OR action IN ('iam:AttachUserPolicy', 'iam:PutUserPolicy', 'iam:UpdateAssumeRolePolicy'))`,
		},
		{
			ID:       "snapshot-or-image-shared",
			Title:    "Snapshot or machine image shared",
			Severity: SevHigh,
			Doc: `ModifySnapshotAttribute, ModifyImageAttribute, ModifyDBSnapshotAttribute or
ModifyDBClusterSnapshotAttribute adding a permission (another account, or
"all"): data exfiltration by sharing.`,
			SQL: `SELECT ` + selectCols + `, event_name || CASE WHEN request_parameters LIKE '%"all"%' THEN ' (public)' ELSE '' END AS detail FROM events
WHERE action IN ('ec2:ModifySnapshotAttribute', 'ec2:ModifyImageAttribute', 'rds:ModifyDBSnapshotAttribute', 'rds:ModifyDBClusterSnapshotAttribute')
  AND (request_parameters LIKE '%"add"%' OR request_parameters LIKE '%"valuesToAdd"%')
  AND NOT ` + iacFilter,
		},
		{
			ID:       "secrets-burst",
			Title:    "Burst of secret reads or remote commands",
			Severity: SevMedium,
			Doc: fmt.Sprintf(`At least %d calls within one clock hour by one principal to GetSecretValue,
BatchGetSecretValue, GetParameter(s) with decryption, GetPasswordData or
SendCommand, outside infrastructure-as-code deployments and AWS services:
credential harvesting.`, burst),
			SQL: fmt.Sprintf(`WITH reads AS (
  SELECT *, count(*) OVER (PARTITION BY principal, action, date_trunc('hour', event_time)) AS n FROM events
  WHERE action IN ('secretsmanager:GetSecretValue', 'secretsmanager:BatchGetSecretValue', 'ssm:GetParameter',
    'ssm:GetParameters', 'ssm:GetParametersByPath', 'ec2:GetPasswordData', 'ssm:SendCommand')
    AND (action NOT LIKE 'ssm:GetParameter%%' OR request_parameters LIKE '%%"withDecryption":true%%')
    AND agent_kind <> 'aws-service' AND NOT %s
)
SELECT principal, '' AS resource, event_time, event_id, action, source_ip, user_agent, error_code,
  CAST(n AS VARCHAR) || ' ' || action || ' calls within the hour' AS detail FROM reads WHERE n >= %d`, iacFilter, burst),
		},
		{
			ID:       "console-login-after-failures",
			Title:    "Console login succeeded after failed attempts",
			Severity: SevHigh,
			Doc: `A successful ConsoleLogin preceded within the hour by failed ConsoleLogin
attempts for the same principal: password guessing that worked.`,
			SQL: `WITH logins AS (
  SELECT * FROM events WHERE action = 'signin:ConsoleLogin'
), hits AS (
  SELECT s.event_id AS success_id, s.principal AS p, s.event_time AS t FROM logins s
  WHERE s.login_result = 'Success' AND EXISTS (
    SELECT 1 FROM logins f WHERE f.login_result = 'Failure' AND f.principal = s.principal
      AND f.event_time <= s.event_time AND f.event_time >= s.event_time - INTERVAL '1' HOUR)
)
SELECT ` + selectCols + `, 'login ' || login_result AS detail FROM logins JOIN hits ON logins.principal = hits.p
WHERE (logins.event_id = hits.success_id)
   OR (logins.login_result = 'Failure' AND logins.event_time <= hits.t AND logins.event_time >= hits.t - INTERVAL '1' HOUR)`,
		},
	}
	if len(p.Functions) > 0 {
		ds = append(ds, designDetections(p)...)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].ID < ds[j].ID })
	return ds
}

// storeActions are the data-plane actions that touch a store, per service
// prefix; function roles calling them on a store the design does not
// connect them to are flows not in the graph.
const storeServices = `('dynamodb', 's3', 'sqs', 'sns', 'secretsmanager', 'ssm', 'kinesis', 'states', 'events', 'kms', 'logs', 'rds-data')`

// designDetections are the detections that compare with the design.
func designDetections(p Params) []Detection {
	var values []string
	for _, s := range p.Stores {
		if s.Name == "" {
			continue
		}
		pub := "FALSE"
		if s.Public {
			pub = "TRUE"
		}
		values = append(values, fmt.Sprintf("(%s, %s, %s, %s)", quote(s.ID), quote(s.Kind), quote(s.Name), pub))
	}
	var allowed []string
	var roles []string
	for _, f := range p.Functions {
		if f.Role == "" {
			continue
		}
		roles = append(roles, f.Role)
		for _, s := range f.Stores {
			allowed = append(allowed, fmt.Sprintf("(%s, %s)", quote(f.Role), quote(s)))
		}
	}
	if len(values) == 0 || len(roles) == 0 {
		return nil
	}
	if len(allowed) == 0 {
		allowed = []string{"(NULL, NULL)"}
	}
	sort.Strings(values)
	sort.Strings(allowed)
	stores := "stores (id, kind, name, public) AS (VALUES " + strings.Join(values, ", ") + ")"
	// A resource matches a store by its name, or as the last segment of an
	// ARN or queue URL; generated names are LIKE patterns.
	match := `(e.resource = s.name OR e.resource LIKE ('%/' || s.name) OR e.resource LIKE ('%:' || s.name) OR (s.name LIKE '%\%%' ESCAPE '\' AND e.resource LIKE s.name))`
	return []Detection{
		{
			ID:          "flow-not-in-design",
			Title:       "Function role touched a store the design does not connect it to",
			Severity:    SevHigh,
			NeedsDesign: true,
			Doc: `A declared function's role called a data store of the design that the
application graph does not connect the function to (no trigger, no policy,
no environment reference): either the design is incomplete or the role is
used for something it was not built for.`,
			SQL: `WITH ` + stores + `,
allowed (role, store) AS (VALUES ` + strings.Join(allowed, ", ") + `)
SELECT e.principal, e.resource, e.event_time, e.event_id, e.action, e.source_ip, e.user_agent, e.error_code,
  'store ' || s.id || ' (' || s.kind || ')' AS detail
FROM events e JOIN stores s ON ` + match + `
WHERE e.identity_type = 'AssumedRole' AND ` + likeAny("e.role_name", roles) + `
  AND split_part(e.action, ':', 1) IN ` + storeServices + `
  AND NOT EXISTS (SELECT 1 FROM allowed a WHERE a.store = s.id AND (e.role_name = a.role OR e.role_name LIKE a.role))`,
		},
		{
			ID:          "private-store-outside-access",
			Title:       "Anonymous or cross-account access to a store the design keeps private",
			Severity:    SevHigh,
			NeedsDesign: true,
			Doc: `A call by an anonymous principal, or by a principal of another account, to
a store the design does not open to anyone (no public policy or ACL).`,
			SQL: `WITH ` + stores + `
SELECT e.principal, e.resource, e.event_time, e.event_id, e.action, e.source_ip, e.user_agent, e.error_code,
  CASE WHEN e.principal = 'anonymous' THEN 'anonymous' ELSE 'account ' || e.principal_account END || ' on store ' || s.id AS detail
FROM events e JOIN stores s ON ` + match + `
WHERE NOT s.public AND e.error_code = '' AND e.identity_type <> 'AWSService' AND e.invoked_by = ''
  AND (e.principal = 'anonymous' OR (e.principal_account <> '' AND e.account <> '' AND e.principal_account <> e.account))`,
		},
	}
}
