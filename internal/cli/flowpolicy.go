package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// flowKeywords are the principal selectors of the flow policy. They are
// vocabulary, not names of the application: one that selects nothing
// (no authenticated entry point, say) is not a mistake.
var flowKeywords = []string{"internet", "anonymous", "api-key", "authenticated", "account", "accounts"}

// checkFlowPolicy makes a flow-policy or boundary name that matches
// nothing in the scanned application a usage error naming the
// configuration file and line, with a suggestion: a misspelt name would
// otherwise silently check nothing. A name the configuration declares (a
// classification or a group) that selects nothing in this application is
// a warning instead: the same configuration may serve several
// applications.
func checkFlowPolicy(env *Env, cfg *config.Config, app *model.App, g *graph.Graph, quiet bool) error {
	empty := graph.EmptySelectors(g, cfg.FlowPolicy())
	if len(empty) == 0 {
		return nil
	}
	classes := map[string]bool{}
	for _, c := range cfg.Classes() {
		classes[strings.ToLower(c)] = true
	}
	groups := map[string]bool{}
	for _, gr := range cfg.Groups {
		groups[gr.Name] = true
	}
	for _, e := range empty {
		name := e.Name
		kind, arg, hasKind := strings.Cut(name, ":")
		switch {
		case e.Field == "boundary group":
			warnEmpty(env, quiet, e, "no function of the scanned application is in group "+name)
		case containsFold(flowKeywords, name):
			// vocabulary: nothing to say
		case hasKind && kind == "class" && classes[strings.ToLower(arg)], !hasKind && classes[strings.ToLower(name)]:
			warnEmpty(env, quiet, e, "no store of the scanned application is classified "+strings.TrimPrefix(name, "class:"))
		case hasKind && kind == "group" && groups[arg], !hasKind && groups[name]:
			warnEmpty(env, quiet, e, "no function of the scanned application is in group "+strings.TrimPrefix(name, "group:"))
		default:
			word := name
			if hasKind {
				word = arg
			}
			return usageError("%s: %s %q matches no classification, group, store, function or principal of the scanned application%s",
				e.Pos, e.Field, name, didYouMean(word, flowNames(cfg, app)))
		}
	}
	return nil
}

func warnEmpty(env *Env, quiet bool, e graph.EmptySelector, why string) {
	if !quiet {
		fmt.Fprintf(env.Stderr, "warning: %s: %s %q selects nothing: %s, so the rule checks nothing\n", e.Pos, e.Field, e.Name, why)
	}
}

// flowNames are the names a flow selector may use: keywords, the
// configuration's classifications and groups, and the application's
// stores and functions.
func flowNames(cfg *config.Config, app *model.App) []string {
	names := append([]string{}, flowKeywords...)
	names = append(names, cfg.Classes()...)
	for _, g := range cfg.Groups {
		names = append(names, g.Name)
	}
	if app != nil {
		for _, st := range app.Stacks {
			for _, s := range st.Stores {
				names = append(names, s.ID)
			}
			for _, f := range st.Functions {
				names = append(names, f.ID)
			}
		}
	}
	names = model.SortedUnique(names)
	sort.Strings(names)
	return names
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
