// Package nl3007 is rule NL3007: Function can read every secret.
//
// It reports execution roles that can read secrets
// (secretsmanager:GetSecretValue, ssm:GetParameter*) on a wildcard resource.
// Reading one named secret is normal and not reported; a pattern limited
// to a name prefix (one namespace of secrets) is low.
package nl3007

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3007.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3007",
		Title:      "Function can read every secret",
		Category:   rule.IAM,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust: append(kit.Exposed(rule.High), rule.Adjustment{Severity: rule.Low,
			When: "when the pattern only covers names under a prefix (parameter/${AWS::StackName}/*, secret:orders/*): the secrets of one namespace, not every secret of the account"}),
		Doc: rule.Doc{
			Description: "Reading the secrets the function needs is expected; reading every secret or parameter in the account (Resource \"*\" or a wide pattern) means one compromised function leaks all of them: database passwords, API keys of other teams, signing keys.",
			Bad: `- Effect: Allow
  Action: secretsmanager:GetSecretValue
  Resource: "*"`,
			Good: `- Effect: Allow
  Action: secretsmanager:GetSecretValue
  Resource: !Ref DbSecret`,
			Remediation: "Limit secret reads to the ARNs of the secrets and parameters the function uses.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, f := range kit.Flags(ctx, p, iam.FlagSecretsRead) {
		if f.Managed || !keep(ctx, p, f) {
			continue
		}
		msg := fmt.Sprintf("%s %s: every secret that pattern covers leaks if the function is compromised", kit.Who(f.Functions), f.Message)
		if prefix, ok := namespace(f.Resource); ok {
			kit.ReportFlagAs(p, f, rule.Low, fmt.Sprintf("%s (severity lowered from %s: only names that start with %q, one namespace rather than every secret of the account)", msg, p.Rule.Severity, prefix))
			continue
		}
		kit.ReportGrant(p, f, msg)
	}
	return nil
}

// namespace returns the name prefix a secret or parameter pattern is
// limited to, and whether there is one: the literal or symbolic start of
// the name before its first wildcard (parameter/${AWS::StackName}/*,
// secret:orders/*). The partition, region and account do not narrow it;
// an ARN whose name starts with a wildcard, or "*", has none.
func namespace(resource string) (string, bool) {
	r := wild.Replace(resource)
	if !strings.HasPrefix(r, "arn:") {
		// A symbol standing for an ARN or a name (${Secret}*).
		return resource, strings.HasPrefix(r, "${")
	}
	parts := iam.SplitARN(r)
	if len(parts) < 6 {
		return "", false
	}
	name := parts[5]
	switch parts[2] {
	case "secretsmanager":
		name = strings.TrimPrefix(name, "secret:")
	case "ssm":
		name = strings.TrimPrefix(strings.TrimPrefix(name, "parameter"), "/")
	default:
		return "", false
	}
	prefix, _, _ := strings.Cut(name, "*")
	if strings.ContainsAny(prefix, "?") || strings.Trim(prefix, "/") == "" {
		return "", false
	}
	return prefix, true
}

// wild turns the pseudo parameters that name the partition, region and
// account into wildcards: they do not narrow a pattern.
var wild = strings.NewReplacer("${AWS::Partition}", "*", "${AWS::Region}", "*", "${AWS::AccountId}", "*", "${AWS::URLSuffix}", "*")

func keep(ctx context.Context, p *rule.Pass, f kit.RoleFlag) bool { return kit.WildcardSecrets(f) }
