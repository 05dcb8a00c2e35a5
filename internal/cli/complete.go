package cli

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/release"
)

// versionCompletion says which versions a command's argument accepts.
type versionCompletion struct {
	installed bool // versions in the versions directory
	remote    bool // versions in the cached release index
	firstOnly bool // only the first positional argument is a version
}

// versionArgs maps a command path (without "govm ") to the versions its
// arguments complete to. Commands are looked up by name, so a command not
// (yet) registered is simply skipped.
var versionArgs = map[string]versionCompletion{
	"install":   {remote: true},
	"uninstall": {installed: true},
	"use":       {installed: true, remote: true, firstOnly: true},
	"ensure":    {installed: true, remote: true, firstOnly: true},
	"exec":      {installed: true, remote: true, firstOnly: true},
	"env":       {installed: true, firstOnly: true},
	"verify":    {installed: true},
}

// attachEcosystem adds what the release tooling needs to every command:
// dynamic completions, and the cleanup a Windows self-update leaves to the
// next run.
func (a *app) attachEcosystem(root *cobra.Command) {
	a.attachCompletions(root)
	inner := root.PersistentPreRunE
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		cleanupAfterSelfUpdate()
		if inner != nil {
			return inner(cmd, args)
		}
		return nil
	}
}

// attachCompletions gives version arguments dynamic completion. Completing
// never touches the network: remote versions come from the release index
// cached by an earlier command, read with CacheOffline through an HTTP
// client that refuses every request.
func (a *app) attachCompletions(root *cobra.Command) {
	for path, vc := range versionArgs {
		cmd, _, err := root.Find(strings.Fields(path))
		if err != nil || cmd == root || cmd.ValidArgsFunction != nil {
			continue
		}
		vc := vc
		cmd.ValidArgsFunction = func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if vc.firstOnly && len(args) > 0 {
				return nil, cobra.ShellCompDirectiveDefault
			}
			return a.completeVersions(c.Context(), vc, args, toComplete), cobra.ShellCompDirectiveNoFileComp
		}
	}
}

// completeVersions returns "VERSION\tdescription" candidates, installed
// ones first, newest first, in the spelling the user started with (1.22.5
// or go1.22.5). Failures yield fewer candidates, never an error: a broken
// completion must not disturb the shell.
func (a *app) completeVersions(ctx context.Context, vc versionCompletion, already []string, toComplete string) []string {
	spell := func(v string) string {
		if strings.HasPrefix(toComplete, "go") {
			return v
		}
		return strings.TrimPrefix(v, "go")
	}
	seen := map[string]bool{}
	for _, arg := range already {
		if v, err := goversion.Parse(arg); err == nil {
			seen[v.String()] = true
		}
	}
	var out []string
	add := func(v, desc string) {
		if seen[v] || !strings.HasPrefix(spell(v), toComplete) {
			return
		}
		seen[v] = true
		out = append(out, spell(v)+"\t"+desc)
	}
	for _, v := range a.installedVersions() {
		if vc.installed {
			add(v, "installed")
		} else {
			seen[v] = true // install: offer only what is not there yet
		}
	}
	if vc.remote {
		for _, r := range a.cachedReleases(ctx) {
			desc := "available"
			if !r.Stable {
				desc = "available, unstable"
			}
			add(r.Version, desc)
		}
	}
	return out
}

// installedVersions lists the host toolchains in the versions directory.
func (a *app) installedVersions() []string {
	st, err := a.store()
	if err != nil {
		return nil
	}
	list, err := st.List()
	if err != nil {
		return nil
	}
	var out []string
	for _, in := range list {
		if in.Key.OS != "" && (in.Key.OS != runtime.GOOS || in.Key.Arch != runtime.GOARCH) {
			continue
		}
		v := in.Key.Version.String()
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// errOfflineCompletion is what any request made while completing gets.
var errOfflineCompletion = errors.New("no network while completing")

type refuseTransport struct{}

func (refuseTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errOfflineCompletion
}

// cachedReleases returns the releases of the configured go.dev index or
// mirror as last cached, or nothing when no copy is cached. The GOPROXY
// source is left out: its version lists are not cached.
func (a *app) cachedReleases(ctx context.Context) []release.Release {
	cfg, err := a.config()
	if err != nil {
		return nil
	}
	h, err := a.home()
	if err != nil {
		return nil
	}
	cache := release.NewIndexCache(h.IndexCache(), cfg.IndexTTL, time.Now)
	cache.Policy = release.CacheOffline
	src, err := release.Open(cfg.Source, release.OpenOptions{
		Mirror: cfg.Mirror,
		Client: &http.Client{Transport: refuseTransport{}},
		Cache:  cache,
		GoDev:  release.GoDevOptions{IndexURL: cfg.GoDevURL, DownloadBase: cfg.DownloadURL},
		Warn:   func(string) {},
	})
	if err != nil {
		return nil
	}
	rs, err := src.List(ctx)
	if err != nil {
		return nil
	}
	return rs
}
