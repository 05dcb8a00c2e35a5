package archive

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

func TestManifestH1MatchesDirhash(t *testing.T) {
	const prefix = "golang.org/toolchain@v0.0.1-go1.22.5.linux-amd64/"
	for _, tc := range []struct {
		name    string
		entries []zipEntry
		prefix  string
		symlink bool
	}{
		{name: "files only", prefix: prefix, entries: []zipEntry{
			{name: prefix + "bin/go", body: "go", deflate: true},
			{name: prefix + "src/a.go", body: "package a\n"},
			{name: prefix + "VERSION", body: "go1.22.5"},
			{name: prefix + "empty", body: ""},
		}},
		{name: "directory entries", prefix: prefix, entries: []zipEntry{
			{name: prefix},
			{name: prefix + "bin/"},
			{name: prefix + "bin/go", body: "go"},
			{name: prefix + "lib/"},
		}},
		{name: "prefix without slash", prefix: strings.TrimSuffix(prefix, "/"), entries: []zipEntry{
			{name: prefix + "a", body: "1"},
			{name: prefix + "b/"},
		}},
		{name: "no prefix", prefix: "", entries: []zipEntry{
			{name: "z", body: "last"},
			{name: "a/b", body: "first"},
			{name: "a/", body: ""},
		}},
		{name: "sort order is bytewise", prefix: "", entries: []zipEntry{
			{name: "B", body: "1"}, {name: "a", body: "2"}, {name: "a-b", body: "3"}, {name: "a0", body: "4"}, {name: "é", body: "5"},
		}},
		{name: "symlink", prefix: "", symlink: true, entries: []zipEntry{
			{name: "t", body: "target"},
			{name: "l", body: "t", mode: fs.ModeSymlink | 0o777},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.symlink && runtime.GOOS == "windows" {
				t.Skip("symlinks need privileges on Windows")
			}
			data := makeZip(t, tc.entries...)
			zipPath := filepath.Join(tempdir.New(t), "m.zip")
			if err := os.WriteFile(zipPath, data, 0o644); err != nil {
				t.Fatal(err)
			}
			want, err := dirhash.HashZip(zipPath, dirhash.Hash1)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := sandbox(t)
			m, err := ExtractZip(context.Background(), bytes.NewReader(data), int64(len(data)), out, Options{Prefix: tc.prefix})
			if err != nil {
				t.Fatal(err)
			}
			got, err := m.H1(tc.prefix)
			if err != nil || got != want {
				t.Errorf("H1 = %s, %v; dirhash.HashZip = %s", got, err, want)
			}
			if other, _ := m.H1("golang.org/other@v1.0.0/"); other == want {
				t.Error("H1 ignores the prefix")
			}
		})
	}
}

func TestManifestH1Errors(t *testing.T) {
	if _, err := (Manifest{{Path: "a\nb"}}).H1(""); err == nil {
		t.Error("a newline in a name was hashed")
	}
	if _, err := (Manifest{{Path: ".", Mode: fs.ModeDir}}).H1(""); err == nil {
		t.Error("a root directory entry without prefix was hashed")
	}
	// An empty manifest hashes like an empty zip.
	if got, err := (Manifest{}).H1("p/"); err != nil || got != "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" {
		t.Errorf("empty manifest: %s, %v", got, err)
	}
}
