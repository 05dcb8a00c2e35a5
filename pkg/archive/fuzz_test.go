package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// fuzzLimits keep a fuzzed archive from filling the disk.
var fuzzLimits = Limits{MaxTotalBytes: 8 << 20, MaxFiles: 2000, MaxFileBytes: 4 << 20}

// checkExtracted asserts what every extraction promises: nothing outside
// out, and on success a manifest that matches the files on disk.
func checkExtracted(t *testing.T, parent, out string, m Manifest, err error) {
	t.Helper()
	assertConfined(t, parent, out)
	if err != nil {
		if err.Error() == "" {
			t.Fatal("empty error message")
		}
		return
	}
	for _, e := range m {
		p := filepath.Join(out, filepath.FromSlash(e.Path))
		fi, lerr := os.Lstat(p)
		if lerr != nil {
			t.Fatalf("manifest entry %q: %v", e.Path, lerr)
		}
		switch {
		case e.Mode.IsRegular():
			b, rerr := os.ReadFile(p)
			if rerr != nil || int64(len(b)) != e.Size || sha256.Sum256(b) != e.SHA256 {
				t.Fatalf("manifest entry %q does not match the file on disk (%d bytes, %v)", e.Path, len(b), rerr)
			}
		case e.Mode.IsDir():
			if !fi.IsDir() {
				t.Fatalf("manifest directory %q is %v on disk", e.Path, fi.Mode())
			}
		case e.Mode&fs.ModeSymlink != 0:
			if fi.Mode()&fs.ModeSymlink == 0 {
				t.Fatalf("manifest symlink %q is %v on disk", e.Path, fi.Mode())
			}
		}
	}
}

func FuzzExtractTarGz(f *testing.F) {
	f.Add(makeTarGz(f, tarEntry{name: "go/", typeflag: tar.TypeDir}, file("go/bin/go", "ELF"), file("go/src/a.go", "package a")))
	f.Add(makeTarGz(f, file("a", "1"), tarEntry{name: "l", typeflag: tar.TypeSymlink, link: "a"}, tarEntry{name: "h", typeflag: tar.TypeLink, link: "a"}))
	f.Add(makeTarGz(f, tarEntry{name: "d/up", typeflag: tar.TypeSymlink, link: ".."}, tarEntry{name: "t", typeflag: tar.TypeSymlink, link: "d/up/../.."}))
	f.Add(makeTarGz(f, file("../x", "1")))
	f.Add(makeTarGz(f, file("x", "1"), file("X", "2")))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		out, parent := sandbox(t)
		o := Options{Limits: fuzzLimits, CaseInsensitive: len(data)%2 == 0, WindowsNames: len(data)%3 == 0}
		m, err := ExtractTarGz(context.Background(), bytes.NewReader(data), out, o)
		checkExtracted(t, parent, out, m, err)
	})
}

func FuzzExtractZip(f *testing.F) {
	f.Add(makeZip(f, zipEntry{name: "go/"}, zipEntry{name: "go/bin/go", body: "ELF", deflate: true}, zipEntry{name: "go/src/a.go", body: "package a"}))
	f.Add(makeZip(f, zipEntry{name: "a", body: "1"}, zipEntry{name: "l", body: "a", mode: fs.ModeSymlink | 0o777}))
	f.Add(makeZip(f, zipEntry{name: "d/up", body: "..", mode: fs.ModeSymlink | 0o777}, zipEntry{name: "t", body: "d/up/../..", mode: fs.ModeSymlink | 0o777}))
	f.Add(makeZip(f, zipEntry{name: "liar", body: "0123456789", declared: 3}))
	f.Add(makeZip(f, zipEntry{name: "x", body: "1"}, zipEntry{name: "X", body: "2"}))
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, parent := sandbox(t)
		o := Options{Limits: fuzzLimits, Workers: 2, CaseInsensitive: len(data)%2 == 0, WindowsNames: len(data)%3 == 0}
		m, err := ExtractZip(context.Background(), bytes.NewReader(data), int64(len(data)), out, o)
		checkExtracted(t, parent, out, m, err)
		if err == nil {
			if _, herr := m.H1("p/"); herr != nil {
				t.Fatalf("H1 of a successfully extracted zip: %v", herr)
			}
		}
	})
}
