// Package nl6004 is rule NL6004: Dependency versions not locked.
//
// It reports a deployed manifest whose production packages are not locked:
// a package.json without a lockfile, a requirements file with ranges or
// bare names, `*` and `latest`. What such a build installs changes from
// one deploy to the next, and what nightlight matched against advisories
// is only the lowest version a range allows.
package nl6004

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/depkit"
)

// Rule returns NL6004.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL6004",
		Title:      "Dependency versions not locked",
		Platforms:  []model.Provider{model.AnyProvider},
		Category:   rule.Dependency,
		Severity:   rule.Low,
		Confidence: rule.ConfidenceHigh,
		Doc: rule.Doc{
			Description: "The function's manifest lets the build pick versions: a package.json without package-lock.json, yarn.lock or pnpm-lock.yaml, a requirements.txt with `>=` ranges or bare names, a `*` or `latest` version. Each deploy may ship different code than the one reviewed and tested, a compromised new release is installed automatically, and vulnerability matching can only assume the lowest version a range allows. Development-only packages are not counted.",
			Bad: `# requirements.txt
requests
PyYAML>=5.1`,
			Good: `# requirements.txt (pip-compile or pip freeze)
requests==2.32.3
PyYAML==6.0.2`,
			Remediation: "Commit a lockfile (npm install writes package-lock.json; pip-compile, Poetry or uv for Python) or pin exact versions, and build from it (npm ci).",
		},
		Run: run,
	}
}

type manifest struct {
	file      string
	fns       []string
	ranges    []string
	unpinned  []string
	firstLine int
}

func run(ctx context.Context, p *rule.Pass) error {
	byFile := map[string]*manifest{}
	for _, fn := range p.Stack.Functions {
		if fn.Deps == nil {
			continue
		}
		seen := map[string]bool{}
		for _, pkg := range fn.Deps.Packages {
			if pkg.Dev || (pkg.Pinning != model.PinRange && pkg.Pinning != model.PinNone) {
				continue
			}
			m := byFile[pkg.Pos.File]
			if m == nil {
				m = &manifest{file: pkg.Pos.File, firstLine: pkg.Pos.Line}
				byFile[pkg.Pos.File] = m
			}
			if !seen[pkg.Pos.File] {
				seen[pkg.Pos.File] = true
				m.fns = append(m.fns, fn.ID)
			}
			if len(m.fns) > 1 {
				continue // the packages were counted for the first function
			}
			if pkg.Pos.Line > 0 && (m.firstLine == 0 || pkg.Pos.Line < m.firstLine) {
				m.firstLine = pkg.Pos.Line
			}
			if pkg.Pinning == model.PinNone {
				m.unpinned = append(m.unpinned, pkg.Name+nonEmpty(pkg.Constraint))
			} else {
				m.ranges = append(m.ranges, fmt.Sprintf("%s %s", pkg.Name, pkg.Constraint))
			}
		}
	}
	files := make([]string, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		m := byFile[f]
		sort.Strings(m.fns)
		var parts []string
		if len(m.unpinned) > 0 {
			parts = append(parts, fmt.Sprintf("%d with any version (%s)", len(m.unpinned), list(m.unpinned)))
		}
		if len(m.ranges) > 0 {
			parts = append(parts, fmt.Sprintf("%d from ranges (%s)", len(m.ranges), list(m.ranges)))
		}
		msg := fmt.Sprintf("%s installs production packages without a lock: %s; each deploy of %s may ship different code (advisories were matched against the lowest version of each range)", shortName(f), strings.Join(parts, ", "), depkit.Functions(m.fns))
		fi := rule.Finding{Resource: m.fns[0], Message: msg}
		fi.At(model.Pos{File: f, Line: m.firstLine})
		p.Report(fi)
	}
	return nil
}

func nonEmpty(c string) string {
	if c == "" {
		return ""
	}
	return " " + c
}

func list(ss []string) string {
	sort.Strings(ss)
	if len(ss) > 4 {
		return strings.Join(ss[:4], ", ") + fmt.Sprintf(" and %d more", len(ss)-4)
	}
	return strings.Join(ss, ", ")
}

func shortName(f string) string {
	if i := strings.LastIndex(f, "/"); i >= 0 {
		return f[i+1:]
	}
	return f
}
