package azure

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/detect"
	"github.com/nightlight-sec/nightlight/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// loadDir loads the project in testdata/dir through a root, as a scan does.
func loadDir(t *testing.T, dir string) *model.Stack {
	t.Helper()
	root, err := load.OpenRoot("testdata", "testdata", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	st, err := Load(context.Background(), load.Unit{Format: model.FormatAzureFunctions, Path: "testdata/" + dir, Root: root}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Sort()
	return st
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

func TestGolden(t *testing.T) {
	for _, dir := range []string{"functionjson", "pythonv2", "nodev4", "csharp"} {
		t.Run(dir, func(t *testing.T) {
			golden(t, filepath.Join("testdata", dir+".golden.json"), loadDir(t, dir))
		})
	}
}

// summary is the part of a stack the table tests compare.
func summary(st *model.Stack) []string {
	var out []string
	for _, ep := range st.EntryPoints {
		out = append(out, "entry "+ep.Function+" "+ep.Method+" "+ep.Path+" auth="+string(ep.Auth.Type))
	}
	for _, tr := range st.Triggers {
		out = append(out, "trigger "+tr.Function+" "+string(tr.Kind)+" from="+tr.Source)
	}
	for _, b := range st.Bindings {
		out = append(out, "binding "+b.Function+" "+string(b.Access)+" "+b.Store)
	}
	return out
}

func TestCodeFirst(t *testing.T) {
	tests := []struct {
		dir  string
		want []string
	}{
		{"pythonv2", []string{
			"entry AdminReport ANY /api/admin/report auth=function-key",
			"entry dynamic ANY /api/dynamic auth=unknown",
			"entry list_orders GET /api/orders auth=none",
			"trigger tick timer from=",
			"trigger worker queue from=queue:orders",
			"binding list_orders read table:orders",
			"binding worker read queue:orders",
			"binding worker write queue:orders",
			"binding worker write cosmosdb:shop/orders",
		}},
		{"nodev4", []string{
			"entry getOrders GET /api/orders auth=none",
			"entry getOrders POST /api/orders auth=none",
			"entry health ANY /api/health auth=none",
			"entry keyed DELETE /api/keyed auth=function-key",
			"trigger worker queue from=queue:orders",
			"binding getOrders read table:orders",
			"binding getOrders write queue:orders",
			"binding worker read queue:orders",
			"binding worker write cosmosdb:shop/orders",
			"binding worker write queue:orders",
		}},
		{"csharp", []string{
			"entry GetOrders GET /api/orders/{id} auth=none",
			"entry Legacy POST /api/Legacy auth=function-key",
			"trigger Worker queue from=queue:orders",
			"binding GetOrders read table:orders",
			"binding Legacy read blob:uploads",
			"binding Legacy write queue:legacy-out",
			"binding Worker read queue:orders",
			"binding Worker write blob:archive",
			"binding Worker write cosmosdb:shop/orders",
			"binding Worker write queue:orders",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			got := summary(loadDir(t, tc.dir))
			if diff := cmp.Diff(sorted(tc.want), sorted(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func sorted(ss []string) []string {
	out := append([]string(nil), ss...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestFunctionJSON(t *testing.T) {
	st := loadDir(t, "functionjson")
	want := []string{
		"entry Custom ANY /v1/Custom auth=function-key",
		"entry HttpOrders GET /v1/orders/{id?} auth=none",
		"entry HttpOrders POST /v1/orders/{id?} auth=none",
		"trigger QueueWorker queue from=queue:orders-in",
		"binding HttpOrders read table:orders",
		"binding HttpOrders write queue:orders-in",
		"binding QueueWorker read queue:orders-in",
		"binding QueueWorker write blob:archive",
		"binding QueueWorker write cosmosdb:shop/orders",
		"binding QueueWorker write faxMachine:fax",
		"binding QueueWorker write queue:orders-in",
	}
	if diff := cmp.Diff(sorted(want), sorted(summary(st))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var diags []string
	for _, d := range st.Diagnostics {
		diags = append(diags, string(d.Severity)+" "+d.String())
	}
	wantDiags := []string{
		"error testdata/functionjson/Custom/function.json:4:5: function Custom: binding 1 has no type",
		"error testdata/functionjson/Custom/function.json:5:5: function Custom: binding 2 must be an object, found string",
		"info testdata/functionjson/QueueWorker/function.json:18:28: function QueueWorker: binding type faxMachine is not one nightlight knows; kept as a generic access",
	}
	if diff := cmp.Diff(wantDiags, diags); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if api := st.API(APIID); api == nil || api.CORS == nil || api.CORS.AllowOrigins.Elems()[0].String() != "*" {
		t.Errorf("local.settings Host.CORS not read: %+v", api)
	}
	if f := st.Function("HttpOrders"); f.Runtime.String() != "python" || len(f.Environment) != 3 {
		t.Errorf("HttpOrders runtime %v, environment %d", f.Runtime, len(f.Environment))
	}
}

func TestMissingHost(t *testing.T) {
	files := []load.File{{Path: "app/fn/function.json", Data: []byte(`{"bindings":[{"type":"httpTrigger","direction":"in","name":"req"}]}`)}}
	st, err := Load(context.Background(), load.Unit{Format: model.FormatAzureFunctions, Path: "app", Files: files}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Diagnostics) != 1 || !strings.HasPrefix(st.Diagnostics[0].String(), "app/fn/function.json:1:1: no host.json in app") {
		t.Fatalf("diagnostics: %v", st.Diagnostics)
	}
	if len(st.EntryPoints) != 1 || st.EntryPoints[0].Path != "/api/fn" {
		t.Fatalf("entry points: %+v", st.EntryPoints)
	}
}

func TestMalformed(t *testing.T) {
	tests := []struct{ name, file, data, want string }{
		{"bad JSON", "app/fn/function.json", "{\n  \"bindings\": [\n    {\"type\": \"queue\" \"x\": 1}\n  ]\n}", "app/fn/function.json:3:22: invalid JSON: unexpected '\"' in object, want ',' or '}'"},
		{"bindings not a list", "app/fn/function.json", `{"bindings": {"type": "queue"}}`, "app/fn/function.json:1:14: function fn: bindings must be a list, found map"},
		{"no bindings", "app/fn/function.json", `{"scriptFile": "x.py"}`, "app/fn/function.json:1:1: function fn: function.json has no bindings list"},
		{"host not an object", "app/host.json", `[1]`, "app/host.json:1:1: want a JSON object, found list"},
		{"settings values", "app/local.settings.json", `{"Values": []}`, "app/local.settings.json:1:12: Values must be an object of app settings, found list"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := []load.File{{Path: tc.file, Data: []byte(tc.data)}}
			if !strings.HasSuffix(tc.file, "host.json") {
				files = append(files, load.File{Path: "app/host.json", Data: []byte(`{"version":"2.0"}`)})
			}
			st, err := Load(context.Background(), load.Unit{Path: "app", Files: files}, load.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range st.Diagnostics {
				if d.Severity == model.DiagError && d.String() == tc.want {
					return
				}
			}
			t.Errorf("want error %q, got %v", tc.want, st.Diagnostics)
		})
	}
}

func FuzzFunctionJSON(f *testing.F) {
	for _, dir := range []string{"HttpOrders", "QueueWorker", "Custom"} {
		data, err := os.ReadFile(filepath.Join("testdata", "functionjson", dir, "function.json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"bindings":[{"type":"blobTrigger","path":"%X%/{name}"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		files := []load.File{{Path: "app/host.json", Data: []byte(`{}`)}, {Path: "app/fn/function.json", Data: data}}
		st, err := Load(context.Background(), load.Unit{Path: "app", Files: files}, load.Options{Limits: load.Limits{MaxDepth: 64, MaxNodes: 10000}})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range st.Diagnostics {
			if !d.Pos.IsValid() {
				t.Fatalf("diagnostic without a file: %v", d)
			}
		}
	})
}

func FuzzCodeFirst(f *testing.F) {
	for _, p := range []string{"pythonv2/function_app.py", "nodev4/src/functions/orders.js", "csharp/Orders.cs"} {
		data, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Ext(p), data)
	}
	f.Fuzz(func(t *testing.T, ext string, data []byte) {
		if len(ext) > 5 {
			return
		}
		if !bytes.Contains(data, []byte("@azure/functions")) && ext != ".py" && ext != ".cs" {
			data = append([]byte("// @azure/functions\n"), data...)
		}
		files := []load.File{{Path: "app/host.json", Data: []byte(`{}`)}, {Path: "app/src" + ext, Data: data}}
		if _, err := Load(context.Background(), load.Unit{Path: "app", Files: files}, load.Options{}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestARM(t *testing.T) {
	data, err := os.ReadFile("testdata/arm/azuredeploy.json")
	if err != nil {
		t.Fatal(err)
	}
	if !detect.IsARM(data) {
		t.Fatal("IsARM: false")
	}
	st, err := LoadARM(context.Background(), load.Unit{Format: model.FormatARM, Path: "arm/azuredeploy.json", Files: []load.File{{Path: "arm/azuredeploy.json", Data: data}}}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Sort()
	golden(t, filepath.Join("testdata", "arm.golden.json"), st)
	f := st.Function("orders-func")
	if f == nil {
		t.Fatalf("no function app: %v", st.Functions)
	}
	if f.Runtime.String() != "python3.7" || f.ReservedConcurrency.String() != "200" {
		t.Errorf("runtime %v, scale limit %v", f.Runtime, f.ReservedConcurrency)
	}
	r := st.Role(f.Role)
	if r == nil || len(r.Policies) != 1 || r.Policies[0].Name != "Contributor" {
		t.Fatalf("identity role: %+v", r)
	}
	if ep := st.EntryPoints[0]; ep.Auth.Type != model.AuthKey || ep.CORS == nil {
		t.Errorf("entry point auth %v (authsettingsV2 allows anonymous: keys still apply), CORS %v", ep.Auth.Type, ep.CORS)
	}
	if v := firstEnv(f, "AzureWebJobsStorage"); !v.Unresolved {
		t.Errorf("listKeys connection string resolved to %v", v)
	}
}

func FuzzARM(f *testing.F) {
	data, err := os.ReadFile("testdata/arm/azuredeploy.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"resources":[{"type":"Microsoft.Web/sites/config","name":"a/web","properties":{"cors":{}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		u := load.Unit{Path: "t.json", Files: []load.File{{Path: "t.json", Data: data}}}
		st, err := LoadARM(context.Background(), u, load.Options{Limits: load.Limits{MaxDepth: 64, MaxNodes: 10000}})
		if err != nil && load.PosOf(err).Line == 0 {
			t.Fatalf("error without a line: %v", err)
		}
		_ = st
	})
}
