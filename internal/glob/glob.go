// Package glob is nightlight's one wildcard matcher: '*' matches any run
// of bytes (including '/', ':' and '#') and '?' exactly one byte; every
// other byte matches itself. Config selectors, IAM action and resource
// patterns and the action catalog all use it. Matching does not allocate.
package glob

// Match reports whether s matches the pattern p, case-sensitively.
func Match(p, s string) bool { return match(p, s, false) }

// MatchFold reports whether s matches the lower-case pattern p, comparing
// ASCII letters of s case-insensitively (IAM action names).
func MatchFold(p, s string) bool { return match(p, s, true) }

func match(p, s string, fold bool) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch c := p[pi]; c {
			case '*':
				star, mark = pi, si
				pi++
				continue
			case '?':
				pi++
				si++
				continue
			default:
				sc := s[si]
				if fold && 'A' <= sc && sc <= 'Z' {
					sc += 'a' - 'A'
				}
				if c == sc {
					pi++
					si++
					continue
				}
			}
		}
		if star < 0 {
			return false
		}
		mark++
		pi, si = star+1, mark
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
