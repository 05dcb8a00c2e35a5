package modproxy

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/mod/semver"
)

func compareSemver(a, b string) int { return semver.Compare(a, b) }

// tempDir is t.TempDir that also cleans up under Wine, where os.RemoveAll
// fails on trees with files.
func tempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "govm-modproxy-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var paths []string
		filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
			if err == nil {
				paths = append(paths, p)
			}
			return nil
		})
		slices.Reverse(paths)
		for _, p := range paths {
			os.Remove(p)
		}
	})
	return dir
}
