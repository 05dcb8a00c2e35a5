// Package tempdir gives tests a temporary directory that works everywhere
// govm's tests run, including under Wine.
package tempdir

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/govm-dev/govm/internal/fsx"
)

// New replaces t.TempDir: its cleanup calls os.RemoveAll, which fails under
// Wine ("unlinkat: Invalid function") and on the read-only trees installs
// leave. This one removes with fsx.RemoveAll. Links in the path are resolved
// (macOS /var -> /private/var) so paths compare literally.
func New(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "govm-test-")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		dir = r
	}
	t.Cleanup(func() {
		if err := fsx.RemoveAll(dir); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	return dir
}
