package model

import "strings"

// Function is a unit of compute: a Lambda function, an Azure Function, a
// Google Cloud Function, an OpenWhisk action. Settings are *Value so that
// rules can point at the line that set them; nil means "not set" (the
// provider's default applies; see the Default* constants).
type Function struct {
	ID  string `json:"id"`
	Pos Pos    `json:"pos"`
	// Name is the deployed function name when the input sets one.
	Name        *Value `json:"name,omitempty"`
	Runtime     *Value `json:"runtime,omitempty"`
	Handler     *Value `json:"handler,omitempty"`
	PackageType *Value `json:"packageType,omitempty"`
	// CodeURI is where the code comes from (CodeUri, Code.S3Key, filename,
	// image URI); InlineCode is code written in the template itself.
	CodeURI    *Value `json:"codeUri,omitempty"`
	InlineCode *Value `json:"inlineCode,omitempty"`
	// CodeSource is the local file or directory the deployment package is
	// built from when the input says so apart from CodeURI (Terraform
	// archive_file source_dir/source_file behind a function's filename).
	CodeSource *Value `json:"codeSource,omitempty"`
	// ImageBuild is the local build a container image function's image
	// is made from by the deployment tool (SAM's Metadata Dockerfile /
	// DockerContext), which pushes the image and rewrites the reference
	// on deploy: the image reference written in the input is a local
	// build tag, not a registry reference. nil when not built locally.
	ImageBuild    *Value   `json:"imageBuild,omitempty"`
	MemorySize    *Value   `json:"memorySize,omitempty"`
	Timeout       *Value   `json:"timeout,omitempty"`
	Architectures *Value   `json:"architectures,omitempty"`
	Environment   []EnvVar `json:"environment,omitempty"`
	// Role is the ID of the function's execution role in this stack (a
	// declared role or one the loader made for it, e.g. SAM's implicit
	// role), or "" when RoleARN names a role from outside.
	Role    string `json:"role,omitempty"`
	RoleARN *Value `json:"roleArn,omitempty"`
	// ReservedConcurrency limits concurrent executions (0 disables the
	// function); ProvisionedConcurrency keeps instances warm.
	ReservedConcurrency    *Value `json:"reservedConcurrency,omitempty"`
	ProvisionedConcurrency *Value `json:"provisionedConcurrency,omitempty"`
	Tracing                *Value `json:"tracing,omitempty"`
	KMSKey                 *Value `json:"kmsKey,omitempty"`
	VPC                    *VPC   `json:"vpc,omitempty"`
	// DeadLetter is the target of the function's dead-letter queue/topic.
	DeadLetter *Value `json:"deadLetter,omitempty"`
	// OnFailure and OnSuccess are asynchronous-invocation destinations.
	OnFailure *Value `json:"onFailure,omitempty"`
	OnSuccess *Value `json:"onSuccess,omitempty"`
	// MaxEventAge and MaxRetries are asynchronous-invocation settings.
	MaxEventAge          *Value   `json:"maxEventAge,omitempty"`
	MaxRetries           *Value   `json:"maxRetries,omitempty"`
	Layers               []*Value `json:"layers,omitempty"`
	AutoPublishAlias     *Value   `json:"autoPublishAlias,omitempty"`
	DeploymentPreference *Value   `json:"deploymentPreference,omitempty"`
	// LogGroup is the ID of the function's log group in this stack, if one
	// is declared; LogRetention its retention in days when known.
	LogGroup     string `json:"logGroup,omitempty"`
	LogRetention *Value `json:"logRetention,omitempty"`
	// Settings holds provider-specific settings that have no field here
	// (Azure app settings, OpenWhisk annotations, …).
	Settings *Value `json:"settings,omitempty"`
	Tags     []Tag  `json:"tags,omitempty"`
	// Group is an optional owner/team label from tags or config, used for
	// trust-boundary checks.
	Group string `json:"group,omitempty"`
	// Code is what nightlight read from the function's handler source, or
	// nil when it was not read (see model.Code).
	Code *Code `json:"code,omitempty"`
	// Deps are the third-party packages the function deploys, or nil when
	// no manifest was found for it (see model.Dependencies).
	Deps *Dependencies `json:"deps,omitempty"`
}

// Defaults that apply when a Lambda function does not set a value.
const (
	DefaultLambdaTimeoutSeconds = 3
	DefaultLambdaMemoryMB       = 128
)

