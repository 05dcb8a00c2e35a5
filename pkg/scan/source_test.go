package scan

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/modproxy"
)

// The module cache the real go command fills is a complete offline source:
// after `go list -m all` has run, the graph computed from the cache alone
// must equal its output.
func TestModCacheSourceAfterGoList(t *testing.T) {
	fx := loadFixture(t, "../../testdata/scan/graph/diamond.txtar")
	proxy := newFakeProxy(t, fx.mods)
	root := tempdir.New(t)
	writeTree(t, root, fx.tree)
	home := tempdir.New(t)
	want, ok := goListMIn(t, home, filepath.Join(root, "main"), proxy.URL, "off", false)
	if !ok {
		t.Fatal(want)
	}
	cache := filepath.Join(home, "modcache")
	g, err := LoadGraph(context.Background(), filepath.Join(root, "main"), GraphOptions{Source: ModCacheSource{Dir: cache}, GoWork: "off"})
	if err != nil {
		t.Fatal(err)
	}
	if got := g.ListM(); got != want {
		t.Errorf("from the module cache:\n%s\nwant:\n%s", got, want)
	}
	vs, err := ModCacheSource{Dir: cache}.Versions(context.Background(), "example.com/c")
	if err != nil || len(vs) == 0 {
		t.Errorf("cached versions of example.com/c: %v, %v", vs, err)
	}
	if _, err := (ModCacheSource{Dir: cache}).GoMod(context.Background(), "example.com/never", "v1.0.0"); !errors.Is(err, ErrNotFound) {
		t.Errorf("absent module: err = %v, want ErrNotFound", err)
	}
}

func TestModProxySourceErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/example.com/gone/@v/list":
			http.Error(w, "gone", http.StatusGone)
		case "/example.com/!upper/@v/list":
			_, _ = w.Write([]byte("v1.0.0\nv1.1.0\n"))
		case "/example.com/ok/@v/v1.0.0.mod":
			_, _ = w.Write([]byte("module example.com/ok\n"))
		default:
			http.Error(w, "boom", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	p := proxySource(t, srv.URL+"/")
	ctx := context.Background()
	if _, err := p.Versions(ctx, "example.com/gone"); !errors.Is(err, ErrNotFound) || !errors.Is(err, modproxy.ErrNotFound) {
		t.Errorf("410: err = %v, want ErrNotFound", err)
	}
	if _, err := p.GoMod(ctx, "example.com/x", "v1.0.0"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("500: err = %v, want ErrUnavailable", err)
	}
	if vs, err := p.Versions(ctx, "example.com/Upper"); err != nil || len(vs) != 2 {
		t.Errorf("escaped path: %v %v", vs, err)
	}
	if _, err := p.GoMod(ctx, "example.com/x", "not a version"); err == nil {
		t.Error("accepted an invalid version")
	}
	good, _ := HashGoMod([]byte("module example.com/ok\n"))
	if data, err := p.GoModSum(ctx, "example.com/ok", "v1.0.0", good); err != nil || string(data) != "module example.com/ok\n" {
		t.Errorf("go.mod matching its go.sum hash: %q %v", data, err)
	}
	if _, err := p.GoModSum(ctx, "example.com/ok", "v1.0.0", "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="); !errors.Is(err, ErrChecksum) {
		t.Errorf("go.mod not matching its go.sum hash: err = %v, want ErrChecksum", err)
	}
}

