package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/result"
)

// iamWhoCanCommand is `nightlight iam who-can ACTION RESOURCE PATH...`.
func iamWhoCanCommand(env *Env) *cobra.Command {
	var f scanFlags
	cmd := &cobra.Command{
		Use:   "who-can ACTION RESOURCE PATH...",
		Short: "List every principal of the app allowed ACTION on RESOURCE, and through which statements",
		Long: `who-can loads the templates under PATH and lists every IAM principal of the
app — roles (whatever uses them: functions, instance profiles, identity
pools, state machines, CI), users (with their groups' policies) and groups —
whose policies allow ACTION on RESOURCE after explicit denies and
permissions boundaries, with the statements that allow it, and the
resource policies of RESOURCE that allow it to others (services, accounts,
anyone).

RESOURCE is a logical ID / Terraform address / function key of the app
(a function, table, bucket, queue, role, user …), a physical name, or an
ARN. Example:

  nightlight iam who-can lambda:UpdateFunctionCode ListOrdersFunction examples/orders-api`,
		Args: cobra.MinimumNArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.format != "text" && f.format != "json" {
				return usageError("--format %q: want text or json", f.format)
			}
			action, resource := args[0], args[1]
			if !strings.Contains(action, ":") {
				return usageError("ACTION %q: want service:Action, e.g. lambda:UpdateFunctionCode", action)
			}
			an := iam.NewAnalyzer()
			if p := an.Catalog.Check(action); p != "" && !strings.ContainsAny(action, "*?") {
				return usageError("ACTION %q: %s", action, p)
			}
			doc, _, err := loadIAMApp(cmd.Context(), env, &f, args[2:])
			if err != nil {
				return err
			}
			if len(doc.Inputs) == 0 {
				return graphInputStatus(env, doc.Inputs, args[2:])
			}
			var out []*iam.WhoCanResult
			for _, st := range doc.App.Stacks {
				r, err := an.WhoCan(cmd.Context(), st, action, resource)
				if err != nil {
					return &exitError{code: ExitError, err: err}
				}
				out = append(out, r)
			}
			err = writeOutput(env, f.output, func(w io.Writer) error {
				if f.format == "json" {
					if out == nil {
						out = []*iam.WhoCanResult{}
					}
					enc := json.NewEncoder(w)
					enc.SetIndent("", "  ")
					return enc.Encode(map[string]any{"action": action, "resource": resource, "stacks": out})
				}
				return writeWhoCanText(w, doc, out)
			})
			if err != nil {
				return err
			}
			return graphInputStatus(env, doc.Inputs, args[2:])
		},
	}
	f.registerOutput(cmd, "text, json")
	f.registerInput(cmd)
	return cmd
}

func writeWhoCanText(w io.Writer, doc *result.Document, rs []*iam.WhoCanResult) error {
	var b strings.Builder
	n := 0
	for i, r := range rs {
		st := doc.App.Stacks[i]
		if len(r.Allowed) == 0 && len(r.Resources) == 0 && r.Target == "" {
			continue
		}
		what := r.Resource
		if r.Target != "" && r.ARN != r.Resource {
			what += " (" + r.ARN + ")"
		}
		fmt.Fprintf(&b, "%s: who can %s on %s\n", st.ID, r.Action, what)
		for _, a := range r.Allowed {
			n++
			who := string(a.Kind) + " " + a.ID
			if len(a.Functions) > 0 {
				who += " (function " + strings.Join(a.Functions, ", ") + ")"
			}
			if len(a.Members) > 0 {
				who += " (members " + strings.Join(a.Members, ", ") + ")"
			}
			dec := "allowed"
			if a.Conditional {
				dec = "allowed if " + strings.Join(a.Conditions, " and ")
			}
			fmt.Fprintf(&b, "  %s: %s\n", who, dec)
			for _, s := range a.Statements {
				fmt.Fprintf(&b, "    %s\n", statementText(s))
			}
		}
		for _, g := range r.Resources {
			n++
			fmt.Fprintf(&b, "  resource policy %s: %s", g.Policy, strings.Join(g.Principals, ", "))
			if len(g.Conditions) > 0 {
				fmt.Fprintf(&b, " if %s", strings.Join(g.Conditions, " and "))
			}
			fmt.Fprintf(&b, "\n    %s\n", statementText(g.Statement))
		}
		if len(r.Allowed) == 0 && len(r.Resources) == 0 {
			b.WriteString("  no principal of the app is allowed\n")
		}
	}
	if n == 1 {
		b.WriteString("1 principal or resource-policy grant allows it\n")
	} else {
		fmt.Fprintf(&b, "%d principals and resource-policy grants allow it\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func statementText(s iam.StatementRef) string {
	loc := s.File
	if s.Line > 0 {
		loc = fmt.Sprintf("%s:%d", s.File, s.Line)
	}
	id := fmt.Sprintf("statement %d", s.Index)
	if s.Sid != "" {
		id = "statement " + s.Sid
	}
	pol := s.Policy
	if pol == "" {
		pol = "?"
	}
	if loc == "" {
		return fmt.Sprintf("%s of policy %s", id, pol)
	}
	return fmt.Sprintf("%s: %s of policy %s", loc, id, pol)
}

// writePrincipalsText lists every principal of each analysis: kind, what
// uses it, who may assume it, whether it is administrator, and what it
// can escalate to.
func writePrincipalsText(w io.Writer, an *iam.Analysis) error {
	var b strings.Builder
	for _, p := range an.Principals {
		fmt.Fprintf(&b, "%s: %s", an.Stack, p.Describe())
		if p.Admin {
			b.WriteString(" — administrator")
		}
		b.WriteString("\n")
		if len(p.Groups) > 0 {
			fmt.Fprintf(&b, "  groups: %s\n", strings.Join(p.Groups, ", "))
		}
		if len(p.Members) > 0 {
			fmt.Fprintf(&b, "  members: %s\n", strings.Join(p.Members, ", "))
		}
		if t := p.Trust; t != nil {
			var who []string
			for _, s := range t.Services {
				who = append(who, "service "+s)
			}
			for _, a := range t.AWS {
				who = append(who, "AWS "+a)
			}
			for _, f := range t.Federated {
				who = append(who, "federated "+f)
			}
			line := strings.Join(who, ", ")
			if t.ServiceOnly {
				line += " (no user or role can assume it directly: the way in is iam:PassRole to the service)"
			}
			fmt.Fprintf(&b, "  assumable by: %s\n", line)
		}
		e := p.Effective
		if e != nil {
			var svcs []string
			for _, s := range e.Services {
				svcs = append(svcs, s.Service)
			}
			if len(svcs) > 12 {
				svcs = append(svcs[:12], fmt.Sprintf("… %d more", len(svcs)-12))
			}
			if len(svcs) > 0 {
				fmt.Fprintf(&b, "  services: %s\n", strings.Join(svcs, ", "))
			}
			for _, u := range e.Unknown {
				fmt.Fprintf(&b, "  unknown: %s\n", u.Reason)
			}
		}
		if r := p.Reach; r != nil {
			fmt.Fprintf(&b, "  can reach %s\n", r.Summary())
			for _, x := range r.Paths {
				fmt.Fprintf(&b, "    - %s\n", x)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
