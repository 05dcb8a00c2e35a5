package mirror

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/fakegodev"
	"github.com/govm-dev/govm/internal/testutil/faketoolchain"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/install"
	"github.com/govm-dev/govm/pkg/release"
	"github.com/govm-dev/govm/pkg/store"
)

var host = Platform{runtime.GOOS, runtime.GOARCH}

// upstream is a fake go.dev with real (small) archives for the host.
func upstream(t *testing.T, versions ...string) *fakegodev.Server {
	t.Helper()
	var rels []release.Release
	files := map[string][]byte{}
	for _, v := range versions {
		name, data := faketoolchain.GoDevArchive(t, v, host.OS, host.Arch)
		files[name] = data
		rels = append([]release.Release{fakegodev.NewRelease(v, fakegodev.ArchiveFile(name, data))}, rels...)
	}
	return fakegodev.New(t, rels, files)
}

func goDev(s *fakegodev.Server) release.Source {
	return release.NewGoDev(release.GoDevOptions{IndexURL: s.IndexURL(), DownloadBase: s.DownloadBase(), Client: s.Client()})
}

func request(t *testing.T, s string) goversion.Request {
	t.Helper()
	r, err := goversion.ParseRequest(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func syncDir(t *testing.T, src release.Source, dir, versions string) Result {
	t.Helper()
	res, err := Sync(context.Background(), Options{Dir: dir, Source: src, Versions: request(t, versions), Platforms: []Platform{host}, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func installFrom(t *testing.T, src release.Source, version string) (install.Result, error) {
	t.Helper()
	root := tempdir.New(t)
	in := &install.Installer{Source: src, Store: store.New(filepath.Join(root, "versions")), DownloadDir: filepath.Join(root, "dl"), Retries: -1}
	v, err := goversion.Parse(version)
	if err != nil {
		t.Fatal(err)
	}
	return in.Install(context.Background(), v, "", "", false)
}

// TestSyncThenInstallOverHTTP serves the mirror with a plain static file
// server and installs from it: upstream sees no request during the install,
// and the file server sees only the index and the archive.
func TestSyncThenInstallOverHTTP(t *testing.T) {
	up := upstream(t, "go1.22.4", "go1.22.5")
	dir := tempdir.New(t)
	res := syncDir(t, goDev(up), dir, "1.22")
	if len(res.Added) != 2 {
		t.Fatalf("added %v, want two archives", res.Added)
	}
	before := up.HitsMatching("")

	var mu sync.Mutex
	var paths []string
	fs := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		fs.ServeHTTP(w, r)
	}))
	defer srv.Close()
	m, err := release.NewMirror(srv.URL+"/", release.MirrorOptions{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	r, err := installFrom(t, m, "go1.22.5")
	if err != nil {
		t.Fatal(err)
	}
	if r.Hash.Kind != release.SHA256 {
		t.Errorf("installed with hash %v, want the mirror index's sha256", r.Hash)
	}
	if n := up.HitsMatching(""); n != before {
		t.Errorf("upstream saw %d requests during the install, want 0", n-before)
	}
	name, _ := faketoolchain.GoDevArchive(t, "go1.22.5", host.OS, host.Arch)
	for _, p := range paths {
		if p != "/index.json" && p != "/"+name {
			t.Errorf("file server was asked for %s", p)
		}
	}
}

func TestSyncIsIncremental(t *testing.T) {
	up := upstream(t, "go1.22.4", "go1.22.5")
	dir := tempdir.New(t)
	syncDir(t, goDev(up), dir, "1.22.4")
	dl := up.HitsMatching("/dl/")
	res := syncDir(t, goDev(up), dir, "1.22")
	if len(res.Added) != 1 || len(res.Present) != 1 {
		t.Fatalf("second sync added %v, present %v; want one of each", res.Added, res.Present)
	}
	if got := up.HitsMatching("/dl/") - dl; got != 1 {
		t.Errorf("second sync downloaded %d archives, want 1", got)
	}
	rels, err := release.ParseIndex(mustRead(t, filepath.Join(dir, "index.json")), "index.json")
	if err != nil || len(rels) != 2 || rels[0].Version != "go1.22.5" {
		t.Fatalf("index %v (%v), want go1.22.5 then go1.22.4", rels, err)
	}
}

func TestTamperedUpstreamIsNotPublished(t *testing.T) {
	up := upstream(t, "go1.22.5")
	name, _ := faketoolchain.GoDevArchive(t, "go1.22.5", host.OS, host.Arch)
	up.Tamper(name)
	dir := tempdir.New(t)
	_, err := Sync(context.Background(), Options{Dir: dir, Source: goDev(up), Versions: request(t, "1.22.5"), Platforms: []Platform{host}, Retries: -1})
	if !errors.Is(err, release.ErrVerification) {
		t.Fatalf("sync of a tampered archive: %v, want a verification error", err)
	}
	for _, p := range []string{name, name + ".sha256", "index.json"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("%s was published", p)
		}
	}
}

func TestVerifyNamesCorruptArchiveAndInstallFails(t *testing.T) {
	up := upstream(t, "go1.22.4", "go1.22.5")
	dir := tempdir.New(t)
	syncDir(t, goDev(up), dir, "1.22")
	if rep, err := Verify(context.Background(), dir); err != nil || len(rep.Problems) != 0 || rep.Checked != 2 {
		t.Fatalf("fresh mirror: %+v, %v", rep, err)
	}
	name, _ := faketoolchain.GoDevArchive(t, "go1.22.4", host.OS, host.Arch)
	p := filepath.Join(dir, name)
	b := mustRead(t, p)
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].File != name || !strings.Contains(rep.Problems[0].Problem, "SHA-256") {
		t.Fatalf("problems %+v, want %s's SHA-256", rep.Problems, name)
	}
	m, err := release.NewMirror(dir, release.MirrorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := installFrom(t, m, "go1.22.4"); !errors.Is(err, release.ErrVerification) {
		t.Fatalf("install of the corrupt archive: %v, want a verification error", err)
	}
	if _, err := installFrom(t, m, "go1.22.5"); err != nil {
		t.Fatalf("install of the intact archive: %v", err)
	}
	if _, err := Verify(context.Background(), tempdir.New(t)); err == nil {
		t.Error("Verify of a directory without index.json succeeded")
	}
}

// TestConcurrentSyncAndInstalls runs two syncs at once while clients list
// and install from the mirror: readers never see an index naming an
// archive that is not complete.
func TestConcurrentSyncAndInstalls(t *testing.T) {
	up := upstream(t, "go1.21.13", "go1.22.4", "go1.22.5", "go1.23.0")
	dir := tempdir.New(t)
	syncDir(t, goDev(up), dir, "1.21")
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := Sync(context.Background(), Options{Dir: dir, Source: goDev(up), Versions: request(t, ">=1.21"), Platforms: []Platform{host}, Retries: -1})
			errs <- err
		}()
	}
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := release.NewMirror(dir, release.MirrorOptions{})
			if err != nil {
				errs <- err
				return
			}
			_, err = installFrom(t, m, "go1.21.13")
			errs <- err
			for j := 0; j < 20; j++ {
				if rep, err := Verify(context.Background(), dir); err != nil || len(rep.Problems) > 0 {
					errs <- fmt.Errorf("reader saw a broken mirror: %v %s", err, describe(rep))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if rep, err := Verify(context.Background(), dir); err != nil || rep.Checked != 4 || len(rep.Problems) != 0 {
		t.Fatalf("after concurrent syncs: %+v, %v", rep, err)
	}
}

func describe(r Report) string {
	var b strings.Builder
	for _, p := range r.Problems {
		b.WriteString(p.File + ": " + p.Problem + "; ")
	}
	return b.String()
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParsePlatforms(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // joined, or "" for an error
	}{
		{"windows/amd64,linux/amd64", "windows/amd64 linux/amd64"},
		{" linux/arm64 , ", "linux/arm64"},
		{"linux", ""},
		{"/amd64", ""},
		{"linux/", ""},
		{"", ""},
		{"linux/amd64/x", ""},
	} {
		ps, err := ParsePlatforms(tc.in)
		var got []string
		for _, p := range ps {
			got = append(got, p.String())
		}
		if tc.want == "" {
			if err == nil {
				t.Errorf("ParsePlatforms(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != tc.want {
			t.Errorf("ParsePlatforms(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParsePlatforms(f *testing.F) {
	f.Add("windows/amd64,linux/amd64")
	f.Add(",/,")
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := ParsePlatforms(s)
		if err != nil {
			return
		}
		for _, p := range ps {
			if p.OS == "" || p.Arch == "" || strings.ContainsAny(p.OS+p.Arch, `/\,`) {
				t.Fatalf("ParsePlatforms(%q) gave %q", s, p)
			}
		}
	})
}
