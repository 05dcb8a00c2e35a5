package scan

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
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

func TestProxySourceErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/example.com/gone/@v/list":
			http.Error(w, "gone", http.StatusGone)
		case "/example.com/!upper/@v/list":
			_, _ = w.Write([]byte("v1.0.0\nv1.1.0\n"))
		default:
			http.Error(w, "boom", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	p := &ProxySource{BaseURL: srv.URL + "/", Client: srv.Client()}
	ctx := context.Background()
	if _, err := p.Versions(ctx, "example.com/gone"); !errors.Is(err, ErrNotFound) {
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

func TestProxySourcesFromEnv(t *testing.T) {
	got := ProxySourcesFromEnv("https://a.example,https://b.example|direct,https://never.example", nil)
	if len(got) != 2 || got[0].(*ProxySource).BaseURL != "https://a.example" || got[1].(*ProxySource).BaseURL != "https://b.example" {
		t.Errorf("got %+v", got)
	}
	if len(ProxySourcesFromEnv("off", nil)) != 0 {
		t.Error("GOPROXY=off yields sources")
	}
}

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
