package aws

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// secretAttrs maps resource types to the attributes that hold a secret,
// in CloudFormation and in Terraform.
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

// MarkSecrets sets Value.Secret on every value of the stack that derives
// from a secret: an attribute that holds one (an access key's secret, a
// generated password, a private key…), a NoEcho parameter or sensitive
// variable, a dynamic reference to Secrets Manager or a SecureString. Rules
// then read model.SecretIn instead of knowing each format's attribute
// names.
func MarkSecrets(st *model.Stack) {
	if st == nil {
		return
	}
	noEcho := map[string]bool{}
	for _, p := range st.Parameters {
		if p.NoEcho {
			noEcho[p.ID] = true
		}
	}
	mark := func(v *model.Value) {
		v.Walk(func(x *model.Value) bool {
			if x.Secret == "" {
				x.Secret = secretOf(st, x, noEcho)
			}
			return true
		})
	}
	for _, r := range st.Resources {
		mark(r.Properties)
	}
	for _, o := range st.Outputs {
		mark(o.Value)
	}
	for _, fn := range st.Functions {
		for _, e := range fn.Environment {
			mark(e.Value)
		}
	}
}

// secretOf describes the secret x itself carries, or "".
func secretOf(st *model.Stack, x *model.Value, noEcho map[string]bool) string {
	if x.Kind == model.String && (strings.Contains(x.Str, "{{resolve:secretsmanager:") || strings.Contains(x.Str, "{{resolve:ssm-secure:")) {
		return "a dynamic reference to a secret"
	}
	sensitive := func(name string) string {
		if st.Format == model.FormatTerraform || st.Format == model.FormatTerraformPlan {
			return "the sensitive variable var." + name
		}
		return "the NoEcho parameter " + name
	}
	if x.Kind == model.String && x.Unresolved {
		for _, p := range st.Parameters { // in order: the same answer every run
			if id := p.ID; noEcho[id] && (strings.Contains(x.Str, "${"+id+"}") || strings.Contains(x.Str, "${var."+id+"}")) {
				return sensitive(id)
			}
		}
	}
	for _, id := range x.Refs {
		if noEcho[id] {
			return sensitive(id)
		}
		r := st.ByID(id)
		if r == nil {
			continue
		}
		for _, attr := range secretAttrs[r.Type] {
			if strings.Contains(x.Source, id+"."+attr) {
				return "the " + attr + " of " + id
			}
		}
	}
	for _, prefix := range []string{"var.", "parameter "} {
		if name, ok := strings.CutPrefix(x.Source, prefix); ok && noEcho[name] {
			return sensitive(name)
		}
	}
	return ""
}
