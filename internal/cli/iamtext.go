package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
	"github.com/nightlight-sec/nightlight/internal/iam/managed"
)

// parseContext turns --context KEY=VALUE arguments into a request context.
// A key given several times is multivalued; "KEY=" gives it an empty value
// list.
func parseContext(kvs []string) (iam.Context, error) {
	var c iam.Context
	vals := map[string][]string{}
	var order []string
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return c, fmt.Errorf("--context %q: want KEY=VALUE", kv)
		}
		lk := strings.ToLower(k)
		if _, seen := vals[lk]; !seen {
			order = append(order, k)
			vals[lk] = []string{}
		}
		if v != "" {
			vals[lk] = append(vals[lk], v)
		}
	}
	for _, k := range order {
		c.Set(k, vals[strings.ToLower(k)]...)
	}
	return c, nil
}

// writeIAMText writes the effective permissions of an analysis as text:
// per function its role, flags, and granted actions grouped by service and
// access level, then the roles several functions share. fn, when not "",
// limits the output to that function; classes maps store IDs to the
// classification the configuration gives them.
func writeIAMText(w io.Writer, an *iam.Analysis, fn string, classes map[string]string) error {
	var b strings.Builder
	for _, e := range an.Functions {
		if fn != "" && e.Function != fn {
			continue
		}
		role := e.Role
		if role == "" {
			role = e.RoleARN
		}
		if role == "" {
			role = "(none)"
		}
		fmt.Fprintf(&b, "%s: function %s, role %s\n", an.Stack, e.Function, role)
		for _, f := range e.Flags {
			pos := ""
			if f.Pos.IsValid() {
				pos = " (" + f.Pos.String() + ")"
			}
			fmt.Fprintf(&b, "  ! %-22s %s [%s]%s\n", f.Kind, flagText(f), f.Confidence, pos)
		}
		for _, s := range e.Services {
			all := ""
			if s.All {
				all = " (all actions)"
			}
			fmt.Fprintf(&b, "  %s%s\n", s.Service, all)
			for _, l := range s.Levels {
				acts := l.Actions
				more := ""
				if len(acts) > 12 {
					more = fmt.Sprintf(" … and %d more", len(acts)-12)
					acts = acts[:12]
				}
				fmt.Fprintf(&b, "    %-22s %s%s\n", l.Access+":", strings.Join(trimService(acts), " "), more)
			}
			for _, r := range resourcesOf(e, s.Service, classes) {
				fmt.Fprintf(&b, "    on %s\n", r)
			}
		}
		if len(e.Grants) == 0 && len(e.Unknown) == 0 {
			b.WriteString("  no permissions\n")
		}
	}
	if len(an.SharedRoles) > 0 && fn == "" {
		for _, s := range an.SharedRoles {
			fmt.Fprintf(&b, "%s: role %s is shared by %s\n", an.Stack, s.Role, strings.Join(s.Functions, ", "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// flagText is a flag's message for the text output, where the flag's kind
// is already printed in its own column: the message without a prefix that
// repeats the kind, problems with actions in words, and the AWS managed
// policy a statement comes from.
func flagText(f iam.Flag) string {
	msg := f.Message
	for _, prefix := range []string{string(f.Kind) + " ", strings.ReplaceAll(string(f.Kind), "-", " ") + ": ", "unknown permissions: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	if f.Kind == iam.FlagUnknownAction && len(f.Actions) == 1 {
		act := f.Actions[0]
		_, problem, _ := strings.Cut(msg, ": ")
		msg = fmt.Sprintf("action %q %s", act, actionProblemText(catalog.Problem(problem)))
	}
	if managed.IsAWSManaged(f.Statement.Policy) {
		msg += " (in AWS managed policy " + policyName(f.Statement.Policy) + ")"
	}
	return msg
}

// actionProblemText says in words what is wrong with an action pattern.
func actionProblemText(p catalog.Problem) string {
	switch p {
	case catalog.UnknownService:
		return "names no AWS service"
	case catalog.UnknownAction:
		return "is not an action of its service"
	case catalog.NoMatch:
		return "matches no action"
	case catalog.Malformed:
		return "is not service:action"
	}
	return string(p)
}

// policyName is the name of an AWS managed policy from its ARN.
func policyName(arn string) string {
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

func trimService(acts []string) []string {
	out := make([]string, len(acts))
	for i, a := range acts {
		_, n, _ := strings.Cut(a, ":")
		out[i] = n
	}
	return out
}

// resourcesOf lists the resources (with their targets) granted for a
// service, each target with its classification.
func resourcesOf(e *iam.Effective, svc string, classes map[string]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, g := range e.Grants {
		if g.Service != svc || seen[g.Resource] {
			continue
		}
		seen[g.Resource] = true
		r := g.Resource
		var ts []string
		for _, t := range g.Targets {
			item := t.Kind + " " + t.ID
			if c := classes[t.ID]; c != "" && t.Kind != "function" && t.Kind != "role" {
				item += " (" + c + ")"
			}
			ts = append(ts, item)
		}
		if len(ts) > 0 {
			r += " → " + strings.Join(ts, ", ")
		}
		if g.Conditional {
			r += " (conditional)"
		}
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}
