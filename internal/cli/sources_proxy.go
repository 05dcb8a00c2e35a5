package cli

import (
	"net/http"
	"path/filepath"

	"github.com/govm-dev/govm/internal/config"
	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/pkg/modproxy"
	"github.com/govm-dev/govm/pkg/release"
)

// proxyFactory builds the GOPROXY toolchain-module source on demand, from
// the go command's own settings (environment, then the `go env -w` file).
func (a *app) proxyFactory(client *http.Client, cfg config.Config, h home.Home) func() (release.Source, error) {
	return func() (release.Source, error) {
		goenv, err := modproxy.GoEnv(a.env.Getenv)
		if err != nil {
			return nil, err
		}
		return release.NewProxy(release.ProxyConfig{
			GOPROXY:      goenv["GOPROXY"].Value,
			GONOPROXY:    goenv["GONOPROXY"].Value,
			GOPRIVATE:    goenv["GOPRIVATE"].Value,
			GOSUMDB:      goenv["GOSUMDB"].Value,
			GONOSUMDB:    goenv["GONOSUMDB"].Value,
			GONOSUMCHECK: goenv["GONOSUMCHECK"].Value,
			GOINSECURE:   goenv["GOINSECURE"].Value,
			Client:       client,
			Insecure:     cfg.Insecure,
			CacheDir:     filepath.Join(h.Cache(), "sumdb"),
			Warn:         a.warn,
		})
	}
}
