package download

import (
	"context"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/govm-dev/govm/internal/fsx"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// BenchmarkFetchLoopback measures a download over loopback into a SHA-256
// hasher, with and without the partial copy on disk. Compare with
// BenchmarkSHA256: the difference is what fetching adds to hashing.
func BenchmarkFetchLoopback(b *testing.B) {
	data := testData(64 << 20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serve(w, r, data) }))
	defer srv.Close()
	dir := tempdir.New(b)
	for _, tc := range []struct {
		name    string
		partial bool
	}{{"hash-only", false}, {"hash+partial-file", true}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; b.Loop(); i++ {
				partial := ""
				if tc.partial {
					partial = filepath.Join(dir, "bench.partial")
					fsx.RemoveAll(partial)
				}
				h := sha256.New()
				res, err := Fetch(context.Background(), srv.URL, partial, h, Options{Client: srv.Client(), Size: int64(len(data))})
				if err != nil || res.Bytes != int64(len(data)) {
					b.Fatal(res, err)
				}
			}
		})
	}
}

// BenchmarkSHA256 is the floor for BenchmarkFetchLoopback.
func BenchmarkSHA256(b *testing.B) {
	data := testData(64 << 20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		h := sha256.New()
		for off := 0; off < len(data); off += 256 << 10 {
			h.Write(data[off : off+256<<10])
		}
		h.Sum(nil)
	}
}
