//go:build windows

package fsx

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// isTransient reports whether err is the kind of failure another process can
// cause for a moment (a scanner holding a handle). On Windows that is
// ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION and ERROR_LOCK_VIOLATION.
func isTransient(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) ||
		errors.Is(err, windows.ERROR_SHARING_VIOLATION) ||
		errors.Is(err, windows.ERROR_LOCK_VIOLATION)
}

// Rename renames oldpath to newpath, replacing newpath if it is a file.
// On Unix this is os.Rename: rename(2) is atomic and not disturbed by open
// handles. On Windows it retries for up to about 2 s while another process
// (typically antivirus) holds one of the files open.
func Rename(oldpath, newpath string) error {
	return retry(retryBudget, isTransient, func() error { return os.Rename(oldpath, newpath) })
}

// SyncDir flushes a directory's entries so that a rename or removal inside
// it survives a power loss. Windows has no directory fsync (its NTFS journal
// covers metadata), so there it does nothing.
func SyncDir(dir string) error { return nil }

// prepareRemoval makes path removable before the walk descends into it or
// deletes it. On Unix a directory needs write and search permission for its
// entries to be unlinked; files need nothing. On Windows the read-only
// attribute is cleared from files and directories alike.
func prepareRemoval(path string, fi fs.FileInfo) error {
	if fi.Mode().Perm()&0o200 != 0 || !(fi.Mode().IsRegular() || fi.IsDir()) {
		return nil
	}
	// os.Chmod with the owner write bit set clears FILE_ATTRIBUTE_READONLY.
	return os.Chmod(path, 0o666)
}
