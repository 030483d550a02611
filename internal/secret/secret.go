// Package secret finds credentials written into declarations (environment
// variables, parameter defaults, inline code, parameter store values) and
// redacts them, so that no report ever prints a secret in full.
//
// Detection combines known credential formats (AWS access keys, private
// keys, provider tokens, URLs with passwords) with the name a value is
// stored under (PASSWORD, API_KEY, …) and the randomness of the value.
// Symbolic values (a !Ref to a secret, ${ssm:…}, ${env:…}) are references,
// never secrets.
package secret

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Kind names a kind of secret.
type Kind string

// Kinds of secrets.
const (
	AWSAccessKeyID     Kind = "aws-access-key-id"
	AWSSecretAccessKey Kind = "aws-secret-access-key"
	PrivateKey         Kind = "private-key"
	Token              Kind = "token" // a provider token of a known format
	JWT                Kind = "jwt"   // a signed JSON Web Token
	URLPassword        Kind = "url-password"
	Password           Kind = "password" // a literal stored under a secret-like name
	HighEntropy        Kind = "high-entropy"
)

// Match is one secret found in a string: its kind and byte range.
type Match struct {
	Kind       Kind
	Start, End int
	// Strong is true for formats that are secrets by themselves (an AWS
	// key, a private key block); false for name- or entropy-based guesses.
	Strong bool
}

type pattern struct {
	kind Kind
	re   *regexp.Regexp
	// pre is a cheap test that every match passes; strings that fail it
	// are not given to the regular expression.
	pre func(string) bool
	// group is the submatch holding the secret (0: the whole match).
	group int
}

// Detector finds secrets. Its zero value is not usable; use New. A Detector
// is immutable and safe for concurrent use.
type Detector struct {
	patterns []pattern
}

// nameHints are parts of names that hold secrets, matched against the name
// lower-cased with "_" and "-" removed.
var nameHints = []string{"password", "passwd", "pwd", "secret", "token", "apikey", "privatekey", "clientsecret",
	"credential", "authkey", "accesskey", "signingkey", "webhook", "dsn", "connstr", "connectionstr"}

// notHintSuffixes and notHintParts mark names of references and settings
// (SECRET_ARN, TOKEN_TABLE, PASSWORD_LENGTH), matched against the name
// lower-cased.
var (
	notHintSuffixes = []string{"arn", "_name", "_id", "_path", "_url", "_uri"}
	notHintParts    = []string{"_param", "_ttl", "_length", "_region", "_table", "_bucket", "_queue", "_topic", "_enabled", "_header", "permission", "_policy", "_type", "_version", "_rotation"}
)

var squash = strings.NewReplacer("_", "", "-", "")

func hinted(name string) bool {
	lower := strings.ToLower(name)
	for _, s := range notHintSuffixes {
		if strings.HasSuffix(lower, s) {
			return false
		}
	}
	for _, s := range notHintParts {
		if strings.Contains(lower, s) {
			return false
		}
	}
	squashed := squash.Replace(lower)
	for _, h := range nameHints {
		if strings.Contains(squashed, h) {
			return true
		}
	}
	return false
}

// New returns a detector with nightlight's patterns. The patterns are
// compiled once per process and shared: a Detector is immutable, so calling
// New often is cheap.
func New() *Detector { return shared() }

var shared = sync.OnceValue(compile)

func compile() *Detector {
	return &Detector{
		patterns: []pattern{
			{kind: AWSAccessKeyID, pre: anyOf("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA"), re: regexp.MustCompile(`\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}\b`)},
			{kind: PrivateKey, pre: anyOf("PRIVATE KEY-----"), re: regexp.MustCompile(`-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)`)},
			{kind: Token, pre: anyOf("gh", "github_pat_", "xox", "_live_", "AIza", "glpat-", "npm_", "SG."), re: regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,}|xox[abposr]-[A-Za-z0-9-]{10,}|sk_live_[0-9A-Za-z]{20,}|rk_live_[0-9A-Za-z]{20,}|AIza[0-9A-Za-z_\-]{35}|glpat-[0-9A-Za-z_\-]{20}|npm_[A-Za-z0-9]{36}|SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})`)},
			{kind: JWT, pre: anyOf("eyJ"), re: regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}`)},
			{kind: URLPassword, pre: func(v string) bool { return strings.Contains(v, "://") && strings.Contains(v, "@") }, re: regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/\s@]+:([^@/\s$]{3,})@`), group: 1},
			{kind: AWSSecretAccessKey, pre: func(v string) bool { return len(v) >= 40 && containsFold(v, "secret") && containsFold(v, "aws") }, re: regexp.MustCompile(`(?i)aws.{0,20}secret.{0,20}[=:"'\s]+([A-Za-z0-9/+]{40})\b`), group: 1},
		},
	}
}

