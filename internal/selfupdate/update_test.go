package selfupdate

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/release"
)

// tarGz builds a goreleaser-like archive holding files (name -> content).
func tarGz(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	return buf.Bytes()
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// releaseTree lays out a release base: files under download/vVERSION/, and
// latest/download/ mirroring the newest version, as GitHub serves them.
type releaseTree map[string][]byte

func (rt releaseTree) add(version string, assets map[string][]byte, latest bool) {
	var sums strings.Builder
	for name, data := range assets {
		rt["download/v"+version+"/"+name] = data
		fmt.Fprintf(&sums, "%s  %s\n", sha(data), name)
	}
	rt["download/v"+version+"/checksums.txt"] = []byte(sums.String())
	if latest {
		rt["latest/download/checksums.txt"] = []byte(sums.String())
	}
}

func (rt releaseTree) serve(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, ok := rt[strings.TrimPrefix(r.URL.Path, "/releases/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (rt releaseTree) writeDir(t *testing.T) string {
	dir := tempdir.New(t)
	for name, data := range rt {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func sampleTree(t *testing.T) releaseTree {
	rt := releaseTree{}
	rt.add("1.1.0", map[string][]byte{
		"govm_1.1.0_linux_amd64.tar.gz": tarGz(t, map[string]string{"govm": "v1.1.0 linux", "LICENSE": "l"}),
	}, false)
	rt.add("1.2.0", map[string][]byte{
		"govm_1.2.0_linux_amd64.tar.gz":   tarGz(t, map[string]string{"govm": "v1.2.0 linux", "govm-shim": "shim", "README.md": "r"}),
		"govm_1.2.0_windows_amd64.zip":    zipOf(t, map[string]string{"govm.exe": "v1.2.0 windows", "govm-shim.exe": "shim"}),
		"govm_1.2.0_darwin_arm64.tar.gz":  tarGz(t, map[string]string{"govm_1.2.0_darwin_arm64/govm": "v1.2.0 darwin"}),
		"govm_1.2.0_freebsd_amd64.tar.gz": tarGz(t, map[string]string{"a/b/govm": "nested too deep", "govm-shim": "not govm"}),
	}, true)
	return rt
}

func TestCheck(t *testing.T) {
	srv := sampleTree(t).serve(t)
	base := srv.URL + "/releases"
	tests := []struct {
		name       string
		opts       Options
		wantLatest string
		wantNewer  bool
		wantErr    error
	}{
		{"newer latest", Options{GOOS: "linux", GOARCH: "amd64", Current: "v1.1.0"}, "1.2.0", true, nil},
		{"up to date", Options{GOOS: "linux", GOARCH: "amd64", Current: "1.2.0"}, "1.2.0", false, nil},
		{"devel build", Options{GOOS: "windows", GOARCH: "amd64", Current: "devel"}, "1.2.0", true, nil},
		{"pinned older", Options{GOOS: "linux", GOARCH: "amd64", Current: "1.2.0", Version: "v1.1.0"}, "1.1.0", false, nil},
		{"no archive for platform", Options{GOOS: "plan9", GOARCH: "amd64", Current: "1.0.0"}, "", false, ErrNoAsset},
		{"no such release", Options{GOOS: "linux", GOARCH: "amd64", Version: "9.9.9"}, "", false, release.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.BaseURL = base
			u, err := Check(context.Background(), tt.opts)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u.Latest != tt.wantLatest || u.Newer != tt.wantNewer {
				t.Fatalf("got %+v, want latest %s newer %v", u, tt.wantLatest, tt.wantNewer)
			}
			if !strings.HasPrefix(u.URL, base+"/download/v"+tt.wantLatest+"/govm_"+tt.wantLatest+"_") {
				t.Errorf("URL %s does not point into the pinned release directory", u.URL)
			}
		})
	}
}

func TestCheckUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusBadGateway)
	}))
	defer srv.Close()
	_, err := Check(context.Background(), Options{BaseURL: srv.URL, GOOS: "linux", GOARCH: "amd64"})
	if !errors.Is(err, release.ErrUnavailable) || !strings.Contains(err.Error(), srv.URL+"/latest/download/checksums.txt") {
		t.Fatalf("err = %v, want ErrUnavailable naming the URL", err)
	}
}

// oldExe writes the "running" binary the update replaces.
func oldExe(t *testing.T, goos string) string {
	exe := filepath.Join(tempdir.New(t), exeName(goos))
	if err := os.WriteFile(exe, []byte("old"), 0o755); err != nil {
		t.Fatal(err)
	}
	return exe
}

