package release

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// indexServer answers one document with an ETag, counting requests.
type indexServer struct {
	mu      sync.Mutex
	body    string
	etag    string
	status  int // answer this instead when non-zero
	hits    int
	inmSeen []string
}

func (s *indexServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits++
	s.inmSeen = append(s.inmSeen, r.Header.Get("If-None-Match"))
	if s.status != 0 {
		w.WriteHeader(s.status)
		return
	}
	if s.etag != "" {
		w.Header().Set("ETag", s.etag)
		if r.Header.Get("If-None-Match") == s.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Write([]byte(s.body))
}

func (s *indexServer) set(body, etag string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.etag, s.status = body, etag, status
}

func (s *indexServer) count() (int, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits, append([]string(nil), s.inmSeen...)
}

// clock is an injectable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// jsonOnly is a check that accepts JSON arrays, like ParseIndex would.
func jsonOnly(b []byte) error {
	if !strings.HasPrefix(string(b), "[") {
		return ErrMalformed
	}
	return nil
}

type cacheFixture struct {
	srv   *indexServer
	url   string
	cache *IndexCache
	clock *clock
	warns []string
	close func()
}

func newCacheFixture(t *testing.T) *cacheFixture {
	t.Helper()
	f := &cacheFixture{srv: &indexServer{body: `["v1"]`, etag: `"e1"`}, clock: &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}}
	hs := httptest.NewServer(f.srv)
	t.Cleanup(hs.Close)
	f.close = hs.Close
	f.url = hs.URL + "/dl/?mode=json&include=all"
	f.cache = NewIndexCache(tempdir.New(t), time.Hour, f.clock.now)
	return f
}

func (f *cacheFixture) fetch() (string, error) {
	b, err := f.cache.Fetch(context.Background(), nil, f.url, jsonOnly, func(m string) { f.warns = append(f.warns, m) })
	return string(b), err
}

func mustFetch(t *testing.T, f *cacheFixture, want string) {
	t.Helper()
	got, err := f.fetch()
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("Fetch = %s, want %s", got, want)
	}
}

func TestCacheServesWithinTTLWithoutNetwork(t *testing.T) {
	f := newCacheFixture(t)
	mustFetch(t, f, `["v1"]`)
	f.srv.set(`["v2"]`, `"e2"`, 0)
	f.clock.advance(59 * time.Minute)
	mustFetch(t, f, `["v1"]`)
	if n, _ := f.srv.count(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestCacheRevalidatesAfterTTL(t *testing.T) {
	f := newCacheFixture(t)
	mustFetch(t, f, `["v1"]`)

	// Unchanged: 304, the copy is reused and counts as fresh again.
	f.clock.advance(2 * time.Hour)
	mustFetch(t, f, `["v1"]`)
	f.clock.advance(30 * time.Minute)
	mustFetch(t, f, `["v1"]`)
	n, inm := f.srv.count()
	if n != 2 || inm[1] != `"e1"` {
		t.Fatalf("requests %d with If-None-Match %q, want 2 with the stored ETag on the second", n, inm)
	}

	// Changed: the new body replaces the old with its new ETag.
	f.srv.set(`["v2"]`, `"e2"`, 0)
	f.clock.advance(2 * time.Hour)
	mustFetch(t, f, `["v2"]`)
	f.clock.advance(2 * time.Hour)
	mustFetch(t, f, `["v2"]`)
	if _, inm := f.srv.count(); inm[len(inm)-1] != `"e2"` {
		t.Errorf("last If-None-Match %q, want the new ETag", inm[len(inm)-1])
	}
	if len(f.warns) != 0 {
		t.Errorf("warnings: %q", f.warns)
	}
}

func TestCacheWithoutETagRefetches(t *testing.T) {
	f := newCacheFixture(t)
	f.srv.set(`["v1"]`, "", 0)
	mustFetch(t, f, `["v1"]`)
	f.srv.set(`["v2"]`, "", 0)
	f.clock.advance(2 * time.Hour)
	mustFetch(t, f, `["v2"]`)
	if _, inm := f.srv.count(); inm[1] != "" {
		t.Errorf("If-None-Match %q sent without a stored ETag", inm[1])
	}
}

func TestCacheFallsBackWhenUnreachable(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(f *cacheFixture)
	}{
		{"server error", func(f *cacheFixture) { f.srv.set("", "", http.StatusBadGateway) }},
		{"connection refused", func(f *cacheFixture) { f.close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newCacheFixture(t)
			mustFetch(t, f, `["v1"]`)
			tc.break_(f)
			f.clock.advance(3*24*time.Hour + time.Hour)
			mustFetch(t, f, `["v1"]`)
			if len(f.warns) != 1 || !strings.Contains(f.warns[0], "using the release index cached 3 days ago") ||
				!strings.Contains(f.warns[0], "127.0.0.1") || !strings.Contains(f.warns[0], "unreachable") {
				t.Errorf("warnings = %q", f.warns)
			}

			// Fresh forbids the stale copy: the caller gets the failure.
			f.cache.Policy = CacheFresh
			if _, err := f.fetch(); !errors.Is(err, ErrUnavailable) {
				t.Errorf("Fresh with the server down: err = %v, want ErrUnavailable", err)
			}
		})
	}
}

func TestCacheDoesNotHideNotFoundOrMalformed(t *testing.T) {
	f := newCacheFixture(t)
	mustFetch(t, f, `["v1"]`)
	f.clock.advance(2 * time.Hour)
	f.srv.set("", "", http.StatusNotFound)
	if _, err := f.fetch(); !errors.Is(err, ErrNotFound) {
		t.Errorf("404 after TTL: err = %v, want ErrNotFound", err)
	}
	f.srv.set("<html>", `"e9"`, 0)
	if _, err := f.fetch(); !errors.Is(err, ErrMalformed) {
		t.Errorf("HTML after TTL: err = %v, want ErrMalformed", err)
	}
	// The bad answer was not stored: offline, the good copy is still there.
	f.cache.Policy = CacheOffline
	mustFetch(t, f, `["v1"]`)
}

func TestCacheFreshAsksTheNetworkWithinTTL(t *testing.T) {
	f := newCacheFixture(t)
	mustFetch(t, f, `["v1"]`)
	f.cache.Policy = CacheFresh
	f.srv.set(`["v2"]`, `"e2"`, 0)
	mustFetch(t, f, `["v2"]`)
}

func TestCacheOffline(t *testing.T) {
	f := newCacheFixture(t)
	f.cache.Policy = CacheOffline
	_, err := f.fetch()
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), f.url) {
		t.Errorf("offline without a copy: err = %v, want ErrUnavailable naming the URL", err)
	}
	f.cache.Policy = CacheNormal
	mustFetch(t, f, `["v1"]`)
	f.cache.Policy = CacheOffline
	f.clock.advance(30 * 24 * time.Hour)
	mustFetch(t, f, `["v1"]`)
	if n, _ := f.srv.count(); n != 1 {
		t.Errorf("%d requests, want 1: offline must not use the network", n)
	}
}

