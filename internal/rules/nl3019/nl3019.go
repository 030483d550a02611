// Package nl3019 is rule NL3019: Secrets in a function's environment are
// readable by other principals.
//
// It reports functions whose environment holds a secret (a key, token or
// password written in the template) when principals of the app other than
// the function itself may read that environment
// (lambda:GetFunctionConfiguration) or download the function
// (lambda:GetFunction, which returns the configuration too).
package nl3019

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3019.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3019",
		Title:      "Secrets in a function's environment are readable by other principals",
		Category:   rule.IAM,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "lambda:GetFunctionConfiguration (and lambda:GetFunction) return a function's environment variables in clear text. A secret written there is readable not only by the function but by every principal allowed these actions on it: other functions' roles, IAM users, identity-pool roles. nightlight lists who in the app can read the environment of each function that holds a secret.",
			Bad: `Environment:
  Variables:
    API_TOKEN: ghp_… # and a role with lambda:GetFunctionConfiguration on "*"`,
			Good: `Environment:
  Variables:
    API_TOKEN_SECRET: !Ref ApiToken   # a Secrets Manager secret the function reads at run time`,
			Remediation: "Move the secret to Secrets Manager or SSM Parameter Store (SecureString) and read it at run time; remove lambda:GetFunction*/GetFunctionConfiguration from principals that do not need them, or scope them to specific functions.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	an := p.Facts.IAM(ctx)
	if an == nil {
		return nil
	}
	secrets := map[string][]string{}
	pos := map[string]kit.Found{}
	for _, f := range kit.StackSecrets(p) {
		if f.Site.Kind != kit.SiteEnv || p.Stack.Function(f.Resource) == nil {
			continue
		}
		secrets[f.Resource] = append(secrets[f.Resource], f.Name)
		if _, ok := pos[f.Resource]; !ok {
			pos[f.Resource] = f
		}
	}
	if len(secrets) == 0 {
		return nil
	}
	readers := map[string][]string{}
	for _, a := range an.Principals {
		if a.Effective == nil || a.Kind == iam.PolicyPrincipal || a.Kind == iam.GroupPrincipal {
			continue
		}
		seen := map[string]bool{}
		for _, g := range a.Effective.Grants {
			act := strings.ToLower(g.Action)
			if act != "lambda:getfunctionconfiguration" && act != "lambda:getfunction" {
				continue
			}
			for _, t := range g.Targets {
				if t.Kind != "function" || secrets[t.ID] == nil || seen[t.ID] || runsAs(a, t.ID) {
					continue
				}
				seen[t.ID] = true
				readers[t.ID] = append(readers[t.ID], a.Describe())
			}
		}
	}
	fns := make([]string, 0, len(readers))
	for fn := range readers {
		fns = append(fns, fn)
	}
	sort.Strings(fns)
	for _, fn := range fns {
		who := readers[fn]
		sort.Strings(who)
		f := pos[fn]
		finding := rule.Finding{Resource: fn, Path: []graph.NodeID{kit.FnNode(p, fn)},
			Message: fmt.Sprintf("the environment of function %s holds a secret (%s) that %s can read with lambda:GetFunctionConfiguration or lambda:GetFunction: %s",
				fn, strings.Join(model.SortedUnique(secrets[fn]), ", "), kit.Count(len(who), "other principal", "other principals"), strings.Join(who, "; "))}
		finding.At(f.Pos)
		p.Report(finding)
	}
	return nil
}

// runsAs reports whether fn runs with the principal's role.
func runsAs(a *iam.Actor, fn string) bool {
	for _, f := range a.Functions {
		if f == fn {
			return true
		}
	}
	return false
}
