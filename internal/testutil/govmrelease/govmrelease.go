// Package govmrelease gives the tests of govm's installers (docs/install's
// scripts, docs/action's GitHub Action) what those installers download in
// real life: a govm binary stamped as a release, served in the layout of a
// GitHub release. One copy, so the installers are tested against the same
// release shape.
package govmrelease

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/govm-dev/govm/internal/fsx"
)

// Version is the release Binary is stamped as: what `govm version` prints.
const Version = "1.2.0"

var (
	buildOnce sync.Once
	bin       []byte
	buildErr  error
)

// Binary returns cmd/govm built for this platform and stamped as Version
// the way .goreleaser.yaml stamps releases (-trimpath, buildinfo.Version).
// It is built once per test process, since a build takes seconds; a failed
// build fails every test that asks.
func Binary(t testing.TB) []byte {
	t.Helper()
	buildOnce.Do(func() {
		// Not a per-test directory: the build outlives the test that
		// triggered it, and only its bytes are kept.
		dir, err := os.MkdirTemp("", "govm-release-build-")
		if err != nil {
			buildErr = err
			return
		}
		defer fsx.RemoveAll(dir)
		out := filepath.Join(dir, "govm")
		cmd := exec.Command("go", "build", "-trimpath", "-o", out,
			"-ldflags", "-X github.com/govm-dev/govm/internal/buildinfo.Version="+Version, "github.com/govm-dev/govm/cmd/govm")
		if b, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, b)
			return
		}
		bin, buildErr = os.ReadFile(out)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return bin
}

// Serve serves version's archive for this platform (a .tar.gz holding
// files) and its checksums.txt on loopback, at the paths of a GitHub
// release: latest/download/checksums.txt, download/vVERSION/checksums.txt
// and download/vVERSION/ASSET. It returns the base URL (ending in
// /releases) that installers take as --base-url. checksums.txt also lists
// a Windows asset, so installers must pick their own line. With tamper the
// archive changes after its checksum was taken.
func Serve(t testing.TB, version string, files map[string][]byte, tamper bool) string {
	t.Helper()
	asset := fmt.Sprintf("govm_%s_%s_%s.tar.gz", version, runtime.GOOS, runtime.GOARCH)
	data := tarGz(t, files)
	sum := sha256.Sum256(data)
	sums := fmt.Sprintf("%s  %s\n%s  govm_%s_windows_amd64.zip\n", hex.EncodeToString(sum[:]), asset, strings.Repeat("0", 64), version)
	if tamper {
		data = append(data, 0)
	}
	tree := map[string][]byte{
		"/releases/latest/download/checksums.txt":           []byte(sums),
		"/releases/download/v" + version + "/checksums.txt": []byte(sums),
		"/releases/download/v" + version + "/" + asset:      data,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := tree[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/releases"
}

// tarGz packs files with mode 0755, as release archives hold executables,
// in name order so that an archive's checksum is the same on every run.
func tarGz(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		body := files[name]
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