// EnvVar is one environment variable of a function.
type EnvVar struct {
	Name  string `json:"name"`
	Pos   Pos    `json:"pos"`
	Value *Value `json:"value"`
}

// VPC is a function's network attachment.
type VPC struct {
	Pos            Pos    `json:"pos"`
	SubnetIDs      *Value `json:"subnetIds,omitempty"`
	SecurityGroups *Value `json:"securityGroups,omitempty"`
}

// Role is an IAM role (or, on other clouds, a service account or managed
// identity) and the policies attached to it.
type Role struct {
	ID   string `json:"id"`
	Pos  Pos    `json:"pos"`
	Name *Value `json:"name,omitempty"`
	// ARN is set for roles not declared in the stack (a function's Role
	// given as an ARN).
	ARN *Value `json:"arn,omitempty"`
	// Trust is the role's trust (assume-role) policy.
	Trust *PolicyDoc `json:"trust,omitempty"`
	// Policies are the identity policies in effect: inline policies,
	// expanded SAM policy templates, managed policies (by ARN, with the
	// document when nightlight knows it) and standalone policies attached
	// to the role.
	Policies []*PolicyDoc `json:"policies,omitempty"`
	// Boundary is the permissions boundary policy ARN, if any.
	Boundary    *Value     `json:"boundary,omitempty"`
	BoundaryDoc *PolicyDoc `json:"boundaryDoc,omitempty"`
	// Implicit marks roles the loader created (SAM's <Function>Role,
	// Serverless's IamRoleLambdaExecution).
	Implicit bool `json:"implicit,omitempty"`
	// External marks roles that live outside the stack (only an ARN).
	External bool `json:"external,omitempty"`
	// UsedBy lists what runs with or hands out the role besides the
	// functions whose Role names it: instance profiles, Cognito identity
	// pools, state machines, API integrations, CodeBuild projects,
	// schedules, … Empty when nothing in the stack uses it.
	UsedBy []RoleUse `json:"usedBy,omitempty"`
}

// RoleUse is one resource of the stack that uses a role.
type RoleUse struct {
	// ID is the using resource's ID and Type its type as written
	// (AWS::IAM::InstanceProfile, aws_sfn_state_machine, …).
	ID   string `json:"id"`
	Type string `json:"type"`
	// Kind says how the role is used: "instance-profile",
	// "identity-pool-authenticated", "identity-pool-unauthenticated",
	// "state-machine", "api-integration", "codebuild", "scheduler",
	// "events-target", "cloudformation", or "other".
	Kind string `json:"kind"`
	Pos  Pos    `json:"pos"`
}

// User is an IAM user and the policies that apply to it, directly or
// through its groups.
type User struct {
	ID   string `json:"id"`
	Pos  Pos    `json:"pos"`
	Name *Value `json:"name,omitempty"`
	// Policies are the user's own identity policies (inline, managed,
	// standalone attached); group policies stay on the groups.
	Policies []*PolicyDoc `json:"policies,omitempty"`
	// Groups are the IDs (or names, for groups outside the stack) of the
	// groups the user belongs to.
	Groups      []string   `json:"groups,omitempty"`
	Boundary    *Value     `json:"boundary,omitempty"`
	BoundaryDoc *PolicyDoc `json:"boundaryDoc,omitempty"`
	// Console is true when the user has a login profile (password).
	Console bool `json:"console,omitempty"`
}

// AccessKey is a long-lived IAM access key the stack creates
// (AWS::IAM::AccessKey, aws_iam_access_key).
type AccessKey struct {
	ID  string `json:"id"`
	Pos Pos    `json:"pos"`
	// User is the ID of the key's user in the stack, or the user's name
	// when the user is declared elsewhere.
	User string `json:"user,omitempty"`
}

// Group is an IAM group and its policies.
type Group struct {
	ID       string       `json:"id"`
	Pos      Pos          `json:"pos"`
	Name     *Value       `json:"name,omitempty"`
	Policies []*PolicyDoc `json:"policies,omitempty"`
}

// PolicySource tells where a PolicyDoc came from.
type PolicySource string

// The sources of policy documents.
const (
	PolicyInline      PolicySource = "inline"       // written in the template
	PolicyManaged     PolicySource = "managed"      // an AWS or customer managed policy ARN
	PolicySAMTemplate PolicySource = "sam-template" // a SAM policy template, expanded
	PolicyStandalone  PolicySource = "standalone"   // an AWS::IAM::Policy/ManagedPolicy or aws_iam_policy attached
	PolicyResource    PolicySource = "resource"     // a resource-based policy
	PolicyGenerated   PolicySource = "generated"    // synthesized by a loader (e.g. from a Lambda permission)
)

