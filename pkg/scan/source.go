package scan

import (
	"context"
	"errors"

	"github.com/govm-dev/govm/internal/flight"
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
// files, and concurrent callers of one key share a single fetch. A fetch
// cut short by its caller's cancellation is not remembered (flight.Group),
// so a version list prefetched in the background and abandoned is fetched
// again by whoever needs it.
type cachedSource struct {
	src ModSource
	mod flight.Group[[2]string, []byte]
	ver flight.Group[string, []string]
	// fetched, when set, is called after each request to src (not for
	// answers from the cache): Scan's progress.
	fetched func()
}

// done reports one request to src.
func (c *cachedSource) done() {
	if c.fetched != nil {
		c.fetched()
	}
}

func newCachedSource(src ModSource) *cachedSource {
	if c, ok := src.(*cachedSource); ok {
		return c
	}
	c := &cachedSource{src: src}
	c.mod.Keep, c.ver.Keep = flight.KeepAll, flight.KeepAll
	return c
}

// GoMod implements ModSource.
func (c *cachedSource) GoMod(ctx context.Context, path, version string) ([]byte, error) {
	return c.mod.Do(ctx, [2]string{path, version}, func(ctx context.Context) ([]byte, error) {
		defer c.done()
		return c.src.GoMod(ctx, path, version)
	})
}

// GoModSum implements SumSource, with the plain GoMod of a source that
// cannot check go.sum hashes itself. One cache serves both: a go.mod file is
// the same whichever hash it was checked against.
func (c *cachedSource) GoModSum(ctx context.Context, path, version, goModH1 string) ([]byte, error) {
	return c.mod.Do(ctx, [2]string{path, version}, func(ctx context.Context) ([]byte, error) {
		defer c.done()
		if ss, ok := c.src.(SumSource); ok {
			return ss.GoModSum(ctx, path, version, goModH1)
		}
		return c.src.GoMod(ctx, path, version)
	})
}

// Versions implements ModSource.
func (c *cachedSource) Versions(ctx context.Context, path string) ([]string, error) {
	return c.ver.Do(ctx, path, func(ctx context.Context) ([]string, error) {
		defer c.done()
		return c.src.Versions(ctx, path)
	})
}
