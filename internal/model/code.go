package model

// Formats of handler source files, as listed among a report's inputs.
const (
	FormatPython     Format = "python"
	FormatJavaScript Format = "javascript"
	FormatTypeScript Format = "typescript"
	FormatGo         Format = "go"
	FormatJava       Format = "java"
)

// Code is what nightlight read from a function's handler source: the files
// it analysed, the packages they import, the flows of outside data into
// dangerous calls, and the AWS SDK calls made. A nil *Code on a Function
// means the code was not read (not found, not analysable in this build, a
// container image, a committed zip, …); Function diagnostics then say why.
type Code struct {
	// Language is the source language: FormatPython, FormatJavaScript,
	// FormatTypeScript, FormatGo or FormatJava.
	Language Format `json:"language"`
	// Entry is the display path of the handler module; Handler the name of
	// the function in it that the platform calls.
	Entry   string `json:"entry"`
	Handler string `json:"handler"`
	// HandlerPos is where the handler function is defined, or the zero Pos
	// when the module does not define it.
	HandlerPos Pos `json:"handlerPos"`
	// Files lists the display paths of every source file analysed for the
	// function: Entry and the local modules it imports, sorted.
	Files []string `json:"files"`
	// Imports lists the third-party packages the function's code imports
	// (local modules and standard libraries excluded), sorted by ecosystem
	// and package.
	Imports []Import `json:"imports,omitempty"`
	// Flows are paths from event data an outsider controls (or from an
	// error's stack trace) to a dangerous operation, sorted by sink
	// position.
	Flows []Flow `json:"flows,omitempty"`
	// Calls are the AWS SDK operations the code makes, sorted by position.
	Calls []SDKCall `json:"calls,omitempty"`
	// Strings are string constants of the code that look like credentials
	// (assigned to a credential-like name or matching a key format), for
	// the secret rules; they are redacted before output.
	Strings []CodeString `json:"strings,omitempty"`
	// Checks are the calls, in code the handler reaches, that verify who is
	// calling (a webhook signature, a token), sorted by position.
	Checks []CallerCheck `json:"checks,omitempty"`
	// Partial is true when part of the code could not be followed
	// (syntax errors, dynamic imports, files skipped, the analysis budget,
	// SDK request contents built at run time): absent flows and calls are
	// then not proof of absence.
	Partial bool `json:"partial,omitempty"`
	// DeployedBy lists the functions of other stacks that deploy this same
	// code: the Terraform Azure function apps whose package is built from
	// the Azure Functions project this function belongs to, sorted. The
	// code's findings are reported once per deployment, on those
	// functions, and not a second time on this one.
	DeployedBy []FunctionRef `json:"deployedBy,omitempty"`
}

// FunctionRef names a function of a stack.
type FunctionRef struct {
	Stack    string `json:"stack"`
	Function string `json:"function"`
}

// Import is one third-party package imported by a function's code.
type Import struct {
	// Ecosystem is "npm", "PyPI", "Go" or "Maven", spelt as OSV spells
	// ecosystems.
	Ecosystem string `json:"ecosystem"`
	// Package is the npm package name (with its scope, "@aws-sdk/client-s3");
	// for Python, the top-level module name as imported ("yaml", "jwt"),
	// which may differ from the distribution name (PyYAML, PyJWT); for Go,
	// the module that provides the imported package (the longest module
	// go.mod requires that prefixes it); for Java, the Java package
	// imported ("software.amazon.awssdk.services.s3": a Java import does
	// not name its Maven groupId:artifactId).
	Package string `json:"package"`
	// Module is the module as written ("lodash/merge", "requests.adapters").
	Module string `json:"module"`
	// Pos is the first import site.
	Pos Pos `json:"pos"`
}

// FlowKind is the kind of dangerous operation a flow reaches.
type FlowKind string

