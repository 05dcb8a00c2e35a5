package archive

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/govm-dev/govm/internal/fsx"
)

// benchDir holds the generated archives of this run; TestMain removes it.
var benchDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		fsx.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// toolchain is a generated archive resembling a Go toolchain.
type toolchain struct {
	tgz, zip string // paths
	files    int
	bytes    int64 // uncompressed
}

var (
	toolchainOnce sync.Once
	toolchainGen  toolchain
	toolchainErr  error
)

// words make source files compress about as well as Go source does.
var words = strings.Fields(`func return if else for range package import type struct interface map chan
go defer select case switch default var const err nil error string int int64 byte rune bool true false
fmt Errorf Sprintf context Context ctx len cap append make new copy sync Mutex Lock Unlock strings bytes
Buffer Write Read Close io Reader Writer os File path filepath Join Base Dir http Request Response :=
= == != { } ( ) [ ] , ; . + - * / // the a of to in is that for value result index count name data`)

func sourceFile(r *rand.Rand, size int) []byte {
	var b bytes.Buffer
	for b.Len() < size {
		for range 4 + r.IntN(8) {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(' ')
		}
		if r.IntN(5) == 0 {
			fmt.Fprintf(&b, "%d ", r.IntN(100000))
		}
		b.WriteByte('\n')
	}
	return b.Bytes()[:size]
}

// binaryFile mixes incompressible runs with repetitive code-like runs,
// compressing to roughly half like real executables.
func binaryFile(r *rand.Rand, size int) []byte {
	b := make([]byte, size)
	pattern := make([]byte, 64)
	for i := range pattern {
		pattern[i] = byte(r.IntN(256))
	}
	for off := 0; off < size; off += 4096 {
		chunk := b[off:min(off+4096, size)]
		if r.IntN(10) < 4 {
			for i := range chunk {
				chunk[i] = byte(r.Uint32())
			}
			continue
		}
		for i := range chunk {
			chunk[i] = pattern[i%len(pattern)]
			if i%16 == 0 {
				chunk[i] = byte(r.IntN(8))
			}
		}
	}
	return b
}

// makeToolchain writes go.tar.gz and go.zip with about 12,000 files: source
// files of 1-16 KB and six binaries of 10-30 MB, about 200 MB in all.
func makeToolchain(b *testing.B) toolchain {
	toolchainOnce.Do(func() {
		dir, err := os.MkdirTemp("", "govm-archive-bench-")
		if err != nil {
			toolchainErr = err
			return
		}
		benchDir = dir
		toolchainErr = writeToolchain(dir, &toolchainGen)
	})
	if toolchainErr != nil {
		b.Fatal(toolchainErr)
	}
	return toolchainGen
}

func writeToolchain(dir string, tc *toolchain) error {
	tc.tgz, tc.zip = filepath.Join(dir, "go.tar.gz"), filepath.Join(dir, "go.zip")
	ft, err := os.Create(tc.tgz)
	if err != nil {
		return err
	}
	defer ft.Close()
	fz, err := os.Create(tc.zip)
	if err != nil {
		return err
	}
	defer fz.Close()
	bt := bufio.NewWriterSize(ft, 1<<20)
	gz := gzip.NewWriter(bt)
	tw := tar.NewWriter(gz)
	bz := bufio.NewWriterSize(fz, 1<<20)
	zw := zip.NewWriter(bz)
	add := func(name string, mode int64, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		if _, err := tw.Write(data); err != nil {
			return err
		}
		hdr := &zip.FileHeader{Name: name, Method: zip.Deflate}
		hdr.SetMode(os.FileMode(mode))
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		tc.files++
		tc.bytes += int64(len(data))
		return err
	}
	r := rand.New(rand.NewPCG(7, 11))
	for i, mb := range []int{10, 12, 15, 20, 25, 30} {
		if err := add(fmt.Sprintf("go/pkg/tool/linux_amd64/tool%d", i), 0o755, binaryFile(r, mb<<20)); err != nil {
			return err
		}
	}
	for i := range 12000 - 6 {
		name := fmt.Sprintf("go/src/pkg%03d/file%02d.go", i/40, i%40)
		if err := add(name, 0o644, sourceFile(r, 1024+r.IntN(15*1024))); err != nil {
			return err
		}
	}
	for _, c := range []interface{ Close() error }{tw, gz, zw} {
		if err := c.Close(); err != nil {
			return err
		}
	}
	if err := bt.Flush(); err != nil {
		return err
	}
	return bz.Flush()
}

// extractDir returns a fresh directory for one iteration, under
// $GOVM_BENCH_EXTRACT_DIR when set (a tmpfs such as /dev/shm measures the
// code rather than the disk's file creation rate).
func extractDir(b *testing.B, i int) string {
	base := benchDir
	if d := os.Getenv("GOVM_BENCH_EXTRACT_DIR"); d != "" {
		base = d
	}
	d := filepath.Join(base, fmt.Sprintf("govm-bench-out%d", i))
	if err := os.Mkdir(d, 0o755); err != nil {
		b.Fatal(err)
	}
	return d
}

func BenchmarkExtractTarGz(b *testing.B) {
	tc := makeToolchain(b)
	b.SetBytes(tc.bytes)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		out := extractDir(b, i)
		f, err := os.Open(tc.tgz)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		m, err := ExtractTarGz(context.Background(), f, out, Options{Prefix: "go/"})
		b.StopTimer()
		f.Close()
		if err != nil || len(m) != tc.files {
			b.Fatalf("%d entries, %v", len(m), err)
		}
		fsx.RemoveAll(out)
		b.StartTimer()
	}
}

func BenchmarkExtractZip(b *testing.B) {
	tc := makeToolchain(b)
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			f, err := os.Open(tc.zip)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			fi, _ := f.Stat()
			b.SetBytes(tc.bytes)
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				out := extractDir(b, i)
				b.StartTimer()
				m, err := ExtractZip(context.Background(), f, fi.Size(), out, Options{Prefix: "go/", Workers: workers})
				b.StopTimer()
				if err != nil || len(m) != tc.files {
					b.Fatalf("%d entries, %v", len(m), err)
				}
				fsx.RemoveAll(out)
				b.StartTimer()
			}
		})
	}
}

// BenchmarkSHA256Stream is the hashing floor under both extractions:
// the same number of bytes, hashed in the chunk size extraction uses.
func BenchmarkSHA256Stream(b *testing.B) {
	buf := binaryFile(rand.New(rand.NewPCG(1, 2)), copyBufferSize)
	const total = 200 << 20
	b.SetBytes(total)
	for b.Loop() {
		h := sha256.New()
		for n := 0; n < total; n += len(buf) {
			h.Write(buf)
		}
		h.Sum(nil)
	}
}
