package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/activate"
	"github.com/govm-dev/govm/internal/buildinfo"
	"github.com/govm-dev/govm/internal/config"
	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/internal/pathenv"
	"github.com/govm-dev/govm/internal/state"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/store"
)

// statusReport is `govm status --json`, the document fleet tools collect
// (internal/fleet reads it). Fields are added, never renamed.
type statusReport struct {
	Host        string     `json:"host"`
	User        string     `json:"user"`
	OS          string     `json:"os"`
	Arch        string     `json:"arch"`
	GovmVersion string     `json:"govm_version"`
	Home        string     `json:"home"`
	Active      string     `json:"active"`
	ActivePath  string     `json:"active_path"`
	GoVersion   string     `json:"go_version"`
	Path        statusPath `json:"path"`
	Installed   []string   `json:"installed"`
	// SystemInstalled are the machine-wide versions (--system installs).
	SystemInstalled []string         `json:"system_installed"`
	LastOperation   *statusOperation `json:"last_operation"`
	LogPath         string           `json:"log_path"`
	PolicyFile      string           `json:"policy_file,omitempty"`
	Healthy         bool             `json:"healthy"`
	Problems        []string         `json:"problems"`
}

// statusPath is the PATH integration state.
type statusPath struct {
	Persistent bool     `json:"persistent"`
	Process    bool     `json:"process"`
	Entries    []string `json:"entries"`
	Shadowing  []string `json:"shadowing,omitempty"`
}

// statusOperation is the last state-changing command.
type statusOperation struct {
	Command string `json:"command"`
	Version string `json:"version,omitempty"`
	Result  string `json:"result"`
	Error   string `json:"error,omitempty"`
	Time    string `json:"time"`
}

