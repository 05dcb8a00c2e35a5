package scan

import (
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/mod/module"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// generatedGraph builds a deterministic graph of n modules, two versions
// each, every module requiring up to three later ones, a quarter of them
// unpruned (go 1.16), plus a main go.mod requiring the first few.
func generatedGraph(n int) (map[module.Version][]byte, map[string][]byte) {
	return generatedGraphSeed(n, 42)
}

func generatedGraphSeed(n int, seed int64) (map[module.Version][]byte, map[string][]byte) {
	rng := rand.New(rand.NewSource(seed))
	mods := map[module.Version][]byte{}
	name := func(i int) string { return fmt.Sprintf("example.com/gen/m%03d", i) }
	for i := 0; i < n; i++ {
		for _, v := range []string{"v1.0.0", "v1.1.0"} {
			gv := "1.21"
			if rng.Intn(4) == 0 {
				gv = "1.16"
			}
			text := fmt.Sprintf("module %s\n\ngo %s\n", name(i), gv)
			for k := 0; k < 3 && i+1 < n; k++ {
				j := i + 1 + rng.Intn(min(20, n-i-1))
				text += fmt.Sprintf("require %s v1.%d.0\n", name(j), rng.Intn(2))
			}
			mods[module.Version{Path: name(i), Version: v}] = []byte(text)
		}
	}
	main := "module example.com/gen/main\n\ngo 1.21\n"
	for i := 0; i < 30; i++ {
		main += fmt.Sprintf("require %s v1.0.0\n", name(i*(n/30)))
	}
	return mods, map[string][]byte{"main/go.mod": []byte(main)}
}

// TestGeneratedGraphMatchesGoListM is the oracle on a graph too large to
// reason about by hand.
func TestGeneratedGraphMatchesGoListM(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command over 300 modules")
	}
	for _, seed := range []int64{42, 7} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			mods, tree := generatedGraphSeed(300, seed)
			proxy := newFakeProxy(t, mods)
			oracle, root := tempdir.New(t), tempdir.New(t)
			writeTree(t, oracle, tree)
			writeTree(t, root, tree)
			want, ok := goListM(t, filepath.Join(oracle, "main"), proxy.URL, "", false)
			if !ok {
				t.Fatalf("go list -m all: %s", want)
			}
			g, err := LoadGraph(context.Background(), filepath.Join(root, "main"), GraphOptions{Source: proxySource(t, proxy.URL)})
			if err != nil {
				t.Fatal(err)
			}
			if got := g.ListM(); got != want {
				t.Errorf("graph differs from go list -m all\ngot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func BenchmarkGraph(b *testing.B) {
	mods, tree := generatedGraph(300)
	root := tempdir.New(b)
	writeTree(b, root, tree)
	src := memSource(mods)
	dir := filepath.Join(root, "main")
	b.ReportAllocs()
	for b.Loop() {
		g, err := LoadGraph(context.Background(), dir, GraphOptions{Source: src})
		if err != nil {
			b.Fatal(err)
		}
		if len(g.Modules) < 100 {
			b.Fatalf("only %d modules", len(g.Modules))
		}
	}
}

// latencySource answers like a remote module proxy: every version list
// after list, every go.mod after mod.
type latencySource struct {
	ModSource
	list, mod time.Duration
}

func (s latencySource) Versions(ctx context.Context, path string) ([]string, error) {
	if err := sleepCtx(ctx, s.list); err != nil {
		return nil, err
	}
	return s.ModSource.Versions(ctx, path)
}

func (s latencySource) GoMod(ctx context.Context, path, version string) ([]byte, error) {
	if err := sleepCtx(ctx, s.mod); err != nil {
		return nil, err
	}
	return s.ModSource.GoMod(ctx, path, version)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// BenchmarkScanOutdated is `govm scan --outdated` on a generated graph
// against a source with a proxy's latency, so that what it measures is how
// well the requests overlap: the version lists with each other and with
// the go.mod files read beyond the pruning horizon.
func BenchmarkScanOutdated(b *testing.B) {
	mods, tree := generatedGraph(300)
	root := tempdir.New(b)
	writeTree(b, root, tree)
	src := latencySource{ModSource: memSource(mods), list: 20 * time.Millisecond, mod: 2 * time.Millisecond}
	dir := filepath.Join(root, "main")
	for b.Loop() {
		r, err := Scan(context.Background(), Options{Dir: dir, Source: src, Outdated: true})
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Outdated) == 0 {
			b.Fatal("nothing outdated in a graph that requires old versions")
		}
	}
}
