package install_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/govm-dev/govm/internal/testutil/fakegodev"
	"github.com/govm-dev/govm/internal/testutil/fakeproxy"
	"github.com/govm-dev/govm/internal/testutil/faketoolchain"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/install"
	"github.com/govm-dev/govm/pkg/release"
	"github.com/govm-dev/govm/pkg/store"
)

var (
	host = runtime.GOOS + "-" + runtime.GOARCH
	v225 = goversion.MustParse("go1.22.5")
)

// goDev serves go1.22.5 for this platform and windows/amd64, plus an entry
// whose archive is go1.22.4's bytes labelled go1.22.6 (a mislabelled mirror).
func goDev(t *testing.T) *fakegodev.Server {
	t.Helper()
	var rels []release.Release
	archives := map[string][]byte{}
	rel := release.Release{Version: "go1.22.5", Stable: true}
	for _, p := range [][2]string{{runtime.GOOS, runtime.GOARCH}, {"windows", "amd64"}} {
		name, data := faketoolchain.GoDevArchive(t, "go1.22.5", p[0], p[1])
		archives[name] = data
		rel.Files = append(rel.Files, fakegodev.ArchiveFile(name, data))
	}
	_, wrong := faketoolchain.GoDevArchive(t, "go1.22.4", runtime.GOOS, runtime.GOARCH)
	name := strings.Replace(rel.Files[0].Filename, "go1.22.5", "go1.22.6", 1)
	archives[name] = wrong
	rels = append(rels, release.Release{Version: "go1.22.6", Stable: true, Files: []release.File{fakegodev.ArchiveFile(name, wrong)}}, rel)
	return fakegodev.New(t, rels, archives)
}

func newInstaller(t *testing.T, src release.Source) (*install.Installer, string) {
	t.Helper()
	dir := tempdir.New(t)
	return &install.Installer{
		Source:      src,
		Store:       store.New(filepath.Join(dir, "versions")),
		DownloadDir: filepath.Join(dir, "cache"),
		Backoff:     func(int) time.Duration { return 0 },
	}, dir
}

