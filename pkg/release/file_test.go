package release

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// tempDir is t.TempDir without os.RemoveAll, which fails under Wine: the
// tree is removed entry by entry, deepest first.
func tempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "govm-release-")
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
