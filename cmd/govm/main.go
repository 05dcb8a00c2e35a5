// Command govm installs, verifies and switches Go toolchains.
//
// Invoked as go, gofmt or go1.X.Y (the shims `govm setup --shims` places in
// govm's bin directory), it runs the toolchain pinned for the working
// directory instead, without loading any configuration.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/govm-dev/govm/internal/cli"
	"github.com/govm-dev/govm/internal/shim"
)

func main() {
	if _, _, ok := shim.Tool(os.Args[0]); ok {
		os.Exit(shim.Main(os.Args[0], os.Args[1:]))
	}
	os.Exit(run())
}

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cli.Main(ctx, cli.SystemEnv())
}
