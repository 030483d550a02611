package model

import "sort"

// Format names the kind of declaration a stack was loaded from.
type Format string

// The input formats nightlight loads.
const (
	FormatCloudFormation Format = "cloudformation"
	FormatSAM            Format = "sam"
	FormatServerless     Format = "serverless"
	FormatTerraform      Format = "terraform"
	FormatTerraformPlan  Format = "terraform-plan"
	// FormatAzureFunctions is an Azure Functions project: host.json, one
	// function.json per function or code-first registrations, and
	// local.settings.json.
	FormatAzureFunctions Format = "azure-functions"
	// FormatARM is an Azure Resource Manager (ARM) JSON template.
	FormatARM Format = "arm"
	// FormatWskdeploy is an Apache OpenWhisk wskdeploy manifest.
	FormatWskdeploy Format = "wskdeploy"
	// FormatFirebase is a Firebase project (firebase.json and its
	// functions source).
	FormatFirebase Format = "firebase"
)

// Provider names the cloud a stack deploys to.
type Provider string

// The providers nightlight models.
const (
	AWS       Provider = "aws"
	Azure     Provider = "azure"
	Google    Provider = "google"
	OpenWhisk Provider = "openwhisk"
	// AnyProvider in a rule's platform list means the rule judges the
	// model alone and applies to every provider.
	AnyProvider Provider = "*"
)

// Platform returns the provider the stack deploys to, reading "" as AWS
// (CloudFormation, SAM and AWS Terraform leave it empty or set it to AWS).
func (s *Stack) Platform() Provider {
	if s == nil || s.Provider == "" {
		return AWS
	}
	return s.Provider
}

// App is everything nightlight loaded from one scan: one Stack per
// deployable unit (a template, a serverless.yml, a Terraform root module).
type App struct {
	// Root is the scanned path as given on the command line (first one when
	// several were given).
	Root   string   `json:"root"`
	Stacks []*Stack `json:"stacks"`
	// VulnDB describes the offline vulnerability database the dependency
	// analysis used, or is nil when it had none (or found no dependency).
	VulnDB *VulnDB `json:"vulnDb,omitempty"`
}

// Stack returns the stack with the given ID, or nil.
func (a *App) Stack(id string) *Stack {
	if a == nil || id == "" {
		return nil
	}
	for _, st := range a.Stacks {
		if st != nil && st.ID == id {
			return st
		}
	}
	return nil
}