// Find returns the secrets in value, which is stored under name (an
// environment variable, parameter or property name; "" when unknown).
// Matches are sorted and do not overlap.
func (d *Detector) Find(name, value string) []Match {
	if value == "" {
		return nil
	}
	var out []Match
	for _, p := range d.patterns {
		if p.pre != nil && !p.pre(value) {
			continue
		}
		for _, m := range p.re.FindAllStringSubmatchIndex(value, -1) {
			s, e := m[2*p.group], m[2*p.group+1]
			if s < 0 {
				continue
			}
			out = append(out, Match{Kind: p.kind, Start: s, End: e, Strong: true})
		}
	}
	if len(out) == 0 && name != "" {
		if k, ok := d.byName(name, value); ok {
			out = append(out, Match{Kind: k, Start: 0, End: len(value)})
		}
	}
	if len(out) == 0 {
		if k, s, e, ok := highEntropy(value); ok {
			out = append(out, Match{Kind: k, Start: s, End: e})
		}
	}
	return dedupe(out)
}

// anyOf returns a test that a string contains one of subs.
func anyOf(subs ...string) func(string) bool {
	return func(v string) bool {
		for _, s := range subs {
			if strings.Contains(v, s) {
				return true
			}
		}
		return false
	}
}

// containsFold reports whether sub (lower-case ASCII) occurs in s, ignoring
// ASCII case, without allocating.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for ; j < len(sub); j++ {
			c := s[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				break
			}
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

// byName flags a literal stored under a secret-like name, unless it looks
// like a reference, a placeholder or configuration.
func (d *Detector) byName(name, value string) (Kind, bool) {
	if !hinted(name) {
		return "", false
	}
	v := strings.TrimSpace(value)
	if len(v) < 6 || strings.ContainsAny(v, " \n") && len(v) > 200 {
		return "", false
	}
	lower := strings.ToLower(v)
	switch {
	case strings.HasPrefix(v, "${") || strings.HasPrefix(v, "{{resolve:") || strings.HasPrefix(lower, "arn:"),
		strings.HasPrefix(lower, "@microsoft.keyvault("),
		strings.HasPrefix(v, "/") || strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"),
		lower == "true" || lower == "false" || lower == "none" || lower == "null" || lower == "disabled" || lower == "enabled",
		Placeholder(v),
		isNumber(v):
		return "", false
	}
	return Password, true
}

// placeholderParts are pieces of text that mark a value as a stand-in for
// the real secret ("xoxb-ENTER YOUR TOKEN HERE", "<api-key>", "changeme").
var placeholderParts = []string{"changeme", "change_me", "change-me", "change me", "placeholder", "example", "your-", "your_", "your ",
	"yourkey", "yourtoken", "yoursecret", "yourpassword", "<", ">", "xxxx", "****", "....", "enter ", "replace", "insert ", "here", "todo",
	"tbd", "fixme", "dummy", "sample", "fake", "not-a-", "notreal", "not_real", "abc123", "123456", "qwerty", "foobar", "redacted"}

// placeholderWords are words that, alone or combined with "my", "the",
// "some", "test" and digits, make a value that names a secret instead of
// being one ("MyAPIkey", "secret", "password123", "test-token").
var placeholderWords = []string{"my", "the", "some", "test", "demo", "default", "dev", "local", "super", "very", "api", "key", "secret",
	"password", "passwd", "pass", "pwd", "token", "auth", "access", "client", "private", "webhook", "value", "string", "bot", "app",
	"admin", "user", "root", "db", "database", "foo", "bar", "baz", "abc", "xyz", "hello", "world"}

