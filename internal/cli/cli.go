// Package cli is govm's command line: cobra commands that fill an options
// struct from flags and call a run function that never touches cobra. All
// policy about output, errors and exit codes lives here, in one place.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/config"
	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/internal/iostreams"
	"github.com/govm-dev/govm/internal/privilege"
	"github.com/govm-dev/govm/pkg/release"
)

// Env is everything an invocation takes from its process, so tests can run
// many invocations in one process.
type Env struct {
	Args    []string
	Streams *iostreams.Streams
	Getenv  func(string) string
	// Environ is the full environment, for commands that start programs.
	Environ func() []string
	// HTTPClient, when set, replaces the client built from the configuration
	// (tests inject one; production leaves it nil).
	HTTPClient *http.Client
	// Elevated reports administrator rights (root, an elevated Windows
	// token); nil means privilege.Elevated. Machine-wide mode uses it.
	Elevated func() bool
}

// SystemEnv is the Env of the running process.
func SystemEnv() Env {
	return Env{Args: os.Args[1:], Streams: iostreams.System(), Getenv: os.Getenv, Environ: os.Environ}
}

// globalFlags are accepted by every command.
type globalFlags struct {
	json       bool
	quiet      bool
	verbose    bool
	noColor    bool
	home       string
	source     string
	configFile string
}

// app is the state shared by the commands of one invocation. Expensive parts
// (configuration, HTTP client) are built on first use, so `govm version` and
// the shim's hot path never pay for them.
type app struct {
	env   Env
	flags globalFlags
	io    *iostreams.Streams

	cfgOnce sync.Once
	cfg     config.Config
	cfgErr  error
	// flagValues holds config keys set by command-specific flags (e.g. --insecure).
	flagValues map[string]string

	clientOnce sync.Once
	client     *http.Client
	// indexPolicy says how the release index cache may use the network
	// (list-remote --refresh / --offline).
	indexPolicy release.CachePolicy
	// machineWarn says once that an untrusted machine-wide home is ignored.
	machineWarn sync.Once
}

// Main runs one govm invocation and returns its exit code. Errors are printed
// once, on stderr, as "govm: <what went wrong>; <the way out>".
func Main(ctx context.Context, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Environ == nil {
		env.Environ = os.Environ
	}
	if env.Elevated == nil {
		env.Elevated = privilege.Elevated
	}
	a := &app{env: env, io: env.Streams, flagValues: map[string]string{}}
	root := a.rootCommand()
	root.SetArgs(env.Args)
	root.SetIn(a.io.In)
	root.SetOut(a.io.Out)
	root.SetErr(a.io.Err)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	// cobra reports an unknown subcommand with a plain error.
	if strings.HasPrefix(err.Error(), "unknown command") {
		err = usageError{err}
	}
	code := exitCode(err)
	var ee exitError
	if !errors.As(err, &ee) {
		msg := err.Error()
		if code == ExitUsage {
			if c, _, ferr := root.Find(env.Args); ferr == nil && c != nil && !strings.Contains(msg, "--help") {
				msg += fmt.Sprintf("; see '%s --help'", c.CommandPath())
			}
		}
		if code == ExitInterrupted {
			msg = "interrupted"
		}
		fmt.Fprintf(a.io.Err, "govm: %s\n", msg)
	}
	return code
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "govm",
		Short: "Install, verify and switch Go toolchains",
		Long: `govm installs official Go toolchains side by side, verifies every archive
against a trusted record (go.dev's SHA-256 or the Go checksum database), and
switches the active one by retargeting a single link that PATH points at.`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if a.flags.quiet && a.flags.verbose {
				return usagef("--quiet and --verbose cannot be used together")
			}
			if a.flags.quiet || a.flags.json {
				a.io.Quiet = true
			}
			if a.flags.noColor || a.env.Getenv("NO_COLOR") != "" {
				a.io.Color = false
			}
			return nil
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.BoolVar(&a.flags.json, "json", false, "print machine-readable JSON on stdout")
	pf.BoolVarP(&a.flags.quiet, "quiet", "q", false, "print nothing but errors and requested data")
	pf.BoolVarP(&a.flags.verbose, "verbose", "v", false, "explain each step on stderr")
	pf.BoolVar(&a.flags.noColor, "no-color", false, "never use colour (also: NO_COLOR=1)")
	pf.StringVar(&a.flags.home, "home", "", "govm data directory (env GOVM_HOME)")
	pf.StringVar(&a.flags.source, "source", "", "release source: auto, proxy, godev, or a mirror directory/URL (env GOVM_SOURCE)")
	pf.StringVar(&a.flags.configFile, "config", "", "user config file (env GOVM_CONFIG)")

	for _, c := range a.commands() {
		root.AddCommand(c)
	}
	// Runtime errors must not print usage; argument errors are usage errors.
	for _, c := range root.Commands() {
		wrapArgs(c)
	}
	a.attachEcosystem(root)
	return root
}

