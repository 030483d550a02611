// Package nl3018 is rule NL3018: Principal outside the deployment path can
// change functions.
//
// It reports, once per IAM principal, the functions of the app whose code
// or configuration (environment, layers, role, resource policy, URL,
// concurrency, aliases) it may change although it does not deploy the app:
// another function's role, an identity pool's role, an instance profile,
// an IAM user with long-lived keys. Roles that CloudFormation, CodeBuild,
// CodePipeline or CodeDeploy use, or that CI assumes through a federated
// identity provider, are the deployment path and are not reported.
package nl3018

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL3018.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3018",
		Title:      "Principal outside the deployment path can change functions",
		Category:   rule.IAM,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Whoever can call lambda:UpdateFunctionCode, UpdateFunctionConfiguration (environment, layers, role), AddPermission or CreateFunctionUrlConfig on a function owns it: they run their code with its role and its data, and can open it to the Internet. Only the deployment pipeline should hold these permissions. A function's own role, an identity pool's role handed to app users, an instance profile or an IAM user with long-lived keys that can change functions turns any compromise of it into control of those functions.",
			Bad: `DeployUser:
  Type: AWS::IAM::User
  Properties:
    Policies:
      - PolicyDocument:
          Statement:
            - {Effect: Allow, Action: lambda:UpdateFunctionCode, Resource: "*"}`,
			Good: `# deploy through CloudFormation with a role only cloudformation.amazonaws.com can assume
DeployRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument:
      Statement: [{Effect: Allow, Principal: {Service: cloudformation.amazonaws.com}, Action: sts:AssumeRole}]`,
			Remediation: "Remove lambda:Update*/AddPermission/*FunctionUrlConfig from principals that do not deploy the app; let the deployment role (CloudFormation, CodeBuild, CI through OIDC) alone change functions, scoped to the app's function ARNs.",
		},
		Run: run,
	}
}

// deployServices are the services whose roles deploy applications.
var deployServices = []string{"cloudformation.amazonaws.com", "codebuild.amazonaws.com", "codepipeline.amazonaws.com", "codedeploy.amazonaws.com"}

// deploys reports whether the principal is on the deployment path.
func deploys(a *iam.Actor) bool {
	if a.Trust != nil {
		for _, s := range a.Trust.Services {
			for _, d := range deployServices {
				if strings.EqualFold(s, d) {
					return true
				}
			}
		}
		for _, f := range a.Trust.Federated {
			if strings.Contains(f, "oidc-provider/") || strings.Contains(f, "token.actions.githubusercontent.com") {
				return true // CI through an OIDC provider
			}
		}
	}
	for _, u := range a.UsedBy {
		switch u.Kind {
		case "codebuild", "codepipeline", "cloudformation":
			return true
		}
	}
	return false
}

func run(ctx context.Context, p *rule.Pass) error {
	resourcePolicies(p)
	an := p.Facts.IAM(ctx)
	if an == nil {
		return nil
	}
	for _, a := range an.Principals {
		if a.Admin || a.Effective == nil || deploys(a) || (a.Kind != iam.RolePrincipal && a.Kind != iam.UserPrincipal) {
			continue // administrators are reported by NL3001/NL3014
		}
		fns := map[string]bool{}
		acts := map[string]bool{}
		var pos model.Pos
		cond := true
		for _, g := range a.Effective.Grants {
			if !iam.ControlAction(g.Action) {
				continue
			}
			for _, t := range g.Targets {
				if t.Kind != "function" || own(a, t.ID) {
					continue
				}
				fns[t.ID] = true
				acts[g.Action] = true
				cond = cond && g.Conditional
				if !pos.IsValid() && g.Statement.File == p.Stack.File && g.Statement.Line > 0 {
					pos = model.Pos{File: g.Statement.File, Line: g.Statement.Line}
				}
			}
		}
		if len(fns) == 0 {
			continue
		}
		if !pos.IsValid() {
			pos = a.Pos
		}
		names, actions := keys(fns), keys(acts)
		sev := rule.High
		for _, u := range a.UsedBy {
			if u.Kind == "identity-pool-unauthenticated" {
				sev = rule.Critical
			}
		}
		conf := rule.ConfidenceHigh
		if cond {
			conf = rule.ConfidenceMedium
		}
		what := "functions " + strings.Join(names, ", ")
		if len(names) == 1 {
			what = "function " + names[0]
		}
		list := actions
		if len(list) > 6 {
			list = append(list[:6:6], fmt.Sprintf("%d more", len(actions)-6))
		}
		f := rule.Finding{Resource: a.ID, Severity: sev, Confidence: conf,
			Message: fmt.Sprintf("%s can change %s (%s) but does not deploy the app", a.Describe(), what, strings.Join(list, ", "))}
		f.At(pos)
		p.Report(f)
	}
	return nil
}

// own reports whether fn runs with the principal's role (a function
// changing itself is not another principal's reach).
func own(a *iam.Actor, fn string) bool {
	for _, f := range a.Functions {
		if f == fn {
			return true
		}
	}
	return false
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// resourcePolicies reports functions whose resource policy lets principals
// outside the app change them: any AWS account (critical) or another
// account (high). A policy naming the function's own account only defers
// to the account's IAM policies: the control plane lists it, no finding.
func resourcePolicies(p *rule.Pass) {
	g := p.Graph
	if g == nil {
		return
	}
	// The edges into the stack's functions, from the index: walking every
	// edge of the graph for each stack was quadratic in the apps scanned
	// together.
	ix := g.Index()
	var edges []*graph.Edge
	for _, fn := range p.Stack.Functions {
		edges = append(edges, ix.EdgesTo(graph.ID(p.Stack.ID, graph.NodeFunction, fn.ID))...)
	}
	sort.SliceStable(edges, func(i, j int) bool { return edges[i].Less(edges[j]) })
	for _, e := range edges {
		if e.Kind != graph.EdgeControls || e.From.Kind != graph.NodePrincipal {
			continue
		}
		if e.From == graph.PrincipalAccountSelf {
			continue
		}
		name, sev := e.From.String(), rule.High
		if n := g.Node(e.From); n != nil {
			name = n.Name
		}
		if e.From == graph.PrincipalAnyAccount {
			sev, name = rule.Critical, "any AWS account"
		}
		policy := strings.TrimPrefix(e.Via, "resource policy ")
		conf := rule.ConfidenceHigh
		if e.Confidence == model.ConfidenceLow {
			conf = rule.ConfidenceLow
		}
		f := rule.Finding{Resource: policy, Severity: sev, Confidence: conf, Path: []graph.NodeID{e.From, e.To},
			Message: fmt.Sprintf("the resource policy %s of function %s lets %s change it (update its code or configuration, or grant further permissions)", policy, e.To.Ref, name)}
		f.At(e.Evidence)
		p.Report(f)
	}
}
