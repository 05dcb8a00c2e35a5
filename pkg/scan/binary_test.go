package scan

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// buildTinyBinary builds, offline, a main module that depends on a module
// replaced by a local directory, and returns the executable's path.
func buildTinyBinary(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	root := tempdir.New(t)
	writeTree(t, root, map[string][]byte{
		"app/go.mod":  []byte("module example.com/app\n\ngo 1.21\n\nrequire example.com/dep v1.0.0\n\nreplace example.com/dep => ../dep\n"),
		"app/main.go": []byte("package main\n\nimport \"example.com/dep\"\n\nfunc main() { println(dep.Name) }\n"),
		"dep/go.mod":  []byte("module example.com/dep\n\ngo 1.21\n"),
		"dep/dep.go":  []byte("package dep\n\nconst Name = \"dep\"\n"),
	})
	exe := filepath.Join(root, "app.exe")
	cmd := exec.Command(goBin, "build", "-o", exe, ".")
	cmd.Dir = filepath.Join(root, "app")
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GOWORK=off", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return exe
}

func TestScanBinary(t *testing.T) {
	b, err := ScanBinary(buildTinyBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	if b.GoVersion != runtime.Version() {
		t.Errorf("GoVersion = %s, want %s", b.GoVersion, runtime.Version())
	}
	if b.Main.Path != "example.com/app" {
		t.Errorf("Main = %+v, want example.com/app", b.Main)
	}
	want := []BinaryModule{{Path: "example.com/dep", Version: "v1.0.0", Replace: &BinaryModule{Path: "../dep", Version: "(devel)"}}}
	if !reflect.DeepEqual(b.Modules, want) {
		t.Errorf("Modules = %+v, want %+v", b.Modules, want)
	}
	if b.Settings["GOOS"] != runtime.GOOS {
		t.Errorf("GOOS setting = %q, want %q", b.Settings["GOOS"], runtime.GOOS)
	}
	if len(b.ModuleVersions()) != 0 {
		t.Errorf("a directory replacement has no module version to check: %v", b.ModuleVersions())
	}
}

func TestScanBinaryRejectsNonGoFiles(t *testing.T) {
	dir := tempdir.New(t)
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("not an executable"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ScanBinary(text); err == nil || !contains(err.Error(), text) {
		t.Errorf("err = %v, want an error naming %s", err, text)
	}
	missing := filepath.Join(dir, "missing")
	if _, err := ScanBinary(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
}

func TestBinaryModuleVersionsFollowReplacements(t *testing.T) {
	b := &Binary{Modules: []BinaryModule{
		{Path: "a", Version: "v1.0.0"},
		{Path: "b", Version: "v1.0.0", Replace: &BinaryModule{Path: "fork/b", Version: "v1.1.0"}},
		{Path: "c", Version: "v1.0.0", Replace: &BinaryModule{Path: "../c"}},
	}}
	got := b.ModuleVersions()
	if len(got) != 2 || got[0] != modV("a", "v1.0.0") || got[1] != modV("fork/b", "v1.1.0") {
		t.Errorf("ModuleVersions = %v", got)
	}
}
