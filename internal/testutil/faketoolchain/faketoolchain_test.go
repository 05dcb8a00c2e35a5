package faketoolchain

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestTreeRunsAndReportsItsVersion checks the property every install test
// relies on: the unpacked fake go answers `go version` from its VERSION file.
func TestTreeRunsAndReportsItsVersion(t *testing.T) {
	root := t.TempDir()
	for p, f := range Tree(t, "go1.22.5", runtime.GOOS, runtime.GOARCH) {
		dst := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, f.Data, f.Mode); err != nil {
			t.Fatal(err)
		}
	}
	exe := ""
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}
	out, err := exec.Command(filepath.Join(root, "bin", "go"+exe), "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "go version go1.22.5 " + runtime.GOOS + "/" + runtime.GOARCH
	if strings.TrimSpace(string(out)) != want {
		t.Fatalf("go version = %q, want %q", out, want)
	}
}

func TestArchivesAreReproducible(t *testing.T) {
	n1, a1 := GoDevArchive(t, "go1.22.5", "linux", "amd64")
	n2, a2 := GoDevArchive(t, "go1.22.5", "linux", "amd64")
	if n1 != "go1.22.5.linux-amd64.tar.gz" || n1 != n2 || SHA256(a1) != SHA256(a2) {
		t.Fatalf("archives differ: %s %s", n1, n2)
	}
	z1, z2 := ModuleZip(t, "go1.22.5", "linux", "amd64"), ModuleZip(t, "go1.22.5", "linux", "amd64")
	if SHA256(z1) != SHA256(z2) {
		t.Fatal("module zips differ")
	}
}
