// Package nl4120 is rule NL4120: Azure account key in a connection
// string.
//
// It reports app settings (local.settings.json Values and
// ConnectionStrings, ARM appSettings, Terraform app_settings) whose value
// is a connection string carrying a literal account or shared access key:
// Storage (AccountKey=), Service Bus and Event Hubs (SharedAccessKey=),
// Cosmos DB (AccountKey=), SignalR/Web PubSub (AccessKey=). The storage
// emulator's published development key and placeholders are skipped.
package nl4120

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
	"github.com/nightlight-sec/nightlight/internal/secret"
)

// Rule returns NL4120.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4120",
		Title:      "Azure account key in a connection string",
		Category:   rule.Secrets,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AnyProvider},
		Doc: rule.Doc{
			Description: "A storage account key or a Service Bus / Event Hubs shared access key in a connection string grants full access to the whole account or namespace, forever (until rotated). Committed in local.settings.json or written into a template's app settings, it is readable by everyone with the repository. Identity-based connections (AzureWebJobsStorage__accountName with a managed identity) or a Key Vault reference need no key in the settings.",
			Bad: `"Values": {
  "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=orders;AccountKey=q8Vd…=="
}`,
			Good: `"Values": {
  "AzureWebJobsStorage__accountName": "orders"
}`,
			Remediation: "Rotate the key now (it is in the history), use an identity-based connection (SETTING__accountName / __fullyQualifiedNamespace with a managed identity) or @Microsoft.KeyVault(SecretUri=…) references, and keep local.settings.json out of version control.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	// Any platform: an Azure key in a Lambda's environment leaks as well.
	seen := map[*model.Value]bool{}
	for _, f := range p.Stack.Functions {
		for _, e := range f.Environment {
			v := e.Value
			if !v.IsResolved() || v.Kind != model.String || seen[v] {
				continue
			}
			seen[v] = true
			name, key, ok := kit.AzureConnectionKey(v.Str)
			if !ok {
				continue
			}
			pos := v.Pos
			where := "app setting"
			if strings.Contains(strings.ToLower(pos.File), "local.settings") {
				where = "local setting"
			}
			p.Report(rule.Finding{Resource: f.ID, File: pos.File, Line: pos.Line, Col: pos.Col,
				Message: fmt.Sprintf("%s %s holds a connection string with a literal %s (%s): whoever reads it has full access to the account", where, e.Name, name, secret.Mask(key)),
				Path:    []graph.NodeID{kit.FnNode(p, f.ID)}})
		}
	}
	return nil
}
