package deps

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// retired lists packages their maintainers deprecated or stopped
// supporting, which keep being deployed to functions: ecosystem and name
// (a trailing "*" matches a prefix) → what the maintainers said and what
// replaces the package. It is deliberately short: only retirements
// announced by the maintainers themselves.
var retired = []struct{ eco, name, why string }{
	{"npm", "request", "deprecated by its maintainers in February 2020 and receives no fixes; use fetch (Node 18+), undici or got"},
	{"npm", "request-promise", "deprecated together with request; use fetch (Node 18+), undici or got"},
	{"npm", "request-promise-native", "deprecated together with request; use fetch (Node 18+), undici or got"},
	{"npm", "node-uuid", "deprecated and renamed to uuid"},
	{"npm", "querystring", "deprecated: the querystring API is legacy, use URLSearchParams"},
	{"npm", "har-validator", "deprecated: no longer supported"},
	{"npm", "aws-sdk", "AWS SDK for JavaScript v2 reached end of support on 8 September 2025 and is not in the Node.js 18+ Lambda runtimes; use the modular @aws-sdk/client-* (v3)"},
	{"PyPI", "pycrypto", "unmaintained since 2013, with unfixed vulnerabilities; use pycryptodome or cryptography"},
	{"PyPI", "boto", "boto (version 2) is unmaintained; use boto3"},
	{"Go", "github.com/dgrijalva/jwt-go", "archived by its maintainer; use github.com/golang-jwt/jwt"},
	{"Go", "github.com/aws/aws-sdk-go", "AWS SDK for Go v1 reached end of support on 31 July 2025; use github.com/aws/aws-sdk-go-v2"},
	{"Maven", "com.amazonaws:aws-java-sdk-*", "AWS SDK for Java 1.x reached end of support on 31 December 2025; use software.amazon.awssdk (2.x)"},
}

// markRetired sets Deprecated and Deprecation on packages listed as
// retired.
func markRetired(pkgs []*model.Package) {
	for _, p := range pkgs {
		n := NormalizeName(p.Ecosystem, p.Name)
		for _, r := range retired {
			if r.eco != p.Ecosystem {
				continue
			}
			want := NormalizeName(r.eco, r.name)
			if n == want || (strings.HasSuffix(want, "*") && strings.HasPrefix(n, strings.TrimSuffix(want, "*"))) {
				p.Deprecated = true
				p.Deprecation = r.why
			}
		}
		if p.Deprecated && p.Deprecation == "" {
			p.Deprecation = "the lockfile marks this version deprecated"
		}
	}
}
