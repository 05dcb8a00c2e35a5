package scan

import (
	"context"
	"errors"
	"fmt"

	"github.com/govm-dev/govm/pkg/modproxy"
)

// SumSource is a ModSource that can check a go.mod file against a hash the
// main modules' go.sum already records, instead of asking a checksum
// database: the go command trusts go.sum first, and skipping the database
// saves a lookup per module. LoadGraph uses it when the source has it.
type SumSource interface {
	ModSource
	// GoModSum returns the go.mod of path@version after checking it against
	// goModH1 ("h1:..."); a mismatch is an error wrapping ErrChecksum.
	GoModSum(ctx context.Context, path, version, goModH1 string) ([]byte, error)
}

// ModProxySource reads module metadata through pkg/modproxy: the GOPROXY
// list with its fallback rules, and go.mod files verified against the
// checksum database (GOSUMDB) or against go.sum.
type ModProxySource struct {
	// Client is the configured proxy client. Required.
	Client *modproxy.Client
	// ModCache, when set, is a module cache ($GOMODCACHE) read first for
	// go.mod files: the go command verified them when it downloaded them.
	// Version lists always come from the proxy, because the cache knows
	// only the versions downloaded before.
	ModCache string
}

// GoMod implements ModSource.
func (p *ModProxySource) GoMod(ctx context.Context, path, version string) ([]byte, error) {
	if data, ok := p.cached(ctx, path, version); ok {
		return data, nil
	}
	data, err := p.Client.GoMod(ctx, path, version)
	return data, proxyError(err)
}

// GoModSum implements SumSource.
func (p *ModProxySource) GoModSum(ctx context.Context, path, version, goModH1 string) ([]byte, error) {
	if data, ok := p.cached(ctx, path, version); ok {
		return data, nil
	}
	data, err := p.Client.GoModSum(ctx, path, version, goModH1)
	return data, proxyError(err)
}

// Versions implements ModSource.
func (p *ModProxySource) Versions(ctx context.Context, path string) ([]string, error) {
	vs, err := p.Client.List(ctx, path)
	return vs, proxyError(err)
}

func (p *ModProxySource) cached(ctx context.Context, path, version string) ([]byte, bool) {
	if p.ModCache == "" {
		return nil, false
	}
	data, err := ModCacheSource{Dir: p.ModCache}.GoMod(ctx, path, version)
	return data, err == nil
}

// proxyError adds this package's sentinel to a modproxy error so that
// Sources chains and callers can branch without importing modproxy; the
// modproxy sentinel stays reachable with errors.Is too.
func proxyError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, modproxy.ErrNotFound):
		return fmt.Errorf("%w (%w)", err, ErrNotFound)
	case errors.Is(err, modproxy.ErrVerification):
		return fmt.Errorf("%w (%w)", err, ErrChecksum)
	case errors.Is(err, modproxy.ErrUnavailable):
		return fmt.Errorf("%w (%w)", err, ErrUnavailable)
	}
	return err
}
