package kit

import (
	"context"
	"regexp"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/secret"
)

// SiteKind says where a string that may hold a secret sits.
type SiteKind string

// Kinds of secret sites.
const (
	SiteEnv      SiteKind = "env"      // a function's environment variable
	SiteProperty SiteKind = "property" // any other resource property
	SiteParam    SiteKind = "param"    // a parameter or variable default
	SiteCode     SiteKind = "code"     // a function's inline code
	SiteSSM      SiteKind = "ssm"      // an SSM parameter's value
)

// Site is a string value where a secret may hide.
type Site struct {
	Kind SiteKind
	// Where describes the place for messages ("environment variable
	// DB_PASSWORD of function Api").
	Where    string
	Resource string
	// Name is the variable, parameter or property name the value is
	// stored under.
	Name  string
	Value *model.Value
}

// Found is a secret found at a site.
type Found struct {
	Site
	secret.Match
	// Pos is where the secret is (the line inside inline code).
	Pos model.Pos
	// Masked is the secret shown safely (a prefix and "…").
	Masked string
}

// Secrets returns the secrets in the stack's strings, each site once:
// inline code, SSM parameter values, parameter defaults, environment
// variables, then every other resource property.
//
// A secret that reaches a property or an environment variable from a
// parameter or variable (!Ref, !Sub, var.x) is reported once, at the
// parameter default that holds it, not again at every use.
func Secrets(st *model.Stack, d *secret.Detector) []Found {
	var out []Found
	seen := map[*model.Value]bool{}
	var params []string
	for _, p := range st.Parameters {
		for _, v := range []*model.Value{p.Default, p.Value} {
			if v.IsResolved() && v.Kind == model.String && len(v.Str) >= 6 {
				params = append(params, v.Str)
			}
		}
	}
	fromParam := func(text string) bool {
		for _, p := range params {
			if strings.Contains(text, p) || strings.Contains(p, text) {
				return true
			}
		}
		return false
	}
	add := func(s Site) {
		v := s.Value
		if v == nil || seen[v] {
			return
		}
		seen[v] = true
		if !v.IsResolved() || v.Kind != model.String {
			return
		}
		for _, m := range d.Find(s.Name, v.Str) {
			if !plausible(s.Name, v.Str[m.Start:m.End], m) {
				continue
			}
			if (s.Kind == SiteEnv || s.Kind == SiteProperty) && fromParam(v.Str[m.Start:m.End]) {
				continue
			}
			f := Found{Site: s, Match: m, Masked: secret.Mask(v.Str[m.Start:m.End])}
			f.Pos = v.Pos
			if strings.Contains(strings.TrimRight(v.Str, "\n"), "\n") {
				// A block scalar: its text starts on the line after the key.
				f.Pos.Line += 1 + strings.Count(v.Str[:m.Start], "\n")
				f.Pos.Col = 0
			}
			out = append(out, f)
		}
	}
	for _, fn := range st.Functions {
		add(Site{Kind: SiteCode, Where: "the inline code of function " + fn.ID, Resource: fn.ID, Name: "", Value: fn.InlineCode})
	}
	for _, s := range st.Stores {
		if s.Kind == model.StoreParameter {
			add(Site{Kind: SiteSSM, Where: "parameter store value " + s.ID, Resource: s.ID, Name: s.Name.String(), Value: s.Attr(model.AttrParameterValue)})
		}
	}
	for _, p := range st.Parameters {
		add(Site{Kind: SiteParam, Where: "the default of parameter " + p.ID, Resource: p.ID, Name: p.ID, Value: p.Default})
	}
	for _, fn := range st.Functions {
		for _, e := range fn.Environment {
			add(Site{Kind: SiteEnv, Where: "environment variable " + e.Name + " of function " + fn.ID, Resource: fn.ID, Name: e.Name, Value: e.Value})
		}
	}
	for _, ep := range st.EntryPoints {
		in := ep.Integration
		if in == nil || !strings.EqualFold(in.Type, "MOCK") {
			continue
		}
		for _, t := range in.ResponseTemplates {
			walkStrings(t, "", func(path, key string, v *model.Value) {
				add(Site{Kind: SiteProperty, Where: "the MOCK response of " + EntryName(ep) + " (sent to every caller)", Resource: Resource(ep), Name: key, Value: v})
			})
		}
	}
	for _, r := range st.Resources {
		walkStrings(r.Properties, "", func(path, key string, v *model.Value) {
			add(Site{Kind: SiteProperty, Where: "property " + path + " of " + r.ID, Resource: r.ID, Name: key, Value: v})
		})
	}
	return out
}

