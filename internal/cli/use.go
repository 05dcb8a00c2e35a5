package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/activate"
	"github.com/govm-dev/govm/internal/fsx"
	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/internal/state"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/install"
	"github.com/govm-dev/govm/pkg/store"
)

// switchResult is the JSON of use, ensure and rollback.
type switchResult struct {
	Changed  bool   `json:"changed"`
	Version  string `json:"version"`
	Previous string `json:"previous"`
	Path     string `json:"path"`
	// Installed is true when this command had to install the version.
	Installed bool `json:"installed"`
}

// switchTo makes v the active version: under the `current` lock, retarget
// the link and record the switch for rollback. Switching to the version
// already active writes nothing.
func (a *app) switchTo(ctx context.Context, h home.Home, v goversion.Version, by string) (switchResult, error) {
	st := store.New(h.Versions())
	key := store.Key{Version: v, OS: runtime.GOOS, Arch: runtime.GOARCH}
	dir, installed := a.installedDir(h, v)
	if !installed {
		dir = st.Root(key)
	}
	res := switchResult{Version: v.String(), Path: dir}
	if cur, err := activate.ReadCurrent(h.Current()); err == nil {
		res.Previous = filepath.Base(cur)
		if filepath.Clean(cur) == dir {
			return res, nil
		}
	}
	if err := os.MkdirAll(h.Locks(), 0o755); err != nil {
		return res, err
	}
	lock, err := fsx.Lock(ctx, filepath.Join(h.Locks(), "current.lock"))
	if err != nil {
		return res, err
	}
	defer lock.Unlock()
	// Re-read under the lock: another process may have switched meanwhile.
	if cur, err := activate.ReadCurrent(h.Current()); err == nil {
		res.Previous = filepath.Base(cur)
		if filepath.Clean(cur) == dir {
			return res, nil
		}
	} else {
		res.Previous = ""
	}
	if !installed {
		return res, notFoundf("%s is not installed; run 'govm install %s'", v, v.Number())
	}
	if err := activate.SetCurrent(h.Current(), dir); err != nil {
		return res, err
	}
	s, err := state.Load(h.State())
	if err != nil {
		return res, err
	}
	if len(s.History) == 0 && res.Previous != "" {
		s.Record(res.Previous, "before govm history", time.Now())
	}
	s.Record(v.String(), by, time.Now())
	if err := state.Save(h.State(), s); err != nil {
		return res, fmt.Errorf("switched to %s but could not record it for rollback: %w", v, err)
	}
	res.Changed = true
	return res, nil
}

type useOptions struct {
	request string
	install bool
}

func (a *app) useCommand() *cobra.Command {
	var o useOptions
	cmd := &cobra.Command{
		Use:   "use VERSION",
		Short: "Make VERSION the global default Go, in every shell at once",
		Long: `Point the current link at an installed toolchain. Every shell whose PATH
holds <home>/current/bin (see 'govm setup') runs it from the next command on.
VERSION may be a release, a minor line (newest installed patch) or a range.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.request = args[0]
			return a.logged(cmd, args, func(*opRecord) error { return a.runUse(cmd.Context(), o) })
		},
	}
	a.addLogFlag(cmd)
	cmd.Flags().BoolVar(&o.install, "install", false, "install VERSION first if it is not installed")
	return cmd
}

func (a *app) runUse(ctx context.Context, o useOptions) error {
	req, err := goversion.ParseRequest(o.request)
	if err != nil {
		return err
	}
	h, err := a.home()
	if err != nil {
		return err
	}
	res, err := a.activateRequest(ctx, h, req, o.install, "use")
	if err != nil {
		return err
	}
	return a.reportSwitch(res)
}

// activateRequest selects an installed version for req (installing one when
// allowed) and switches to it.
func (a *app) activateRequest(ctx context.Context, h home.Home, req goversion.Request, allowInstall bool, by string) (switchResult, error) {
	v, _, ok := a.selectInstalled(h, req)
	installed := false
	if !ok {
		if !allowInstall {
			return switchResult{}, notFoundf("no installed version matches %s; run 'govm install %s' or pass --install", req, req.Arg())
		}
		if err := a.allowSource(by, ""); err != nil {
			return switchResult{}, err
		}
		src, err := a.source(ctx)
		if err != nil {
			return switchResult{}, err
		}
		in, err := a.installer(src)
		if err != nil {
			return switchResult{}, err
		}
		if v, err = install.Resolve(ctx, src, req, runtime.GOOS, runtime.GOARCH, goversion.ResolveOptions{}); err != nil {
			return switchResult{}, err
		}
		if err := a.allowVersion(by, v); err != nil {
			return switchResult{}, err
		}
		r, err := in.Install(ctx, v, "", "", false)
		if err != nil {
			return switchResult{}, err
		}
		installed = !r.Already
	} else if err := a.allowVersion(by, v); err != nil {
		return switchResult{}, err
	}
	res, err := a.switchTo(ctx, h, v, by)
	res.Installed = installed
	return res, err
}

func (a *app) reportSwitch(res switchResult) error {
	if a.flags.json {
		return a.printJSON(res)
	}
	switch {
	case !res.Changed:
		fmt.Fprintf(a.out(), "%s is already active\n", res.Version)
	case res.Previous != "":
		fmt.Fprintf(a.out(), "now using %s (was %s)\n", res.Version, res.Previous)
	default:
		fmt.Fprintf(a.out(), "now using %s\n", res.Version)
	}
	return nil
}

func (a *app) ensureCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ensure [VERSION]",
		Short: "Idempotently install and activate a version (for scripts, Ansible, CI)",
		Long: `Make sure VERSION (or the version pinned for the current directory) is
installed and active. When it already is, ensure exits 0 at once: no network,
nothing written. A minor line or range is satisfied by an active version that
matches it; name an exact release to pin a fleet.

--json prints {"changed", "version", "previous", "path", "installed"}.
Exit codes: 0 in place (changed or not), 2 bad version, 3 verification
failed, 4 no such release, 1 anything else.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.logged(cmd, args, func(rec *opRecord) error { return a.runEnsure(cmd.Context(), args, rec) })
		},
	}
	a.addLogFlag(cmd)
	return cmd
}