// PolicyDoc is a policy document and where it came from. Document holds the
// JSON policy ({"Version":…, "Statement":[…]}) as a Value tree with the
// positions of each statement; internal/iam parses it.
type PolicyDoc struct {
	// Name is the policy's name, managed policy ARN/name or SAM template
	// name.
	Name   string       `json:"name"`
	Pos    Pos          `json:"pos"`
	Source PolicySource `json:"source"`
	// Document is the policy. It is nil for a managed policy nightlight
	// does not know: such a policy grants unknown permissions.
	Document *Value `json:"document,omitempty"`
	// Ref is the ID of the standalone policy resource, when Source is
	// PolicyStandalone.
	Ref string `json:"ref,omitempty"`
}

// Known reports whether the document's contents are known.
func (p *PolicyDoc) Known() bool { return p != nil && p.Document.IsSet() }

// Policy is a standalone identity policy resource and what it is attached
// to.
type Policy struct {
	ID     string     `json:"id"`
	Pos    Pos        `json:"pos"`
	Name   *Value     `json:"name,omitempty"`
	Doc    *PolicyDoc `json:"doc"`
	Roles  []string   `json:"roles,omitempty"`
	Users  []string   `json:"users,omitempty"`
	Groups []string   `json:"groups,omitempty"`
	// Managed is true for managed policies (attachable by ARN), false for
	// inline policy resources.
	Managed bool `json:"managed,omitempty"`
}

// APIKind is the kind of an API front door.
type APIKind string

// API kinds.
const (
	APIRest      APIKind = "rest"      // API Gateway REST API (v1)
	APIHTTP      APIKind = "http"      // API Gateway HTTP API (v2)
	APIWebSocket APIKind = "websocket" // API Gateway WebSocket API
	APIALB       APIKind = "alb"       // Application Load Balancer
	APIGraphQL   APIKind = "graphql"   // AppSync
	APIFunction  APIKind = "function"  // the provider's own HTTP trigger (Azure/Google/OpenWhisk)
)

// API is an API front door: its stages, defaults and authorizers. Its routes
// are EntryPoints that name it.
type API struct {
	ID   string  `json:"id"`
	Pos  Pos     `json:"pos"`
	Kind APIKind `json:"kind"`
	Name *Value  `json:"name,omitempty"`
	// Implicit marks APIs the loader created (SAM's ServerlessRestApi).
	Implicit    bool          `json:"implicit,omitempty"`
	Stage       *Value        `json:"stage,omitempty"`
	Authorizers []*Authorizer `json:"authorizers,omitempty"`
	// DefaultAuthorizer is the name of the authorizer applied to routes
	// that do not name one.
	DefaultAuthorizer string `json:"defaultAuthorizer,omitempty"`
	// APIKeyRequired is the API-wide default for API keys.
	APIKeyRequired bool `json:"apiKeyRequired,omitempty"`
	// Policy is the API's resource policy, if any.
	Policy *PolicyDoc `json:"policy,omitempty"`
	// Endpoint is the endpoint type (EDGE, REGIONAL, PRIVATE).
	Endpoint *Value `json:"endpoint,omitempty"`
	// Throttle is the stage-wide throttling (nil: account default).
	Throttle *Throttle `json:"throttle,omitempty"`
	// AccessLog, ExecutionLog and Tracing record stage logging/tracing.
	AccessLog    *Value `json:"accessLog,omitempty"`
	ExecutionLog *Value `json:"executionLog,omitempty"`
	Tracing      *Value `json:"tracing,omitempty"`
	CORS         *CORS  `json:"cors,omitempty"`
	// WAF is the web ACL associated with the API, if any.
	WAF *Value `json:"waf,omitempty"`
	// DisableDefaultEndpoint is true when the execute-api endpoint is off.
	DisableDefaultEndpoint bool `json:"disableDefaultEndpoint,omitempty"`
	// UsagePlans attached to the API.
	UsagePlans []*UsagePlan `json:"usagePlans,omitempty"`
}

