package doctor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/govm-dev/govm/internal/humanize"
)

func init() {
	register(Check{
		ID:       "GOVM-DISK",
		Category: CatGovm,
		Title:    "enough free disk space to install a toolchain",
		Run:      checkDisk,
	})
}

// A toolchain takes ~70 MiB to download and ~250 MiB unpacked, both on the
// home's volume at once during an install.
const (
	diskWarnBytes  = 2 << 30
	diskErrorBytes = 500 << 20
)

func checkDisk(_ context.Context, e *Env) []Finding {
	dir := e.Home.Root
	// The home may not exist yet: ask about the nearest existing parent,
	// which is the volume it will be created on.
	for {
		if _, err := os.Stat(dir); err == nil || filepath.Dir(dir) == dir {
			break
		}
		dir = filepath.Dir(dir)
	}
	free, err := e.DiskFree(dir)
	if err != nil {
		return []Finding{{Severity: Info, Message: "cannot tell the free space on " + dir + ": " + err.Error()}}
	}
	details := map[string]any{"path": dir, "free_bytes": free}
	msg := fmt.Sprintf("%s free on the volume of %s", humanize.Bytes(int64(free)), dir)
	switch {
	case free < diskErrorBytes:
		return []Finding{{Severity: Error, Details: details, Message: "only " + msg + "; an install needs about 350 MiB",
			Fix: "free disk space (govm prune --keep 2 removes old versions), or set GOVM_HOME to a larger volume"}}
	case free < diskWarnBytes:
		return []Finding{{Severity: Warning, Details: details, Message: "only " + msg + "; each toolchain needs about 350 MiB while installing",
			Fix: "govm prune --keep 2"}}
	}
	return []Finding{{Severity: OK, Details: details, Message: msg}}
}
