package glob

import (
	"regexp"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		p, s     string
		want     bool
		wantFold bool
	}{
		{"", "", true, true},
		{"", "x", false, false},
		{"*", "", true, true},
		{"*", "anything/at#all:x", true, true},
		{"a?c", "abc", true, true},
		{"a?c", "ac", false, false},
		{"g?t", "GET", false, true},
		{"get", "Gets", false, false},
		{"*object", "GetObject", false, true},
		{"s3:get*", "s3:GetObject", false, true},
		{"s3:Get*", "s3:GetObject", true, false}, // fold patterns are lower-case
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/k/x", true, true},
		{"*Table", "OrdersTable", true, false},
		{"a*b*c", "aXbYbZc", true, true},
		{"a*b*c", "aXbYbZ", false, false},
		{"stack#*", "stack#fn", true, true},
		{"**", "x", true, true},
		{"x", "", false, false},
		{"Pay*", "PayFn", true, false},
		{"Pay*", "Pa", false, false},
		{"*Fn", "app/x.yaml#PayFn", true, false},
		{"*a*b*", "xxaYYbzz", true, true},
		{"*a*b", "xxaYYbzz", false, false},
		{"exact", "exactly", false, false},
	}
	for _, tc := range tests {
		if got := Match(tc.p, tc.s); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.p, tc.s, got, tc.want)
		}
		if got := MatchFold(tc.p, tc.s); got != tc.wantFold {
			t.Errorf("MatchFold(%q, %q) = %v, want %v", tc.p, tc.s, got, tc.wantFold)
		}
	}
}

// reference is the regexp a pattern means, for the differential fuzz.
func reference(p string, fold bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			b.WriteString(`[\x00-\xff]*`)
		case '?':
			b.WriteString(`[\x00-\xff]`)
		default:
			if fold && 'a' <= c && c <= 'z' {
				b.WriteString("[" + string(c) + string(c-'a'+'A') + "]")
				continue
			}
			if fold && 'A' <= c && c <= 'Z' {
				b.WriteString(`\b\B`) // an upper-case letter in a fold pattern matches nothing
				continue
			}
			b.WriteString(regexp.QuoteMeta(string([]byte{c})))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

func FuzzMatch(f *testing.F) {
	f.Add("a*b?c", "aXXbYc")
	f.Add("s3:get*", "s3:GetObject")
	f.Add("*", "")
	f.Fuzz(func(t *testing.T, p, s string) {
		if len(p) > 64 || !isASCII(p) || !isASCII(s) {
			return // the reference works on ASCII bytes
		}
		if got, want := Match(p, s), reference(p, false).MatchString(s); got != want {
			t.Fatalf("Match(%q, %q) = %v, reference %v", p, s, got, want)
		}
		if got, want := MatchFold(p, s), reference(p, true).MatchString(s); got != want {
			t.Fatalf("MatchFold(%q, %q) = %v, reference %v", p, s, got, want)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func BenchmarkMatchFold(b *testing.B) {
	for i := 0; i < b.N; i++ {
		MatchFold("dynamodb:*item*", "dynamodb:BatchWriteItem")
	}
}