// wrapArgs turns cobra's positional-argument errors into usage errors.
func wrapArgs(c *cobra.Command) {
	if c.Args != nil {
		inner := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := inner(cmd, args); err != nil {
				return usageError{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		wrapArgs(sub)
	}
}

// config returns the effective configuration, loading it once.
func (a *app) config() (config.Config, error) {
	a.cfgOnce.Do(func() {
		flags := map[string]string{}
		for k, v := range a.flagValues {
			flags[k] = v
		}
		if a.flags.home != "" {
			flags["home"] = a.flags.home
		}
		if a.flags.source != "" {
			flags["source"] = a.flags.source
		}
		a.cfg, a.cfgErr = config.Load(config.Inputs{
			Getenv:           a.env.Getenv,
			UserFile:         a.flags.configFile,
			UserFileExplicit: a.flags.configFile != "",
			Flags:            flags,
		})
		if a.cfgErr != nil {
			a.cfgErr = usageError{a.cfgErr}
		} else if a.cfg.MachineIgnored != nil {
			// Every command says so: a user must not believe a policy
			// protects them, nor an administrator that it is enforced.
			a.io.Warnf("%v", a.cfg.MachineIgnored)
		}
	})
	return a.cfg, a.cfgErr
}

// home returns the govm data directory in force.
func (a *app) home() (home.Home, error) {
	cfg, err := a.config()
	if err != nil {
		return home.Home{}, err
	}
	if cfg.Home != "" {
		return home.New(cfg.Home)
	}
	if a.machineWideAdmin(cfg) {
		return a.systemHome()
	}
	return home.Default(a.env.Getenv)
}

// homeWithoutConfig is the home named by --home or GOVM_HOME, else the
// per-user default: what status reports on when the config cannot be read.
func (a *app) homeWithoutConfig() (home.Home, error) {
	if a.flags.home != "" {
		return home.New(a.flags.home)
	}
	if d := a.env.Getenv("GOVM_HOME"); d != "" {
		return home.New(d)
	}
	return home.Default(a.env.Getenv)
}

// machineWideAdmin reports whether this invocation acts on the machine-wide
// home without --system: the machine config sets machine_wide, the process
// has administrator rights, and no home was named (flag, GOVM_HOME, config).
// Users without those rights keep their own home and read the machine's.
func (a *app) machineWideAdmin(cfg config.Config) bool {
	return cfg.MachineWide && cfg.Home == "" && a.env.Elevated()
}

// printJSON writes v as indented JSON on stdout.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.io.Out)
	enc.SetIndent("", "  ")
	// Messages and fixes hold shell commands with & and <: keep them readable.
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// verbosef prints a step explanation with --verbose.
func (a *app) verbosef(format string, args ...any) {
	if a.flags.verbose {
		fmt.Fprintf(a.io.Err, "govm: "+format+"\n", args...)
	}
}

// out is stdout, for commands' regular output.
func (a *app) out() io.Writer { return a.io.Out }
