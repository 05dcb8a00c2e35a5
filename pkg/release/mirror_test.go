package release_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govm-dev/govm/internal/testutil/fakegodev"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/release"
)

// writeMirror lays out a `govm mirror sync` directory: index.json and the archives.
func writeMirror(t *testing.T, dir string, rels []release.Release, archives map[string][]byte) {
	t.Helper()
	data, err := json.Marshal(rels)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, release.MirrorIndexName), data, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, b := range archives {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// countingFileServer serves dir over HTTP and counts requests per path.
func countingFileServer(t *testing.T, dir string) (*httptest.Server, map[string]int) {
	hits := map[string]int{}
	fsrv := http.FileServer(http.Dir(dir))
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits[r.URL.Path]++ // handlers run one at a time in these tests
		fsrv.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s, hits
}

func fetchURL(t *testing.T, client *http.Client, u string) []byte {
	t.Helper()
	if strings.HasPrefix(u, "file://") {
		p, err := release.FilePath(u)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	if _, err := bufCopy(&sb, resp); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	return []byte(sb.String())
}

func TestMirrorLayouts(t *testing.T) {
	rels, archives := fakegodev.Fixture([]string{"go1.22.5", "go1.23rc1"}, platforms)
	dir := tempdir.New(t)
	writeMirror(t, dir, rels, archives)
	files, fileHits := countingFileServer(t, dir)
	godevLike := fakegodev.New(t, rels, archives)

	for _, tc := range []struct {
		name      string
		location  string
		client    *http.Client
		indexURL  string
		urlPrefix string
	}{
		{"http index.json", files.URL + "/", files.Client(), files.URL + "/index.json", files.URL + "/"},
		{"http index.json, no slash", files.URL, files.Client(), files.URL + "/index.json", files.URL + "/"},
		{"http go.dev query", godevLike.URL() + "/dl/", godevLike.Client(), godevLike.URL() + "/dl/?mode=json&include=all", godevLike.DownloadBase()},
		{"directory", dir, nil, release.FileURL(filepath.Join(dir, "index.json")), release.FileURL(dir) + "/"},
		{"file URL", release.FileURL(dir), nil, release.FileURL(filepath.Join(dir, "index.json")), release.FileURL(dir) + "/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := release.NewMirror(tc.location, release.MirrorOptions{Client: tc.client})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			got, err := m.List(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(versions(got), " ") != "go1.23rc1 go1.22.5" {
				t.Errorf("List = %v", versions(got))
			}
			if m.IndexURL() != tc.indexURL {
				t.Errorf("IndexURL = %s, want %s", m.IndexURL(), tc.indexURL)
			}
			a, err := m.Artifact(ctx, goversion.MustParse("1.22.5"), "windows", "amd64")
			if err != nil {
				t.Fatal(err)
			}
			name := "go1.22.5.windows-amd64.zip"
			if a.URL != tc.urlPrefix+name || a.Filename != name || a.Format != release.Zip || a.Hash.Value != fakegodev.ArchiveFile(name, archives[name]).SHA256 {
				t.Errorf("Artifact = %+v", a)
			}
			if b := fetchURL(t, tc.client, a.URL); string(b) != string(archives[name]) {
				t.Errorf("%s holds %q, want the archive", a.URL, b)
			}
			if !strings.Contains(m.Name(), tc.location) {
				t.Errorf("Name %q does not show %s", m.Name(), tc.location)
			}
		})
	}
	if fileHits["/"] != 0 {
		t.Errorf("the index.json mirror was also asked the go.dev query %d times", fileHits["/"])
	}
	if n := godevLike.Hits("/dl/index.json"); n != 1 {
		t.Errorf("the go.dev-style mirror was asked for index.json %d times, want 1", n)
	}
}

