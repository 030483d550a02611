// Package rule holds the rule framework: what a rule is, the findings it
// reports, and running a list of rules over a loaded application.
package rule

import (
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Category groups findings by the question they answer.
type Category string

// Categories, as in the JSON report contract.
const (
	AttackSurface  Category = "attack-surface"
	DataFlow       Category = "data-flow"
	IAM            Category = "iam"
	Misconfig      Category = "misconfig"
	Secrets        Category = "secrets"
	DenialOfWallet Category = "denial-of-wallet"
	Dependency     Category = "dependency"
	Code           Category = "code"
	Drift          Category = "drift"
)

// Severity ranks a finding.
type Severity string

// Severities, lowest first.
const (
	Info     Severity = "info"
	Low      Severity = "low"
	Medium   Severity = "medium"
	High     Severity = "high"
	Critical Severity = "critical"
)

// Rank orders severities: info 0 … critical 4; unknown -1.
func (s Severity) Rank() int {
	switch s {
	case Info:
		return 0
	case Low:
		return 1
	case Medium:
		return 2
	case High:
		return 3
	case Critical:
		return 4
	}
	return -1
}

// Confidence says how sure a finding is. It is model.Confidence, the one
// confidence type that the IAM engine and the graph use too; the
// constants are repeated here so that rules read rule.ConfidenceHigh.
type Confidence = model.Confidence

// Confidence levels (model's).
const (
	ConfidenceHigh   = model.ConfidenceHigh
	ConfidenceMedium = model.ConfidenceMedium
	ConfidenceLow    = model.ConfidenceLow
)

// Finding is one result of one rule.
type Finding struct {
	Rule       string     `json:"rule"`
	Category   Category   `json:"category"`
	Severity   Severity   `json:"severity"`
	Confidence Confidence `json:"confidence"`
	// Resource is the logical ID / Terraform address / function key as
	// written in the source.
	Resource string `json:"resource"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Message  string `json:"message"`
	// Remediation says how to fix it.
	Remediation string `json:"remediation"`
	// Path is the chain of graph nodes that makes the finding matter
	// (entry point → function → store), empty when the finding is local.
	// In JSON each node is its ID's text form.
	Path []graph.NodeID `json:"path"`
	// Stack is the ID of the stack the finding is in.
	Stack string `json:"stack,omitempty"`
	// Col is the column of the offending value, when known.
	Col int `json:"col,omitempty"`
	// CostPerHour is the worst-case spend in USD per hour, for
	// denial-of-wallet findings (0 otherwise).
	CostPerHour float64 `json:"costPerHour,omitempty"`
	// Fingerprint identifies the finding across runs for baselines.
	Fingerprint string `json:"fingerprint,omitempty"`
}

// At sets the finding's file, line and column from pos.
func (f *Finding) At(pos model.Pos) {
	f.File, f.Line, f.Col = pos.File, pos.Line, pos.Col
}
