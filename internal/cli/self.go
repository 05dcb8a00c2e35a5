package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/buildinfo"
	"github.com/govm-dev/govm/internal/selfupdate"
)

type selfUpdateOptions struct {
	check   bool
	force   bool
	from    string
	version string
	binary  string
}

func (a *app) selfCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "self",
		Short: "Manage govm itself",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(a.selfUpdateCommand())
	return cmd
}

func (a *app) selfUpdateCommand() *cobra.Command {
	var o selfUpdateOptions
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Replace govm with the latest release, verified against its checksums",
		Long: `Download the newest govm release for this platform, check its SHA-256
against the release's checksums.txt, and replace the govm binary with it.
On Windows the running govm.exe is renamed aside (govm.exe.old) and removed
by the next govm run.

Releases come from --from, else GOVM_SELF_UPDATE_URL, else the configured
mirror's govm/ directory, else https://github.com/govm-dev/govm/releases.
A mirror holds the GitHub layout: latest/download/checksums.txt and
download/vX.Y.Z/{checksums.txt,govm_X.Y.Z_OS_ARCH.tar.gz|.zip}.

Exit status: 0 when updated or already up to date (and for --check), 3 when
the archive does not match checksums.txt, 4 when the release or this
platform's archive does not exist.`,
		Example: `  govm self update --check
  govm self update
  govm self update --version 1.2.0 --force     # move to a given release, even an older one
  govm self update --from \\fileserver\mirror\govm`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.logged(cmd, args, func(rec *opRecord) error { return a.runSelfUpdate(cmd.Context(), o, rec) })
		},
	}
	a.addLogFlag(cmd)
	f := cmd.Flags()
	f.BoolVar(&o.check, "check", false, "only report whether a newer release exists")
	f.BoolVar(&o.force, "force", false, "install the release even when it is not newer")
	f.StringVar(&o.from, "from", "", "release base URL or directory (env GOVM_SELF_UPDATE_URL)")
	f.StringVar(&o.version, "version", "", "install this release (e.g. 1.2.0) instead of the latest")
	f.StringVar(&o.binary, "binary", "", "the govm binary to replace (default: the one running)")
	return cmd
}

// selfUpdateResult is `govm self update --json`.
type selfUpdateResult struct {
	selfupdate.Update
	Binary  string `json:"binary"`
	Updated bool   `json:"updated"`
}

// runSelfUpdate replaces govm; rec gets the log line's source and hash. A
// check, or a run that finds nothing newer, changes nothing and is not
// logged; an attempt that fails is.
func (a *app) runSelfUpdate(ctx context.Context, o selfUpdateOptions, rec *opRecord) error {
	rec.noop = o.check
	base, err := a.selfUpdateBase(o.from)
	if err != nil {
		return err
	}
	client, err := a.httpClient()
	if err != nil {
		return err
	}
	opts := selfupdate.Options{
		BaseURL: base, Client: client, GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		Current: buildinfo.Get().Version, Version: o.version,
	}
	a.verbosef("checking %s for govm releases", base)
	u, err := selfupdate.Check(ctx, opts)
	if err != nil {
		return err
	}
	res := selfUpdateResult{Update: u}
	rec.noop = o.check || !(u.Newer || o.force)
	rec.source, rec.hash = u.URL, "sha256:"+u.SHA256
	if !rec.noop {
		exe := o.binary
		if exe == "" {
			if exe, err = os.Executable(); err != nil {
				return fmt.Errorf("locate the running govm: %w; pass --binary", err)
			}
			if r, err := filepath.EvalSymlinks(exe); err == nil {
				exe = r
			}
		}
		if exe, err = filepath.Abs(exe); err != nil {
			return fmt.Errorf("--binary %s: %w", o.binary, err)
		}
		res.Binary = exe
		a.verbosef("downloading %s", u.URL)
		if err := selfupdate.Apply(ctx, opts, u, exe); err != nil {
			return err
		}
		res.Updated = true
	}
	if a.flags.json {
		return a.printJSON(res)
	}
	switch {
	case res.Updated:
		fmt.Fprintf(a.out(), "updated govm %s -> %s (%s, sha256 %s verified)\n", u.Current, u.Latest, res.Binary, u.SHA256)
	case u.Newer:
		fmt.Fprintf(a.out(), "govm %s is available (running %s): run 'govm self update'\n", u.Latest, u.Current)
	default:
		fmt.Fprintf(a.out(), "govm %s is up to date (latest release: %s)\n", u.Current, u.Latest)
	}
	return nil
}

// selfUpdateBase picks where releases come from: the flag, the environment,
// the configured mirror's govm/ directory, then GitHub.
func (a *app) selfUpdateBase(from string) (string, error) {
	if from != "" {
		return from, nil
	}
	if env := a.env.Getenv("GOVM_SELF_UPDATE_URL"); env != "" {
		return env, nil
	}
	cfg, err := a.config()
	if err != nil {
		return "", err
	}
	if m := cfg.Mirror; m != "" {
		if strings.Contains(m, "://") {
			return strings.TrimRight(m, "/") + "/govm", nil
		}
		return filepath.Join(m, "govm"), nil
	}
	return selfupdate.DefaultBaseURL, nil
}

// cleanupAfterSelfUpdate removes the executable a Windows self-update moved
// aside (it could not be deleted while it ran). Elsewhere nothing is left.
func cleanupAfterSelfUpdate() {
	if runtime.GOOS != "windows" {
		return
	}
	if exe, err := os.Executable(); err == nil {
		selfupdate.CleanupAside(exe)
	}
}
