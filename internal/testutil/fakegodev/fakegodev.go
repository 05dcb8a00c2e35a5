// Package fakegodev is a stand-in for go.dev/dl and dl.google.com in tests:
// an httptest server on loopback serving a release index and archives, with
// counters and fault injection for retry, resume and verification tests.
//
// Routes:
//
//	/?mode=json&include=all      the index (also at /dl/?mode=json..., so
//	                             URL()+"/dl/" is a golang.google.cn-style mirror)
//	/dl/<filename>               an archive, with Range support
//
// Without include=all the index lists stable releases only, as go.dev does.
// Index answers carry an ETag and honour If-None-Match with 304.
package fakegodev

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govm-dev/govm/pkg/release"
)

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	srv *httptest.Server

	mu        sync.Mutex
	releases  []release.Release
	indexBody []byte // overrides the encoded releases when set
	archives  map[string][]byte
	hits      map[string]int
	ranges    map[string][]string
	failures  map[string]*failure
	cuts      map[string]*cut
	tampered  map[string]bool
	noETag    bool
}

type failure struct {
	left   int
	status int
}

type cut struct {
	left  int
	after int64
}

// modTime is fixed so that If-Range and Last-Modified behave the same on
// every run.
var modTime = time.Date(2024, 7, 2, 0, 0, 0, 0, time.UTC)

// New starts a fake serving releases (newest first, as go.dev lists them)
// and archives keyed by file name. It is closed when the test ends.
func New(t testing.TB, releases []release.Release, archives map[string][]byte) *Server {
	t.Helper()
	s := &Server{
		releases: releases,
		archives: map[string][]byte{},
		hits:     map[string]int{},
		ranges:   map[string][]string{},
		failures: map[string]*failure{},
		cuts:     map[string]*cut{},
		tampered: map[string]bool{},
	}
	for name, data := range archives {
		s.archives[name] = data
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the server's root, "http://127.0.0.1:PORT", without a trailing slash.
func (s *Server) URL() string { return s.srv.URL }

// IndexURL is the value for GoDevOptions.IndexURL.
func (s *Server) IndexURL() string { return s.srv.URL + "/" }

// DownloadBase is the value for GoDevOptions.DownloadBase.
func (s *Server) DownloadBase() string { return s.srv.URL + "/dl/" }

// Client returns a client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// ArchivePath is the request path of an archive, the key for Hits and friends.
func ArchivePath(filename string) string { return "/dl/" + filename }

// Hits is how many requests reached path ("/" for the index,
// ArchivePath(name) for an archive), faults included.
func (s *Server) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// RangeRequests returns the Range headers of the requests for path, in order;
// requests without one are not listed.
func (s *Server) RangeRequests(path string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ranges[path]...)
}

// FailNext makes the next n requests for path answer status with no body.
func (s *Server) FailNext(path string, n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[path] = &failure{left: n, status: status}
}

// CutAfter makes the next n answers for path drop the connection after
// sending afterBytes bytes of the body (the headers promise all of it), as a
// flaky network does.
func (s *Server) CutAfter(path string, afterBytes int64, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cuts[path] = &cut{left: n, after: afterBytes}
}

// Tamper makes the archive filename be served with one byte changed and the
// same size, so that only a hash check can catch it.
func (s *Server) Tamper(filename string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tampered[filename] = true
}

// SetReleases replaces the index (its ETag changes with it).
func (s *Server) SetReleases(releases []release.Release) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.releases, s.indexBody = releases, nil
}

// SetIndexBody makes the index answer body verbatim, for malformed-index tests.
func (s *Server) SetIndexBody(body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.indexBody = body
}