// A module cache in front of the proxy answers go.mod files without a
// request, but version lists still come from the proxy.
func TestModProxySourceReadsModCacheFirst(t *testing.T) {
	var requests []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests = append(requests, r.URL.Path)
		if r.URL.Path == "/example.com/a/@v/list" {
			_, _ = w.Write([]byte("v1.0.0\nv1.1.0\n"))
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	cache := tempdir.New(t)
	dir := filepath.Join(cache, "cache", "download", "example.com", "a", "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "v1.0.0.mod"), []byte("module example.com/a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "list"), []byte("v1.0.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := proxySource(t, srv.URL)
	p.ModCache = cache
	ctx := context.Background()
	if data, err := p.GoMod(ctx, "example.com/a", "v1.0.0"); err != nil || string(data) != "module example.com/a\n" {
		t.Errorf("cached go.mod: %q %v", data, err)
	}
	if vs, err := p.Versions(ctx, "example.com/a"); err != nil || len(vs) != 2 {
		t.Errorf("versions = %v, %v; want the proxy's two, not the cache's one", vs, err)
	}
	if _, err := p.GoMod(ctx, "example.com/a", "v1.1.0"); !errors.Is(err, ErrNotFound) {
		t.Errorf("uncached go.mod missing on the proxy: err = %v, want ErrNotFound", err)
	}
	if len(requests) != 2 {
		t.Errorf("requests = %v, want the list and the uncached go.mod only", requests)
	}
}

func TestSourcesFallThroughOnlyOnNotFound(t *testing.T) {
	ctx := context.Background()
	first := memSource{modV("a", "v1.0.0"): []byte("module a\n")}
	second := memSource{modV("b", "v1.0.0"): []byte("module b\n")}
	chain := Sources{first, second}
	if data, err := chain.GoMod(ctx, "b", "v1.0.0"); err != nil || string(data) != "module b\n" {
		t.Errorf("fall through: %q %v", data, err)
	}
	if _, err := chain.GoMod(ctx, "c", "v1.0.0"); !errors.Is(err, ErrNotFound) {
		t.Errorf("absent everywhere: err = %v", err)
	}
	broken := Sources{failing{}, second}
	if _, err := broken.GoMod(ctx, "b", "v1.0.0"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("an unavailable source must not be skipped silently: err = %v", err)
	}
}

type failing struct{}

func (failing) GoMod(context.Context, string, string) ([]byte, error) { return nil, ErrUnavailable }
func (failing) Versions(context.Context, string) ([]string, error)    { return nil, ErrUnavailable }

// countingSource counts calls to tell cache hits from fetches.
type countingSource struct {
	memSource
	mu    sync.Mutex
	calls int
}

func (c *countingSource) GoMod(ctx context.Context, path, version string) ([]byte, error) {
	c.mu.Lock()
	c.calls++
	c.mu.Unlock()
	return c.memSource.GoMod(ctx, path, version)
}

func TestCachedSourceFetchesOnce(t *testing.T) {
	src := &countingSource{memSource: memSource{modV("a", "v1.0.0"): []byte("module a\n")}}
	c := newCachedSource(src)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.GoMod(context.Background(), "a", "v1.0.0"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if src.calls != 1 {
		t.Errorf("%d fetches for one go.mod, want 1", src.calls)
	}
	if newCachedSource(c) != c {
		t.Error("wrapping a cache again adds a layer")
	}
}

// sumRecorder is a SumSource that records which hash each go.mod was
// requested with ("" for plain GoMod).
type sumRecorder struct {
	memSource
	mu   sync.Mutex
	used map[string]string
}

func (s *sumRecorder) GoMod(ctx context.Context, path, version string) ([]byte, error) {
	s.record(path+"@"+version, "")
	return s.memSource.GoMod(ctx, path, version)
}

func (s *sumRecorder) GoModSum(ctx context.Context, path, version, h1 string) ([]byte, error) {
	s.record(path+"@"+version, h1)
	return s.memSource.GoMod(ctx, path, version)
}

func (s *sumRecorder) record(key, h1 string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.used[key] = h1
}

// The graph hands go.sum's hash to a source that can check it (so no
// checksum database lookup is needed) and asks plainly for the rest.
func TestLoadGraphPassesGoSumHashToSumSource(t *testing.T) {
	fx := loadFixture(t, "../../testdata/scan/graph/chain.txtar")
	bMod := fx.mods[modV("example.com/b", "v1.0.0")]
	if bMod == nil {
		t.Fatal("fixture has no example.com/b v1.0.0")
	}
	h, err := HashGoMod(bMod)
	if err != nil {
		t.Fatal(err)
	}
	root := tempdir.New(t)
	fx.tree["main/go.sum"] = []byte("example.com/b v1.0.0/go.mod " + h + "\n")
	writeTree(t, root, fx.tree)
	src := &sumRecorder{memSource: memSource(fx.mods), used: map[string]string{}}
	if _, err := LoadGraph(context.Background(), filepath.Join(root, "main"), GraphOptions{Source: src}); err != nil {
		t.Fatal(err)
	}
	if got := src.used["example.com/b@v1.0.0"]; got != h {
		t.Errorf("example.com/b@v1.0.0 fetched with hash %q, want go.sum's %q", got, h)
	}
	for key, h1 := range src.used {
		if key != "example.com/b@v1.0.0" && h1 != "" {
			t.Errorf("%s fetched with hash %q, but go.sum has no line for it", key, h1)
		}
	}
	if len(src.used) < 2 {
		t.Errorf("only %d go.mod files fetched; the chain fixture has more", len(src.used))
	}
}

func TestCachedSourceForwardsGoModSum(t *testing.T) {
	ctx := context.Background()
	rec := &sumRecorder{memSource: memSource{modV("a", "v1.0.0"): []byte("module a\n")}, used: map[string]string{}}
	c := newCachedSource(rec)
	if _, err := c.GoModSum(ctx, "a", "v1.0.0", "h1:x"); err != nil {
		t.Fatal(err)
	}
	if rec.used["a@v1.0.0"] != "h1:x" {
		t.Errorf("hash reaching the source = %q, want h1:x", rec.used["a@v1.0.0"])
	}
	// Without SumSource the plain GoMod answers.
	plain := newCachedSource(memSource{modV("a", "v1.0.0"): []byte("module a\n")})
	if data, err := plain.GoModSum(ctx, "a", "v1.0.0", "h1:x"); err != nil || string(data) != "module a\n" {
		t.Errorf("plain source: %q %v", data, err)
	}
}