// Private reports whether the API has a PRIVATE endpoint (reachable only
// through VPC interface endpoints), however the input wrote the endpoint
// type: a string ("PRIVATE"), or a list (CloudFormation's
// EndpointConfiguration.Types, Terraform's types = ["PRIVATE"]).
func (a *API) Private() bool {
	if a == nil {
		return false
	}
	for _, v := range append([]*Value{a.Endpoint}, a.Endpoint.Elems()...) {
		if v != nil && v.Kind == String && strings.EqualFold(strings.TrimSpace(v.Str), "PRIVATE") {
			return true
		}
	}
	return false
}

// AuthType is how a caller authenticates to an entry point.
type AuthType string

// Auth types. An API key alone is not authentication.
const (
	AuthNone    AuthType = "none"    // anonymous
	AuthAPIKey  AuthType = "api-key" // API key only: identifies, does not authenticate
	AuthIAM     AuthType = "iam"     // SigV4-signed by an IAM principal
	AuthCognito AuthType = "cognito" // Cognito user pool tokens
	AuthJWT     AuthType = "jwt"     // a JWT authorizer (HTTP API)
	AuthLambda  AuthType = "lambda"  // a custom Lambda authorizer
	AuthMTLS    AuthType = "mtls"    // mutual TLS
	AuthKey     AuthType = "function-key"
	AuthUnknown AuthType = "unknown" // could not be decided statically
)

// Authorizer is an API authorizer.
type Authorizer struct {
	Name string   `json:"name"`
	Pos  Pos      `json:"pos"`
	Type AuthType `json:"type"`
	// Function is the ID of a Lambda authorizer's function in this stack.
	Function    string `json:"function,omitempty"`
	FunctionARN *Value `json:"functionArn,omitempty"`
	// UserPools, Issuer and Audience describe token authorizers.
	UserPools *Value `json:"userPools,omitempty"`
	Issuer    *Value `json:"issuer,omitempty"`
	Audience  *Value `json:"audience,omitempty"`
	Identity  *Value `json:"identity,omitempty"`
}

// Auth is the effective authentication of one entry point.
type Auth struct {
	Type AuthType `json:"type"`
	// Authorizer names the authorizer, when Type uses one.
	Authorizer string `json:"authorizer,omitempty"`
	// APIKeyRequired is true when callers must also send an API key.
	APIKeyRequired bool     `json:"apiKeyRequired,omitempty"`
	Scopes         []string `json:"scopes,omitempty"`
	// Pos is where the effective auth was decided (the route's Auth, the
	// API's default authorizer, …).
	Pos Pos `json:"pos"`
}

// Throttle is a rate limit.
type Throttle struct {
	Pos   Pos    `json:"pos"`
	Rate  *Value `json:"rate,omitempty"`  // requests per second
	Burst *Value `json:"burst,omitempty"` // burst size
	// Quota is a usage plan's request quota and QuotaPeriod its period.
	Quota       *Value `json:"quota,omitempty"`
	QuotaPeriod *Value `json:"quotaPeriod,omitempty"`
}

// UsagePlan is an API Gateway usage plan.
type UsagePlan struct {
	ID       string    `json:"id"`
	Pos      Pos       `json:"pos"`
	Throttle *Throttle `json:"throttle,omitempty"`
}

// CORS is a cross-origin policy.
type CORS struct {
	Pos              Pos    `json:"pos"`
	AllowOrigins     *Value `json:"allowOrigins,omitempty"`
	AllowCredentials *Value `json:"allowCredentials,omitempty"`
	AllowMethods     *Value `json:"allowMethods,omitempty"`
	AllowHeaders     *Value `json:"allowHeaders,omitempty"`
}

// EntryPointKind is the kind of an entry point.
type EntryPointKind string

// Entry point kinds.
const (
	EntryRoute       EntryPointKind = "route"        // an API route (REST/HTTP/WebSocket/provider HTTP trigger)
	EntryFunctionURL EntryPointKind = "function-url" // a Lambda function URL
	EntryALB         EntryPointKind = "alb"          // an ALB target
	EntryWebAction   EntryPointKind = "web-action"   // an OpenWhisk web action
	EntryGraphQL     EntryPointKind = "graphql"      // an AppSync resolver
	EntryOther       EntryPointKind = "other"        // Alexa skills, IoT, …
)

