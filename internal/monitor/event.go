// Package monitor checks what happened in production (CloudTrail) against
// what the application declares. It reads CloudTrail logs in every shape AWS
// and tools deliver them, normalises each record into one flat Event, keeps
// the events in a Store (DuckDB by default, see package monitor/duckstore),
// runs detections written as SQL over one normalised events table — the same
// SQL runs on Athena and Trino through a view over the standard CloudTrail
// table — and compares the principals, functions and stores seen with the
// application graph (Compare, Propose).
//
//	ReadPaths(ctx, paths, opts, sink)     // files, folders, .gz, AWSLogs layout
//	ParseRecord(raw) (Event, error)       // one CloudTrail record, normalised
//	Detections(Params) []Detection        // the detections, as SQL
//	Alerts(rows) []Alert                  // rows grouped into alerts
package monitor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"
)

// Event is one CloudTrail record, normalised: the fields detections need,
// typed and cleaned of the format's quirks. Columns lists them in the order
// of the events table.
type Event struct {
	// ID is the record's eventID; a record without one gets "sha256:" and
	// the hash of its bytes, so that it still deduplicates.
	ID string
	// Time is eventTime in UTC; zero when the record has none or it does
	// not parse.
	Time time.Time
	// Source is eventSource (lambda.amazonaws.com); Name the raw eventName
	// (UpdateFunctionCode20150331v2).
	Source, Name string
	// Action is the IAM action the event stands for, service prefix and
	// name without API version (lambda:UpdateFunctionCode; Lambda's data
	// event Invoke is lambda:InvokeFunction).
	Action string
	// Region is awsRegion; Account is recipientAccountId.
	Region, Account string
	// IdentityType is userIdentity.type (IAMUser, AssumedRole, Root,
	// AWSService, AWSAccount, FederatedUser…), "" when absent.
	IdentityType string
	// PrincipalARN is userIdentity.arn ("" when absent).
	PrincipalARN string
	// Principal is who acted, for messages and grouping: the role ARN for
	// an assumed role (arn:aws:iam::A:role/R), the user ARN, "root:A",
	// the service (lambda.amazonaws.com), "account:A" or "anonymous".
	Principal string
	// PrincipalAccount is userIdentity.accountId.
	PrincipalAccount string
	// RoleName and SessionName are set for assumed roles; UserName for IAM
	// users.
	RoleName, SessionName, UserName string
	// AccessKeyID is userIdentity.accessKeyId.
	AccessKeyID string
	// InvokedBy is userIdentity.invokedBy (an AWS service acting for the
	// principal).
	InvokedBy string
	// SourceIP is sourceIPAddress as written; SourceKind classifies it (see
	// the Source* constants).
	SourceIP, SourceKind string
	// UserAgent is userAgent without S3's brackets; AgentKind classifies it
	// (see the Agent* constants).
	UserAgent, AgentKind string
	// ErrorCode and ErrorMessage are set when the call failed.
	ErrorCode, ErrorMessage string
	// ReadOnly is the record's readOnly flag.
	ReadOnly bool
	// EventType is eventType (AwsApiCall, AwsConsoleSignIn, …).
	EventType string
	// Resource names the main resource acted on: the first resources[] ARN,
	// else the first of the usual request parameters (functionName,
	// bucketName, tableName, queueUrl, secretId, …).
	Resource string
	// TargetUser is requestParameters.userName (the user a CreateAccessKey
	// or UpdateLoginProfile is for).
	TargetUser string
	// MFAUsed is additionalEventData.MFAUsed; LoginResult is
	// responseElements.ConsoleLogin.
	MFAUsed, LoginResult string
	// Request is requestParameters as compact JSON ("" when null).
	Request string
	// File and Index say where the record was read (the file and the
	// record's 0-based index in it).
	File  string
	Index int
}

// Source kinds: where a call came from, judged from sourceIPAddress.
const (
	SourceAWS     = "aws"     // an AWS service host (lambda.amazonaws.com) or "AWS Internal"
	SourcePrivate = "private" // an RFC 1918 / unique-local address (VPC, or a rewritten log)
	SourcePublic  = "public"  // a routable IP address
	SourceInvalid = "invalid" // not an IP address and not an AWS host (95.025.143.109)
	SourceNone    = ""        // no sourceIPAddress
)

