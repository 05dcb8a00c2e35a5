package fsx

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestWriteFileAtomicCreatesAndReplaces(t *testing.T) {
	dir := tempDir(t)
	path := filepath.Join(dir, "state.json")
	for _, content := range []string{`{"v":1}`, `{"v":2, "longer": true}`, ""} {
		if err := WriteFileAtomic(path, []byte(content), 0o644); err != nil {
			t.Fatalf("WriteFileAtomic(%q): %v", content, err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != content {
			t.Errorf("content = %q, want %q", got, content)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the target (temporary files must not remain)", len(entries))
	}
}

func TestWriteFileAtomicAppliesPerm(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no permission bits beyond read-only")
	}
	path := filepath.Join(tempDir(t), "secret")
	if err := WriteFileAtomic(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
}

func TestWriteFileAtomicMissingDirNamesPath(t *testing.T) {
	path := filepath.Join(tempDir(t), "no", "such", "dir", "file.json")
	err := WriteFileAtomic(path, []byte("x"), 0o644)
	if err == nil {
		t.Fatal("WriteFileAtomic into a missing directory succeeded")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
}

func TestWriteFileAtomicOverDirectoryFailsAndCleansUp(t *testing.T) {
	dir := tempDir(t)
	target := filepath.Join(dir, "target")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(target, "inside"), "keep", 0o644)
	if err := WriteFileAtomic(target, []byte("x"), 0o644); err == nil {
		t.Fatal("replacing a non-empty directory with a file succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if _, ok := TempTarget(e.Name()); ok {
			t.Errorf("temporary file %s left behind after a failed write", e.Name())
		}
	}
}

func TestTempTarget(t *testing.T) {
	tests := []struct {
		name, target string
		ok           bool
	}{
		{".go1.22.5.json.tmp-123456", "go1.22.5.json", true},
		{".state.json.tmp-9", "state.json", true},
		{".a.tmp-1.tmp-22", "a.tmp-1", true},
		{"go1.22.5.json", "", false},
		{".go1.22.5.json", "", false},
		{".go1.22.5.json.tmp-", "", false},
		{".go1.22.5.json.tmp-12x", "", false},
		{"go1.json.tmp-12", "", false},
		{"..tmp-12", "", false},
		{".tmp-12", "", false},
	}
	for _, tc := range tests {
		target, ok := TempTarget(tc.name)
		if target != tc.target || ok != tc.ok {
			t.Errorf("TempTarget(%q) = %q, %v; want %q, %v", tc.name, target, ok, tc.target, tc.ok)
		}
	}
}

func TestTempTargetMatchesWriteFileAtomicNames(t *testing.T) {
	// A crash between CreateTemp and Rename leaves exactly such a name;
	// produce one the same way and check it is recognised.
	dir := tempDir(t)
	f, err := os.CreateTemp(dir, ".go1.22.5.json"+tempMarker+"*")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if target, ok := TempTarget(filepath.Base(f.Name())); !ok || target != "go1.22.5.json" {
		t.Errorf("TempTarget(%q) = %q, %v", filepath.Base(f.Name()), target, ok)
	}
}
