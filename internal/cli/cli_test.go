package cli

import (
	"context"
	"flag"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
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