// Agent kinds: what made the call, judged from userAgent.
const (
	AgentConsole        = "console"        // the AWS console (signin, console.amazonaws.com, browsers)
	AgentCloudFormation = "cloudformation" // CloudFormation, SAM or CDK deploying
	AgentTerraform      = "terraform"      // Terraform / OpenTofu / Pulumi deploying
	AgentLambda         = "lambda"         // an SDK inside a Lambda execution environment
	AgentAWSService     = "aws-service"    // an AWS service acting (*.amazonaws.com, AWS Internal)
	AgentTool           = "tool"           // a CLI or SDK outside Lambda (aws-cli, boto3, aws-sdk-*)
	AgentOther          = "other"
)

// agentRules classify user agents, first match wins. SQLAgentKind mirrors
// them for Athena/Trino, so keep both in this one table.
var agentRules = []struct {
	kind     string
	contains []string // lower-case substrings
}{
	{AgentCloudFormation, []string{"cloudformation.amazonaws.com", "aws-cdk", "aws-sam-cli", "cloudformation"}},
	{AgentTerraform, []string{"terraform", "opentofu", "pulumi"}},
	{AgentLambda, []string{"exec-env/aws_lambda", "aws_lambda_"}},
	{AgentConsole, []string{"console.amazonaws.com", "console.aws.amazon.com", "signin.amazonaws.com", "mozilla/", "awsconsole", "aws-internal/3 aws-sdk-java"}},
	{AgentTool, []string{"aws-cli/", "boto3/", "botocore/", "aws-sdk-", "aws-sdk/", "awscli", "python-requests", "curl/", "stratus-red-team", "grimoire", "powershell", "aws-powershell", "go-http-client", "pacu", "scoutsuite", "prowler", "trufflehog", "cloudsplaining"}},
	{AgentAWSService, []string{"amazonaws.com", "aws internal", "aws-internal"}},
}

// AgentKindOf classifies a user agent (without brackets).
func AgentKindOf(ua string) string {
	l := strings.ToLower(ua)
	if l == "" {
		return AgentOther
	}
	for _, r := range agentRules {
		for _, s := range r.contains {
			if strings.Contains(l, s) {
				return r.kind
			}
		}
	}
	return AgentOther
}

// SourceKindOf classifies a sourceIPAddress value.
func SourceKindOf(ip string) string {
	switch {
	case ip == "":
		return SourceNone
	case strings.EqualFold(ip, "AWS Internal"), strings.HasSuffix(strings.ToLower(ip), ".amazonaws.com"):
		return SourceAWS
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return SourceInvalid
	}
	if a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() {
		return SourcePrivate
	}
	return SourcePublic
}

// versionSuffix is the API version Lambda (and a few others) append to
// event names: CreateFunction20150331, UpdateFunctionCode20150331v2.
var versionSuffix = regexp.MustCompile(`20[0-9]{6}(v[0-9]+)?$`)

// ActionOf returns the IAM action for an event source and name.
func ActionOf(source, name string) string {
	svc := strings.TrimSuffix(source, ".amazonaws.com")
	n := versionSuffix.ReplaceAllString(name, "")
	switch {
	case svc == "lambda" && n == "Invoke":
		n = "InvokeFunction"
	case svc == "monitoring":
		svc = "cloudwatch"
	case svc == "signin" || svc == "sso":
		// sign-in events are not IAM actions, but keep the prefix.
	}
	if svc == "" {
		return n
	}
	return svc + ":" + n
}

// ErrNotRecord is returned (wrapped) for a JSON value that is not a
// CloudTrail record.
var ErrNotRecord = errors.New("not a CloudTrail record")

// rawRecord is the part of a CloudTrail record the normaliser reads.
type rawRecord struct {
	EventID             string          `json:"eventID"`
	EventTime           json.RawMessage `json:"eventTime"`
	EventSource         string          `json:"eventSource"`
	EventName           string          `json:"eventName"`
	AWSRegion           string          `json:"awsRegion"`
	SourceIPAddress     string          `json:"sourceIPAddress"`
	UserAgent           string          `json:"userAgent"`
	ErrorCode           string          `json:"errorCode"`
	ErrorMessage        string          `json:"errorMessage"`
	ReadOnly            json.RawMessage `json:"readOnly"`
	EventType           string          `json:"eventType"`
	RecipientAccountID  string          `json:"recipientAccountId"`
	UserIdentity        *rawIdentity    `json:"userIdentity"`
	RequestParameters   json.RawMessage `json:"requestParameters"`
	ResponseElements    json.RawMessage `json:"responseElements"`
	AdditionalEventData json.RawMessage `json:"additionalEventData"`
	Resources           []struct {
		ARN string `json:"ARN"`
	} `json:"resources"`
}

