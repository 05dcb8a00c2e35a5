package modproxy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/fakeproxy"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

const (
	toolchain = "golang.org/toolchain"
	tcVersion = "v0.0.1-go1.22.5.linux-amd64"
	modPath   = "example.com/m"
	modGoMod  = "module example.com/m\n\ngo 1.22\n"
)

// fixture is a fake proxy holding one toolchain zip and one plain module.
type fixture struct {
	fake    *fakeproxy.Server
	zipH1   string
	zipMod  string
	modH1   string
	modName string
}

func newFixture(t *testing.T, opts ...fakeproxy.Option) *fixture {
	t.Helper()
	fake := fakeproxy.New(t, opts...)
	zip := fake.AddFiles("go1.22.5", "linux", "amd64", map[string]fakeproxy.FileSpec{
		"VERSION":      {Data: []byte("go1.22.5\n")},
		"bin/go":       {Data: []byte("not really go")},
		"src/fmt/x.go": {Data: []byte("package fmt\n")},
	})
	fake.AddModule(modPath, "v1.0.0", []byte(modGoMod))
	fake.AddModule("example.com/other", "v0.1.0", []byte("module example.com/other\n"))
	h1, err := fakeproxy.HashZip(zip)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{fake: fake, zipH1: h1, zipMod: fakeproxy.HashGoMod([]byte("module golang.org/toolchain\n")), modH1: fakeproxy.HashGoMod([]byte(modGoMod)), modName: fake.SumDBName()}
}

// config trusts the fake's database and reaches everything through it.
func (f *fixture) config() Config {
	return Config{GOPROXY: f.fake.URL(), GOSUMDB: f.fake.VerifierKey(), HTTPClient: f.fake.Client()}
}

func (f *fixture) client(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// viaProxy and viaDirect count database requests on each route.
func (f *fixture) viaProxy() int { return f.fake.HitsMatching("/sumdb/" + f.modName + "/") }
func (f *fixture) viaDirect() int {
	return f.fake.HitsMatching("/lookup/") + f.fake.HitsMatching("/tile/") - f.fake.HitsMatching("/sumdb/"+f.modName+"/lookup/") - f.fake.HitsMatching("/sumdb/"+f.modName+"/tile/")
}

func TestLookupThroughProxy(t *testing.T) {
	f := newFixture(t)
	c := f.client(t, f.config())
	h1, gomod, err := c.Lookup(context.Background(), toolchain, tcVersion)
	if err != nil {
		t.Fatal(err)
	}
	if h1 != f.zipH1 || gomod != f.zipMod {
		t.Errorf("Lookup = %s, %s; want %s, %s", h1, gomod, f.zipH1, f.zipMod)
	}
	if n := f.fake.Hits("/sumdb/" + f.modName + "/supported"); n != 1 {
		t.Errorf("/supported asked %d times, want 1", n)
	}
	if f.viaDirect() != 0 {
		t.Errorf("%d requests went to the database directly although the proxy supports it", f.viaDirect())
	}
	// The choice of route is remembered.
	if _, _, err := c.Lookup(context.Background(), modPath, "v1.0.0"); err != nil {
		t.Fatal(err)
	}
	if n := f.fake.Hits("/sumdb/" + f.modName + "/supported"); n != 1 {
		t.Errorf("/supported asked %d times after two lookups, want 1", n)
	}
}

func TestLookupRoute(t *testing.T) {
	tests := []struct {
		name          string
		opts          []fakeproxy.Option
		goproxy       func(f *fixture, broken string) string
		explicitURL   bool
		failSupported int
		wantProxy     bool
		wantErr       error
	}{
		{name: "proxy without /sumdb support falls back to https://<name>", opts: []fakeproxy.Option{fakeproxy.WithoutSumDBSupport()},
			goproxy: func(f *fixture, _ string) string { return f.fake.URL() }},
		{name: "GOPROXY=direct goes to the database", goproxy: func(*fixture, string) string { return "direct" }},
		{name: "explicit GOSUMDB URL bypasses proxies", explicitURL: true, goproxy: func(f *fixture, _ string) string { return f.fake.URL() }},
		{name: "second proxy serves the database after a 404", goproxy: func(f *fixture, broken string) string { return broken + "," + f.fake.URL() }, wantProxy: true},
		{name: "500 on /supported after comma is an error", failSupported: 500, goproxy: func(f *fixture, _ string) string { return f.fake.URL() }, wantErr: ErrUnavailable},
		{name: "500 on /supported after pipe moves on", failSupported: 500, goproxy: func(f *fixture, _ string) string { return f.fake.URL() + "|direct" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.opts...)
			broken := httptest.NewServer(http.NotFoundHandler())
			defer broken.Close()
			if tt.failSupported != 0 {
				f.fake.FailNext("/sumdb/"+f.modName+"/supported", 1, tt.failSupported)
			}
			cfg := f.config()
			cfg.GOPROXY = tt.goproxy(f, broken.URL)
			if tt.explicitURL {
				cfg.GOSUMDB = f.fake.VerifierKey() + " " + f.fake.SumDBDirectURL()
			}
			h1, _, err := f.client(t, cfg).Lookup(context.Background(), toolchain, tcVersion)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), f.modName) {
					t.Fatalf("Lookup = %v, want %v naming the database", err, tt.wantErr)
				}
				return
			}
			if err != nil || h1 != f.zipH1 {
				t.Fatalf("Lookup = %q, %v; want %q", h1, err, f.zipH1)
			}
			if got := f.viaProxy() > 1; got != tt.wantProxy {
				t.Errorf("through the proxy: %v (proxy %d, direct %d requests), want %v", got, f.viaProxy(), f.viaDirect(), tt.wantProxy)
			}
			if !tt.wantProxy && f.viaDirect() == 0 {
				t.Errorf("no request reached the database directly")
			}
			if tt.explicitURL && f.fake.Hits("/sumdb/"+f.modName+"/supported") != 0 {
				t.Errorf("explicit URL still asked the proxy for /supported")
			}
		})
	}
}

