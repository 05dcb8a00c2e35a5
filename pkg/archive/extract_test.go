package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

func TestExtractTarGzToolchainLayout(t *testing.T) {
	out, parent := sandbox(t)
	// Symlinks need privileges on Windows (and Wine has none): there the
	// same archive is tested with the symlink left out.
	symlinks := runtime.GOOS != "windows"
	link := tarEntry{name: "go/lib/link.go", typeflag: tar.TypeSymlink, link: "../src/fmt/print.go"}
	if !symlinks {
		link = file("go/lib/link.go", "../src/fmt/print.go")
	}
	data := makeTarGz(t,
		tarEntry{name: "go/", typeflag: tar.TypeDir},
		tarEntry{name: "go/bin/go", typeflag: tar.TypeReg, body: "ELF go", mode: 0o755},
		file("go/VERSION", "go1.22.5\n"),
		tarEntry{name: "go/src/", typeflag: tar.TypeDir},
		file("go/src/fmt/print.go", "package fmt\n"),
		link,
		tarEntry{name: "go/misc/same.go", typeflag: tar.TypeLink, link: "go/src/fmt/print.go"},
		tarEntry{name: "pax_global_header", typeflag: tar.TypeXGlobalHeader},
	)
	m, err := ExtractTarGz(context.Background(), bytes.NewReader(data), out, Options{Prefix: "go/"})
	if err != nil {
		t.Fatal(err)
	}
	assertConfined(t, parent, out)
	if got := readFile(t, filepath.Join(out, "bin", "go")); got != "ELF go" {
		t.Errorf("bin/go = %q", got)
	}
	if got := readFile(t, filepath.Join(out, "misc", "same.go")); got != "package fmt\n" {
		t.Errorf("hard link content %q", got)
	}
	if symlinks {
		if got := readFile(t, filepath.Join(out, "lib", "link.go")); got != "package fmt\n" {
			t.Errorf("symlink content %q", got)
		}
		fi, err := os.Stat(filepath.Join(out, "bin", "go"))
		if err != nil || fi.Mode().Perm()&0o100 == 0 {
			t.Errorf("bin/go is not executable: %v %v", fi.Mode(), err)
		}
	}
	want := []struct {
		path string
		mode fs.FileMode
		body string
	}{
		{".", fs.ModeDir | 0o755, ""},
		{"bin/go", 0o755, "ELF go"},
		{"VERSION", 0o644, "go1.22.5\n"},
		{"src", fs.ModeDir | 0o755, ""},
		{"src/fmt/print.go", 0o644, "package fmt\n"},
		{"lib/link.go", fs.ModeSymlink | 0o777, "../src/fmt/print.go"},
		{"misc/same.go", 0o644, "package fmt\n"},
	}
	if !symlinks {
		want[5].mode = 0o644
	}
	if len(m) != len(want) {
		t.Fatalf("manifest has %d entries, want %d: %+v", len(m), len(want), m)
	}
	for i, w := range want {
		e := m[i]
		if e.Path != w.path || e.Mode != w.mode || e.SHA256 != sha256.Sum256([]byte(w.body)) {
			t.Errorf("manifest[%d] = %s %v %s, want %s %v sha256(%q)", i, e.Path, e.Mode, e.Hex(), w.path, w.mode, w.body)
		}
		if w.mode.IsRegular() && e.Size != int64(len(w.body)) {
			t.Errorf("manifest[%d] size %d, want %d", i, e.Size, len(w.body))
		}
	}
	if symlinks && m[5].LinkTarget != "../src/fmt/print.go" {
		t.Errorf("symlink target %q", m[5].LinkTarget)
	}
}

func TestExtractTarGzDotSlashNames(t *testing.T) {
	out, _ := sandbox(t)
	data := makeTarGz(t, tarEntry{name: "./", typeflag: tar.TypeDir}, file("./go/x", "1"))
	_, err := ExtractTarGz(context.Background(), bytes.NewReader(data), out, Options{Prefix: "go"})
	var ue *UnsafeEntryError
	if !errors.As(err, &ue) || ue.Entry != "./" {
		t.Fatalf("a ./ root entry outside prefix go/: %v", err)
	}
	m, err := ExtractTarGz(context.Background(), bytes.NewReader(makeTarGz(t, file("./go/x", "1"))), out, Options{Prefix: "go"})
	if err != nil || len(m) != 1 || m[0].Path != "x" {
		t.Fatalf("./go/x with prefix go: %+v, %v", m, err)
	}
}

func TestExtractTarGzCorruptStream(t *testing.T) {
	good := makeTarGz(t, file("go/a", "hello"), file("go/b", "world"))
	for name, data := range map[string][]byte{
		"not gzip":        []byte("PK\x03\x04 definitely not gzip"),
		"truncated":       good[:len(good)/2],
		"bad gzip crc":    append(append([]byte(nil), good[:len(good)-8]...), 0, 0, 0, 0, 0, 0, 0, 0),
		"empty":           nil,
		"gzip of garbage": makeGzip(t, bytes.Repeat([]byte{0xff}, 2048)),
	} {
		t.Run(name, func(t *testing.T) {
			out, parent := sandbox(t)
			if _, err := ExtractTarGz(context.Background(), bytes.NewReader(data), out, Options{}); err == nil {
				t.Error("no error")
			}
			assertConfined(t, parent, out)
		})
	}
}