type rawIdentity struct {
	Type           string `json:"type"`
	ARN            string `json:"arn"`
	AccountID      string `json:"accountId"`
	AccessKeyID    string `json:"accessKeyId"`
	UserName       string `json:"userName"`
	InvokedBy      string `json:"invokedBy"`
	SessionContext *struct {
		SessionIssuer *struct {
			Type     string `json:"type"`
			ARN      string `json:"arn"`
			UserName string `json:"userName"`
		} `json:"sessionIssuer"`
	} `json:"sessionContext"`
}

// rawParams are the request parameters that name the resource of a call
// (resourceKeys, in the same order). Values that are not strings are
// ignored.
type rawParams struct {
	FunctionName, BucketName, TableName, QueueURL, TopicArn, SecretID, StateMachineArn,
	StreamName, LogGroupName, KeyID, RoleName, UserName, PolicyArn, Name, TrailName,
	SnapshotID, ImageID, DBSnapshotIdentifier, InstanceID, LayerName json.RawMessage
}

// values returns pointers to p's fields, in the order of resourceKeys.
func (p *rawParams) values() []*json.RawMessage {
	return []*json.RawMessage{&p.FunctionName, &p.BucketName, &p.TableName, &p.QueueURL, &p.TopicArn, &p.SecretID, &p.StateMachineArn,
		&p.StreamName, &p.LogGroupName, &p.KeyID, &p.RoleName, &p.UserName, &p.PolicyArn, &p.Name, &p.TrailName,
		&p.SnapshotID, &p.ImageID, &p.DBSnapshotIdentifier, &p.InstanceID, &p.LayerName}
}

func (p *rawParams) resource() string {
	for _, v := range []json.RawMessage{p.FunctionName, p.BucketName, p.TableName, p.QueueURL, p.TopicArn, p.SecretID, p.StateMachineArn,
		p.StreamName, p.LogGroupName, p.KeyID, p.RoleName, p.UserName, p.PolicyArn, p.Name, p.TrailName,
		p.SnapshotID, p.ImageID, p.DBSnapshotIdentifier, p.InstanceID, p.LayerName} {
		if s := str(v); s != "" {
			return s
		}
	}
	return ""
}

// compact returns JSON without insignificant space (detections match
// "key":value pairs in it).
func compact(raw json.RawMessage) string {
	if bytes.IndexAny(raw, " \t\r\n") < 0 {
		return string(raw)
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return string(raw)
	}
	return buf.String()
}

// str returns a JSON string's value, or "" for anything else.
func str(v json.RawMessage) string {
	if len(v) < 2 || v[0] != '"' {
		return ""
	}
	if plainString(v) {
		return string(v[1 : len(v)-1])
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return ""
	}
	return s
}

// resourceKeys are the request parameters that name the resource of a call,
// in order of preference (rawParams holds them). The Athena/Trino view
// mirrors them.
var resourceKeys = []string{
	"functionName", "bucketName", "tableName", "queueUrl", "topicArn", "secretId", "stateMachineArn",
	"streamName", "logGroupName", "keyId", "roleName", "userName", "policyArn", "name", "trailName",
	"snapshotId", "imageId", "dBSnapshotIdentifier", "instanceId", "layerName",
}

// timeLayouts are the eventTime spellings seen in the wild.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
}