func TestLookupFailures(t *testing.T) {
	tests := []struct {
		name    string
		fault   func(*fakeproxy.Server)
		path    string
		version string
		want    error
		wantMsg string
	}{
		{name: "module not in the database", path: modPath, version: "v9.9.9", want: ErrNotFound},
		{name: "signed by a key we do not trust", fault: func(s *fakeproxy.Server) { s.SignWithRogueKey(true) }, path: toolchain, version: tcVersion, want: ErrVerification},
		{name: "tiles disagree with the signed tree", fault: func(s *fakeproxy.Server) { s.CorruptTiles(true) }, path: toolchain, version: tcVersion, want: ErrVerification},
		{name: "database down", fault: func(s *fakeproxy.Server) {
			s.FailNext("/sumdb/"+fakeproxy.DefaultSumDBName+"/lookup/golang.org/toolchain@"+tcVersion, 1, 503)
		}, path: toolchain, version: tcVersion, want: ErrUnavailable, wantMsg: "503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.fault != nil {
				tt.fault(f.fake)
			}
			_, _, err := f.client(t, f.config()).Lookup(context.Background(), tt.path, tt.version)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Lookup = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), "checksum database "+f.modName) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not name the database (and %q)", err, tt.wantMsg)
			}
			for _, other := range []error{ErrNotFound, ErrVerification, ErrUnavailable} {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("error %q also matches %v", err, other)
				}
			}
		})
	}
}

func TestForkDetectedAcrossRuns(t *testing.T) {
	f := newFixture(t)
	cfg := f.config()
	cfg.CacheDir = tempdir.New(t)
	if _, _, err := f.client(t, cfg).Lookup(context.Background(), toolchain, tcVersion); err != nil {
		t.Fatal(err)
	}
	f.fake.Fork()
	// A new client (a later govm run) must remember the tree it saw.
	_, _, err := f.client(t, cfg).Lookup(context.Background(), modPath, "v1.0.0")
	if !errors.Is(err, ErrVerification) || !strings.Contains(err.Error(), "SECURITY ERROR") {
		t.Fatalf("Lookup after a fork = %v, want ErrVerification with the security report", err)
	}
	// Without the remembered tree head the fork is invisible: the state is what protects.
	cfg.CacheDir = tempdir.New(t)
	if _, _, err := f.client(t, cfg).Lookup(context.Background(), modPath, "v1.0.0"); err != nil {
		t.Fatalf("fresh client after fork: %v", err)
	}
}

