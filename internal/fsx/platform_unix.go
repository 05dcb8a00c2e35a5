//go:build unix

package fsx

import (
	"fmt"
	"io/fs"
	"os"
)

// isTransient reports whether err is the kind of failure another process can
// cause for a moment (a scanner holding a handle). On Unix open files never
// block renames or removals, so no error is transient.
func isTransient(err error) bool { return false }

// Rename renames oldpath to newpath, replacing newpath if it is a file.
// On Unix this is os.Rename: rename(2) is atomic and not disturbed by open
// handles. On Windows it retries for up to about 2 s while another process
// (typically antivirus) holds one of the files open.
func Rename(oldpath, newpath string) error {
	return os.Rename(oldpath, newpath)
}

// SyncDir flushes a directory's entries so that a rename or removal inside
// it survives a power loss. Windows has no directory fsync (its NTFS journal
// covers metadata), so there it does nothing.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync dir %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync dir %s: %w", dir, err)
	}
	return nil
}

// prepareRemoval makes path removable before the walk descends into it or
// deletes it. On Unix a directory needs write and search permission for its
// entries to be unlinked; files need nothing. On Windows the read-only
// attribute is cleared from files and directories alike.
func prepareRemoval(path string, fi fs.FileInfo) error {
	if !fi.IsDir() || fi.Mode().Perm()&0o700 == 0o700 {
		return nil
	}
	return os.Chmod(path, fi.Mode().Perm()|0o700)
}