// Stack is one deployable unit and the typed objects declared in it. IDs of
// objects are unique within a stack: CloudFormation logical IDs, Terraform
// addresses, Serverless function keys.
type Stack struct {
	// ID names the stack: its file or directory relative to the scan root.
	ID       string   `json:"id"`
	File     string   `json:"file"`
	Format   Format   `json:"format"`
	Provider Provider `json:"provider"`
	// Name is the stack, service or module name when the input declares one.
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`

	Parameters       []*Parameter      `json:"parameters,omitempty"`
	Resources        []*Resource       `json:"resources,omitempty"`
	Functions        []*Function       `json:"functions,omitempty"`
	Roles            []*Role           `json:"roles,omitempty"`
	Policies         []*Policy         `json:"policies,omitempty"`
	Users            []*User           `json:"users,omitempty"`
	AccessKeys       []*AccessKey      `json:"accessKeys,omitempty"`
	Groups           []*Group          `json:"groups,omitempty"`
	APIs             []*API            `json:"apis,omitempty"`
	EntryPoints      []*EntryPoint     `json:"entryPoints,omitempty"`
	Triggers         []*Trigger        `json:"triggers,omitempty"`
	Stores           []*Store          `json:"stores,omitempty"`
	ResourcePolicies []*ResourcePolicy `json:"resourcePolicies,omitempty"`
	Outputs          []*Output         `json:"outputs,omitempty"`
	// Bindings are data accesses functions declare outside any policy
	// (Azure Functions input/output bindings, …).
	Bindings []*Binding `json:"bindings,omitempty"`
	// UserPools and IdentityPools are the Cognito identity settings of the
	// stack (see identity.go).
	UserPools     []*UserPool     `json:"userPools,omitempty"`
	IdentityPools []*IdentityPool `json:"identityPools,omitempty"`
	// Includes lists the display paths of other files and directories whose
	// content this stack takes in (Terraform local child modules), so that a
	// scan does not also report them as stacks of their own.
	Includes []string `json:"includes,omitempty"`
	// Diagnostics are problems the loader found that did not stop it:
	// unresolvable references, unknown intrinsics inside a value, files
	// referenced but not read, …
	Diagnostics []Diagnostic `json:"diagnostics,omitempty"`
	// Suppressions are nightlight:ignore comments and Metadata found in the
	// input, for the rule engine to apply.
	Suppressions []Suppression `json:"suppressions,omitempty"`
	// Unrendered names the template engine when the input is itself a
	// template still to be rendered ("cookiecutter/Jinja": a template of
	// a template, with {{cookiecutter.…}} placeholders and {% … %}
	// blocks): its values stand for choices made later, so findings on it
	// carry low confidence. "" for a deployable input.
	Unrendered string `json:"unrendered,omitempty"`
}

// Severity of a loader diagnostic.
type DiagSeverity string

// Diagnostic severities.
const (
	DiagError   DiagSeverity = "error"
	DiagWarning DiagSeverity = "warning"
	DiagInfo    DiagSeverity = "info"
)

// Diagnostic is a positioned message from a loader.
type Diagnostic struct {
	Pos      Pos          `json:"pos"`
	Severity DiagSeverity `json:"severity"`
	Message  string       `json:"message"`
}

// String formats the diagnostic as file:line:col: message.
func (d Diagnostic) String() string { return d.Pos.String() + ": " + d.Message }

// Suppression is an instruction in the input to ignore a rule: a
// `# nightlight:ignore NL4003 reason` comment or CloudFormation Metadata.
type Suppression struct {
	Pos Pos `json:"pos"`
	// Rules lists the rule IDs suppressed; empty means all rules.
	Rules []string `json:"rules,omitempty"`
	// Resource is the ID of the resource the suppression applies to, or ""
	// when it applies to the line at Pos (and the lines of the value below
	// it).
	Resource string `json:"resource,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// Parameter is a template parameter or input variable.
type Parameter struct {
	ID      string `json:"id"`
	Pos     Pos    `json:"pos"`
	Type    string `json:"type,omitempty"`
	Default *Value `json:"default,omitempty"`
	// Value is the value in effect: an override from the command line, the
	// default, or a symbol.
	Value  *Value `json:"value,omitempty"`
	NoEcho bool   `json:"noEcho,omitempty"`
}

// Output is a stack output or export.
type Output struct {
	ID     string `json:"id"`
	Pos    Pos    `json:"pos"`
	Value  *Value `json:"value,omitempty"`
	Export *Value `json:"export,omitempty"`
}

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value *Value `json:"value"`
}

// Resource is one declared resource as written, whatever its type, so that
// nothing is dropped: typed objects (Function, Store, …) point back to it by
// ID, and resources of unknown types are only here.
type Resource struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Pos  Pos    `json:"pos"`
	// Properties holds the resolved properties (CloudFormation shape for
	// CFN/SAM/Serverless, attribute map for Terraform).
	Properties *Value `json:"properties,omitempty"`
	Metadata   *Value `json:"metadata,omitempty"`
	// Condition is the CloudFormation condition guarding the resource, if
	// any; ConditionValue records whether it could be decided.
	Condition string `json:"condition,omitempty"`
	// Generated is the ID of the declaration this resource was generated
	// from (a SAM function's implicit role, a Serverless function's log
	// group), or "" for resources written in the input.
	Generated string `json:"generated,omitempty"`
	Tags      []Tag  `json:"tags,omitempty"`
}

// ByID returns the resource with the given ID, or nil.
func (s *Stack) ByID(id string) *Resource {
	for _, r := range s.Resources {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Function returns the function with the given ID, or nil.
func (s *Stack) Function(id string) *Function {
	for _, f := range s.Functions {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// EntryPoint returns the entry point with the given ID, or nil.
func (s *Stack) EntryPoint(id string) *EntryPoint {
	for _, ep := range s.EntryPoints {
		if ep.ID == id {
			return ep
		}
	}
	return nil
}

// Role returns the role with the given ID, or nil.
func (s *Stack) Role(id string) *Role {
	for _, r := range s.Roles {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// User returns the user with the given ID, or nil.
func (s *Stack) User(id string) *User {
	for _, u := range s.Users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// Group returns the group with the given ID, or nil.
func (s *Stack) Group(id string) *Group {
	for _, g := range s.Groups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

// Store returns the store with the given ID, or nil.
func (s *Stack) Store(id string) *Store {
	for _, st := range s.Stores {
		if st.ID == id {
			return st
		}
	}
	return nil
}

// API returns the API with the given ID, or nil.
func (s *Stack) API(id string) *API {
	for _, a := range s.APIs {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// Sort orders every list in the stack by ID (then position), so that output
// is deterministic whatever order a loader produced.
func (s *Stack) Sort() {
	sort.SliceStable(s.Parameters, func(i, j int) bool { return s.Parameters[i].ID < s.Parameters[j].ID })
	sort.SliceStable(s.Resources, func(i, j int) bool { return s.Resources[i].ID < s.Resources[j].ID })
	sort.SliceStable(s.Functions, func(i, j int) bool { return s.Functions[i].ID < s.Functions[j].ID })
	sort.SliceStable(s.Roles, func(i, j int) bool { return s.Roles[i].ID < s.Roles[j].ID })
	sort.SliceStable(s.Policies, func(i, j int) bool { return s.Policies[i].ID < s.Policies[j].ID })
	sort.SliceStable(s.Users, func(i, j int) bool { return s.Users[i].ID < s.Users[j].ID })
	sort.SliceStable(s.AccessKeys, func(i, j int) bool { return s.AccessKeys[i].ID < s.AccessKeys[j].ID })
	sort.SliceStable(s.Groups, func(i, j int) bool { return s.Groups[i].ID < s.Groups[j].ID })
	sort.SliceStable(s.APIs, func(i, j int) bool { return s.APIs[i].ID < s.APIs[j].ID })
	sort.SliceStable(s.EntryPoints, func(i, j int) bool { return s.EntryPoints[i].ID < s.EntryPoints[j].ID })
	sort.SliceStable(s.Triggers, func(i, j int) bool { return s.Triggers[i].ID < s.Triggers[j].ID })
	sort.SliceStable(s.Stores, func(i, j int) bool { return s.Stores[i].ID < s.Stores[j].ID })
	sort.SliceStable(s.ResourcePolicies, func(i, j int) bool { return s.ResourcePolicies[i].ID < s.ResourcePolicies[j].ID })
	sort.SliceStable(s.Outputs, func(i, j int) bool { return s.Outputs[i].ID < s.Outputs[j].ID })
	sort.SliceStable(s.Bindings, func(i, j int) bool { return s.Bindings[i].ID < s.Bindings[j].ID })
	sort.SliceStable(s.UserPools, func(i, j int) bool { return s.UserPools[i].ID < s.UserPools[j].ID })
	sort.SliceStable(s.IdentityPools, func(i, j int) bool { return s.IdentityPools[i].ID < s.IdentityPools[j].ID })
	for _, u := range s.UserPools {
		sort.SliceStable(u.Clients, func(i, j int) bool { return u.Clients[i].ID < u.Clients[j].ID })
	}
	s.SortDiagnostics()
	sort.SliceStable(s.Suppressions, func(i, j int) bool { return s.Suppressions[i].Pos.Before(s.Suppressions[j].Pos) })
}

// SortDiagnostics puts the stack's diagnostics in position order, as Sort
// does, touching nothing else (a reader of the rest of the stack may run
// meanwhile).
func (s *Stack) SortDiagnostics() {
	sort.SliceStable(s.Diagnostics, func(i, j int) bool { return s.Diagnostics[i].Pos.Before(s.Diagnostics[j].Pos) })
}
