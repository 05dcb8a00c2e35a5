package release_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/fakeproxy"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/modproxy"
	"github.com/govm-dev/govm/pkg/release"
)

// proxyTempDir is t.TempDir with a cleanup that also works under Wine.
func proxyTempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "govm-proxy-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var paths []string
		filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
			if err == nil {
				paths = append(paths, p)
			}
			return nil
		})
		slices.Reverse(paths)
		for _, p := range paths {
			os.Remove(p)
		}
	})
	return dir
}

type proxyFixture struct {
	fake *fakeproxy.Server
	h1   map[string]string // module version -> zip h1
}

func toolchainFiles(v, goos string) map[string]fakeproxy.FileSpec {
	exe := ""
	if goos == "windows" {
		exe = ".exe"
	}
	return map[string]fakeproxy.FileSpec{
		"VERSION":      {Data: []byte(v + "\n")},
		"bin/go" + exe: {Data: []byte("go " + v + " " + goos)},
		"src/fmt/a.go": {Data: []byte("package fmt\n")},
	}
}

func newProxyFixture(t *testing.T, opts ...fakeproxy.Option) *proxyFixture {
	t.Helper()
	f := &proxyFixture{fake: fakeproxy.New(t, opts...), h1: map[string]string{}}
	for _, p := range []struct{ v, goos, goarch string }{
		{"go1.22.5", "linux", "amd64"},
		{"go1.22.5", "windows", "amd64"},
		{"go1.23rc1", "linux", "amd64"},
		{"go1.21.0", "darwin", "arm64"},
		{"go1.20", "linux", "386"},
	} {
		zip := f.fake.AddFiles(p.v, p.goos, p.goarch, toolchainFiles(p.v, p.goos))
		h, err := fakeproxy.HashZip(zip)
		if err != nil {
			t.Fatal(err)
		}
		f.h1[fakeproxy.ModuleVersion(p.v, p.goos, p.goarch)] = h
	}
	return f
}

func (f *proxyFixture) config() release.ProxyConfig {
	return release.ProxyConfig{GOPROXY: f.fake.URL(), GOSUMDB: f.fake.VerifierKey(), Client: f.fake.Client()}
}

