package scan

import (
	"context"
	"errors"
	"sync"
)

// Sentinel errors that callers branch on.
var (
	// ErrNotFound: a source has no such module version (or no version list).
	ErrNotFound = errors.New("not found")
	// ErrChecksum: a go.mod file does not match the hash recorded in go.sum.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrUnavailable: a source could not be reached or answered with a server error.
	ErrUnavailable = errors.New("source unavailable")
	// ErrVulnDB: the vulnerability database is missing or unreadable. A scan
	// never turns this into "no vulnerabilities".
	ErrVulnDB = errors.New("vulnerability database unusable")
)

// ModSource supplies module metadata: the go.mod file of a module version and
// the list of published versions of a module. Implementations must be safe
// for concurrent use. Errors for absent data wrap ErrNotFound.
type ModSource interface {
	// GoMod returns the go.mod file of path at version, as the module proxy
	// serves it (a synthesized "module path" line for modules without one).
	GoMod(ctx context.Context, path, version string) ([]byte, error)
	// Versions returns the known tagged versions of path, in any order.
	Versions(ctx context.Context, path string) ([]string, error)
}

// Sources chains module sources: each request is answered by the first source
// that does not report ErrNotFound, so a local module cache can sit in front
// of a proxy.
type Sources []ModSource

// GoMod implements ModSource.
func (s Sources) GoMod(ctx context.Context, path, version string) ([]byte, error) {
	var last error = ErrNotFound
	for _, src := range s {
		data, err := src.GoMod(ctx, path, version)
		if err == nil {
			return data, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		last = err
	}
	return nil, last
}

// Versions implements ModSource.
func (s Sources) Versions(ctx context.Context, path string) ([]string, error) {
	var last error = ErrNotFound
	for _, src := range s {
		vs, err := src.Versions(ctx, path)
		if err == nil {
			return vs, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		last = err
	}
	return nil, last
}

// cachedSource memoises a ModSource for the length of one scan: the graph,
// the compatibility search and the outdated check ask for the same go.mod
// files, and concurrent callers of one key share a single fetch.
type cachedSource struct {
	src ModSource
	mu  sync.Mutex
	mod map[[2]string]*cacheEntry
	ver map[string]*cacheEntry
}

type cacheEntry struct {
	done chan struct{}
	data []byte
	list []string
	err  error
}

func newCachedSource(src ModSource) *cachedSource {
	if c, ok := src.(*cachedSource); ok {
		return c
	}
	return &cachedSource{src: src, mod: map[[2]string]*cacheEntry{}, ver: map[string]*cacheEntry{}}
}

// GoMod implements ModSource.
func (c *cachedSource) GoMod(ctx context.Context, path, version string) ([]byte, error) {
	return c.goMod(ctx, path, version, func() ([]byte, error) { return c.src.GoMod(ctx, path, version) })
}

// GoModSum implements SumSource, with the plain GoMod of a source that
// cannot check go.sum hashes itself. One cache serves both: a go.mod file is
// the same whichever hash it was checked against.
func (c *cachedSource) GoModSum(ctx context.Context, path, version, goModH1 string) ([]byte, error) {
	return c.goMod(ctx, path, version, func() ([]byte, error) {
		if ss, ok := c.src.(SumSource); ok {
			return ss.GoModSum(ctx, path, version, goModH1)
		}
		return c.src.GoMod(ctx, path, version)
	})
}

func (c *cachedSource) goMod(ctx context.Context, path, version string, fetch func() ([]byte, error)) ([]byte, error) {
	key := [2]string{path, version}
	c.mu.Lock()
	e, ok := c.mod[key]
	if !ok {
		e = &cacheEntry{done: make(chan struct{})}
		c.mod[key] = e
	}
	c.mu.Unlock()
	if !ok {
		e.data, e.err = fetch()
		close(e.done)
	}
	return waitEntry(ctx, e, func() ([]byte, error) { return e.data, e.err })
}

// Versions implements ModSource.
func (c *cachedSource) Versions(ctx context.Context, path string) ([]string, error) {
	c.mu.Lock()
	e, ok := c.ver[path]
	if !ok {
		e = &cacheEntry{done: make(chan struct{})}
		c.ver[path] = e
	}
	c.mu.Unlock()
	if !ok {
		e.list, e.err = c.src.Versions(ctx, path)
		close(e.done)
	}
	return waitEntry(ctx, e, func() ([]string, error) { return e.list, e.err })
}

func waitEntry[T any](ctx context.Context, e *cacheEntry, get func() (T, error)) (T, error) {
	select {
	case <-e.done:
		return get()
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
