package cli

import (
	"context"
	"fmt"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/humanize"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/install"
	"github.com/govm-dev/govm/pkg/release"
)

type listOptions struct {
	all bool
}

// listEntry is one installed version in `govm list --json`.
type listEntry struct {
	Version     string       `json:"version"`
	OS          string       `json:"os"`
	Arch        string       `json:"arch"`
	Active      bool         `json:"active"`
	Path        string       `json:"path"`
	Size        int64        `json:"size"`
	InstalledAt time.Time    `json:"installed_at"`
	Source      string       `json:"source"`
	Hash        release.Hash `json:"verified_hash"`
	// System marks a machine-wide version (read-only for users).
	System bool `json:"system"`
}

func (a *app) listCommand() *cobra.Command {
	var o listOptions
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List installed Go versions, the active one marked",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runList(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.all, "all", false, "include toolchains staged for other platforms (--os/--arch)")
	return cmd
}

func (a *app) runList(_ context.Context, o listOptions) error {
	h, err := a.home()
	if err != nil {
		return err
	}
	active := a.activeVersion()
	if active == "" {
		// With no link of their own, users run the machine's active version.
		active = a.machineActive(h)
	}
	entries := []listEntry{}
	// The user's own versions, then the machine-wide ones an administrator
	// installed (which use, ensure and exec also find).
	for i, st := range a.stores(h) {
		installed, err := st.List()
		if err != nil {
			return err
		}
		for _, in := range installed {
			if !o.all && (in.Key.OS != runtime.GOOS || in.Key.Arch != runtime.GOARCH) {
				continue
			}
			r := in.Record
			entries = append(entries, listEntry{
				Version: r.Version.String(), OS: r.OS, Arch: r.Arch, Path: in.Dir, Size: r.Size,
				InstalledAt: r.InstalledAt, Source: r.Source,
				Active: active != "" && in.Dir == active,
				Hash:   release.Hash{Kind: release.HashKind(r.Hash.Kind), Value: r.Hash.Value},
				System: i > 0,
			})
		}
	}
	if a.flags.json {
		return a.printJSON(entries)
	}
	if len(entries) == 0 {
		a.io.Infof("no Go versions installed; run 'govm install latest'")
		return nil
	}
	tw := tabwriter.NewWriter(a.out(), 0, 4, 2, ' ', 0)
	for _, e := range entries {
		mark := " "
		if e.Active {
			mark = "*"
		}
		platform := ""
		if e.OS != runtime.GOOS || e.Arch != runtime.GOARCH {
			platform = " " + e.OS + "/" + e.Arch
		}
		if e.System {
			platform += " (machine-wide)"
		}
		fmt.Fprintf(tw, "%s %s%s\t%s\t%s\t%s\t%s %s\n", mark, e.Version, platform, humanize.Bytes(e.Size),
			e.InstalledAt.Local().Format("2006-01-02 15:04"), e.Source, e.Hash.Kind, short(e.Hash.Value))
	}
	return tw.Flush()
}

type listRemoteOptions struct {
	constraint string
	all        bool
	refresh    bool
	offline    bool
	goos       string
	goarch     string
}

// remoteEntry is one release in `govm list-remote --json`.
type remoteEntry struct {
	Version   string `json:"version"`
	Stable    bool   `json:"stable"`
	Installed bool   `json:"installed"`
}

func (a *app) listRemoteCommand() *cobra.Command {
	var o listRemoteOptions
	cmd := &cobra.Command{
		Use:   "list-remote [CONSTRAINT]",
		Short: "List Go versions available from the release source",
		Long: `List the Go releases the source offers for this platform (or --os/--arch),
newest first. Without --all only stable releases are listed; a constraint
(1.22, ~1.21, ">=1.21 <1.23") narrows the list.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.constraint = args[0]
			}
			return a.runListRemote(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.all, "all", false, "include betas, release candidates and archived releases")
	f.StringVar(&o.goos, "os", runtime.GOOS, "operating system to list archives for")
	f.StringVar(&o.goarch, "arch", runtime.GOARCH, "architecture to list archives for")
	f.BoolVar(&o.refresh, "refresh", false, "ask the source even if the cached index is fresh; never fall back to the cache")
	f.BoolVar(&o.offline, "offline", false, "use only the cached index; make no request")
	return cmd
}

func (a *app) runListRemote(ctx context.Context, o listRemoteOptions) error {
	switch {
	case o.refresh && o.offline:
		return usagef("--refresh and --offline cannot be used together")
	case o.refresh:
		a.indexPolicy = release.CacheFresh
	case o.offline:
		a.indexPolicy = release.CacheOffline
	}
	var req goversion.Request
	if o.constraint != "" {
		var err error
		if req, err = goversion.ParseRequest(o.constraint); err != nil {
			return err
		}
	}
	src, err := a.source(ctx)
	if err != nil {
		return err
	}
	vs, err := install.Available(ctx, src, o.goos, o.goarch)
	if err != nil {
		return err
	}
	installed := map[string]bool{}
	if st, err := a.store(); err == nil {
		if list, err := st.List(); err == nil {
			for _, in := range list {
				if in.Key.OS == o.goos && in.Key.Arch == o.goarch {
					installed[in.Key.Version.String()] = true
				}
			}
		}
	}
	opts := goversion.ResolveOptions{Pre: o.all}
	entries := []remoteEntry{}
	for _, v := range vs {
		if !o.all && v.IsPrerelease() {
			continue
		}
		if o.constraint != "" && !req.Matches(v, opts) {
			continue
		}
		entries = append(entries, remoteEntry{Version: v.String(), Stable: !v.IsPrerelease(), Installed: installed[v.String()]})
	}
	if o.constraint != "" && len(entries) == 0 {
		return fmt.Errorf("%w: no release for %s/%s matches %q at %s; see 'govm list-remote --all'", goversion.ErrNoMatch, o.goos, o.goarch, o.constraint, src.Name())
	}
	if a.flags.json {
		return a.printJSON(entries)
	}
	for _, e := range entries {
		mark := ""
		if e.Installed {
			mark = "  (installed)"
		}
		fmt.Fprintf(a.out(), "%s%s\n", e.Version, mark)
	}
	return nil
}
