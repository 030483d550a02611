package deps

import (
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// TestReach checks what the handler's imports say about each deployed
// package: imported directly or through a dependency the lockfile
// records, not imported only when everything is accounted for, unknown
// otherwise (with the reason).
func TestReach(t *testing.T) {
	pkg := func(eco, name string, requires ...string) *model.Package {
		return &model.Package{Ecosystem: eco, Name: name, Version: "1.0.0", Pos: model.Pos{File: "app/lock", Line: 1}, Requires: requires, RequiresKnown: requires != nil}
	}
	known := func(p *model.Package) *model.Package { p.RequiresKnown = true; return p }
	js := func(imports ...string) *model.Code {
		c := &model.Code{Language: model.FormatJavaScript}
		for _, i := range imports {
			c.Imports = append(c.Imports, model.Import{Ecosystem: "npm", Package: i, Module: i})
		}
		return c
	}
	py := func(imports ...string) *model.Code {
		c := &model.Code{Language: model.FormatPython}
		for _, i := range imports {
			c.Imports = append(c.Imports, model.Import{Ecosystem: "PyPI", Package: strings.Split(i, ".")[0], Module: i})
		}
		return c
	}
	type want struct {
		reach model.Reach
		note  string // substring
	}
	cases := []struct {
		name string
		code *model.Code
		pkgs []*model.Package
		want map[string]want
	}{
		{"npm chain and unused", js("express"),
			[]*model.Package{pkg("npm", "express", "body-parser"), pkg("npm", "body-parser", "qs"), known(pkg("npm", "qs")), known(pkg("npm", "lodash"))},
			map[string]want{
				"express": {model.ReachImported, "the handler imports it (express)"},
				"qs":      {model.ReachImported, "express → body-parser → qs"},
				"lodash":  {model.ReachNotImported, "no import of the handler's code (imports express) leads to it"},
			}},
		{"partial code proves nothing", func() *model.Code { c := js("express"); c.Partial = true; return c }(),
			[]*model.Package{known(pkg("npm", "express")), known(pkg("npm", "lodash"))},
			map[string]want{"express": {model.ReachImported, ""}, "lodash": {model.ReachUnknown, "could not be followed"}}},
		{"no code", nil,
			[]*model.Package{known(pkg("npm", "lodash"))},
			map[string]want{"lodash": {model.ReachUnknown, "not analysed"}}},
		{"other language", py("yaml"),
			[]*model.Package{known(pkg("npm", "lodash"))},
			map[string]want{"lodash": {model.ReachUnknown, "python code"}}},
		{"dependencies not recorded", js("express"),
			[]*model.Package{pkg("npm", "express"), pkg("npm", "lodash")},
			map[string]want{"express": {model.ReachImported, ""}, "lodash": {model.ReachUnknown, "does not record what express depends on"}}},
		{"runtime SDK is not deployed and loads nothing of the function's (Node)", js("@aws-sdk/client-s3"),
			[]*model.Package{known(pkg("npm", "lodash"))},
			map[string]want{"lodash": {model.ReachNotImported, ""}}},
		{"an import no manifest names", js("left-pad"),
			[]*model.Package{known(pkg("npm", "lodash"))},
			map[string]want{"lodash": {model.ReachUnknown, "left-pad, which no deployed manifest names"}}},
		{"Python module names", py("yaml", "jwt", "google.cloud.storage", "dateutil.parser"),
			[]*model.Package{known(pkg("PyPI", "PyYAML")), known(pkg("PyPI", "PyJWT")), known(pkg("PyPI", "google-cloud-storage")), known(pkg("PyPI", "python-dateutil")), known(pkg("PyPI", "requests"))},
			map[string]want{
				"PyYAML": {model.ReachImported, "(yaml)"}, "PyJWT": {model.ReachImported, ""}, "google-cloud-storage": {model.ReachImported, ""},
				"python-dateutil": {model.ReachImported, ""}, "requests": {model.ReachNotImported, ""},
			}},
		{"namespace packages: the module names the distribution", py("azure.functions", "azure.storage.blob", "google.protobuf.json_format", "flask"),
			[]*model.Package{known(pkg("PyPI", "azure-functions")), known(pkg("PyPI", "azure-storage-blob")), known(pkg("PyPI", "azure-identity")),
				known(pkg("PyPI", "protobuf")), known(pkg("PyPI", "google-cloud-storage")), known(pkg("PyPI", "Flask")), known(pkg("PyPI", "Flask-Cors"))},
			map[string]want{
				"azure-functions": {model.ReachImported, "(azure.functions)"}, "azure-storage-blob": {model.ReachImported, "(azure.storage.blob)"},
				"azure-identity": {model.ReachNotImported, ""}, "protobuf": {model.ReachImported, "(google.protobuf.json_format)"},
				"google-cloud-storage": {model.ReachNotImported, ""}, "Flask": {model.ReachImported, ""}, "Flask-Cors": {model.ReachNotImported, ""},
			}},
		{"a bare namespace import may mean any of its distributions", py("azure"),
			[]*model.Package{known(pkg("PyPI", "azure-functions")), known(pkg("PyPI", "azure-identity")), known(pkg("PyPI", "requests"))},
			map[string]want{
				"azure-functions": {model.ReachImported, ""}, "azure-identity": {model.ReachImported, ""}, "requests": {model.ReachNotImported, ""},
			}},
		{"boto3 from the runtime loads the function's urllib3", py("boto3"),
			[]*model.Package{known(pkg("PyPI", "urllib3")), known(pkg("PyPI", "flask"))},
			map[string]want{"urllib3": {model.ReachImported, "provided by the runtime"}, "flask": {model.ReachNotImported, ""}}},
		{"requirements files record no graph", py("flask"),
			[]*model.Package{pkg("PyPI", "Flask"), pkg("PyPI", "Werkzeug")},
			map[string]want{"Flask": {model.ReachImported, ""}, "Werkzeug": {model.ReachUnknown, "does not record what Flask depends on"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fn := &model.Function{ID: "F", Code: tc.code, Deps: &model.Dependencies{Packages: tc.pkgs}}
			dev := &model.Package{Ecosystem: "npm", Name: "mocha", Dev: true}
			fn.Deps.Packages = append(fn.Deps.Packages, dev)
			reach(fn)
			for _, p := range tc.pkgs {
				w, ok := tc.want[p.Name]
				if !ok {
					continue
				}
				if p.Reach != w.reach || !strings.Contains(p.ReachNote, w.note) {
					t.Errorf("%s: reach %q (%s), want %q (…%s…)", p.Name, p.Reach, p.ReachNote, w.reach, w.note)
				}
			}
			if dev.Reach != model.ReachUnknown || dev.ReachNote != "" {
				t.Errorf("dev package judged: %q %q", dev.Reach, dev.ReachNote)
			}
		})
	}
}
