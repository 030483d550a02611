// Package nl4110 is rule NL4110: Terraform writes a secret into a file or
// stored object.
//
// It reports local_file and S3 object resources whose content is built from
// a secret Terraform knows (a generated password, an access key's secret, a
// private key, a secret version, a database password, a sensitive
// variable). The file or object holds the secret in clear text; a file in
// a function's source directory is shipped in its deployment package.
package nl4110

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Rule returns NL4110.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL4110",
		Title:      "Terraform writes a secret into a file or stored object",
		Category:   rule.Secrets,
		Severity:   rule.Medium,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust:     []rule.Adjustment{{Severity: rule.High, When: "the file is inside a function's source directory: the secret ships in its deployment package"}},
		Doc: rule.Doc{
			Description: "A local_file or S3 object whose content comes from a secret (random_password, an access key's secret, a private key, a Secrets Manager secret version, a database password, a sensitive variable) writes that secret in clear text: to the disk of whoever runs Terraform and into the state, or to a bucket readable by anyone with s3:GetObject. A file written into a function's source directory is zipped into its deployment package, where anyone allowed lambda:GetFunction can download it (high).",
			Bad: `resource "local_file" "config" {
  filename = "${path.module}/src/config.json"
  content  = jsonencode({ api_key = random_password.api.result })
}`,
			Good: `resource "aws_secretsmanager_secret_version" "api" {
  secret_id     = aws_secretsmanager_secret.api.id
  secret_string = random_password.api.result
}
# the function reads the secret at run time (secretsmanager:GetSecretValue)`,
			Remediation: "Keep the secret in Secrets Manager or an SSM SecureString and read it at run time; if a file is unavoidable, use local_sensitive_file outside any deployed directory, or an S3 object encrypted with a customer key and a narrow bucket policy.",
		},
		Run: run,
	}
}

// secretSource matches Terraform expressions that evaluate to a secret.
var contentKeys = []string{"content", "content_base64", "sensitive_content"}

func run(ctx context.Context, p *rule.Pass) error {
	for _, r := range p.Stack.Resources {
		var what string
		switch r.Type {
		case "local_file":
			what = "file"
		case "aws_s3_object", "aws_s3_bucket_object":
			what = "S3 object"
		default:
			continue
		}
		for _, k := range contentKeys {
			v := r.Properties.Get(k)
			if !v.IsSet() {
				continue
			}
			src := model.SecretIn(v)
			if src == "" {
				continue
			}
			sev, where := rule.Severity(""), ""
			if what == "file" {
				name := r.Properties.Get("filename").String()
				if fn := deployedIn(p.Stack, name); fn != "" {
					sev, where = rule.High, fmt.Sprintf(", inside the source directory of function %s: the secret ships in its deployment package, downloadable with lambda:GetFunction", fn)
				} else {
					where = fmt.Sprintf(" (%s): the secret sits in clear text on the disk of whoever runs Terraform", path.Clean(name))
				}
			} else {
				where = fmt.Sprintf(" (%s/%s): anyone allowed s3:GetObject on it reads the secret", r.Properties.Get("bucket").String(), r.Properties.Get("key").String())
			}
			pos := v.PosOr(r.Pos)
			p.Report(rule.Finding{Resource: r.ID, File: pos.File, Line: pos.Line, Col: pos.Col, Severity: sev,
				Message: fmt.Sprintf("%s %s is written from %s%s", what, r.ID, src, where)})
			break
		}
	}
	return nil
}

// source names the secret v is built from, or "" when it has none.
func deployedIn(st *model.Stack, name string) string {
	if name == "" {
		return ""
	}
	file := path.Clean(strings.TrimPrefix(name, "./"))
	for _, fn := range st.Functions {
		if !fn.CodeSource.IsResolved() {
			continue
		}
		dir := path.Clean(strings.TrimPrefix(fn.CodeSource.String(), "./"))
		if file == dir || strings.HasPrefix(file, dir+"/") {
			return fn.ID
		}
	}
	return ""
}