func TestCachedLookupsAndTiles(t *testing.T) {
	f := newFixture(t)
	cfg := f.config()
	cfg.CacheDir = tempdir.New(t)
	ctx := context.Background()
	if _, _, err := f.client(t, cfg).Lookup(ctx, toolchain, tcVersion); err != nil {
		t.Fatal(err)
	}
	first := f.fake.HitsMatching("/sumdb/")
	if first < 3 { // supported, lookup, at least one tile
		t.Fatalf("first lookup made %d requests, want supported+lookup+tiles", first)
	}
	if _, _, err := f.client(t, cfg).Lookup(ctx, toolchain, tcVersion); err != nil {
		t.Fatal(err)
	}
	if again := f.fake.HitsMatching("/sumdb/") - first; again != 0 {
		t.Errorf("repeating the lookup in a new client made %d requests, want 0 (record and tiles cached)", again)
	}
	before := f.fake.HitsMatching("/sumdb/")
	if _, _, err := f.client(t, cfg).Lookup(ctx, modPath, "v1.0.0"); err != nil {
		t.Fatal(err)
	}
	if other := f.fake.HitsMatching("/sumdb/") - before; other >= first {
		t.Errorf("lookup of another module made %d requests, want fewer than the first %d", other, first)
	}
	// The same works in memory within one client.
	mem := f.client(t, f.config())
	if _, _, err := mem.Lookup(ctx, toolchain, tcVersion); err != nil {
		t.Fatal(err)
	}
	before = f.fake.HitsMatching("/sumdb/")
	if _, _, err := mem.Lookup(ctx, toolchain, tcVersion); err != nil {
		t.Fatal(err)
	}
	if n := f.fake.HitsMatching("/sumdb/") - before; n != 0 {
		t.Errorf("in-memory repeat made %d requests, want 0", n)
	}
}

func TestConcurrentLookupsShareState(t *testing.T) {
	f := newFixture(t)
	cfg := f.config()
	cfg.CacheDir = tempdir.New(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path, version := toolchain, tcVersion
			if i%2 == 1 {
				path, version = modPath, "v1.0.0"
			}
			_, _, err := f.client(t, cfg).Lookup(context.Background(), path, version)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(cfg.CacheDir, "sumdb", f.modName, "latest")); err != nil {
		t.Errorf("tree head not persisted: %v", err)
	}
}

func TestVerificationDisabled(t *testing.T) {
	tests := []struct {
		name    string
		cfg     func(*Config)
		wantVar string
	}{
		{"GOSUMDB=off", func(c *Config) { c.GOSUMDB = "off" }, "GOSUMDB=off"},
		{"GONOSUMDB", func(c *Config) { c.GONOSUMDB = "golang.org" }, "GONOSUMDB=golang.org"},
		{"GOPRIVATE", func(c *Config) { c.GOPRIVATE = "golang.org/*" }, "GOPRIVATE=golang.org/*"},
		{"GONOSUMCHECK=1", func(c *Config) { c.GONOSUMCHECK = "1" }, "GONOSUMCHECK=1"},
		{"GONOSUMCHECK patterns", func(c *Config) { c.GONOSUMCHECK = "*.org" }, "GONOSUMCHECK=*.org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			cfg := f.config()
			tt.cfg(&cfg)
			c := f.client(t, cfg)
			_, _, err := c.Lookup(context.Background(), toolchain, tcVersion)
			if !errors.Is(err, ErrInsecure) || !strings.Contains(err.Error(), tt.wantVar) {
				t.Fatalf("Lookup = %v, want ErrInsecure naming %s", err, tt.wantVar)
			}
			if n := f.fake.HitsMatching(""); n != 0 {
				t.Errorf("%d requests made although verification is off", n)
			}
		})
	}
	f := newFixture(t)
	cfg := f.config()
	cfg.GONOSUMDB = "other.example"
	if err := f.client(t, cfg).CheckSumDB(toolchain); err != nil {
		t.Errorf("GONOSUMDB not matching: %v", err)
	}
}

