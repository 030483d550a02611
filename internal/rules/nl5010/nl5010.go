// Package nl5010 is rule NL5010: Public function without an instance
// ceiling (Azure, Google Cloud, OpenWhisk).
//
// For each function an anonymous caller can run on a non-AWS platform,
// it checks for an explicit maximum instance count (Azure
// functionAppScaleLimit, Google max_instance_count / max_instances,
// Firebase maxInstances, OpenWhisk action concurrency limit) and, when
// there is none, states the worst-case cost per hour at the platform's
// default ceiling and public price (the table below), graded on the
// same spend scale as NL5001 (kit.SpendSeverity).
package nl5010

import (
	"context"
	"fmt"
	"sort"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// PricesDate is when the prices and default ceilings below were read from
// the platforms' public pricing and quota pages.
const PricesDate = "2026-11-22"

// platform holds what a worst case costs on one platform.
type platform struct {
	name string
	// ceiling is the default maximum number of instances.
	ceiling int
	// gbSecond is the price of one GB-second of memory (compute included);
	// memGB the memory an instance is billed for by default.
	gbSecond, memGB float64
	// ceilingKey is the setting that bounds instances, for messages.
	ceilingKey string
	source     string
}

var platforms = map[model.Provider]platform{
	// Azure Functions Consumption plan: $0.000016/GB-s, up to 1.5 GB per
	// instance, scale-out limit 200 instances (Windows).
	model.Azure: {"Azure Functions (Consumption plan)", 200, 0.000016, 1.5, "functionAppScaleLimit", "azure.microsoft.com/pricing/details/functions"},
	// Cloud Run functions (2nd gen): 100 instances by default; an instance
	// of 256 MiB with 0.167 vCPU costs 0.167 × $0.000024 + 0.25 × $0.0000025
	// per second ≈ $0.00001853 per GB-second of its memory.
	model.Google: {"Google Cloud Run functions", 100, 0.00001853, 0.25, "max_instance_count / maxInstances", "cloud.google.com/run/pricing"},
	// IBM Cloud Functions (OpenWhisk): $0.000017/GB-s, 256 MB default,
	// 1,000 concurrent activations per namespace.
	model.OpenWhisk: {"IBM Cloud Functions (OpenWhisk)", 1000, 0.000017, 0.25, "limits.concurrency", "cloud.ibm.com/functions/learn/pricing"},
}

// Rule returns NL5010.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL5010",
		Title:      "Public function without an instance ceiling",
		Category:   rule.DenialOfWallet,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceMedium,
		Adjust:     kit.SpendAdjust(),
		Platforms:  []model.Provider{model.Azure, model.Google, model.OpenWhisk},
		Doc: rule.Doc{
			Description: "Anyone who can call a function can make the platform scale it out to its default ceiling and bill every instance-second. Without an explicit maximum the bill is bounded only by the platform default: 200 instances on Azure Consumption (about $17/hour at $0.000016/GB-s and 1.5 GB), 100 on Cloud Run functions (about $1.67/hour for 256 MiB instances), 1,000 concurrent activations on IBM Cloud Functions (about $15/hour at $0.000017/GB-s and 256 MB). Prices and defaults as published on " + PricesDate + "; an explicit ceiling silences the finding.",
			Bad:         `export const api = onRequest({ invoker: "public" }, handler);`,
			Good:        `export const api = onRequest({ invoker: "public", maxInstances: 10 }, handler);`,
			Remediation: "Set a maximum instance count sized for real traffic (functionAppScaleLimit on Azure, max_instance_count or maxInstances on Google, a concurrency limit on OpenWhisk), and a budget alert on the billing account.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	pl, ok := platforms[p.Stack.Provider]
	if !ok {
		return nil
	}
	byFn := map[string][]*model.EntryPoint{}
	for _, ep := range p.Stack.EntryPoints {
		if _, internal := kit.InternalOnly(p.Stack.Function(ep.Function)); internal {
			continue
		}
		if ep.Auth.Type == model.AuthNone && ep.Function != "" && p.Stack.Function(ep.Function) != nil {
			byFn[ep.Function] = append(byFn[ep.Function], ep)
		}
	}
	ids := make([]string, 0, len(byFn))
	for id := range byFn {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		f := p.Stack.Function(id)
		if f.ReservedConcurrency.IsSet() {
			continue // an explicit ceiling bounds the spend
		}
		mem := pl.memGB
		if m, ok := f.MemorySize.AsFloat(); ok && m > 0 && p.Stack.Provider != model.Azure {
			mem = m / 1024
		}
		perHour := float64(pl.ceiling) * mem * pl.gbSecond * 3600
		ep := byFn[id][0]
		p.Report(rule.Finding{Resource: f.ID, Severity: kit.SpendSeverity(perHour), CostPerHour: perHour, File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col,
			Message: fmt.Sprintf("anyone can scale function %s out to the %s default of %d instances through %s: up to $%.2f per hour (%.2f GB × $%.8f per GB-second per instance, prices of %s); no %s is set",
				f.ID, pl.name, pl.ceiling, kit.EntryName(ep), perHour, mem, pl.gbSecond, PricesDate, pl.ceilingKey),
			Path: kit.EntryPath(p, ep)})
	}
	return nil
}