// ParseTime parses an eventTime value in any of the spellings CloudTrail
// copies use; ok is false when none fits. The spellings are those of
// timePattern (RFC 3339 with a T or a space, a fraction of 1 to 9 digits,
// Z, an offset of at most ±23:59 or no zone for UTC), between spaces, and
// no others: DuckDB's loader (EventTimeSQL) and the Athena/Trino view
// (sqlEventTime) take exactly these, where time.Parse alone also takes a
// comma for the point, longer fractions and offsets such as +24:00.
func ParseTime(s string) (t time.Time, ok bool) {
	s = strings.Trim(s, " ")
	if !timeSpelling(s) {
		return time.Time{}, false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// timeSpelling reports whether s matches timePattern whole (a test holds
// the two together); time.Parse then checks the day of the month.
func timeSpelling(s string) bool {
	digits := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		return true
	}
	// hhmm checks "hh" (00-23) and "mm" (00-59).
	hhmm := func(h, m string) bool {
		return digits(h) && digits(m) && h <= "23" && m <= "59"
	}
	if len(s) < 19 || !digits(s[0:4]) || s[4] != '-' || !digits(s[5:7]) || s[7] != '-' || !digits(s[8:10]) ||
		(s[10] != 'T' && s[10] != ' ') || !hhmm(s[11:13], s[14:16]) || s[13] != ':' || s[16] != ':' ||
		!digits(s[17:19]) || s[17] > '5' {
		return false
	}
	rest := s[19:]
	if rest != "" && rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return false
		}
		rest = rest[n:]
	}
	switch {
	case rest == "" || rest == "Z":
		return true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		return hhmm(rest[1:3], rest[4:6])
	}
	return false
}

// ParseRecord normalises one CloudTrail record (a JSON object). It returns
// an error wrapping ErrNotRecord for valid JSON that is not a record (not
// an object, or without eventSource and eventName), and the JSON error for
// bytes that do not parse.
//
// Records are read by fastRecord, and by encoding/json when it cannot
// tell.
func ParseRecord(raw []byte) (Event, error) {
	return parseRecord(raw, true)
}

// parseRecord is ParseRecord; fast false reads every record with
// encoding/json (the reference the fast reader is tested against).
func parseRecord(raw []byte, fast bool) (Event, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		kind := "empty"
		if len(raw) > 0 {
			kind = jsonKind(raw[0])
		}
		return Event{}, fmt.Errorf("%w: a JSON %s, not an object", ErrNotRecord, kind)
	}
	var f recordFields
	if !fast || !fastRecord(raw, &f) {
		f = recordFields{}
		if err := decodeRecord(raw, &f); err != nil {
			return Event{}, err
		}
	}
	r := &f.rawRecord
	if r.EventSource == "" || r.EventName == "" {
		return Event{}, fmt.Errorf("%w: no eventSource or eventName", ErrNotRecord)
	}
	e := Event{
		ID:           r.EventID,
		Source:       r.EventSource,
		Name:         r.EventName,
		Action:       ActionOf(r.EventSource, r.EventName),
		Region:       r.AWSRegion,
		Account:      r.RecipientAccountID,
		SourceIP:     r.SourceIPAddress,
		SourceKind:   SourceKindOf(r.SourceIPAddress),
		ErrorCode:    r.ErrorCode,
		ErrorMessage: r.ErrorMessage,
		EventType:    r.EventType,
	}
	if e.ID == "" {
		e.ID = recordHash(raw)
	}
	if ts, ok := jsonString(r.EventTime); ok {
		e.Time, _ = ParseTime(ts)
	}
	e.ReadOnly = flexBool(r.ReadOnly)
	ua := strings.TrimSpace(r.UserAgent)
	if len(ua) >= 2 && ua[0] == '[' && ua[len(ua)-1] == ']' {
		ua = ua[1 : len(ua)-1]
	}
	e.UserAgent = ua
	e.AgentKind = AgentKindOf(ua)
	identity(&e, r.UserIdentity)
	if e.Account == "" {
		e.Account = e.PrincipalAccount
	}
	for _, res := range r.Resources {
		if res.ARN != "" {
			e.Resource = res.ARN
			break
		}
	}
	if len(r.RequestParameters) > 0 && r.RequestParameters[0] == '{' {
		e.Request = compact(r.RequestParameters)
		if f.paramsOK {
			if e.Resource == "" {
				e.Resource = f.params.resource()
			}
			e.TargetUser = str(f.params.UserName)
		}
	}
	e.MFAUsed = f.mfa
	e.LoginResult = f.login
	return e, nil
}

