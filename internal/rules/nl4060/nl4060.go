// Package nl4060 is rule NL4060: Deprecated runtime on Azure Functions,
// Google Cloud Functions or OpenWhisk.
//
// It checks each non-AWS function's language runtime, and each Azure
// function app's Functions host version, against the platform's published
// end-of-support dates (the table below, checked on TableDate). AWS Lambda
// runtimes are NL4008's.
package nl4060

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// TableDate is when the table was last checked against the platforms'
// pages: Azure "Languages by runtime version" and "Azure Functions
// runtime versions overview" (learn.microsoft.com), Google "Cloud Run
// functions runtime support" (cloud.google.com/functions/docs/runtime-support);
// OpenWhisk runtimes follow the language's own end of life
// (nodejs.org, python.org, php.net).
const TableDate = "2026-12-07"

type entry struct {
	platform model.Provider
	runtime  string // normalised: family + version without separators
	end      string // end of support (Azure, OpenWhisk) or deprecation (Google)
	next     string
}

var table = []entry{
	{model.Azure, "host1", "2026-09-14", "Functions host 4.x (~4)"},
	{model.Azure, "host2", "2022-12-13", "Functions host 4.x (~4)"},
	{model.Azure, "host3", "2022-12-13", "Functions host 4.x (~4)"},
	{model.Azure, "hostbeta", "2022-12-13", "Functions host 4.x (~4)"}, // "beta" ran the 2.x preview
	{model.Azure, "dotnet31", "2022-12-13", ".NET 10 isolated"},
	{model.Azure, "dotnet50", "2022-05-10", ".NET 10 isolated"},
	{model.Azure, "dotnet60", "2024-11-12", ".NET 10 isolated"},
	{model.Azure, "dotnet70", "2024-05-14", ".NET 10 isolated"},
	{model.Azure, "dotnet80", "2026-11-10", ".NET 10 isolated"},
	{model.Azure, "node8", "2019-12-31", "Node.js 22"},
	{model.Azure, "node10", "2021-04-30", "Node.js 22"},
	{model.Azure, "node12", "2022-12-13", "Node.js 22"},
	{model.Azure, "node14", "2023-04-30", "Node.js 22"},
	{model.Azure, "node16", "2023-09-11", "Node.js 22"},
	{model.Azure, "node18", "2025-04-30", "Node.js 22"},
	{model.Azure, "node20", "2026-04-30", "Node.js 22"},
	{model.Azure, "python36", "2022-09-30", "Python 3.12"},
	{model.Azure, "python37", "2023-06-27", "Python 3.12"},
	{model.Azure, "python38", "2024-10-07", "Python 3.12"},
	{model.Azure, "python39", "2025-10-31", "Python 3.12"},
	{model.Azure, "python310", "2026-10-31", "Python 3.12"},
	{model.Google, "nodejs6", "2020-08-05", "nodejs22"},
	{model.Google, "nodejs8", "2021-06-05", "nodejs22"},
	{model.Google, "nodejs10", "2024-01-30", "nodejs22"},
	{model.Google, "nodejs12", "2024-01-30", "nodejs22"},
	{model.Google, "nodejs14", "2024-01-30", "nodejs22"},
	{model.Google, "nodejs16", "2024-01-30", "nodejs22"},
	{model.Google, "nodejs18", "2025-04-30", "nodejs22"},
	{model.Google, "nodejs20", "2026-04-30", "nodejs22"},
	{model.Google, "python37", "2023-06-27", "python312"},
	{model.Google, "python38", "2024-10-14", "python312"},
	{model.Google, "python39", "2025-10-05", "python312"},
	{model.Google, "go111", "2024-01-30", "go122"},
	{model.Google, "go113", "2024-01-30", "go122"},
	{model.Google, "go116", "2024-01-30", "go122"},
	{model.OpenWhisk, "nodejs6", "2019-04-30", "a Docker (blackbox) action on Node.js 22 or later: nodejs:20, Apache OpenWhisk's newest Node.js kind, reached its end of life on 2026-04-30"},
	{model.OpenWhisk, "nodejs8", "2019-12-31", "a Docker (blackbox) action on Node.js 22 or later: nodejs:20, Apache OpenWhisk's newest Node.js kind, reached its end of life on 2026-04-30"},
	{model.OpenWhisk, "nodejs10", "2021-04-30", "a Docker (blackbox) action on Node.js 22 or later: nodejs:20, Apache OpenWhisk's newest Node.js kind, reached its end of life on 2026-04-30"},
	{model.OpenWhisk, "nodejs12", "2022-04-30", "a Docker (blackbox) action on Node.js 22 or later: nodejs:20, Apache OpenWhisk's newest Node.js kind, reached its end of life on 2026-04-30"},
	{model.OpenWhisk, "nodejs14", "2023-04-30", "a Docker (blackbox) action on Node.js 22 or later: nodejs:20, Apache OpenWhisk's newest Node.js kind, reached its end of life on 2026-04-30"},
	{model.OpenWhisk, "nodejs16", "2023-09-11", "a Docker (blackbox) action on Node.js 22 or later: nodejs:20, Apache OpenWhisk's newest Node.js kind, reached its end of life on 2026-04-30"},
	{model.OpenWhisk, "nodejs18", "2025-04-30", "a Docker (blackbox) action on Node.js 22 or later: nodejs:20, Apache OpenWhisk's newest Node.js kind, reached its end of life on 2026-04-30"},
	{model.OpenWhisk, "nodejs20", "2026-04-30", "a Docker (blackbox) action on Node.js 22 or later: nodejs:20, Apache OpenWhisk's newest Node.js kind, reached its end of life on 2026-04-30"},
	{model.OpenWhisk, "python2", "2020-01-01", "python:3.12"},
	{model.OpenWhisk, "python36", "2021-12-23", "python:3.12"},
	{model.OpenWhisk, "python37", "2023-06-27", "python:3.12"},
	{model.OpenWhisk, "python38", "2024-10-07", "python:3.12"},
	{model.OpenWhisk, "python39", "2025-10-31", "python:3.12"},
	{model.OpenWhisk, "python310", "2026-10-31", "python:3.12"},
	{model.OpenWhisk, "php72", "2020-11-30", "php:8.3"},
	{model.OpenWhisk, "php73", "2021-12-06", "php:8.3"},
	{model.OpenWhisk, "php74", "2022-11-28", "php:8.3"},
	{model.OpenWhisk, "php80", "2023-11-26", "php:8.3"},
	{model.OpenWhisk, "php81", "2025-12-31", "php:8.3"},
	{model.OpenWhisk, "ruby25", "2021-04-05", "a Docker (blackbox) action on a supported Ruby: ruby:2.6, Apache OpenWhisk's newest Ruby kind, reached its end of life on 2022-04-12"},
	{model.OpenWhisk, "ruby26", "2022-04-12", "a Docker (blackbox) action on a supported Ruby: ruby:2.6, Apache OpenWhisk's newest Ruby kind, reached its end of life on 2022-04-12"},
}

