// Command govm installs, verifies and switches Go toolchains.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/govm-dev/govm/internal/cli"
)

func main() {
	os.Exit(run())
}

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cli.Main(ctx, cli.SystemEnv())
}
