package release

import (
	"fmt"
	"net/http"
	"os"
	"strings"
)

// Source specs understood by Open, besides a mirror location.
const (
	SpecAuto  = "auto"
	SpecProxy = "proxy"
	SpecGoDev = "godev"
)

// OpenOptions carries what Open needs to build any source.
type OpenOptions struct {
	// Mirror is the configured mirror location; when set, "auto" means it alone.
	Mirror string
	// ProxyFactory builds the GOPROXY toolchain-module source. The CLI fills
	// it in (with NewProxy); nil means no proxy: "auto" is go.dev alone and
	// "proxy" is an error.
	ProxyFactory func() (Source, error)
	// GoDev configures the go.dev source (its Client, Cache and Warn also
	// serve mirrors when the fields below are nil).
	GoDev GoDevOptions
	// Client, Cache and Warn are shared by every source Open builds; a field
	// set in GoDev takes precedence there.
	Client *http.Client
	Cache  *IndexCache
	Warn   func(string)
}

// Open builds the source named by spec:
//
//	auto or ""     the configured mirror when set, else the proxy then go.dev
//	proxy          the GOPROXY toolchain modules only
//	godev          go.dev only (also when a proxy is configured)
//	DIR | \\server\share\dir | file:///dir | https://host/path
//	               a mirror (see Mirror); a plain path must be an existing directory
//
// In auto mode a proxy that cannot be built for a reason wrapping ErrNotFound
// or ErrUnavailable (GOPROXY=off, say) is left out with a warning; any other
// error from ProxyFactory is returned.
func Open(spec string, opts OpenOptions) (Source, error) {
	switch spec {
	case "", SpecAuto:
		if opts.Mirror != "" {
			return NewMirror(opts.Mirror, opts.mirrorOptions())
		}
		godev := NewGoDev(opts.goDevOptions())
		if opts.ProxyFactory == nil {
			return godev, nil
		}
		proxy, err := opts.ProxyFactory()
		if err != nil {
			if !isFallthrough(err) {
				return nil, fmt.Errorf("open proxy source: %w", err)
			}
			opts.warn(fmt.Sprintf("not using the Go module proxy: %v", err))
			return godev, nil
		}
		return NewChain(proxy, godev), nil
	case SpecProxy:
		if opts.ProxyFactory == nil {
			return nil, fmt.Errorf("release source %q: no module proxy is configured", spec)
		}
		proxy, err := opts.ProxyFactory()
		if err != nil {
			return nil, fmt.Errorf("open proxy source: %w", err)
		}
		return proxy, nil
	case SpecGoDev:
		return NewGoDev(opts.goDevOptions()), nil
	}
	if looksLikeURL(spec) || isDir(spec) {
		return NewMirror(spec, opts.mirrorOptions())
	}
	return nil, fmt.Errorf("release source %q is not auto, proxy, godev, an existing directory, a UNC path, a file:// URL or an http(s) URL", spec)
}

func (o OpenOptions) goDevOptions() GoDevOptions {
	g := o.GoDev
	if g.Client == nil {
		g.Client = o.Client
	}
	if g.Cache == nil {
		g.Cache = o.Cache
	}
	if g.Warn == nil {
		g.Warn = o.Warn
	}
	return g
}

func (o OpenOptions) mirrorOptions() MirrorOptions {
	g := o.goDevOptions()
	return MirrorOptions{Client: g.Client, Cache: g.Cache, Warn: g.Warn}
}

func (o OpenOptions) warn(msg string) {
	if o.Warn != nil {
		o.Warn(msg)
	} else if o.GoDev.Warn != nil {
		o.GoDev.Warn(msg)
	}
}

func looksLikeURL(s string) bool {
	for _, p := range []string{"http://", "https://", "file://"} {
		if strings.HasPrefix(strings.ToLower(s), p) {
			return true
		}
	}
	return false
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
