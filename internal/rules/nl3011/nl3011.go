// Package nl3011 is rule NL3011: Unknown or misspelled IAM action.
//
// It reports policy actions that name no real action: misspelled names
// (dynamodb:GetItems), unknown service prefixes, wildcards matching nothing.
// Checked against the IAM action catalog. Unknown actions inside SAM's own
// policy templates (SQSPollerPolicy lists sqs:DeleteMessageBatch) are
// reported once per template use, as information, with the template named
// and a narrower choice suggested: they are not the user's statements.
package nl3011

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

// Rule returns NL3011.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3011",
		Title:      "Unknown or misspelled IAM action",
		Category:   rule.IAM,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust:     append(kit.Reached(rule.Medium), rule.Adjustment{Severity: rule.Info, When: "when the unknown actions come from SAM's own policy template, not from a statement of the template"}),
		Doc: rule.Doc{
			Description: "IAM accepts actions that do not exist without complaint. A misspelled action grants nothing — so the function fails at run time, or someone \"fixes\" it with a wildcard — and a misspelled Deny protects nothing. nightlight checks every action against the IAM catalog.",
			Bad:         `Action: [dynamodb:GetItems, s3:GetObjects]`,
			Good:        `Action: [dynamodb:GetItem, s3:GetObject]`,
			Remediation: "Fix the spelling (the IAM catalog and `nightlight iam` list valid actions).",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	type tmplUse struct {
		f    kit.RoleFlag
		acts []string
	}
	var order []string
	tmpl := map[string]*tmplUse{}
	for _, f := range kit.Flags(ctx, p, iam.FlagUnknownAction) {
		if f.Managed || !keep(ctx, p, f) {
			continue
		}
		if f.Template != "" {
			// SAM wrote the statement: one finding per template use,
			// every unknown action of it named.
			key := f.Role + "\x00" + f.Template + "\x00" + f.Pos.String()
			u := tmpl[key]
			if u == nil {
				u = &tmplUse{f: f}
				tmpl[key] = u
				order = append(order, key)
			}
			u.acts = append(u.acts, f.Actions[0])
			continue
		}
		kit.ReportFlag(p, f, fmt.Sprintf("%s: IAM action %s names nothing (%s), so it grants nothing", kit.Who(f.Functions), f.Actions[0], strings.TrimPrefix(f.Message[strings.LastIndex(f.Message, ":")+1:], " ")))
	}
	for _, key := range order {
		u := tmpl[key]
		sort.Strings(u.acts)
		f := u.f
		res := f.Role
		if p.Stack.Role(f.Role) == nil && len(f.Functions) == 1 {
			res = f.Functions[0]
		}
		msg := fmt.Sprintf("%s: SAM's policy template %s (not a statement of this template) lists %s, which IAM does not know, so %s nothing; the template's other actions still apply",
			kit.Who(f.Functions), f.Template, strings.Join(u.acts, ", "), kit.Plural(len(u.acts), "it grants", "they grant"))
		fd := rule.Finding{Resource: res, Severity: rule.Info, Confidence: f.Flag.Confidence, Message: msg,
			Remediation: narrower(p.Stack, f)}
		fd.At(f.Pos)
		p.Report(fd)
	}
	return nil
}

// narrower suggests what to use instead of a SAM policy template whose
// expansion names unknown actions.
func narrower(st *model.Stack, f kit.RoleFlag) string {
	switch f.Template {
	case "SQSPollerPolicy":
		for _, id := range f.Functions {
			for _, tr := range st.Triggers {
				if tr.Function == id && tr.Kind == model.TriggerSQS {
					return "Drop SQSPollerPolicy: the function's SQS event already gives the role what polling needs (SAM attaches AWSLambdaSQSQueueExecutionRole: sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes). The batch action names in SAM's template are harmless: SQS authorises batch calls with the single-message actions."
				}
			}
		}
		return "Nothing to fix in this template: SQS authorises DeleteMessageBatch and ChangeMessageVisibilityBatch calls with sqs:DeleteMessage and sqs:ChangeMessageVisibility, which SQSPollerPolicy also grants. Where the function only receives messages, an inline statement with sqs:ReceiveMessage, sqs:DeleteMessage and sqs:GetQueueAttributes on the queue is narrower."
	case "SQSSendMessagePolicy":
		return "Nothing to fix in this template: SQS authorises SendMessageBatch calls with sqs:SendMessage, which SQSSendMessagePolicy also grants."
	}
	return "The unknown actions come from SAM's own policy template, not from this template; if the function needs them, add an inline statement with the actions IAM knows."
}

func keep(ctx context.Context, p *rule.Pass, f kit.RoleFlag) bool { return len(f.Actions) > 0 }