func TestApplyReplacesTheBinary(t *testing.T) {
	rt := sampleTree(t)
	srv := rt.serve(t)
	for _, tt := range []struct{ goos, goarch, want, base string }{
		{"linux", "amd64", "v1.2.0 linux", srv.URL + "/releases"},
		{"windows", "amd64", "v1.2.0 windows", srv.URL + "/releases"},
		{"darwin", "arm64", "v1.2.0 darwin", srv.URL + "/releases"},
		{"linux", "amd64", "v1.2.0 linux", rt.writeDir(t)},                  // a mirror directory
		{"linux", "amd64", "v1.2.0 linux", release.FileURL(rt.writeDir(t))}, // as a file:// URL
	} {
		t.Run(tt.goos+" from "+tt.base[:4], func(t *testing.T) {
			opts := Options{BaseURL: tt.base, GOOS: tt.goos, GOARCH: tt.goarch, Current: "1.0.0"}
			u, err := Check(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			exe := oldExe(t, tt.goos)
			if err := Apply(context.Background(), opts, u, exe); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(exe)
			if string(got) != tt.want {
				t.Fatalf("binary holds %q, want %q", got, tt.want)
			}
			if fi, _ := os.Stat(exe); runtime.GOOS != "windows" && fi.Mode().Perm()&0o111 == 0 {
				t.Errorf("new binary is not executable: %v", fi.Mode())
			}
			assertOnlyExe(t, exe)
		})
	}
}

// assertOnlyExe fails when an update left temporary files beside exe.
func assertOnlyExe(t *testing.T, exe string) {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Dir(exe))
	for _, e := range entries {
		if e.Name() != filepath.Base(exe) && !strings.HasPrefix(e.Name(), filepath.Base(exe)+asideSuffix) {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestApplyRefusesBadArchives(t *testing.T) {
	rt := sampleTree(t)
	// A tampered archive: checksums.txt still lists the original's hash.
	tampered := releaseTree{}
	for k, v := range rt {
		tampered[k] = v
	}
	name := "download/v1.2.0/govm_1.2.0_linux_amd64.tar.gz"
	tampered[name] = append(append([]byte(nil), rt[name]...), 0)
	tamperedURL := tampered.serve(t).URL + "/releases"
	goodURL := rt.serve(t).URL + "/releases"

	tests := []struct {
		name, base, goos, goarch string
		wantErr                  error
	}{
		{"checksum mismatch", tamperedURL, "linux", "amd64", ErrChecksumMismatch},
		{"no govm inside", goodURL, "freebsd", "amd64", ErrNoBinary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{BaseURL: tt.base, GOOS: tt.goos, GOARCH: tt.goarch, Current: "1.0.0"}
			u, err := Check(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			exe := oldExe(t, tt.goos)
			err = Apply(context.Background(), opts, u, exe)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == ErrChecksumMismatch && !errors.Is(err, release.ErrVerification) {
				t.Errorf("a checksum mismatch must be a verification failure (exit 3): %v", err)
			}
			if got, _ := os.ReadFile(exe); string(got) != "old" {
				t.Fatalf("binary changed to %q after a refused update", got)
			}
			assertOnlyExe(t, exe)
		})
	}
}

func TestReplaceAside(t *testing.T) {
	dir := tempdir.New(t)
	exe := filepath.Join(dir, "govm.exe")
	newExe := filepath.Join(dir, "new")
	os.WriteFile(exe, []byte("old"), 0o755)
	os.WriteFile(newExe, []byte("new"), 0o755)
	// A leftover of an earlier update is replaced, not an obstacle.
	os.WriteFile(exe+asideSuffix, []byte("older"), 0o755)
	if err := replaceAside(exe, newExe); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(exe); string(got) != "new" {
		t.Fatalf("exe holds %q", got)
	}
	if _, err := os.Stat(newExe); !os.IsNotExist(err) {
		t.Errorf("new file still there: %v", err)
	}

	// The new file is missing: the old binary must be back in place.
	if err := replaceAside(exe, filepath.Join(dir, "missing")); err == nil {
		t.Fatal("replace with a missing file succeeded")
	}
	if got, _ := os.ReadFile(exe); string(got) != "new" {
		t.Fatalf("failed replace lost the binary: %q", got)
	}
}

func TestCleanupAside(t *testing.T) {
	dir := tempdir.New(t)
	exe := filepath.Join(dir, "govm.exe")
	for _, name := range []string{"govm.exe", "govm.exe.old", "govm.exe.old-1234", "govm.exe.older", "other.exe.old"} {
		os.WriteFile(filepath.Join(dir, name), []byte(name), 0o755)
	}
	if n := CleanupAside(exe); n != 2 {
		t.Errorf("removed %d files, want 2", n)
	}
	for name, want := range map[string]bool{"govm.exe": true, "govm.exe.old": false, "govm.exe.old-1234": false, "govm.exe.older": true, "other.exe.old": true} {
		_, err := os.Stat(filepath.Join(dir, name))
		if (err == nil) != want {
			t.Errorf("%s exists = %v, want %v", name, err == nil, want)
		}
	}
}
