package release

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/modproxy"
)

// ToolchainModule is the module Go toolchains are published as.
const ToolchainModule = "golang.org/toolchain"

// DefaultToolchainDirectURL is the origin of golang.org/toolchain, what
// GOPROXY's "direct" means for it: the module's go-import meta tag says
// "mod https://go.dev/dl/mod", a module-proxy-protocol server.
const DefaultToolchainDirectURL = "https://go.dev/dl/mod"

// ProxyConfig configures the GOPROXY toolchain-module source. The GO*
// fields take the values of the go environment variables of the same name
// (modproxy.GoEnv reads them); empty means the go command's default.
type ProxyConfig struct {
	GOPROXY, GONOPROXY, GOPRIVATE, GOSUMDB, GONOSUMDB, GONOSUMCHECK string
	// GOINSECURE is accepted for completeness and never weakens anything:
	// it only loosens version-control fetches, which govm does not make,
	// and it never turns off checksum verification in the go command either.
	GOINSECURE string
	// Client makes every request; nil means http.DefaultClient.
	Client *http.Client
	// DirectURL stands in for "direct"; empty means DefaultToolchainDirectURL.
	DirectURL string
	// Insecure allows toolchains whose hash cannot come from the checksum
	// database (GOSUMDB=off, GONOSUMDB, GOPRIVATE or GONOSUMCHECK matching
	// golang.org/toolchain); they are returned with Hash{Kind: None}.
	Insecure bool
	// CacheDir keeps the checksum database's tree head (needed for its
	// append-only guarantee to hold across runs) and verified tiles. Empty
	// means memory only.
	CacheDir string
	// Warn receives loud warnings (an unverified toolchain under Insecure).
	Warn func(string)
}

// Proxy is the release Source backed by golang.org/toolchain on a GOPROXY,
// verified by the checksum database, following the go command's rules.
type Proxy struct {
	cfg ProxyConfig
	mp  *modproxy.Client
}

// NewProxy validates cfg and returns the source. Invalid GOPROXY or GOSUMDB
// values are errors naming the value; GOPROXY=off (for golang.org/toolchain)
// is an error wrapping ErrUnavailable and modproxy.ErrProxyOff, so that
// Open's auto mode leaves the proxy out with a warning.
func NewProxy(cfg ProxyConfig) (*Proxy, error) {
	if cfg.DirectURL == "" {
		cfg.DirectURL = DefaultToolchainDirectURL
	}
	direct := strings.TrimSuffix(cfg.DirectURL, "/")
	mp, err := modproxy.New(modproxy.Config{
		GOPROXY: cfg.GOPROXY, GONOPROXY: cfg.GONOPROXY, GOPRIVATE: cfg.GOPRIVATE,
		GOSUMDB: cfg.GOSUMDB, GONOSUMDB: cfg.GONOSUMDB, GONOSUMCHECK: cfg.GONOSUMCHECK,
		HTTPClient: cfg.Client,
		Direct: func(path string) (string, bool) {
			return direct, path == ToolchainModule
		},
		CacheDir: cfg.CacheDir,
	})
	if err != nil {
		return nil, fmt.Errorf("module proxy source: %w", err)
	}
	if ps := mp.Proxies(ToolchainModule); len(ps) == 1 && ps[0].URL == modproxy.Off {
		return nil, &proxyError{kind: ErrUnavailable, err: fmt.Errorf("module proxy source: %w", modproxy.ErrProxyOff)}
	}
	return &Proxy{cfg: cfg, mp: mp}, nil
}

// Name implements Source.
func (p *Proxy) Name() string {
	g := p.cfg.GOPROXY
	if g == "" {
		g = modproxy.DefaultGOPROXY
	}
	return "GOPROXY " + g
}

// List implements Source: the toolchains the proxies list, newest first.
// A filtering proxy lists only some; Artifact still finds unlisted ones.
func (p *Proxy) List(ctx context.Context) ([]Release, error) {
	versions, err := p.mp.List(ctx, ToolchainModule)
	if err != nil {
		return nil, wrapProxyErr(err)
	}
	return groupToolchains(versions), nil
}

// Artifact implements Source: the zip of golang.org/toolchain
// v0.0.1-<v>.<goos>-<goarch> from the first proxy that has it (its .info
// answers), with the h1 hash the checksum database records for it.
func (p *Proxy) Artifact(ctx context.Context, v goversion.Version, goos, goarch string) (Artifact, error) {
	if !validPlatformWord(goos) || !validPlatformWord(goarch) {
		return Artifact{}, fmt.Errorf("proxy: %s for %q/%q: %w: not a platform", v, goos, goarch, ErrNotFound)
	}
	mv := ToolchainModuleVersion(v, goos, goarch)
	what := fmt.Sprintf("%s %s for %s/%s", ToolchainModule, mv, goos, goarch)
	hash := Hash{Kind: H1}
	off := p.mp.CheckSumDB(ToolchainModule)
	if off != nil && !p.cfg.Insecure {
		return Artifact{}, &proxyError{kind: ErrInsecure, err: fmt.Errorf("%s: %w; use --insecure to proceed without verification", what, off)}
	}
	info, err := p.mp.Info(ctx, ToolchainModule, mv)
	if err != nil {
		return Artifact{}, wrapProxyErr(err)
	}
	if off != nil {
		hash.Kind = None
		p.warn(fmt.Sprintf("WARNING: %s from %s will NOT be verified (%v); --insecure was given", mv, info.Proxy, off))
	} else {
		h1, _, err := p.mp.Lookup(ctx, ToolchainModule, mv)
		if err != nil {
			return Artifact{}, wrapProxyErr(err)
		}
		if h1 == "" {
			return Artifact{}, &proxyError{kind: ErrNotFound, err: fmt.Errorf("%s: the checksum database has no zip hash for it", what)}
		}
		hash.Value = h1
	}
	return Artifact{
		Version:  v,
		OS:       goos,
		Arch:     goarch,
		URL:      info.ZipURL,
		Filename: mv + ".zip",
		Hash:     hash,
		Format:   Zip,
		Prefix:   ToolchainModule + "@" + mv + "/",
		Source:   "proxy " + info.Proxy,
	}, nil
}

func (p *Proxy) warn(msg string) {
	if p.cfg.Warn != nil {
		p.cfg.Warn(msg)
	}
}

// ToolchainModuleVersion is the golang.org/toolchain version of release v
// for a platform: "v0.0.1-go1.22.5.linux-amd64".
func ToolchainModuleVersion(v goversion.Version, goos, goarch string) string {
	return "v0.0.1-" + v.String() + "." + goos + "-" + goarch
}

// validPlatformWord accepts GOOS/GOARCH values: lower-case letters and
// digits, which also keeps them from splitting the module version wrongly.
func validPlatformWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// proxyError carries a modproxy error with the release sentinel it maps to,
// keeping both reachable through errors.Is and the message unchanged.
type proxyError struct {
	kind error
	err  error
}

func (e *proxyError) Error() string   { return e.err.Error() }
func (e *proxyError) Unwrap() []error { return []error{e.kind, e.err} }

// wrapProxyErr maps modproxy's sentinels onto release's. Not found and
// unavailable need no mapping: both packages' are httperr's.
func wrapProxyErr(err error) error {
	for _, m := range []struct{ from, to error }{
		{modproxy.ErrVerification, ErrVerification},
		{modproxy.ErrInsecure, ErrInsecure},
		{modproxy.ErrMalformed, ErrMalformed},
	} {
		if errors.Is(err, m.from) {
			return &proxyError{kind: m.to, err: err}
		}
	}
	return err
}
