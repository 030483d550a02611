package sam

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// loaded is one template of a txtar archive after loading.
type loaded struct {
	st  *model.Stack
	err error
}

// loadArchive loads every file of testdata/<name>.txtar as a SAM template.
func loadArchive(t *testing.T, name string) map[string]loaded {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]loaded{}
	for _, f := range ar.Files {
		st, err := Load(context.Background(), load.Unit{Path: f.Name, Files: []load.File{{Path: f.Name, Data: f.Data}}}, load.Options{})
		out[f.Name] = loaded{st, err}
	}
	return out
}

// trig is the part of a trigger the tests compare.
type trig struct {
	ID, Kind, Function, Source, Value, Filter, Schedule, Enabled, Batch, OnFailure string
	Events                                                                         []string
}

func triggers(st *model.Stack) []trig {
	var out []trig
	for _, tr := range st.Triggers {
		out = append(out, trig{ID: tr.ID, Kind: string(tr.Kind), Function: tr.Function, Source: tr.Source, Value: tr.SourceValue.String(),
			Filter: jsonOf(tr.Filter), Schedule: tr.Schedule.String(), Enabled: tr.Enabled.String(), Batch: tr.BatchSize.String(),
			OnFailure: tr.OnFailure.String(), Events: tr.Events})
	}
	return out
}

func jsonOf(v *model.Value) string {
	if v == nil {
		return ""
	}
	b, _ := v.MarshalJSON()
	return string(b)
}

// policyNames lists a role's policies as source:name.
func policyNames(r *model.Role) []string {
	if r == nil {
		return nil
	}
	var out []string
	for _, p := range r.Policies {
		out = append(out, string(p.Source)+":"+p.Name)
	}
	return out
}

// rpIDs lists the resource policies as id→targets.
func rpIDs(st *model.Stack) []string {
	var out []string
	for _, rp := range st.ResourcePolicies {
		out = append(out, rp.ID+"→"+strings.Join(rp.Targets, ","))
	}
	return out
}

// diags lists diagnostics that are warnings or errors as "severity: message".
func diags(st *model.Stack) []string {
	var out []string
	for _, d := range st.Diagnostics {
		if d.Severity != model.DiagInfo {
			out = append(out, string(d.Severity)+": "+d.Message)
		}
	}
	return out
}

// generated lists the generated resources as id:type<-from.
func generated(st *model.Stack) []string {
	var out []string
	for _, r := range st.Resources {
		if r.Generated != "" {
			out = append(out, r.ID+":"+r.Type+"<-"+r.Generated)
		}
	}
	sort.Strings(out)
	return out
}

// route is the part of an entry point the tests compare.
type route struct {
	ID, API, Method, Path, Function string
	Auth                            string
	Authorizer                      string
	APIKey                          bool
	Scopes                          []string
}

func routes(st *model.Stack) []route {
	var out []route
	for _, ep := range st.EntryPoints {
		out = append(out, route{ID: ep.ID, API: ep.API, Method: ep.Method, Path: ep.Path, Function: ep.Function,
			Auth: string(ep.Auth.Type), Authorizer: ep.Auth.Authorizer, APIKey: ep.Auth.APIKeyRequired, Scopes: ep.Auth.Scopes})
	}
	return out
}

// compact renders v as JSON without positions, for comparing model
// objects in tests.
func compact(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	var strip func(any) any
	strip = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			delete(v, "pos")
			for k, e := range v {
				v[k] = strip(e)
			}
		case []any:
			for i, e := range v {
				v[i] = strip(e)
			}
		}
		return v
	}
	out, _ := json.Marshal(strip(x))
	return string(out)
}
