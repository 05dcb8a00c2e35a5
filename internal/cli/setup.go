package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/internal/pathenv"
	"github.com/govm-dev/govm/internal/shim"
	"github.com/govm-dev/govm/pkg/goversion"
)

type setupOptions struct {
	undo   bool
	system bool
	shims  bool
	print  bool
}

// setupResult is the JSON of `govm setup`.
type setupResult struct {
	pathenv.Report
	Home  string `json:"home"`
	Shims bool   `json:"shims"`
}

func (a *app) setupCommand() *cobra.Command {
	var o setupOptions
	cmd := &cobra.Command{
		Use:   "setup",
		Short: "Put govm on your PATH, once (no admin rights, no shell restart later)",
		Long: `Add <home>/current/bin and <home>/bin to the persistent PATH, and copy govm
into <home>/bin. Windows: the user PATH in HKCU\Environment is edited in place
(value type and every other entry kept), then running programs are told.
Unix: a marked block is added to the rc files of your shells (bash, zsh,
fish, PowerShell). Running setup twice changes nothing; --undo removes
exactly what setup added.

--shims also places go, gofmt and one go1.X.Y per installed version in
<home>/bin, ahead of current/bin: they run the version pinned for the working
directory (.go-version, go.mod, ...), and Go's own toolchain switch finds the
go1.X.Y entries instead of downloading. Use it where junctions are not
supported (FAT/exFAT volumes).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.print {
				return a.runSetup(cmd.Context(), o)
			}
			return a.logged(cmd, args, func(*opRecord) error { return a.runSetup(cmd.Context(), o) })
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.undo, "undo", false, "remove what setup added")
	f.BoolVar(&o.system, "system", false, "machine-wide: the system PATH (administrator/root)")
	f.BoolVar(&o.shims, "shims", false, "also install shims that honour per-directory pins")
	f.BoolVar(&o.print, "print", false, "print what would be written, change nothing")
	return cmd
}

func (a *app) runSetup(_ context.Context, o setupOptions) error {
	cfg, err := a.config()
	if err != nil {
		return err
	}
	// In machine-wide mode an administrator's setup is the machine's.
	o.system = o.system || a.machineWideAdmin(cfg)
	h, err := a.home()
	if o.system {
		h, err = home.System(a.env.Getenv)
	}
	if err != nil {
		return err
	}
	if o.system && !o.print {
		a.secureIfSystem(h) // it places govm and the shims every user runs
	}
	opts := pathenv.Options{Home: h.Root, System: o.system, Shims: o.shims, Getenv: a.env.Getenv}
	var rep pathenv.Report
	switch {
	case o.undo && o.print:
		return usagef("--undo and --print cannot be used together")
	case o.undo:
		rep, err = pathenv.Undo(opts)
		if err == nil {
			err = shim.Remove(h.Bin())
		}
	case o.print:
		rep, err = pathenv.Print(opts)
	default:
		if err = a.placeSelf(h, o.shims); err == nil {
			rep, err = pathenv.Setup(opts)
		}
	}
	if errors.Is(err, pathenv.ErrNeedsElevation) {
		return fmt.Errorf("%w; run govm setup --system from an elevated (administrator) shell", err)
	}
	if err != nil {
		return err
	}
	if a.flags.json {
		return a.printJSON(setupResult{Report: rep, Home: h.Root, Shims: o.shims})
	}
	for _, t := range rep.Targets {
		if o.print {
			fmt.Fprintf(a.out(), "# %s (%s)\n%s\n", t.Path, t.Shell, t.Content)
			continue
		}
		fmt.Fprintf(a.out(), "%-9s %s\n", t.Action, t.Path)
	}
	for _, g := range rep.Shadowing {
		a.io.Warnf("%s comes first on the system PATH and will run instead of govm's go; remove its directory from the system PATH (or uninstall that Go), or run 'govm setup --system' as administrator", g)
	}
	if !o.print && !o.undo {
		if rep.Changed() {
			if runtime.GOOS == "windows" {
				a.io.Infof("done: new shells and programs see the new PATH; this shell needs a restart once")
			} else {
				a.io.Infof("done: open a new shell, or run: export PATH=%q:%q:\"$PATH\"", h.CurrentBin(), h.Bin())
			}
		} else {
			a.io.Infof("already set up")
		}
	}
	return nil
}

// placeSelf copies the running govm into <home>/bin, and with shims the go,
// gofmt and go1.X.Y shims for every installed version.
func (a *app) placeSelf(h home.Home, shims bool) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	if err := shim.PlaceBinary(exe, h.Bin(), "govm"); err != nil {
		return err
	}
	// Release archives ship govm-shim beside govm: a smaller program that
	// starts faster than govm, used for the shims when present.
	if slim := filepath.Join(filepath.Dir(exe), exeFile("govm-shim")); fileExists(slim) {
		if err := shim.PlaceBinary(slim, h.Bin(), "govm-shim"); err != nil {
			return err
		}
	}
	if !shims {
		return nil
	}
	return a.syncShims(h, true)
}

// syncShims refreshes the go1.X.Y shims after an install or uninstall, when
// shim mode is on (or force).
func (a *app) syncShims(h home.Home, force bool) error {
	if !force && !shim.Enabled(h.Bin()) {
		return nil
	}
	// Link shims to the stable copies in bin/ (govm-shim, else govm), not
	// to whatever binary runs now (a `go run` build lives in a temporary
	// directory).
	exe := filepath.Join(h.Bin(), exeFile("govm-shim"))
	if !fileExists(exe) {
		exe = filepath.Join(h.Bin(), exeFile("govm"))
	}
	if !fileExists(exe) {
		var err error
		if exe, err = os.Executable(); err != nil {
			return err
		}
	}
	st, err := a.store()
	if err != nil {
		return err
	}
	list, err := st.List()
	if err != nil {
		return err
	}
	var vs []goversion.Version
	for _, in := range list {
		if in.Key.OS == runtime.GOOS && in.Key.Arch == runtime.GOARCH {
			vs = append(vs, in.Key.Version)
		}
	}
	return shim.Sync(exe, h.Bin(), vs)
}

// exeFile adds .exe on Windows.
func exeFile(name string) string {
	if runtime.GOOS == "windows" {
		return name + ".exe"
	}
	return name
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
