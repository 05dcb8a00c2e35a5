package cli

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/govm-dev/govm/internal/config"
	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/pkg/archive"
	"github.com/govm-dev/govm/pkg/download"
	"github.com/govm-dev/govm/pkg/install"
	"github.com/govm-dev/govm/pkg/release"
	"github.com/govm-dev/govm/pkg/store"
)

// netEnv is what every networked command needs, resolved once per invocation.
type netEnv struct {
	cfg    config.Config
	home   home.Home
	client *http.Client
}

// netEnv resolves the configuration, the home and the HTTP client (one
// client, so one connection pool, per invocation).
func (a *app) netEnv() (netEnv, error) {
	cfg, err := a.config()
	if err != nil {
		return netEnv{}, err
	}
	h, err := a.home()
	if err != nil {
		return netEnv{}, err
	}
	a.clientOnce.Do(func() {
		a.client = a.env.HTTPClient
		if a.client == nil {
			a.client = download.NewClient(download.ClientOptions{Timeout: cfg.HTTPTimeout})
		}
	})
	return netEnv{cfg: cfg, home: h, client: a.client}, nil
}

// warn reports a warning from a package callback.
func (a *app) warn(msg string) { a.io.Warnf("%s", msg) }

// source opens the release catalogue selected by --source / GOVM_SOURCE /
// config, wired to the go command's GOPROXY and GOSUMDB settings.
func (a *app) source(_ context.Context) (release.Source, error) {
	n, err := a.netEnv()
	if err != nil {
		return nil, err
	}
	cfg, h, client := n.cfg, n.home, n.client
	proxy := a.proxyFactory(client, cfg, h)
	cache := release.NewIndexCache(h.IndexCache(), cfg.IndexTTL, time.Now)
	cache.Policy = a.indexPolicy
	src, err := release.Open(cfg.Source, release.OpenOptions{
		Mirror:       cfg.Mirror,
		Client:       client,
		Cache:        cache,
		GoDev:        release.GoDevOptions{IndexURL: cfg.GoDevURL, DownloadBase: cfg.DownloadURL},
		ProxyFactory: proxy,
		Warn:         a.warn,
	})
	if err != nil {
		return nil, usageError{fmt.Errorf("--source %q: %w", cfg.Source, err)}
	}
	return src, nil
}

// store opens the versions directory of the home in force.
func (a *app) store() (*store.Store, error) {
	h, err := a.home()
	if err != nil {
		return nil, err
	}
	return store.New(h.Versions()), nil
}

// installer builds the install pipeline for src.
func (a *app) installer(src release.Source) (*install.Installer, error) {
	n, err := a.netEnv()
	if err != nil {
		return nil, err
	}
	cfg := n.cfg
	retries := cfg.Retries
	if retries == 0 {
		retries = -1 // download treats 0 as "default"; the user asked for none
	}
	return &install.Installer{
		Source:      src,
		Store:       store.New(n.home.Versions()),
		Client:      n.client,
		DownloadDir: n.home.Downloads(),
		Retries:     retries,
		Limits:      archive.Limits{MaxTotalBytes: cfg.MaxUnpackBytes},
		Progress:    a.io.Progress,
		Warn:        a.warn,
	}, nil
}

// httpClient returns the invocation's HTTP client.
func (a *app) httpClient() (*http.Client, error) {
	n, err := a.netEnv()
	return n.client, err
}
