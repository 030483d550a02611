package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
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
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": exitsCmd,
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

// exitsCmd is the script command `exits N PROGRAM ARGS...`: it runs the
// program like exec (stdout and stderr are kept for the commands that
// follow) and fails unless its exit status is exactly N, so scripts tell
// findings (1) from usage errors (2).
func exitsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: %q is not an exit status", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
