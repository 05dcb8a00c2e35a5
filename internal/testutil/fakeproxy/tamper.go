package fakeproxy

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
)

// tamper rewrites a module zip with the first byte of its first non-empty
// file flipped: the same layout and size, a different dirhash.
func tamper(t testing.TB, data []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Errorf("fakeproxy: tamper: %v", err)
		return data
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	flipped := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Errorf("fakeproxy: tamper %s: %v", f.Name, err)
			return data
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Errorf("fakeproxy: tamper %s: %v", f.Name, err)
			return data
		}
		if !flipped && len(content) > 0 {
			content[0] ^= 0x01
			flipped = true
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: modTime})
		if err == nil {
			_, err = w.Write(content)
		}
		if err != nil {
			t.Errorf("fakeproxy: tamper %s: %v", f.Name, err)
			return data
		}
	}
	if err := zw.Close(); err != nil {
		t.Errorf("fakeproxy: tamper: %v", err)
		return data
	}
	return buf.Bytes()
}
