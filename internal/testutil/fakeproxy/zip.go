package fakeproxy

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"sort"
	"time"

	"golang.org/x/mod/sumdb/dirhash"
)

// FileSpec is one file of a module zip. Module zips carry no modes, so
// there is nothing but content.
type FileSpec struct {
	Data []byte
}

// modTime is fixed so zips are byte-for-byte reproducible.
var modTime = time.Date(2024, 7, 2, 22, 0, 0, 0, time.UTC)

// ModuleZip packs files under prefix the way the module proxy packs them:
// sorted entries, no directory entries, no modes (so no exec bits).
func ModuleZip(prefix string, files map[string]FileSpec) ([]byte, error) {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: prefix + n, Method: zip.Deflate, Modified: modTime})
		if err != nil {
			return nil, fmt.Errorf("zip %s%s: %w", prefix, n, err)
		}
		if _, err := w.Write(files[n].Data); err != nil {
			return nil, fmt.Errorf("zip %s%s: %w", prefix, n, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("zip %s: %w", prefix, err)
	}
	return buf.Bytes(), nil
}

// HashZip returns the dirhash h1: hash of a module zip's files, the value
// the checksum database records (dirhash.HashZip, from memory).
func HashZip(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("hash zip: %w", err)
	}
	byName := map[string]*zip.File{}
	var names []string
	for _, f := range zr.File {
		byName[f.Name] = f
		names = append(names, f.Name)
	}
	return dirhash.Hash1(names, func(name string) (io.ReadCloser, error) {
		f, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("no zip entry %q", name)
		}
		return f.Open()
	})
}

// HashGoMod returns the h1: hash of a go.mod file, as recorded by the
// checksum database on the "path version/go.mod" line.
func HashGoMod(data []byte) string {
	h, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
	if err != nil {
		panic(err) // Hash1 fails only when open does, which it cannot here.
	}
	return h
}
