// Package nl7010 is rule NL7010: Credential hard-coded in handler code.
//
// It reports string constants of handler source that are credentials: a
// key of a known format (AWS access keys, private keys, provider tokens)
// or a literal assigned to a password/secret/token-like name.
package nl7010

import (
	"context"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/codekit"
	"github.com/nightlight-sec/nightlight/internal/secret"
)

// Rule returns NL7010.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL7010",
		Title:      "Credential hard-coded in handler code",
		Platforms:  []model.Provider{model.AnyProvider},
		Category:   rule.Code,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Doc: rule.Doc{
			Description: "A handler file holds a credential in clear text: an access key, a private key, a provider token, or a literal assigned to a password or secret. Everyone who can read the repository, the deployment package or the function's code (lambda:GetFunction) has it, and it cannot be rotated without a deployment.",
			Bad:         `DB_PASSWORD = "Sup3r-s3cret!"`,
			Good:        `DB_PASSWORD = secrets.get_secret_value(SecretId=os.environ["DB_SECRET"])["SecretString"]`,
			Remediation: "Remove the credential from the code (and rotate it: it is in the repository history); read it at run time from Secrets Manager or SSM Parameter Store (SecureString), granted to the function's role only.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	seen := map[string]bool{}
	for _, fn := range p.Stack.Functions {
		if !codekit.Reported(fn) {
			continue
		}
		for _, s := range fn.Code.Strings {
			ms := p.Facts.Detector.Find(s.Name, s.Value)
			if len(ms) == 0 || seen[s.Pos.String()] {
				continue
			}
			seen[s.Pos.String()] = true
			f := rule.Finding{Resource: fn.ID}
			f.At(s.Pos)
			strong := false
			for _, m := range ms {
				strong = strong || m.Strong
			}
			if !strong && identifierLike(s.Value) {
				continue // a field name or label ("password", "api_token"), not a value
			}
			what := "a credential"
			switch ms[0].Kind {
			case secret.AWSAccessKeyID:
				what = "an AWS access key ID"
			case secret.AWSSecretAccessKey:
				what = "an AWS secret access key"
			case secret.PrivateKey:
				what = "a private key"
			case secret.Token, secret.JWT:
				what = "a token"
			case secret.URLPassword:
				what = "a URL with a password"
			case secret.Password:
				what = "a password"
			}
			name := ""
			if s.Name != "" {
				name = " (" + s.Name + ")"
			}
			if !strong {
				f.Severity = rule.Medium
				f.Confidence = rule.ConfidenceMedium
			}
			f.Message = "handler code of function " + fn.ID + " holds " + what + name + " in clear text: " + secret.Redact(s.Value, ms)
			p.Report(f)
		}
	}
	return nil
}

// identifierLike reports whether v looks like a name rather than a
// secret: lower-case letters, digits, '_', '-' and '.', with no digit
// (PASSWORD_FIELD = "password", TOKEN_KEY = "x-api-token").
func identifierLike(v string) bool {
	for _, r := range v {
		switch {
		case r >= 'a' && r <= 'z', r == '_', r == '-', r == '.', r == ' ':
		default:
			return false
		}
	}
	return true
}
