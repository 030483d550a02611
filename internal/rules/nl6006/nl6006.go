// Package nl6006 is rule NL6006: Dependencies not checked for advisories.
//
// It says, once per scan, that the functions' production packages could
// not be matched against known vulnerabilities: no offline OSV database,
// or one that lacks (or cannot read) the ecosystems the packages need. The
// rest of the scan is unaffected; the absence of NL6003 findings then
// means nothing.
package nl6006

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL6006.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL6006",
		Title:      "Dependencies not checked for advisories",
		Platforms:  []model.Provider{model.AnyProvider},
		Category:   rule.Dependency,
		Severity:   rule.Info,
		Confidence: rule.ConfidenceHigh,
		Doc: rule.Doc{
			Description: "The scan found production packages in the functions' manifests but had no offline vulnerability data for them: no database in the directory `--vuln-db` names (default: the user cache directory), or one without the packages' ecosystem, or an export that could not be read. Vulnerable dependencies (NL6003) are then not reported at all. nightlight never downloads advisories during a scan.",
			Bad:         `nightlight scan app/        # with an empty cache directory`,
			Good:        `nightlight db update --ecosystem npm,PyPI && nightlight scan app/`,
			Remediation: "Run `nightlight db update` (the only command that uses the network), or point `--vuln-db` at a directory of OSV exports (DIR/<Ecosystem>/all.zip).",
		},
		OncePerScan: firstProd,
		Run:         run,
	}
}

// firstProd is the stack the note is on: the first that deploys a
// production package.
func firstProd(app *model.App) *model.Stack {
	for _, st := range app.Stacks {
		if hasProd(st) {
			return st
		}
	}
	return nil
}

func run(ctx context.Context, p *rule.Pass) error {
	db := p.App.VulnDB
	if db == nil || (db.Available && len(db.Missing) == 0 && len(db.Errors) == 0) {
		return nil
	}
	// One note per scan: on the first stack that deploys a production
	// package.
	if firstProd(p.App) != p.Stack {
		return nil
	}
	var fn *model.Function
	var pos model.Pos
	for _, f := range p.Stack.Functions {
		if prod(f) > 0 {
			fn = f
			for _, pk := range f.Deps.Packages {
				if !pk.Dev {
					pos = pk.Pos
					break
				}
			}
			break
		}
	}
	where := "no vulnerability database"
	if db.Dir != "" {
		where = fmt.Sprintf("no vulnerability database in %s", db.Dir)
	}
	var parts []string
	switch {
	case !db.Available && len(db.Errors) == 0:
		parts = append(parts, fmt.Sprintf("%s: dependencies of every function were not checked against known vulnerabilities (ecosystems needed: %s)", where, strings.Join(db.Missing, ", ")))
	default:
		if len(db.Missing) > 0 {
			parts = append(parts, fmt.Sprintf("the vulnerability database in %s has no data for %s: those packages were not checked", db.Dir, strings.Join(db.Missing, ", ")))
		}
		for _, e := range db.Errors {
			parts = append(parts, e)
		}
	}
	p.Reportf(pos, fn.ID, "%s", strings.Join(parts, "; "))
	return nil
}

func hasProd(st *model.Stack) bool {
	for _, f := range st.Functions {
		if prod(f) > 0 {
			return true
		}
	}
	return false
}

func prod(f *model.Function) int {
	if f.Deps == nil {
		return 0
	}
	n := 0
	for _, p := range f.Deps.Packages {
		if !p.Dev {
			n++
		}
	}
	return n
}
