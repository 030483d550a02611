package catalog_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
	"github.com/nightlight-sec/nightlight/internal/iam/catalog/gen/build"
)

const regen = "go generate ./internal/iam/catalog"

// TestFresh fails when the embedded table does not match the version pinned
// in gen/package.json, or (when the package is installed) its contents.
func TestFresh(t *testing.T) {
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	b, err := os.ReadFile("gen/package.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	c := catalog.New()
	if err := c.Err(); err != nil {
		t.Fatal(err)
	}
	v, _ := c.Version()
	if want := pkg.Dependencies[build.Package]; v != want {
		t.Fatalf("catalog.txt.gz is from %s %s but gen/package.json pins %s; run: %s", build.Package, v, want, regen)
	}
	lock, err := os.ReadFile("gen/package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(lock, []byte(`"version": "`+v+`"`)) {
		t.Fatalf("gen/package-lock.json does not pin %s; run: (cd internal/iam/catalog/gen && npm install) && %s", v, regen)
	}
	dir := "gen/node_modules/" + build.Package
	if _, err := os.Stat(dir); err != nil {
		t.Logf("%s not installed; checked the pinned version only", dir)
		return
	}
	want, err := build.Text(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(mustRead(t, "catalog.txt.gz")))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("catalog.txt.gz is stale relative to %s; run: %s", dir, regen)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLookupAndCheck(t *testing.T) {
	c := catalog.New()
	if n := c.Len(); n < 15000 {
		t.Fatalf("catalog has %d actions, want > 15000", n)
	}
	a := c.Lookup("S3:getobject")
	if a == nil || a.String() != "s3:GetObject" || a.Access != catalog.Read {
		t.Fatalf("Lookup(S3:getobject) = %+v", a)
	}
	for _, tc := range []struct {
		pattern string
		want    catalog.Problem
	}{
		{"s3:GetObject", catalog.OK},
		{"s3:Get*", catalog.OK},
		{"*", catalog.OK},
		{"*:*", catalog.OK},
		{"sts:GetCallerIdentify", catalog.UnknownAction},
		{"sts:GetCallerIdentity", catalog.OK},
		{"cognitoidp:*", catalog.UnknownService},
		{"cognito-idp:*", catalog.OK},
		{"s3:Zzz*", catalog.NoMatch},
		{"s3", catalog.Malformed},
		{"iam:PassRole", catalog.OK},
		{"lambda:InvokeFunction", catalog.OK},
	} {
		if got := c.Check(tc.pattern); got != tc.want {
			t.Errorf("Check(%q) = %q, want %q", tc.pattern, got, tc.want)
		}
	}
	levels := map[string]catalog.AccessLevel{
		"iam:PutRolePolicy":             catalog.PermissionsManagement,
		"s3:ListBucket":                 catalog.List,
		"dynamodb:PutItem":              catalog.Write,
		"s3:PutObjectTagging":           catalog.Tagging,
		"secretsmanager:GetSecretValue": catalog.Read,
	}
	got := map[string]catalog.AccessLevel{}
	for k := range levels {
		if a := c.Lookup(k); a != nil {
			got[k] = a.Access
		}
	}
	if d := cmp.Diff(levels, got); d != "" {
		t.Errorf("access levels (-want +got):\n%s", d)
	}
}

func TestExpand(t *testing.T) {
	c := catalog.New()
	var names []string
	for _, a := range c.Expand("s3:GetObjectA*") {
		names = append(names, a.String())
	}
	want := []string{"s3:GetObjectAcl", "s3:GetObjectAnnotation", "s3:GetObjectAttributes"}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("Expand (-want +got):\n%s", d)
	}
	if all, star := len(c.Expand("*")), len(c.Expand("*:*")); all != c.Len() || star != c.Len() {
		t.Errorf("Expand(*) = %d, Expand(*:*) = %d, want %d", all, star, c.Len())
	}
	if n := len(c.Expand("dynamodb:???Item")); n != 2 {
		t.Errorf("dynamodb:???Item expands to %d, want 2 (GetItem, PutItem)", n)
	}
}

func BenchmarkExpand(b *testing.B) {
	c := catalog.New()
	_ = c.Err()
	for _, p := range []string{"*:*", "s3:Get*", "*:Describe*", "iam:*Policy*"} {
		b.Run(p, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_ = c.Expand(p)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if err := catalog.New().Err(); err != nil {
			b.Fatal(err)
		}
	}
}
