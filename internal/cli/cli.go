// Package cli implements nightlight's commands. Main does everything with
// injected I/O so that tests run the real command line in-process; flags
// become Options for internal/scan and friends, and errors map to exit codes
// in one place.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Version is nightlight's version, shown in reports.
const Version = "0.1.0-dev"

// Exit codes, as in DESIGN.md.
const (
	ExitOK       = 0 // no finding at or above the threshold
	ExitFindings = 1 // findings at or above the threshold, or inputs that did not load
	ExitError    = 2 // usage or fatal error
)

// Env is what every command gets: its output streams and the logger.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
	Logger *slog.Logger
	// IsTerminal reports whether a writer is a terminal (for colour and
	// progress); tests leave it nil.
	IsTerminal func(w io.Writer) bool
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError marks a mistake in the command line.
func usageError(format string, args ...any) error {
	return &exitError{code: ExitError, err: fmt.Errorf(format, args...)}
}

// withCode returns an error that makes Main exit with code without printing
// anything more.
func withCode(code int) error { return &exitError{code: code} }

// Main runs nightlight with args (without the program name) and returns
// the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	level := new(slog.LevelVar)
	level.Set(slog.LevelWarn)
	env := &Env{
		Stdout:     stdout,
		Stderr:     stderr,
		Logger:     slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
		IsTerminal: isTerminal,
	}
	root := rootCommand(env, level)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	var ee *exitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		if ee.err != nil {
			fmt.Fprintf(stderr, "nightlight: %v\n", ee.err)
		}
		return ee.code
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "nightlight: interrupted")
		return ExitError
	default:
		// cobra's own errors (unknown flag, missing argument) are usage
		// errors.
		fmt.Fprintf(stderr, "nightlight: %v\n", err)
		if isUsage(err) {
			fmt.Fprintln(stderr, "Run 'nightlight --help' for usage.")
		}
		return ExitError
	}
}

func isUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown flag", "unknown command", "unknown shorthand", "accepts", "requires", "invalid argument", "flag needs"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func rootCommand(env *Env, level *slog.LevelVar) *cobra.Command {
	var verbose int
	root := &cobra.Command{
		Use:   "nightlight",
		Short: "Security analyzer for serverless applications",
		Long: `nightlight reads an application's declarations (AWS SAM and CloudFormation,
Serverless Framework, Terraform; native Azure Functions, OpenWhisk and
Firebase projects), the handler code and dependencies they deploy, into one
typed model, builds the graph of entry points, functions, data stores and
permissions, and reports who can reach what, where data flows, what is
misconfigured and what an anonymous caller can make the owner pay. monitor
checks CloudTrail against the same design.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
		PersistentPreRun: func(cmd *cobra.Command, args []string) {
			switch {
			case verbose >= 2:
				level.Set(slog.LevelDebug)
			case verbose == 1:
				level.Set(slog.LevelInfo)
			}
		},
	}
	root.PersistentFlags().CountVarP(&verbose, "verbose", "v", "log more (-v info, -vv debug) to stderr")
	root.AddCommand(scanCommand(env, "scan"), scanCommand(env, "inventory"), iamCommand(env), rulesCommand(env), explainCommand(env), surfaceCommand(env), graphCommand(env), monitorCommand(env), dbCommand(env))
	return root
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
