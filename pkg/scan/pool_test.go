package scan

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// inFlight wraps a ModSource and records the most requests it served at
// once. Each request lingers a little so that a pool that runs requests
// in parallel is seen to.
type inFlight struct {
	ModSource
	mu       sync.Mutex
	now, max int
}

func (s *inFlight) enter() func() {
	s.mu.Lock()
	s.now++
	s.max = max(s.max, s.now)
	s.mu.Unlock()
	time.Sleep(2 * time.Millisecond)
	return func() { s.mu.Lock(); s.now--; s.mu.Unlock() }
}

func (s *inFlight) GoMod(ctx context.Context, path, version string) ([]byte, error) {
	defer s.enter()()
	return s.ModSource.GoMod(ctx, path, version)
}

func (s *inFlight) Versions(ctx context.Context, path string) ([]string, error) {
	defer s.enter()()
	return s.ModSource.Versions(ctx, path)
}

func (s *inFlight) peak() int { s.mu.Lock(); defer s.mu.Unlock(); return s.max }

// The graph's fetches and the outdated check's lookups run in parallel,
// and never more at once than the limit asked for: a scan of a large
// repository must not open hundreds of connections to a company proxy.
func TestFetchesAreParallelAndBounded(t *testing.T) {
	mods, tree := generatedGraph(60)
	proxy := newFakeProxy(t, mods)
	root := tempdir.New(t)
	writeTree(t, root, tree)
	for _, limit := range []int{1, 3} {
		src := &inFlight{ModSource: proxySource(t, proxy.URL)}
		g, err := LoadGraph(context.Background(), filepath.Join(root, "main"), GraphOptions{Source: src, Concurrency: limit})
		if err != nil {
			t.Fatal(err)
		}
		if p := src.peak(); p > limit || (limit > 1 && p < 2) {
			t.Errorf("graph with Concurrency %d: %d fetches at once", limit, p)
		}
		out := &inFlight{ModSource: proxySource(t, proxy.URL)}
		if _, err := CheckOutdated(context.Background(), g, OutdatedOptions{Source: out, Concurrency: limit}); err != nil {
			t.Fatal(err)
		}
		if p := out.peak(); p > limit || (limit > 1 && p < 2) {
			t.Errorf("outdated check with Concurrency %d: %d lookups at once", limit, p)
		}
	}
}
