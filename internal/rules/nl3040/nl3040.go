// Package nl3040 is rule NL3040: Azure function identity holds a broad
// role.
//
// It reports function apps whose managed identity (system- or
// user-assigned) is given Owner, Contributor or User Access Administrator
// by a role assignment (ARM Microsoft.Authorization/roleAssignments,
// Terraform azurerm_role_assignment).
package nl3040

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL3040.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL3040",
		Title:      "Azure function identity holds a broad role",
		Category:   rule.IAM,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.Azure},
		Doc: rule.Doc{
			Description: "A function app's managed identity acts with every permission of its role assignments. Owner and User Access Administrator can grant any role to anyone (a compromised function takes over the scope); Contributor can change or delete every resource in it. Functions need data-plane roles on the resources they use (Storage Blob Data Contributor on one account, Azure Service Bus Data Receiver on one queue).",
			Bad: `{"type": "Microsoft.Authorization/roleAssignments",
 "properties": {"roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b24988ac-6180-42a0-ab88-20f7382dd24c')]",
                "principalId": "[reference(resourceId('Microsoft.Web/sites', 'orders'), '2022-03-01', 'full').identity.principalId]"}}`,
			Good: `{"type": "Microsoft.Authorization/roleAssignments",
 "scope": "[format('Microsoft.Storage/storageAccounts/{0}', 'ordersstore')]",
 "properties": {"roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')]", …}}`,
			Remediation: "Replace the assignment with data-plane roles scoped to the resources the function uses (Storage Blob Data Reader/Contributor, Service Bus Data Sender/Receiver, Key Vault Secrets User on one vault).",
		},
		Run: run,
	}
}

var broad = map[string]string{
	"owner":                     "can grant any role on its scope, so a compromised function takes the scope over",
	"user access administrator": "can grant any role on its scope, so a compromised function takes the scope over",
	"contributor":               "can change or delete every resource in its scope",
}

func run(ctx context.Context, p *rule.Pass) error {
	if p.Stack.Provider != model.Azure {
		return nil
	}
	for _, f := range p.Stack.Functions {
		r := p.Stack.Role(f.Role)
		if r == nil {
			continue
		}
		for _, pd := range r.Policies {
			why, ok := broad[strings.ToLower(pd.Name)]
			if !ok {
				continue
			}
			scope := "its scope"
			if s := pd.Document.Get("Statement").Elems(); len(s) > 0 {
				if v := s[0].Get("Resource"); v.IsResolved() {
					scope = v.String()
				} else if v.IsSet() {
					scope = "the scope " + v.String()
				} else {
					scope = "the resource group it is deployed to"
				}
			}
			p.Report(rule.Finding{Resource: f.ID, File: pd.Pos.File, Line: pd.Pos.Line, Col: pd.Pos.Col,
				Message: fmt.Sprintf("function app %s runs with a managed identity that is %s of %s: it %s", f.ID, pd.Name, scope, why),
				Path:    []graph.NodeID{kit.FnNode(p, f.ID)}})
		}
	}
	return nil
}
