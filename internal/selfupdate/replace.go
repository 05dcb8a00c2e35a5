package selfupdate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/govm-dev/govm/internal/fsx"
)

// asideSuffix marks a replaced executable kept until it can be deleted.
const asideSuffix = ".old"

// replaceAside moves exe aside, then newExe into its place, and puts exe
// back when the second step fails. This is how a running executable is
// replaced on Windows, where it cannot be overwritten or deleted but can be
// renamed. It is portable so that Linux tests exercise it too.
func replaceAside(exe, newExe string) error {
	aside := exe + asideSuffix
	// A leftover from an earlier update that could not be deleted then.
	if err := os.Remove(aside); err != nil && !os.IsNotExist(err) {
		aside = fmt.Sprintf("%s%s-%d", exe, asideSuffix, os.Getpid())
	}
	if err := fsx.Rename(exe, aside); err != nil {
		return fmt.Errorf("move the running govm aside: %w", err)
	}
	if err := fsx.Rename(newExe, exe); err != nil {
		if rerr := fsx.Rename(aside, exe); rerr != nil {
			return fmt.Errorf("install the new govm: %w; and restoring the old one failed: %v (it is at %s)", err, rerr, aside)
		}
		return fmt.Errorf("install the new govm: %w", err)
	}
	// Succeeds on Unix; on Windows the running process still holds it and
	// CleanupAside removes it on a later run.
	_ = os.Remove(aside)
	return nil
}

// cleanupAside removes executables left aside next to exe by earlier
// updates, and reports how many it removed. Files still in use stay.
func cleanupAside(exe string) int {
	dir, base := filepath.Split(exe)
	entries, err := os.ReadDir(filepath.Clean(dir))
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), base+asideSuffix)
		if !ok || rest != "" && !strings.HasPrefix(rest, "-") || !e.Type().IsRegular() {
			continue
		}
		if os.Remove(filepath.Join(dir, e.Name())) == nil {
			n++
		}
	}
	return n
}
