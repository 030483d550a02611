// Package secret finds credentials written into templates: AWS access
// keys, private keys, API tokens of well-known services, passwords in
// variables named like secrets, and high-entropy strings. Matches are
// only ever shown redacted (Redact).
package secret

import (
	"math"
	"regexp"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Kind names what a match is.
type Kind string

// Kinds of secret.
const (
	AWSAccessKey Kind = "an AWS access key ID"
	AWSSecretKey Kind = "an AWS secret access key"
	PrivateKey   Kind = "a private key"
	Token        Kind = "an API token"
)

type pattern struct {
	kind Kind
	what string
	re   *regexp.Regexp
}

// patterns are matched in order; the first match wins.
func patterns() []pattern {
	return []pattern{
		{PrivateKey, "PEM private key", regexp.MustCompile(`-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----`)},
		{AWSAccessKey, "AWS access key ID", regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b`)},
		{Token, "GitHub token", regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b`)},
		{Token, "GitLab token", regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}\b`)},
		{Token, "Slack token", regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}\b`)},
		{Token, "Slack webhook URL", regexp.MustCompile(`https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{20,}`)},
		{Token, "Stripe secret key", regexp.MustCompile(`\b[sr]k_live_[A-Za-z0-9]{20,}\b`)},
		{Token, "Google API key", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`)},
		{Token, "SendGrid API key", regexp.MustCompile(`\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b`)},
		{Token, "npm token", regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`)},
		{Token, "OpenAI API key", regexp.MustCompile(`\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}\b`)},
		{Token, "JSON Web Token", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b`)},
	}
}

// Match is a secret found in a string.
type Match struct {
	Kind Kind
	// What names the format ("GitHub token").
	What string
	// Text is the secret itself; never print it, use Redact.
	Text string
	// Line is the 0-based line of the match inside the string.
	Line int
}

// Scanner finds secrets. Make one per use with New; it is not safe for
// concurrent use only in the sense that it holds compiled patterns.
type Scanner struct{ pats []pattern }

// New returns a scanner.
func New() *Scanner { return &Scanner{pats: patterns()} }

// Find returns the well-known secrets (keys and tokens) in s.
func (sc *Scanner) Find(s string) []Match {
	var out []Match
	for _, p := range sc.pats {
		for _, loc := range p.re.FindAllStringIndex(s, -1) {
			out = append(out, Match{Kind: p.kind, What: p.what, Text: s[loc[0]:loc[1]], Line: strings.Count(s[:loc[0]], "\n")})
		}
	}
	return out
}

// Redact shows the first four characters of a secret and an ellipsis,
// never the whole secret.
func Redact(s string) string {
	r := []rune(s)
	n := 4
	if len(r) <= 8 {
		n = min(2, len(r))
	}
	return string(r[:n]) + "…"
}

var secretName = regexp.MustCompile(`(?i)(pass(word|wd|phrase)?|pwd|secret|token|api_?key|apikey|private_?key|credential|auth_?key|access_?key|signing_?key|client_?secret)`)

var notSecretName = regexp.MustCompile(`(?i)(_?(arn|name|id|path|param(eter)?|url|uri|length|min|max|rotation|expir\w*|ttl|header|field|version|region|file|prefix|type|enabled|policy)$)`)

// SecretName reports whether a variable or parameter name says it holds
// a secret (DB_PASSWORD, apiKey, CLIENT_SECRET) and not a pointer to one
// (DB_PASSWORD_ARN, SECRET_NAME, TOKEN_TTL).
func SecretName(name string) bool {
	return secretName.MatchString(name) && !notSecretName.MatchString(name)
}

// Literal reports whether v is a hard-coded value that could be a secret:
// resolved, a string of at least 6 characters, and not a reference,
// placeholder, ARN, dynamic reference or obvious dummy.
func Literal(v *model.Value) (string, bool) {
	if !v.IsResolved() || v.Kind != model.String {
		return "", false
	}
	s := strings.TrimSpace(v.Str)
	if len(s) < 6 || strings.ContainsAny(s, " \n") {
		return "", false
	}
	l := strings.ToLower(s)
	for _, p := range []string{"arn:", "{{resolve:", "${", "ssm:", "secretsmanager:", "http://", "https://", "/aws/", "alias/"} {
		if strings.HasPrefix(l, p) {
			return "", false
		}
	}
	if l == "true" || l == "false" || l == "none" || l == "null" {
		return "", false
	}
	if strings.HasPrefix(s, "/") && strings.Count(s, "/") > 1 { // an SSM parameter path
		return "", false
	}
	return s, true
}

// Entropy returns the Shannon entropy of s in bits per character.
func Entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	e := 0.0
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			e -= p * math.Log2(p)
		}
	}
	return e
}

var tokenish = regexp.MustCompile(`^[A-Za-z0-9+/=_\-.]{24,}$`)

// HighEntropy reports whether s looks like a random credential: 24+
// characters of base64/hex-like text with high entropy and both letters
// and digits.
func HighEntropy(s string) bool {
	if !tokenish.MatchString(s) || strings.Count(s, ".") > 2 {
		return false
	}
	hasDigit := strings.ContainsAny(s, "0123456789")
	hasUpper, hasLower := false, false
	for _, r := range s {
		hasUpper = hasUpper || (r >= 'A' && r <= 'Z')
		hasLower = hasLower || (r >= 'a' && r <= 'z')
	}
	if !hasDigit || !(hasUpper || hasLower) {
		return false
	}
	threshold := 4.2
	if !(hasUpper && hasLower) { // hex: at most 4 bits per character
		threshold = 3.5
	}
	return Entropy(s) >= threshold
}

// Site is a string value and where it sits, for messages.
type Site struct {
	// Where describes the location ("environment variable DB_PASSWORD of
	// function Api", "default of parameter ApiKey").
	Where    string
	Resource string
	Value    *model.Value
	// Name is the variable, parameter or property name.
	Name string
}

// Sites returns every resolved string in the stack where secrets hide:
// function environment variables, parameter defaults, inline code and the
// properties of every resource, each once.
func Sites(st *model.Stack) []Site {
	var out []Site
	seen := map[*model.Value]bool{}
	add := func(s Site) {
		if s.Value == nil || seen[s.Value] {
			return
		}
		seen[s.Value] = true
		out = append(out, s)
	}
	for _, fn := range st.Functions {
		for _, e := range fn.Environment {
			add(Site{Where: "environment variable " + e.Name + " of function " + fn.ID, Resource: fn.ID, Value: e.Value, Name: e.Name})
		}
		add(Site{Where: "the inline code of function " + fn.ID, Resource: fn.ID, Value: fn.InlineCode, Name: "InlineCode"})
	}
	for _, p := range st.Parameters {
		add(Site{Where: "the default of parameter " + p.ID, Resource: p.ID, Value: p.Default, Name: p.ID})
	}
	for _, r := range st.Resources {
		walk(r.Properties, "", func(path string, v *model.Value) {
			name := path
			if i := strings.LastIndexAny(path, "."); i >= 0 {
				name = path[i+1:]
			}
			add(Site{Where: "property " + path + " of " + r.ID, Resource: r.ID, Value: v, Name: name})
		})
	}
	return out
}

func walk(v *model.Value, path string, fn func(string, *model.Value)) {
	if v == nil {
		return
	}
	switch v.Kind {
	case model.String:
		fn(path, v)
	case model.Map:
		for _, f := range v.Fields {
			p := f.Key
			if path != "" {
				p = path + "." + f.Key
			}
			walk(f.Value, p, fn)
		}
	case model.List:
		for _, it := range v.Items {
			walk(it, path, fn)
		}
	}
}

// LinePos returns the position of line (0-based) inside the string value
// v: a multi-line string is a block scalar whose text starts on the line
// after its key.
func LinePos(v *model.Value, line int) model.Pos {
	p := v.Pos
	if strings.Contains(strings.TrimRight(v.Str, "\n"), "\n") {
		p.Line += 1 + line
		p.Col = 0
	}
	return p
}
