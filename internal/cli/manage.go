package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/activate"
	"github.com/govm-dev/govm/internal/fsx"
	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/internal/humanize"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/store"
)

// activeVersion returns the directory the current link points at, or "".
func (a *app) activeVersion() string {
	h, err := a.home()
	if err != nil {
		return ""
	}
	return linkTarget(h)
}

// linkTarget is the directory h's current link points at, or "".
func linkTarget(h home.Home) string {
	target, err := activate.ReadCurrent(h.Current())
	if err != nil {
		return ""
	}
	return filepath.Clean(target)
}

// installedKey parses a version argument naming an installed toolchain of
// this platform (or of goos/goarch when given).
func installedKey(arg, goos, goarch string) (store.Key, error) {
	v, err := goversion.Parse(arg)
	if err != nil {
		return store.Key{}, err
	}
	if goos == "" {
		goos = runtime.GOOS
	}
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	return store.Key{Version: v, OS: goos, Arch: goarch}, nil
}

type uninstallOptions struct {
	force  bool
	goos   string
	goarch string
}

func (a *app) uninstallCommand() *cobra.Command {
	var o uninstallOptions
	cmd := &cobra.Command{
		Use:     "uninstall VERSION...",
		Aliases: []string{"rm", "remove"},
		Short:   "Remove installed Go versions (the active one only with --force)",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.logged(cmd, args, func(*opRecord) error { return a.runUninstall(cmd.Context(), args, o) })
		},
	}
	a.addSystemFlag(cmd)
	cmd.Flags().BoolVar(&o.force, "force", false, "also remove the active version (leaves no active Go until 'govm use')")
	cmd.Flags().StringVar(&o.goos, "os", "", "operating system of a staged toolchain")
	cmd.Flags().StringVar(&o.goarch, "arch", "", "architecture of a staged toolchain")
	return cmd
}

// removed is one entry of `govm uninstall --json` and `govm prune --json`.
type removed struct {
	Version string `json:"version"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
	Path    string `json:"path"`
}

func (a *app) runUninstall(ctx context.Context, args []string, o uninstallOptions) error {
	st, err := a.store()
	if err != nil {
		return err
	}
	active := a.activeVersion()
	var keys []store.Key
	for _, arg := range args {
		k, err := installedKey(arg, o.goos, o.goarch)
		if err != nil {
			return err
		}
		in, err := st.Get(k)
		if errors.Is(err, store.ErrNotInstalled) {
			return notFoundf("%s is not installed; see 'govm list'", k)
		}
		if err != nil {
			return fmt.Errorf("uninstall %s: %w", k.Version, err)
		}
		if in.Dir == active && !o.force {
			return usagef("uninstall %s: it is the active version; switch first ('govm use VERSION') or pass --force", k.Version)
		}
		keys = append(keys, k)
	}
	out := []removed{}
	for _, k := range keys {
		dir := st.Root(k)
		if err := st.Remove(ctx, k); err != nil {
			return fmt.Errorf("uninstall %s: %w", k.Version, err)
		}
		out = append(out, removed{Version: k.Version.String(), OS: k.OS, Arch: k.Arch, Path: dir})
		if !a.flags.json {
			fmt.Fprintf(a.out(), "removed %s\n", k.Version)
		}
	}
	if err := a.refreshShims(); err != nil {
		return err
	}
	if a.flags.json {
		return a.printJSON(out)
	}
	return nil
}

// refreshShims keeps the go1.X.Y shims in step with the installed versions
// when shim mode is on.
func (a *app) refreshShims() error {
	h, err := a.home()
	if err != nil {
		return err
	}
	if err := a.syncShims(h, false); err != nil {
		return fmt.Errorf("update shims in %s: %w", h.Bin(), err)
	}
	return nil
}

type pruneOptions struct {
	keep   int
	dryRun bool
}

func (a *app) pruneCommand() *cobra.Command {
	var o pruneOptions
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Remove old versions, keeping the active one and the N newest",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.logged(cmd, args, func(*opRecord) error { return a.runPrune(cmd.Context(), o) })
		},
	}
	cmd.Flags().IntVar(&o.keep, "keep", 2, "how many of the newest versions to keep besides the active one")
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "only print what would be removed")
	return cmd
}

func (a *app) runPrune(ctx context.Context, o pruneOptions) error {
	if o.keep < 0 {
		return usagef("--keep %d: want 0 or more", o.keep)
	}
	st, err := a.store()
	if err != nil {
		return err
	}
	var active goversion.Version
	if dir := a.activeVersion(); dir != "" {
		active, _ = goversion.Parse(filepath.Base(dir))
	}
	keys, err := st.Prune(ctx, o.keep, active, o.dryRun)
	if err != nil {
		return err
	}
	if !o.dryRun {
		if err := a.refreshShims(); err != nil {
			return err
		}
	}
	out := []removed{}
	for _, k := range keys {
		out = append(out, removed{Version: k.Version.String(), OS: k.OS, Arch: k.Arch, Path: st.Root(k)})
	}
	if a.flags.json {
		return a.printJSON(out)
	}
	verb := "removed"
	if o.dryRun {
		verb = "would remove"
	}
	for _, r := range out {
		fmt.Fprintf(a.out(), "%s %s\n", verb, r.Version)
	}
	if len(out) == 0 {
		a.io.Infof("nothing to prune")
	}
	return nil
}

func (a *app) verifyCommand() *cobra.Command {
	var goos, goarch string
	cmd := &cobra.Command{
		Use:   "verify [VERSION...]",
		Short: "Re-check installed trees against their install manifests",
		Long: `Re-hash every file of the installed toolchains (all of them without
arguments) and name each file that is missing, changed or unexpected. A
toolchain whose go.exe was quarantined by antivirus shows up here.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runVerify(cmd.Context(), args, goos, goarch)
		},
	}
	cmd.Flags().StringVar(&goos, "os", "", "operating system of a staged toolchain")
	cmd.Flags().StringVar(&goarch, "arch", "", "architecture of a staged toolchain")
	return cmd
}

