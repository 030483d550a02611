package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nightlight-sec/nightlight/internal/code"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules"
	"github.com/nightlight-sec/nightlight/internal/scan"
)

// iamCommand is `nightlight iam PATH [--function NAME]` (effective
// permissions and flags per function) with its `eval` subcommand.
func iamCommand(env *Env) *cobra.Command {
	var format, function string
	cmd := &cobra.Command{
		Use:   "iam PATH...",
		Short: "Show every IAM principal and each function's effective permissions and flags",
		Long: `iam loads the templates under PATH and prints, for each function, the
permissions its execution role grants after explicit denies and the
permissions boundary: actions grouped by service and access level, the
resources they reach (mapped to the tables, buckets, queues … of the
template), and flags — wildcards, permissions management, privilege
escalation paths, secrets and function-code reads, kms:Decrypt on *, roles
shared by several functions, unknown managed policies and misspelled
actions. Then every IAM principal of the app — roles whatever uses them
(functions, instance profiles, identity pools, state machines, API
integrations, CI), users with their groups, groups, and customer-managed
policies attached to nothing — with who can assume a role, whether it is
administrator, and the privilege-escalation paths it has.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError("--format %q: want text or json", format)
			}
			doc, err := loadApp(cmd.Context(), env, args)
			if err != nil {
				return err
			}
			an := iam.NewAnalyzer()
			var out []*iam.Analysis
			found := function == ""
			for _, st := range doc.App.Stacks {
				a, err := an.Analyze(cmd.Context(), st)
				if err != nil {
					return &exitError{code: ExitError, err: err}
				}
				if function != "" {
					if e := a.Function(function); e != nil {
						found = true
						a.Functions = []*iam.Effective{e}
					} else {
						a.Functions = nil
					}
				}
				out = append(out, a)
			}
			if !found {
				return &exitError{code: ExitError, err: fmt.Errorf("no function %q in %s", function, args[0])}
			}
			if format == "json" {
				if out == nil {
					out = []*iam.Analysis{}
				}
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"stacks": out})
			}
			for _, a := range out {
				if err := iam.WriteText(env.Stdout, a, function); err != nil {
					return err
				}
			}
			if function == "" {
				for _, a := range out {
					if err := writePrincipalsText(env.Stdout, a); err != nil {
						return err
					}
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text, json")
	cmd.Flags().StringVar(&function, "function", "", "show only this function (its logical ID / key)")
	cmd.AddCommand(iamEvalCommand(env), iamWhoCanCommand(env), iamProposeCommand(env))
	return cmd
}

// iamProposeCommand is `nightlight iam propose PATH...`: the policy each
// function's handler code needs, from the AWS SDK calls it makes.
func iamProposeCommand(env *Env) *cobra.Command {
	var function string
	cmd := &cobra.Command{
		Use:   "propose PATH...",
		Short: "Print the IAM policy each function's code needs (from its AWS SDK calls)",
		Long: `propose reads the handler code of each function under PATH, finds the AWS
SDK calls it makes (boto3 clients, resources and tables; AWS SDK for
JavaScript v2 and v3) and the resources they name through environment
variables the template links (TABLE_NAME: !Ref Orders), and prints, as JSON,
the least-privilege policy that code needs: one statement per resource,
written the way the template refers to it. Functions whose code nightlight
could not read are left out; notes say where the proposal is incomplete.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !code.Available() {
				return &exitError{code: ExitError, err: fmt.Errorf("this build has no handler-code analysis (built without cgo)")}
			}
			doc, err := scan.Run(cmd.Context(), scan.Options{
				Paths:   args,
				Loaders: scan.DefaultLoaders(),
				Tool:    result.Tool{Name: "nightlight", Version: Version},
				Logger:  env.Logger,
				Rules:   rules.Options{Rules: []*rule.Rule{}}, // no rule needs to run
			})
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			ps := code.Propose(doc.App)
			if function != "" {
				var keep []code.Proposal
				for _, p := range ps {
					if p.Function == function {
						keep = append(keep, p)
					}
				}
				if keep == nil {
					return &exitError{code: ExitError, err: fmt.Errorf("no function %q with readable code in %s", function, strings.Join(args, " "))}
				}
				ps = keep
			}
			if ps == nil {
				ps = []code.Proposal{}
			}
			enc := json.NewEncoder(env.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(map[string]any{"functions": ps})
		},
	}
	cmd.Flags().StringVar(&function, "function", "", "only this function (its logical ID / key)")
	return cmd
}

