// Package fakeproxy is a Go module proxy with its own checksum database,
// on loopback, for tests. It serves golang.org/toolchain (and any module
// added with AddModule) the way proxy.golang.org does, and a checksum
// database signed by a key generated at test time, both under the proxy's
// /sumdb/<name>/ path and on a second, TLS server that stands in for
// https://<name> (reach it through Client()).
//
// Proxy routes (module paths escaped as in the GOPROXY protocol):
//
//	/<module>/@v/list                    versions, minus those hidden with Unlist
//	/<module>/@v/<version>.info|.mod|.zip
//	/<module>/@latest                    always 404, like our filtering mirror
//	/sumdb/<name>/supported              200 unless WithoutSumDBSupport
//	/sumdb/<name>/latest|lookup/...|tile/...
//
// Fault injection: FailNext, TamperZip, SignWithRogueKey, CorruptTiles, Fork.
package fakeproxy

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb"
)

// ToolchainModule is the module path Go toolchains are published under.
const ToolchainModule = "golang.org/toolchain"

// DefaultSumDBName is the checksum database's name unless WithSumDBName says otherwise.
const DefaultSumDBName = "sum.fake.test"

// ModuleVersion is the golang.org/toolchain version of a Go release for a
// platform: ModuleVersion("go1.22.5", "linux", "amd64") is
// "v0.0.1-go1.22.5.linux-amd64".
func ModuleVersion(goVersion, goos, goarch string) string {
	return "v0.0.1-" + goVersion + "." + goos + "-" + goarch
}

// ModulePrefix is the directory every entry of that toolchain zip sits under.
func ModulePrefix(goVersion, goos, goarch string) string {
	return ToolchainModule + "@" + ModuleVersion(goVersion, goos, goarch) + "/"
}

// Option configures New.
type Option func(*options)

type options struct {
	sumDBName     string
	noSumDBSupprt bool
}

// WithSumDBName names the checksum database (a host name; default DefaultSumDBName).
func WithSumDBName(name string) Option { return func(o *options) { o.sumDBName = name } }

// WithoutSumDBSupport makes /sumdb/<name>/ answer 404 everywhere, so
// clients must reach the database directly at https://<name>.
func WithoutSumDBSupport() Option { return func(o *options) { o.noSumDBSupprt = true } }

// Server is a running fake proxy and checksum database. Its methods are
// safe for concurrent use.
type Server struct {
	t     testing.TB
	proxy *httptest.Server
	dbSrv *httptest.Server // TLS, stands in for https://<name>
	db    *database
	sumdb http.Handler
	opts  options

	mu       sync.Mutex
	modules  map[string]map[string]*modVersion // path -> version -> files
	listBody map[string]string                 // path -> verbatim @v/list
	hits     map[string]int
	failures map[string]*failure
}

type modVersion struct {
	info, mod, zip []byte
	tampered       bool
	unlisted       bool
}

type failure struct {
	left, status int
}

// New starts a fake proxy and checksum database, closed when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	o := options{sumDBName: DefaultSumDBName}
	for _, opt := range opts {
		opt(&o)
	}
	db, err := newDatabase(o.sumDBName)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{
		t: t, db: db, opts: o,
		sumdb:    sumdb.NewServer(db),
		modules:  map[string]map[string]*modVersion{},
		listBody: map[string]string{},
		hits:     map[string]int{},
		failures: map[string]*failure{},
	}
	s.proxy = httptest.NewServer(http.HandlerFunc(s.serveProxy))
	t.Cleanup(s.proxy.Close)
	s.dbSrv = httptest.NewTLSServer(http.HandlerFunc(s.serveDirectDB))
	t.Cleanup(s.dbSrv.Close)
	return s
}

// URL is the proxy's base URL, "http://127.0.0.1:PORT", for GOPROXY.
func (s *Server) URL() string { return s.proxy.URL }

// SumDBName is the checksum database's name.
func (s *Server) SumDBName() string { return s.db.name }

// VerifierKey is the database's verifier key; GOSUMDB=VerifierKey() makes a
// client trust it.
func (s *Server) VerifierKey() string { return s.db.vkey }

// SumDBDirectURL is the database's own server, for GOSUMDB="key URL".
func (s *Server) SumDBDirectURL() string { return s.dbSrv.URL }

