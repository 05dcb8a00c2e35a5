package activate

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// tempDir is t.TempDir without os.RemoveAll, which fails under Wine: the
// tree is walked and removed entry by entry, deepest first. Links are
// removed, never followed.
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "govm-activate-")
	if err != nil {
		t.Fatal(err)
	}
	// Resolve symlinked temp roots (macOS /var -> /private/var) so that
	// paths compare equal to what the OS reports back.
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	t.Cleanup(func() {
		var paths []string
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil {
				paths = append(paths, p)
			}
			return nil
		})
		slices.Reverse(paths)
		for _, p := range paths {
			if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
				t.Logf("cleanup: %v", err)
			}
		}
	})
	return dir
}

// mkdirs creates directories below root and returns their paths.
func mkdirs(t *testing.T, root string, names ...string) []string {
	t.Helper()
	var out []string
	for _, n := range names {
		p := filepath.Join(root, n)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}