// iamEvalCommand is `nightlight iam eval`.
func iamEvalCommand(env *Env) *cobra.Command {
	var (
		policies, resourcePolicies, ctxArgs                    []string
		boundary, action, resource, principal, resourceAccount string
		complete                                               bool
	)
	cmd := &cobra.Command{
		Use:   "eval --policy FILE --action A --resource R",
		Short: "Decide one request against policies, as AWS would",
		Long: `eval decides whether PRINCIPAL may perform ACTION on RESOURCE under the
given identity policies, resource policies and permissions boundary, with
AWS's evaluation logic (explicit deny wins; same-account identity or
resource policy allow; cross-account both), and prints
{"decision":"allow"|"explicit-deny"|"implicit-deny","matched":[…]}.
Condition keys not given with --context are unknown: a statement that
depends on them makes the decision conditional ("conditional": true, with
the conditions that must hold), unless --complete-context says the given
keys are all the request carries.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(policies) == 0 && len(resourcePolicies) == 0 {
				return usageError("give --policy or --resource-policy")
			}
			if action == "" || resource == "" {
				return usageError("--action and --resource are required")
			}
			read := func(names []string) ([]iam.PolicyFile, error) {
				var out []iam.PolicyFile
				for _, n := range names {
					b, err := os.ReadFile(n)
					if err != nil {
						return nil, &exitError{code: ExitError, err: err}
					}
					out = append(out, iam.PolicyFile{Name: n, Data: b})
				}
				return out, nil
			}
			in := iam.EvalInput{Request: iam.Request{Principal: principal, Action: action, Resource: resource, ResourceAccount: resourceAccount}}
			var err error
			if in.Identity, err = read(policies); err != nil {
				return err
			}
			if in.Resource, err = read(resourcePolicies); err != nil {
				return err
			}
			if boundary != "" {
				b, err := read([]string{boundary})
				if err != nil {
					return err
				}
				in.Boundary = &b[0]
			}
			c, err := iam.ParseContext(ctxArgs)
			if err != nil {
				return usageError("%v", err)
			}
			c.Complete = complete
			in.Request.Context = c
			res, err := iam.Eval(cmd.Context(), iam.NewAnalyzer().Catalog, in)
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			for _, w := range res.Warnings {
				fmt.Fprintf(env.Stderr, "warning: %s\n", w)
			}
			enc := json.NewEncoder(env.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(res)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&policies, "policy", nil, "identity policy file (JSON or YAML; repeatable)")
	fl.StringArrayVar(&resourcePolicies, "resource-policy", nil, "resource-based policy file (repeatable)")
	fl.StringVar(&boundary, "boundary", "", "permissions boundary policy file")
	fl.StringVar(&action, "action", "", "action, service:Action")
	fl.StringVar(&resource, "resource", "", "resource ARN")
	fl.StringVar(&principal, "principal", "", "calling principal: role/user/session ARN, account ID or service principal (default: unknown, same account)")
	fl.StringVar(&resourceAccount, "resource-account", "", "account owning the resource when its ARN has none (S3)")
	fl.StringArrayVar(&ctxArgs, "context", nil, "condition key KEY=VALUE (repeat a key for multivalued keys)")
	fl.BoolVar(&complete, "complete-context", false, "treat condition keys not given with --context as absent instead of unknown")
	return cmd
}
