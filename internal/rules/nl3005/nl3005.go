// Package nl3005 is rule NL3005: Principal can escalate its privileges.
//
// It reports, once per IAM principal of the application (a role whatever
// uses it, a user, a group without members in the app, a customer-managed
// policy attached to nothing), the privilege-escalation paths it holds
// that reach something really stronger: administrator (it can grant
// itself any permission), any role, user or function of the account (a
// wildcard), or a specific more privileged principal of the app. A
// principal that is already administrator gets no finding here (NL3001 or
// NL3014 reports it).
package nl3005

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3005.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3005",
		Title:      "Principal can escalate its privileges",
		Category:   rule.IAM,
		Severity:   rule.Critical,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust: []rule.Adjustment{
			{Severity: rule.High, When: "when the strongest path reaches any principal of a kind in the account (a wildcard), not administrator"},
			{Severity: rule.High, When: "when the path reaches administrator but no entry point, trigger or other function reaches the functions running with the principal, or no function runs with it at all (a role of another service, a user, a group, a policy attached to nothing): using it takes a foothold in the principal first"},
			{Severity: rule.Medium, When: "when the strongest path reaches a specific, stronger principal of the application, or any principal of a kind while nothing reaches the functions using the role"},
			{Severity: rule.Low, When: "when the strongest path reaches a specific, stronger principal of the application and nothing reaches the functions using the role"},
		},
		Doc: rule.Doc{
			Description: "Some permissions let a principal grant itself more: writing an inline policy on its own role, creating a new default version of a policy attached to it, passing a more powerful role to a new Lambda function and invoking it, replacing the code of a function that runs with a stronger role. nightlight checks the known escalation paths (iam:Put*/Attach*/CreatePolicyVersion/SetDefaultPolicyVersion/boundary, access keys and login profiles, AddUserToGroup, UpdateAssumeRolePolicy, iam:PassRole with Lambda, EC2, ECS, Glue, CloudFormation, Data Pipeline, CodeBuild, SageMaker, Step Functions, App Runner and Auto Scaling, lambda:UpdateFunctionCode and layer injection, glue:UpdateDevEndpoint, SageMaker presigned notebook URLs, SSM commands, EC2 Instance Connect, sts:AssumeRole) for every role, user, group and standalone policy, counts a path only where its action applies to the resource type (glue:* on one job is not glue:UpdateDevEndpoint) and where the target is really stronger, and reports each principal once with all its paths. Severity follows what is reachable: critical for administrator, high for any principal of a kind in the account, medium for a specific stronger principal of the app.",
			Bad: `- Effect: Allow
  Action: [iam:PassRole, lambda:CreateFunction, lambda:InvokeFunction]
  Resource: "*"`,
			Good: `- Effect: Allow
  Action: lambda:InvokeFunction
  Resource: !GetAtt Worker.Arn`,
			Remediation: "Remove one step of each path (usually iam:PassRole on \"*\" or the iam:Put*/Attach* action), scope iam:PassRole to the specific roles with an iam:PassedToService condition, and never let a principal write its own policies.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	an := p.Facts.IAM(ctx)
	if an == nil {
		return nil
	}
	for _, a := range an.Principals {
		// Groups with members are reported by each member, with its own
		// paths; a principal whose one path is sts:AssumeRole on "*" by
		// NL3016.
		if !kit.EscalationReported(a) {
			continue
		}
		report(p, a)
	}
	return nil
}

// maxListed bounds the paths spelled out in one message.
const maxListed = 6

func report(p *rule.Pass, a *iam.Actor) {
	r := a.Reach
	sev := rule.Critical
	switch r.Level {
	case iam.ReachAny:
		sev = rule.High
	case iam.ReachPrincipal:
		sev = rule.Medium
	}
	sev, why := exposure(p, a, sev)
	conf := rule.ConfidenceHigh
	if r.Conditional {
		conf = rule.ConfidenceMedium
	}
	var list []string
	for i, x := range r.Paths {
		if i == maxListed {
			list = append(list, fmt.Sprintf("and %d more", len(r.Paths)-maxListed))
			break
		}
		list = append(list, fmt.Sprintf("(%d) %s", i+1, x))
	}
	who := a.Describe()
	if a.Kind == iam.PolicyPrincipal {
		who = "customer-managed policy " + a.ID + " (attached to nothing in the app) would let whoever holds it"
	} else {
		who += " can"
	}
	msg := fmt.Sprintf("%s reach %s: %s", who, r.Summary(), strings.Join(list, "; "))
	if a.Kind == iam.PolicyPrincipal {
		msg = strings.Replace(msg, " can reach ", " reach ", 1)
	}
	if a.Kind == iam.RolePrincipal {
		if names, _ := kit.BroadManaged(p.Stack.Role(a.ID)); len(names) > 0 {
			// NL3014 stays silent on an escalating role: say it here.
			msg += fmt.Sprintf("; it also holds the broad AWS managed %s %s", kit.Plural(len(names), "policy", "policies"), strings.Join(names, ", "))
		}
	}
	msg += why
	pos := a.Pos
	for _, x := range r.Paths {
		if x.Level != r.Level {
			continue
		}
		for _, s := range x.Statements {
			if s.File == p.Stack.File && s.Line > 0 {
				pos = model.Pos{File: s.File, Line: s.Line}
				break
			}
		}
		if pos != a.Pos {
			break
		}
	}
	f := rule.Finding{Resource: a.ID, Severity: sev, Confidence: conf, Message: msg, Path: nodePath(p, a)}
	f.At(pos)
	p.Report(f)
}

// exposure applies the severity model to an escalation: critical means an
// outsider can act now, which a path to administrator is only when a
// function something can start (an entry point, a trigger, another
// function) runs with the principal. As for every IAM rule, a role whose
// functions nothing reaches is one level lower; a principal no function
// uses (a role of another service, a user, a group, a policy attached to
// nothing) needs a foothold in it first, so administrator through it is
// high, not critical.
func exposure(p *rule.Pass, a *iam.Actor, sev rule.Severity) (rule.Severity, string) {
	if len(a.Functions) > 0 {
		return kit.Reachability(p, sev, a.Functions)
	}
	if sev != rule.Critical {
		return sev, ""
	}
	return rule.High, " (severity lowered from critical: no function of the application runs with " + string(a.Kind) + " " + a.ID + ", so using these paths takes a foothold in it, or in what uses it, first)"
}

// nodePath is the graph path of a principal: the functions using a role,
// then the role, then the stronger principals of the app it reaches.
func nodePath(p *rule.Pass, a *iam.Actor) []graph.NodeID {
	var out []graph.NodeID
	switch a.Kind {
	case iam.RolePrincipal:
		if len(a.Functions) > 0 {
			out = append(out, kit.FnNode(p, a.Functions[0]))
		}
		out = append(out, graph.ID(p.Stack.ID, graph.NodeRole, a.ID))
	default:
		return nil
	}
	seen := map[string]bool{a.ID: true} // a role that rewrites itself is on the path once
	for _, x := range a.Reach.Paths {
		for _, t := range x.Targets {
			if p.Stack.Role(t) != nil && !seen[t] {
				seen[t] = true
				out = append(out, graph.ID(p.Stack.ID, graph.NodeRole, t))
			}
		}
	}
	return out
}
