// Package nl3002 is rule NL3002: Policy allows every action of a service.
//
// It reports execution roles whose policies allow "service:*" (s3:*,
// dynamodb:*) and says, from the action catalog, what the wildcard
// includes on the statement's resources: how many write and
// permissions-management actions, with the destructive ones named first.
// A wildcard of CloudWatch Logs or X-Ray is not raised for internet
// exposure: those services hold the account's logs and traces, not its
// data stores (as NL3014 grades their managed policies).
package nl3002

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3002.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3002",
		Title:      "Policy allows every action of a service",
		Category:   rule.IAM,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust:     kit.Exposed(rule.Medium),
		Doc: rule.Doc{
			Description: "A \"service:*\" action grants every current and future action of the service, including destructive and permissions-management ones (s3:PutBucketPolicy, dynamodb:DeleteTable). Functions rarely need more than a handful of data actions. The finding counts, from the action catalog, the write and permissions-management actions the wildcard grants on the statement's resources and names the destructive ones first. Exposure to the internet raises the severity, except for CloudWatch Logs and X-Ray wildcards (the account's logs and traces, not its data stores).",
			Bad: `- Effect: Allow
  Action: dynamodb:*
  Resource: !GetAtt Orders.Arn`,
			Good: `- Effect: Allow
  Action: [dynamodb:GetItem, dynamodb:PutItem, dynamodb:Query]
  Resource: !GetAtt Orders.Arn`,
			Remediation: "Replace the service wildcard with the actions the function calls.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.Flags(ctx, p, iam.FlagServiceWildcard) {
		if f.Managed {
			continue
		}
		msg := fmt.Sprintf("%s may perform every action of a service: %s%s", kit.Who(f.Functions), f.Message, includes(f.Levels))
		if logsOrTraces(f.Actions) {
			kit.ReportFlag(p, f, msg)
			continue
		}
		kit.ReportGrant(p, f, msg)
	}
	return nil
}

// logsOrTraces reports whether every wildcard is of CloudWatch Logs or
// X-Ray.
func logsOrTraces(actions []string) bool {
	for _, a := range actions {
		svc, _, _ := strings.Cut(strings.ToLower(a), ":")
		if svc != "logs" && svc != "xray" {
			return false
		}
	}
	return len(actions) > 0
}

// maxNamed bounds the actions named per access level.
const maxNamed = 3

// includes says what the wildcard grants that matters: its write and
// permissions-management actions, destructive ones (Delete…) named first.
func includes(levels []iam.LevelGrants) string {
	n := 0
	var parts []string
	for _, lg := range levels {
		n += len(lg.Actions)
		var what string
		switch lg.Access {
		case catalog.Write:
			what = "write"
		case catalog.PermissionsManagement:
			what = "permissions-management"
		default:
			continue
		}
		parts = append(parts, fmt.Sprintf("%d %s (%s)", len(lg.Actions), what, named(lg.Actions, lg.Access == catalog.Write)))
	}
	if n == 0 {
		return ""
	}
	if len(parts) == 0 {
		return fmt.Sprintf(" (%d actions, only reads and lists apply to that resource)", n)
	}
	return fmt.Sprintf("; that is %d actions, among them %s", n, strings.Join(parts, " and "))
}

// named lists up to maxNamed actions, the core ones of the service first:
// for write actions those that delete, then the shortest names (DeleteItem,
// DeleteTable before DeleteGlobalTableWitness).
func named(actions []string, preferDelete bool) string {
	sorted := append([]string(nil), actions...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if preferDelete && deletes(sorted[i]) != deletes(sorted[j]) {
			return deletes(sorted[i])
		}
		return len(sorted[i]) < len(sorted[j])
	})
	if len(sorted) <= maxNamed {
		return strings.Join(sorted, ", ")
	}
	return strings.Join(sorted[:maxNamed], ", ") + ", …"
}

func deletes(action string) bool {
	_, name, _ := strings.Cut(action, ":")
	return strings.HasPrefix(name, "Delete")
}
