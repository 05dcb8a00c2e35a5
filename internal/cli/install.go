package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/install"
	"github.com/govm-dev/govm/pkg/release"
)

type installOptions struct {
	args     []string
	goos     string
	goarch   string
	force    bool
	pre      bool
	sha256   string
	insecure bool
	rec      *opRecord
}

func (a *app) installCommand() *cobra.Command {
	var o installOptions
	cmd := &cobra.Command{
		Use:   "install [VERSION | CONSTRAINT | FILE]...",
		Short: "Download, verify and install Go toolchains side by side",
		Long: `Install one or more Go toolchains. Each argument is a release (1.22.5,
go1.22.5, 1.23rc2), a minor line (1.22 = newest patch), latest, stable,
oldstable, a range (~1.21, ">=1.21 <1.23"), a pin file (go.mod, go.work,
.go-version, .tool-versions), or a local archive (go1.22.5.linux-amd64.tar.gz,
with --sha256 or a sibling .sha256 file). With no argument, the version
pinned for the current directory is installed.

Every archive is verified before anything is visible: against go.dev's
SHA-256 (go.dev and mirrors) or the Go checksum database (GOPROXY).`,
		Example: `  govm install 1.22.5
  govm install 1.22 1.23
  govm install --os windows --arch amd64 1.22.5
  govm install ./go1.22.5.linux-amd64.tar.gz --sha256 <hex>`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.args = args
			if o.insecure {
				a.flagValues["insecure"] = "true"
			}
			return a.logged(cmd, args, func(rec *opRecord) error {
				o.rec = rec
				return a.runInstall(cmd.Context(), o)
			})
		},
	}
	a.addLogFlag(cmd)
	a.addSystemFlag(cmd)
	f := cmd.Flags()
	f.StringVar(&o.goos, "os", "", "target operating system (default: this machine's), e.g. to seed a Windows mirror")
	f.StringVar(&o.goarch, "arch", "", "target architecture (default: this machine's)")
	f.BoolVar(&o.force, "force", false, "reinstall even if already installed")
	f.BoolVar(&o.pre, "pre", false, "let ranges and minor lines resolve to betas and release candidates")
	f.StringVar(&o.sha256, "sha256", "", "expected SHA-256 of a local archive argument")
	f.BoolVar(&o.insecure, "insecure", false, "install even when no trusted hash covers the archive (loud; policy may forbid)")
	return cmd
}

func (a *app) runInstall(ctx context.Context, o installOptions) error {
	goos, goarch := o.goos, o.goarch
	if goos == "" {
		goos = runtime.GOOS
	}
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	targets, err := a.installTargets(o)
	if err != nil {
		return err
	}
	var results []install.Result
	var firstErr error
	for _, t := range targets {
		r, err := a.installOne(ctx, t, goos, goarch, o)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			if len(targets) > 1 {
				fmt.Fprintf(a.io.Err, "govm: %v\n", err)
			}
			continue
		}
		results = append(results, r)
		o.rec.installed(r)
		if !a.flags.json {
			a.reportInstall(r)
		}
	}
	if len(results) > 0 {
		if err := a.refreshShims(); err != nil {
			return err
		}
	}
	if a.flags.json {
		if results == nil {
			results = []install.Result{}
		}
		if err := a.printJSON(results); err != nil {
			return err
		}
	}
	if firstErr != nil && len(targets) > 1 {
		// Already printed above; keep the exit code of the first failure.
		return exitError{code: exitCode(firstErr)}
	}
	return firstErr
}

// installTarget is one thing to install: a request, or a local archive.
type installTarget struct {
	req     goversion.Request
	archive string // path of a local archive, when the argument was one
	from    string // where the request came from, for messages
}

