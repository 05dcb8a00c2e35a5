package fsx

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tempMarker separates a target's name from the random suffix in the names
// of WriteFileAtomic's temporary files: ".state.json.tmp-123456".
const tempMarker = ".tmp-"

// WriteFileAtomic replaces path with data so that readers, and the file
// system after a crash, see either the old content or the new content and
// never a mix. It writes a temporary file in the same directory, flushes it
// to disk, renames it over path (retrying on Windows while a scanner holds
// a handle) and, on Unix, flushes the directory so the rename is durable.
// perm is applied to the new file regardless of the umask.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+tempMarker+"*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: close: %w", path, err)
	}
	if err := os.Chmod(tmp, perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := SyncDir(dir); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// TempTarget reports whether name (a base name, no directory) is a
// temporary file left by WriteFileAtomic, and if so the base name of the
// file it was meant to replace. A crash between creating and renaming the
// temporary file leaves one behind; cleanup code uses this to find it and
// to know which lock guards it.
func TempTarget(name string) (target string, ok bool) {
	if !strings.HasPrefix(name, ".") {
		return "", false
	}
	i := strings.LastIndex(name, tempMarker)
	if i <= 1 {
		return "", false
	}
	suffix := name[i+len(tempMarker):]
	if suffix == "" || strings.Trim(suffix, "0123456789") != "" {
		return "", false
	}
	return name[1:i], true
}
