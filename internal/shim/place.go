package shim

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/govm-dev/govm/internal/fsx"
	"github.com/govm-dev/govm/pkg/goversion"
)

// exeName adds .exe on Windows.
func exeName(name string) string {
	if runtime.GOOS == "windows" {
		return name + ".exe"
	}
	return name
}

// Enabled reports whether shim mode is on: bin/go exists in the home's bin.
func Enabled(bin string) bool {
	_, err := os.Lstat(filepath.Join(bin, exeName("go")))
	return err == nil
}

// PlaceBinary copies (or hard-links) the govm executable exe into bin under
// name, atomically: a running shim is never replaced by a half-written file.
func PlaceBinary(exe, bin, name string) error {
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	dst := filepath.Join(bin, exeName(name))
	if same(exe, dst) {
		return nil
	}
	tmp := dst + ".new"
	os.Remove(tmp)
	// A hard link costs no space; across volumes (or where links are
	// refused) fall back to a copy.
	if err := os.Link(exe, tmp); err != nil {
		if err := copyFile(exe, tmp); err != nil {
			return fmt.Errorf("place %s: %w", dst, err)
		}
	}
	if err := fsx.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("place %s: %w", dst, err)
	}
	return nil
}

func same(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	return out.Close()
}

// Sync makes bin hold exactly the shims for the given installed versions:
// go and gofmt, and one go1.X.Y per version (Go's own toolchain switch looks
// for those on PATH). Stale go1.X.Y shims are removed.
func Sync(exe, bin string, versions []goversion.Version) error {
	want := map[string]bool{"go": true, "gofmt": true}
	for _, v := range versions {
		want[v.String()] = true
	}
	for name := range want {
		if err := PlaceBinary(exe, bin, name); err != nil {
			return err
		}
	}
	entries, err := os.ReadDir(bin)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".exe")
		if _, v, ok := Tool(name); ok && !v.IsZero() && !want[name] {
			if err := os.Remove(filepath.Join(bin, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// Remove deletes every shim from bin, leaving govm itself and anything else.
func Remove(bin string) error {
	entries, err := os.ReadDir(bin)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if _, _, ok := Tool(e.Name()); ok {
			if err := os.Remove(filepath.Join(bin, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}