func TestGoMod(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.client(t, f.config())
	data, err := c.GoMod(ctx, modPath, "v1.0.0")
	if err != nil || string(data) != modGoMod {
		t.Fatalf("GoMod = %q, %v", data, err)
	}
	if HashGoMod(data) != f.modH1 {
		t.Errorf("HashGoMod disagrees with the database")
	}

	before := f.fake.HitsMatching("/sumdb/")
	c2 := f.client(t, f.config())
	if _, err := c2.GoModSum(ctx, modPath, "v1.0.0", f.modH1); err != nil {
		t.Fatalf("GoModSum with the go.sum hash: %v", err)
	}
	if n := f.fake.HitsMatching("/sumdb/") - before; n != 0 {
		t.Errorf("GoModSum asked the database %d times, want 0", n)
	}
	if _, err := c2.GoModSum(ctx, modPath, "v1.0.0", "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="); !errors.Is(err, ErrVerification) {
		t.Errorf("GoModSum with a wrong hash = %v, want ErrVerification", err)
	}
	if _, err := c.GoMod(ctx, modPath, "v9.0.0"); !errors.Is(err, ErrNotFound) {
		t.Errorf("GoMod of a missing version = %v, want ErrNotFound", err)
	}
}

func TestGoModTamperedByProxy(t *testing.T) {
	f := newFixture(t)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".mod") {
			fmt.Fprint(w, modGoMod+"require evil.example v1.0.0\n")
			return
		}
		http.NotFound(w, r)
	}))
	defer evil.Close()
	cfg := f.config()
	cfg.GOPROXY = evil.URL
	cfg.GOSUMDB = f.fake.VerifierKey() + " " + f.fake.SumDBDirectURL()
	_, err := f.client(t, cfg).GoMod(context.Background(), modPath, "v1.0.0")
	if !errors.Is(err, ErrVerification) || !strings.Contains(err.Error(), modPath+"@v1.0.0") {
		t.Fatalf("GoMod from a lying proxy = %v, want ErrVerification naming the module", err)
	}
}

func TestGoModUnverifiedWhenPrivate(t *testing.T) {
	f := newFixture(t)
	var logs []string
	cfg := f.config()
	cfg.GOPRIVATE = "example.com"
	cfg.GONOPROXY = "none.example" // still fetched through the proxy
	cfg.Log = func(s string) { logs = append(logs, s) }
	data, err := f.client(t, cfg).GoMod(context.Background(), modPath, "v1.0.0")
	if err != nil || string(data) != modGoMod {
		t.Fatalf("GoMod = %q, %v", data, err)
	}
	if f.fake.HitsMatching("/sumdb/") != 0 || len(logs) != 1 || !strings.Contains(logs[0], "not verified") {
		t.Errorf("private module: database hits %d, logs %q; want none and one 'not verified' line", f.fake.HitsMatching("/sumdb/"), logs)
	}
}

func TestFileProxy(t *testing.T) {
	dir := tempdir.New(t)
	if err := os.MkdirAll(filepath.Join(dir, "example.com", "m", "@v"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "example.com", "m", "@v", "list"), []byte("v1.0.0\nv1.1.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := "file://" + filepath.ToSlash(dir)
	if !strings.HasPrefix(u, "file:///") {
		u = "file:///" + filepath.ToSlash(dir)
	}
	c, err := New(Config{GOPROXY: u + ",off", GOSUMDB: "off"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.List(context.Background(), "example.com/m")
	if err != nil || strings.Join(got, " ") != "v1.0.0 v1.1.0" {
		t.Fatalf("List from file proxy = %v, %v", got, err)
	}
	if _, err := c.List(context.Background(), "example.com/absent"); !errors.Is(err, ErrProxyOff) {
		t.Errorf("missing module in file proxy then off = %v, want ErrProxyOff", err)
	}
}