// EntryPoint is a way in from outside the application: an API route, a
// function URL, an ALB target. Resource policies that open a resource to
// outside principals are modelled as ResourcePolicies and become entry
// points in the graph.
type EntryPoint struct {
	// ID is unique in the stack, e.g. "ServerlessRestApi GET /orders".
	ID   string         `json:"id"`
	Pos  Pos            `json:"pos"`
	Kind EntryPointKind `json:"kind"`
	// API is the ID of the API the route belongs to.
	API    string `json:"api,omitempty"`
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	Auth   Auth   `json:"auth"`
	// Function is the ID of the function invoked; Target describes a
	// non-function integration (a queue, a state machine, an HTTP proxy).
	Function string    `json:"function,omitempty"`
	Target   *Value    `json:"target,omitempty"`
	CORS     *CORS     `json:"cors,omitempty"`
	Throttle *Throttle `json:"throttle,omitempty"`
	// Event is the name of the event/route declaration in the input.
	Event string `json:"event,omitempty"`
	// Scheme is a load balancer target's scheme: "internet-facing", or
	// "internal" (it answers only inside its VPC: no Internet caller
	// reaches it); "" when the load balancer is not in the input.
	Scheme string `json:"scheme,omitempty"`
	// Integration describes a route's backend when API Gateway itself
	// calls an AWS service or HTTP endpoint or answers (MOCK); nil for
	// Lambda proxy routes and other entry points.
	Integration *Integration `json:"integration,omitempty"`
}

// Internal reports whether the entry point is a target of an internal load
// balancer, reachable only inside its VPC.
func (ep *EntryPoint) Internal() bool { return ep.Scheme == SchemeInternal }

// Load balancer schemes.
const (
	SchemeInternetFacing = "internet-facing"
	SchemeInternal       = "internal"
)

// Integration is an API Gateway integration that is not a plain Lambda
// invocation: a service integration (API Gateway calls SQS, S3, DynamoDB,
// Step Functions… with a role), an HTTP proxy or a MOCK answer.
type Integration struct {
	Pos Pos `json:"pos"`
	// Type is AWS, AWS_PROXY, HTTP, HTTP_PROXY or MOCK (upper case).
	Type string `json:"type,omitempty"`
	// Service is the AWS service an AWS integration calls ("sqs", "s3",
	// "dynamodb", "states", "kinesis", "events", "sns"…).
	Service string `json:"service,omitempty"`
	URI     *Value `json:"uri,omitempty"`
	// Credentials is the role API Gateway assumes to call the service;
	// Role is its ID when the role is declared in the stack.
	Credentials *Value `json:"credentials,omitempty"`
	Role        string `json:"role,omitempty"`
	// RequestParameters map integration request parameters (or, for HTTP
	// API service integrations, the service's parameters) to their
	// sources; RequestTemplates are the request mapping templates.
	RequestParameters *Value `json:"requestParameters,omitempty"`
	RequestTemplates  *Value `json:"requestTemplates,omitempty"`
	// ResponseTemplates are the integration responses' mapping templates:
	// for MOCK integrations, the whole answer every caller receives.
	ResponseTemplates []*Value `json:"responseTemplates,omitempty"`
}

// IntegrationService returns the AWS service an API Gateway integration
// URI calls ("arn:aws:apigateway:us-east-1:sqs:path/…" → "sqs", a bucket
// subdomain "b.s3:path/…" → "s3"), or "" when uri is no service URI.
func IntegrationService(uri string) string {
	i := strings.Index(uri, "apigateway:")
	if i < 0 {
		return ""
	}
	rest := uri[i+len("apigateway:"):]
	for _, sep := range []string{":path/", ":action/"} {
		j := strings.Index(rest, sep)
		if j < 0 {
			continue
		}
		svc := rest[:j]
		if k := strings.LastIndexAny(svc, ":}"); k >= 0 {
			svc = svc[k+1:]
		}
		if k := strings.LastIndexByte(svc, '.'); k >= 0 {
			svc = svc[k+1:]
		}
		return strings.ToLower(svc)
	}
	return ""
}

// IntegrationSubtypeService returns the AWS service of an HTTP API
// service integration subtype ("SQS-SendMessage" → "sqs",
// "StepFunctions-StartExecution" → "states").
func IntegrationSubtypeService(subtype string) string {
	svc, _, _ := strings.Cut(subtype, "-")
	switch strings.ToLower(svc) {
	case "stepfunctions":
		return "states"
	case "eventbridge":
		return "events"
	}
	return strings.ToLower(svc)
}

// TriggerKind is the kind of event source that invokes a function.
type TriggerKind string

