// Command govm-shim is what `govm setup --shims` copies to go, gofmt and
// go1.X.Y in govm's bin directory: it runs the toolchain pinned for the
// working directory (the same decision as `govm current`), unless the
// machine policy forbids that version (exit 5, as `govm use` would).
//
// govm itself can act as the shim too (it checks the name it was invoked
// under), but every `go` command pays for a shim's start-up, and govm's
// command line links net/http, cobra and viper, whose initialisation costs
// about 2 ms more than this binary's: see docs/performance.md.
package main

import (
	"os"

	"github.com/govm-dev/govm/internal/shim"
)

func main() {
	os.Exit(shim.Main(os.Args[0], os.Args[1:]))
}
