package modproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/mod/semver"
	"golang.org/x/mod/sumdb/dirhash"
)

// Info is a proxy's .info answer for one module version, with where it
// came from.
type Info struct {
	Version string
	Time    time.Time
	// Proxy is the base URL of the proxy that answered (the "direct" base
	// when that is where the version was found).
	Proxy string
	// ZipURL is where that proxy serves the module zip.
	ZipURL string
}

// List returns the versions a proxy lists for modulePath (GET @v/list),
// sorted by semver. A filtering proxy may list only some of them.
// Lines that are not valid semantic versions are ignored, as the go
// command ignores them.
func (c *Client) List(ctx context.Context, modulePath string) ([]string, error) {
	ep, _, err := escape(modulePath, "")
	if err != nil {
		return nil, err
	}
	var versions []string
	err = c.try(ctx, modulePath, func(base string) error {
		data, err := get(ctx, c.cfg.HTTPClient, joinURL(base, ep+"/@v/list"))
		if err != nil {
			return err
		}
		versions = ParseList(data)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list versions of %s: %w", modulePath, err)
	}
	return versions, nil
}

// ParseList parses an @v/list answer: one version per line, optionally
// followed by more fields, invalid lines skipped, duplicates removed,
// sorted by semver.
func ParseList(data []byte) []string {
	seen := map[string]bool{}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !semver.IsValid(f[0]) || semver.Canonical(f[0]) != f[0] || seen[f[0]] {
			continue
		}
		seen[f[0]] = true
		out = append(out, f[0])
	}
	semver.Sort(out)
	return out
}

// Info confirms that version of modulePath exists (GET @v/<version>.info)
// on the first proxy of the list that has it.
func (c *Client) Info(ctx context.Context, modulePath, version string) (Info, error) {
	ep, ev, err := escape(modulePath, version)
	if err != nil {
		return Info{}, err
	}
	var info Info
	err = c.try(ctx, modulePath, func(base string) error {
		u := joinURL(base, ep+"/@v/"+ev+".info")
		data, err := get(ctx, c.cfg.HTTPClient, u)
		if err != nil {
			return err
		}
		var raw struct {
			Version string
			Time    time.Time
		}
		if err := json.Unmarshal(data, &raw); err != nil {
			return fmt.Errorf("GET %s: %w: %v", u, ErrMalformed, err)
		}
		if raw.Version != version {
			return fmt.Errorf("GET %s: %w: answer is for version %q", u, ErrMalformed, raw.Version)
		}
		info = Info{Version: raw.Version, Time: raw.Time, Proxy: base, ZipURL: joinURL(base, ep+"/@v/"+ev+".zip")}
		return nil
	})
	if err != nil {
		return Info{}, fmt.Errorf("info of %s@%s: %w", modulePath, version, err)
	}
	return info, nil
}

// ZipURL returns where the first proxy that has version of modulePath
// serves its zip. The zip's hash comes from Lookup.
func (c *Client) ZipURL(ctx context.Context, modulePath, version string) (string, error) {
	info, err := c.Info(ctx, modulePath, version)
	if err != nil {
		return "", err
	}
	return info.ZipURL, nil
}

// Lookup returns the hashes the checksum database records for
// modulePath@version: h1 of the zip's files and h1 of its go.mod. It wraps
// ErrInsecure when verification is off for modulePath (see CheckSumDB),
// ErrNotFound when the database has no record, ErrVerification when the
// database's answer does not verify, and ErrUnavailable when it cannot be
// reached.
func (c *Client) Lookup(ctx context.Context, modulePath, version string) (h1, goModH1 string, err error) {
	if err := c.CheckSumDB(modulePath); err != nil {
		return "", "", err
	}
	if _, _, err := escape(modulePath, version); err != nil {
		return "", "", err
	}
	zipLine, modLine, err := c.db.lookup(ctx, modulePath, version)
	if err != nil {
		return "", "", err
	}
	h1 = hashOf(zipLine)
	goModH1 = hashOf(modLine)
	if h1 == "" && goModH1 == "" {
		return "", "", fmt.Errorf("checksum database %s: %s@%s: %w: the record has no h1 hash", c.sumdb.Name, modulePath, version, ErrNotFound)
	}
	return h1, goModH1, nil
}

// hashOf returns the h1: hash of a go.sum line "path version h1:...".
func hashOf(line string) string {
	f := strings.Fields(line)
	if len(f) == 3 && strings.HasPrefix(f[2], "h1:") {
		return f[2]
	}
	return ""
}

