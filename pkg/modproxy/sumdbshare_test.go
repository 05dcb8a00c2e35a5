package modproxy

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/govm-dev/govm/internal/testutil/fakeproxy"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// recorder is an http.RoundTripper that counts requests by URL path and
// can hold some back until something else has been asked for.
type recorder struct {
	base http.RoundTripper
	// hold, when set, runs before a request is sent; an error fails it.
	hold func(*http.Request) error

	mu    sync.Mutex
	paths map[string]int
	seen  map[string]chan struct{} // closed once a path with this suffix was asked for
}

func newRecorder(base http.RoundTripper) *recorder {
	return &recorder{base: base, paths: map[string]int{}, seen: map[string]chan struct{}{}}
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.paths[req.URL.Path]++
	for suffix, ch := range r.seen {
		if strings.HasSuffix(req.URL.Path, suffix) {
			select {
			case <-ch:
			default:
				close(ch)
			}
		}
	}
	r.mu.Unlock()
	if r.hold != nil {
		if err := r.hold(req); err != nil {
			return nil, err
		}
	}
	return r.base.RoundTrip(req)
}

// asked returns a channel closed once a request path ends with suffix.
func (r *recorder) asked(suffix string) <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[suffix] == nil {
		r.seen[suffix] = make(chan struct{})
	}
	return r.seen[suffix]
}

func (r *recorder) count(substr string) (total, most int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for p, n := range r.paths {
		if strings.Contains(p, substr) {
			total += n
			most = max(most, n)
		}
	}
	return total, most
}

// addModules publishes n more modules, example.com/dep0 ... dep<n-1>.
func (f *fixture) addModules(n int) []string {
	var paths []string
	for i := range n {
		p := fmt.Sprintf("example.com/dep%d", i)
		f.fake.AddModule(p, "v1.0.0", []byte("module "+p+"\n"))
		paths = append(paths, p)
	}
	return paths
}

// Lookups running at once share the tiles they need instead of each
// downloading them; every lookup still verifies what it gets.
func TestConcurrentLookupsFetchEachTileOnce(t *testing.T) {
	for _, cacheDir := range []bool{false, true} {
		t.Run(fmt.Sprintf("cache dir %v", cacheDir), func(t *testing.T) {
			f := newFixture(t)
			paths := f.addModules(12)
			rec := newRecorder(f.fake.Client().Transport)
			cfg := f.config()
			cfg.HTTPClient = &http.Client{Transport: rec}
			if cacheDir {
				cfg.CacheDir = tempdir.New(t)
			}
			c := f.client(t, cfg)
			var wg sync.WaitGroup
			for _, p := range paths {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, _, err := c.Lookup(context.Background(), p, "v1.0.0"); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			total, most := rec.count("/tile/")
			if total == 0 || most != 1 {
				t.Errorf("tile requests: %d in all, at most %d of one path; want every tile fetched once", total, most)
			}
			// A later lookup in the same process (the tree has not grown)
			// needs the same tile and finds it without a request.
			before, _ := rec.count("/tile/")
			if _, _, err := c.Lookup(context.Background(), modPath, "v1.0.0"); err != nil {
				t.Fatal(err)
			}
			if after, _ := rec.count("/tile/"); after != before {
				t.Errorf("a lookup after the others fetched %d tiles again", after-before)
			}
		})
	}
}

// A tile download that failed is not remembered: the next lookup asks again.
func TestFailedTileDownloadIsRetried(t *testing.T) {
	f := newFixture(t)
	rec := newRecorder(f.fake.Client().Transport)
	failed := false
	var mu sync.Mutex
	rec.hold = func(req *http.Request) error {
		mu.Lock()
		defer mu.Unlock()
		if strings.Contains(req.URL.Path, "/tile/") && !failed {
			failed = true
			return errors.New("connection reset")
		}
		return nil
	}
	cfg := f.config()
	cfg.HTTPClient = &http.Client{Transport: rec}
	c := f.client(t, cfg)
	if _, _, err := c.Lookup(context.Background(), modPath, "v1.0.0"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Lookup with the tile download failing = %v, want ErrUnavailable", err)
	}
	if _, _, err := c.Lookup(context.Background(), modPath, "v1.0.0"); err != nil {
		t.Fatalf("Lookup after the failure: %v", err)
	}
}

// DirCache.Put does not sync, so a crash can leave an entry empty or
// short; such an entry must be downloaded again, not fail every lookup.
func TestDamagedCacheEntriesAreMisses(t *testing.T) {
	tests := []struct {
		name   string
		kind   string // path element of the entries to damage
		damage func([]byte) []byte
	}{
		{"empty record", "/lookup/", func([]byte) []byte { return nil }},
		{"truncated record", "/lookup/", func(b []byte) []byte { return b[:len(b)/2] }},
		{"empty tile", "/tile/", func([]byte) []byte { return nil }},
		{"short tile", "/tile/", func(b []byte) []byte { return b[:len(b)-1] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			cfg := f.config()
			cfg.CacheDir = tempdir.New(t)
			ctx := context.Background()
			if _, _, err := f.client(t, cfg).Lookup(ctx, modPath, "v1.0.0"); err != nil {
				t.Fatal(err)
			}
			root := filepath.Join(cfg.CacheDir, "cache", "sumdb")
			damaged := 0
			err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.Contains(filepath.ToSlash(p), tt.kind) {
					return err
				}
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				damaged++
				return os.WriteFile(p, tt.damage(data), 0o644)
			})
			if err != nil || damaged == 0 {
				t.Fatalf("damaging %s entries: %d damaged, %v", tt.kind, damaged, err)
			}
			before := f.fake.HitsMatching(tt.kind)
			h1, _, err := f.client(t, cfg).Lookup(ctx, modPath, "v1.0.0")
			if err != nil {
				t.Fatalf("Lookup over damaged cache entries: %v", err)
			}
			if h1 == "" || f.fake.HitsMatching(tt.kind) == before {
				t.Errorf("Lookup = %q without downloading the damaged entries again", h1)
			}
		})
	}
}

