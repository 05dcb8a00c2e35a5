package fsx

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// buildTree makes a small GOROOT-like tree and returns its root.
func buildTree(t *testing.T, parent string) string {
	t.Helper()
	root := filepath.Join(parent, "go1.22.5")
	for _, d := range []string{"bin", "pkg/tool/linux_amd64", "src/with space"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(root, "VERSION"), "go1.22.5\n", 0o644)
	writeFile(t, filepath.Join(root, "bin", "go"), "#!bin", 0o755)
	writeFile(t, filepath.Join(root, "pkg/tool/linux_amd64", "compile"), "bin", 0o755)
	writeFile(t, filepath.Join(root, "src/with space", "a.go"), "package a", 0o644)
	return root
}

func TestRemoveAllReadOnlyTree(t *testing.T) {
	root := buildTree(t, tempDir(t))
	if err := SetReadOnly(root); err != nil {
		t.Fatal(err)
	}
	// Read-only directories too: Unix refuses to unlink entries of a
	// directory without write permission (for non-root users), Windows
	// refuses to delete a directory with the read-only attribute.
	for _, d := range []string{"src/with space", "pkg/tool/linux_amd64", "bin"} {
		if err := os.Chmod(filepath.Join(root, d), 0o555); err != nil {
			t.Fatal(err)
		}
	}
	if err := RemoveAll(root); err != nil {
		t.Fatalf("RemoveAll: %v", err)
	}
	if _, err := os.Lstat(root); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("tree still present after RemoveAll: %v", err)
	}
}

func TestRemoveAllMissingAndSingleFile(t *testing.T) {
	dir := tempDir(t)
	if err := RemoveAll(filepath.Join(dir, "absent")); err != nil {
		t.Errorf("RemoveAll of a missing path: %v, want nil", err)
	}
	file := filepath.Join(dir, "file")
	writeFile(t, file, "x", 0o444)
	if err := RemoveAll(file); err != nil {
		t.Fatalf("RemoveAll of a read-only file: %v", err)
	}
	if _, err := os.Lstat(file); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("file still present: %v", err)
	}
}

func TestRemoveAllDoesNotFollowSymlinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows and are stubs under Wine")
	}
	dir := tempDir(t)
	outside := filepath.Join(dir, "outside")
	if err := os.Mkdir(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	precious := filepath.Join(outside, "precious")
	writeFile(t, precious, "keep me", 0o644)
	root := buildTree(t, dir)
	if err := os.Symlink(outside, filepath.Join(root, "link-to-dir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(precious, filepath.Join(root, "bin", "link-to-file")); err != nil {
		t.Fatal(err)
	}
	if err := RemoveAll(root); err != nil {
		t.Fatalf("RemoveAll: %v", err)
	}
	if got, err := os.ReadFile(precious); err != nil || string(got) != "keep me" {
		t.Errorf("file behind a symlink was touched: %q, %v", got, err)
	}
}

func TestRemoveAllInvalidPathNamesIt(t *testing.T) {
	bad := filepath.Join(tempDir(t), "nul\x00byte")
	err := RemoveAll(bad)
	if err == nil {
		t.Fatal("RemoveAll of a path with a NUL byte succeeded")
	}
	if !strings.Contains(err.Error(), "nul") {
		t.Errorf("error %q does not name the path", err)
	}
}
