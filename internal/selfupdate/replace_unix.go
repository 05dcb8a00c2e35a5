//go:build unix

package selfupdate

import (
	"fmt"

	"github.com/govm-dev/govm/internal/fsx"
)

// replace puts newExe in exe's place. A running executable can be renamed
// over on Unix: the process keeps its open inode, so one rename suffices.
func replace(exe, newExe string) error {
	if err := fsx.Rename(newExe, exe); err != nil {
		return fmt.Errorf("install the new govm: %w", err)
	}
	return nil
}

// CleanupAside removes executables that earlier updates moved aside beside
// exe (Windows leaves them while they run), and reports how many went.
func CleanupAside(exe string) int { return cleanupAside(exe) }