func TestInstallFromGoDevThenCacheThenAlready(t *testing.T) {
	srv := goDev(t)
	in, dir := newInstaller(t, release.NewGoDev(release.GoDevOptions{IndexURL: srv.IndexURL(), DownloadBase: srv.DownloadBase()}))
	ctx := context.Background()

	r, err := in.Install(ctx, v225, "", "", false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Already || r.FromCache || r.Hash.Kind != release.SHA256 || r.SHA256 != r.Hash.Value || r.Path != filepath.Join(dir, "versions", "go1.22.5") {
		t.Fatalf("first install: %+v", r)
	}
	rec, err := in.Store.Get(store.Key{Version: v225})
	if err != nil || !strings.HasPrefix(rec.Record.GoVersionOutput, "go version go1.22.5 ") {
		t.Fatalf("record: %+v, %v", rec.Record, err)
	}

	hits := srv.HitsMatching("")
	r, err = in.Install(ctx, v225, "", "", false)
	if err != nil || !r.Already || srv.HitsMatching("") != hits {
		t.Fatalf("second install: %+v %v; requests %d -> %d", r, err, hits, srv.HitsMatching(""))
	}

	r, err = in.Install(ctx, v225, "", "", true)
	if err != nil || !r.FromCache || r.Already {
		t.Fatalf("forced reinstall should come from the cache: %+v %v", r, err)
	}
	if n := srv.HitsMatching("/dl/"); n != 1 {
		t.Fatalf("archive downloaded %d times, want 1", n)
	}
}

func TestInstallCorruptCacheIsDownloadedAgain(t *testing.T) {
	srv := goDev(t)
	in, dir := newInstaller(t, release.NewGoDev(release.GoDevOptions{IndexURL: srv.IndexURL(), DownloadBase: srv.DownloadBase()}))
	ctx := context.Background()
	r, err := in.Install(ctx, v225, "", "", false)
	if err != nil {
		t.Fatal(err)
	}
	cached, _ := filepath.Glob(filepath.Join(dir, "cache", "go1.22.5."+host+"*"))
	if len(cached) != 1 {
		t.Fatalf("cache holds %v", cached)
	}
	if err := os.WriteFile(cached[0], []byte("not the archive"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err = in.Install(ctx, v225, "", "", true)
	if err != nil || r.FromCache {
		t.Fatalf("reinstall over a corrupt cache: %+v %v", r, err)
	}
}

func TestInstallTamperedArchiveLeavesNothing(t *testing.T) {
	srv := goDev(t)
	name := "go1.22.5." + host + ".tar.gz"
	if runtime.GOOS == "windows" {
		name = "go1.22.5." + host + ".zip"
	}
	srv.Tamper(name)
	in, dir := newInstaller(t, release.NewGoDev(release.GoDevOptions{IndexURL: srv.IndexURL(), DownloadBase: srv.DownloadBase()}))
	_, err := in.Install(context.Background(), v225, "", "", false)
	var mm *install.MismatchError
	if !errors.As(err, &mm) || !errors.Is(err, release.ErrVerification) || mm.Kind != release.SHA256 || mm.Expected == mm.Actual {
		t.Fatalf("err = %v, want a SHA-256 mismatch", err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "versions", "go1.22.5*"))
	partial, _ := filepath.Glob(filepath.Join(dir, "cache", "*"))
	if len(left) != 0 || len(partial) != 0 {
		t.Fatalf("left behind: %v %v", left, partial)
	}
}

func TestInstallMislabelledArchiveIsRefused(t *testing.T) {
	srv := goDev(t)
	in, _ := newInstaller(t, release.NewGoDev(release.GoDevOptions{IndexURL: srv.IndexURL(), DownloadBase: srv.DownloadBase()}))
	_, err := in.Install(context.Background(), goversion.MustParse("go1.22.6"), "", "", false)
	if !errors.Is(err, release.ErrVerification) || !strings.Contains(err.Error(), `reports "go version go1.22.4`) {
		t.Fatalf("err = %v, want the go version check to refuse it", err)
	}
	if in.Store.Has(store.Key{Version: goversion.MustParse("go1.22.6")}) {
		t.Fatal("mislabelled toolchain was installed")
	}
}

func TestInstallOtherPlatformSkipsGoVersion(t *testing.T) {
	srv := goDev(t)
	in, dir := newInstaller(t, release.NewGoDev(release.GoDevOptions{IndexURL: srv.IndexURL(), DownloadBase: srv.DownloadBase()}))
	r, err := in.Install(context.Background(), v225, "windows", "amd64", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(r.Path, "bin", "go.exe")); err != nil || !strings.HasPrefix(r.Path, filepath.Join(dir, "versions")) {
		t.Fatalf("windows toolchain at %s: %v", r.Path, err)
	}
}

func proxySource(t *testing.T, fp *fakeproxy.Server) release.Source {
	t.Helper()
	src, err := release.NewProxy(release.ProxyConfig{GOPROXY: fp.URL(), GOSUMDB: fp.VerifierKey(), Client: fp.Client(), CacheDir: tempdir.New(t)})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestInstallFromProxyVerifiesH1(t *testing.T) {
	fp := fakeproxy.New(t)
	fp.Add("go1.22.5", runtime.GOOS, runtime.GOARCH, faketoolchain.ModuleZip(t, "go1.22.5", runtime.GOOS, runtime.GOARCH))
	in, _ := newInstaller(t, proxySource(t, fp))
	r, err := in.Install(context.Background(), v225, "", "", false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Hash.Kind != release.H1 || !strings.HasPrefix(r.Hash.Value, "h1:") {
		t.Fatalf("hash %+v", r.Hash)
	}
	// Module zips carry no exec bits: they must be restored for bin/go to run.
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(filepath.Join(r.Path, "bin", "go"))
		if err != nil || fi.Mode()&0o111 == 0 {
			t.Fatalf("bin/go mode %v, %v", fi.Mode(), err)
		}
	}
}

func TestInstallFromProxyTamperedZip(t *testing.T) {
	fp := fakeproxy.New(t)
	fp.Add("go1.22.5", runtime.GOOS, runtime.GOARCH, faketoolchain.ModuleZip(t, "go1.22.5", runtime.GOOS, runtime.GOARCH))
	fp.TamperZip("go1.22.5", runtime.GOOS, runtime.GOARCH)
	in, dir := newInstaller(t, proxySource(t, fp))
	_, err := in.Install(context.Background(), v225, "", "", false)
	var mm *install.MismatchError
	if !errors.As(err, &mm) || mm.Kind != release.H1 {
		t.Fatalf("err = %v, want an h1 mismatch", err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "versions", "go1.22.5*"))
	if len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func TestResolve(t *testing.T) {
	srv := goDev(t)
	src := release.NewGoDev(release.GoDevOptions{IndexURL: srv.IndexURL(), DownloadBase: srv.DownloadBase()})
	ctx := context.Background()
	for _, tc := range []struct {
		req, goos, goarch, want string
	}{
		{"1.22", runtime.GOOS, runtime.GOARCH, "go1.22.6"},
		{"1.22", "windows", "amd64", "go1.22.5"},               // go1.22.6 has no windows archive
		{"go1.22.9", runtime.GOOS, runtime.GOARCH, "go1.22.9"}, // exact: no listing needed
	} {
		req, err := goversion.ParseRequest(tc.req)
		if err != nil {
			t.Fatal(err)
		}
		v, err := install.Resolve(ctx, src, req, tc.goos, tc.goarch, goversion.ResolveOptions{})
		if err != nil || v.String() != tc.want {
			t.Errorf("Resolve(%s, %s/%s) = %v, %v; want %s", tc.req, tc.goos, tc.goarch, v, err, tc.want)
		}
	}
	req, _ := goversion.ParseRequest("1.30")
	if _, err := install.Resolve(ctx, src, req, runtime.GOOS, runtime.GOARCH, goversion.ResolveOptions{}); !errors.Is(err, goversion.ErrNoMatch) {
		t.Errorf("Resolve(1.30) = %v, want ErrNoMatch", err)
	}
}
