package iam

import "strings"

// principalMatch says how a resource-policy statement names the caller,
// which decides whether its allow is enough on its own.
type principalMatch uint8

const (
	pmNone    principalMatch = iota
	pmAccount                // the caller's account (root or account ID): delegates to the identity policy
	pmEntity                 // the role ARN or "*": allows alone in the same account, within the boundary
	pmDirect                 // the user or session ARN, a service, a federated user: allows alone
)

// IsAccountID reports whether s is a 12-digit account ID.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// arnAccount returns the account field of an ARN ("" when not an ARN or
// empty, as for S3).
func arnAccount(arn string) string {
	if !strings.HasPrefix(arn, "arn:") {
		return ""
	}
	rest := arn
	for i := 0; i < 4; i++ {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return ""
		}
		rest = rest[j+1:]
	}
	j := strings.IndexByte(rest, ':')
	if j < 0 {
		return ""
	}
	return rest[:j]
}

// accountOf returns the account of a principal: an account ID itself or
// the account field of its ARN.
func accountOf(p string) string {
	if IsAccountID(p) {
		return p
	}
	return arnAccount(p)
}

// principalARN returns the ARN AWS reports in aws:PrincipalArn: the role
// ARN for an assumed-role session (without the path, which the session ARN
// does not carry).
func principalARN(p string) string {
	if strings.HasPrefix(p, "arn:") && strings.Contains(p, ":assumed-role/") {
		i := strings.Index(p, ":assumed-role/")
		rest := p[i+len(":assumed-role/"):]
		role, _, _ := strings.Cut(rest, "/")
		acct := arnAccount(p)
		part := strings.SplitN(p, ":", 3)[1]
		return "arn:" + part + ":iam::" + acct + ":role/" + role
	}
	return p
}

// roleName returns the name of an IAM role ARN (after the last '/'), or "".
func roleName(arn string) string {
	i := strings.Index(arn, ":role/")
	if i < 0 {
		return ""
	}
	rest := arn[i+len(":role/"):]
	if j := strings.LastIndexByte(rest, '/'); j >= 0 {
		rest = rest[j+1:]
	}
	return rest
}

// matchPrincipals matches the request's principal against the statement's
// Principal or NotPrincipal.
func (st *evalState) matchPrincipals(s *Statement) Tri {
	t := No
	for i := range s.Principals {
		m, _ := st.matchPrincipal(&s.Principals[i])
		t = maxTri(t, m)
		if t == Yes {
			break
		}
	}
	if s.NotPrincipal {
		return not(t)
	}
	return t
}

// principalKind returns the strongest way the statement names the caller.
func (st *evalState) principalKind(s *Statement) principalMatch {
	if !s.HasPrincipal {
		return pmEntity
	}
	if s.NotPrincipal {
		return pmEntity
	}
	best := pmNone
	for i := range s.Principals {
		if t, k := st.matchPrincipal(&s.Principals[i]); t != No && k > best {
			best = k
		}
	}
	return best
}

func (st *evalState) matchPrincipal(p *Principal) (Tri, principalMatch) {
	caller := st.principal
	if p.Symbolic {
		if p.Value == caller {
			return Yes, pmEntity
		}
		return Maybe, pmEntity
	}
	switch p.Type {
	case PrincipalAny:
		return Yes, pmEntity
	case PrincipalAWS:
		v := p.Value
		if v == "*" {
			return Yes, pmEntity
		}
		if caller == "" || caller == "*" {
			return No, pmNone
		}
		if IsAccountID(v) || (strings.HasPrefix(v, "arn:") && strings.HasSuffix(v, ":root") && strings.Contains(v, ":iam::")) {
			if accountOf(caller) == accountOf(v) && accountOf(v) != "" {
				if caller == v || caller == accountOf(v) {
					return Yes, pmDirect // the account itself calling (root)
				}
				return Yes, pmAccount
			}
			return No, pmNone
		}
		if v == caller {
			if strings.Contains(v, ":role/") {
				return Yes, pmEntity
			}
			return Yes, pmDirect
		}
		// A role ARN matches its sessions.
		if strings.Contains(v, ":role/") && strings.Contains(caller, ":assumed-role/") {
			if accountOf(v) == accountOf(caller) && roleName(v) == roleName(principalARN(caller)) {
				return Yes, pmEntity
			}
		}
		if strings.Contains(caller, ":role/") && strings.Contains(v, ":role/") &&
			accountOf(v) == accountOf(caller) && roleName(v) == roleName(caller) {
			return Yes, pmEntity // same role, different path spelling
		}
		return No, pmNone
	case PrincipalService:
		if p.Value == "*" || strings.EqualFold(p.Value, caller) {
			return Yes, pmDirect
		}
		return No, pmNone
	case PrincipalFederated, PrincipalCanonicalUser:
		if p.Value == caller {
			return Yes, pmDirect
		}
		return No, pmNone
	}
	return Maybe, pmEntity
}
