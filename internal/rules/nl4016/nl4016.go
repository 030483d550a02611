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
			Description: "Databases, caches, file systems and search domains usually live in private subnets. A function that talks to them from outside the VPC only works if they are reachable from the internet — which means they are exposed. Functions that only call public AWS APIs (DynamoDB, S3, SQS, and the control-plane or Data API of RDS: snapshots, rds-data) do not need a VPC and are not reported: the rule counts an environment variable that holds the resource's endpoint, host, port or URL, and IAM grants that connect to it (rds-db:connect, elasticache:Connect, EFS client access, OpenSearch HTTP, DAX, Neptune).",
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
			if !endpoint(e.Value) {
				continue
			}
			for _, id := range e.Value.AllRefs() {
				if st := p.Stack.Store(id); st != nil && vpcOnly[st.Kind] {
					uses = append(uses, st.ID)
				}
			}
		}
		if e := p.Facts.Effective(ctx, fn); e != nil {
			for _, g := range e.Grants {
				if !dataPlane(g.Action) {
					continue
				}
				for _, t := range g.Targets {
					if st := p.Stack.Store(t.ID); st != nil && vpcOnly[st.Kind] && t.Confidence == model.ConfidenceHigh {
						uses = append(uses, st.ID)
					}
				}
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

// endpoint reports whether an environment value hands the function a
// network address of a resource (its endpoint, host, port or URL), which
// the function connects to, rather than a name or ARN, which it passes to
// the service's public API (an RDS snapshot, the RDS Data API).
func endpoint(v *model.Value) bool {
	for _, t := range []string{v.Source, v.Str} {
		words := strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return (r < 'a' || r > 'z') && (r < '0' || r > '9') })
		for _, w := range words {
			switch w {
			case "port", "host", "dns", "url", "uri":
				return true
			}
			// Attribute names: Endpoint, DomainEndpoint, reader_endpoint,
			// Address, HostName, DNSName.
			for _, suffix := range []string{"endpoint", "address", "hostname", "dnsname"} {
				if strings.HasSuffix(w, suffix) {
					return true
				}
			}
		}
	}
	return false
}

// dataPlane reports whether an IAM action is a connection to the resource
// itself (IAM database authentication, a cache or file system client, a
// search domain's HTTP API, a DAX or Neptune data call) rather than a call
// to the service's control-plane API, which needs no VPC (rds:CreateDBSnapshot,
// rds-data:ExecuteStatement through the Data API's public endpoint).
func dataPlane(action string) bool {
	a := strings.ToLower(action)
	for _, p := range []string{"rds-db:", "neptune-db:", "dax:", "elasticache:connect", "elasticfilesystem:client", "es:eshttp", "aoss:apiaccessall"} {
		if strings.HasPrefix(a, p) {
			return true
		}
	}
	return false
}
