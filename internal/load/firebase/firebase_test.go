package firebase

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
	"github.com/nightlight-sec/nightlight/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

func loadProject(t *testing.T, dir string) *model.Stack {
	t.Helper()
	p := "testdata/" + dir + "/firebase.json"
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	root, err := load.OpenRoot("testdata", "testdata", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	st, err := Load(context.Background(), load.Unit{Format: model.FormatFirebase, Path: p, Files: []load.File{{Path: p, Data: data}}, Root: root}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Sort()
	return st
}

func summary(st *model.Stack) []string {
	var out []string
	for _, ep := range st.EntryPoints {
		out = append(out, "entry "+ep.Method+" "+ep.Path+" -> "+ep.Function+" auth="+string(ep.Auth.Type))
	}
	for _, tr := range st.Triggers {
		out = append(out, "trigger "+string(tr.Kind)+" "+tr.Source+" -> "+tr.Function)
	}
	for _, b := range st.Bindings {
		out = append(out, "binding "+b.Function+" "+string(b.Access)+" "+b.Store)
	}
	for _, d := range st.Diagnostics {
		out = append(out, "diag "+d.String())
	}
	sort.Strings(out)
	return out
}

func TestProjects(t *testing.T) {
	tests := []struct {
		dir  string
		want []string
	}{
		{"shop", []string{
			"binding onOrder read firestore:orders",
			"binding onOrder write firestore:audit",
			"binding orders read firestore:orders",
			"binding orders write firestore:orders",
			"binding placeOrder write firestore:orders",
			"binding thumb read storage:uploads",
			"binding worker read pubsub:orders",
			"binding worker write firestore:orders",
			"diag testdata/shop/firebase.json:10:40: hosting rewrite routes to function removedFn, which the functions source does not export (or was not read)",
			"entry ANY /admin/** -> adminApi auth=iam",
			"entry ANY /adminApi -> adminApi auth=iam",
			"entry ANY /api/orders -> orders auth=none",
			"entry ANY /legacy -> legacy auth=none",
			"entry ANY /orders -> orders auth=none",
			"entry POST /openCallable -> openCallable auth=none",
			"entry POST /placeOrder -> placeOrder auth=jwt",
			"trigger blob storage:uploads -> thumb",
			"trigger other firestore:orders -> onOrder",
			"trigger pubsub pubsub:orders -> worker",
			"trigger schedule  -> nightly",
		}},
		{"pyapp", []string{
			"binding audit read firestore:orders",
			"binding orders read firestore:orders",
			"binding place write firestore:orders",
			"entry ANY /orders -> orders auth=none",
			"entry POST /place -> place auth=none",
			"trigger other firestore:orders -> audit",
			"trigger schedule  -> nightly",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			st := loadProject(t, tc.dir)
			if diff := cmp.Diff(tc.want, summary(st)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			golden(t, "testdata/"+tc.dir+".golden.json", st)
		})
	}
	st := loadProject(t, "shop")
	if f := st.Function("orders"); f.Runtime.String() != "nodejs18" || f.ReservedConcurrency.String() != "10" {
		t.Errorf("orders: runtime %v, max instances %v", f.Runtime, f.ReservedConcurrency)
	}
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

func TestBad(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"invalid JSON", "{\n  \"functions\": {\"source\": }\n}", "firebase.json:2:27: invalid JSON"},
		{"functions wrong type", `{"functions": "functions"}`, "firebase.json:1:15: functions must be an object or a list of codebases, found string"},
		{"source leaves project", `{"functions": {"source": "../../etc"}}`, `firebase.json:1:26: functions source "../../etc" leaves the project: not read`},
		{"codebase not an object", `{"functions": [1]}`, "firebase.json:1:16: functions codebase must be an object, found number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Load(context.Background(), load.Unit{Path: "firebase.json", Files: []load.File{{Path: "firebase.json", Data: []byte(tc.data)}}}, load.Options{})
			var msgs []string
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

func FuzzSource(f *testing.F) {
	for _, p := range []string{"testdata/shop/functions/src/index.ts", "testdata/pyapp/functions/main.py"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(strings.HasSuffix(p, ".py"), data)
	}
	f.Fuzz(func(t *testing.T, py bool, data []byte) {
		name := "p/functions/index.js"
		if py {
			name = "p/functions/main.py"
		}
		files := []load.File{{Path: "p/firebase.json", Data: []byte(`{"functions":{},"hosting":{"rewrites":[{"source":"/x","function":"x"}]}}`)}, {Path: name, Data: data}}
		st, err := Load(context.Background(), load.Unit{Path: "p/firebase.json", Files: files}, load.Options{})
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
