package release

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/govm-dev/govm/pkg/goversion"
)

// chain is several sources consulted in order; see NewChain.
type chain struct {
	sources []Source
}

// NewChain returns a Source over sources, in order of preference.
//
// List merges every source that answers: a release listed by several appears
// once, with the union of their files (the first source's entry wins for a
// file name listed twice). It fails only when every source fails, joining
// their errors. Artifact asks each source in turn and moves on only when one
// wraps ErrNotFound or ErrUnavailable: a verification failure or ErrInsecure
// is a reason to stop, never to quietly try somewhere less trusted.
func NewChain(sources ...Source) Source {
	return &chain{sources: slices.Clone(sources)}
}

// Name lists the chain, "proxy https://proxy.golang.org, then go.dev".
func (c *chain) Name() string {
	names := make([]string, len(c.sources))
	for i, s := range c.sources {
		names[i] = s.Name()
	}
	return strings.Join(names, ", then ")
}

// List merges the releases of every source that answers, newest first.
func (c *chain) List(ctx context.Context) ([]Release, error) {
	if len(c.sources) == 0 {
		return nil, fmt.Errorf("%w: no release source configured", ErrUnavailable)
	}
	var (
		merged []Release
		at     = map[string]int{} // version -> index in merged
		errs   []error
		ok     bool
	)
	for _, s := range c.sources {
		rs, err := s.List(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			errs = append(errs, fmt.Errorf("%s: %w", s.Name(), err))
			continue
		}
		ok = true
		for _, r := range rs {
			i, seen := at[r.Version]
			if !seen {
				at[r.Version] = len(merged)
				merged = append(merged, Release{Version: r.Version, Stable: r.Stable, Files: slices.Clone(r.Files)})
				continue
			}
			for _, f := range r.Files {
				if !slices.ContainsFunc(merged[i].Files, func(g File) bool { return g.Filename == f.Filename }) {
					merged[i].Files = append(merged[i].Files, f)
				}
			}
		}
	}
	if !ok {
		return nil, fmt.Errorf("list releases: every source failed: %w", errors.Join(errs...))
	}
	sortNewestFirst(merged)
	return merged, nil
}

// Artifact asks each source in order; see NewChain.
func (c *chain) Artifact(ctx context.Context, v goversion.Version, goos, goarch string) (Artifact, error) {
	var errs []error
	for _, s := range c.sources {
		a, err := s.Artifact(ctx, v, goos, goarch)
		if err == nil {
			return a, nil
		}
		if !isFallthrough(err) {
			return Artifact{}, err
		}
		errs = append(errs, fmt.Errorf("%s: %w", s.Name(), err))
	}
	if len(errs) == 0 {
		return Artifact{}, fmt.Errorf("%w: no release source configured", ErrUnavailable)
	}
	return Artifact{}, fmt.Errorf("%s for %s/%s: %w", v, goos, goarch, errors.Join(errs...))
}

// sortNewestFirst orders releases by Go version, newest first; entries whose
// version does not parse (a source outside our validation) go last.
func sortNewestFirst(rs []Release) {
	slices.SortStableFunc(rs, func(a, b Release) int {
		va, ea := goversion.Parse(a.Version)
		vb, eb := goversion.Parse(b.Version)
		switch {
		case ea != nil && eb != nil:
			return 0
		case ea != nil:
			return 1
		case eb != nil:
			return -1
		}
		return goversion.Compare(vb, va)
	})
}