func TestMirrorIndexErrors(t *testing.T) {
	rels, archives := fakegodev.Fixture([]string{"go1.22.5"}, platforms)
	t.Run("neither layout", func(t *testing.T) {
		s := fakegodev.New(t, rels, archives)
		base := s.URL() + "/nothing/"
		m, _ := release.NewMirror(base, release.MirrorOptions{Client: s.Client()})
		_, err := m.List(context.Background())
		if !errors.Is(err, release.ErrNotFound) || !strings.Contains(err.Error(), base+"index.json") || !strings.Contains(err.Error(), base+"?mode=json&include=all") {
			t.Errorf("err = %v, want ErrNotFound naming both URLs tried", err)
		}
	})
	t.Run("index.json 500 is not a layout hint", func(t *testing.T) {
		s := fakegodev.New(t, rels, archives)
		s.FailNext("/dl/index.json", 1, http.StatusInternalServerError)
		m, _ := release.NewMirror(s.URL()+"/dl/", release.MirrorOptions{Client: s.Client()})
		_, err := m.List(context.Background())
		if !errors.Is(err, release.ErrUnavailable) || s.Hits("/dl/") != 0 {
			t.Errorf("err = %v after %d go.dev queries; want ErrUnavailable and none", err, s.Hits("/dl/"))
		}
	})
	t.Run("malformed index.json", func(t *testing.T) {
		dir := tempdir.New(t)
		if err := os.WriteFile(filepath.Join(dir, "index.json"), []byte(`{"not":"a list"}`), 0o644); err != nil {
			t.Fatal(err)
		}
		m, _ := release.NewMirror(dir, release.MirrorOptions{})
		_, err := m.List(context.Background())
		if !errors.Is(err, release.ErrMalformed) || !strings.Contains(err.Error(), filepath.Join(dir, "index.json")) {
			t.Errorf("err = %v, want ErrMalformed naming the file", err)
		}
	})
	t.Run("directory without index.json", func(t *testing.T) {
		dir := tempdir.New(t)
		m, _ := release.NewMirror(dir, release.MirrorOptions{})
		_, err := m.List(context.Background())
		if !errors.Is(err, release.ErrNotFound) || !strings.Contains(err.Error(), "govm mirror sync") {
			t.Errorf("err = %v, want ErrNotFound pointing at govm mirror sync", err)
		}
	})
	t.Run("missing platform", func(t *testing.T) {
		dir := tempdir.New(t)
		writeMirror(t, dir, rels, archives)
		m, _ := release.NewMirror(dir, release.MirrorOptions{})
		_, err := m.Artifact(context.Background(), goversion.MustParse("1.22.5"), "linux", "ppc64le")
		if !errors.Is(err, release.ErrNotFound) || !strings.Contains(err.Error(), "linux/amd64") {
			t.Errorf("err = %v, want ErrNotFound listing the platforms it has", err)
		}
	})
}

func TestMirrorGoDevLayoutWorksOffline(t *testing.T) {
	// Offline, index.json is "not cached" rather than 404: the probe must
	// still go on to the cached go.dev-style index.
	rels, archives := fakegodev.Fixture([]string{"go1.22.5"}, platforms)
	s := fakegodev.New(t, rels, archives)
	cache := release.NewIndexCache(tempdir.New(t), time.Hour, nil)
	open := func() *release.Mirror {
		m, err := release.NewMirror(s.URL()+"/dl/", release.MirrorOptions{Client: s.Client(), Cache: cache})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if _, err := open().List(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := s.Hits("/dl/index.json") + s.Hits("/dl/")
	cache.Policy = release.CacheOffline
	if _, err := open().List(context.Background()); err != nil {
		t.Fatalf("offline: %v", err)
	}
	if after := s.Hits("/dl/index.json") + s.Hits("/dl/"); after != before {
		t.Errorf("offline List made %d requests", after-before)
	}
}

func TestNewMirrorRejects(t *testing.T) {
	for _, loc := range []string{"", "ftp://mirror/go", "https://mirror.example.com/go/?token=1", "https:///go"} {
		if _, err := release.NewMirror(loc, release.MirrorOptions{}); err == nil || !strings.Contains(err.Error(), loc) {
			t.Errorf("NewMirror(%q): err = %v, want an error naming it", loc, err)
		}
	}
}
