package code

import "testing"

func TestGoCheckName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"github.com/golang-jwt/jwt/v5.Parse", "github.com/golang-jwt/jwt.Parse"},
		{"github.com/stripe/stripe-go/v76/webhook.ConstructEvent", "github.com/stripe/stripe-go/webhook.ConstructEvent"},
		{"github.com/lestrrat-go/jwx/v2/jwt.Parse", "github.com/lestrrat-go/jwx/jwt.Parse"},
		{"crypto/hmac.Equal", "crypto/hmac.Equal"},
		{"github.com/vmihailenco/msgpack.Unmarshal", "github.com/vmihailenco/msgpack.Unmarshal"},
		{"github.com/a/v2x/pkg.F", "github.com/a/v2x/pkg.F"},
		{"Parse", "Parse"},
		{"", ""},
	} {
		if got := goCheckName(tc.in); got != tc.want {
			t.Errorf("goCheckName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