func (a *app) statusCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Report this machine's govm state for fleet tools (exit 1 when unhealthy)",
		Long: `Print the host, OS/arch, govm version, the active Go version and its path,
what its go command reports, PATH integration, installed versions, the last
operation and its result, the log path, and a healthy verdict with the
problems behind it. --json prints the document 'govm fleet report' reads.

Exit codes: 0 healthy, 1 not healthy (or status could not be gathered).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runStatus(cmd.Context())
		},
	}
}

func (a *app) runStatus(ctx context.Context) error {
	rep, err := a.gatherStatus(ctx)
	if err != nil {
		return err
	}
	if a.flags.json {
		if err := a.printJSON(rep); err != nil {
			return err
		}
	} else {
		a.printStatus(rep)
	}
	if !rep.Healthy {
		return exitError{code: ExitError}
	}
	return nil
}

func (a *app) gatherStatus(ctx context.Context) (statusReport, error) {
	// A broken config file is a finding, not a reason to print nothing:
	// fleet tools collect this document from every host, and the host with
	// the bad file is the one they must see. The rest is gathered from the
	// home named without the config (flag, GOVM_HOME, default), no policy.
	cfg, cfgErr := a.config()
	var h home.Home
	var err error
	if cfgErr == nil {
		h, err = a.home()
	} else {
		cfg = config.Config{}
		h, err = a.homeWithoutConfig()
	}
	if err != nil {
		return statusReport{}, err
	}
	info := buildinfo.Get()
	rep := statusReport{
		Host: hostname(), User: currentUser(a.env.Getenv),
		OS: runtime.GOOS, Arch: runtime.GOARCH, GovmVersion: info.Version,
		Home: h.Root, LogPath: h.Log(), Installed: []string{}, SystemInstalled: []string{}, Problems: []string{},
	}
	if cfg.LogFile != "" {
		rep.LogPath = cfg.LogFile
	}
	if cfg.Policy.File != "" {
		rep.PolicyFile = cfg.Policy.File
	}
	problem := func(format string, args ...any) { rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...)) }
	if cfgErr != nil {
		problem("the configuration cannot be read, so no policy or setting of it applies: %v; check it with 'govm config validate FILE'", cfgErr)
	}
	if cfg.MachineIgnored != nil {
		problem("%v", cfg.MachineIgnored)
	}

	st := store.New(h.Versions())
	list, err := st.List()
	if err != nil {
		problem("cannot list %s: %v", h.Versions(), err)
	}
	for _, in := range list {
		if in.Key.OS == runtime.GOOS && in.Key.Arch == runtime.GOARCH {
			rep.Installed = append(rep.Installed, in.Key.Version.String())
		}
	}
	if stores := a.stores(h); len(stores) > 1 {
		sys, _ := stores[1].List()
		for _, in := range sys {
			if in.Key.OS == runtime.GOOS && in.Key.Arch == runtime.GOARCH {
				rep.SystemInstalled = append(rep.SystemInstalled, in.Key.Version.String())
			}
		}
	}

	if target, err := activate.ReadCurrent(h.Current()); err != nil {
		problem("no active Go version (%s); run 'govm use VERSION'", h.Current())
	} else {
		rep.ActivePath = filepath.Clean(target)
		rep.Active = filepath.Base(target)
		v, perr := goversion.Parse(rep.Active)
		switch {
		case perr != nil:
			problem("the current link points at %s, which is not a Go version", target)
		case !a.isInstalledAt(h, v, rep.ActivePath):
			problem("the active version %s is not installed (%s); run 'govm install %s'", v, target, v.Number())
		default:
			if err := cfg.Policy.CheckVersion("run "+v.String(), v); err != nil {
				problem("%v", err)
			}
			rep.GoVersion, err = goVersionOf(ctx, rep.ActivePath)
			if err != nil {
				problem("%v", err)
			} else if !strings.Contains(rep.GoVersion, v.String()+" ") && !strings.HasSuffix(rep.GoVersion, v.String()) {
				problem("the active go reports %q, want %s", rep.GoVersion, v)
			}
		}
	}

	// A machine-wide administrator's setup edited the machine PATH: check that one.
	ps, err := pathenv.Check(pathenv.Options{Home: h.Root, System: a.machineWideAdmin(cfg), Shims: fileExists(filepath.Join(h.Bin(), exeFile("go"))), Getenv: a.env.Getenv})
	if err != nil {
		problem("cannot check PATH integration: %v", err)
	} else {
		rep.Path = statusPath{Persistent: ps.Persistent, Process: ps.Process, Entries: ps.Entries, Shadowing: ps.Shadowing}
		if !ps.Persistent {
			problem("govm is not on the persistent PATH; run 'govm setup'")
		}
		for _, s := range ps.Shadowing {
			problem("%s comes before govm on PATH and wins over it", s)
		}
	}

	s, err := state.Load(h.State())
	if err != nil {
		problem("%v", err)
	} else if s.Last != nil {
		op := &statusOperation{Command: s.Last.Command, Version: s.Last.Version, Result: "ok", Error: s.Last.Error, Time: s.Last.At.UTC().Format(time.RFC3339)}
		if !s.Last.OK {
			op.Result = "error"
			problem("the last operation (%s %s) failed: %s", op.Command, op.Version, op.Error)
		}
		rep.LastOperation = op
	}
	rep.Healthy = len(rep.Problems) == 0
	return rep, nil
}

// goVersionOf runs the toolchain's go version: the link may point at a
// tree that exists but no longer runs (a half-deleted directory, say).
func goVersionOf(ctx context.Context, goroot string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	gobin := filepath.Join(goroot, "bin", exeFile("go"))
	cmd := exec.CommandContext(ctx, gobin, "version")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("running %s version: %v", gobin, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func (a *app) printStatus(r statusReport) {
	w := a.out()
	verdict := "healthy"
	if !r.Healthy {
		verdict = "NOT healthy"
	}
	active := r.Active
	if active == "" {
		active = "(none)"
	}
	fmt.Fprintf(w, "host:       %s (%s/%s), user %s\n", r.Host, r.OS, r.Arch, r.User)
	fmt.Fprintf(w, "govm:       %s, home %s\n", r.GovmVersion, r.Home)
	fmt.Fprintf(w, "active:     %s %s\n", active, r.ActivePath)
	fmt.Fprintf(w, "go version: %s\n", r.GoVersion)
	fmt.Fprintf(w, "PATH:       persistent=%t this-process=%t\n", r.Path.Persistent, r.Path.Process)
	fmt.Fprintf(w, "installed:  %s\n", strings.Join(r.Installed, " "))
	if op := r.LastOperation; op != nil {
		fmt.Fprintf(w, "last op:    %s %s: %s at %s %s\n", op.Command, op.Version, op.Result, op.Time, op.Error)
	}
	fmt.Fprintf(w, "log:        %s\n", r.LogPath)
	if r.PolicyFile != "" {
		fmt.Fprintf(w, "policy:     %s\n", r.PolicyFile)
	}
	fmt.Fprintf(w, "verdict:    %s\n", verdict)
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  - %s\n", p)
	}
}

// isInstalledAt reports whether the current link's target is the install
// of v, in the user's or the machine-wide store.
func (a *app) isInstalledAt(h home.Home, v goversion.Version, target string) bool {
	dir, ok := a.installedDir(h, v)
	return ok && dir == target
}