// Trigger kinds.
const (
	TriggerS3             TriggerKind = "s3"
	TriggerSQS            TriggerKind = "sqs"
	TriggerSNS            TriggerKind = "sns"
	TriggerDynamoDB       TriggerKind = "dynamodb"
	TriggerKinesis        TriggerKind = "kinesis"
	TriggerSchedule       TriggerKind = "schedule"
	TriggerEventBridge    TriggerKind = "eventbridge"
	TriggerCloudWatchLogs TriggerKind = "cloudwatch-logs"
	TriggerCognito        TriggerKind = "cognito"
	TriggerIoT            TriggerKind = "iot"
	TriggerKafka          TriggerKind = "kafka" // MSK and self-managed
	TriggerMQ             TriggerKind = "mq"
	TriggerDocumentDB     TriggerKind = "documentdb"
	TriggerAlexa          TriggerKind = "alexa"
	TriggerStepFunctions  TriggerKind = "stepfunctions"
	TriggerQueue          TriggerKind = "queue"  // other providers' queue bindings
	TriggerBlob           TriggerKind = "blob"   // other providers' storage bindings
	TriggerTimer          TriggerKind = "timer"  // other providers' timers
	TriggerPubSub         TriggerKind = "pubsub" // Google Pub/Sub
	TriggerOther          TriggerKind = "other"
)

// Async reports whether the trigger invokes its function asynchronously,
// where failed events need a dead-letter queue or on-failure destination.
func (k TriggerKind) Async() bool {
	switch k {
	case TriggerS3, TriggerSNS, TriggerSchedule, TriggerEventBridge, TriggerCloudWatchLogs, TriggerIoT:
		return true
	}
	return false
}

// Trigger is an event source that invokes a function.
type Trigger struct {
	ID   string      `json:"id"`
	Pos  Pos         `json:"pos"`
	Kind TriggerKind `json:"kind"`
	// Function is the ID of the function invoked.
	Function string `json:"function"`
	// Source is the ID of the source store (bucket, queue, topic, table,
	// bus, …) when it is in the stack; SourceValue is what the input says.
	Source      string `json:"source,omitempty"`
	SourceValue *Value `json:"sourceValue,omitempty"`
	// Events lists event names (s3:ObjectCreated:*) where the source has
	// them.
	Events []string `json:"events,omitempty"`
	// Filter is the event filter: S3 key prefix/suffix rules, an
	// EventBridge pattern, SQS/stream filter criteria, an SNS filter policy.
	Filter *Value `json:"filter,omitempty"`
	// Schedule is the expression for schedule triggers.
	Schedule *Value `json:"schedule,omitempty"`
	// Enabled is false when the source mapping is disabled.
	Enabled *Value `json:"enabled,omitempty"`
	// BatchSize and OnFailure are event-source-mapping settings.
	BatchSize *Value `json:"batchSize,omitempty"`
	OnFailure *Value `json:"onFailure,omitempty"`
	// Event is the name of the event declaration in the input.
	Event string `json:"event,omitempty"`
}

// StoreKind is the kind of data store or managed service.
type StoreKind string

// Store kinds.
const (
	StoreTable        StoreKind = "table"
	StoreBucket       StoreKind = "bucket"
	StoreQueue        StoreKind = "queue"
	StoreTopic        StoreKind = "topic"
	StoreStream       StoreKind = "stream"
	StoreEventBus     StoreKind = "event-bus"
	StoreStateMachine StoreKind = "state-machine"
	StoreSecret       StoreKind = "secret"
	StoreParameter    StoreKind = "parameter"
	StoreKey          StoreKind = "key"
	StoreLogGroup     StoreKind = "log-group"
	StoreUserPool     StoreKind = "user-pool"
	StoreDatabase     StoreKind = "database" // RDS, Aurora, DocumentDB, Cosmos, …
	StoreCache        StoreKind = "cache"
	StoreFileSystem   StoreKind = "file-system"
	StoreSearch       StoreKind = "search"
	StoreOther        StoreKind = "other"
)

// Store is a data store or managed service that functions read or write.
type Store struct {
	ID   string    `json:"id"`
	Pos  Pos       `json:"pos"`
	Kind StoreKind `json:"kind"`
	// Type is the resource type as written (AWS::DynamoDB::Table,
	// aws_dynamodb_table, …).
	Type string `json:"type"`
	Name *Value `json:"name,omitempty"`
	// Encryption describes encryption at rest.
	Encryption Encryption `json:"encryption"`
	Tags       []Tag      `json:"tags,omitempty"`
	// Classification is the data classification from tags
	// (DataClassification, …) or config; "" when unclassified.
	Classification string `json:"classification,omitempty"`
	// Attrs holds kind-specific security settings under the Attr*
	// constants' keys.
	Attrs map[string]*Value `json:"attrs,omitempty"`
	// Policy is the resource policy attached to the store, if any (a copy
	// of the matching ResourcePolicy's document, for convenience).
	Policy *PolicyDoc `json:"-"`
}

