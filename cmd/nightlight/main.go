// Command nightlight is a security analyzer for serverless applications.
// See internal/cli for the commands.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/nightlight-sec/nightlight/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
