// Package nl4016 is rule NL4016: Function outside a VPC uses VPC-only resources.
//
// It reports functions that use RDS databases, ElastiCache clusters, EFS
// file systems or OpenSearch domains (by policy or environment reference)
// but are not attached to a VPC. Functions that use only public AWS APIs are
// not reported: a VPC is not required for them.
package nl4016

import (
	"context"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4016.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4016",
		Title:      "Function outside a VPC uses VPC-only resources",
		Category:   rule.Misconfig,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceMedium,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Databases, caches, file systems and search domains usually live in private subnets. A function that talks to them from outside the VPC only works if they are reachable from the internet — which means they are exposed. Functions that only call public AWS APIs (DynamoDB, S3, SQS) do not need a VPC and are not reported.",
			Bad: `Fn:
  Type: AWS::Serverless::Function
  Properties:
    Environment: {Variables: {DB_HOST: !GetAtt Db.Endpoint.Address}}`,
			Good: `Fn:
  Type: AWS::Serverless::Function
  Properties:
    VpcConfig:
      SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
      SecurityGroupIds: [!Ref FnSecurityGroup]`,
			Remediation: "Attach the function to private subnets of the resource’s VPC (VpcConfig) and keep the resource private.",
		},
		Run: run,
	}
}

var vpcOnly = map[model.StoreKind]bool{model.StoreDatabase: true, model.StoreCache: true, model.StoreFileSystem: true, model.StoreSearch: true}

func run(ctx context.Context, p *rule.Pass) error {
	for _, fn := range p.Stack.Functions {
		if fn.VPC != nil {
			continue
		}
		var uses []string
		for _, e := range fn.Environment {
			for _, id := range e.Value.AllRefs() {
				if st := p.Stack.Store(id); st != nil && vpcOnly[st.Kind] {
					uses = append(uses, st.ID)
				}
			}
		}
		for _, a := range p.Facts.Access(ctx, fn) {
			if a.Exact && vpcOnly[a.Store.Kind] {
				uses = append(uses, a.Store.ID)
			}
		}
		uses = model.SortedUnique(uses)
		if len(uses) == 0 {
			continue
		}
		p.Reportf(fn.Pos, fn.ID, "function %s uses %s but is not in a VPC: it can only reach them if they are exposed to the internet", fn.ID, strings.Join(uses, ", "))
	}
	return nil
}
