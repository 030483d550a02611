// Package nl4061 is rule NL4061: Azure function app accepts insecure
// transport.
//
// It reads function apps declared in ARM templates and Terraform
// (azurerm_*function_app): httpsOnly off or left to its default (off),
// a minimum TLS version below 1.2, and FTP deployment without TLS
// (ftpsState AllAllowed).
package nl4061

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL4061.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4061",
		Title:      "Azure function app accepts insecure transport",
		Category:   rule.Misconfig,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.Azure},
		Doc: rule.Doc{
			Description: "A function app answers plain HTTP unless httpsOnly is true (the default is false), so function keys and tokens sent by a misconfigured client cross the network in clear text. TLS 1.0 and 1.1 are deprecated protocols. ftpsState AllAllowed lets anyone with the publishing credentials deploy code over unencrypted FTP.",
			Bad: `"properties": {"httpsOnly": false,
  "siteConfig": {"minTlsVersion": "1.0", "ftpsState": "AllAllowed"}}`,
			Good: `"properties": {"httpsOnly": true,
  "siteConfig": {"minTlsVersion": "1.2", "ftpsState": "Disabled"}}`,
			Remediation: "Set httpsOnly (https_only) to true, minTlsVersion (minimum_tls_version) to 1.2 or higher, and ftpsState (ftps_state) to Disabled or FtpsOnly.",
		},
		Run: run,
	}
}

// setting returns the first of the keys in the app's settings or its
// site configuration (ARM and Terraform spell them differently).
func setting(f *model.Function, keys ...string) *model.Value {
	sc := f.Settings.Get("site_config")
	if sc != nil && sc.Kind == model.List && len(sc.Items) > 0 {
		sc = sc.Items[0]
	}
	for _, k := range keys {
		if v := f.Settings.Get(k); v.IsSet() {
			return v
		}
		if v := sc.Get(k); v.IsSet() {
			return v
		}
	}
	return nil
}

func run(ctx context.Context, p *rule.Pass) error {
	if p.Stack.Provider != model.Azure {
		return nil
	}
	for _, f := range p.Stack.Functions {
		if f.Settings == nil {
			continue // a function of a project, not an app declaration
		}
		if !f.Settings.Has("httpsOnly") && !f.Settings.Has("https_only") && !f.Settings.Has("site_config") && p.Stack.Format != model.FormatARM {
			continue
		}
		path := []graph.NodeID{kit.FnNode(p, f.ID)}
		report := func(pos model.Pos, conf rule.Confidence, msg string) {
			p.Report(rule.Finding{Resource: f.ID, File: pos.File, Line: pos.Line, Col: pos.Col, Confidence: conf, Message: msg, Path: path})
		}
		switch v := setting(f, "httpsOnly", "https_only"); {
		case v == nil:
			report(f.Pos, rule.ConfidenceMedium, fmt.Sprintf("function app %s does not set httpsOnly, so it also answers plain HTTP (the default)", f.ID))
		case kit.Falsy(v):
			report(v.Pos, rule.ConfidenceHigh, fmt.Sprintf("function app %s answers plain HTTP: httpsOnly is false", f.ID))
		}
		if v := setting(f, "minTlsVersion", "minimum_tls_version"); v.IsResolved() {
			if s := strings.TrimPrefix(strings.ToUpper(v.String()), "TLS"); s == "1.0" || s == "1.1" || s == "1_0" || s == "1_1" {
				report(v.Pos, rule.ConfidenceHigh, fmt.Sprintf("function app %s accepts TLS %s, a deprecated protocol", f.ID, strings.ReplaceAll(s, "_", ".")))
			}
		}
		if v := setting(f, "ftpsState", "ftps_state"); v.IsResolved() && strings.EqualFold(v.String(), "AllAllowed") {
			report(v.Pos, rule.ConfidenceHigh, fmt.Sprintf("function app %s accepts deployments over plain FTP: ftpsState is AllAllowed", f.ID))
		}
	}
	return nil
}
