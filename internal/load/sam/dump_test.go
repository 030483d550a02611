package sam

import (
	"fmt"
	"os"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/model"
)

func TestDump(t *testing.T) {
	name := os.Getenv("DUMP")
	if name == "" {
		t.Skip()
	}
	for f, l := range loadArchive(t, name) {
		fmt.Printf("=== %s err=%v\n", f, l.err)
		if l.st == nil {
			continue
		}
		for _, tr := range triggers(l.st) {
			fmt.Printf("T %+v\n", tr)
		}
		for _, r := range routes(l.st) {
			fmt.Printf("R %+v\n", r)
		}
		for _, r := range l.st.Roles {
			fmt.Printf("ROLE %s %v\n", r.ID, policyNames(r))
		}
		fmt.Printf("RP %v\nGEN %v\nDIAG %v\n", rpIDs(l.st), generated(l.st), diags(l.st))
		for _, a := range l.st.APIs {
			fmt.Printf("API %s %s impl=%v default=%s key=%v auths=%d policy=%s\n", a.ID, a.Kind, a.Implicit, a.DefaultAuthorizer, a.APIKeyRequired, len(a.Authorizers), jsonOf(func() *model.Value {
				if a.Policy == nil {
					return nil
				}
				return a.Policy.Document
			}()))
		}
	}
}

func TestDumpJSON(t *testing.T) {
	name := os.Getenv("DUMPJSON")
	if name == "" {
		t.Skip()
	}
	for f, l := range loadArchive(t, name) {
		fmt.Printf("=== %s err=%v\n%s\n", f, l.err, marshal(t, l.st))
	}
}
