package cli

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/govm-dev/govm/pkg/archive"
	"github.com/govm-dev/govm/pkg/download"
	"github.com/govm-dev/govm/pkg/install"
	"github.com/govm-dev/govm/pkg/release"
	"github.com/govm-dev/govm/pkg/store"
)

// httpClient returns the client for every network request of this invocation.
func (a *app) httpClient() (*http.Client, error) {
	if a.env.HTTPClient != nil {
		return a.env.HTTPClient, nil
	}
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	return download.NewClient(download.ClientOptions{Timeout: cfg.HTTPTimeout}), nil
}

// warn reports a warning from a package callback.
func (a *app) warn(msg string) { a.io.Warnf("%s", msg) }

// source opens the release catalogue selected by --source / GOVM_SOURCE /
// config, wired to the go command's GOPROXY and GOSUMDB settings.
func (a *app) source(_ context.Context) (release.Source, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	h, err := a.home()
	if err != nil {
		return nil, err
	}
	client, err := a.httpClient()
	if err != nil {
		return nil, err
	}
	proxy := a.proxyFactory(client, cfg, h)
	src, err := release.Open(cfg.Source, release.OpenOptions{
		Mirror:       cfg.Mirror,
		Client:       client,
		Cache:        release.NewIndexCache(h.IndexCache(), cfg.IndexTTL, time.Now),
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
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	h, err := a.home()
	if err != nil {
		return nil, err
	}
	client, err := a.httpClient()
	if err != nil {
		return nil, err
	}
	st, err := a.store()
	if err != nil {
		return nil, err
	}
	retries := cfg.Retries
	if retries == 0 {
		retries = -1 // download treats 0 as "default"; the user asked for none
	}
	return &install.Installer{
		Source:      src,
		Store:       st,
		Client:      client,
		DownloadDir: h.Downloads(),
		Retries:     retries,
		Limits:      archive.Limits{MaxTotalBytes: cfg.MaxUnpackBytes},
		Progress:    a.io.Progress,
		Warn:        a.warn,
	}, nil
}
