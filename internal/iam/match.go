package iam

import (
	"strings"

	globpkg "github.com/nightlight-sec/nightlight/internal/glob"
)

// Tri is a three-valued match result: a symbolic value or an unknown
// context key makes a match possible but not certain.
type Tri uint8

// Match results, ordered so that min is "and" and max is "or".
const (
	No Tri = iota
	Maybe
	Yes
)

// String returns "no", "maybe" or "yes".
func (t Tri) String() string {
	switch t {
	case No:
		return "no"
	case Maybe:
		return "maybe"
	}
	return "yes"
}

func minTri(a, b Tri) Tri {
	if a < b {
		return a
	}
	return b
}

func maxTri(a, b Tri) Tri {
	if a > b {
		return a
	}
	return b
}

func not(t Tri) Tri { return Yes - t }

// glob reports whether s matches p with '*' (any run) and '?' (one byte),
// case-sensitively. It does not allocate.
func glob(p, s string) bool { return globpkg.Match(p, s) }

// equalFoldASCII compares ASCII case-insensitively without allocating.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// unit is one element of a pattern or subject in the symbolic matcher.
type unit struct {
	// The string first, then the bytes: 24 bytes a unit instead of 32
	// (a pattern or subject has one unit per character).
	name  string // uSym, uVar: the placeholder's content
	kind  unitKind
	b     byte // uLit
	colon bool // uStar, uQ, uSym, uVar: may match ':' (in an ARN's resource part or a plain string)
	// noSlash marks a uSym that stands for a name that cannot contain '/':
	// the bucket name that starts an S3 ARN's resource part.
	noSlash bool
}

type unitKind uint8

const (
	uLit unitKind = iota
	uStar
	uQ
	uSym // an unresolved template placeholder
	uVar // a policy variable with no value in the request context
)

// placeholder classifies the content of a ${…} placeholder.
type phKind uint8

const (
	phLiteral phKind = iota // ${*}, ${?}, ${$}: an escaped literal character
	phVar                   // a policy variable: ${aws:username}, ${aws:PrincipalTag/team}
	phSym                   // a template symbol: ${AWS::Region}, ${OrdersTable}, ${opt:stage}
)

// classify says what a ${name} placeholder is. Policy variables are the
// global and service condition keys AWS substitutes at request time;
// everything else is a template symbol left by a loader.
func classify(name string) phKind {
	switch name {
	case "*", "?", "$":
		return phLiteral
	}
	if strings.Contains(name, "::") || strings.ContainsAny(name, " (){}") {
		return phSym
	}
	prefix, rest, ok := strings.Cut(name, ":")
	if !ok || rest == "" {
		return phSym
	}
	switch strings.ToLower(prefix) {
	case "aws", "saml", "sts", "iam", "ec2", "s3", "kms", "lambda", "dynamodb", "sqs", "sns":
		if strings.ToLower(prefix) == "s3" && strings.Contains(rest, "/") && !strings.Contains(strings.ToLower(rest), "tag/") {
			return phSym // Serverless ${s3:bucket/key}
		}
		return phVar
	}
	if strings.Contains(prefix, ".") { // OIDC providers: cognito-identity.amazonaws.com:sub, accounts.google.com:aud
		return phVar
	}
	return phSym
}

// hasPlaceholder reports whether s contains "${".
func hasPlaceholder(s string) bool { return strings.Contains(s, "${") }

// splitUnits turns a pattern (wild: * and ? are wildcards) or a subject into
// units. arn makes * and ? unable to match ':' before the resource part of
// an ARN. vars resolves policy variables (nil: none resolve).
func splitUnits(s string, wild, arn bool, vars func(string) (string, bool)) []unit {
	out := make([]unit, 0, len(s))
	colons := 0
	isARN := arn && strings.HasPrefix(s, "arn:")
	total := 0 // colons outside placeholders: a pattern with fewer than five ends in a segment that spans the rest
	if isARN {
		total = strings.Count(s, ":")
		for _, ph := range placeholders(s) {
			total -= strings.Count(ph, ":")
		}
	}
	// In an S3 ARN, a symbol right after ":::" is a bucket name: it cannot
	// absorb the '/' that starts an object key.
	s3 := isARN && strings.HasPrefix(s, "arn:") && len(strings.SplitN(s, ":", 4)) == 4 && strings.SplitN(s, ":", 4)[2] == "s3"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '$' && i+1 < len(s) && s[i+1] == '{' {
			if end := strings.IndexByte(s[i+2:], '}'); end >= 0 {
				name := s[i+2 : i+2+end]
				afterColon := i > 0 && s[i-1] == ':'
				// Before an ARN's resource part a symbol is one part
				// (a region, an account): it cannot absorb ':'.
				symColon := !isARN || colons >= 5 || colons == total
				i += 2 + end
				switch classify(name) {
				case phLiteral:
					out = append(out, unit{kind: uLit, b: name[0]})
				case phVar:
					if vars != nil {
						if v, ok := vars(name); ok {
							for j := 0; j < len(v); j++ {
								out = append(out, unit{kind: uLit, b: v[j]})
							}
							continue
						}
					}
					out = append(out, unit{kind: uVar, name: name, colon: symColon})
				default:
					out = append(out, unit{kind: uSym, name: name, colon: symColon, noSlash: s3 && colons == 5 && afterColon})
				}
				continue
			}
		}
		if c == ':' {
			colons++
		}
		canColon := !isARN || colons >= 5 || colons == total
		switch {
		case wild && c == '*':
			out = append(out, unit{kind: uStar, colon: canColon})
		case wild && c == '?':
			out = append(out, unit{kind: uQ, colon: canColon})
		default:
			out = append(out, unit{kind: uLit, b: c})
		}
	}
	return out
}