func (a *app) installTargets(o installOptions) ([]installTarget, error) {
	if len(o.args) == 0 {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		pin, err := goversion.FindPin(wd, a.env.Getenv)
		if errors.Is(err, goversion.ErrNoPin) {
			return nil, usagef("no version given and nothing pins one in %s (no GOVM_GO_VERSION, .go-version, .tool-versions, go.work or go.mod); run e.g. 'govm install 1.22.5'", wd)
		}
		if err != nil {
			return nil, err
		}
		return []installTarget{{req: pin.Request, from: pin.Source()}}, nil
	}
	var ts []installTarget
	for _, arg := range o.args {
		if isArchiveName(arg) {
			if _, err := os.Stat(arg); err != nil {
				return nil, usagef("archive %s: %v", arg, err)
			}
			ts = append(ts, installTarget{archive: arg, from: arg})
			continue
		}
		if isPinFileName(arg) {
			pin, err := goversion.ReadPinFile(arg)
			if err != nil {
				return nil, err
			}
			ts = append(ts, installTarget{req: pin.Request, from: pin.Source()})
			continue
		}
		req, err := goversion.ParseRequest(arg)
		if err != nil {
			return nil, err
		}
		ts = append(ts, installTarget{req: req, from: arg})
	}
	if o.sha256 != "" && (len(ts) != 1 || ts[0].archive == "") {
		return nil, usagef("--sha256 applies to exactly one local archive argument")
	}
	return ts, nil
}

func isArchiveName(arg string) bool {
	return strings.HasSuffix(arg, ".tar.gz") || strings.HasSuffix(arg, ".zip")
}

func isPinFileName(arg string) bool {
	switch filepath.Base(arg) {
	case "go.mod", "go.work", ".go-version", ".tool-versions":
		return true
	}
	return false
}

func (a *app) installOne(ctx context.Context, t installTarget, goos, goarch string, o installOptions) (install.Result, error) {
	cfg, err := a.config()
	if err != nil {
		return install.Result{}, err
	}
	if err := a.allowSource("install", t.archive); err != nil {
		return install.Result{}, err
	}
	var src release.Source
	if t.archive != "" {
		src, err = release.NewFile(t.archive, o.sha256, cfg.Insecure)
		if err != nil {
			return install.Result{}, err
		}
	} else if src, err = a.source(ctx); err != nil {
		return install.Result{}, err
	}
	in, err := a.installer(src)
	if err != nil {
		return install.Result{}, err
	}
	var v goversion.Version
	if t.archive != "" {
		rels, err := src.List(ctx)
		if err != nil {
			return install.Result{}, err
		}
		v, err = goversion.Parse(rels[0].Version)
		if err != nil {
			return install.Result{}, err
		}
		if len(rels[0].Files) > 0 {
			goos, goarch = rels[0].Files[0].OS, rels[0].Files[0].Arch
		}
	} else {
		v, err = install.Resolve(ctx, src, t.req, goos, goarch, goversion.ResolveOptions{Pre: o.pre})
		if err != nil {
			return install.Result{}, err
		}
		a.verbosef("%s resolves to %s (%s)", t.from, v, src.Name())
	}
	if err := a.allowVersion("install", v); err != nil {
		return install.Result{}, err
	}
	return in.Install(ctx, v, goos, goarch, o.force)
}

func (a *app) reportInstall(r install.Result) {
	platform := ""
	if r.OS != runtime.GOOS || r.Arch != runtime.GOARCH {
		platform = " (" + r.OS + "/" + r.Arch + ")"
	}
	if r.Already {
		fmt.Fprintf(a.out(), "%s%s is already installed in %s\n", r.Version, platform, r.Path)
		return
	}
	how := "downloaded"
	if r.FromCache {
		how = "from cache"
	}
	fmt.Fprintf(a.out(), "%s%s installed in %s (%s, %.1fs, verified %s %s, source %s)\n",
		r.Version, platform, r.Path, how, r.Seconds, r.Hash.Kind, short(r.Hash.Value), r.Source)
}

// short abbreviates a hash for human output; --json carries it whole.
func short(h string) string {
	if len(h) > 19 {
		return h[:19] + "…"
	}
	return h
}