// recordFields is what the normaliser reads from a record: rawRecord, the
// request parameters naming the resource (paramsOK: requestParameters is
// an object and they were read), additionalEventData.MFAUsed and
// responseElements.ConsoleLogin. fastRecord and decodeRecord fill it.
type recordFields struct {
	rawRecord
	params     rawParams
	paramsOK   bool
	mfa, login string
}

// decodeRecord fills f from raw with encoding/json, and returns the error
// ParseRecord reports for a record it cannot read.
func decodeRecord(raw []byte, f *recordFields) error {
	r := &f.rawRecord
	if err := json.Unmarshal(raw, r); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("%w: field %s: %v", ErrNotRecord, te.Field, err)
		}
		return err
	}
	if len(r.RequestParameters) > 0 && r.RequestParameters[0] == '{' {
		f.paramsOK = json.Unmarshal(r.RequestParameters, &f.params) == nil
	}
	f.mfa = objectString(r.AdditionalEventData, "MFAUsed")
	f.login = objectString(r.ResponseElements, "ConsoleLogin")
	return nil
}

// jsonString returns the value of a JSON string or null (""), as
// json.Unmarshal into a string does; ok is false for anything else.
func jsonString(v []byte) (string, bool) {
	if plainString(v) {
		return string(v[1 : len(v)-1]), true
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return "", false
	}
	return s, true
}

// plainString reports whether v is a JSON string of printable ASCII
// without escapes (its value is the bytes between the quotes).
func plainString(v []byte) bool {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return false
	}
	for _, c := range v[1 : len(v)-1] {
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// identity fills the principal fields from userIdentity.
func identity(e *Event, id *rawIdentity) {
	if id == nil {
		e.Principal = "unknown"
		return
	}
	e.IdentityType = id.Type
	e.PrincipalARN = id.ARN
	e.PrincipalAccount = id.AccountID
	e.AccessKeyID = id.AccessKeyID
	e.InvokedBy = id.InvokedBy
	switch id.Type {
	case "AssumedRole":
		// arn:aws:sts::A:assumed-role/ROLE/SESSION
		if i := strings.Index(id.ARN, ":assumed-role/"); i >= 0 {
			rest := id.ARN[i+len(":assumed-role/"):]
			role, session, _ := strings.Cut(rest, "/")
			e.RoleName, e.SessionName = role, session
		}
		if sc := id.SessionContext; sc != nil && sc.SessionIssuer != nil && sc.SessionIssuer.ARN != "" {
			e.Principal = sc.SessionIssuer.ARN
			if e.RoleName == "" {
				e.RoleName = sc.SessionIssuer.UserName
			}
		} else if e.RoleName != "" {
			e.Principal = "arn:" + partition(id.ARN) + ":iam::" + accountOfARN(id.ARN) + ":role/" + e.RoleName
		} else {
			e.Principal = id.ARN
		}
	case "IAMUser":
		e.UserName = id.UserName
		e.Principal = id.ARN
		if e.Principal == "" && id.UserName != "" {
			e.Principal = "user:" + id.UserName
		}
	case "Root":
		e.Principal = "root:" + id.AccountID
	case "AWSService":
		e.Principal = id.InvokedBy
	case "AWSAccount":
		e.Principal = "account:" + id.AccountID
	case "":
		e.Principal = "unknown"
	default:
		e.Principal = id.ARN
		e.UserName = id.UserName
	}
	if id.Type == "AWSAccount" && id.AccountID == "ANONYMOUS_PRINCIPAL" || id.Type == "Anonymous" {
		e.Principal = "anonymous"
	}
	if e.Principal == "" {
		e.Principal = strings.ToLower(id.Type)
		if id.AccountID != "" {
			e.Principal += ":" + id.AccountID
		}
	}
}

func partition(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 2 || parts[1] == "" {
		return "aws"
	}
	return parts[1]
}

func accountOfARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

func flexBool(raw json.RawMessage) bool {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	return strings.EqualFold(s, "true")
}

func stringField(m map[string]json.RawMessage, k string) string {
	v, ok := m[k]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return ""
	}
	return s
}

func objectString(raw json.RawMessage, k string) string {
	if len(raw) == 0 || raw[0] != '{' {
		return ""
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	return stringField(m, k)
}

func jsonKind(c byte) string {
	switch c {
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	default:
		if c == '-' || c >= '0' && c <= '9' {
			return "number"
		}
		return "value"
	}
}