func TestExtractZipModuleZip(t *testing.T) {
	const prefix = "golang.org/toolchain@v0.0.1-go1.22.5.linux-amd64/"
	entries := []zipEntry{
		{name: prefix + "bin/go", body: "go binary", deflate: true},
		{name: prefix + "bin/gofmt", body: "gofmt binary", deflate: true},
		{name: prefix + "pkg/tool/linux_amd64/compile", body: "compile", deflate: true},
		{name: prefix + "pkg/tool/linux_amd64/sub/notatool", body: "x"},
		{name: prefix + "src/bin/x.go", body: "package bin"},
		{name: prefix + "VERSION", body: "go1.22.5"},
	}
	data := makeZip(t, entries...)
	for _, workers := range []int{1, 4} {
		out, parent := sandbox(t)
		m, err := ExtractZip(context.Background(), bytes.NewReader(data), int64(len(data)), out, Options{Prefix: prefix, ModuleZip: true, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		assertConfined(t, parent, out)
		wantMode := []fs.FileMode{0o755, 0o755, 0o755, 0o644, 0o644, 0o644}
		for i, e := range m {
			if e.Path != entries[i].name[len(prefix):] || e.Mode != wantMode[i] || e.SHA256 != sha256.Sum256([]byte(entries[i].body)) {
				t.Errorf("workers %d: manifest[%d] = %s %v, want %s %v", workers, i, e.Path, e.Mode, entries[i].name[len(prefix):], wantMode[i])
			}
			if got := readFile(t, filepath.Join(out, filepath.FromSlash(e.Path))); got != entries[i].body {
				t.Errorf("%s = %q", e.Path, got)
			}
			if runtime.GOOS != "windows" {
				fi, _ := os.Stat(filepath.Join(out, filepath.FromSlash(e.Path)))
				if exec := fi.Mode().Perm()&0o100 != 0; exec != (wantMode[i] == 0o755) {
					t.Errorf("%s on disk has mode %v", e.Path, fi.Mode())
				}
			}
		}
	}
}

func TestExtractZipSymlinkAndDirs(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	out, parent := sandbox(t)
	data := makeZip(t,
		zipEntry{name: "go/"},
		zipEntry{name: "go/lib/"},
		zipEntry{name: "go/src/a.go", body: "package a"},
		zipEntry{name: "go/lib/a.go", mode: fs.ModeSymlink | 0o777, body: "../src/a.go"},
	)
	m, err := ExtractZip(context.Background(), bytes.NewReader(data), int64(len(data)), out, Options{Prefix: "go/"})
	if err != nil {
		t.Fatal(err)
	}
	assertConfined(t, parent, out)
	if got := readFile(t, filepath.Join(out, "lib", "a.go")); got != "package a" {
		t.Errorf("through symlink: %q", got)
	}
	paths := make([]string, len(m))
	for i, e := range m {
		paths[i] = e.Path
	}
	if !slices.Equal(paths, []string{".", "lib", "src/a.go", "lib/a.go"}) {
		t.Errorf("manifest paths %q", paths)
	}
}

func TestExtractZipRejectsDirWithData(t *testing.T) {
	out, _ := sandbox(t)
	data := makeZip(t, zipEntry{name: "go/d/", body: "data in a directory", declared: 19})
	_, err := ExtractZip(context.Background(), bytes.NewReader(data), int64(len(data)), out, Options{})
	var ue *UnsafeEntryError
	if !errors.As(err, &ue) || ue.Entry != "go/d/" {
		t.Fatalf("error %v", err)
	}
}

func TestExtractZipBombStopsEarly(t *testing.T) {
	// 64 MiB of zeros deflates to about 64 KiB; the header claims 1 KiB.
	zeros := string(make([]byte, 64<<20))
	data := makeZip(t, zipEntry{name: "bomb", body: zeros, deflate: true, declared: 1024})
	out, parent := sandbox(t)
	_, err := ExtractZip(context.Background(), bytes.NewReader(data), int64(len(data)), out, Options{})
	checkHostile(t, hostileCase{reason: "longer"}, "bomb", err)
	fi, statErr := os.Stat(filepath.Join(out, "bomb"))
	if statErr == nil && fi.Size() > 1024 {
		t.Errorf("wrote %d bytes of a 1 KiB entry", fi.Size())
	}
	assertConfined(t, parent, out)

	// Declared honestly, the same bomb is refused before a byte is written.
	honest := makeZip(t, zipEntry{name: "bomb", body: zeros, deflate: true})
	out2, _ := sandbox(t)
	_, err = ExtractZip(context.Background(), bytes.NewReader(honest), int64(len(honest)), out2, Options{Limits: Limits{MaxTotalBytes: 1 << 20}})
	checkHostile(t, hostileCase{reason: "MaxTotalBytes", limit: true}, "bomb", err)
	if _, err := os.Lstat(filepath.Join(out2, "bomb")); err == nil {
		t.Error("the over-limit file was created")
	}
}

func TestExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out, _ := sandbox(t)
	tgz := makeTarGz(t, file("a", "1"))
	if _, err := ExtractTarGz(ctx, bytes.NewReader(tgz), out, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("tar: %v", err)
	}
	z := makeZip(t, zipEntry{name: "a", body: "1"})
	if _, err := ExtractZip(ctx, bytes.NewReader(z), int64(len(z)), out, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("zip: %v", err)
	}
}

func TestExtractIntoMissingDir(t *testing.T) {
	dir := filepath.Join(tempdir.New(t), "missing")
	z := makeZip(t, zipEntry{name: "a", body: "1"})
	if _, err := ExtractZip(context.Background(), bytes.NewReader(z), int64(len(z)), dir, Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("zip into a missing directory: %v", err)
	}
	if _, err := ExtractTarGz(context.Background(), bytes.NewReader(makeTarGz(t, file("a", "1"))), dir, Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("tar into a missing directory: %v", err)
	}
}