// GoMod returns the go.mod file of modulePath@version, verified against
// the checksum database. When verification is off for the module
// (GONOSUMDB, GOPRIVATE, GOSUMDB=off) the file is returned unverified, as
// the go command does for modules outside the database. Verified files are
// cached.
func (c *Client) GoMod(ctx context.Context, modulePath, version string) ([]byte, error) {
	if off := c.CheckSumDB(modulePath); off != nil {
		data, err := c.fetchGoMod(ctx, modulePath, version)
		if err == nil && c.cfg.Log != nil {
			c.cfg.Log(fmt.Sprintf("go.mod of %s@%s not verified: %v", modulePath, version, off))
		}
		return data, err
	}
	// The lookup takes several round trips (the record, then tiles), and
	// nothing of the file is used before it matches, so the download
	// starts at once instead of after it.
	return c.goModVerified(ctx, modulePath, version, true, func() (string, error) {
		_, want, err := c.Lookup(ctx, modulePath, version)
		if err == nil && want == "" {
			err = fmt.Errorf("checksum database %s: %s@%s: %w: no go.mod hash", c.sumdb.Name, modulePath, version, ErrNotFound)
		}
		return want, err
	})
}

// GoModSum returns the go.mod file of modulePath@version checked against
// goModH1, the hash a go.sum file already records for it ("h1:..."), so no
// checksum database lookup is needed.
func (c *Client) GoModSum(ctx context.Context, modulePath, version, goModH1 string) ([]byte, error) {
	return c.goModVerified(ctx, modulePath, version, false, func() (string, error) { return goModH1, nil })
}

// goModVerified returns the go.mod of modulePath@version once it matches the
// hash want returns, from the cache or downloaded. With early the download
// runs alongside want when the cache has no copy.
func (c *Client) goModVerified(ctx context.Context, modulePath, version string, early bool, want func() (string, error)) ([]byte, error) {
	ep, ev, err := escape(modulePath, version)
	if err != nil {
		return nil, err
	}
	key := "mod/" + ep + "/@v/" + ev + ".mod"
	cached, cacheErr := c.cache.Get(key)
	fetch := func() ([]byte, error) { return c.fetchGoMod(ctx, modulePath, version) }
	if early && cacheErr != nil {
		bg := c.startGoModFetch(ctx, modulePath, version)
		defer bg.stop()
		fetch = bg.wait
	}
	h, err := want()
	if err != nil {
		return nil, err
	}
	if cacheErr == nil && HashGoMod(cached) == h {
		return cached, nil
	}
	data, err := fetch()
	if err != nil {
		return nil, err
	}
	if got := HashGoMod(data); got != h {
		return nil, fmt.Errorf("go.mod of %s@%s: %w: downloaded file has %s, want %s", modulePath, version, ErrVerification, got, h)
	}
	_ = c.cache.Put(key, data)
	return data, nil
}

// startGoModFetch downloads the go.mod in the background.
func (c *Client) startGoModFetch(ctx context.Context, modulePath, version string) *backgroundFetch {
	ctx, cancel := context.WithCancel(ctx)
	f := &backgroundFetch{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(f.done)
		f.data, f.err = c.fetchGoMod(ctx, modulePath, version)
	}()
	return f
}

type backgroundFetch struct {
	cancel context.CancelFunc
	done   chan struct{}
	data   []byte
	err    error
}

// wait returns the download's result.
func (f *backgroundFetch) wait() ([]byte, error) {
	<-f.done
	return f.data, f.err
}

// stop ends the download if it still runs (its result is not wanted) and
// waits for it, so that it never outlives the call that started it.
func (f *backgroundFetch) stop() {
	f.cancel()
	<-f.done
}

func (c *Client) fetchGoMod(ctx context.Context, modulePath, version string) ([]byte, error) {
	ep, ev, err := escape(modulePath, version)
	if err != nil {
		return nil, err
	}
	var data []byte
	err = c.try(ctx, modulePath, func(base string) error {
		var err error
		data, err = get(ctx, c.cfg.HTTPClient, joinURL(base, ep+"/@v/"+ev+".mod"))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("go.mod of %s@%s: %w", modulePath, version, err)
	}
	return data, nil
}

// HashGoMod returns the h1: hash of a go.mod file as go.sum and the
// checksum database record it ("path version/go.mod h1:...").
func HashGoMod(data []byte) string {
	h, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
	if err != nil {
		// Hash1 fails only when open fails or a name has a newline; neither can happen here.
		panic(err)
	}
	return h
}
