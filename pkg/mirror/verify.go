package mirror

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/govm-dev/govm/pkg/release"
)

// Problem is one file of a mirror that does not match its index.
type Problem struct {
	File    string `json:"file"`
	Problem string `json:"problem"`
}

// Report is the result of Verify.
type Report struct {
	Checked  int       `json:"checked"`
	Problems []Problem `json:"problems"`
}

// Verify re-hashes every archive the mirror's index lists and compares it
// with the index and with its .sha256 file. A missing or unreadable index
// is an error; file mismatches are Problems.
func Verify(ctx context.Context, dir string) (Report, error) {
	rep := Report{Problems: []Problem{}}
	p := filepath.Join(dir, release.MirrorIndexName)
	data, err := os.ReadFile(p)
	if err != nil {
		return rep, fmt.Errorf("mirror index %s: %w", p, err)
	}
	index, err := release.ParseIndex(data, p)
	if err != nil {
		return rep, err
	}
	for _, rel := range index {
		for _, f := range rel.Files {
			if err := ctx.Err(); err != nil {
				return rep, err
			}
			rep.Checked++
			if msg := checkFile(dir, f); msg != "" {
				rep.Problems = append(rep.Problems, Problem{File: f.Filename, Problem: msg})
			}
		}
	}
	return rep, nil
}

// checkFile returns what is wrong with one archive, or "".
func checkFile(dir string, f release.File) string {
	if f.Filename != filepath.Base(f.Filename) || strings.ContainsAny(f.Filename, `/\`) {
		return "the index names a path outside the mirror"
	}
	path := filepath.Join(dir, f.Filename)
	got, n, err := hashFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "missing"
	}
	if err != nil {
		return err.Error()
	}
	if f.Size > 0 && n != f.Size {
		return fmt.Sprintf("size %d, the index says %d", n, f.Size)
	}
	if !strings.EqualFold(got, f.SHA256) {
		return fmt.Sprintf("SHA-256 %s, the index says %s", got, f.SHA256)
	}
	side, err := os.ReadFile(path + ".sha256")
	if err != nil {
		return "no readable " + f.Filename + ".sha256"
	}
	if !strings.EqualFold(firstField(string(side)), got) {
		return fmt.Sprintf("%s.sha256 says %s, the archive hashes to %s", f.Filename, firstField(string(side)), got)
	}
	return ""
}

func hashFile(path string) (string, int64, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		return "", n, fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