// Rule returns NL4060.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4060",
		Title:      "Deprecated runtime on Azure, Google Cloud or OpenWhisk",
		Category:   rule.Misconfig,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.Azure, model.Google, model.OpenWhisk},
		Doc: rule.Doc{
			Description: "A function on a runtime past its end of support gets no security patches; Azure stops supporting the app, Google blocks deployments after decommission, and OpenWhisk runtime images stop being rebuilt once the language itself is end of life. Checked: Azure Functions host versions (~1, ~2, ~3) and language versions (FUNCTIONS_WORKER_RUNTIME with its version, linuxFxVersion, the .csproj target framework, azurerm application_stack), Google runtimes (nodejs18, python38, …) and OpenWhisk kinds (nodejs:10, python:2, …), against the dates in the rule's table (checked " + TableDate + ").",
			Bad: `<TargetFramework>netcoreapp3.1</TargetFramework>
<AzureFunctionsVersion>v3</AzureFunctionsVersion>`,
			Good: `<TargetFramework>net8.0</TargetFramework>
<AzureFunctionsVersion>v4</AzureFunctionsVersion>`,
			Remediation: "Move the function to a supported runtime (the finding names one) and redeploy; on Azure also move the app to Functions host 4.x (FUNCTIONS_EXTENSION_VERSION ~4).",
		},
		Run: run,
	}
}

var sepRE = regexp.MustCompile(`[^a-z0-9]`)

