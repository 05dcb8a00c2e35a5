package scan

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"golang.org/x/mod/sumdb/dirhash"
)

// GoSum holds the hashes of go.sum (and go.work.sum) files: for each
// "path version" and "path version/go.mod" key, the h1: hashes recorded, and
// which file recorded them so that a mismatch can name it.
type GoSum struct {
	hashes map[string][]string
	files  map[string]string
}

// ParseGoSum adds the lines of one go.sum file to s (a nil *GoSum starts a new
// one) and returns it. Malformed lines are an error naming the file and line:
// the go command refuses such files too.
func ParseGoSum(s *GoSum, name string, data []byte) (*GoSum, error) {
	if s == nil {
		s = &GoSum{hashes: map[string][]string{}, files: map[string]string{}}
	}
	for i, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 || !strings.HasPrefix(f[2], "h1:") {
			return nil, fmt.Errorf("parse %s:%d: want \"path version h1:hash\", got %q", name, i+1, line)
		}
		key := f[0] + " " + f[1]
		s.hashes[key] = append(s.hashes[key], f[2])
		if _, ok := s.files[key]; !ok {
			s.files[key] = name
		}
	}
	return s, nil
}

// H1 returns the first recorded hash of the module zip of path@version, or "".
func (s *GoSum) H1(path, version string) string {
	if s == nil {
		return ""
	}
	if hs := s.hashes[path+" "+version]; len(hs) > 0 {
		return hs[0]
	}
	return ""
}

// GoModH1 returns the first recorded hash of the go.mod of path@version, or "".
func (s *GoSum) GoModH1(path, version string) string {
	return s.H1(path, version+"/go.mod")
}

// CheckGoMod verifies data as the go.mod of path@version. A version without a
// go.sum line passes (go.sum may be incomplete, e.g. for pruned modules); a
// version with lines must match one of them, or the error wraps ErrChecksum
// and names the module and the go.sum file.
func (s *GoSum) CheckGoMod(path, version string, data []byte) error {
	if s == nil {
		return nil
	}
	key := path + " " + version + "/go.mod"
	want := s.hashes[key]
	if len(want) == 0 {
		return nil
	}
	got, err := HashGoMod(data)
	if err != nil {
		return fmt.Errorf("hash go.mod of %s@%s: %w", path, version, err)
	}
	for _, w := range want {
		if w == got {
			return nil
		}
	}
	return fmt.Errorf("go.mod of %s@%s: %w: downloaded %s, %s has %s", path, version, ErrChecksum, got, s.files[key], want[0])
}

// HashGoMod returns the h1: hash go.sum records for a go.mod file: the
// dirhash of a tree holding the single file "go.mod".
func HashGoMod(data []byte) (string, error) {
	return dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
}