// Client returns an HTTP client that reaches the proxy, and reaches
// https://<SumDBName()> at the fake's TLS server (trusting its certificate),
// so that a client falling back to the database's direct URL finds it.
func (s *Server) Client() *http.Client {
	base := s.dbSrv.Client().Transport.(*http.Transport).Clone()
	dbAddr := s.dbSrv.Listener.Addr().String()
	name := s.db.name
	var d net.Dialer
	base.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == name+":443" {
			addr = dbAddr
		}
		return d.DialContext(ctx, network, addr)
	}
	// httptest's certificate names example.com and 127.0.0.1; checking the
	// database's TLS server as example.com keeps certificate verification on.
	base.TLSClientConfig = base.TLSClientConfig.Clone()
	base.TLSClientConfig.ServerName = "example.com"
	base.TLSClientConfig.MinVersion = tls.VersionTLS12
	return &http.Client{Transport: base}
}

// Add publishes a golang.org/toolchain zip for a Go release and platform
// and records its hashes in the checksum database. The zip's entries must
// sit under ModulePrefix(goVersion, goos, goarch).
func (s *Server) Add(goVersion, goos, goarch string, zip []byte) {
	s.t.Helper()
	s.addModule(ToolchainModule, ModuleVersion(goVersion, goos, goarch), []byte("module "+ToolchainModule+"\n"), zip, true)
}

// AddFiles is Add with the zip built from files (paths relative to GOROOT).
func (s *Server) AddFiles(goVersion, goos, goarch string, files map[string]FileSpec) []byte {
	s.t.Helper()
	zip, err := ModuleZip(ModulePrefix(goVersion, goos, goarch), files)
	if err != nil {
		s.t.Fatal(err)
	}
	s.Add(goVersion, goos, goarch, zip)
	return zip
}

// AddModule publishes any module version with the given go.mod (its zip
// holds just that go.mod) and records it in the checksum database.
func (s *Server) AddModule(path, version string, goMod []byte) {
	s.t.Helper()
	zip, err := ModuleZip(path+"@"+version+"/", map[string]FileSpec{"go.mod": {Data: goMod}})
	if err != nil {
		s.t.Fatal(err)
	}
	s.addModule(path, version, goMod, zip, true)
}

// AddUnrecorded publishes a toolchain zip the checksum database does not
// know, as for a release the database has never seen.
func (s *Server) AddUnrecorded(goVersion, goos, goarch string, zip []byte) {
	s.t.Helper()
	s.addModule(ToolchainModule, ModuleVersion(goVersion, goos, goarch), []byte("module "+ToolchainModule+"\n"), zip, false)
}

func (s *Server) addModule(path, version string, goMod, zip []byte, record bool) {
	s.t.Helper()
	if err := module.Check(path, version); err != nil {
		s.t.Fatalf("fakeproxy: %v", err)
	}
	h1, err := HashZip(zip)
	if err != nil {
		s.t.Fatalf("fakeproxy: %s@%s: %v", path, version, err)
	}
	if record {
		if err := s.db.add(path, version, h1, HashGoMod(goMod)); err != nil {
			s.t.Fatal(err)
		}
	}
	info, _ := json.Marshal(map[string]string{"Version": version, "Time": modTime.Format("2006-01-02T15:04:05Z")})
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.modules[path] == nil {
		s.modules[path] = map[string]*modVersion{}
	}
	s.modules[path][version] = &modVersion{info: info, mod: goMod, zip: zip}
}

// Unlist hides a version from @v/list while still serving it, like a
// filtering mirror's partial list.
func (s *Server) Unlist(path, version string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if mv := s.modules[path][version]; mv != nil {
		mv.unlisted = true
	}
}

// SetListBody makes @v/list of path answer body verbatim (junk lines, say).
func (s *Server) SetListBody(path, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listBody[path] = body
}

// TamperZip serves the toolchain zip with one byte of file content changed
// after its hash was recorded, so only verification can catch it.
func (s *Server) TamperZip(goVersion, goos, goarch string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if mv := s.modules[ToolchainModule][ModuleVersion(goVersion, goos, goarch)]; mv != nil {
		mv.tampered = true
	}
}

// FailNext makes the next n requests for the exact URL path answer status
// (on the proxy and on the database's own server).
func (s *Server) FailNext(path string, n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[path] = &failure{left: n, status: status}
}

