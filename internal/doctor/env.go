package doctor

import (
	"context"
	"github.com/govm-dev/govm/internal/policy"
	"os"
	"runtime"
	"time"

	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/internal/pathenv"
	"github.com/govm-dev/govm/pkg/release"
)

// Env is everything the checks look at, injected so that tests build a
// broken machine in a temporary directory instead of needing one. Zero seams
// mean the real machine; Run fills them in.
type Env struct {
	// Home is the govm home being diagnosed.
	Home home.Home
	// WorkDir is the directory whose go.mod and pins are examined.
	WorkDir string
	// Getenv reads the environment (PATH, GOROOT, GOTOOLCHAIN, ...); nil means os.Getenv.
	Getenv func(string) string
	// GOOS selects the PATH rules (PATHEXT and ';' on Windows); empty means
	// runtime.GOOS. Linux tests set "windows" to exercise the Windows lookup.
	GOOS string
	// Releases returns the release index for the versions checks, from the
	// cache unless the user asked for --online; nil means no index is known.
	Releases func(ctx context.Context) ([]release.Release, error)
	// PathStatus reports govm's persistent and process PATH entries; nil
	// means pathenv.Check for Home.
	PathStatus func() (pathenv.Status, error)
	// PathSetup re-runs `govm setup` for --fix; nil means pathenv.Setup for Home.
	PathSetup func() (pathenv.Report, error)
	// DiskFree returns the bytes available to this user on dir's volume;
	// nil means the operating system's answer.
	DiskFree func(dir string) (uint64, error)
	// Now is the clock (partial downloads are stale after a while); nil means time.Now.
	Now func() time.Time
	// Policy is the machine policy in force; nil means none is configured.
	Policy *policy.Policy

	facts *facts
}

// withDefaults returns a copy of e with every nil seam replaced by the real machine.
func (e Env) withDefaults() *Env {
	if e.Getenv == nil {
		e.Getenv = os.Getenv
	}
	if e.GOOS == "" {
		e.GOOS = runtime.GOOS
	}
	if e.WorkDir == "" {
		e.WorkDir, _ = os.Getwd()
	}
	if e.PathStatus == nil {
		opts := e.pathOptions()
		e.PathStatus = func() (pathenv.Status, error) { return pathenv.Check(opts) }
	}
	if e.PathSetup == nil {
		opts := e.pathOptions()
		e.PathSetup = func() (pathenv.Report, error) { return pathenv.Setup(opts) }
	}
	if e.DiskFree == nil {
		e.DiskFree = diskFree
	}
	if e.Now == nil {
		e.Now = time.Now
	}
	e.facts = &facts{}
	return &e
}

// pathOptions are the pathenv options for this home; shim mode is kept as
// it is when setup runs again.
func (e Env) pathOptions() pathenv.Options {
	return pathenv.Options{Home: e.Home.Root, Getenv: e.Getenv, Shims: shimMode(e.Home)}
}

// windows reports whether the Windows PATH rules apply.
func (e *Env) windows() bool { return e.GOOS == "windows" }