func TestWellFormedEntry(t *testing.T) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "sum.example")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := note.Sign(&note.Note{Text: string(tlog.FormatTree(tlog.Tree{N: 6}))}, signer)
	if err != nil {
		t.Fatal(err)
	}
	record := append([]byte("5\nexample.com/m v1.0.0 h1:x=\n\n"), tree...)
	db := SumDB{Name: "sum.example", Key: vkey}
	tile := make([]byte, 3*32)
	tests := []struct {
		file string
		data []byte
		want bool
	}{
		{"sum.example/tile/8/0/000.p/3", tile, true},
		{"sum.example/tile/8/0/000.p/3", tile[:64], false},
		{"sum.example/tile/8/0/000", tile, false}, // a full tile holds 256 hashes
		{"sum.example/tile/8/0/000", make([]byte, 256*32), true},
		{"sum.example/tile/8/data/000.p/3", []byte("records"), true},
		{"sum.example/tile/8/data/000.p/3", nil, false},
		{"sum.example/tile/8/0/not-a-tile", tile, false},
		{"sum.example/lookup/example.com/m@v1.0.0", record, true},
		{"sum.example/lookup/example.com/m@v1.0.0", record[:len(record)-10], false},
		{"sum.example/lookup/example.com/m@v1.0.0", record[:8], false},
		{"other.example/tile/8/0/000.p/3", tile, false},
		{"sum.example/latest", tree, false},
	}
	for _, tt := range tests {
		if got := wellFormedEntry(db, tt.file, tt.data); got != tt.want {
			t.Errorf("wellFormedEntry(%s, %d bytes) = %v, want %v", tt.file, len(tt.data), got, tt.want)
		}
	}
}

// GoMod downloads the go.mod while the checksum database lookup runs: the
// lookup's first request is held until the go.mod has been asked for, so
// a GoMod that waited for the lookup first would time out here.
func TestGoModDownloadOverlapsLookup(t *testing.T) {
	f := newFixture(t)
	rec := newRecorder(f.fake.Client().Transport)
	modAsked := rec.asked("/example.com/m/@v/v1.0.0.mod")
	rec.hold = func(req *http.Request) error {
		if !strings.Contains(req.URL.Path, "/lookup/") {
			return nil
		}
		select {
		case <-modAsked:
			return nil
		case <-time.After(10 * time.Second):
			return errors.New("the go.mod was not asked for while the lookup ran")
		}
	}
	cfg := f.config()
	cfg.HTTPClient = &http.Client{Transport: rec}
	data, err := f.client(t, cfg).GoMod(context.Background(), modPath, "v1.0.0")
	if err != nil || string(data) != modGoMod {
		t.Fatalf("GoMod = %q, %v", data, err)
	}
	// A go.mod the database has no record of is never returned, even
	// though it was downloaded.
	zip, err := fakeproxy.ModuleZip(fakeproxy.ModulePrefix("go1.99.0", "linux", "amd64"), map[string]fakeproxy.FileSpec{"VERSION": {Data: []byte("go1.99.0\n")}})
	if err != nil {
		t.Fatal(err)
	}
	f.fake.AddUnrecorded("go1.99.0", "linux", "amd64", zip)
	rec.hold = nil
	unrecorded := fakeproxy.ModuleVersion("go1.99.0", "linux", "amd64")
	if data, err := f.client(t, cfg).GoMod(context.Background(), toolchain, unrecorded); !errors.Is(err, ErrNotFound) {
		t.Errorf("GoMod of a version the database does not know = %q, %v; want ErrNotFound", data, err)
	}
	// The download started alongside the lookup is cancelled when the
	// lookup fails, so it may or may not have reached the proxy; it is
	// never retried.
	if n := f.fake.Hits("/" + toolchain + "/@v/" + unrecorded + ".mod"); n > 1 {
		t.Errorf("its go.mod was downloaded %d times, want at most 1 (alongside the lookup)", n)
	}
}

func TestDirCachePut(t *testing.T) {
	dir := tempdir.New(t)
	c := DirCache(dir)
	for _, data := range []string{"first", "second"} {
		if err := c.Put("mod/example.com/m/@v/v1.0.0.mod", []byte(data)); err != nil {
			t.Fatal(err)
		}
		if got, err := c.Get("mod/example.com/m/@v/v1.0.0.mod"); err != nil || string(got) != data {
			t.Fatalf("Get after Put(%q) = %q, %v", data, got, err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, "mod", "example.com", "m", "@v"))
	if err != nil || len(entries) != 1 {
		t.Errorf("directory holds %v (%v), want only the entry, no temporary files", entries, err)
	}
	if err := c.Put("../escape", []byte("x")); err == nil {
		t.Errorf("Put outside the directory succeeded")
	}
}