// verifyEntry is one toolchain in `govm verify --json`.
type verifyEntry struct {
	Version string   `json:"version"`
	OK      bool     `json:"ok"`
	Missing []string `json:"missing"`
	Changed []string `json:"changed"`
	Extra   []string `json:"extra"`
}

func (a *app) runVerify(ctx context.Context, args []string, goos, goarch string) error {
	st, err := a.store()
	if err != nil {
		return err
	}
	var keys []store.Key
	if len(args) == 0 {
		list, err := st.List()
		if err != nil {
			return err
		}
		for _, in := range list {
			keys = append(keys, in.Key)
		}
	}
	for _, arg := range args {
		k, err := installedKey(arg, goos, goarch)
		if err != nil {
			return err
		}
		keys = append(keys, k)
	}
	out := []verifyEntry{}
	bad := 0
	for _, k := range keys {
		rep, err := st.Verify(ctx, k)
		if err != nil {
			return fmt.Errorf("verify %s: %w", k.Version, err)
		}
		e := verifyEntry{Version: k.Version.String(), Missing: nonNil(rep.Missing), Changed: nonNil(rep.Changed), Extra: nonNil(rep.Extra)}
		e.OK = len(e.Missing)+len(e.Changed)+len(e.Extra) == 0
		if !e.OK {
			bad++
		}
		out = append(out, e)
	}
	if a.flags.json {
		if err := a.printJSON(out); err != nil {
			return err
		}
	} else {
		for _, e := range out {
			if e.OK {
				fmt.Fprintf(a.out(), "%s: ok\n", e.Version)
				continue
			}
			fmt.Fprintf(a.out(), "%s: %d missing, %d changed, %d unexpected\n", e.Version, len(e.Missing), len(e.Changed), len(e.Extra))
			for _, p := range e.Missing {
				fmt.Fprintf(a.out(), "  missing    %s\n", p)
			}
			for _, p := range e.Changed {
				fmt.Fprintf(a.out(), "  changed    %s\n", p)
			}
			for _, p := range e.Extra {
				fmt.Fprintf(a.out(), "  unexpected %s\n", p)
			}
		}
	}
	if bad > 0 {
		if !a.flags.json {
			fmt.Fprintf(a.io.Err, "govm: %d toolchain(s) failed verification; reinstall with 'govm install --force VERSION'\n", bad)
		}
		return exitError{code: ExitVerify}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (a *app) cacheCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Show or clean the download cache",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "dir",
		Short: "Print the cache directory",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			h, err := a.home()
			if err != nil {
				return err
			}
			if a.flags.json {
				return a.printJSON(map[string]string{"dir": h.Cache()})
			}
			fmt.Fprintln(a.out(), h.Cache())
			return nil
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "clean",
		Short: "Delete downloaded archives and cached release indexes",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			h, err := a.home()
			if err != nil {
				return err
			}
			size := dirSize(h.Cache())
			if err := fsx.RemoveAll(h.Cache()); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("clean %s: %w", h.Cache(), err)
			}
			if a.flags.json {
				return a.printJSON(map[string]any{"dir": h.Cache(), "freed_bytes": size})
			}
			fmt.Fprintf(a.out(), "removed %s (%s)\n", h.Cache(), humanize.Bytes(size))
			return nil
		},
	})
	return cmd
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
