package release_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/fakegodev"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/release"
)

// platforms is what the usual fixture publishes for every version.
var platforms = []string{"linux/amd64", "linux/arm", "darwin/arm64", "windows/amd64"}

func newGoDev(t *testing.T, s *fakegodev.Server) *release.GoDev {
	return release.NewGoDev(release.GoDevOptions{IndexURL: s.IndexURL(), DownloadBase: s.DownloadBase(), Client: s.Client()})
}

func versions(rs []release.Release) []string {
	var vs []string
	for _, r := range rs {
		vs = append(vs, r.Version)
	}
	return vs
}

func TestGoDevListNewestFirstWithPrereleases(t *testing.T) {
	// Listed out of order on purpose: the source sorts, it does not trust.
	rels, archives := fakegodev.Fixture([]string{"go1.21.0", "go1.22.5", "go1.23rc1", "go1.21rc2", "go1.20"}, platforms)
	s := fakegodev.New(t, rels, archives)
	got, err := newGoDev(t, s).List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := "go1.23rc1 go1.22.5 go1.21.0 go1.21rc2 go1.20"
	if g := strings.Join(versions(got), " "); g != want {
		t.Errorf("List = %s, want %s", g, want)
	}
	if got[0].Stable {
		t.Error("go1.23rc1 listed as stable")
	}
}

