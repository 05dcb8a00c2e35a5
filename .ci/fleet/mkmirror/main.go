// Command mkmirror writes an internal mirror for the fleet CI suite: fake
// toolchain archives (tiny programs that answer `go version` like the real
// go command) and an index.json in go.dev's schema, the layout
// `govm mirror sync` produces. Real toolchains are 70 MB each; the suite
// tests the rollout, not the compiler.
//
//	go run ./.ci/fleet/mkmirror DIR go1.22.5 go1.23.0 ...
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/faketoolchain"
	"github.com/govm-dev/govm/pkg/release"
)

// failer lets faketoolchain's builders, written for tests, run in a
// command: a failure ends the program with the message. Methods the
// builders do not call are left to the embedded nil interface.
type failer struct{ testing.TB }

func (failer) Helper() {}

func (failer) Fatal(args ...any) {
	fmt.Fprintln(os.Stderr, append([]any{"mkmirror:"}, args...)...)
	os.Exit(1)
}

func (f failer) Fatalf(format string, args ...any) { f.Fatal(fmt.Sprintf(format, args...)) }

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: mkmirror DIR VERSION...")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "mkmirror:", err)
		os.Exit(1)
	}
}

func run(dir string, versions []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var t failer
	var index []release.Release
	// go.dev lists the newest release first.
	for i := len(versions) - 1; i >= 0; i-- {
		v := versions[i]
		name, data := faketoolchain.GoDevArchive(t, v, runtime.GOOS, runtime.GOARCH)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		index = append(index, release.Release{Version: v, Stable: true, Files: []release.File{{
			Filename: name, OS: runtime.GOOS, Arch: runtime.GOARCH, Version: v,
			SHA256: faketoolchain.SHA256(data), Size: int64(len(data)), Kind: "archive",
		}}})
	}
	js, err := json.MarshalIndent(index, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, release.MirrorIndexName), js, 0o644)
}
