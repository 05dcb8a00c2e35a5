package fsx

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestSetReadOnly(t *testing.T) {
	root := buildTree(t, tempDir(t))
	if err := SetReadOnly(root); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.Type().IsRegular() && fi.Mode().Perm()&0o222 != 0:
			t.Errorf("%s is still writable: %v", path, fi.Mode())
		case d.IsDir() && fi.Mode().Perm()&0o200 == 0:
			t.Errorf("directory %s lost its write permission: %v", path, fi.Mode())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(filepath.Join(root, "bin", "go"))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o555 {
			t.Errorf("bin/go mode = %v, want 0555 (exec bits kept)", fi.Mode().Perm())
		}
	}
	// Writing must now fail for non-root Unix users; root bypasses the
	// bits. On Windows the walk above saw the read-only attribute (Go
	// reports it as 0444); enforcing it is the system's job, and Wine run
	// as root does not.
	if runtime.GOOS != "windows" && os.Geteuid() != 0 {
		if err := os.WriteFile(filepath.Join(root, "VERSION"), []byte("tampered"), 0o644); err == nil {
			t.Error("writing a read-only file succeeded")
		}
	}
}

func TestSetReadOnlySkipsSymlinkTargets(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows and are stubs under Wine")
	}
	dir := tempDir(t)
	outside := filepath.Join(dir, "outside.txt")
	writeFile(t, outside, "x", 0o644)
	root := buildTree(t, dir)
	if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	if err := SetReadOnly(root); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(outside)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("file outside the tree changed to %v through a symlink", fi.Mode().Perm())
	}
}

func TestSetReadOnlyMissingRoot(t *testing.T) {
	missing := filepath.Join(tempDir(t), "absent")
	if err := SetReadOnly(missing); err == nil {
		t.Error("SetReadOnly of a missing root succeeded")
	}
}
