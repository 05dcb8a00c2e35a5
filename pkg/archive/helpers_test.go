package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// sandbox returns parent/a/b/out (created) and parent: an entry escaping
// out by one or two levels, or by an absolute name into parent, lands in a
// place assertConfined sees.
func sandbox(t testing.TB) (out, parent string) {
	parent = tempdir.New(t)
	out = filepath.Join(parent, "a", "b", "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return out, parent
}

// assertConfined fails if anything exists under parent outside out (other
// than out's own parent directories), and if a symlink inside out leads
// outside it.
func assertConfined(t testing.TB, parent, out string) {
	t.Helper()
	allowed := map[string]bool{parent: true, filepath.Join(parent, "a"): true, filepath.Join(parent, "a", "b"): true}
	filepath.WalkDir(parent, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Errorf("walk %s: %v", p, err)
			return nil
		}
		if allowed[p] || p == out || strings.HasPrefix(p, out+string(filepath.Separator)) {
			if d.Type()&fs.ModeSymlink != 0 {
				if real, err := filepath.EvalSymlinks(p); err == nil && real != out && !strings.HasPrefix(real, out+string(filepath.Separator)) {
					t.Errorf("symlink %s resolves outside the extraction directory, to %s", p, real)
				}
			}
			return nil
		}
		t.Errorf("written outside the extraction directory: %s", p)
		return nil
	})
}

// tarEntry describes one entry of a generated tar archive.
type tarEntry struct {
	name     string
	typeflag byte
	body     string
	link     string
	mode     int64
	// short cuts the stream after the body's first short bytes while the
	// header still declares the whole body.
	short int
}

func file(name, body string) tarEntry { return tarEntry{name: name, typeflag: tar.TypeReg, body: body} }

func makeTarGz(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		mode := e.mode
		if mode == 0 {
			mode = 0o644
			if e.typeflag == tar.TypeDir {
				mode = 0o755
			}
		}
		hdr := &tar.Header{Name: e.name, Typeflag: e.typeflag, Linkname: e.link, Mode: mode, Size: int64(len(e.body)), Format: tar.FormatPAX}
		if e.typeflag == tar.TypeXGlobalHeader {
			hdr = &tar.Header{Typeflag: e.typeflag, PAXRecords: map[string]string{"comment": "made by a test"}}
		}
		if e.typeflag != tar.TypeReg {
			hdr.Size = 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatalf("write tar header %q: %v", e.name, err)
		}
		if e.short > 0 {
			tw.Write([]byte(e.body[:e.short]))
			gz.Close()
			return buf.Bytes()
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	gz.Close()
	return buf.Bytes()
}

// zipEntry describes one entry of a generated zip archive.
type zipEntry struct {
	name string
	body string
	mode fs.FileMode // 0: a plain file (or directory for names ending in /)
	// declared, when set, is the uncompressed size written in the headers
	// instead of the real one (stored, or deflated when deflate is set).
	declared uint64
	deflate  bool
}

func makeZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		hdr := &zip.FileHeader{Name: e.name, Method: zip.Store}
		if e.deflate {
			hdr.Method = zip.Deflate
		}
		if e.mode != 0 {
			hdr.SetMode(e.mode)
		}
		if e.declared != 0 {
			// A raw entry with lying sizes: the data is stored, its CRC is
			// right, only the uncompressed size is wrong.
			raw := []byte(e.body)
			hdr.Method = zip.Store
			if e.deflate {
				hdr.Method = zip.Deflate
				var c bytes.Buffer
				fw, _ := flate.NewWriter(&c, flate.BestCompression)
				fw.Write(raw)
				fw.Close()
				raw = c.Bytes()
			}
			hdr.CRC32 = crc32.ChecksumIEEE([]byte(e.body))
			hdr.CompressedSize64 = uint64(len(raw))
			hdr.UncompressedSize64 = e.declared
			w, err := zw.CreateRaw(hdr)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(raw)
			continue
		}
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			t.Fatalf("zip entry %q: %v", e.name, err)
		}
		w.Write([]byte(e.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func makeGzip(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	gz.Write(data)
	gz.Close()
	return buf.Bytes()
}
