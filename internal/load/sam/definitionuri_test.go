package sam

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// TestDefinitionURI reads a local OpenAPI file below the scan root, and
// refuses one outside it.
func TestDefinitionURI(t *testing.T) {
	root, err := load.OpenRoot("testdata/definitionuri", "app", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	data, err := os.ReadFile("testdata/definitionuri/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	st, err := Load(context.Background(), load.Unit{Path: "app/template.yaml", Root: root,
		Files: []load.File{{Path: "app/template.yaml", Data: data}}}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := st.Store("Flow")
	if got := compact(t, m.Attr(model.AttrDefinition)); got != `{"StartAt":"Work","States":{"Work":{"End":true,"Resource":"${Fn.Arn}","Type":"Task"}}}` {
		t.Errorf("definition = %s", got)
	}
	if refs := m.Attr(model.AttrDefinition).AllRefs(); len(refs) != 1 || refs[0] != "Fn" {
		t.Errorf("definition refs = %v", refs)
	}
	if diff := cmp.Diff([]string{"Api GET /files auth=none fn=Fn"}, routeLines(loaded{st: st})); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}
	var msgs []string
	for _, d := range st.Diagnostics {
		msgs = append(msgs, string(d.Severity)+": "+d.String())
	}
	if diff := cmp.Diff([]string{
		"warning: app/template.yaml:12:22: API Escape: DefinitionUri ../../../../../../etc/passwd: ../../../../../../etc/passwd: path leaves the scanned root",
		"info: app/template.yaml:12:22: API Escape: only routes declared by function events are known",
		"info: app/template.yaml:16:22: API Remote: DefinitionUri s3://bucket/openapi.yaml is not read (not a local file)",
		"info: app/template.yaml:16:22: API Remote: only routes declared by function events are known",
		"info: app/template.yaml:29:22: Machine: DefinitionUri: read app/statemachine/flow.asl.json: ",
	}, trimAfter(msgs, ".json: ")); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

// trimAfter cuts each message after the first sep, dropping the
// operating system's wording of an error.
func trimAfter(msgs []string, sep string) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		if j := strings.Index(m, sep); j >= 0 {
			m = m[:j+len(sep)]
		}
		out[i] = m
	}
	return out
}
