// Package nl4109 is rule NL4109: Stack output exposes a secret.
//
// It reports stack outputs (CloudFormation Outputs, Terraform output
// blocks) whose value is a secret: an access key's secret, an app client
// secret, a generated password or private key, a NoEcho parameter or
// sensitive variable, a resolved Secrets Manager or SecureString value.
package nl4109

import (
	"context"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4109.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4109",
		Title:      "Stack output exposes a secret",
		Category:   rule.Secrets,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "Stack outputs are plain text. CloudFormation shows them to anyone allowed cloudformation:DescribeStacks (and exports to every stack of the account and region); Terraform writes them to the state file and prints them after apply unless marked sensitive. An output that carries an access key's secret, an app client secret, a generated password or a NoEcho parameter hands the secret to everyone who can read the stack.",
			Bad: `Outputs:
  SecretKey:
    Value: !GetAtt DeployerKey.SecretAccessKey`,
			Good: `DeployerKeySecret:
  Type: AWS::SecretsManager::Secret
  Properties:
    SecretString: !GetAtt DeployerKey.SecretAccessKey
Outputs:
  SecretKeyArn:
    Value: !Ref DeployerKeySecret`,
			Remediation: "Output a reference instead (the Secrets Manager secret's ARN, the parameter name) and let consumers read the value with their own permissions; in Terraform, mark unavoidable secret outputs sensitive = true.",
		},
		Run: run,
	}
}

// secretAttrs maps resource types to the attributes that hold a secret.
var secretAttrs = map[string][]string{
	"AWS::IAM::AccessKey":                   {"SecretAccessKey"},
	"AWS::Cognito::UserPoolClient":          {"ClientSecret"},
	"AWS::SecretsManager::Secret":           {"SecretString"},
	"aws_iam_access_key":                    {"secret", "ses_smtp_password_v4", "encrypted_secret"},
	"aws_cognito_user_pool_client":          {"client_secret"},
	"aws_secretsmanager_secret_version":     {"secret_string", "secret_binary"},
	"random_password":                       {"result", "bcrypt_hash"},
	"tls_private_key":                       {"private_key_pem", "private_key_openssh", "private_key_pem_pkcs8"},
	"aws_iam_user_login_profile":            {"password", "encrypted_password"},
	"aws_db_instance":                       {"password"},
	"aws_rds_cluster":                       {"master_password"},
	"aws_ssm_parameter":                     {"value", "insecure_value"},
	"aws_api_gateway_api_key":               {"value"},
	"aws_appsync_api_key":                   {"key"},
	"aws_lightsail_key_pair":                {"private_key"},
	"aws_elasticache_user":                  {"passwords"},
	"aws_opensearch_domain_master_password": {"master_user_password"},
}

// Secret returns a description of the secret v carries ("the SecretAccessKey
// of DeployerKey"), or "" when it carries none that nightlight knows.
func Secret(st *model.Stack, v *model.Value) string {
	found := ""
	v.Walk(func(x *model.Value) bool {
		if found != "" {
			return false
		}
		if x.Kind == model.String && (strings.Contains(x.Str, "{{resolve:secretsmanager:") || strings.Contains(x.Str, "{{resolve:ssm-secure:")) {
			found = "a dynamic reference to a secret"
			return false
		}
		if x.Kind == model.String && x.Unresolved {
			for _, p := range st.Parameters {
				if p.NoEcho && (strings.Contains(x.Str, "${"+p.ID+"}") || strings.Contains(x.Str, "${var."+p.ID+"}")) {
					found = "parameter " + p.ID + ", which is NoEcho/sensitive"
					return false
				}
			}
		}
		src := x.Source
		for _, id := range x.Refs {
			if p := param(st, id); p != nil && p.NoEcho {
				found = "parameter " + id + ", which is NoEcho/sensitive"
				return false
			}
			r := st.ByID(id)
			if r == nil {
				continue
			}
			for _, attr := range secretAttrs[r.Type] {
				if strings.Contains(src, id+"."+attr) {
					found = "the " + attr + " of " + id
					return false
				}
			}
		}
		if strings.HasPrefix(src, "var.") || strings.HasPrefix(src, "parameter ") {
			name := strings.TrimPrefix(strings.TrimPrefix(src, "var."), "parameter ")
			if p := param(st, name); p != nil && p.NoEcho {
				found = "parameter " + name + ", which is NoEcho/sensitive"
				return false
			}
		}
		return true
	})
	return found
}

func param(st *model.Stack, id string) *model.Parameter {
	for _, p := range st.Parameters {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, o := range p.Stack.Outputs {
		what := Secret(p.Stack, o.Value)
		if what == "" {
			continue
		}
		where := "output " + o.ID
		if o.Export.IsSet() {
			where = "exported output " + o.ID
		}
		p.Report(rule.Finding{
			Resource: o.ID, File: o.Pos.File, Line: o.Pos.Line,
			Message: fmt.Sprintf("%s exposes %s in plain text to everyone who can read the stack", where, what),
		})
	}
	return nil
}
