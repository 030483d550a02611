package model

// FlowPolicy is the data-flow policy an application must keep (the flows
// and boundaries sections of nightlight.yaml): flows that must not exist,
// the exceptions allowed to them, and trust boundaries between groups of
// functions. The graph checks it (graph.CheckFlows).
type FlowPolicy struct {
	Flows Flows
	// Boundaries are trust boundaries between groups of functions.
	Boundaries []Boundary
}

// Flows are denied flows and the exceptions allowed to them.
type Flows struct {
	// Deny lists flows that must not exist.
	Deny []FlowRule `yaml:"deny"`
	// Allow lists flows that are fine even when a Deny rule matches them.
	Allow []FlowRule `yaml:"allow"`
}

// Flow kinds: what "from reaches to" means for a rule.
const (
	// FlowData: data held by From (a store's contents, a function's
	// results) can flow to To — through reads, writes, invocations and
	// the responses of synchronous invocations. The default.
	FlowData = "data"
	// FlowReach: From can invoke, write, manage or read To, transitively.
	FlowReach = "reach"
	// FlowWrite: From can, transitively, make something write or manage
	// To.
	FlowWrite = "write"
)

// FlowRule is one flow: from a selector to a selector.
//
// Selectors: "internet" (or "anonymous"), "api-key", "authenticated",
// "account" (other AWS accounts), "function:GLOB", "store:GLOB",
// "group:NAME", "class:NAME", "principal:…" (a principal node ID suffix),
// or a bare word, read as a classification if some store has it, else a
// store ID glob, else a function ID glob, else a group name.
type FlowRule struct {
	// Name is shown in violations; "" uses "deny #N".
	Name string `yaml:"name"`
	From string `yaml:"from"`
	To   string `yaml:"to"`
	// Kind is FlowData (default), FlowReach or FlowWrite.
	Kind string `yaml:"kind"`
	// Reason explains the rule, for the finding's message.
	Reason string `yaml:"reason"`
	Pos    Pos    `yaml:"-"`
}

// Boundary is a trust boundary: no function of one group may reach a
// function of another group of the list (invoke it, or write to a store
// that triggers it), except through Allow rules.
type Boundary struct {
	Name   string   `yaml:"name"`
	Groups []string `yaml:"groups"`
	Pos    Pos      `yaml:"-"`
}
