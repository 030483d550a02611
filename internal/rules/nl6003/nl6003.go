// Package nl6003 is rule NL6003: Vulnerable dependency.
//
// It reports each production package a function deploys whose version an
// OSV advisory of the offline database affects: one finding per function
// and package, listing every advisory, with the version that fixes them
// all. The advisory's severity is raised one step when outsiders can make
// the function run (anonymous Internet callers, any AWS account) and
// lowered one step when the handler's code provably never imports the
// package; a version taken from a range (no lockfile) lowers the
// confidence.
package nl6003

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/google/osv-scalibr/semantic"

	"github.com/nightlight-sec/nightlight/internal/deps"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/depkit"
)

// Rule returns NL6003.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL6003",
		Title:      "Vulnerable dependency",
		Platforms:  []model.Provider{model.AnyProvider},
		Category:   rule.Dependency,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Doc: rule.Doc{
			Description: "A package the function deploys (from its lockfile, manifest or an attached layer) has a known vulnerability in the offline OSV database (`nightlight db update`, `--vuln-db`). The finding lists every advisory of the package, takes the highest advisory severity, raises it one step when anonymous Internet callers or any AWS account can make the function run, and lowers it one step when the handler's code never imports the package. Development-only packages are not deployed and are not reported. Versions taken from a range because no lockfile exists are the lowest the range allows: the finding then has low confidence.",
			Bad: `# package-lock.json of the function's CodeUri
"node_modules/lodash": { "version": "4.17.15" }`,
			Good:        `"node_modules/lodash": { "version": "4.17.21" }`,
			Remediation: "Upgrade the package to a fixed version (or remove it), regenerate the lockfile and redeploy.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, fn := range p.Stack.Functions {
		if fn.Deps == nil {
			continue
		}
		// One finding per package: the versions of one package the
		// function ships (nested copies, a layer's) are listed together.
		type key struct{ eco, name string }
		groups := map[key][]*model.Package{}
		var order []key
		for _, pkg := range fn.Deps.Packages {
			if pkg.Dev || len(pkg.Advisories) == 0 {
				continue
			}
			k := key{pkg.Ecosystem, deps.NormalizeName(pkg.Ecosystem, pkg.Name)}
			if groups[k] == nil {
				order = append(order, k)
			}
			groups[k] = append(groups[k], pkg)
		}
		if len(order) == 0 {
			continue
		}
		ex := depkit.ExposureOf(ctx, p, fn)
		for _, k := range order {
			report(p, fn, groups[k], ex)
		}
	}
	return nil
}

func report(p *rule.Pass, fn *model.Function, pkgs []*model.Package, ex depkit.Exposure) {
	base := rule.Severity("")
	var ids []string
	seen := map[string]bool{}
	for _, pkg := range pkgs {
		for _, a := range pkg.Advisories {
			if seen[a.ID] {
				continue
			}
			seen[a.ID] = true
			s := rule.Severity(a.Severity)
			if s.Rank() < 0 {
				s = rule.Medium
			}
			if s.Rank() > base.Rank() {
				base = s
			}
			id := a.ID
			var extra []string
			if len(a.Aliases) > 0 {
				extra = append(extra, strings.Join(a.Aliases, ", "))
			}
			if a.Severity != "" {
				extra = append(extra, a.Severity)
			}
			if len(extra) > 0 {
				id += " (" + strings.Join(extra, "; ") + ")"
			}
			if a.Summary != "" {
				id += ": " + strings.TrimSuffix(a.Summary, ".")
			}
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	sev := base
	var why []string
	if ex.Untrusted {
		sev = depkit.Shift(sev, 1)
		why = append(why, "raised: the function runs for "+ex.Why)
	}
	// Reachability is per package name: the best of its copies.
	reach, note := depkit.ReachUnknown, ""
	for _, pkg := range pkgs {
		r, n := depkit.ReachOf(fn, pkg)
		if reach == depkit.ReachUnknown || r == depkit.Imported {
			reach, note = r, n
		}
	}
	switch reach {
	case depkit.NotImported:
		sev = depkit.Shift(sev, -1)
		why = append(why, "lowered: "+reach.String()+" ("+note+")")
	case depkit.Imported:
		why = append(why, note)
	default:
		if note != "" {
			why = append(why, reach.String()+": "+note)
		} else {
			why = append(why, reach.String())
		}
	}
	conf := rule.ConfidenceHigh
	var versions []string
	for _, pkg := range pkgs {
		v := pkg.Version
		if pkg.Pinning == model.PinRange {
			conf = rule.ConfidenceLow
			v = fmt.Sprintf("%s (the lowest version %q allows; without a lockfile the build is not reproducible)", pkg.Version, pkg.Constraint)
		}
		v += " from " + depkit.Where(pkg)
		if pkg.Pos.Line > 0 && len(pkgs) > 1 {
			v += fmt.Sprintf(":%d", pkg.Pos.Line)
		}
		versions = append(versions, v)
	}
	what := "advisory"
	if len(ids) > 1 {
		what = fmt.Sprintf("%d advisories", len(ids))
	}
	msg := fmt.Sprintf("function %s deploys %s %s, affected by %s: %s; %s", fn.ID, pkgs[0].Name, strings.Join(versions, " and "), what, strings.Join(ids, "; "), strings.Join(why, "; "))
	f := rule.Finding{Resource: fn.ID, Message: msg, Severity: sev, Confidence: conf, Remediation: remediation(pkgs), Path: ex.Path}
	f.At(pkgs[0].Pos)
	p.Report(f)
}

// remediation names, for each version deployed, the lowest version that
// fixes every advisory of it, and the advisories without a fix.
func remediation(pkgs []*model.Package) string {
	var out []string
	nofix := map[string]bool{}
	layers := map[string]bool{}
	for _, pkg := range pkgs {
		best := ""
		for _, a := range pkg.Advisories {
			if len(a.Fixed) == 0 {
				nofix[a.ID] = true
				continue
			}
			lo := a.Fixed[0]
			for _, f := range a.Fixed[1:] {
				if cmp(pkg.Ecosystem, f, lo) < 0 {
					lo = f
				}
			}
			if best == "" || cmp(pkg.Ecosystem, lo, best) > 0 {
				best = lo
			}
		}
		if best != "" {
			s := fmt.Sprintf("upgrade %s %s to %s or later", pkg.Name, pkg.Version, best)
			if len(out) == 0 || out[len(out)-1] != s {
				out = append(out, s)
			}
		}
		if pkg.Layer != "" {
			layers[pkg.Layer] = true
		}
	}
	if len(nofix) == 0 && len(out) > 0 {
		out[len(out)-1] += " (fixes every listed advisory)"
	}
	if len(nofix) > 0 {
		ids := make([]string, 0, len(nofix))
		for id := range nofix {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		out = append(out, fmt.Sprintf("no fixed version is published for %s: remove or replace the package, or confirm the vulnerable code is not used", strings.Join(ids, ", ")))
	}
	for _, l := range sortedKeys(layers) {
		out = append(out, "rebuild layer "+l)
	}
	s := strings.Join(out, "; ")
	return strings.ToUpper(s[:1]) + s[1:] + "; update the manifest or lockfile and redeploy."
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func cmp(eco, a, b string) int {
	v, err := semantic.Parse(strings.TrimPrefix(a, "v"), eco)
	if err != nil {
		return strings.Compare(a, b)
	}
	c, err := v.CompareStr(strings.TrimPrefix(b, "v"))
	if err != nil {
		return strings.Compare(a, b)
	}
	return c
}