func TestCacheIgnoresCorruptFiles(t *testing.T) {
	for _, tc := range []struct {
		name    string
		corrupt func(data []byte) []byte
	}{
		{"garbage", func([]byte) []byte { return []byte("\x00\x01not json") }},
		{"truncated", func(d []byte) []byte { return d[:len(d)/2] }},
		{"empty", func([]byte) []byte { return nil }},
		{"no header", func(d []byte) []byte { _, body, _ := bytes.Cut(d, []byte("\n")); return body }},
		{"body changed", func(d []byte) []byte { return bytes.Replace(d, []byte(`["v1"]`), []byte(`["v0"]`), 1) }},
		{"fails check", func(d []byte) []byte {
			// A consistent entry (matching digest) whose body is not an index.
			header, _, _ := bytes.Cut(d, []byte("\n"))
			var e cacheEntry
			if err := json.Unmarshal(header, &e); err != nil {
				panic(err)
			}
			sum := sha256.Sum256([]byte("<html>"))
			e.SHA256 = hex.EncodeToString(sum[:])
			out, _ := json.Marshal(e)
			return append(append(out, '\n'), "<html>"...)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newCacheFixture(t)
			mustFetch(t, f, `["v1"]`)
			p := f.cache.path(f.url)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, tc.corrupt(data), 0o644); err != nil {
				t.Fatal(err)
			}
			f.srv.set(`["v2"]`, `"e2"`, 0)
			mustFetch(t, f, `["v2"]`)
			if n, _ := f.srv.count(); n != 2 {
				t.Errorf("%d requests, want 2 (the corrupt copy refetched)", n)
			}
		})
	}
}

func TestCacheLeavesOnlyEntries(t *testing.T) {
	f := newCacheFixture(t)
	mustFetch(t, f, `["v1"]`)
	f.clock.advance(2 * time.Hour)
	mustFetch(t, f, `["v1"]`)
	entries, err := os.ReadDir(f.cache.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || filepath.Ext(entries[0].Name()) != ".json" || strings.HasPrefix(entries[0].Name(), ".") {
		t.Errorf("cache dir holds %v, want one entry and no temporary files", entries)
	}
}

func TestCacheWriteFailureOnlyWarns(t *testing.T) {
	f := newCacheFixture(t)
	// A file where the cache directory should be makes every write fail.
	blocker := filepath.Join(tempdir.New(t), "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	f.cache.dir = filepath.Join(blocker, "cache")
	mustFetch(t, f, `["v1"]`)
	if len(f.warns) != 1 || !strings.Contains(f.warns[0], "could not cache") {
		t.Errorf("warnings = %q", f.warns)
	}
}

func TestHumanAge(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{10 * time.Second, "less than a minute ago"},
		{time.Minute, "1 minute ago"},
		{59 * time.Minute, "59 minutes ago"},
		{time.Hour, "1 hour ago"},
		{47 * time.Hour, "47 hours ago"},
		{48 * time.Hour, "2 days ago"},
		{75 * time.Hour, "3 days ago"},
	} {
		if got := humanAge(tc.d); got != tc.want {
			t.Errorf("humanAge(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// BenchmarkIndexCacheHit is the cost of a run within the TTL: read, decode
// and check a cached index of go.dev's size (no parse; check is a no-op).
func BenchmarkIndexCacheHit(b *testing.B) {
	body := []byte("[" + strings.Repeat(`{"version":"go1.22.5","files":[]},`, 80000) + "{}]")
	srv := &indexServer{body: string(body), etag: `"e"`}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	c := NewIndexCache(tempdir.New(b), time.Hour, nil)
	ctx := context.Background()
	none := func([]byte) error { return nil }
	if _, err := c.Fetch(ctx, nil, hs.URL, none, nil); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := c.Fetch(ctx, nil, hs.URL, none, nil); err != nil {
			b.Fatal(err)
		}
	}
	if n, _ := srv.count(); n != 1 {
		b.Fatalf("%d requests, want 1", n)
	}
}
