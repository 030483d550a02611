// Package nl4027 is rule NL4027: Function cannot write its logs.
//
// It reports Lambda functions whose execution role, as far as nightlight
// can see every policy of it, allows neither logs:PutLogEvents nor
// logs:CreateLogStream: the function runs, but nothing it prints reaches
// CloudWatch Logs.
package nl4027

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/glob"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL4027.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4027",
		Title:      "Function cannot write its logs",
		Category:   rule.Misconfig,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceMedium,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Lambda writes a function's output to CloudWatch Logs with the function's own execution role. A role without logs:CreateLogStream and logs:PutLogEvents (AWSLambdaBasicExecutionRole, or the statements SAM and the Serverless Framework add by default) leaves no trace of errors, abuse or an intrusion: an incident-response blind spot. Roles with a policy nightlight cannot see (an unknown managed policy, a role from outside the stack) are not reported.",
			Bad: `resource "aws_iam_role" "fn" {
  assume_role_policy = data.aws_iam_policy_document.lambda.json
}  # no policy attached`,
			Good: `resource "aws_iam_role_policy_attachment" "logs" {
  role       = aws_iam_role.fn.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}`,
			Remediation: "Attach AWSLambdaBasicExecutionRole, or allow logs:CreateLogStream and logs:PutLogEvents on the function's log group.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	byRole := map[string][]string{}
	var order []string
	for _, f := range p.Stack.Functions {
		e := p.Facts.Effective(ctx, f)
		if e == nil || len(e.Unknown) > 0 || e.Role == "" || len(e.ParseErrors) > 0 {
			continue
		}
		logs := false
		for _, g := range e.Grants {
			if strings.EqualFold(g.Action, "logs:PutLogEvents") || strings.EqualFold(g.Action, "logs:CreateLogStream") {
				logs = true
				break
			}
		}
		if logs || mayLog(p.Facts.Allows(e.Role)) {
			continue
		}
		if _, ok := byRole[e.Role]; !ok {
			order = append(order, e.Role)
		}
		byRole[e.Role] = append(byRole[e.Role], f.ID)
	}
	for _, role := range order {
		fns := byRole[role]
		r := p.Stack.Role(role)
		if r == nil {
			continue
		}
		path := make([]graph.NodeID, 0, len(fns))
		for _, fn := range fns {
			path = append(path, kit.FnNode(p, fn))
		}
		p.Report(rule.Finding{
			Resource: role, File: r.Pos.File, Line: r.Pos.Line, Path: path,
			Message: fmt.Sprintf("execution role %s allows no logs:CreateLogStream or logs:PutLogEvents: %s cannot write logs to CloudWatch", role, kit.Who(fns)),
		})
	}
	return nil
}

// mayLog reports whether an Allow statement's actions cover writing logs,
// whatever its resource, or cannot be read (a symbolic action): the rule
// reports only roles that certainly cannot log.
func mayLog(stmts []*iam.Statement) bool {
	for _, s := range stmts {
		if s.NotAction {
			return true
		}
		for _, a := range s.ActionStrings() {
			a = strings.ToLower(a)
			if strings.Contains(a, "${") || a == "" {
				return true
			}
			for _, want := range []string{"logs:putlogevents", "logs:createlogstream"} {
				if glob.Match(a, want) {
					return true
				}
			}
		}
	}
	return false
}