func TestGoDevListErrors(t *testing.T) {
	good, archives := fakegodev.Fixture([]string{"go1.22.5"}, platforms)
	for _, tc := range []struct {
		name     string
		status   int    // FailNext status when non-zero
		body     string // SetIndexBody when non-empty
		want     error
		mentions []string
	}{
		{name: "404", status: http.StatusNotFound, want: release.ErrNotFound, mentions: []string{"404"}},
		{name: "410", status: http.StatusGone, want: release.ErrNotFound, mentions: []string{"410"}},
		{name: "500", status: http.StatusInternalServerError, want: release.ErrUnavailable, mentions: []string{"500"}},
		{name: "429", status: http.StatusTooManyRequests, want: release.ErrUnavailable},
		{name: "html", body: "<!DOCTYPE html><html>captive portal</html>", want: release.ErrMalformed, mentions: []string{"not a JSON array", "DOCTYPE"}},
		{name: "truncated", body: `[{"version":"go1.22.5","files":[`, want: release.ErrMalformed},
		{name: "null", body: `null`, want: release.ErrMalformed},
		{name: "bad version", body: `[{"version":"1.x","files":[]}]`, want: release.ErrMalformed, mentions: []string{"release #0", "1.x"}},
		{name: "missing sha256", body: `[{"version":"go1.22.5","files":[{"filename":"go1.22.5.linux-amd64.tar.gz","os":"linux","arch":"amd64","size":5,"kind":"archive"}]}]`,
			want: release.ErrMalformed, mentions: []string{"go1.22.5", "go1.22.5.linux-amd64.tar.gz", "sha256"}},
		{name: "short sha256", body: `[{"version":"go1.22.5","files":[{"filename":"a.tar.gz","os":"linux","arch":"amd64","sha256":"abc","size":5,"kind":"archive"}]}]`,
			want: release.ErrMalformed, mentions: []string{"64 hex"}},
		{name: "zero size", body: `[{"version":"go1.22.5","files":[{"filename":"a.tar.gz","os":"linux","arch":"amd64","sha256":"` + strings.Repeat("a", 64) + `","size":0,"kind":"archive"}]}]`,
			want: release.ErrMalformed, mentions: []string{"size 0"}},
		{name: "no os", body: `[{"version":"go1.22.5","files":[{"filename":"a.tar.gz","arch":"amd64","sha256":"` + strings.Repeat("a", 64) + `","size":3,"kind":"archive"}]}]`,
			want: release.ErrMalformed, mentions: []string{"no os"}},
		{name: "path in filename", body: `[{"version":"go1.22.5","files":[{"filename":"../x.tar.gz","os":"linux","arch":"amd64","sha256":"` + strings.Repeat("a", 64) + `","size":3,"kind":"archive"}]}]`,
			want: release.ErrMalformed, mentions: []string{"../x.tar.gz"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fakegodev.New(t, good, archives)
			if tc.status != 0 {
				s.FailNext("/", 1, tc.status)
			}
			if tc.body != "" {
				s.SetIndexBody([]byte(tc.body))
			}
			_, err := newGoDev(t, s).List(context.Background())
			if !errors.Is(err, tc.want) {
				t.Fatalf("List error = %v, want %v", err, tc.want)
			}
			for _, m := range append(tc.mentions, s.IndexURL()) {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
		})
	}
}

func TestGoDevListIgnoresInstallerAndSourceFields(t *testing.T) {
	// Installers and source archives are never installed, so an index whose
	// source entry has no os/arch (as go.dev's do) must still load.
	data := []byte("src")
	rel := fakegodev.NewRelease("go1.22.5", fakegodev.ArchiveFile("go1.22.5.src.tar.gz", data))
	s := fakegodev.New(t, []release.Release{rel}, nil)
	if _, err := newGoDev(t, s).List(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestGoDevListFetchesOnce(t *testing.T) {
	rels, archives := fakegodev.Fixture([]string{"go1.22.5"}, platforms)
	s := fakegodev.New(t, rels, archives)
	g := newGoDev(t, s)
	ctx := context.Background()
	first, err := g.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first[0].Version = "changed by a caller"
	if _, err := g.Artifact(ctx, goversion.MustParse("1.22.5"), "linux", "amd64"); err != nil {
		t.Fatal(err)
	}
	if n := s.Hits("/"); n != 1 {
		t.Errorf("index fetched %d times, want 1", n)
	}
}

func TestGoDevArtifact(t *testing.T) {
	rels, archives := fakegodev.Fixture([]string{"go1.23rc1", "go1.22.5"}, platforms)
	// The MSI comes first, as on go.dev: Artifact must still pick the zip.
	msi := fakegodev.ArchiveFile("go1.22.5.windows-amd64.msi", []byte("msi"))
	rels[1].Files = append([]release.File{msi}, rels[1].Files...)
	s := fakegodev.New(t, rels, archives)
	g := newGoDev(t, s)
	for _, tc := range []struct {
		version, goos, goarch string
		file                  string
		format                release.Format
		err                   error
		mentions              []string
	}{
		{version: "1.22.5", goos: "linux", goarch: "amd64", file: "go1.22.5.linux-amd64.tar.gz", format: release.TarGz},
		{version: "go1.22.5", goos: "windows", goarch: "amd64", file: "go1.22.5.windows-amd64.zip", format: release.Zip},
		{version: "1.22.5", goos: "linux", goarch: "arm", file: "go1.22.5.linux-armv6l.tar.gz", format: release.TarGz},
		{version: "1.23rc1", goos: "darwin", goarch: "arm64", file: "go1.23rc1.darwin-arm64.tar.gz", format: release.TarGz},
		{version: "1.22.5", goos: "freebsd", goarch: "riscv64", err: release.ErrNotFound,
			mentions: []string{"go1.22.5", "freebsd/riscv64", "darwin/arm64, linux/amd64, linux/arm, windows/amd64"}},
		{version: "1.19.1", goos: "linux", goarch: "amd64", err: release.ErrNotFound, mentions: []string{"go1.19.1"}},
	} {
		t.Run(tc.version+"-"+tc.goos+"-"+tc.goarch, func(t *testing.T) {
			a, err := g.Artifact(context.Background(), goversion.MustParse(tc.version), tc.goos, tc.goarch)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				for _, m := range tc.mentions {
					if !strings.Contains(err.Error(), m) {
						t.Errorf("error %q does not mention %q", err, m)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := fakegodev.ArchiveFile(tc.file, archives[tc.file])
			if a.Filename != tc.file || a.URL != s.DownloadBase()+tc.file || a.Format != tc.format ||
				a.Hash != (release.Hash{Kind: release.SHA256, Value: want.SHA256}) || a.Size != want.Size ||
				a.Prefix != "go/" || a.OS != tc.goos || a.Arch != tc.goarch || a.Version.String() != want.Version {
				t.Errorf("Artifact = %+v", a)
			}
		})
	}
}

func TestGoDevDefaults(t *testing.T) {
	g := release.NewGoDev(release.GoDevOptions{})
	if g.Name() != "go.dev" {
		t.Errorf("Name = %q, want go.dev", g.Name())
	}
	other := release.NewGoDev(release.GoDevOptions{IndexURL: "https://golang.google.cn/dl/"})
	if !strings.Contains(other.Name(), "golang.google.cn") {
		t.Errorf("Name = %q, want the non-default index named", other.Name())
	}
}

func FuzzParseIndex(f *testing.F) {
	rels, _ := fakegodev.Fixture([]string{"go1.22.5", "go1.23rc1"}, platforms)
	s := fakegodev.New(f, rels, nil)
	resp, err := s.Client().Get(s.IndexURL() + "?mode=json&include=all")
	if err != nil {
		f.Fatal(err)
	}
	var buf strings.Builder
	_, _ = bufCopy(&buf, resp)
	f.Add([]byte(buf.String()))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Add([]byte(`[{"version":"go1.22.5","files":[{"filename":"x","kind":"source"}]}]`))
	f.Add([]byte(`<html>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := release.ParseIndex(data, "fuzz")
		if err != nil {
			if !errors.Is(err, release.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		// What parses must be safe to use: canonical versions, newest
		// first, archives with a usable hash and a plain file name.
		for i, r := range rs {
			v, err := goversion.Parse(r.Version)
			if err != nil || v.String() != r.Version {
				t.Fatalf("version %q not canonical", r.Version)
			}
			if i > 0 && goversion.Compare(goversion.MustParse(rs[i-1].Version), v) < 0 {
				t.Fatalf("%s listed before %s", rs[i-1].Version, r.Version)
			}
			for _, fl := range r.Files {
				if strings.ContainsAny(fl.Filename, `/\`) || fl.Filename == "" || fl.Filename == ".." {
					t.Fatalf("file name %q accepted", fl.Filename)
				}
				if fl.Kind == "archive" && (len(fl.SHA256) != 64 || fl.Size <= 0 || fl.OS == "" || fl.Arch == "") {
					t.Fatalf("archive %+v accepted", fl)
				}
			}
		}
	})
}

func bufCopy(dst *strings.Builder, resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	return io.Copy(dst, resp.Body)
}

// BenchmarkParseIndex parses an index the size of go.dev's full one
// (about 300 releases with some 40 files each).
func BenchmarkParseIndex(b *testing.B) {
	var vs []string
	for minor := 0; minor <= 25; minor++ {
		for patch := 0; patch < 12; patch++ {
			vs = append(vs, fmt.Sprintf("go1.%d.%d", minor+1, patch))
		}
	}
	var plats []string
	for _, goos := range []string{"linux", "darwin", "windows", "freebsd", "netbsd", "openbsd"} {
		for _, goarch := range []string{"amd64", "386", "arm64", "arm", "ppc64le", "riscv64", "s390x"} {
			plats = append(plats, goos+"/"+goarch)
		}
	}
	rels, _ := fakegodev.Fixture(vs, plats)
	data, err := json.Marshal(rels)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportMetric(float64(len(data))/(1<<20), "MiB/index")
	for b.Loop() {
		if _, err := release.ParseIndex(data, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}