// Attr returns the kind-specific attribute key, or nil.
func (s *Store) Attr(key string) *Value {
	if s == nil {
		return nil
	}
	return s.Attrs[key]
}

// SetAttr sets a kind-specific attribute when v is not nil.
func (s *Store) SetAttr(key string, v *Value) {
	if v == nil {
		return
	}
	if s.Attrs == nil {
		s.Attrs = make(map[string]*Value)
	}
	s.Attrs[key] = v
}

// Keys of Store.Attrs. Loaders set those the input declares; a missing key
// means "not set" (the provider default applies).
const (
	AttrVersioning            = "versioning"              // bucket versioning status
	AttrBlockPublicACLs       = "block_public_acls"       // bucket public access block
	AttrBlockPublicPolicy     = "block_public_policy"     //
	AttrIgnorePublicACLs      = "ignore_public_acls"      //
	AttrRestrictPublicBuckets = "restrict_public_buckets" //
	AttrACL                   = "acl"                     // canned ACL in S3's spelling (public-read, …; see CannedACL)
	AttrWebsite               = "website"                 // static website hosting configuration
	AttrLogging               = "logging"                 // access logging target
	AttrRedriveTarget         = "redrive_target"          // queue's dead-letter queue
	AttrMaxReceiveCount       = "max_receive_count"       //
	AttrFIFO                  = "fifo"                    //
	AttrStreamViewType        = "stream_view_type"        // table stream
	AttrStreamArn             = "stream_arn"              //
	AttrPointInTimeRecovery   = "point_in_time_recovery"  //
	AttrDeletionProtection    = "deletion_protection"     //
	AttrBillingMode           = "billing_mode"            //
	AttrRetentionDays         = "retention_days"          // log group retention
	AttrRotation              = "rotation"                // secret rotation / key rotation
	AttrSecureString          = "secure_string"           // SSM parameter type SecureString
	AttrParameterValue        = "parameter_value"         // SSM parameter value as written
	AttrStateMachineType      = "state_machine_type"      // STANDARD or EXPRESS
	AttrDefinition            = "definition"              // state machine definition
	AttrLoggingConfig         = "logging_config"          // state machine logging
	AttrTracing               = "tracing"                 //
	AttrPublic                = "public"                  // provider-specific public flag (Azure/Google)
	AttrEventPattern          = "event_pattern"           //
	AttrKeySpec               = "key_spec"                // KMS key spec (SYMMETRIC_DEFAULT, RSA_2048, HMAC_256, …)
	AttrVisibilityTimeout     = "visibility_timeout"      // queue visibility timeout in seconds
)

// EncryptionKind says who holds the key for encryption at rest.
type EncryptionKind string

// Encryption kinds, weakest first.
const (
	EncryptionUnknown    EncryptionKind = ""            // not decided (symbolic)
	EncryptionNone       EncryptionKind = "none"        // explicitly or by default unencrypted
	EncryptionAWSOwned   EncryptionKind = "aws-owned"   // service default, key owned by the provider
	EncryptionAWSManaged EncryptionKind = "aws-managed" // provider-managed key in the account (aws/s3, aws/sqs…)
	EncryptionCustomer   EncryptionKind = "customer"    // customer-managed key
)

// Encryption is a store's encryption at rest.
type Encryption struct {
	Kind EncryptionKind `json:"kind,omitempty"`
	// Key is the customer key (ARN, alias or reference), when set.
	Key *Value `json:"key,omitempty"`
	// Pos is where the encryption was configured, or the store's position
	// when it was left to the default.
	Pos Pos `json:"pos"`
}

// ResourcePolicyKind tells what a resource policy governs.
type ResourcePolicyKind string

// Resource policy kinds.
const (
	RPLambdaPermission ResourcePolicyKind = "lambda-permission"
	RPBucket           ResourcePolicyKind = "bucket"
	RPQueue            ResourcePolicyKind = "queue"
	RPTopic            ResourcePolicyKind = "topic"
	RPAPI              ResourcePolicyKind = "api"
	RPSecret           ResourcePolicyKind = "secret"
	RPKey              ResourcePolicyKind = "key"
	RPEventBus         ResourcePolicyKind = "event-bus"
	RPInvoker          ResourcePolicyKind = "invoker" // Google/Azure invoker bindings
	RPOther            ResourcePolicyKind = "other"
)