// Placeholder reports whether a value stored under a secret-like name is a
// stand-in for the real secret rather than one: a template hint ("ENTER
// YOUR TOKEN HERE", "<api-key>"), a well-known dummy ("abc123",
// "changeme") or a value made only of words that name a secret
// ("MyAPIkey", "secret123", "test-password").
func Placeholder(v string) bool {
	lower := strings.ToLower(strings.TrimSpace(v))
	for _, p := range placeholderParts {
		if strings.Contains(lower, p) {
			return true
		}
	}
	rest := strings.Trim(squash.Replace(strings.ReplaceAll(lower, ".", "")), "0123456789!")
	if rest == "" {
		return false
	}
	for rest != "" {
		found := false
		for _, w := range placeholderWords {
			if strings.HasPrefix(rest, w) {
				rest = strings.TrimLeft(rest[len(w):], "0123456789")
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func isNumber(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' && r != '-' {
			return false
		}
	}
	return true
}

// highEntropy finds a long random-looking token with no hint from its name.
func highEntropy(value string) (Kind, int, int, bool) {
	best, bs, be := 0.0, -1, -1
	start := -1
	for i := 0; i <= len(value); i++ {
		in := i < len(value) && isTokenByte(value[i])
		if in && start < 0 {
			start = i
		}
		if !in && start >= 0 {
			tok := value[start:i]
			if len(tok) >= 32 && len(tok) <= 256 && mixed(tok) {
				if h := entropy(tok); h > best {
					best, bs, be = h, start, i
				}
			}
			start = -1
		}
	}
	if best >= 4.5 {
		return HighEntropy, bs, be, true
	}
	return "", 0, 0, false
}

func isTokenByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '+' || b == '/' || b == '=' || b == '_' || b == '-'
}

// mixed requires upper case, lower case and digits, which keeps words,
// paths and hex digests out.
func mixed(s string) bool {
	var up, low, dig bool
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z':
			up = true
		case c >= 'a' && c <= 'z':
			low = true
		case c >= '0' && c <= '9':
			dig = true
		}
	}
	return up && low && dig
}

func entropy(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	h := 0.0
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

func dedupe(ms []Match) []Match {
	if len(ms) < 2 {
		return ms
	}
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].Start != ms[j].Start {
			return ms[i].Start < ms[j].Start
		}
		return ms[i].End > ms[j].End
	})
	out := ms[:1]
	for _, m := range ms[1:] {
		last := &out[len(out)-1]
		if m.Start < last.End {
			if m.End > last.End {
				last.End = m.End
			}
			continue
		}
		out = append(out, m)
	}
	return out
}

// Mask shows enough of a secret to recognise it, never the whole: the first
// four characters (fewer for short secrets), then "…" and the length.
func Mask(s string) string {
	n := utf8.RuneCountInString(s)
	keep := 4
	if n <= 8 {
		keep = 0
	}
	if n <= 12 && keep > 2 {
		keep = 2
	}
	r := []rune(s)
	return string(r[:keep]) + "…(" + itoa(n) + " chars)"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// Redact returns value with every match masked.
func Redact(value string, ms []Match) string {
	if len(ms) == 0 {
		return value
	}
	var b strings.Builder
	prev := 0
	for _, m := range ms {
		b.WriteString(value[prev:m.Start])
		b.WriteString(Mask(value[m.Start:m.End]))
		prev = m.End
	}
	b.WriteString(value[prev:])
	return b.String()
}

// RedactApp masks, in place, every secret in every resolved string of the
// app: environment variables, parameters, inline code, resource properties.
// It runs after the rules (which need the values) and before any report is
// written. It returns the number of values changed.
func (d *Detector) RedactApp(app *model.App) int {
	if app == nil {
		return 0
	}
	n := 0
	seen := map[*model.Value]bool{}
	redact := func(name string, v *model.Value) {
		v.Walk(func(x *model.Value) bool {
			if seen[x] {
				return false
			}
			seen[x] = true
			if x.Kind == model.String && x.Str != "" {
				if ms := d.Find(name, x.Str); len(ms) > 0 {
					x.Str = Redact(x.Str, ms)
					n++
				}
			}
			for _, f := range x.Fields {
				if f.Value != nil && f.Value.Kind == model.String && !seen[f.Value] {
					seen[f.Value] = true
					if ms := d.Find(f.Key, f.Value.Str); len(ms) > 0 {
						f.Value.Str = Redact(f.Value.Str, ms)
						n++
					}
				}
			}
			return true
		})
	}
	for _, st := range app.Stacks {
		for _, f := range st.Functions {
			for _, e := range f.Environment {
				redact(e.Name, e.Value)
			}
			redact("", f.InlineCode)
			redact("", f.Settings)
			if f.Code != nil {
				for i := range f.Code.Strings {
					cs := &f.Code.Strings[i]
					if ms := d.Find(cs.Name, cs.Value); len(ms) > 0 {
						cs.Value = Redact(cs.Value, ms)
						n++
					}
				}
			}
		}
		for _, p := range st.Parameters {
			redact(p.ID, p.Default)
			redact(p.ID, p.Value)
		}
		for _, s := range st.Stores {
			for k, v := range s.Attrs {
				redact(k, v)
			}
		}
		for _, r := range st.Resources {
			redact("", r.Properties)
			redact("", r.Metadata)
		}
		for _, o := range st.Outputs {
			redact(o.ID, o.Value)
		}
	}
	return n
}
