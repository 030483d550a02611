package azure

import (
	"regexp"
	"strings"
)

// namedRE matches the start of a named argument: "name =", "name:".
var namedRE = regexp.MustCompile(`^([A-Za-z_$][A-Za-z0-9_$]*)\s*([=:])\s*`)

// This file holds a small lexical reader for the argument lists of
// code-first registrations (Python decorators, JavaScript calls, C#
// attributes). It never evaluates anything: an argument that is not a
// literal (a string, a list of strings, a dotted name) is kept as
// "dynamic", which the loader turns into a symbolic value.

// arg is one argument of a call: positional (Name "") or named.
type arg struct {
	Name string
	// Text is the argument's source text, trimmed.
	Text string
	// Off is the byte offset of the argument's value in the file.
	Off int
}

// matchClose returns the offset just past the bracket that closes the one
// at data[open] ('(', '[' or '{'), skipping strings and comments, or -1.
func matchClose(data string, open int) int {
	depth := 0
	for i := open; i < len(data); i++ {
		switch c := data[i]; c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"', '\'', '`':
			i = skipString(data, i)
			if i < 0 {
				return -1
			}
		case '/':
			if i+1 < len(data) && data[i+1] == '/' {
				nl := strings.IndexByte(data[i:], '\n')
				if nl < 0 {
					return -1
				}
				i += nl
			} else if i+1 < len(data) && data[i+1] == '*' {
				end := strings.Index(data[i+2:], "*/")
				if end < 0 {
					return -1
				}
				i += end + 3
			}
		case '#':
			// Python comment (C# preprocessor lines are harmless too).
			if nl := strings.IndexByte(data[i:], '\n'); nl >= 0 {
				i += nl
			} else {
				return -1
			}
		}
	}
	return -1
}

// skipString returns the offset of the quote that closes the string
// starting at data[i], or -1. Python triple quotes and C# verbatim strings
// are handled well enough for argument lists.
func skipString(data string, i int) int {
	q := data[i]
	if q != '`' && strings.HasPrefix(data[i:], strings.Repeat(string(q), 3)) {
		end := strings.Index(data[i+3:], strings.Repeat(string(q), 3))
		if end < 0 {
			return -1
		}
		return i + 3 + end + 2
	}
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case q:
			return j
		case '\n':
			if q != '`' {
				return j // an unterminated string ends at the line
			}
		}
	}
	return -1
}

// splitArgs splits the text between a call's parentheses (starting at
// byte offset base in the file) into arguments. sep is the character
// that separates a name from its value in named arguments ('=' for
// Python and C#, ':' for C# named parameters and JavaScript objects).
func splitArgs(text string, base int, seps string) []arg {
	var out []arg
	start := 0
	flush := func(end int) {
		raw := text[start:end]
		lead := len(raw) - len(strings.TrimLeft(raw, " \t\r\n"))
		s := strings.TrimSpace(raw)
		if s == "" {
			return
		}
		a := arg{Text: s, Off: base + start + lead}
		if m := namedRE.FindStringSubmatchIndex(s); m != nil && strings.IndexByte(seps, s[m[4]]) >= 0 {
			rest := s[m[1]:]
			if !strings.HasPrefix(rest, "=") && !strings.HasPrefix(rest, ">") && !strings.HasPrefix(rest, ":") {
				a = arg{Name: s[m[2]:m[3]], Text: rest, Off: base + start + lead + m[1]}
			}
		}
		out = append(out, a)
	}
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '(', '[', '{':
			end := matchClose(text, i)
			if end < 0 {
				i = len(text)
				continue
			}
			i = end - 1
		case '"', '\'', '`':
			if j := skipString(text, i); j >= 0 {
				i = j
			} else {
				i = len(text)
			}
		case ',':
			flush(i)
			start = i + 1
		}
	}
	flush(len(text))
	return out
}

// unquote returns the value of a string literal (Python, JavaScript or C#
// with an optional verbatim/raw prefix), and whether text is one.
func unquote(text string) (string, bool) {
	t := strings.TrimSpace(text)
	t = strings.TrimLeft(t, "@rRbBuUfF$")
	if len(t) < 2 {
		return "", false
	}
	q := t[0]
	if q != '"' && q != '\'' && q != '`' || t[len(t)-1] != q {
		return "", false
	}
	if q == '`' && strings.Contains(t, "${") {
		return "", false // a template with substitutions
	}
	s := t[1 : len(t)-1]
	if strings.HasPrefix(t, `"""`) || strings.HasPrefix(t, "'''") {
		s = t[3 : len(t)-3]
	}
	if strings.ContainsAny(s, string(q)) && !strings.Contains(s, `\`+string(q)) {
		return "", false // two literals joined by something
	}
	return strings.ReplaceAll(s, `\`+string(q), string(q)), true
}

// stringList returns the strings of a list literal of string literals.
func stringList(text string) ([]string, bool) {
	t := strings.TrimSpace(text)
	if len(t) < 2 || !(t[0] == '[' && t[len(t)-1] == ']' || t[0] == '(' && t[len(t)-1] == ')') {
		return nil, false
	}
	var out []string
	for _, a := range splitArgs(t[1:len(t)-1], 0, "") {
		s, ok := unquote(a.Text)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// lastName returns the last identifier of a dotted name
// (func.AuthLevel.ANONYMOUS → ANONYMOUS), or "" when text is not one.
func lastName(text string) string {
	t := strings.TrimSpace(text)
	if t == "" {
		return ""
	}
	for _, c := range t {
		if !(c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		return t[i+1:]
	}
	return t
}