// ResourcePolicy is a resource-based policy: a bucket/queue/topic policy, a
// Lambda permission (synthesized into a one-statement document), an API
// resource policy, a Cloud Functions invoker binding.
type ResourcePolicy struct {
	ID   string             `json:"id"`
	Pos  Pos                `json:"pos"`
	Kind ResourcePolicyKind `json:"kind"`
	// Targets are the IDs of the model objects the policy governs.
	Targets []string `json:"targets,omitempty"`
	// TargetValues are the targets as written (for targets outside the
	// stack or not resolved).
	TargetValues []*Value   `json:"targetValues,omitempty"`
	Doc          *PolicyDoc `json:"doc"`
}

// AccessKind says whether a declared data access reads or writes.
type AccessKind string

// Access kinds.
const (
	AccessRead  AccessKind = "read"
	AccessWrite AccessKind = "write"
)

// Binding is a data access a function declares in its configuration rather
// than through a permission: an Azure Functions input or output binding
// (the platform reads or writes the store for the function with the
// connection it names). Triggers are not bindings: they are Triggers.
type Binding struct {
	// ID is unique in the stack, e.g. "orders/outputQueue".
	ID  string `json:"id"`
	Pos Pos    `json:"pos"`
	// Function is the ID of the function that declares the binding.
	Function string     `json:"function"`
	Access   AccessKind `json:"access"`
	// Store is the ID of the store read or written.
	Store string `json:"store"`
	// Type is the binding type as written (queue, blob, cosmosDB, …).
	Type string `json:"type"`
	// Connection names the app setting that holds the connection, when
	// the binding names one.
	Connection *Value `json:"connection,omitempty"`
	// Note explains a binding nightlight does not know (kept as a generic
	// access).
	Note string `json:"note,omitempty"`
}

// Provider returns the cloud the store lives in, read from its resource
// type (AWS::…, aws_…, azurerm_…, Microsoft.…, azure:…, google_…,
// google:…, openwhisk:…), or "" when the type does not say. A Terraform
// root can hold stores of several clouds, so the stack's platform is only
// the fallback.
func (s *Store) Provider() Provider {
	t := strings.ToLower(s.Type)
	switch {
	case strings.HasPrefix(t, "aws::") || strings.HasPrefix(t, "aws_"):
		return AWS
	case strings.HasPrefix(t, "azurerm_") || strings.HasPrefix(t, "microsoft.") || strings.HasPrefix(t, "azure:"):
		return Azure
	case strings.HasPrefix(t, "google_") || strings.HasPrefix(t, "google:") || strings.HasPrefix(t, "firebase"):
		return Google
	case strings.HasPrefix(t, "openwhisk:"):
		return OpenWhisk
	}
	return ""
}

// Describe names the encryption kind for people in the words of provider
// p: the provider-owned default is "aws-owned" on AWS, "microsoft-managed"
// on Azure, "google-managed" on Google Cloud and "provider default"
// elsewhere.
func (k EncryptionKind) Describe(p Provider) string {
	switch k {
	case EncryptionUnknown:
		return "unknown"
	case EncryptionAWSOwned, EncryptionAWSManaged:
		switch p {
		case AWS, "":
			return string(k)
		case Azure:
			return "microsoft-managed"
		case Google:
			return "google-managed"
		}
		return "provider default"
	}
	return string(k)
}

// CannedACL normalises a bucket's canned ACL, however the input spells it
// (CloudFormation's PublicRead, Terraform's public-read), to S3's own
// spelling ("public-read", "public-read-write", "authenticated-read",
// "private", …), keeping v's position. Unresolved values are returned as
// they are.
func CannedACL(v *Value) *Value {
	if !v.IsResolved() || v.Kind != String {
		return v
	}
	var b strings.Builder
	for i, r := range strings.TrimSpace(v.Str) {
		switch {
		case r == '_' || r == ' ':
			r = '-'
		case r >= 'A' && r <= 'Z':
			if i > 0 && !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	out := *v
	out.Str = b.String()
	return &out
}

// Canned ACLs that open a bucket beyond its account, in S3's spelling.
const (
	ACLPublicRead        = "public-read"
	ACLPublicReadWrite   = "public-read-write"
	ACLAuthenticatedRead = "authenticated-read"
)
