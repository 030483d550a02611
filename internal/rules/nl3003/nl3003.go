// Package nl3003 is rule NL3003: Data actions allowed on every resource.
//
// It reports data actions (reads and writes) granted on Resource "*"
// although they can be limited to resource ARNs.
package nl3003

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3003.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3003",
		Title:      "Data actions allowed on every resource",
		Category:   rule.IAM,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust:     kit.Reached(rule.Medium),
		Doc: rule.Doc{
			Description: "Actions such as s3:GetObject or dynamodb:PutItem can be limited to specific ARNs. Granting them on Resource \"*\" lets the function read or write every bucket, table or queue in the account, not only its own. The log-writing actions every function needs (logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents), which AWS's own AWSLambdaBasicExecutionRole grants on \"*\", are not reported; nor are the network-interface actions (ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface, …) that AWSLambdaVPCAccessExecutionRole grants on \"*\", for functions attached to a VPC or triggered by an event source inside one (Amazon MQ, MSK, self-managed Kafka, DocumentDB). Reading secrets and parameters (NL3007) and kms:Decrypt on every key (NL3008) are left to those rules.",
			Bad: `- Effect: Allow
  Action: [s3:GetObject, s3:PutObject]
  Resource: "*"`,
			Good: `- Effect: Allow
  Action: [s3:GetObject, s3:PutObject]
  Resource: !Sub "${Uploads.Arn}/*"`,
			Remediation: "Scope the statement to the ARNs of the resources the function uses.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.Flags(ctx, p, iam.FlagWildcardResource) {
		if f.Managed || !keep(ctx, p, f) {
			continue
		}
		f.Actions = without(withoutBasicLogging(f.Actions), specific(ctx, p, f))
		if inVPC(p.Stack, f.Functions) {
			f.Actions = without(f.Actions, vpcNetworking)
		}
		if len(f.Actions) == 0 {
			continue
		}
		kit.ReportFlag(p, f, fmt.Sprintf("%s has Resource %q on data actions that can be limited to specific resources (%s): it can touch every such resource in the account, not only its own", kit.Who(f.Functions), f.Resource, kit.Actions(f.Actions, 5)))
	}
	return nil
}

func keep(ctx context.Context, p *rule.Pass, f kit.RoleFlag) bool { return !kit.Broader(ctx, p, f) }

// specific returns the actions of f's statement and resource that a more
// specific rule reports, in lower case: reading secrets or parameters on a
// wildcard (NL3007) and kms:Decrypt on every key (NL3008). One grant, one
// finding: the rule that says what the action exposes.
func specific(ctx context.Context, p *rule.Pass, f kit.RoleFlag) map[string]bool {
	out := map[string]bool{}
	for _, k := range []iam.FlagKind{iam.FlagSecretsRead, iam.FlagKMSDecryptAny} {
		for _, o := range kit.Flags(ctx, p, k) {
			if o.Managed || o.Role != f.Role || o.Statement != f.Statement || o.Resource != f.Resource {
				continue
			}
			if k == iam.FlagSecretsRead && !kit.WildcardSecrets(o) {
				continue // NL3007 reports wildcards only
			}
			for _, a := range o.Actions {
				out[strings.ToLower(a)] = true
			}
		}
	}
	return out
}

// basicLogging are the actions AWS's own AWSLambdaBasicExecutionRole
// grants on Resource "*": a function writing its logs. Written inline they
// grant nothing more than the managed policy every function has, so they
// are not reported (reading logs, logs:GetLogEvents, still is).
var basicLogging = map[string]bool{"logs:createloggroup": true, "logs:createlogstream": true, "logs:putlogevents": true}

// vpcNetworking are the actions Lambda performs with the function's role
// to place network interfaces in a VPC's subnets, for a function attached
// to the VPC or for an event source mapping that polls a broker inside one
// (Amazon MQ, MSK or self-managed Kafka, DocumentDB). AWS's own
// AWSLambdaVPCAccessExecutionRole, and the event sources' documented
// permissions, grant them on Resource "*": for such functions they are
// reported no more than the managed policy is.
var vpcNetworking = map[string]bool{
	"ec2:createnetworkinterface": true, "ec2:deletenetworkinterface": true, "ec2:describenetworkinterfaces": true,
	"ec2:assignprivateipaddresses": true, "ec2:unassignprivateipaddresses": true,
	"ec2:describesubnets": true, "ec2:describesecuritygroups": true, "ec2:describevpcs": true,
}

// inVPC reports whether every one of the functions needs VPC networking:
// it is attached to a VPC, or an event source inside a VPC triggers it.
func inVPC(st *model.Stack, fns []string) bool {
	if len(fns) == 0 {
		return false
	}
	polled := map[string]bool{}
	for _, t := range st.Triggers {
		switch t.Kind {
		case model.TriggerMQ, model.TriggerKafka, model.TriggerDocumentDB:
			polled[t.Function] = true
		}
	}
	for _, id := range fns {
		fn := st.Function(id)
		if fn == nil || fn.VPC == nil && !polled[id] {
			return false
		}
	}
	return true
}

// withoutBasicLogging returns acts without the basic logging actions.
func withoutBasicLogging(acts []string) []string { return without(acts, basicLogging) }

// without returns acts without those in drop (keys lower case).
func without(acts []string, drop map[string]bool) []string {
	var out []string
	for _, a := range acts {
		if !drop[strings.ToLower(a)] {
			out = append(out, a)
		}
	}
	return out
}
