package cli

import (
	"context"
	"encoding/json"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/govm-dev/govm/internal/doctor"
	"github.com/govm-dev/govm/internal/pathenv"
	"github.com/govm-dev/govm/internal/shim"
	"github.com/govm-dev/govm/pkg/release"
)

type doctorOptions struct {
	fix    bool
	failOn string
	list   bool
	online bool
}

// doctorListEntry is one check in `govm doctor --list --json`.
type doctorListEntry struct {
	ID       string          `json:"id"`
	Category doctor.Category `json:"category"`
	Title    string          `json:"title"`
	Fixable  bool            `json:"fixable"`
}

func (a *app) doctorCommand() *cobra.Command {
	var o doctorOptions
	cmd := &cobra.Command{
		Use:   "doctor [CHECK-ID...]",
		Short: "Diagnose the govm installation, PATH, Go environment and this directory",
		Long: `Run health checks in parallel and print one verdict per category (✓ ok,
! warning, ✗ error), each finding with a command that fixes it. Checks look at
govm's home and current link, which go your shell runs and what it shadows,
GOROOT/GOTOOLCHAIN/GOPROXY settings, the go.mod and pins of this directory,
and whether the active release is still supported (from the cached release
index; --online refreshes it).

Give check IDs to run only those ('govm doctor --list' names them). --fix
applies the repairs that are safe and reversible (remove leftovers of
interrupted installs, recreate a missing or broken current link, re-run
setup) and reports what it changed.

Exit status: 1 when a finding reaches --fail-on (default: error), else 0.`,
		Example: `  govm doctor
  govm doctor PATH-GO GOENV-TOOLCHAIN
  govm doctor --json --fail-on warning     # CI gate
  govm doctor --fix`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runDoctor(cmd.Context(), args, o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.fix, "fix", false, "apply the safe, reversible fixes and report what changed")
	f.StringVar(&o.failOn, "fail-on", "error", "exit 1 when a finding is at least this severe: warning, error or none")
	f.BoolVar(&o.list, "list", false, "list the checks and exit")
	f.BoolVar(&o.online, "online", false, "refresh the release index from the network for the versions check")
	return cmd
}

func (a *app) runDoctor(ctx context.Context, ids []string, o doctorOptions) error {
	threshold, err := parseFailOn(o.failOn)
	if err != nil {
		return err
	}
	checks, err := doctor.Select(ids)
	if err != nil {
		return usageError{err}
	}
	if o.list {
		return a.printDoctorList(checks)
	}
	env, err := a.doctorEnv(o.online)
	if err != nil {
		return err
	}
	rep := doctor.Run(ctx, env, doctor.Options{Checks: checks, Fix: o.fix})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if a.flags.json {
		err = a.printDoctorJSON(rep)
	} else {
		err = doctor.Render(a.out(), rep, doctor.RenderOptions{Color: a.io.Color && isTerminalWriter(a.out()), ShowOK: a.flags.verbose})
	}
	if err != nil {
		return err
	}
	if rep.Fails(threshold) {
		return exitError{code: ExitError}
	}
	return nil
}

// parseFailOn reads --fail-on; "none" never fails (doctor.OK is below every finding that matters).
func parseFailOn(s string) (doctor.Severity, error) {
	if strings.EqualFold(strings.TrimSpace(s), "none") {
		return doctor.OK, nil
	}
	sev, err := doctor.ParseSeverity(s)
	if err != nil || sev == doctor.OK {
		return 0, usagef("--fail-on %q: want warning, error or none", s)
	}
	return sev, nil
}

func (a *app) printDoctorList(checks []doctor.Check) error {
	if !a.flags.json {
		return doctor.RenderList(a.out(), checks)
	}
	out := make([]doctorListEntry, 0, len(checks))
	for _, c := range checks {
		out = append(out, doctorListEntry{ID: c.ID, Category: c.Category, Title: c.Title, Fixable: c.Fix != nil})
	}
	return a.printDoctorJSON(map[string]any{"checks": out})
}

// printDoctorJSON is printJSON without HTML escaping: fixes are shell
// commands ("govm install 1.23.0 && govm use 1.23.0") that people copy from
// the JSON, and \u0026 in place of & helps nobody.
func (a *app) printDoctorJSON(v any) error {
	enc := json.NewEncoder(a.out())
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// doctorEnv wires the checks to this invocation: its home, environment and
// working directory, the release index (cached only, unless online), and
// setup for --fix.
func (a *app) doctorEnv(online bool) (doctor.Env, error) {
	h, err := a.home()
	if err != nil {
		return doctor.Env{}, err
	}
	cfg, err := a.config()
	if err != nil {
		return doctor.Env{}, err
	}
	wd, err := os.Getwd()
	if err != nil {
		return doctor.Env{}, err
	}
	env := doctor.Env{Home: h, WorkDir: wd, Getenv: a.env.Getenv, GOOS: runtime.GOOS}
	if cfg.Policy.File != "" {
		pol := cfg.Policy
		env.Policy = &pol
	}
	env.PathSetup = func() (pathenv.Report, error) {
		shims := shim.Enabled(h.Bin())
		if err := a.placeSelf(h, shims); err != nil {
			return pathenv.Report{}, err
		}
		return pathenv.Setup(pathenv.Options{Home: h.Root, Shims: shims, Getenv: a.env.Getenv})
	}
	env.Releases = func(ctx context.Context) ([]release.Release, error) {
		if online {
			src, err := a.source(ctx)
			if err != nil {
				return nil, err
			}
			return src.List(ctx)
		}
		// Offline: the go.dev index as `govm list-remote` or an install last
		// cached it, however old; never the network.
		cache := release.NewIndexCache(h.IndexCache(), cfg.IndexTTL, time.Now)
		cache.Policy = release.CacheOffline
		return release.NewGoDev(release.GoDevOptions{IndexURL: cfg.GoDevURL, Cache: cache}).List(ctx)
	}
	return env, nil
}

// isTerminalWriter reports whether w is a terminal, so colour never reaches a
// file or a pipe.
func isTerminalWriter(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
