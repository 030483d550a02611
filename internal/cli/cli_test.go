package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/nightlight-sec/nightlight/internal/code"
)

var update = flag.Bool("update", false, "rewrite testscript golden files (cmp targets) from actual output")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"nightlight": func() {
			os.Exit(Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
		},
	})
}

// TestScripts runs the real nightlight command line on real templates:
// testdata/script/*.txtar check stdout, stderr, exit status and goldens.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Condition: func(cond string) (bool, error) {
			if cond == "cgo" { // handler-code analysis is in this build
				return code.Available(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			// Scripts may refer to the repository's examples and the
			// shared corpus.
			wd, err := os.Getwd()
			if err != nil {
				return err
			}
			env.Setenv("REPO", wd+"/../..")
			return nil
		},
	})
}