func walkStrings(v *model.Value, path string, fn func(path, key string, v *model.Value)) {
	if v == nil {
		return
	}
	switch v.Kind {
	case model.String:
		key := path
		if i := strings.LastIndexByte(path, '.'); i >= 0 {
			key = path[i+1:]
		}
		fn(path, key, v)
	case model.Map:
		for _, f := range v.Fields {
			p := f.Key
			if path != "" {
				p = path + "." + f.Key
			}
			walkStrings(f.Value, p, fn)
		}
	case model.List:
		for _, it := range v.Items {
			walkStrings(it, path, fn)
		}
	}
}

// Describe names a secret kind for messages.
func Describe(k secret.Kind) string {
	switch k {
	case secret.AWSAccessKeyID:
		return "an AWS access key ID"
	case secret.AWSSecretAccessKey:
		return "an AWS secret access key"
	case secret.PrivateKey:
		return "a private key"
	case secret.Token:
		return "an API token"
	case secret.JWT:
		return "a signed JSON Web Token"
	case secret.URLPassword:
		return "a password inside a URL"
	case secret.Password:
		return "a hard-coded password or key"
	case secret.HighEntropy:
		return "a random-looking string that may be a credential"
	}
	return "a secret"
}

// SecretsAnalysis finds the secrets of a stack once for all secret rules.
var SecretsAnalysis = &rule.Analysis[[]Found]{Name: "secrets", PerStack: true,
	Run: func(_ context.Context, p *rule.Pass) ([]Found, error) { return Secrets(p.Stack, p.Facts.Detector), nil }}

// StackSecrets returns Secrets for the pass's stack, computed once per
// stack and shared by the secret rules.
func StackSecrets(p *rule.Pass) []Found {
	fs, _ := rule.ResultOf(context.Background(), p, SecretsAnalysis)
	return fs
}

// AWSSecretKey reports whether a found string is an AWS secret access key
// recognised by the name it is stored under (AWS_SECRET_ACCESS_KEY) and
// its shape (40 base64 characters), which the detector alone files as a
// random string or a password.
func AWSSecretKey(f Found) bool {
	if f.Match.Kind == secret.AWSSecretAccessKey {
		return true
	}
	n := strings.ToUpper(f.Name)
	if !(strings.Contains(n, "SECRET") && (strings.Contains(n, "AWS") || strings.Contains(n, "ACCESS"))) {
		return false
	}
	s := f.Value.Str[f.Match.Start:f.Match.End]
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '/' || c == '+') {
			return false
		}
	}
	return true
}

// DescribeFound names what was found, for messages.
func DescribeFound(f Found) string {
	if AWSSecretKey(f) {
		return Describe(secret.AWSSecretAccessKey)
	}
	return Describe(f.Match.Kind)
}

var constantLike = regexp.MustCompile(`^(?:[A-Z][A-Z_]*|[a-z][a-z_\-]*)$`)
var idName = regexp.MustCompile(`(?i)(id|arn|name)$`)

// plausible drops guesses that are configuration rather than secrets: a
// constant-like word under a secret-ish name (image_pull_credentials_type:
// CODEBUILD) and random-looking identifiers (ClientId, RoleArn).
func plausible(name, text string, m secret.Match) bool {
	switch m.Kind {
	case secret.Password:
		return !constantLike.MatchString(text) && !idName.MatchString(name) && name != "SecretStringTemplate"
	case secret.HighEntropy:
		return !idName.MatchString(name)
	}
	return true
}
