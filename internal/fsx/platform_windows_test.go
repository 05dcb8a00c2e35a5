//go:build windows

package fsx

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

func TestIsTransientWindows(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&os.LinkError{Op: "rename", Old: "a", New: "b", Err: windows.ERROR_SHARING_VIOLATION}, true},
		{&os.PathError{Op: "remove", Path: "a", Err: windows.ERROR_ACCESS_DENIED}, true},
		{&os.PathError{Op: "remove", Path: "a", Err: windows.ERROR_LOCK_VIOLATION}, true},
		{&os.PathError{Op: "remove", Path: "a", Err: windows.ERROR_FILE_NOT_FOUND}, false},
		{errors.New("other"), false},
	}
	for _, tc := range tests {
		if got := isTransient(tc.err); got != tc.want {
			t.Errorf("isTransient(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// holdExclusively opens path with no sharing at all, as a virus scanner
// might, and closes the handle after d.
func holdExclusively(t *testing.T, path string, d time.Duration) {
	t.Helper()
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ, 0, nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(d, func() { windows.CloseHandle(h) })
}

func TestRenameRetriesWhileFileIsHeld(t *testing.T) {
	dir := tempDir(t)
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	writeFile(t, a, "x", 0o644)
	holdExclusively(t, a, 300*time.Millisecond)
	if err := os.Rename(a, b); err == nil {
		t.Skip("this system (Wine) does not refuse to rename a file held without sharing")
	} else if !isTransient(err) {
		t.Fatalf("plain rename of a held file failed with %v, which is not treated as transient", err)
	}
	if err := Rename(a, b); err != nil {
		t.Fatalf("Rename did not outlast a 300ms hold: %v", err)
	}
	if _, err := os.Stat(b); err != nil {
		t.Error(err)
	}
}

func TestRemoveAllRetriesWhileFileIsHeld(t *testing.T) {
	root := buildTree(t, tempDir(t))
	held := filepath.Join(root, "bin", "go")
	holdExclusively(t, held, 300*time.Millisecond)
	if err := os.Remove(held); err == nil {
		t.Skip("this system (Wine) does not refuse to delete a file held without sharing")
	}
	if err := RemoveAll(root); err != nil {
		t.Fatalf("RemoveAll did not outlast a 300ms hold: %v", err)
	}
	if _, err := os.Lstat(root); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("tree still present: %v", err)
	}
}