func newProxy(t *testing.T, cfg release.ProxyConfig) *release.Proxy {
	t.Helper()
	p, err := release.NewProxy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProxyArtifact(t *testing.T) {
	f := newProxyFixture(t)
	cfg := f.config()
	cfg.CacheDir = proxyTempDir(t)
	p := newProxy(t, cfg)
	var src release.Source = p
	for _, tc := range []struct{ v, goos, goarch string }{{"go1.22.5", "linux", "amd64"}, {"go1.22.5", "windows", "amd64"}, {"go1.23rc1", "linux", "amd64"}} {
		mv := fakeproxy.ModuleVersion(tc.v, tc.goos, tc.goarch)
		a, err := src.Artifact(context.Background(), goversion.MustParse(tc.v), tc.goos, tc.goarch)
		if err != nil {
			t.Fatalf("Artifact(%s): %v", mv, err)
		}
		want := release.Artifact{
			Version:  goversion.MustParse(tc.v),
			OS:       tc.goos,
			Arch:     tc.goarch,
			URL:      f.fake.URL() + "/golang.org/toolchain/@v/" + mv + ".zip",
			Filename: mv + ".zip",
			Hash:     release.Hash{Kind: release.H1, Value: f.h1[mv]},
			Format:   release.Zip,
			Prefix:   "golang.org/toolchain@" + mv + "/",
			Source:   "proxy " + f.fake.URL(),
		}
		if a != want {
			t.Errorf("Artifact(%s) =\n%+v\nwant\n%+v", mv, a, want)
		}
		// The URL serves a zip whose files hash to the trusted record.
		resp, err := f.fake.Client().Get(a.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got, err := fakeproxy.HashZip(body); err != nil || got != a.Hash.Value {
			t.Errorf("zip at %s hashes to %s (%v), want %s", a.URL, got, err, a.Hash.Value)
		}
	}
	if !strings.Contains(p.Name(), f.fake.URL()) {
		t.Errorf("Name() = %q, want the GOPROXY value", p.Name())
	}
}

func TestProxyArtifactErrors(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(f *proxyFixture, cfg *release.ProxyConfig)
		v       string
		goos    string
		want    error
		wantMsg string
	}{
		{name: "no such toolchain", v: "go1.19.1", goos: "linux", want: release.ErrNotFound},
		{name: "no such platform", v: "go1.22.5", goos: "plan9", want: release.ErrNotFound},
		{name: "bad platform word", v: "go1.22.5", goos: "linux.evil", want: release.ErrNotFound},
		{name: "unknown to the checksum database", setup: func(f *proxyFixture, _ *release.ProxyConfig) {
			f.fake.AddUnrecorded("go1.24.0", "linux", "amd64", mustZip(t, "go1.24.0", "linux", "amd64"))
		}, v: "go1.24.0", goos: "linux", want: release.ErrNotFound, wantMsg: "checksum database"},
		{name: "rogue signature", setup: func(f *proxyFixture, _ *release.ProxyConfig) { f.fake.SignWithRogueKey(true) },
			v: "go1.22.5", goos: "linux", want: release.ErrVerification, wantMsg: fakeproxy.DefaultSumDBName},
		{name: "inconsistent tree", setup: func(f *proxyFixture, _ *release.ProxyConfig) { f.fake.CorruptTiles(true) },
			v: "go1.22.5", goos: "linux", want: release.ErrVerification, wantMsg: fakeproxy.DefaultSumDBName},
		{name: "proxy down", setup: func(f *proxyFixture, _ *release.ProxyConfig) {
			f.fake.FailNext("/golang.org/toolchain/@v/v0.0.1-go1.22.5.linux-amd64.info", 1, 502)
		}, v: "go1.22.5", goos: "linux", want: release.ErrUnavailable, wantMsg: "502"},
		{name: "GOSUMDB=off", setup: func(_ *proxyFixture, cfg *release.ProxyConfig) { cfg.GOSUMDB = "off" },
			v: "go1.22.5", goos: "linux", want: release.ErrInsecure, wantMsg: "GOSUMDB=off"},
		{name: "GONOSUMDB", setup: func(_ *proxyFixture, cfg *release.ProxyConfig) { cfg.GONOSUMDB = "golang.org/toolchain" },
			v: "go1.22.5", goos: "linux", want: release.ErrInsecure, wantMsg: "GONOSUMDB=golang.org/toolchain"},
		{name: "GOPRIVATE", setup: func(_ *proxyFixture, cfg *release.ProxyConfig) { cfg.GOPRIVATE = "golang.org" },
			v: "go1.22.5", goos: "linux", want: release.ErrInsecure, wantMsg: "GOPRIVATE=golang.org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newProxyFixture(t)
			cfg := f.config()
			cfg.DirectURL = "http://127.0.0.1:1" // GOPRIVATE also forces direct; keep it off the network
			if tt.setup != nil {
				tt.setup(f, &cfg)
			}
			_, err := newProxy(t, cfg).Artifact(context.Background(), goversion.MustParse(tt.v), tt.goos, "amd64")
			if !errors.Is(err, tt.want) {
				t.Fatalf("Artifact = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantMsg)
			}
			if tt.want == release.ErrInsecure {
				if !strings.Contains(err.Error(), "--insecure") {
					t.Errorf("error %q does not say how to proceed", err)
				}
				if n := f.fake.HitsMatching(""); n != 0 {
					t.Errorf("%d requests made before refusing", n)
				}
			}
		})
	}
}

func mustZip(t *testing.T, v, goos, goarch string) []byte {
	zip, err := fakeproxy.ModuleZip(fakeproxy.ModulePrefix(v, goos, goarch), toolchainFiles(v, goos))
	if err != nil {
		t.Fatal(err)
	}
	return zip
}

func TestProxyInsecure(t *testing.T) {
	f := newProxyFixture(t)
	var warnings []string
	cfg := f.config()
	cfg.GOSUMDB = "off"
	cfg.Insecure = true
	cfg.Warn = func(s string) { warnings = append(warnings, s) }
	a, err := newProxy(t, cfg).Artifact(context.Background(), goversion.MustParse("go1.22.5"), "linux", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if a.Hash != (release.Hash{Kind: release.None}) {
		t.Errorf("Hash = %+v, want Kind None", a.Hash)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "NOT be verified") || !strings.Contains(warnings[0], "GOSUMDB=off") {
		t.Errorf("warnings = %q, want one loud warning naming GOSUMDB=off", warnings)
	}
	if n := f.fake.HitsMatching("/sumdb/"); n != 0 {
		t.Errorf("%d checksum database requests with GOSUMDB=off", n)
	}
}

func TestProxyList(t *testing.T) {
	f := newProxyFixture(t)
	f.fake.Unlist("golang.org/toolchain", "v0.0.1-go1.20.linux-386")
	p := newProxy(t, f.config())
	rels, err := p.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rels {
		var files []string
		for _, fl := range r.Files {
			files = append(files, fl.OS+"/"+fl.Arch+"="+fl.Filename)
			if fl.Version != r.Version || fl.Kind != "archive" {
				t.Errorf("file %+v of %s", fl, r.Version)
			}
		}
		stable := "stable"
		if !r.Stable {
			stable = "unstable"
		}
		got = append(got, r.Version+" "+stable+" "+strings.Join(files, ","))
	}
	want := []string{
		"go1.23rc1 unstable linux/amd64=v0.0.1-go1.23rc1.linux-amd64.zip",
		"go1.22.5 stable linux/amd64=v0.0.1-go1.22.5.linux-amd64.zip,windows/amd64=v0.0.1-go1.22.5.windows-amd64.zip",
		"go1.21.0 stable darwin/arm64=v0.0.1-go1.21.0.darwin-arm64.zip",
	}
	if !slices.Equal(got, want) {
		t.Errorf("List =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A version the filtering list leaves out is still there.
	if _, err := p.Artifact(context.Background(), goversion.MustParse("go1.20"), "linux", "386"); err != nil {
		t.Errorf("unlisted toolchain: %v", err)
	}
}

func TestProxyListJunk(t *testing.T) {
	f := newProxyFixture(t)
	f.fake.SetListBody("golang.org/toolchain", strings.Join([]string{
		"v0.0.1-go1.22.5.linux-amd64",
		"v0.0.1-go1.22.5.linux-amd64", // duplicate
		"v0.0.1-go1.22.linux-amd64",   // a language version names no release
		"v0.0.1-go1.22.5",             // no platform
		"v0.0.1-go1.22.5.linux",       // no arch
		"v0.0.2-go1.22.5.linux-amd64", // another scheme
		"v0.0.1-gopher.linux-amd64",
		"<html>oops</html>",
		"v0.0.1-go1.21rc2.windows-arm64 2023-06-21T00:00:00Z",
		"",
	}, "\n"))
	rels, err := newProxy(t, f.config()).List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != 2 || rels[0].Version != "go1.22.5" || len(rels[0].Files) != 1 || rels[1].Version != "go1.21rc2" || rels[1].Stable {
		t.Errorf("List = %+v", rels)
	}
}

func TestProxyGOPROXYRules(t *testing.T) {
	f := newProxyFixture(t)
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	defer failing.Close()
	tests := []struct {
		name, goproxy, gonoproxy, wantSource string
		sumdbDirect                          bool
		want                                 error
	}{
		{name: "404 then comma", goproxy: notFound.URL + "," + f.fake.URL(), wantSource: f.fake.URL()},
		{name: "500 then comma stops", goproxy: failing.URL + "," + f.fake.URL(), want: release.ErrUnavailable},
		{name: "500 then pipe", goproxy: failing.URL + "|" + f.fake.URL(), wantSource: f.fake.URL()},
		{name: "direct is the toolchain origin", goproxy: notFound.URL + ",direct", wantSource: "DIRECT"},
		{name: "GONOPROXY forces direct", goproxy: failing.URL, gonoproxy: "golang.org/toolchain", sumdbDirect: true, wantSource: "DIRECT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := f.config()
			cfg.GOPROXY, cfg.GONOPROXY = tt.goproxy, tt.gonoproxy
			cfg.DirectURL = f.fake.URL() + "/" // the fake stands in for go.dev/dl/mod
			if tt.sumdbDirect {
				// The database is still reached through GOPROXY, as with
				// the go command, unless GOSUMDB names its URL.
				cfg.GOSUMDB = f.fake.VerifierKey() + " " + f.fake.SumDBDirectURL()
			}
			a, err := newProxy(t, cfg).Artifact(context.Background(), goversion.MustParse("go1.22.5"), "linux", "amd64")
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("Artifact = %+v, %v; want %v", a, err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.Replace(tt.wantSource, "DIRECT", f.fake.URL(), 1); a.Source != "proxy "+want || !strings.HasPrefix(a.URL, want+"/golang.org/toolchain/@v/") {
				t.Errorf("Source %q, URL %q; want from %s", a.Source, a.URL, want)
			}
		})
	}
}

func TestNewProxyConfigErrors(t *testing.T) {
	_, err := release.NewProxy(release.ProxyConfig{GOPROXY: "off"})
	if !errors.Is(err, release.ErrUnavailable) || !errors.Is(err, modproxy.ErrProxyOff) {
		t.Errorf("GOPROXY=off: %v, want ErrUnavailable and ErrProxyOff (so auto mode skips the proxy)", err)
	}
	_, err = release.NewProxy(release.ProxyConfig{GOPROXY: "https://p.example", GONOPROXY: "golang.org", DirectURL: "https://d.example"})
	if err != nil {
		t.Errorf("GONOPROXY with a proxy list: %v", err)
	}
	for _, cfg := range []release.ProxyConfig{{GOPROXY: "gopher"}, {GOSUMDB: "nokey.example"}} {
		_, err := release.NewProxy(cfg)
		if err == nil || errors.Is(err, release.ErrUnavailable) || errors.Is(err, release.ErrNotFound) {
			t.Errorf("NewProxy(%+v) = %v, want a configuration error that auto mode does not swallow", cfg, err)
		}
	}
	// Open in auto mode leaves a switched-off proxy out with a warning.
	var warned []string
	src, err := release.Open(release.SpecAuto, release.OpenOptions{
		ProxyFactory: func() (release.Source, error) { return release.NewProxy(release.ProxyConfig{GOPROXY: "off"}) },
		Warn:         func(s string) { warned = append(warned, s) },
	})
	if err != nil || len(warned) != 1 || !strings.Contains(warned[0], "GOPROXY=off") || strings.Contains(src.Name(), "GOPROXY") {
		t.Errorf("Open(auto) with GOPROXY=off = %v, %v, warnings %q", src, err, warned)
	}
}

// TestProxyRealNetwork checks the whole path against proxy.golang.org and
// its /sumdb/sum.golang.org/ endpoint. Opt in with GOVM_NET_TESTS=1.
func TestProxyRealNetwork(t *testing.T) {
	if os.Getenv("GOVM_NET_TESTS") != "1" {
		t.Skip("set GOVM_NET_TESTS=1 to run against the real GOPROXY and checksum database")
	}
	goproxy := os.Getenv("GOPROXY")
	if goproxy == "" {
		goproxy = modproxy.DefaultGOPROXY
	}
	p := newProxy(t, release.ProxyConfig{GOPROXY: goproxy, CacheDir: proxyTempDir(t)})
	a, err := p.Artifact(context.Background(), goversion.MustParse("go1.25.14"), "linux", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if a.Hash.Kind != release.H1 || !strings.HasPrefix(a.Hash.Value, "h1:") || len(a.Hash.Value) != 47 {
		t.Errorf("Hash = %+v, want an h1: hash", a.Hash)
	}
	t.Logf("%s from %s: %s", a.Filename, a.Source, a.Hash.Value)
}

func TestParseToolchainVersion(t *testing.T) {
	tests := []struct {
		in, v, goos, goarch string
		ok                  bool
	}{
		{"v0.0.1-go1.22.5.linux-amd64", "go1.22.5", "linux", "amd64", true},
		{"v0.0.1-go1.21rc2.windows-arm64", "go1.21rc2", "windows", "arm64", true},
		{"v0.0.1-go1.20.linux-ppc64le", "go1.20", "linux", "ppc64le", true},
		{"v0.0.1-go1.22.linux-amd64", "", "", "", false},
		{"v0.0.1-1.22.5.linux-amd64", "", "", "", false},
		{"v0.0.1-go1.22.5.linux_amd64", "", "", "", false},
		{"v0.0.1-go1.22.5.Linux-amd64", "", "", "", false},
		{"v0.0.2-go1.22.5.linux-amd64", "", "", "", false},
		{"v0.0.1-go1.22.05.linux-amd64", "", "", "", false},
		{"", "", "", "", false},
	}
	for _, tt := range tests {
		v, goos, goarch, ok := release.ParseToolchainVersion(tt.in)
		if ok != tt.ok || v.String() != tt.v || goos != tt.goos || goarch != tt.goarch {
			t.Errorf("ParseToolchainVersion(%q) = %q %q %q %v", tt.in, v, goos, goarch, ok)
		}
	}
}

func FuzzParseToolchainVersion(f *testing.F) {
	for _, s := range []string{"v0.0.1-go1.22.5.linux-amd64", "v0.0.1-go1.9.2rc2.darwin-amd64", "v0.0.1-go1.linux-a", "v0.0.1-.-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, goos, goarch, ok := release.ParseToolchainVersion(s)
		if !ok {
			return
		}
		// What parses must round-trip to the same module version.
		if back := release.ToolchainModuleVersion(v, goos, goarch); back != s {
			t.Fatalf("%q parsed to %s %s/%s, which prints as %q", s, v, goos, goarch, back)
		}
	})
}
