// Package nl7012 is rule NL7012: Role grants actions the code never calls.
//
// It compares each function's effective permissions with the AWS SDK calls
// its handler code makes, and reports the permissions nothing uses.
package nl7012

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL7012.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL7012",
		Title:      "Role grants actions the code never calls",
		Platforms:  []model.Provider{model.AWS},
		Category:   rule.Code,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceMedium,
		Doc: rule.Doc{
			Description: "The function's role allows AWS actions that its handler code never calls (the code was read in full, and no SDK call needs them). Every unused permission is reach an attacker gains for free when the function is compromised. Permissions the Lambda service uses on the function's behalf (logs, tracing, VPC interfaces, polling its event sources, dead-letter targets) are not counted.",
			Bad: `Policies:
  - DynamoDBCrudPolicy: {TableName: !Ref Orders}
# code: only TABLE.get_item(...)`,
			Good: `Policies:
  - DynamoDBReadPolicy: {TableName: !Ref Orders}`,
			Remediation: "Replace the role's policies with the one `nightlight iam propose PATH` prints for the function (the actions its code calls, on the resources it names), and keep it in step with the code.",
		},
		Run: run,
	}
}

// serviceUsed lists actions the Lambda service or the runtime uses on a
// function's behalf.
func serviceUsed(action string) bool {
	a := strings.ToLower(action)
	for _, p := range []string{"logs:", "xray:", "ec2:createnetworkinterface", "ec2:describenetworkinterfaces", "ec2:deletenetworkinterface",
		"ec2:assignprivateipaddresses", "ec2:unassignprivateipaddresses", "ec2:describesubnets", "ec2:describesecuritygroups", "ec2:describevpcs",
		"sqs:receivemessage", "sqs:deletemessage", "sqs:getqueueattributes", "sqs:changemessagevisibility",
		"kinesis:getrecords", "kinesis:getsharditerator", "kinesis:describestream", "kinesis:describestreamsummary", "kinesis:listshards",
		"kinesis:liststreams", "kinesis:subscribetoshard", "dynamodb:getrecords", "dynamodb:getsharditerator", "dynamodb:describestream",
		"dynamodb:liststreams", "kms:decrypt", "kafka:", "mq:", "cloudwatch:putmetricdata", "lambda:getlayerversion"} {
		if strings.HasPrefix(a, p) {
			return true
		}
	}
	return false
}

func run(ctx context.Context, p *rule.Pass) error {
	byRole := map[string][]*model.Function{}
	for _, fn := range p.Stack.Functions {
		if fn.Role != "" {
			byRole[fn.Role] = append(byRole[fn.Role], fn)
		}
	}
	for _, fn := range p.Stack.Functions {
		if fn.Code == nil || fn.Code.Partial || !fn.Code.HandlerPos.IsValid() || fn.Role == "" {
			continue
		}
		// Functions sharing the role: every one must have been read.
		used := map[string]string{}
		ok := true
		for _, other := range byRole[fn.Role] {
			if other.Code == nil || other.Code.Partial {
				ok = false
				break
			}
			for _, c := range other.Code.Calls {
				for _, a := range c.Actions {
					used[strings.ToLower(a)] = a
				}
			}
		}
		if !ok || byRole[fn.Role][0] != fn {
			continue // reported once per role, on its first function
		}
		e := p.Facts.Effective(ctx, fn)
		if e == nil {
			continue
		}
		async := fn.DeadLetter.IsSet() || fn.OnFailure.IsSet() || fn.OnSuccess.IsSet()
		unused := map[string]bool{}
		for _, g := range e.Grants {
			a := strings.ToLower(g.Action)
			if used[a] != "" || serviceUsed(g.Action) {
				continue
			}
			if async && (a == "sqs:sendmessage" || a == "sns:publish" || a == "lambda:invokefunction" || a == "events:putevents") {
				continue
			}
			unused[g.Action] = true
		}
		if len(unused) == 0 {
			continue
		}
		names := make([]string, 0, len(unused))
		for a := range unused {
			names = append(names, a)
		}
		sort.Strings(names)
		list := summarize(names)
		who := "function " + fn.ID
		if n := len(byRole[fn.Role]); n > 1 {
			who = fmt.Sprintf("role %s (shared by %d functions)", fn.Role, n)
		}
		calls := "makes no AWS SDK call"
		if len(used) > 0 {
			var us []string
			for _, a := range used {
				us = append(us, a)
			}
			sort.Strings(us)
			calls = "calls only " + strings.Join(us, ", ")
		}
		pos := fn.Pos
		if r := p.Stack.Role(fn.Role); r != nil && r.Pos.IsValid() {
			pos = r.Pos
		}
		f := rule.Finding{Resource: fn.ID}
		f.At(pos)
		f.Message = fmt.Sprintf("%s is granted %s its code never calls: %s (the code %s); `nightlight iam propose` prints the policy it needs", who, kit.Count(len(names), "action", "actions"), list, calls)
		p.Report(f)
	}
	return nil
}

// summarize lists sorted action names: all of them up to 8; beyond that,
// when they span more than 8 services (a role granting "*"), the services
// with the most actions first, so the reader sees the breadth rather than
// the alphabetically first actions.
func summarize(names []string) string {
	if len(names) <= 8 {
		return strings.Join(names, ", ")
	}
	count := map[string]int{}
	var svcs []string
	for _, n := range names {
		svc, _, _ := strings.Cut(n, ":")
		if count[svc] == 0 {
			svcs = append(svcs, svc)
		}
		count[svc]++
	}
	if len(svcs) <= 8 {
		return strings.Join(names[:8], ", ") + fmt.Sprintf(" and %d more", len(names)-8)
	}
	sort.SliceStable(svcs, func(i, j int) bool { return count[svcs[i]] > count[svcs[j]] })
	parts := make([]string, 0, 8)
	for _, svc := range svcs[:8] {
		parts = append(parts, fmt.Sprintf("%s (%d)", svc, count[svc]))
	}
	return fmt.Sprintf("actions of %d services: %s and %d more services", len(svcs), strings.Join(parts, ", "), len(svcs)-8)
}
