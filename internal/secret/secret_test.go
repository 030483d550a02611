package secret

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/model"
)

func TestFind(t *testing.T) {
	d := New()
	tests := []struct {
		name, key, value string
		want             []Kind
	}{
		{"aws access key id", "", "AKIAIOSFODNN7EXAMPLE", []Kind{AWSAccessKeyID}},
		{"aws key in text", "", "export KEY=ASIAY34FZKBOKMUTVV7A done", []Kind{AWSAccessKeyID}},
		{"aws secret key by context", "", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", []Kind{AWSSecretAccessKey}},
		{"private key", "", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", []Kind{PrivateKey}},
		{"github token", "", "ghp_" + strings.Repeat("a1B2", 9), []Kind{Token}},
		{"slack token", "HOOK", "xoxb-123456789012-abcdefghij", []Kind{Token}},
		{"stripe live key", "", "sk_live_" + strings.Repeat("Ab3", 8), []Kind{Token}},
		{"jwt", "", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", []Kind{JWT}},
		{"url with password", "DATABASE_URL", "postgres://app:s3cr3tpw@db.internal:5432/app", []Kind{URLPassword}},
		{"password by name", "DB_PASSWORD", "hunter2hunter2", []Kind{Password}},
		{"api key by name", "STRIPE_API_KEY", "9f8e7d6c5b4a", []Kind{Password}},
		{"high entropy without hint", "SETTING", "Zr8vQ2mN7xK4pL9sT1wY6bC3dF5gH0jA2nE4rU7q", []Kind{HighEntropy}},
		// Not secrets.
		{"arn under a secret name", "SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db", nil},
		{"reference", "DB_PASSWORD", "${ssm:/app/db-password}", nil},
		{"dynamic reference", "DB_PASSWORD", "{{resolve:secretsmanager:db:SecretString:password}}", nil},
		{"ssm path", "API_KEY", "/prod/api-key", nil},
		{"placeholder", "API_KEY", "changeme", nil},
		{"boolean", "USE_TOKEN", "true", nil},
		{"table name", "TOKEN_TABLE", "tokens-prod", nil},
		{"plain config", "LOG_LEVEL", "INFO", nil},
		{"uuid", "REQUEST", "123e4567-e89b-12d3-a456-426614174000", nil},
		{"hex digest", "CHECKSUM", "9b74c9897bac770ffc029102a200c5de", nil},
		{"url without password", "ENDPOINT", "https://api.example.com/v1", nil},
		{"short", "PASSWORD", "abc", nil},
		{"well-known dummy", "DARK_SKY_API_KEY", "abc123", nil},
		{"value naming the secret", "POSTMARK_API_KEY", "MyAPIkey", nil},
		{"word and digits", "ADMIN_PASSWORD", "password123", nil},
		{"template hint", "SLACK_TOKEN", "xoxb-ENTER YOUR BOT'S ACCESS TOKEN HERE", nil},
		{"angle-bracket hint", "API_KEY", "<your api key>", nil},
		{"azure key vault reference", "CLIENT_SECRET", "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/x/)", nil},
		{"permission list item", "secret_permissions", "Delete", nil},
		{"real password with a word in it", "DB_PASSWORD", "secret-Hx7qpL2zz", []Kind{Password}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []Kind
			for _, m := range d.Find(tc.key, tc.value) {
				got = append(got, m.Kind)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Find(%q, %q) (-want +got):\n%s", tc.key, tc.value, diff)
			}
		})
	}
}

func TestMaskNeverShowsTheSecret(t *testing.T) {
	for _, s := range []string{"AKIAIOSFODNN7EXAMPLE", "hunter2", "abcdefghij", "x"} {
		m := Mask(s)
		if strings.Contains(m, s) {
			t.Errorf("Mask(%q) = %q shows the secret", s, m)
		}
	}
	if got, want := Mask("AKIAIOSFODNN7EXAMPLE"), "AKIA…(20 chars)"; got != want {
		t.Errorf("Mask = %q, want %q", got, want)
	}
}

func TestRedactApp(t *testing.T) {
	key := model.NewString("AKIAIOSFODNN7EXAMPLE", model.Pos{})
	pw := model.NewString("correct-horse-battery", model.Pos{})
	props := model.NewMap([]model.Field{
		{Key: "Environment", Value: model.NewMap([]model.Field{{Key: "Variables", Value: model.NewMap([]model.Field{
			{Key: "KEY", Value: key}, {Key: "DB_PASSWORD", Value: pw},
		}, model.Pos{})}}, model.Pos{})},
	}, model.Pos{})
	app := &model.App{Stacks: []*model.Stack{{
		Functions: []*model.Function{{ID: "F", Environment: []model.EnvVar{{Name: "KEY", Value: key}, {Name: "DB_PASSWORD", Value: pw}},
			InlineCode: model.NewString("token = 'ghp_"+strings.Repeat("a1B2", 9)+"'", model.Pos{})}},
		Parameters: []*model.Parameter{{ID: "ApiToken", Default: model.NewString("s3cr3t-t0k3n-value", model.Pos{})}},
		Resources:  []*model.Resource{{ID: "F", Properties: props}},
	}}}
	n := New().RedactApp(app)
	if n != 4 {
		t.Errorf("RedactApp changed %d values, want 4", n)
	}
	j, _ := props.MarshalJSON()
	for _, leak := range []string{"AKIAIOSFODNN7EXAMPLE", "correct-horse-battery", "s3cr3t-t0k3n-value", strings.Repeat("a1B2", 9)} {
		for _, s := range []string{string(j), app.Stacks[0].Functions[0].InlineCode.Str, app.Stacks[0].Parameters[0].Default.Str} {
			if strings.Contains(s, leak) {
				t.Errorf("secret %q still present in %q", leak, s)
			}
		}
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{"AKIAIOSFODNN7EXAMPLE", "postgres://a:b@c", "-----BEGIN PRIVATE KEY-----", "eyJa.eyJb.c"} {
		f.Add("PASSWORD", s)
	}
	d := New()
	f.Fuzz(func(t *testing.T, name, value string) {
		ms := d.Find(name, value)
		prev := 0
		for _, m := range ms {
			if m.Start < prev || m.End > len(value) || m.Start >= m.End {
				t.Fatalf("bad match %+v in %q", m, value)
			}
			prev = m.End
		}
		r := Redact(value, ms)
		for _, m := range ms {
			if m.End-m.Start > 8 && strings.Contains(r, value[m.Start:m.End]) {
				t.Fatalf("redacted %q still contains %q", r, value[m.Start:m.End])
			}
		}
	})
}

func BenchmarkFind(b *testing.B) {
	d := New()
	vals := []struct{ k, v string }{{"TABLE_NAME", "orders-prod"}, {"", "arn:aws:dynamodb:us-east-1:123456789012:table/orders"},
		{"Handler", "app.handler"}, {"LOG_LEVEL", "INFO"}, {"", "AKIAIOSFODNN7EXAMPLE"}, {"DB_PASSWORD", "hunter2hunter2"}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, kv := range vals {
			d.Find(kv.k, kv.v)
		}
	}
}
