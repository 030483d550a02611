package sam

import (
	"context"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/load"
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
	if diff := cmp.Diff([]string{"Api GET /files auth=none fn=Fn"}, routeLines(loaded{st: st})); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}
	var msgs []string
	for _, d := range st.Diagnostics {
		msgs = append(msgs, string(d.Severity)+": "+d.String())
	}
	if diff := cmp.Diff([]string{
		"warning: app/template.yaml:12:22: API Escape: DefinitionUri ../../../../../../etc/passwd: ../../../../../../etc/passwd: path leaves the scanned root",
		"info: app/template.yaml:16:22: API Remote: DefinitionUri s3://bucket/openapi.yaml is not read (not a local file); only routes declared by function events are known",
	}, msgs); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}
