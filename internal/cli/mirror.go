package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/policy"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/mirror"
	"github.com/govm-dev/govm/pkg/release"
)

type mirrorSyncOptions struct {
	dir       string
	versions  string
	platforms string
	pre       bool
}

func (a *app) mirrorCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mirror",
		Short: "Build and check an internal mirror for air-gapped sites",
		Args:  cobra.NoArgs,
	}
	var o mirrorSyncOptions
	sync := &cobra.Command{
		Use:   "sync DIR",
		Short: "Download and verify archives into DIR, with index.json and .sha256 files",
		Long: `Download the archives of the selected versions and platforms into DIR,
verify each against the source's SHA-256, and write index.json (go.dev's
schema) last, so clients reading DIR meanwhile see a consistent mirror.
Only missing archives are fetched; an interrupted sync resumes. Serve DIR with
any static web server, or point clients at it directly (--source DIR, a UNC
share, or 'mirror' in the machine config).

The source is go.dev unless --source names another mirror: a GOPROXY serves
module zips with checksum-database hashes, which a mirror index cannot carry.`,
		Example: `  govm mirror sync /srv/go --versions ">=1.22" --platforms windows/amd64,linux/amd64
  govm mirror sync \\server\share\go --versions 1.22.5 --platforms windows/amd64`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.dir = args[0]
			return a.logged(cmd, args, func(rec *opRecord) error { return a.runMirrorSync(cmd.Context(), o, rec) })
		},
	}
	f := sync.Flags()
	f.StringVar(&o.versions, "versions", "", "versions to mirror: a release, a line (1.22) or a range (\">=1.21 <1.24\") (required)")
	f.StringVar(&o.platforms, "platforms", "", "comma-separated os/arch list, e.g. windows/amd64,linux/amd64 (required)")
	f.BoolVar(&o.pre, "pre", false, "let --versions match betas and release candidates")
	a.addLogFlag(sync)
	cmd.AddCommand(sync)
	cmd.AddCommand(&cobra.Command{
		Use:   "verify DIR",
		Short: "Re-hash every archive of a mirror against its index; exit 3 on any mismatch",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runMirrorVerify(cmd.Context(), args[0])
		},
	})
	return cmd
}

func (a *app) runMirrorSync(ctx context.Context, o mirrorSyncOptions, rec *opRecord) error {
	if o.versions == "" || o.platforms == "" {
		return usagef("mirror sync needs --versions and --platforms")
	}
	req, err := goversion.ParseRequest(o.versions)
	if err != nil {
		return err
	}
	plats, err := mirror.ParsePlatforms(o.platforms)
	if err != nil {
		return usageError{err}
	}
	src, err := a.mirrorUpstream(ctx)
	if err != nil {
		return err
	}
	n, err := a.netEnv()
	if err != nil {
		return err
	}
	rec.source = src.Name()
	retries := n.cfg.Retries
	if retries == 0 {
		retries = -1 // download treats 0 as "default"; the user asked for none
	}
	start := time.Now()
	res, err := mirror.Sync(ctx, mirror.Options{
		Dir: o.dir, Source: src, Versions: req, Pre: o.pre, Platforms: plats,
		Client: n.client, Retries: retries,
		Event: func(s string) { a.verbosef("%s", s) },
	})
	if err != nil {
		return fmt.Errorf("mirror sync %s: %w", o.dir, err)
	}
	if a.flags.json {
		return a.printJSON(res)
	}
	for _, m := range res.Missing {
		a.warn(fmt.Sprintf("%s has no archive for %s", src.Name(), m))
	}
	fmt.Fprintf(a.out(), "mirror %s: %d added, %d already present, %d missing (%.1fs); index %s\n",
		o.dir, len(res.Added), len(res.Present), len(res.Missing), time.Since(start).Seconds(), res.Index)
	return nil
}

// mirrorUpstream opens the source a mirror is built from: go.dev for
// "auto" (a GOPROXY's module zips cannot go into a mirror index), else the
// source named.
func (a *app) mirrorUpstream(ctx context.Context) (release.Source, error) {
	n, err := a.netEnv()
	if err != nil {
		return nil, err
	}
	if policy.SourceKind(n.cfg.Source, n.cfg.Mirror) != policy.SourceAuto {
		return a.source(ctx)
	}
	cache := release.NewIndexCache(n.home.IndexCache(), n.cfg.IndexTTL, time.Now)
	return release.Open(release.SpecGoDev, release.OpenOptions{
		Client: n.client, Cache: cache, Warn: a.warn,
		GoDev: release.GoDevOptions{IndexURL: n.cfg.GoDevURL, DownloadBase: n.cfg.DownloadURL},
	})
}

func (a *app) runMirrorVerify(ctx context.Context, dir string) error {
	rep, err := mirror.Verify(ctx, dir)
	if err != nil {
		return fmt.Errorf("mirror verify %s: %w", dir, err)
	}
	if a.flags.json {
		if err := a.printJSON(rep); err != nil {
			return err
		}
	} else {
		for _, p := range rep.Problems {
			fmt.Fprintf(a.out(), "%s: %s\n", p.File, p.Problem)
		}
		fmt.Fprintf(a.out(), "mirror %s: %d archives checked, %d problems\n", dir, rep.Checked, len(rep.Problems))
	}
	if len(rep.Problems) > 0 {
		return exitError{code: ExitVerify}
	}
	return nil
}
