package fsx

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// SetReadOnly removes the write permission bits from every regular file
// under root (on Windows: sets the read-only attribute), so an installed
// toolchain is not modified by accident, for example by a stray
// `go install` writing into GOROOT. Directories keep their permissions so
// the tree can still be removed, and symbolic links are skipped because
// chmod would follow them out of the tree.
func SetReadOnly(root string) error {
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if perm := fi.Mode().Perm(); perm&0o222 != 0 {
			return os.Chmod(path, perm&^0o222)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set read-only %s: %w", root, err)
	}
	return nil
}
