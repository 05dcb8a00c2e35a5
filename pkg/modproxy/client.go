package modproxy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"golang.org/x/mod/module"

	"github.com/govm-dev/govm/internal/flight"
)

// Config is the go command's environment as far as module downloads go,
// plus what govm injects. The string fields take the same values as the
// variables of the same name (GoEnv reads them).
type Config struct {
	GOPROXY      string // "" means the default, https://proxy.golang.org,direct
	GONOPROXY    string // "" means GOPRIVATE
	GOPRIVATE    string
	GOSUMDB      string // "" means sum.golang.org
	GONOSUMDB    string // "" means GOPRIVATE
	GONOSUMCHECK string // legacy: "1" disables the checksum database for every module, otherwise patterns like GONOSUMDB

	// HTTPClient makes every request; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Direct returns the module-proxy-protocol URL that stands in for the
	// GOPROXY entry "direct" for a module path (for golang.org/toolchain,
	// https://go.dev/dl/mod, which its go-import meta tag names). Modules
	// without one cannot be fetched directly: govm never runs version
	// control tools. Nil means no module has one.
	Direct func(modulePath string) (baseURL string, ok bool)
	// CacheDir holds the checksum database's tree heads (which must persist
	// for the database's append-only log to protect anything), and, unless
	// Cache is set, verified records, tiles and go.mod files. Empty means
	// memory only.
	CacheDir string
	// Cache overrides where verified answers are kept.
	Cache Cache
	// Log receives diagnostic lines (which proxy serves the database, cache
	// failures). Nil discards them.
	Log func(string)
}

// DefaultGOPROXY and DefaultGOSUMDB are the go command's defaults.
const (
	DefaultGOPROXY = "https://proxy.golang.org,direct"
	DefaultGOSUMDB = "sum.golang.org"
)

// Client downloads module metadata through a GOPROXY list and verifies it
// against a checksum database. It is safe for concurrent use.
type Client struct {
	cfg     Config
	goproxy string
	proxies []ProxyEntry
	sumdb   SumDB
	db      *checksumDB // nil when GOSUMDB=off
	cache   Cache
}

// New validates cfg (GOPROXY and GOSUMDB values, naming the bad one) and
// returns a Client. It makes no network request.
func New(cfg Config) (*Client, error) {
	c := &Client{cfg: cfg, goproxy: strings.TrimSpace(cfg.GOPROXY)}
	if c.goproxy == "" {
		c.goproxy = DefaultGOPROXY
	}
	if c.cfg.GONOPROXY == "" {
		c.cfg.GONOPROXY = cfg.GOPRIVATE
	}
	if c.cfg.GONOSUMDB == "" {
		c.cfg.GONOSUMDB = cfg.GOPRIVATE
	}
	var err error
	if c.proxies, err = ParseProxyList(c.goproxy); err != nil {
		return nil, err
	}
	if c.sumdb, err = ParseGOSUMDB(cfg.GOSUMDB); err != nil {
		return nil, err
	}
	c.cache = cfg.Cache
	switch {
	case c.cache != nil:
	case cfg.CacheDir != "":
		c.cache = DirCache(filepath.Join(cfg.CacheDir, "cache"))
	default:
		c.cache = newMemCache()
	}
	if !c.sumdb.Off {
		var heads treeHeads = &memTreeHeads{}
		if cfg.CacheDir != "" {
			heads = dirTreeHeads(filepath.Join(cfg.CacheDir, "sumdb"))
		}
		c.db = &checksumDB{db: c.sumdb, client: cfg.HTTPClient, proxies: c.proxies, cache: c.cache, heads: heads, log: cfg.Log}
		c.db.tiles.Keep = flight.KeepValues
	}
	return c, nil
}

// SumDB returns the checksum database in use (Off for GOSUMDB=off).
func (c *Client) SumDB() SumDB { return c.sumdb }

// Proxies returns the GOPROXY list that applies to modulePath: the parsed
// GOPROXY, or just "direct" when GONOPROXY (or GOPRIVATE) matches it, or
// just "off" when it matches and GOPROXY is "off", as the go command does.
func (c *Client) Proxies(modulePath string) []ProxyEntry {
	if module.MatchPrefixPatterns(c.cfg.GONOPROXY, modulePath) {
		if c.goproxy == Off {
			return []ProxyEntry{{URL: Off}}
		}
		return []ProxyEntry{{URL: Direct}}
	}
	return c.proxies
}

// CheckSumDB returns nil when modulePath is verified against the checksum
// database, or an error wrapping ErrInsecure that names the variable that
// turned verification off.
func (c *Client) CheckSumDB(modulePath string) error {
	switch {
	case c.sumdb.Off:
		return fmt.Errorf("%w for %s: GOSUMDB=off", ErrInsecure, modulePath)
	case c.cfg.GONOSUMCHECK == "1":
		return fmt.Errorf("%w for %s: GONOSUMCHECK=1", ErrInsecure, modulePath)
	case module.MatchPrefixPatterns(c.cfg.GONOSUMCHECK, modulePath):
		return fmt.Errorf("%w for %s: GONOSUMCHECK=%s matches it", ErrInsecure, modulePath, c.cfg.GONOSUMCHECK)
	case module.MatchPrefixPatterns(c.cfg.GONOSUMDB, modulePath):
		name := "GONOSUMDB"
		if c.cfg.GONOSUMDB == c.cfg.GOPRIVATE {
			name = "GOPRIVATE"
		}
		return fmt.Errorf("%w for %s: %s=%s matches it", ErrInsecure, modulePath, name, c.cfg.GONOSUMDB)
	}
	return nil
}

// errorRank orders errors for reporting after every proxy failed, as the
// go command does: what "direct" or "off" said is the most telling, then a
// real failure, then "not found".
func errorRank(entry ProxyEntry, err error) int {
	switch {
	case entry.URL == Direct || entry.URL == Off:
		return 3
	case !errors.Is(err, ErrNotFound):
		return 2
	}
	return 1
}

// try calls fn with the base URL of each proxy in turn until one answers,
// following the GOPROXY fallback rules. fn's error decides: after ","
// only ErrNotFound moves on, after "|" any error does.
func (c *Client) try(ctx context.Context, modulePath string, fn func(base string) error) error {
	var best error
	bestRank := 0
	for _, p := range c.Proxies(modulePath) {
		var err error
		switch p.URL {
		case Off:
			err = proxyOffError{modulePath}
		case Direct:
			base, ok := "", false
			if c.cfg.Direct != nil {
				base, ok = c.cfg.Direct(modulePath)
			}
			if !ok {
				err = fmt.Errorf("direct: %w: %s is only available from its version control origin, which govm does not contact; use a GOPROXY that has it", ErrNotFound, modulePath)
			} else {
				err = fn(base)
			}
		default:
			err = fn(p.URL)
		}
		if err == nil {
			return nil
		}
		if r := errorRank(p, err); r > bestRank {
			best, bestRank = err, r
		}
		if ctx.Err() != nil {
			return err
		}
		if !p.FallbackOnError && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return best
}

// escape returns the escaped path and version for proxy URLs.
func escape(modulePath, version string) (string, string, error) {
	ep, err := module.EscapePath(modulePath)
	if err != nil {
		return "", "", fmt.Errorf("%w: module path %q: %v", ErrConfig, modulePath, err)
	}
	if version == "" {
		return ep, "", nil
	}
	ev, err := module.EscapeVersion(version)
	if err != nil {
		return "", "", fmt.Errorf("%w: version %q of %s: %v", ErrConfig, version, modulePath, err)
	}
	return ep, ev, nil
}
