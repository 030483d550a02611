package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nightlight-sec/nightlight/internal/code"
	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/report"
	"github.com/nightlight-sec/nightlight/internal/result"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules"
	"github.com/nightlight-sec/nightlight/internal/scan"
)

// iamCommand is `nightlight iam PATH...` (effective permissions and flags
// per function, then every IAM principal) with its subcommands.
func iamCommand(env *Env) *cobra.Command {
	var f scanFlags
	var function string
	cmd := &cobra.Command{
		Use:   "iam PATH...",
		Short: "Show every IAM principal and each function's effective permissions and flags",
		Long: `iam loads the templates under PATH and prints, for each function, the
permissions its execution role grants after explicit denies and the
permissions boundary: actions grouped by service and access level, the
resources they reach (mapped to the tables, buckets, queues … of the
template, with the classification the configuration gives them), and flags:
wildcards, permissions management, privilege escalation paths, secrets and
function-code reads, kms:Decrypt on *, roles shared by several functions,
managed policies nightlight does not know (by name) and misspelled actions.
Then every IAM principal of the app — roles whatever uses them (functions,
instance profiles, identity pools, state machines, API integrations, CI),
users with their groups, groups, and customer-managed policies attached to
nothing — with who can assume a role, whether it is administrator, and the
privilege-escalation paths it has.

Exit status: 0 when every input loaded, 1 when one did not, 2 on usage or
fatal errors.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.format != "text" && f.format != "json" {
				return usageError("--format %q: want text or json", f.format)
			}
			cfg, err := config.Find(f.config, args)
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			d := &iamDoc{ctx: cmd.Context(), cfg: cfg, function: function, json: f.format == "json", engine: iam.NewAnalyzer()}
			defer d.close()
			s, err := streamScan(cmd.Context(), env, &f, args, cfg, func(o *scan.Options) {
				o.Rules = rules.Options{Rules: []*rule.Rule{}, Config: cfg}
				o.Each = d.add
			})
			defer s.Close()
			if err != nil {
				return err
			}
			if len(s.Inputs) == 0 {
				return graphInputStatus(env, s.Inputs, args)
			}
			if !d.found {
				return usageError("--function %q: no such function in %s%s", function, strings.Join(args, ", "), didYouMean(function, d.names))
			}
			if err := writeOutput(env, f.output, d.write); err != nil {
				return err
			}
			if err := graphInputStatus(env, s.Inputs, args); err != nil {
				return err
			}
			if f.output != "" && !f.quiet {
				fmt.Fprintf(env.Stderr, "nightlight: permissions of %s and %s written to %s\n",
					report.Plural(d.functions, "function"), report.Plural(d.principals, "principal"), f.output)
			}
			return nil
		},
	}
	f.registerOutput(cmd, "text, json")
	f.registerInput(cmd)
	cmd.Flags().StringVar(&function, "function", "", "show only this function (its logical ID / key)")
	cmd.AddCommand(iamEvalCommand(env), iamWhoCanCommand(env), iamProposeCommand(env))
	return cmd
}

// loadIAMApp reads the configuration and loads the application for the iam
// commands: no rule runs. Inputs that do not load are left for
// graphInputStatus to report.
func loadIAMApp(ctx context.Context, env *Env, f *scanFlags, args []string) (*result.Document, *config.Config, error) {
	cfg, err := config.Find(f.config, args)
	if err != nil {
		return nil, nil, &exitError{code: ExitError, err: err}
	}
	opts, err := f.options(env, args)
	if err != nil {
		return nil, nil, err
	}
	opts.Rules = rules.Options{Rules: []*rule.Rule{}, Config: cfg}
	doc, err := f.run(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	return doc, cfg, nil
}

// storeClasses maps each stack's store IDs to the classification the
// configuration gives them (nil without classifications).
func storeClasses(app *model.App, cfg *config.Config) map[string]map[string]string {
	if app == nil || cfg == nil || len(cfg.Classifications) == 0 {
		return nil
	}
	out := map[string]map[string]string{}
	for _, st := range app.Stacks {
		for _, s := range st.Stores {
			if c := cfg.Classify(st, s); c != "" {
				if out[st.ID] == nil {
					out[st.ID] = map[string]string{}
				}
				out[st.ID][s.ID] = c
			}
		}
	}
	return out
}

// iamDoc is the iam command's output gathered part by part: each stack's
// analysis, once made, is written to temporary files (JSON, or the text
// of its functions and of its principals) and let go; what stays in
// memory is the function names (for --function), the counts and the
// stores' classifications.
type iamDoc struct {
	ctx      context.Context
	cfg      *config.Config
	function string
	json     bool
	engine   *iam.Analyzer // each part is analysed by engine.Fresh()

	stacks, principalsText *report.Temp // principalsText: text only
	nStacks                int
	classes                map[string]map[string]string
	names                  []string
	found                  bool
	functions, principals  int
}

// add analyses the stacks of one part of the scan (scan.Options.Each).
func (d *iamDoc) add(p scan.Part) error {
	if p.Whole || d.stacks == nil {
		if err := d.close(); err != nil {
			return err
		}
		*d = iamDoc{ctx: d.ctx, cfg: d.cfg, function: d.function, json: d.json, engine: d.engine, found: d.function == ""}
		var err error
		if d.stacks, err = report.NewTemp(); err != nil {
			return err
		}
		if !d.json {
			if d.principalsText, err = report.NewTemp(); err != nil {
				return err
			}
		}
	}
	// A fresh engine per part: its memo of the part's analyses goes with
	// the part (the catalog and per-action caches are shared).
	an := d.engine.Fresh()
	classes := storeClasses(p.App, d.cfg)
	for id, c := range classes {
		if d.classes == nil {
			d.classes = map[string]map[string]string{}
		}
		d.classes[id] = c
	}
	for _, st := range p.App.Stacks {
		a, err := an.Analyze(d.ctx, st)
		if err != nil {
			return &exitError{code: ExitError, err: err}
		}
		for _, e := range a.Functions {
			d.names = append(d.names, e.Function)
		}
		if d.function != "" {
			if e := a.Function(d.function); e != nil {
				d.found = true
				a.Functions = []*iam.Effective{e}
			} else {
				a.Functions = nil
			}
		}
		d.functions += len(a.Functions)
		d.principals += len(a.Principals)
		if err := d.addAnalysis(a, classes[a.Stack]); err != nil {
			return err
		}
	}
	return nil
}

// addAnalysis writes one stack's analysis.
func (d *iamDoc) addAnalysis(a *iam.Analysis, classes map[string]string) error {
	if d.json {
		// Each element of "stacks" as an indenting encoding/json Encoder
		// writes it, at depth 2.
		b, err := json.Marshal(a)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if d.nStacks > 0 {
			buf.WriteString(",\n    ")
		}
		if err := json.Indent(&buf, b, "    ", "  "); err != nil {
			return err
		}
		d.nStacks++
		_, err = d.stacks.Write(buf.Bytes())
		return err
	}
	if err := writeIAMText(d.stacks, a, d.function, classes); err != nil {
		return err
	}
	if d.function == "" {
		return writePrincipalsText(d.principalsText, a)
	}
	return nil
}

// write writes the whole output: in JSON {"stacks":[…analyses…]}, with
// "classifications" (stack → store → class) when the configuration
// classifies stores; in text every function, then every principal.
func (d *iamDoc) write(w io.Writer) error {
	if !d.json {
		if _, err := d.stacks.WriteTo(w); err != nil {
			return err
		}
		_, err := d.principalsText.WriteTo(w)
		return err
	}
	io.WriteString(w, "{\n")
	if len(d.classes) > 0 {
		b, err := json.MarshalIndent(d.classes, "  ", "  ")
		if err != nil {
			return err
		}
		io.WriteString(w, `  "classifications": `)
		w.Write(b)
		io.WriteString(w, ",\n")
	}
	if d.nStacks == 0 {
		_, err := io.WriteString(w, "  \"stacks\": []\n}\n")
		return err
	}
	io.WriteString(w, "  \"stacks\": [\n    ")
	if _, err := d.stacks.WriteTo(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n  ]\n}\n")
	return err
}

// close removes the temporary files.
func (d *iamDoc) close() error {
	return errors.Join(d.stacks.Close(), d.principalsText.Close())
}

// writeOutput runs write on --output (created) or stdout.
func writeOutput(env *Env, output string, write func(io.Writer) error) (err error) {
	w := env.Stdout
	if output != "" {
		file, err := os.Create(output)
		if err != nil {
			return &exitError{code: ExitError, err: fmt.Errorf("write %s: %w", output, err)}
		}
		defer func() {
			if cerr := file.Close(); cerr != nil && err == nil {
				err = &exitError{code: ExitError, err: fmt.Errorf("write %s: %w", output, cerr)}
			}
		}()
		w = file
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := write(bw); err != nil {
		return &exitError{code: ExitError, err: err}
	}
	if err := bw.Flush(); err != nil {
		return &exitError{code: ExitError, err: fmt.Errorf("write %s: %w", output, err)}
	}
	return nil
}

// iamProposeCommand is `nightlight iam propose PATH...`: the policy each
// function's handler code needs, from the AWS SDK calls it makes.
func iamProposeCommand(env *Env) *cobra.Command {
	var f scanFlags
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
			if f.format != "json" {
				return usageError("--format %q: want json", f.format)
			}
			doc, _, err := loadIAMApp(cmd.Context(), env, &f, args)
			if err != nil {
				return err
			}
			if len(doc.Inputs) == 0 {
				return graphInputStatus(env, doc.Inputs, args)
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
					var names []string
					for _, p := range ps {
						names = append(names, p.Function)
					}
					return usageError("--function %q: no function with readable code of that name in %s%s", function, strings.Join(args, ", "), didYouMean(function, names))
				}
				ps = keep
			}
			if ps == nil {
				ps = []code.Proposal{}
			}
			err = writeOutput(env, f.output, func(w io.Writer) error {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"functions": ps})
			})
			if err != nil {
				return err
			}
			return graphInputStatus(env, doc.Inputs, args)
		},
	}
	f.registerOutput(cmd, "json")
	setDefaultFormat(cmd, &f, "json")
	f.registerInput(cmd)
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
			c, err := parseContext(ctxArgs)
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
