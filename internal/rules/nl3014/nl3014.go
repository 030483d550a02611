// Package nl3014 is rule NL3014: Broad AWS managed policy attached.
//
// It reports execution roles with AWS managed policies that grant
// administrator or whole-service access (AdministratorAccess,
// PowerUserAccess, IAMFullAccess, *FullAccess), once per role with every
// such policy named. A role that can escalate its privileges is left to
// NL3005, which names these policies in its one finding.
package nl3014

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3014.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3014",
		Title:      "Broad AWS managed policy attached",
		Category:   rule.IAM,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust: []rule.Adjustment{
			{Severity: rule.Medium, When: "when every such policy covers only CloudWatch Logs or X-Ray (CloudWatchLogsFullAccess, AWSXrayFullAccess): it reads and deletes the account's logs and traces, not its data stores"},
			{Severity: rule.Medium, When: "when no entry point, trigger or other function reaches the functions using the role: only principals of the account can run them"},
			{Severity: rule.Medium, When: "when no function uses the role and only AWS services (other than Lambda) can assume it: using its permissions takes someone allowed to pass the role to that service"},
		},
		Doc: rule.Doc{
			Description: "AWS managed policies such as AdministratorAccess, PowerUserAccess or AmazonS3FullAccess grant every action of one or all services on every resource. They are convenient while prototyping and far more than a function needs; they also change when AWS adds actions.",
			Bad: `ManagedPolicyArns:
  - arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess`,
			Good: `Policies:
  - DynamoDBCrudPolicy: {TableName: !Ref Orders}`,
			Remediation: "Replace the managed policy with a policy that lists the actions and resources the function uses (SAM policy templates are a quick way).",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, r := range p.Stack.Roles {
		names, pos := kit.BroadManaged(r)
		if len(names) == 0 || kit.Escalates(ctx, p, r.ID) {
			continue // NL3005 reports the role once, these policies named
		}
		who := "role " + r.ID
		sev, why := severity(p.Rule.Severity, names)
		if users := p.Facts.RoleUsers(r.ID); len(users) > 0 {
			var ids []string
			for _, fn := range users {
				ids = append(ids, fn.ID)
			}
			who = kit.Who(ids) + " (role " + r.ID + ")"
			if why == "" {
				sev, why = kit.Reachability(p, sev, ids)
			}
		} else if svcs := serviceOnly(r); len(svcs) > 0 && why == "" {
			sev = kit.Lower(sev)
			why = fmt.Sprintf(" (severity lowered from %s: no function uses the role and only %s can assume it, so using these permissions takes someone allowed to pass the role to that service)", p.Rule.Severity, strings.Join(svcs, ", "))
		}
		if len(names) == 1 {
			report(p, pos[0], r.ID, sev, fmt.Sprintf("%s has the AWS managed policy %s, which grants %s%s", who, names[0], what(names[0]), why))
			continue
		}
		var parts []string
		for _, n := range names {
			parts = append(parts, n+" ("+what(n)+")")
		}
		report(p, pos[0], r.ID, sev, fmt.Sprintf("%s has %d broad AWS managed policies: %s%s", who, len(names), strings.Join(parts, "; "), why))
	}
	return nil
}

func report(p *rule.Pass, pos model.Pos, res string, sev rule.Severity, msg string) {
	f := rule.Finding{Resource: res, Severity: sev, Message: msg}
	f.At(pos)
	p.Report(f)
}

// observability holds the managed policies whose whole-service access is
// to CloudWatch Logs or X-Ray only: the account's logs and traces (which
// may hold data a function logged), not its stores, queues or keys.
// serviceOnly returns the AWS services a role's trust policy lets assume
// it, sorted, when they are all it trusts and Lambda is not among them
// (a Lambda role no function of the stack uses may serve functions
// deployed elsewhere); nil otherwise.
func serviceOnly(r *model.Role) []string {
	if r.External || !r.Trust.Known() {
		return nil
	}
	gs, err := iam.TrustGrants(r.Trust)
	if err != nil || len(gs) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, g := range gs {
		if g.Kind != iam.TrustService || strings.EqualFold(g.Principal, "lambda.amazonaws.com") {
			return nil
		}
		if !seen[g.Principal] {
			seen[g.Principal] = true
			out = append(out, g.Principal)
		}
	}
	sort.Strings(out)
	return out
}

var observability = map[string]bool{
	"CloudWatchLogsFullAccess": true,
	"AWSXrayFullAccess":        true,
}

// severity is def, one level lower when every policy is in observability.
func severity(def rule.Severity, names []string) (rule.Severity, string) {
	for _, n := range names {
		if !observability[n] {
			return def, ""
		}
	}
	return kit.Lower(def), " (severity lowered from " + string(def) + ": CloudWatch Logs and X-Ray only, so it reads and deletes the account's logs and traces, not its data stores)"
}

func what(name string) string {
	switch name {
	case "AdministratorAccess":
		return "every action on every resource in the account"
	case "PowerUserAccess":
		return "every action except IAM and Organizations management"
	}
	return "every action of the service on every resource"
}