// Flow kinds.
const (
	FlowCommand     FlowKind = "command"         // OS command execution through a shell
	FlowEval        FlowKind = "eval"            // dynamic code evaluation
	FlowDeserialize FlowKind = "deserialize"     // unsafe deserialization
	FlowSQL         FlowKind = "sql"             // a SQL statement built from the data
	FlowSSRF        FlowKind = "ssrf"            // an outbound request to a URL the data controls
	FlowPath        FlowKind = "path"            // a file path the data controls
	FlowTemplate    FlowKind = "template"        // a server-side template compiled from the data
	FlowStackTrace  FlowKind = "stack-trace"     // an error's stack trace returned to the caller
	FlowPublicWrite FlowKind = "public-object"   // an object written with a public canned ACL
	FlowRedirect    FlowKind = "redirect"        // reserved: an open redirect
	FlowOther       FlowKind = "other-sensitive" // reserved
)

// Flow is one path from a source (event data an outsider controls, or an
// error's stack trace) to a sink.
type Flow struct {
	Kind FlowKind `json:"kind"`
	// Source describes the origin ("API query string (event.queryStringParameters)"),
	// Sink the operation ("subprocess.run with shell=True").
	Source string `json:"source"`
	Sink   string `json:"sink"`
	// Trigger is the kind of event that delivers the source: an entry
	// point kind ("route", "function-url") or a trigger kind ("s3", "sqs").
	Trigger string `json:"trigger,omitempty"`
	// Steps are the positions from the source to the sink, in order; the
	// first is the source, the last the sink.
	Steps []FlowStep `json:"steps"`
	// Certain is false when the flow passes through something the analysis
	// cannot follow (a call into unknown code, a dynamic attribute).
	Certain bool `json:"certain"`
}

// SinkPos returns the position of the flow's sink.
func (f *Flow) SinkPos() Pos {
	if len(f.Steps) == 0 {
		return Pos{}
	}
	return f.Steps[len(f.Steps)-1].Pos
}

// FlowStep is one position on a flow and what happens there.
type FlowStep struct {
	Pos  Pos    `json:"pos"`
	Note string `json:"note"`
}

// SDKCall is one AWS SDK operation made by the code.
type SDKCall struct {
	// Service is the IAM service prefix ("dynamodb", "s3"); Operation the
	// API operation ("PutItem"); Actions the IAM actions it needs
	// ("dynamodb:PutItem"), usually one.
	Service   string   `json:"service"`
	Operation string   `json:"operation"`
	Actions   []string `json:"actions"`
	// Resource is the ID of the store in the stack the call targets, when
	// the code names it through an environment variable the template
	// links to that store; Env is that variable's name.
	Resource string `json:"resource,omitempty"`
	Env      string `json:"env,omitempty"`
	// Name is the resource's name when the code gives it as a constant
	// (a DynamoDBMapper class's @DynamoDBTable tableName); Resource is
	// then the store of the stack with that name, if any.
	Name string `json:"name,omitempty"`
	// Pos is the call site.
	Pos Pos `json:"pos"`
}

// CodeString is a string constant in handler code that may be a
// credential.
type CodeString struct {
	// Name is the variable, key or argument the string is assigned to, or
	// "" when it stands alone.
	Name  string `json:"name,omitempty"`
	Value string `json:"value"`
	Pos   Pos    `json:"pos"`
}

// CheckKind is what a caller check verifies.
type CheckKind string

// Check kinds.
const (
	CheckSignature CheckKind = "signature" // a request signature or HMAC compared in constant time
	CheckToken     CheckKind = "token"     // a token (JWT, ID token) verified against a key
)

// CallerCheck is a call in a function's code that verifies who is calling:
// the function authenticates requests itself.
type CallerCheck struct {
	Kind CheckKind `json:"kind"`
	// Call names the library call ("jsonwebtoken.verify()").
	Call string `json:"call"`
	Pos  Pos    `json:"pos"`
}