// maxSymbolicWork bounds the symbolic matcher's table; beyond it the answer
// is Maybe.
const maxSymbolicWork = 1 << 20

// matchUnits matches pattern units p against subject units s with
// three-valued logic: placeholders on either side may stand for anything,
// except that the same symbol on both sides matches exactly.
func matchUnits(p, s []unit, fold bool) Tri {
	// Both ends are anchored, and a literal can only meet a literal or be
	// absorbed by a symbol: matching literal ends are stripped, and
	// differing ones decide at once without the search below.
	litEq := func(a, b unit) bool { return a.b == b.b || (fold && lower(a.b) == lower(b.b)) }
	for len(p) > 0 && len(s) > 0 && p[0].kind == uLit && s[0].kind == uLit {
		if !litEq(p[0], s[0]) {
			return No
		}
		p, s = p[1:], s[1:]
	}
	for len(p) > 0 && len(s) > 0 && p[len(p)-1].kind == uLit && s[len(s)-1].kind == uLit {
		if !litEq(p[len(p)-1], s[len(s)-1]) {
			return No
		}
		p, s = p[:len(p)-1], s[:len(s)-1]
	}
	return matchUnitsSearch(p, s, fold)
}

// matchUnitsSearch matches pattern units p against subject units s by a
// memoized search over both.
func matchUnitsSearch(p, s []unit, fold bool) Tri {
	n, m := len(p), len(s)
	if (n+1)*(m+1) > maxSymbolicWork {
		return Maybe
	}
	memo := make([]int8, (n+1)*(m+1))
	for i := range memo {
		memo[i] = -1
	}
	var f func(i, j int) Tri
	f = func(i, j int) Tri {
		k := i*(m+1) + j
		if memo[k] >= 0 {
			return Tri(memo[k])
		}
		memo[k] = int8(No) // guards against cycles; every path below strictly advances
		var r Tri
		switch {
		case i == n && j == m:
			r = Yes
		case i == n:
			if s[j].kind == uSym || s[j].kind == uVar {
				r = minTri(Maybe, f(i, j+1))
			}
		case j == m:
			switch p[i].kind {
			case uStar:
				r = f(i+1, j)
			case uSym, uVar:
				r = minTri(Maybe, f(i+1, j))
			}
		default:
			pu, su := p[i], s[j]
			subjSym := su.kind == uSym || su.kind == uVar
			switch pu.kind {
			case uStar:
				r = f(i+1, j)
				if subjSym {
					r = maxTri(r, f(i, j+1))
				} else if pu.colon || su.b != ':' {
					r = maxTri(r, f(i, j+1))
				}
			case uQ:
				if subjSym {
					r = maxTri(minTri(Maybe, f(i, j+1)), minTri(Maybe, f(i+1, j)))
				} else if pu.colon || su.b != ':' {
					r = f(i+1, j+1)
				}
			case uSym, uVar:
				switch {
				case subjSym && su.name == pu.name && su.kind == pu.kind:
					// The same symbol on both sides is the same value.
					r = f(i+1, j+1)
				case (pu.noSlash && su.kind == uLit && su.b == '/') || (!pu.colon && su.kind == uLit && su.b == ':'):
					r = minTri(Maybe, f(i+1, j)) // a bucket name ends before '/', an ARN part before ':'
				default:
					r = maxTri(r, maxTri(minTri(Maybe, f(i+1, j)), minTri(Maybe, f(i, j+1))))
				}
			case uLit:
				switch {
				case subjSym && ((su.noSlash && pu.b == '/') || (!su.colon && pu.b == ':')):
					r = minTri(Maybe, f(i, j+1)) // a bucket name ends before '/', an ARN part before ':'
				case subjSym:
					r = maxTri(minTri(Maybe, f(i, j+1)), minTri(Maybe, f(i+1, j)))
				case pu.b == su.b || (fold && lower(pu.b) == lower(su.b)):
					r = f(i+1, j+1)
				}
			}
		}
		memo[k] = int8(r)
		return r
	}
	return f(0, 0)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// placeholders returns the ${…} names in s that are symbols or variables.
func placeholders(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return out
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			return out
		}
		name := s[i+2 : i+2+end]
		if classify(name) != phLiteral {
			out = append(out, name)
		}
		s = s[i+3+end:]
	}
}