func (a *app) runEnsure(ctx context.Context, args []string, rec *opRecord) error {
	var req goversion.Request
	if len(args) == 1 {
		r, err := goversion.ParseRequest(args[0])
		if err != nil {
			return err
		}
		req = r
	} else {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		pin, err := goversion.FindPin(wd, a.env.Getenv)
		if errors.Is(err, goversion.ErrNoPin) {
			return usagef("no version given and nothing pins one in %s; run e.g. 'govm ensure 1.22.5'", wd)
		}
		if err != nil {
			return err
		}
		req = pin.Request
	}
	h, err := a.home()
	if err != nil {
		return err
	}
	// Fast path: the active version satisfies the request. Only stats and a
	// readlink; nothing is written and no network is touched.
	if cur, err := activate.ReadCurrent(h.Current()); err == nil {
		if v, err := goversion.Parse(filepath.Base(cur)); err == nil && req.Matches(v, goversion.ResolveOptions{Pre: true}) {
			if dir, ok := a.installedDir(h, v); ok && dir == filepath.Clean(cur) {
				if err := a.allowVersion("ensure", v); err != nil {
					return err
				}
				rec.noop = true
				return a.reportSwitch(switchResult{Version: v.String(), Previous: v.String(), Path: filepath.Clean(cur)})
			}
		}
	}
	res, err := a.activateRequest(ctx, h, req, true, "ensure")
	if err != nil {
		return err
	}
	return a.reportSwitch(res)
}

func (a *app) rollbackCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "rollback",
		Short: "Switch back to the previously active version",
		Long: `Switch back to the version that was active before the current one. The
rollback is itself recorded, so a second rollback returns to where you
started (like 'cd -').`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.logged(cmd, args, func(*opRecord) error { return a.runRollback(cmd.Context()) })
		},
	}
}

func (a *app) runRollback(ctx context.Context) error {
	h, err := a.home()
	if err != nil {
		return err
	}
	cur := ""
	if target, err := activate.ReadCurrent(h.Current()); err == nil {
		cur = filepath.Base(target)
	}
	s, err := state.Load(h.State())
	if err != nil {
		return err
	}
	prev, ok := s.Previous(cur)
	if !ok {
		return notFoundf("nothing to roll back to: %s records no earlier version", h.State())
	}
	v, err := goversion.Parse(prev)
	if err != nil {
		return fmt.Errorf("state file %s names %q: %w", h.State(), prev, err)
	}
	if err := a.allowVersion("rollback", v); err != nil {
		return err
	}
	res, err := a.switchTo(ctx, h, v, "rollback")
	if err != nil {
		return fmt.Errorf("rollback to %s: %w", v, err)
	}
	return a.reportSwitch(res)
}