// SignWithRogueKey makes the database sign tree heads with a key of the
// same name that clients do not trust (on = true), or the real key again.
func (s *Server) SignWithRogueKey(on bool) {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	s.db.useRogue = on
}

// CorruptTiles makes every tile the database serves disagree with its
// signed tree (on = true), or serves correct tiles again.
func (s *Server) CorruptTiles(on bool) {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	s.db.badTiles = on
}

// Fork rewrites the database's history under the same key: a client that
// saw a tree head before must report that the new one does not extend it.
func (s *Server) Fork() {
	s.t.Helper()
	if err := s.db.fork(); err != nil {
		s.t.Fatal(err)
	}
}

// Hits is how many requests reached the exact URL path, on either server
// ("/golang.org/toolchain/@v/list", "/sumdb/<name>/supported", "/lookup/...").
func (s *Server) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// HitsMatching is how many requests reached a path containing substr; ""
// counts every request.
func (s *Server) HitsMatching(substr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for p, c := range s.hits {
		if strings.Contains(p, substr) {
			n += c
		}
	}
	return n
}

// count records a hit and reports an injected failure status, or 0.
func (s *Server) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits[path]++
	if f := s.failures[path]; f != nil && f.left > 0 {
		f.left--
		return f.status
	}
	return 0
}

func (s *Server) serveProxy(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if code := s.count(path); code != 0 {
		http.Error(w, fmt.Sprintf("injected failure %d", code), code)
		return
	}
	if rest, ok := strings.CutPrefix(path, "/sumdb/"+s.db.name+"/"); ok {
		if s.opts.noSumDBSupprt {
			http.NotFound(w, r)
			return
		}
		if rest == "supported" {
			w.WriteHeader(http.StatusOK)
			return
		}
		s.serveDB(w, r, "/"+rest)
		return
	}
	escPath, file, ok := strings.Cut(strings.TrimPrefix(path, "/"), "/@v/")
	if !ok {
		http.NotFound(w, r) // @latest included: our mirror does not serve it
		return
	}
	modPath, err := module.UnescapePath(escPath)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if file == "list" {
		s.serveList(w, modPath)
		return
	}
	s.serveVersionFile(w, r, modPath, file)
}

func (s *Server) serveList(w http.ResponseWriter, modPath string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if body, ok := s.listBody[modPath]; ok {
		fmt.Fprint(w, body)
		return
	}
	versions, ok := s.modules[modPath]
	if !ok {
		http.Error(w, "not found: "+modPath, http.StatusNotFound)
		return
	}
	var listed []string
	for v, mv := range versions {
		if !mv.unlisted {
			listed = append(listed, v)
		}
	}
	sort.Strings(listed)
	for _, v := range listed {
		fmt.Fprintln(w, v)
	}
}

func (s *Server) serveVersionFile(w http.ResponseWriter, r *http.Request, modPath, file string) {
	ext := file[strings.LastIndexByte(file, '.')+1:]
	escVersion := strings.TrimSuffix(file, "."+ext)
	version, err := module.UnescapeVersion(escVersion)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	mv := s.modules[modPath][version]
	s.mu.Unlock()
	if mv == nil {
		http.Error(w, "not found: "+modPath+"@"+version, http.StatusNotFound)
		return
	}
	switch ext {
	case "info":
		w.Header().Set("Content-Type", "application/json")
		w.Write(mv.info)
	case "mod":
		w.Write(mv.mod)
	case "zip":
		data := mv.zip
		if mv.tampered {
			data = tamper(s.t, data)
		}
		w.Header().Set("Content-Type", "application/zip")
		http.ServeContent(w, r, file, modTime, bytes.NewReader(data))
	default:
		http.NotFound(w, r)
	}
}

// serveDirectDB is the database's own server: the same paths without the
// /sumdb/<name> prefix.
func (s *Server) serveDirectDB(w http.ResponseWriter, r *http.Request) {
	if code := s.count(r.URL.Path); code != 0 {
		http.Error(w, fmt.Sprintf("injected failure %d", code), code)
		return
	}
	s.serveDB(w, r, r.URL.Path)
}

func (s *Server) serveDB(w http.ResponseWriter, r *http.Request, path string) {
	r2 := r.Clone(r.Context())
	r2.URL.Path = path
	r2.URL.RawPath = ""
	s.sumdb.ServeHTTP(w, r2)
}