// normalise turns a runtime as written into the table's form.
func normalise(p model.Provider, s string) string {
	s = strings.ToLower(s)
	s = strings.ReplaceAll(s, "-isolated", "")
	s = strings.ReplaceAll(s, "netcoreapp", "")
	s = strings.ReplaceAll(s, "dotnet-net", "dotnet")
	s = strings.TrimPrefix(s, "dotnet-")
	if strings.HasPrefix(s, "3.1") || strings.HasPrefix(s, "5.0") || strings.HasPrefix(s, "6.0") || strings.HasPrefix(s, "7.0") || strings.HasPrefix(s, "8.0") {
		s = "dotnet" + s
	}
	s = sepRE.ReplaceAllString(s, "")
	if p == model.Azure {
		s = strings.Replace(s, "nodejs", "node", 1)
		if strings.HasPrefix(s, "dotnet") && len(s) == len("dotnet")+1 {
			s += "0" // "dotnet6" → "dotnet60"
		}
	}
	if p == model.Google && strings.HasPrefix(s, "node") && !strings.HasPrefix(s, "nodejs") {
		s = "nodejs" + strings.TrimPrefix(s, "node")
	}
	return s
}

func lookup(p model.Provider, rt string) (entry, bool) {
	n := normalise(p, rt)
	for _, e := range table {
		if e.platform == p && (n == e.runtime || strings.HasPrefix(n, e.runtime) && p == model.OpenWhisk && e.runtime == "python2") {
			return e, true
		}
	}
	return entry{}, false
}

// hostVersion returns an Azure app's Functions host version setting.
func hostVersion(f *model.Function) *model.Value {
	for _, k := range []string{"functionsVersion", "functions_extension_version"} {
		if v := f.Settings.Get(k); v.IsResolved() {
			return v
		}
	}
	for _, e := range f.Environment {
		if e.Name == "FUNCTIONS_EXTENSION_VERSION" && e.Value.IsResolved() {
			return e.Value
		}
	}
	return nil
}

func run(ctx context.Context, p *rule.Pass) error {
	pl := p.Stack.Provider
	if pl != model.Azure && pl != model.Google && pl != model.OpenWhisk {
		return nil
	}
	type hit struct {
		pos  model.Pos
		what string
		e    entry
		fns  []string
	}
	hits := map[model.Pos]*hit{}
	add := func(v *model.Value, what string, e entry, fn string) {
		h := hits[v.Pos]
		if h == nil {
			h = &hit{pos: v.Pos, what: what, e: e}
			hits[v.Pos] = h
		}
		h.fns = append(h.fns, fn)
	}
	for _, f := range p.Stack.Functions {
		if f.Runtime.IsResolved() {
			if e, ok := lookup(pl, f.Runtime.String()); ok && deprecated(p.Now, e) {
				add(f.Runtime, "runtime "+f.Runtime.String(), e, f.ID)
			}
		}
		if pl == model.Azure {
			if v := hostVersion(f); v != nil {
				ver := strings.TrimLeft(strings.ToLower(v.String()), "~v")
				if i := strings.IndexByte(ver, '.'); i > 0 {
					ver = ver[:i]
				}
				if e, ok := lookup(pl, "host"+ver); ok && deprecated(p.Now, e) {
					add(v, "Functions host version "+v.String(), e, f.ID)
				}
			}
		}
	}
	var out []*hit
	for _, h := range hits {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].pos.File != out[j].pos.File {
			return out[i].pos.File < out[j].pos.File
		}
		return out[i].pos.Line < out[j].pos.Line || out[i].pos.Line == out[j].pos.Line && out[i].pos.Col < out[j].pos.Col
	})
	for _, h := range out {
		sort.Strings(h.fns)
		p.Report(rule.Finding{Resource: h.fns[0], File: h.pos.File, Line: h.pos.Line, Col: h.pos.Col,
			Message: fmt.Sprintf("%s of %s reached end of support on %s: move to %s", h.what, kit.Who(h.fns), h.e.end, h.e.next),
			Path:    []graph.NodeID{kit.FnNode(p, h.fns[0])}})
	}
	return nil
}

func deprecated(now time.Time, e entry) bool {
	t, err := time.Parse("2006-01-02", e.end)
	return err == nil && !now.Before(t)
}
