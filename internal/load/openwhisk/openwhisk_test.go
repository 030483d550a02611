package openwhisk

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/detect"
	"github.com/nightlight-sec/nightlight/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

func loadFile(t *testing.T, p string, opts load.Options) (*model.Stack, error) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	root, err := load.OpenRoot("testdata", "testdata", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	st, err := Load(context.Background(), load.Unit{Format: model.FormatWskdeploy, Path: p, Files: []load.File{{Path: p, Data: data}}, Root: root}, opts)
	if st != nil {
		st.Sort()
	}
	return st, err
}

func TestShop(t *testing.T) {
	if !detect.IsWskManifest("manifest.yaml", mustRead(t, "testdata/shop/manifest.yaml")) {
		t.Fatal("IsWskManifest: false")
	}
	st, err := loadFile(t, "testdata/shop/manifest.yaml", load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ep := range st.EntryPoints {
		got = append(got, "entry "+string(ep.Kind)+" "+ep.Method+" "+ep.Path+" -> "+ep.Function+" auth="+string(ep.Auth.Type))
	}
	for _, tr := range st.Triggers {
		got = append(got, "trigger "+string(tr.Kind)+" "+tr.Source+" -> "+tr.Function)
	}
	for _, b := range st.Bindings {
		got = append(got, "binding "+b.Function+" "+string(b.Access)+" "+b.Store)
	}
	for _, d := range st.Diagnostics {
		got = append(got, "diag "+d.String())
	}
	sort.Strings(got)
	want := []string{
		"binding shop/nightly read cloudant:orders",
		"binding shop/save-order write cloudant:orders",
		"diag testdata/shop/manifest.yaml:60:15: API route POST /shop/orders names action missing-action, which this manifest does not declare",
		"entry route GET /shop/orders -> shop/list-orders auth=none",
		"entry web-action ANY /api/v1/web/<namespace>/shop/admin -> shop/admin auth=function-key",
		"entry web-action ANY /api/v1/web/<namespace>/shop/list-orders -> shop/list-orders auth=none",
		"entry web-action ANY /api/v1/web/<namespace>/shop/render -> shop/render auth=none",
		"entry web-action ANY /api/v1/web/<namespace>/shop/save-order -> shop/save-order auth=none",
		"trigger other shop/nightly -> shop/internal",
		"trigger other shop/save-order -> shop/render",
		"trigger schedule  -> shop/nightly",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Deployment values override, package inputs are inherited, $VARs stay symbolic.
	env := map[string]*model.Value{}
	for _, e := range st.Function("shop/internal").Environment {
		env[e.Name] = e.Value
	}
	if env["DB_PASSWORD"].String() != "hunter2-but-longer" || env["STAGE"].String() != "dev" {
		t.Errorf("internal's inputs: %v", env)
	}
	if s := st.Store("cloudant:orders"); s == nil || s.Kind != model.StoreDatabase {
		t.Errorf("cloudant store: %+v", s)
	}
	golden(t, "testdata/shop.golden.json", st)
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func golden(t *testing.T, file string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", file, diff)
	}
}

func TestEnv(t *testing.T) {
	st, err := loadFile(t, "testdata/shop/manifest.yaml", load.Options{Env: map[string]string{"CLOUDANT_PASSWORD": "s3cret-value"}})
	if err != nil {
		t.Fatal(err)
	}
	r := st.ByID("binding orders-db")
	if r == nil {
		t.Fatal("no package binding resource")
	}
	if got := r.Properties.Path("inputs", "password"); got.String() != "s3cret-value" || got.Unresolved {
		t.Errorf("binding resource's password: got %v, want the --env-file value", got)
	}
	if got := r.Properties.Path("inputs", "username"); !got.Unresolved {
		t.Errorf("binding resource's username: got %v, want a symbol", got)
	}
}

func TestBad(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"invalid YAML", "packages:\n  p:\n    actions:\n      a: [1, 2\n", "m.yaml:3: invalid YAML"},
		{"not a mapping", "- a\n- b\n", "m.yaml:1:1: not a wskdeploy manifest"},
		{"action not a mapping", "packages:\n  p:\n    actions:\n      a: [1]\n", "m.yaml:4:7: action a must be a mapping, found a list"},
		{"empty sequence", "packages:\n  p:\n    sequences:\n      s: {}\n", "m.yaml:4:7: sequence s lists no actions"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Load(context.Background(), load.Unit{Path: "m.yaml", Files: []load.File{{Path: "m.yaml", Data: []byte(tc.data)}}}, load.Options{})
			msgs := []string{}
			if err != nil {
				msgs = append(msgs, err.Error())
			}
			if st != nil {
				for _, d := range st.Diagnostics {
					msgs = append(msgs, d.String())
				}
			}
			for _, m := range msgs {
				if strings.HasPrefix(m, tc.want) {
					return
				}
			}
			t.Errorf("want a message starting %q, got %q", tc.want, msgs)
		})
	}
}

func FuzzManifest(f *testing.F) {
	f.Add(mustReadF(f, "testdata/shop/manifest.yaml"))
	f.Add([]byte("package:\n  name: p\n  actions:\n    a: {web: raw, annotations: {require-whisk-auth: abc}}\n  sequences:\n    s: {actions: 'a, /ns/p/a, x/y'}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := Load(context.Background(), load.Unit{Path: "m.yaml", Files: []load.File{{Path: "m.yaml", Data: data}}}, load.Options{Limits: load.Limits{MaxDepth: 64, MaxNodes: 10000}})
		if err != nil && load.PosOf(err).Line == 0 {
			t.Fatalf("error without a line: %v", err)
		}
		if st != nil {
			for _, d := range st.Diagnostics {
				if !d.Pos.IsValid() {
					t.Fatalf("diagnostic without a file: %v", d)
				}
			}
		}
	})
}

func mustReadF(f *testing.F, p string) []byte {
	data, err := os.ReadFile(p)
	if err != nil {
		f.Fatal(err)
	}
	return data
}