// actionPattern is a compiled Action/NotAction element.
type actionPattern struct {
	raw      string
	any      bool   // "*"
	svc      string // lower-case service prefix without wildcards, or "" for the slow path
	name     string // lower-case name pattern
	exact    bool   // name has no wildcard
	sym      bool   // contains placeholders or a symbolic value
	svcGlob  bool   // wildcards in the service prefix
	lowerRaw string
}

func compileAction(raw string, symbolic bool) actionPattern {
	p := actionPattern{raw: raw, lowerRaw: strings.ToLower(raw)}
	switch {
	case symbolic || hasPlaceholder(raw):
		p.sym = true
	case raw == "*":
		p.any = true
	default:
		svc, name, ok := strings.Cut(p.lowerRaw, ":")
		if !ok {
			p.svcGlob = true // malformed; matched whole-string
			return p
		}
		if strings.ContainsAny(svc, "*?") {
			p.svcGlob = true
			return p
		}
		p.svc, p.name = svc, name
		p.exact = !strings.ContainsAny(name, "*?")
	}
	return p
}

// match matches a request action split into svc and name (any case).
func (p *actionPattern) match(action, svc, name string) Tri {
	switch {
	case p.any:
		return Yes
	case p.sym:
		return matchUnits(splitUnits(p.lowerRaw, true, false, nil), splitUnits(action, false, false, nil), true)
	case p.svcGlob || len(svc) == len(action): // wildcard service, or a request action without ':'
		if hasPlaceholder(action) {
			return matchUnits(splitUnits(p.lowerRaw, true, false, nil), splitUnits(action, false, false, nil), true)
		}
		if globpkg.MatchFold(p.lowerRaw, action) {
			return Yes
		}
		return No
	}
	if !equalFoldASCII(p.svc, svc) {
		if hasPlaceholder(svc) {
			return Maybe
		}
		return No
	}
	if p.exact {
		if equalFoldASCII(p.name, name) {
			return Yes
		}
	} else if globpkg.MatchFold(p.name, name) {
		return Yes
	}
	if hasPlaceholder(name) {
		return matchUnits(splitUnits(p.name, true, false, nil), splitUnits(name, false, false, nil), true)
	}
	return No
}

// arnPattern is a compiled Resource/NotResource element or Arn* condition
// value: matched segment-wise (partition, service, region, account,
// resource), case-sensitively, with * and ? wildcards; * does not cross ':'
// before the resource part.
type arnPattern struct {
	raw  string
	any  bool // "*"
	arn  bool // starts with "arn:"
	segs []string
	// ph is true when the pattern has ${…} placeholders (policy variables or
	// symbols): matched by the symbolic matcher.
	ph  bool
	sym bool // the whole value is symbolic
	// literalVars is set in policies without Version 2012-10-17, where AWS
	// does not substitute policy variables: ${aws:username} is text.
	literalVars bool
}

// literalVar resolves a policy variable to its own text (policy language
// version 2008-10-17).
func literalVar(name string) (string, bool) { return "${" + name + "}", true }

func compileARN(raw string, symbolic bool) arnPattern {
	p := arnPattern{raw: raw, sym: symbolic, ph: hasPlaceholder(raw)}
	if raw == "*" && !symbolic {
		p.any = true
		return p
	}
	if strings.HasPrefix(raw, "arn:") {
		p.arn = true
		p.segs = strings.SplitN(raw, ":", 6)
	}
	return p
}

// match matches subject s. vars resolves policy variables from the request
// context; subjPh says whether s has placeholders.
// patternUnits splits the pattern for matching against subjects that hold
// placeholders, with policy variables left unsubstituted; the result is
// what match computes on each call, for callers that match one pattern
// against many subjects.
func (p *arnPattern) patternUnits() []unit {
	var vars func(string) (string, bool)
	if p.literalVars {
		vars = literalVar
	}
	return splitUnits(p.raw, true, true, vars)
}

// matchSplit is match(s, true, nil) for a subject already split with
// splitUnits(s, false, true, nil) and the pattern's patternUnits.
func (p *arnPattern) matchSplit(pat []unit, s string, subj []unit) Tri {
	if p.any {
		return Yes
	}
	if p.sym {
		if p.raw == s {
			return Yes
		}
		return Maybe
	}
	return matchUnits(pat, subj, false)
}

func (p *arnPattern) match(s string, subjPh bool, vars func(string) (string, bool)) Tri {
	if p.any {
		return Yes
	}
	if p.sym {
		if p.raw == s {
			return Yes
		}
		return Maybe
	}
	if p.ph || subjPh {
		if p.literalVars {
			vars = literalVar
		}
		return matchUnits(splitUnits(p.raw, true, true, vars), splitUnits(s, false, true, nil), false)
	}
	if !p.arn {
		if glob(p.raw, s) {
			return Yes
		}
		return No
	}
	// Segment-wise, without allocating.
	rest := s
	last := len(p.segs) - 1
	for i, seg := range p.segs {
		if i == last {
			if glob(seg, rest) {
				return Yes
			}
			return No
		}
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return No
		}
		if !glob(seg, rest[:j]) {
			return No
		}
		rest = rest[j+1:]
	}
	return No
}