// DisableETag stops the index from carrying an ETag, like a plain file server.
func (s *Server) DisableETag() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noETag = true
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	s.mu.Lock()
	s.hits[path]++
	if rg := r.Header.Get("Range"); rg != "" {
		s.ranges[path] = append(s.ranges[path], rg)
	}
	if f := s.failures[path]; f != nil && f.left > 0 {
		f.left--
		s.mu.Unlock()
		w.WriteHeader(f.status)
		return
	}
	var c *cut
	if k := s.cuts[path]; k != nil && k.left > 0 {
		k.left--
		c = &cut{after: k.after}
	}
	s.mu.Unlock()

	switch {
	case (path == "/" || path == "/dl/") && r.URL.Query().Get("mode") == "json":
		s.serveIndex(w, r, r.URL.Query().Get("include") == "all")
	case strings.HasPrefix(path, "/dl/") && path != "/dl/":
		s.serveArchive(w, r, strings.TrimPrefix(path, "/dl/"), c)
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request, all bool) {
	s.mu.Lock()
	body, noETag := s.indexBody, s.noETag
	releases := s.releases
	s.mu.Unlock()
	if body == nil {
		var shown []release.Release
		for _, rel := range releases {
			if all || rel.Stable {
				shown = append(shown, rel)
			}
		}
		if shown == nil {
			shown = []release.Release{}
		}
		var err error
		if body, err = json.MarshalIndent(shown, "", " "); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	if !noETag {
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

func (s *Server) serveArchive(w http.ResponseWriter, r *http.Request, name string, c *cut) {
	s.mu.Lock()
	data, ok := s.archives[name]
	if ok && s.tampered[name] && len(data) > 0 {
		data = bytes.Clone(data)
		data[len(data)/2] ^= 0xff
	}
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if c != nil {
		w = &cuttingWriter{ResponseWriter: w, left: c.after}
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	// ServeContent implements Range, If-Range and 206/416 as real servers do.
	http.ServeContent(w, r, name, modTime, bytes.NewReader(data))
}

// cuttingWriter passes through a budget of body bytes, then aborts the
// connection so that the client sees a truncated body.
type cuttingWriter struct {
	http.ResponseWriter
	left int64
}

func (c *cuttingWriter) Write(p []byte) (int, error) {
	if int64(len(p)) <= c.left {
		c.left -= int64(len(p))
		return c.ResponseWriter.Write(p)
	}
	c.ResponseWriter.Write(p[:c.left])
	c.left = 0
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler)
}

// ArchiveFile describes data as the go.dev index would list it under
// filename: kind (archive, installer or source), version, os and arch come
// from the name; sha256 and size from the bytes. It panics on a name that is
// not a go.dev file name, since that is a mistake in the test itself.
func ArchiveFile(filename string, data []byte) release.File {
	sum := sha256.Sum256(data)
	f := release.File{Filename: filename, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
	switch {
	case strings.HasSuffix(filename, ".src.tar.gz"):
		f.Kind, f.Version = "source", strings.TrimSuffix(filename, ".src.tar.gz")
		return f
	case strings.HasSuffix(filename, ".tar.gz"), strings.HasSuffix(filename, ".zip"):
		f.Kind = "archive"
	case strings.HasSuffix(filename, ".msi"), strings.HasSuffix(filename, ".pkg"):
		f.Kind = "installer"
	default:
		panic(fmt.Sprintf("fakegodev: %q is not a go.dev file name", filename))
	}
	stem := filename[:strings.LastIndex(filename, ".")]
	stem = strings.TrimSuffix(stem, ".tar")
	dot := strings.LastIndexByte(stem, '.')
	goos, arch, ok := strings.Cut(stem[dot+1:], "-")
	if dot < 0 || !ok {
		panic(fmt.Sprintf("fakegodev: %q has no os-arch", filename))
	}
	f.Version, f.OS, f.Arch = stem[:dot], goos, arch
	return f
}

// NewRelease is a go.dev index entry for version (stable unless it is a beta
// or release candidate) holding files, listed in the order given.
func NewRelease(version string, files ...release.File) release.Release {
	stable := !strings.Contains(version, "rc") && !strings.Contains(version, "beta")
	return release.Release{Version: version, Stable: stable, Files: files}
}

// Fixture is the usual setup: for each version, a small fake archive per
// platform ("linux/amd64", "windows/amd64" -> .zip, ...), named as go.dev
// names them. It returns the releases newest first as listed and the archive
// bytes by file name, ready for New. The bytes are not a real archive; tests
// that unpack should put their own bytes in.
func Fixture(versions []string, platforms []string) ([]release.Release, map[string][]byte) {
	var rels []release.Release
	archives := map[string][]byte{}
	for _, v := range versions {
		var files []release.File
		for _, p := range platforms {
			goos, goarch, _ := strings.Cut(p, "/")
			if goarch == "arm" {
				goarch = "armv6l"
			}
			ext := ".tar.gz"
			if goos == "windows" {
				ext = ".zip"
			}
			name := v + "." + goos + "-" + goarch + ext
			data := []byte("fake archive " + name)
			archives[name] = data
			files = append(files, ArchiveFile(name, data))
		}
		rels = append(rels, NewRelease(v, files...))
	}
	return rels, archives
}
